"""Words of a text as UTF-8 bytes, found by ``bytes.translate`` and one split instead of a regex.

Cleaning's language tests and dedup's keys each take every word of every line or article; the
regex costs ~4x this. The result equals ``pattern.findall(text)`` with each word encoded, for a
pattern whose words are runs of the characters ``table`` keeps (see ``word_table``)."""

from __future__ import annotations

import re
from collections.abc import Callable


def word_table(is_word_char: Callable[[str], bool]) -> bytes:
    """A ``bytes.translate`` table that keeps the ASCII bytes that can be in a word and every byte
    of a multi-byte character (whether that character is in a word is decided on the few words
    holding one) and turns every other byte into a space."""
    return bytes(b if b >= 128 or is_word_char(chr(b)) else 32 for b in range(256))


def words_as_bytes(text: str, table: bytes, pattern: re.Pattern) -> list[bytes]:
    """``pattern.findall(text)``, each word in UTF-8: bytes ``table`` blanks separate words, and a
    word holding a non-ASCII character is split by ``pattern`` again (it may hold a curly quote)."""
    try:
        data = text.encode()
    except UnicodeEncodeError:  # a lone surrogate (never part of a word): the regex's way
        return [word.encode() for word in pattern.findall(text)]
    words = data.translate(table).split()
    if data.isascii():
        return words
    out: list[bytes] = []
    for word in words:
        if word.isascii():
            out.append(word)
        else:
            out.extend(piece.encode() for piece in pattern.findall(word.decode()))
    return out
