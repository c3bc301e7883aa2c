"""Exact and near duplicates: a normalised-text hash, then MinHash over word shingles with LSH bands.

The bands live in the store, so finding the candidates of a new article is an indexed look-up that
does not grow with the corpus, and a later run sees the copies of earlier ones. A copy is stored
and points to its original; downstream steps count it once.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from storyline.text_bytes import word_table, words_as_bytes

NUM_PERM = 128
BANDS = 32  # 32 bands of 4 rows: pairs above ~0.5 Jaccard almost always share a band
ROWS = NUM_PERM // BANDS
NEAR_THRESHOLD = 0.6  # estimated Jaccard of 3-word shingles above which a text is a copy
MIN_WORDS_FOR_NEAR = 25  # shorter texts (headlines) are only matched exactly
_WORD = re.compile(r"\w+", re.UNICODE)


_WORD_BYTES = word_table(lambda ch: ch == "_" or ch.isalnum())  # the bytes a ``\w+`` word can hold


def normalized_words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def word_bytes(text: str) -> list[bytes]:
    """``normalized_words(text)``, each word in UTF-8, found without the regex: the lower-cased
    text's bytes that cannot be in a word become spaces, then one split (the regex costs ~0.2 ms
    per article, this a fifth). A word holding a non-ASCII character is split by the regex again,
    as that character may not be a word character (a curly quote in "don’t")."""
    return words_as_bytes(text.lower(), _WORD_BYTES, _WORD)


def content_hash(title: str | None, text: str, words: list[bytes] | None = None) -> str:
    """Hash of the normalised body (or the title when there is no body): case, spacing, punctuation ignored.
    ``words``: ``word_bytes(text)`` when the caller already has them."""
    words = (word_bytes(text) if words is None else words) or word_bytes(title or "")
    return hashlib.blake2b(b" ".join(words), digest_size=16).hexdigest()


_BAND_SALTS = [band.to_bytes(2, "little") for band in range(BANDS)]
_BAND_HASHERS = [hashlib.blake2b(digest_size=8, salt=salt) for salt in _BAND_SALTS]  # copied, never updated


@dataclass
class Signature:
    values: np.ndarray  # uint64[NUM_PERM]
    _bands: list[int] | None = field(default=None, repr=False, compare=False)

    def bands(self) -> list[int]:
        """The LSH band keys: each band's number and rows hashed into one signed 64-bit integer
        (a small, fixed-size key keeps the store's band index compact). Computed once: a worker
        computes them with the signature, so the driver only looks them up."""
        if self._bands is None:
            data, size = self.values.tobytes(), ROWS * self.values.itemsize
            bands = []
            for band, salted in enumerate(_BAND_HASHERS):  # a copy of a salted hasher: cheaper than a new one
                hasher = salted.copy()
                hasher.update(data[band * size:(band + 1) * size])
                bands.append(int.from_bytes(hasher.digest(), "little", signed=True))
            self._bands = bands
        return self._bands

    def __reduce__(self):
        """As bytes (a worker sends every signature to the driver; an array's own reducer costs
        ~3x more to unpickle), with the band keys the worker computed."""
        return _signature_from_pickle, (self.to_bytes(), self._bands)

    def to_bytes(self) -> bytes:
        return self.values.astype("<u8").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        return cls(np.frombuffer(data, dtype="<u8").astype(np.uint64))

    def jaccard(self, other: Signature) -> float:
        return float(np.mean(self.values == other.values))


def _signature_from_pickle(data: bytes, bands: list[int] | None) -> Signature:
    return Signature(Signature.from_bytes(data).values, bands)


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Odd multipliers combining 3 word hashes into a shingle hash, and ``NUM_PERM`` multiply-shift
    hash functions ``(a*h + b) >> 32`` (a odd), drawn once from a fixed seed."""
    rng = np.random.RandomState(1)
    odd = lambda n: rng.randint(0, 2**63, size=n, dtype=np.uint64) * np.uint64(2) + np.uint64(1)  # noqa: E731
    mix = odd(2)
    a = odd(NUM_PERM)
    b = rng.randint(0, 2**63, size=NUM_PERM, dtype=np.uint64)
    return mix, a, b


def minhash(text: str, words: list[bytes] | None = None) -> Signature | None:
    """MinHash of the text's 3-word shingles, or None for texts too short to judge by overlap.

    Words get a CRC-32 each (of their UTF-8: ``words`` is ``word_bytes(text)`` when the caller has
    it); a shingle's hash combines its three word hashes in numpy; then ``NUM_PERM`` multiply-shift
    hashes (a universal family needing no modulo) in one pass, and the signature is the minimum of
    each. The same estimator as datasketch's MinHash, without a Python step per shingle (~5x
    cheaper) and without importing datasketch/scipy (3 s) in every process. A repeated shingle
    does not change a minimum, so no set is built. (CRC-32 costs less than remembering each word's:
    in a worker busy with other work, looking a word up in a large dict misses the CPU's caches.)
    """
    words = word_bytes(text) if words is None else words
    if len(words) < MIN_WORDS_FOR_NEAR:
        return None
    codes = np.fromiter(map(zlib.crc32, words), dtype=np.uint64, count=len(words))
    mix, a, b = _permutations()
    shingles = codes[:-2] * mix[0] + codes[1:-1] * mix[1] + codes[2:]  # uint64 arithmetic wraps
    # NUM_PERM x shingles, so each hash function's minimum is one reduction over contiguous memory
    # (~15% cheaper than the transposed matrix's minima down its columns; the same minima)
    permuted = np.multiply.outer(a, shingles)
    permuted += b[:, None]  # in place
    # the shift to the top 32 bits is monotonic, so it is taken of the minima, not of every entry
    return Signature(np.minimum.reduce(permuted, axis=1) >> np.uint64(32))
