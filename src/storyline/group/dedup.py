"""Exact and near duplicates: a normalised-text hash, then MinHash over word shingles with LSH bands.

The bands live in the store, so finding the candidates of a new article is an indexed look-up that
does not grow with the corpus, and a later run sees the copies of earlier ones. A copy is stored
and points to its original; downstream steps count it once.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from dataclasses import dataclass

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
def _permutations():
    """datasketch draws the same permutations for a seed; drawing them once per process saves ~40%."""
    from datasketch import MinHash

    template = MinHash(num_perm=NUM_PERM, seed=1)
    return template.permutations, template.scheme


def minhash(text: str) -> Signature | None:
    """MinHash of the text's 3-word shingles, or None for texts too short to judge by overlap."""
    words = normalized_words(text)
    if len(words) < MIN_WORDS_FOR_NEAR:
        return None
    from datasketch import MinHash

    shingles = sorted({" ".join(words[i:i + 3]) for i in range(len(words) - 2)})
    permutations, scheme = _permutations()
    sketch = MinHash(num_perm=NUM_PERM, seed=1, permutations=permutations, scheme=scheme)
    sketch.update_batch([s.encode("utf-8") for s in shingles])
    return Signature(sketch.hashvalues.astype(np.uint64))
