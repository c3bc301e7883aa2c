"""Where inputs come from: files, folders walked recursively in a stable order, or standard input.

Each input is opened as a binary stream (gzip undone on the fly) with a sniffed head, so the
format can be judged by content before anything is read whole. Standard input is streamed too:
its head is kept for sniffing and then chained in front of the rest.
"""

from __future__ import annotations

import io
import os
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

HEAD_BYTES = 65536
GZIP_MAGIC = b"\x1f\x8b"


class GunzipReader(io.RawIOBase):
    """Streaming gunzip that keeps what it could decompress when the input is cut short.

    ``gzip.GzipFile`` raises on a truncated file and loses the data of the last buffer; a reader of
    a damaged download wants every complete line before the damage, then to be told (``truncated``).
    Concatenated gzip members (as ``cat a.gz b.gz`` makes) are read one after the other.
    """

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.truncated = False
        self._inflate = zlib.decompressobj(31)
        self._fed = False  # the current member has received input
        self._pending = b""
        self._offset = 0
        self._done = False

    def readable(self) -> bool:
        return True

    def _fill(self) -> None:
        while self._offset >= len(self._pending) and not self._done:
            chunk = self.raw.read(HEAD_BYTES)
            if not chunk:
                self._done = True
                self.truncated = self._fed and not self._inflate.eof
                self._pending, self._offset = self._inflate.flush() if self.truncated else b"", 0
                return
            out = []
            while chunk:
                if self._inflate.eof:
                    self._inflate, self._fed = zlib.decompressobj(31), False
                try:
                    out.append(self._inflate.decompress(chunk))
                except zlib.error as exc:
                    raise OSError(f"corrupt gzip data ({exc})") from exc
                self._fed = True
                chunk = self._inflate.unused_data if self._inflate.eof else b""
            self._pending, self._offset = b"".join(out), 0

    def readinto(self, buffer) -> int:  # type: ignore[override]
        self._fill()
        n = min(len(buffer), len(self._pending) - self._offset)
        buffer[:n] = self._pending[self._offset:self._offset + n]
        self._offset += n
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


def gunzip_head(raw_head: bytes, limit: int = HEAD_BYTES) -> bytes:
    """The first ``limit`` decompressed bytes of a gzip head, however the head was cut."""
    inflate = zlib.decompressobj(31)
    try:
        return inflate.decompress(raw_head, limit)
    except zlib.error:
        return b""


def is_truncated(stream: BinaryIO) -> bool:
    """True when a stream from ``Source.open`` was gzip data that ended before its end marker."""
    inner = getattr(stream, "raw", None)
    return bool(getattr(inner, "truncated", False))


class _Chained(io.RawIOBase):
    """A head already read from a pipe, then the rest of the pipe."""

    def __init__(self, head: bytes, rest: BinaryIO):
        self._head = io.BytesIO(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        n = self._head.readinto(buffer)
        if n:
            return n
        data = self._rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


class Source:
    """One input: its name for messages, the id stem for its articles, and how to open it."""

    def __init__(self, origin: str, stem: str, path: Path | None = None, stream: BinaryIO | None = None):
        self.origin = origin
        self.stem = stem
        self.path = path
        self._stream = stream  # standard input: can be opened once
        self._raw_head: bytes | None = None

    @property
    def size(self) -> int | None:
        """Size in bytes on disk, or None for a pipe."""
        return self.path.stat().st_size if self.path is not None else None

    @property
    def raw_head(self) -> bytes:
        if self._raw_head is None:
            if self._stream is not None:
                self._raw_head = _read_up_to(self._stream, HEAD_BYTES)
            else:
                assert self.path is not None
                with open(self.path, "rb") as handle:
                    self._raw_head = handle.read(HEAD_BYTES)
        return self._raw_head

    @property
    def gzipped(self) -> bool:
        return self.raw_head.startswith(GZIP_MAGIC)

    def open_raw(self) -> BinaryIO:
        """The bytes as stored (a pipe can be opened only once)."""
        if self._stream is not None:
            head, stream = self.raw_head, self._stream
            self._stream = None
            return io.BufferedReader(_Chained(head, stream))
        assert self.path is not None
        return open(self.path, "rb")

    def open(self) -> BinaryIO:
        """The content stream, decompressed when the input is gzip."""
        raw = self.open_raw()
        if self.gzipped:
            return io.BufferedReader(GunzipReader(raw), buffer_size=HEAD_BYTES)
        return raw

    def head(self) -> bytes:
        """The first bytes of the content (decompressed), for sniffing its format."""
        return gunzip_head(self.raw_head) if self.gzipped else self.raw_head


def _read_up_to(stream: BinaryIO, n: int) -> bytes:
    parts, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def iter_sources(
    paths: Iterable[str | os.PathLike], stdin: BinaryIO | None = None, skip: Iterable[str | os.PathLike] = ()
) -> Iterator[Source | tuple[str, str]]:
    """Every input named by ``paths``; a path that cannot be read yields ``(origin, reason)``.

    ``skip`` names files never to read (the database being written, with its -wal and -shm files,
    which ``storyline run .`` would otherwise find in the folder it walks).
    """
    skipped = {_real(p) for p in skip}
    for given in paths:
        given = str(given)
        if given == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield Source(origin="<stdin>", stem="stdin", stream=stream)
            continue
        path = Path(given)
        if path.is_dir():
            yield from _walk(path, skipped)
        elif _real(path) in skipped:
            yield (given, "is the database this run writes to")
        elif path.is_file():
            yield Source(origin=str(path), stem=article_stem(path), path=path)
        elif not path.exists():
            yield (given, "no such file or folder")
        else:
            yield (given, "not a regular file")


def _real(path: str | os.PathLike) -> str:
    return os.path.realpath(path)


def _walk(root: Path, skipped: set[str]) -> Iterator[Source | tuple[str, str]]:
    """Files below ``root`` in sorted order, hidden files and folders skipped."""
    def on_error(exc: OSError) -> None:
        pending.append((str(exc.filename), f"cannot read folder ({exc.strerror})"))

    pending: list[tuple[str, str]] = []
    for folder, dirs, files in os.walk(root, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        yield from pending
        pending.clear()
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(folder) / name
            if path.is_file() and not (skipped and _real(path) in skipped):
                yield Source(origin=str(path), stem=article_stem(path, root), path=path)
    yield from pending


def article_stem(path: Path, root: Path | None = None) -> str:
    """The file name without its extensions ("a.warc.gz" -> "a"): an article id for a one-article file.

    Below a walked folder ``root``, the subfolders count too ("site-a/index.html" -> "site-a/index"):
    crawls keep one page per folder under the same name, and two ``index.html`` must not share an id."""
    folders = path.parent.relative_to(root).parts if root is not None else ()
    name = path.name
    for suffix in (".gz", ".bz2"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    name = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    return "/".join((*folders, name))
