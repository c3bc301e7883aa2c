"""Exact and near duplicates: a normalised-text hash, then MinHash over word shingles with LSH bands.

The bands live in the store, so finding the candidates of a new article is an indexed look-up that
does not grow with the corpus, and a later run sees the copies of earlier ones. A copy is stored
and points to its original; downstream steps count it once.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

NUM_PERM = 128
BANDS = 32  # 32 bands of 4 rows: pairs above ~0.5 Jaccard almost always share a band
ROWS = NUM_PERM // BANDS
NEAR_THRESHOLD = 0.6  # estimated Jaccard of 3-word shingles above which a text is a copy
MIN_WORDS_FOR_NEAR = 25  # shorter texts (headlines) are only matched exactly
_WORD = re.compile(r"\w+", re.UNICODE)


def normalized_words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def content_hash(title: str | None, text: str) -> str:
    """Hash of the normalised body (or the title when there is no body): case, spacing, punctuation ignored."""
    words = normalized_words(text) or normalized_words(title or "")
    return hashlib.blake2b(" ".join(words).encode(), digest_size=16).hexdigest()


@dataclass
class Signature:
    values: np.ndarray  # uint64[NUM_PERM]

    def bands(self) -> list[str]:
        out = []
        for band in range(BANDS):
            chunk = self.values[band * ROWS:(band + 1) * ROWS].tobytes()
            out.append(f"{band}:{hashlib.blake2b(chunk, digest_size=8).hexdigest()}")
        return out

    def to_bytes(self) -> bytes:
        return self.values.astype("<u8").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        return cls(np.frombuffer(data, dtype="<u8").astype(np.uint64))

    def jaccard(self, other: Signature) -> float:
        return float(np.mean(self.values == other.values))


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """``NUM_PERM`` multiply-shift hash functions ``(a*h + b) >> 32`` (a odd), drawn once from a fixed seed."""
    rng = np.random.RandomState(1)
    a = rng.randint(0, 2**63, size=NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.randint(0, 2**63, size=NUM_PERM, dtype=np.uint64)
    return a, b


def minhash(text: str) -> Signature | None:
    """MinHash of the text's 3-word shingles, or None for texts too short to judge by overlap.

    Each shingle gets a 32-bit CRC, then ``NUM_PERM`` multiply-shift hashes in one numpy pass
    (a universal family needing no modulo); the signature is the minimum of each. Same estimator
    as datasketch's MinHash at a fraction of the cost, and no datasketch/scipy import per process.
    """
    words = normalized_words(text)
    if len(words) < MIN_WORDS_FOR_NEAR:
        return None
    shingles = {" ".join(words[i:i + 3]) for i in range(len(words) - 2)}
    hashes = np.fromiter((zlib.crc32(s.encode("utf-8")) for s in shingles), dtype=np.uint64, count=len(shingles))
    a, b = _permutations()
    permuted = (np.outer(hashes, a) + b) >> np.uint64(32)  # uint64 arithmetic wraps: that is the hash
    return Signature(permuted.min(axis=0))
