"""Running steps: the ingest pipeline and the executors that run per-article work."""
