"""Which language a line is in: script first (free), then lingua for the Latin-script lines that need it.

lingua is accurate but costs ~0.4 ms a line; most lines of an English article are plainly English
(common function words), so only the doubtful ones are sent to the model. Very short lines are
never judged: "OK" or a name says nothing about a language.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_ENGLISH_FUNCTION_WORDS = frozenset(
    "the a an of to in and or for on at by with from is are was were be been has have had it its this "
    "that these those he she they we you his her their our not but as said says will would can could "
    "after before over about than into also who which what when where while more most".split()
)
MIN_CHARS_FOR_MODEL = 40

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
    counts: dict[str, int] = {}
    for ch in line:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            script = name.split(" ", 1)[0] if name else "UNKNOWN"
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return None
    return max(sorted(counts), key=counts.__getitem__)


def english_word_share(line: str) -> float:
    words = [w.lower() for w in _WORD.findall(line)]
    if not words:
        return 0.0
    return sum(w in _ENGLISH_FUNCTION_WORDS for w in words) / len(words)


@lru_cache(maxsize=1)
def _detector():
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models().build()


def line_language(line: str, *, expected: str = "en") -> str | None:
    """ISO 639-1 code of the line's language, or None when the line is too short to tell.

    Lines in the expected language's usual shape return ``expected`` without a model call.
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
    if expected == "en" and english_word_share(line) >= 0.12:
        return "en"
    language = _detector().detect_language_of(line)
    if language is None:
        return None
    return language.iso_code_639_1.name.lower()
