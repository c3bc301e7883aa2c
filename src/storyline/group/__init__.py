"""Corpus steps that relate articles to each other: duplicates, events, stories."""
