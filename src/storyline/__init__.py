"""Storyline: raw news from many outlets in, stories out."""

from storyline.api import Storyline, open  # noqa: A004
from storyline.clean import clean_text
from storyline.model import Article, Rejection

__version__ = "0.1.0"
__all__ = ["Storyline", "open", "clean_text", "Article", "Rejection", "__version__"]
