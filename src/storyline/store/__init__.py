"""The store: one SQLite file, the only module that speaks SQL.

WAL mode lets readers (the web app, a search) go on while ``storyline run`` writes. Every value
that comes from an article or a user reaches SQL as a bound parameter, never as SQL text.
A batch is written in one transaction, so a run killed midway leaves whole batches or nothing.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from storyline.model import Article, Rejection
from storyline.store import band_index
from storyline.store.schema import BAND_INDEX_MIGRATION, ENTITY_WORDS_MIGRATION, MIGRATIONS, SCHEMA_VERSION


class StoreError(RuntimeError):
    """The database file cannot be used (newer schema, not a database, locked for too long)."""


CACHE_KIB = 65536  # SQLite page cache per connection

_ARTICLE_COLUMNS = (
    "article_id, title, text, url, source, published, lang, author, summary_only, content_hash, "
    "duplicate_of, duplicate_kind, origin, input_format, raw_text, cleaning"
)


@dataclass(frozen=True)
class SearchHit:
    article_id: str
    title: str | None
    source: str | None
    published: str | None
    snippet: str
    score: float


@dataclass(frozen=True)
class StoredState:
    """What the store already holds for an article id (to skip or update it)."""

    content_hash: str
    raw_hash: str


class Store:
    """A Storyline database. Open with ``Store(path)``; close with ``close()`` or a ``with`` block."""

    def __init__(self, path: str | Path, *, read_only: bool = False):
        self.path = str(path)
        self.read_only = read_only
        self._depth = 0  # nesting depth of ``transaction`` blocks (1: the outer BEGIN ... COMMIT)
        if read_only and not Path(self.path).is_file():
            raise StoreError(f"{self.path}: no such database (create it with `storyline run PATH --db {self.path}`)")
        try:
            if read_only:
                uri = Path(self.path).resolve().as_uri() + "?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            else:
                self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA busy_timeout = 30000")
            if not read_only:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
                # checkpoint the WAL every ~32 MB instead of 4 MB: a batch of 256 articles writes
                # ~4 MB, and pages rewritten by consecutive batches (index interiors, full-text
                # segments, group profiles) are then copied back once, not once per batch
                # (measured: store write + commit 0.44 -> 0.37 ms per article, wall)
                self.conn.execute("PRAGMA wal_autocheckpoint = 8192")
            self.conn.execute("PRAGMA foreign_keys = ON")
            # 64 MB of page cache instead of SQLite's 2 MB: the MinHash band and grouping indexes
            # take random inserts, and past a few thousand articles they no longer fit in 2 MB
            self.conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable Storyline database ({exc})") from exc

    # -- lifecycle ---------------------------------------------------------------------------

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this Storyline "
                f"({SCHEMA_VERSION}); upgrade Storyline"
            )
        if version == SCHEMA_VERSION:
            return
        if self.read_only:
            raise StoreError(f"{self.path}: schema version {version} needs an upgrade; open it writable once")
        for number in range(version, SCHEMA_VERSION):
            with self.transaction():
                for statement in _split_sql(MIGRATIONS[number]):
                    self.conn.execute(statement)
                if number + 1 == BAND_INDEX_MIGRATION:
                    self._fill_band_index()
                if number + 1 == ENTITY_WORDS_MIGRATION:
                    from storyline.store.annotations import fill_name_words

                    fill_name_words(self.conn)
                self.conn.execute(f"PRAGMA user_version = {number + 1}")

    def _fill_band_index(self) -> None:
        """Band keys of every stored signature (a database from before the integer band index)."""
        from storyline.group.dedup import Signature

        rows = self.conn.execute(
            "SELECT a.rowid, s.signature FROM minhash_signatures s JOIN articles a ON a.article_id = s.article_id"
        )
        while chunk := rows.fetchmany(1000):  # in chunks: a large store must not be held in memory
            self.conn.executemany(
                "INSERT OR IGNORE INTO minhash_band_index (band_key, article_rowid) VALUES (?, ?)",
                [(key, rowid) for rowid, signature in chunk for key in Signature.from_bytes(signature).bands()],
            )

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error: all of a batch or none of it.

        Inside another transaction it is a savepoint: the steps of a batch (store, annotate,
        group) each keep their own all-or-nothing block, and the run wraps them in one, so a run
        killed between two steps cannot leave articles stored but never grouped (a rerun skips
        what is stored)."""
        if self._depth:  # inside one of our own transactions (not merely ``conn.in_transaction``:
            # a connection a failed COMMIT left open must fail loudly, not swallow later writes)
            self._depth += 1
            name = f"step_{self._depth}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                if self.conn.in_transaction:  # some errors (disk full, I/O) roll back everything themselves
                    self.conn.execute(f"ROLLBACK TO {name}")
                    self.conn.execute(f"RELEASE {name}")
                raise
            finally:
                self._depth -= 1
            self.conn.execute(f"RELEASE {name}")
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        finally:
            self._depth = 0
        self.conn.execute("COMMIT")

    # -- runs --------------------------------------------------------------------------------

    def begin_run(self, inputs: list[str]) -> int:
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO runs (started_at, inputs) VALUES (?, ?)", (_now(), json.dumps(inputs))
            )
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, counts: dict[str, int]) -> None:
        with self.transaction():
            self.conn.execute(
                "UPDATE runs SET finished_at = ?, articles_read = ?, articles_added = ?, "
                "articles_updated = ?, duplicates = ?, rejected = ? WHERE run_id = ?",
                (
                    _now(),
                    counts.get("read", 0),
                    counts.get("added", 0),
                    counts.get("updated", 0),
                    counts.get("duplicates", 0),
                    counts.get("rejected", 0),
                    run_id,
                ),
            )

    def record_rejections(self, run_id: int | None, rejections: Iterable[Rejection]) -> None:
        rows = [(run_id, r.origin, r.reason) for r in rejections]
        if rows:
            with self.transaction():
                self.conn.executemany("INSERT INTO rejections (run_id, origin, reason) VALUES (?, ?, ?)", rows)

    # -- articles: writing -------------------------------------------------------------------

    def stored_state(self, article_ids: Iterable[str]) -> dict[str, StoredState]:
        """The content and raw hashes of those ids already stored."""
        out: dict[str, StoredState] = {}
        for chunk in _chunks(list(article_ids), 500):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT article_id, content_hash, json_extract(cleaning, '$.raw_hash') AS raw_hash "
                f"FROM articles WHERE article_id IN ({marks})",
                chunk,
            ):
                out[row["article_id"]] = StoredState(row["content_hash"], row["raw_hash"] or "")
        return out

    def originals_by_hash(self, hashes: Iterable[str], *, exclude: set[str] = frozenset()) -> dict[str, str]:
        """For each normalised text hash, the oldest stored non-duplicate article that has it."""
        out: dict[str, tuple[int, str]] = {}
        for chunk in _chunks(sorted(set(hashes)), 500):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT rowid, content_hash, article_id, duplicate_of FROM articles WHERE content_hash IN ({marks})",
                chunk,
            ):
                if row["duplicate_of"] is None and row["article_id"] not in exclude:
                    known = out.get(row["content_hash"])
                    if known is None or row["rowid"] < known[0]:
                        out[row["content_hash"]] = (row["rowid"], row["article_id"])
        return {h: article_id for h, (_, article_id) in out.items()}

    def band_members(self, band_keys: Iterable[int], *, exclude: set[str] = frozenset()) -> dict[int, list[tuple[int, str]]]:
        """Stored articles in each MinHash band, as ``(rowid, article_id)`` (only originals have bands)."""
        out: dict[int, list[tuple[int, str]]] = {}
        for chunk in _chunks(sorted(set(band_keys)), 500):
            for row in band_index.band_rows(self.conn, chunk):
                if row[1] not in exclude:
                    out.setdefault(row[0], []).append((row[2], row[1]))
        return out

    def copies_of(self, article_ids: Iterable[str], *, exclude: set[str] = frozenset()) -> list[Article]:
        """The stored copies of these articles, oldest first."""
        out: list[tuple[int, Article]] = []
        for chunk in _chunks(sorted(set(article_ids)), 500):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT rowid, {_ARTICLE_COLUMNS} FROM articles WHERE duplicate_of IN ({marks})", chunk
            ):
                if row["article_id"] not in exclude:
                    out.append((row["rowid"], _article_from_row(row)))
        return [article for _, article in sorted(out, key=lambda pair: pair[0])]

    def signatures(self, article_ids: list[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for chunk in _chunks(article_ids, 500):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT article_id, signature FROM minhash_signatures WHERE article_id IN ({marks})", chunk
            ):
                out[row["article_id"]] = row["signature"]
        return out

    def write_articles(
        self,
        articles: list[Article],
        *,
        run_id: int | None,
        signatures: dict[str, tuple[bytes, list[int]]],
        source_lines: dict[tuple[str, str], int] | None = None,
        rejections: Iterable[Rejection] = (),
    ) -> None:
        """Insert or replace a batch of articles with their MinHash data and the batch's rejections,
        in one transaction: a run killed midway keeps whole batches or nothing of one."""
        from storyline.store.annotations import delete_annotations

        with self.transaction():
            self.conn.executemany(
                "INSERT INTO rejections (run_id, origin, reason) VALUES (?, ?, ?)",
                [(run_id, r.origin, r.reason) for r in rejections],
            )
            unindexed: list[int] = []  # new rows, for the full-text index
            banded: list[tuple[int, int]] = []  # new band rows, indexed together (in key order)
            for art in articles:
                values = (
                    art.title,
                    art.text,
                    art.url,
                    art.source,
                    art.published,
                    art.lang,
                    art.author,
                    int(art.summary_only),
                    art.content_hash,
                    art.duplicate_of,
                    art.duplicate_kind,
                    art.origin,
                    art.input_format,
                    art.raw_text,
                    json.dumps(art.meta, ensure_ascii=False, sort_keys=True),
                    run_id,
                )
                stored = self.conn.execute("SELECT rowid FROM articles WHERE article_id = ?", (art.id,)).fetchone()
                if stored:  # an update: its old near-duplicate data and annotations go; new ones follow
                    rowid = stored[0]
                    delete_annotations(self.conn, art.id)  # they described the text it replaces
                    if rowid in unindexed:  # inserted earlier in this batch: its update trigger needs it indexed
                        self._index_text(unindexed)
                    band_index.add_bands(self.conn, banded)  # the drop below must see them
                    banded.clear()
                    self.conn.execute(
                        "UPDATE articles SET title=?, text=?, url=?, source=?, published=?, lang=?, author=?, "
                        "summary_only=?, content_hash=?, duplicate_of=?, duplicate_kind=?, origin=?, "
                        "input_format=?, raw_text=?, cleaning=?, run_id=? WHERE rowid=?",
                        (*values, rowid),
                    )
                    self._drop_bands(art.id, rowid)
                else:
                    rowid = self.conn.execute(
                        f"INSERT INTO articles ({_ARTICLE_COLUMNS}, run_id) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (art.id, *values),
                    ).lastrowid
                    unindexed.append(rowid)
                if art.id in signatures:
                    signature, bands = signatures[art.id]
                    self.conn.execute(
                        "INSERT INTO minhash_signatures (article_id, signature) VALUES (?, ?)", (art.id, signature)
                    )
                    banded += [(band, rowid) for band in bands]
            self._index_text(unindexed)
            band_index.add_bands(self.conn, banded)
            band_index.merge_when_full(self.conn)
            if source_lines:
                self.conn.executemany(
                    "INSERT INTO source_lines (source, line_hash, articles) VALUES (?, ?, ?) "
                    "ON CONFLICT (source, line_hash) DO UPDATE SET articles = articles + excluded.articles",
                    [(source, line_hash, n) for (source, line_hash), n in sorted(source_lines.items())],
                )

    def _index_text(self, rowids: list[int]) -> None:
        """Add new rows to the full-text index in one statement (``schema.FTS_BY_BATCH_MIGRATION`` says why), then forget them."""
        if rowids:
            self.conn.execute(
                "INSERT INTO articles_fts (rowid, title, text) SELECT rowid, title, text FROM articles "
                "WHERE rowid IN (SELECT value FROM json_each(?))", (json.dumps(rowids),))
            rowids.clear()

    def _drop_bands(self, article_id: str, rowid: int) -> None:
        """Remove an article's signature and its band index rows (keys recomputed from the signature)."""
        from storyline.group.dedup import Signature

        row = self.conn.execute("SELECT signature FROM minhash_signatures WHERE article_id = ?", (article_id,)).fetchone()
        if row is None:
            return
        band_index.drop_bands(self.conn, [(key, rowid) for key in Signature.from_bytes(row[0]).bands()])
        self.conn.execute("DELETE FROM minhash_signatures WHERE article_id = ?", (article_id,))

    # -- outlet line statistics --------------------------------------------------------------

    def source_line_counts(self, source: str, line_hashes: Iterable[str]) -> dict[str, int]:
        """How many stored articles of this outlet contain each line (absent lines: not returned)."""
        out: dict[str, int] = {}
        for chunk in _chunks(sorted(set(line_hashes)), 500):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT line_hash, articles FROM source_lines WHERE source = ? AND line_hash IN ({marks})",
                (source, *chunk),
            ):
                out[row["line_hash"]] = row["articles"]
        return out

    def source_article_count(self, source: str) -> int:
        return self.conn.execute("SELECT count(*) FROM articles WHERE source = ?", (source,)).fetchone()[0]

    # -- articles: reading -------------------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        row = self.conn.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE article_id = ?", (article_id,)
        ).fetchone()
        return _article_from_row(row) if row else None

    def articles(self, *, include_duplicates: bool = True) -> Iterator[Article]:
        """Every article in insertion order, streamed."""
        where = "" if include_duplicates else "WHERE duplicate_of IS NULL"
        for row in self.conn.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles {where} ORDER BY rowid"):
            yield _article_from_row(row)

    def count_articles(self, *, include_duplicates: bool = True) -> int:
        where = "" if include_duplicates else "WHERE duplicate_of IS NULL"
        return self.conn.execute(f"SELECT count(*) FROM articles {where}").fetchone()[0]

    def assignments(self) -> Iterator[dict]:
        """One row per article: its event, story and the article it duplicates."""
        for row in self.conn.execute(
            "SELECT a.article_id, g.event_id, g.story_id, a.duplicate_of FROM articles a "
            "LEFT JOIN article_groups g ON g.article_id = a.article_id ORDER BY a.rowid"
        ):
            yield {"id": row["article_id"], "event": row["event_id"], "story": row["story_id"],
                   "duplicate_of": row["duplicate_of"]}

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Full-text search over titles and texts; the user's words are matched, never parsed as SQL."""
        match = fts_query(query)
        if not match:
            return []
        rows = self.conn.execute(
            "SELECT a.article_id, a.title, a.source, a.published, "
            "snippet(articles_fts, 1, '[', ']', ' … ', 12) AS snippet, bm25(articles_fts, 5.0, 1.0) AS score "
            "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY score, a.article_id LIMIT ?",
            (match, limit),
        ).fetchall()
        return [
            SearchHit(r["article_id"], r["title"], r["source"], r["published"], r["snippet"], -r["score"])
            for r in rows
        ]

    def rejections(self, run_id: int | None = None) -> list[Rejection]:
        if run_id is None:
            rows = self.conn.execute("SELECT origin, reason FROM rejections ORDER BY rowid")
        else:
            rows = self.conn.execute("SELECT origin, reason FROM rejections WHERE run_id = ? ORDER BY rowid", (run_id,))
        return [Rejection(r["origin"], r["reason"]) for r in rows]

    def integrity_ok(self) -> bool:
        return self.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def fts_query(text: str) -> str:
    """Turn what a user typed into a safe FTS5 query: quoted phrases and words, all required.

    FTS5 has its own syntax (AND, NEAR, column filters, ``*``); a stray quote or operator in a
    search box would be a syntax error or a different query, so every term is quoted.
    """
    terms = []
    for phrase, word in re.findall(r'"([^"]*)"|([^\s"]+)', text):
        term = (phrase or word).replace('"', "").strip()
        if term and re.search(r"\w", term):
            terms.append('"' + term + '"')
    return " ".join(terms)


def _article_from_row(row: sqlite3.Row) -> Article:
    meta = json.loads(row["cleaning"] or "{}")
    return Article(
        id=row["article_id"],
        raw_text=row["raw_text"],
        title=row["title"],
        text=row["text"],
        url=row["url"],
        source=row["source"],
        published=row["published"],
        lang=row["lang"],
        author=row["author"],
        summary_only=bool(row["summary_only"]),
        origin=row["origin"],
        input_format=row["input_format"],
        content_hash=row["content_hash"],
        duplicate_of=row["duplicate_of"],
        duplicate_kind=row["duplicate_kind"],
        meta=meta,
    )


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements; trigger bodies keep their inner semicolons."""
    statements, buf, depth = [], [], 0
    for line in script.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("--"):
            continue
        buf.append(line)
        upper = stripped.upper()
        if upper.startswith("CREATE TRIGGER"):
            depth += 1
        if upper.startswith("END;"):
            depth -= 1
        if stripped.endswith(";") and depth == 0:
            statements.append("\n".join(buf))
            buf = []
    if buf:
        statements.append("\n".join(buf))
    return statements


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
