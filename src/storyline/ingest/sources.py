"""Where inputs come from: files, folders walked recursively in a stable order, or standard input.

Each input is opened as a binary stream (gzip undone on the fly) with a sniffed head, so the
format can be judged by content before anything is read whole.
"""

from __future__ import annotations

import gzip
import io
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

HEAD_BYTES = 65536


@dataclass
class Source:
    """One input: its name for messages, the id stem for its articles, and how to open it."""

    origin: str
    stem: str
    path: Path | None = None
    data: bytes | None = None  # standard input, read once

    @property
    def size(self) -> int:
        if self.data is not None:
            return len(self.data)
        assert self.path is not None
        return self.path.stat().st_size

    @property
    def gzipped(self) -> bool:
        with self.open_raw() as handle:
            return handle.read(2) == b"\x1f\x8b"

    def open_raw(self) -> BinaryIO:
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None
        return open(self.path, "rb")

    def open(self) -> BinaryIO:
        """The content stream, decompressed when the input is gzip."""
        if self.gzipped:
            return gzip.open(self.open_raw())  # type: ignore[return-value]
        return self.open_raw()

    def head(self) -> bytes:
        with self.open() as handle:
            return handle.read(HEAD_BYTES)


def iter_sources(paths: Iterable[str | os.PathLike], stdin: BinaryIO | None = None) -> Iterator[Source | tuple[str, str]]:
    """Every input named by ``paths``; a path that cannot be read yields ``(origin, reason)``."""
    for given in paths:
        given = str(given)
        if given == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield Source(origin="<stdin>", stem="stdin", data=stream.read())
            continue
        path = Path(given)
        if path.is_dir():
            yield from _walk(path)
        elif path.is_file():
            yield Source(origin=str(path), stem=article_stem(path), path=path)
        elif not path.exists():
            yield (given, "no such file or folder")
        else:
            yield (given, "not a regular file")


def _walk(root: Path) -> Iterator[Source | tuple[str, str]]:
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
            if path.is_file():
                yield Source(origin=str(path), stem=article_stem(path), path=path)
    yield from pending


def article_stem(path: Path) -> str:
    """The file name without its extensions ("a.warc.gz" -> "a"): an article id for a one-article file."""
    name = path.name
    for suffix in (".gz", ".bz2"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
