"""The web app and HTTP API over a Storyline database (``storyline serve``)."""

from storyline.web.app import create_app

__all__ = ["create_app"]
