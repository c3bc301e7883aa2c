"""The ingest pipeline: read, clean, drop outlet boilerplate, find duplicates, store, batch by batch.

Reading streams; each batch is cleaned by the executor (per-article, parallel), then passed through
the corpus steps, which consult the store, and written in one transaction. A run killed midway
keeps every batch it committed; running it again skips what is stored unchanged.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice

import numpy as np

from storyline.clean import clean_article, line_hash, normalize_line
from storyline.engine.alongside import Alongside
from storyline.engine.annotate_step import annotate_and_store
from storyline.engine.executors import LocalExecutor
from storyline.engine.gc_pacing import collections_paced_for_a_run
from storyline.group.dedup import NEAR_THRESHOLD, Signature, content_hash, minhash, word_bytes
from storyline.group.events import OnlineGrouper, prepare_profile
from storyline.model import Article, Rejection
from storyline.store import Store

# Articles per transaction. Grouping and dedup give the same result for any batch size (tested);
# larger batches spread each batch's fixed costs (commit, group rows rewritten, look-ups) over
# more articles: 1,024 instead of 256 took ~3% off the driver's CPU per article (docs/benchmarks.md).
BATCH_SIZE = 1024
# Batches the workers clean while the driver finishes the oldest: with one, workers done early
# wait for the driver (two: 8-13% more articles/s at 10k on 2 cores, docs/benchmarks.md).
BATCHES_AHEAD = 2
# The first batch, and the smallest of the last ones (``_batches``): the driver and the workers
# overlap at the start and at the end of a run as well (docs/benchmarks.md, "Run path, session 13").
FIRST_BATCH = 128
SMALLEST_BATCH = 64  # as executors.MIN_PARALLEL_BATCH: smaller ones would be cleaned in the driver
# A line seen in this many earlier articles of the same outlet is that outlet's boilerplate.
OUTLET_REPEAT_MIN = 4


@dataclass
class RunReport:
    """What a run did, for the summary line and the exit code."""

    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    copies_rechecked: int = 0  # stored copies deduplicated again: the text they copied was replaced
    rejections: list[Rejection] = field(default_factory=list)
    run_id: int | None = None
    seconds: Counter[str] = field(default_factory=Counter)  # wall time per stage: read, clean, dedup, store

    @property
    def duplicates(self) -> int:
        return self.exact_duplicates + self.near_duplicates

    @property
    def cleaned(self) -> int:
        return self.added + self.updated

    def as_dict(self) -> dict[str, int]:
        return {
            "read": self.read,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "exact_duplicates": self.exact_duplicates,
            "near_duplicates": self.near_duplicates,
            "copies_rechecked": self.copies_rechecked,
            "rejected": len(self.rejections),
        }

    def summary(self) -> str:
        """One line: what was read, stored, found to be a copy, and rejected (by most common reason)."""
        line = (
            f"{self.read} articles read: {self.added} added, {self.updated} updated, {self.unchanged} unchanged; "
            f"{self.duplicates} duplicates ({self.exact_duplicates} exact, {self.near_duplicates} near); "
            f"{len(self.rejections)} inputs rejected"
        )
        if self.copies_rechecked:
            line += f"; {self.copies_rechecked} stored copies checked again (the text they copied was replaced)"
        if self.rejections:
            reasons = Counter(_reason_kind(r.reason) for r in self.rejections)
            line += " (" + ", ".join(f"{n} {kind}" for kind, n in sorted(reasons.items(), key=lambda x: (-x[1], x[0]))) + ")"
        return line


def _reason_kind(reason: str) -> str:
    """The reason without its details: "malformed JSON (Expecting value...)" -> "malformed JSON"."""
    return reason.split(" (", 1)[0].split(";", 1)[0].strip()


def raw_hash(article: Article) -> str:
    """Identity of an input as read: the same record read twice has the same raw hash."""
    key = "\x1f".join(
        str(v) for v in (article.raw_text, article.title, article.url, article.source, article.published)
    )
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def clean_or_reject(article: Article) -> Article | Rejection:
    """The per-article step: clean, and reject an article with nothing left to read."""
    try:
        cleaned = clean_article(article)
    except Exception as exc:  # one bad article must not stop the batch
        return Rejection(article.origin, f"cleaning failed ({type(exc).__name__}: {exc})")
    if not cleaned.text.strip() and not (cleaned.title or "").strip():
        dropped = len(cleaned.meta.get("dropped_lines", []))
        return Rejection(article.origin, f"no article text left after cleaning ({dropped} lines of boilerplate)")
    if not cleaned.text.strip():
        cleaned.text = cleaned.title or ""
    return cleaned


def clean_and_prepare(article: Article) -> Article | Rejection:
    """The per-article step of a run: clean, then compute from the cleaned text what the corpus
    steps need (content hash, MinHash, grouping profile), so that work is spread over the workers
    and the driver, which alone can consult the store, only looks things up."""
    result = clean_or_reject(article)
    if isinstance(result, Article):
        derive_dedup_keys(result)
        prepare_profile(result)
    return result


def derive_dedup_keys(article: Article) -> None:
    """The article's content hash and MinHash signature (None for short texts), in ``derived``."""
    words = word_bytes(article.text)
    article.derived["content_hash"] = content_hash(article.title, article.text, words)
    signature = article.derived["minhash"] = minhash(article.text, words)
    if signature is not None:
        signature.bands()  # cached on the signature


def _load_models() -> None:
    """Load what the per-article step loads lazily (cleaning models, the embedder) by running it
    on a small non-English sample."""
    sample = "Le gouvernement a annoncé mercredi une réforme des retraites très contestée par les syndicats."
    clean_and_prepare(Article(id="sample", raw_text=f"{sample}\n\n{sample} Les écoles ferment."))


clean_and_prepare.prepare = _load_models  # type: ignore[attr-defined]


class OutletBoilerplate:
    """Drops lines that earlier articles of the same outlet repeat (menus, taglines, footers)."""

    def __init__(self, store: Store):
        self.store = store

    def apply(self, articles: list[Article]) -> dict[tuple[str, str], int]:
        """Filter the batch in order; returns the line counts the batch adds, for the store."""
        hashes_by_source: dict[str, set[str]] = {}
        line_hashes: dict[int, set[str]] = {}
        for index, art in enumerate(articles):
            if art.source:
                hashes = {line_hash(x) for x in (normalize_line(y) for y in art.text.split("\n")) if x}
                line_hashes[index] = hashes
                hashes_by_source.setdefault(art.source, set()).update(hashes)
        # One look-up per outlet and batch, not one per article.
        seen = {source: self.store.source_line_counts(source, hashes) for source, hashes in hashes_by_source.items()}
        added: Counter[tuple[str, str]] = Counter()
        for index, art in enumerate(articles):
            if not art.source:
                continue
            stored = seen[art.source]
            kept, dropped = [], []
            for raw_line in art.text.split("\n"):
                line = normalize_line(raw_line)
                if line:
                    h = line_hash(line)
                    count = stored.get(h, 0) + added[(art.source, h)]
                    if count >= OUTLET_REPEAT_MIN:
                        dropped.append([line, f"repeated in {count} earlier articles of {art.source}"])
                        continue
                kept.append(raw_line)
            if dropped and any(x.strip() for x in kept):
                art.text = "\n".join(kept).strip("\n")
                while "\n\n\n" in art.text:
                    art.text = art.text.replace("\n\n\n", "\n\n")
                art.meta.setdefault("dropped_lines", []).extend(dropped)
                art.derived.clear()  # computed from the text before these lines went
            for h in line_hashes[index]:
                added[(art.source, h)] += 1
        return dict(added)


class Deduplicator:
    """Marks exact and near copies of stored or earlier-in-batch articles.

    The store is asked once per batch (hashes, bands, signatures), not once per article, so the
    cost of a batch does not grow with the size of the database.
    """

    def __init__(self, store: Store):
        self.store = store

    def apply(self, articles: list[Article]) -> dict[str, tuple[bytes, list[int]]]:
        """Sets ``duplicate_of`` in place; returns the MinHash data of the batch's originals."""
        batch_ids = {a.id for a in articles}  # their stored versions are being replaced
        for art in articles:
            if "content_hash" not in art.derived:  # not prepared by a worker, or its text changed since
                derive_dedup_keys(art)
            art.content_hash = art.derived["content_hash"]
            art.duplicate_of = art.duplicate_kind = None
            art.meta.pop("near_duplicate_similarity", None)  # a stored copy placed again may be an original now
        stored_originals = self.store.originals_by_hash((a.content_hash for a in articles), exclude=batch_ids)
        sigs = {a.id: a.derived["minhash"] for a in articles if a.content_hash not in stored_originals}
        bands = {article_id: sig.bands() for article_id, sig in sigs.items() if sig is not None}
        members = self.store.band_members((b for bs in bands.values() for b in bs), exclude=batch_ids)
        stored_ids = sorted({article_id for found in members.values() for _, article_id in found})
        stored_sigs = {k: Signature.from_bytes(v) for k, v in self.store.signatures(stored_ids).items()}

        by_hash: dict[str, str] = {}
        batch_bands: dict[int, list[str]] = {}
        batch_sigs: dict[str, Signature] = {}
        out: dict[str, tuple[bytes, list[int]]] = {}
        for art in articles:
            original = by_hash.get(art.content_hash) or stored_originals.get(art.content_hash)
            if original:
                art.duplicate_of, art.duplicate_kind = original, "exact"
                continue
            by_hash[art.content_hash] = art.id
            sig = sigs.get(art.id)
            if sig is None:
                continue
            stored = sorted({m for band in bands[art.id] for m in members.get(band, [])})  # oldest first
            candidates = [article_id for _, article_id in stored]
            for band in bands[art.id]:
                for other in batch_bands.get(band, []):
                    if other not in candidates:
                        candidates.append(other)
            # the candidates' signatures only (a merged copy of both maps per article grew with the batch)
            known = {c: batch_sigs[c] if c in batch_sigs else stored_sigs[c]
                     for c in candidates if c in batch_sigs or c in stored_sigs}
            match, score = _best_match(sig, candidates, known)
            if match:
                art.duplicate_of, art.duplicate_kind = match, "near"
                art.meta["near_duplicate_similarity"] = round(score, 3)
                continue
            out[art.id] = (sig.to_bytes(), bands[art.id])
            batch_sigs[art.id] = sig
            for band in bands[art.id]:
                batch_bands.setdefault(band, []).append(art.id)
        return out


def _best_match(sig: Signature, candidates: list[str], known: dict[str, Signature]) -> tuple[str | None, float]:
    """The candidate with the highest estimated Jaccard at or above the threshold (first on ties)."""
    candidates = [c for c in candidates if c in known]
    if not candidates:
        return None, 0.0
    matrix = np.stack([known[c].values for c in candidates])
    scores = (matrix == sig.values).mean(axis=1)
    best = int(np.argmax(scores))  # argmax keeps the first of equal scores: the oldest candidate
    if scores[best] >= NEAR_THRESHOLD:
        return candidates[best], float(scores[best])
    return None, 0.0


class _StageClock:
    """Adds the wall time of each stage to a counter (for the benchmark's breakdown)."""

    def __init__(self, seconds: Counter[str]):
        self.seconds = seconds

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] += time.perf_counter() - start

    def timed_iter(self, stage: str, items: Iterable) -> Iterator:
        iterator = iter(items)
        while True:
            with self(stage):
                item = next(iterator, _END)
            if item is _END:
                return
            yield item


_END = object()


def _stored_origin(store: Store, article_id: str) -> str:
    stored = store.article(article_id)
    return stored.origin if stored else "an earlier input of this run"


def _batches(items: Iterable, size: int, *, first: int = FIRST_BATCH, smallest: int = SMALLEST_BATCH) -> Iterator[list]:
    """Batches of at most ``size`` items, cut so that the driver and the workers overlap at both
    ends of a run. The first batches grow from ``first`` by doubling, so the driver starts on a
    small batch instead of waiting while the workers clean a whole one. The end of the input is
    seen ``size`` items ahead, and what is left then is cut in halves down to ``smallest``, so the
    driver ends the run on small batches instead of working alone through whole ones after the
    workers are done (with ``BATCHES_AHEAD`` batches cleaned ahead, up to three). Batch sizes
    change nothing stored (tested); the cuts depend only on the item count, not on timing."""
    iterator = iter(items)
    cut, smallest = max(1, min(first, size)), max(1, min(smallest, size))
    pending: list = []
    ended = False
    while True:
        if not ended:  # hold ``size`` items beyond this cut, to see the end coming
            want = cut + size - len(pending)
            more = list(islice(iterator, want))
            pending += more
            ended = len(more) < want
        if not pending:
            return
        if ended:  # all that is left is here
            take = min(size, len(pending) if len(pending) < 2 * smallest else (len(pending) + 1) // 2)
        else:
            take, cut = cut, min(size, 2 * cut)
        yield pending[:take]
        del pending[:take]


@collections_paced_for_a_run()
def run_ingest(
    store: Store,
    records: Iterable[Article | Rejection],
    *,
    inputs: list[str],
    executor: LocalExecutor | None = None,
    on_progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
    annotate: bool = True,
    group: bool = True,
) -> RunReport:
    """Ingest a stream of read records into the store; returns what happened.

    Batches overlap: while the driver finishes one (boilerplate, dedup, store, group), the
    executor's workers already clean and prepare the next ``BATCHES_AHEAD``. Batches are still committed one
    at a time and in order, so the result is the same as one batch after another.
    """
    report = RunReport(run_id=store.begin_run(inputs))
    own_executor = executor is None
    executor = executor or LocalExecutor()
    # Every id of this run -> 8 bytes of its raw hash: compact, as it is the one thing that grows with the run.
    seen_ids: dict[str, bytes] = {}
    origins: list[dict[str, str]] = []  # ids -> origins of the batches not yet committed
    finisher = _BatchFinisher(store, report, executor, annotate=annotate, group=group, on_progress=on_progress)
    clock = finisher.clock
    in_flight: deque[tuple] = deque()  # batches submitted for cleaning, oldest first
    try:
        for batch in clock.timed_iter("read", _batches(records, batch_size)):
            rejections = [r for r in batch if isinstance(r, Rejection)]
            fresh: list[Article] = []
            stored = store.stored_state(a.id for a in batch if isinstance(a, Article))
            batch_origins: dict[str, str] = {}
            for art in (a for a in batch if isinstance(a, Article)):
                report.read += 1
                art.meta["raw_hash"] = raw_hash(art)
                digest = bytes.fromhex(art.meta["raw_hash"][:16])
                if art.id in seen_ids:
                    if seen_ids[art.id] == digest:
                        report.unchanged += 1
                    else:
                        first_origin = next((o[art.id] for o in (batch_origins, *origins) if art.id in o), None) \
                            or _stored_origin(store, art.id)
                        rejections.append(
                            Rejection(
                                art.origin,
                                f"article id used twice in this run (id {art.id!r}, first read from {first_origin})",
                            )
                        )
                    continue
                seen_ids[art.id] = digest
                batch_origins[art.id] = art.origin
                previous = stored.get(art.id)
                if previous and previous.raw_hash == art.meta["raw_hash"]:
                    report.unchanged += 1
                    continue
                art.meta["updated"] = previous is not None
                fresh.append(art)
            with clock("clean"):
                cleaning = executor.submit(clean_and_prepare, fresh)
            in_flight.append((cleaning, rejections, len(batch)))
            origins.append(batch_origins)
            if len(in_flight) > BATCHES_AHEAD:
                finisher.finish(*in_flight.popleft())
                origins.pop(0)
        while in_flight:
            finisher.finish(*in_flight.popleft())
    finally:
        if own_executor:
            executor.close()
        store.finish_run(report.run_id, report.as_dict())
    return report


class _BatchFinisher:
    """The driver's part of a batch, once its articles are cleaned: the corpus steps, which consult
    the store, then the write, annotation and grouping, in one order for every batch."""

    def __init__(self, store: Store, report: RunReport, executor, *, annotate: bool, group: bool,
                 on_progress: Callable[[int], None] | None):
        self.store, self.report, self.executor = store, report, executor
        self.annotate, self.group, self.on_progress = annotate, group, on_progress
        self.boilerplate, self.dedup = OutletBoilerplate(store), Deduplicator(store)
        self.grouper: OnlineGrouper | None = None  # one for the run: groups stay in memory between batches
        self.clock = _StageClock(report.seconds)

    def finish(self, cleaning: Callable[[], list], rejections: list[Rejection], size: int) -> None:
        report, clock = self.report, self.clock
        cleaned: list[Article] = []
        with clock("clean"):
            results = cleaning()
        for result in results:
            (rejections if isinstance(result, Rejection) else cleaned).append(result)
        with clock("outlet boilerplate"):
            line_counts = self.boilerplate.apply(cleaned)
        updated = [a.id for a in cleaned if a.meta.get("updated")]
        with clock("dedup"):
            # copies of the articles this batch updates copied their old text: placed again after the batch
            rechecked = self.store.copies_of(updated, exclude={a.id for a in cleaned})
            # read before the batch overwrites them: grouping takes the old texts out of their events
            replaced = {a.id: a for a in map(self.store.article, updated) if a} if self.group else {}
            copied = frozenset(c.duplicate_of for c in rechecked)  # before ``apply`` places them again
            signatures = self.dedup.apply(cleaned + rechecked)
        report.copies_rechecked += len(rechecked)
        for art in cleaned:
            if art.meta.pop("updated"):
                report.updated += 1
            else:
                report.added += 1
            if art.duplicate_kind == "exact":
                report.exact_duplicates += 1
            elif art.duplicate_kind == "near":
                report.near_duplicates += 1
        # one transaction for the batch: stored, annotated and grouped together or not at all
        try:
            with self.store.transaction():
                # the articles are written in a thread while the batch is placed in events here: the
                # placing only reads the group tables, which the write does not touch, and writes
                # nothing until ``save``, so the order cannot change a result (tested)
                writing = Alongside(self.store.write_articles, cleaned + rechecked, run_id=report.run_id,
                                    signatures=signatures, source_lines=line_counts, rejections=rejections)
                try:
                    if self.group:  # events and stories; copies take their original's place
                        with clock("group"):
                            self.grouper = self.grouper or OnlineGrouper(self.store.conn)
                            self.grouper.group(cleaned, replaced=replaced, copied=copied)
                finally:
                    with clock("store"):
                        writing.wait()
                if self.annotate:  # entities, dates, figures, quotes, claims of the batch's non-duplicates
                    with clock("annotate"):
                        annotate_and_store(self.store, [a for a in cleaned + rechecked if a.duplicate_of is None],
                                           report.run_id, self.executor)
                if self.group:
                    with clock("group"), self.store.transaction():
                        self.grouper.save()
        except BaseException:
            if self.grouper:
                self.grouper.forget()  # its memory may be ahead of what was committed
            raise
        report.rejections.extend(rejections)
        if self.on_progress:
            self.on_progress(size)
