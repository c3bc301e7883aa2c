"""Bytes to text: byte-order marks, UTF-8, then a detected legacy encoding; binary is refused.

Scrapers hand us cp1251, latin-1 and UTF-16 files next to UTF-8 ones. Guessing wrong silently
gives mojibake that poisons every later step, so a file that is neither valid text in a known
encoding nor plausible text after detection is rejected with a reason instead.
"""

from __future__ import annotations

import codecs

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


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise DecodeError for binary or undecodable bytes."""
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
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is None or best.encoding is None:
        raise DecodeError("unknown text encoding")
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise DecodeError(f"undecodable as {best.encoding}") from exc
