"""Which language a line is in: script first (free), then lingua for the Latin-script lines that need it.

lingua is accurate but costs time per line and to load, so: most lines of an
English article are plainly English (common function words) and never reach the model; non-Latin
scripts are named from Unicode; the model knows only the Latin-script languages common in news
(fewer models to load, faster to decide) and sees at most the first 300 characters of a line. Very
short lines are never judged: "OK" or a name says nothing about a language.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from storyline.text_bytes import word_table, words_as_bytes

LETTER_RUN = re.compile(r"[^\W\d_]+", re.UNICODE)  # a word: letters only
_ENGLISH_FUNCTION_WORDS = frozenset(
    "the a an of to in and or for on at by with from is are was were be been has have had it its this "
    "that these those he she they we you his her their our not but as said says will would can could "
    "after before over about than into also who which what when where while more most".split()
)
MIN_CHARS_FOR_MODEL = 40
MAX_CHARS_FOR_MODEL = 300
_MODEL_LANGUAGES = (
    "ENGLISH GERMAN FRENCH SPANISH ITALIAN PORTUGUESE DUTCH POLISH SWEDISH DANISH BOKMAL FINNISH CZECH "
    "ROMANIAN HUNGARIAN TURKISH INDONESIAN CROATIAN AZERBAIJANI"
).split()

# Scripts we can name from Unicode character names without any model.
_SCRIPT_LANG = {
    "GEORGIAN": "ka",
    "ARMENIAN": "hy",
    "CYRILLIC": "ru",
    "ARABIC": "ar",
    "HEBREW": "he",
    "GREEK": "el",
    "CJK": "zh",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "DEVANAGARI": "hi",
    "THAI": "th",
}


def dominant_script(line: str) -> str | None:
    """The script of most letters in the line ("LATIN", "GEORGIAN", ...), or None without letters."""
    if line.isascii():
        return "LATIN" if any(ch.isalpha() for ch in line) else None
    counts: dict[str, int] = {}
    for ch, k in Counter(line).items():
        if ch.isalpha():
            script = _script_of(ch)
            counts[script] = counts.get(script, 0) + k
    if not counts:
        return None
    return max(sorted(counts), key=counts.__getitem__)


@lru_cache(maxsize=4096)
def _script_of(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


_LETTER_BYTES = word_table(str.isalpha)  # the bytes a LETTER_RUN word can hold
_ENGLISH_FUNCTION_BYTES = frozenset(word.encode() for word in _ENGLISH_FUNCTION_WORDS)


def letter_words(lowered: str) -> list[bytes]:
    """``LETTER_RUN.findall(lowered)``, each word in UTF-8, without the regex (~4x faster on a line)."""
    return words_as_bytes(lowered, _LETTER_BYTES, LETTER_RUN)


def english_word_share(line: str, words: list[bytes] | None = None) -> float:
    """The share of the line's words that are common English function words. ``words``:
    ``letter_words(line.lower())`` when the caller has them."""
    words = letter_words(line.lower()) if words is None else words
    if not words:
        return 0.0
    return sum(map(_ENGLISH_FUNCTION_BYTES.__contains__, words)) / len(words)


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in _MODEL_LANGUAGES]
    # Low-accuracy mode uses trigram models only: about 1 s to load instead of 20 s and far less
    # memory, and on lines of 40+ characters (the only ones we ask about) it names the same language.
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def line_language(line: str, *, expected: str = "en", words: list[bytes] | None = None) -> str | None:
    """ISO 639-1 code of the line's language, or None when the line is too short to tell.

    Lines in the expected language's usual shape return ``expected`` without a model call.
    ``words``: ``letter_words(line.lower())`` when the caller has them.
    """
    script = dominant_script(line)
    if script is None:
        return None
    if script != "LATIN":
        for prefix, code in _SCRIPT_LANG.items():
            if script.startswith(prefix):
                return code
        return script.lower()
    if len(line) < MIN_CHARS_FOR_MODEL:
        return None
    if expected == "en" and english_word_share(line, words) >= 0.12:
        return "en"
    language = _detector().detect_language_of(line[:MAX_CHARS_FOR_MODEL])
    if language is None:
        return None
    return language.iso_code_639_1.name.lower()
