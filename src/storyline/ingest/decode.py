"""Bytes to text: byte-order marks, UTF-8, then a detected legacy encoding; binary is refused.

Scrapers hand us cp1251, latin-1 and UTF-16 files next to UTF-8 ones. Guessing wrong silently
gives mojibake that poisons every later step, so a file that is neither valid text in a known
encoding nor plausible text after detection is rejected with a reason instead.
"""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class DecodeError(ValueError):
    """The bytes are not text we can read; the message says why."""


def looks_binary(sample: bytes) -> bool:
    """True for bytes that no text encoding we accept would produce (NULs, many control bytes)."""
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls / len(sample) > 0.05


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise DecodeError for binary or undecodable bytes.

    Order: a byte-order mark; UTF-8; the encoding the input declares (HTTP header, HTML meta),
    when it decodes cleanly; then detection. A file that is mostly UTF-8 with some lines in a
    legacy encoding (two files pasted together) is decoded line by line.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise DecodeError(f"invalid {encoding} after its byte-order mark ({exc.reason})") from exc
    if looks_binary(data[:65536]):
        raise DecodeError("binary content (not text)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = declared or _meta_charset(data[:4096])
    if declared and _codec(declared) not in (None, "utf-8"):
        try:
            return data.decode(_codec(declared)), _codec(declared)
        except UnicodeDecodeError:
            pass
    lines = data.splitlines(keepends=True)
    utf8_lines = [line for line in lines if not line.isascii() and _is_utf8(line)]
    bad_lines = [line for line in lines if not _is_utf8(line)]
    legacy = _detect(b"".join(bad_lines))
    if utf8_lines:
        decoded = [line.decode("utf-8") if _is_utf8(line) else line.decode(legacy, "replace") for line in lines]
        return "".join(decoded), f"utf-8+{legacy}"
    try:
        return data.decode(legacy), legacy
    except (UnicodeDecodeError, LookupError) as exc:
        raise DecodeError(f"undecodable as {legacy}") from exc


def _detect(data: bytes) -> str:
    """The legacy encoding of ``data``: charset-normalizer's guess, but Western European first.

    On a short French or German text the detector often names a Central European code page
    (``trčs`` for ``très``); when the bytes read as plausible Western text in cp1252, that wins.
    """
    from charset_normalizer import from_bytes

    sample = data[:1_000_000]
    if _plausible_western(sample):
        return "cp1252"
    best = from_bytes(sample).best()
    if best is None or best.encoding is None:
        raise DecodeError("unknown text encoding")
    return best.encoding


_WESTERN = frozenset(
    "àâäæçéèêëîïôœùûüÿÀÂÄÆÇÉÈÊËÎÏÔŒÙÛÜŸáíóúñÁÍÓÚÑ¿¡ãõÃÕßöÖåÅ"
    "€‚„…†‡‰‹›‘’“”•–—™«»°£§©®±·ºª\u00a0"
)


def _plausible_western(data: bytes) -> bool:
    """Every non-ASCII byte is a usual Western letter or sign in cp1252, and such letters are few."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    odd = [ch for ch in text if not ch.isascii()]
    letters = sum(ch.isalpha() for ch in text)
    return bool(odd) and all(ch in _WESTERN for ch in odd) and len(odd) < 0.3 * max(letters, 1)


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)


def _meta_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None
