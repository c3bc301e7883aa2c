"""Storing and reading annotations (entities, mentions, times, figures, quotes, claims).

Functions take the store's sqlite3 connection; the caller owns the transaction. Every article value is
a bound parameter. Writing an article's annotations replaces what was stored for it, so re-annotating
is idempotent. Entities are merged across articles: a new article's short or variant person name is
linked to a known entity first (storyline.annotate.canonical.link_to_known).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone

from storyline.annotate.canonical import apply_mapping, link_to_known
from storyline.annotate.types import Annotations, Claim, Entity, Figure, Mention, Quote, TimeRef

_TABLES = ("mentions", "time_refs", "figures", "quotes", "claims")
EXPORT_KINDS = ("entities", "mentions", "times", "figures", "quotes", "claims")


def write_annotations(conn: sqlite3.Connection, annotations: Iterable[Annotations], *, annotator: str,
                      run_id: int | None = None, errors: dict[str, str] | None = None) -> None:
    """Replace the stored annotations of these articles (call inside a transaction)."""
    annotations = list(annotations)
    _link_entities(conn, annotations)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    for ann in annotations:
        delete_annotations(conn, ann.article_id)
        conn.execute(
            "INSERT INTO article_annotations (article_id, annotator, annotated_at, run_id, body_offset, anchor_date, "
            "anchor_kind, event_date, event_date_source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (ann.article_id, annotator, now, run_id, ann.body_offset, ann.anchor_date, ann.anchor_kind,
             ann.event_date, ann.event_date_source),
        )
        for entity in ann.entities:
            _upsert_entity(conn, entity)
        conn.executemany(
            "INSERT INTO mentions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(ann.article_id, m.start, m.end, m.text, m.kind, m.entity_id or None, m.role, m.acts_as, m.source)
             for m in ann.mentions],
        )
        _write_times(conn, ann)
        conn.executemany(
            "INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(ann.article_id, f.start, f.end, f.text, f.value, f.unit, f.counted, f.qualifier) for f in ann.figures],
        )
        conn.executemany(
            "INSERT INTO quotes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(ann.article_id, q.start, q.end, q.text, q.kind, q.speaker, q.speaker_id, q.verb, q.cue_start, q.cue_end)
             for q in ann.quotes],
        )
        conn.executemany(
            "INSERT INTO claims (article_id, start_char, end_char, text, party, party_id, stance, verb, sentence_start,"
            " sentence_end, party_source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(ann.article_id, c.start, c.end, c.text, c.party, c.party_id, c.stance, c.verb, c.sentence_start,
              c.sentence_end, c.party_source) for c in ann.claims],
        )
    for article_id, error in sorted((errors or {}).items()):
        delete_annotations(conn, article_id)
        conn.execute(
            "INSERT INTO article_annotations (article_id, annotator, annotated_at, run_id, body_offset, error) "
            "VALUES (?, ?, ?, ?, 0, ?)",
            (article_id, annotator, now, run_id, error),
        )


def delete_annotations(conn: sqlite3.Connection, article_id: str) -> None:
    """Forget an article's annotations (re-annotated, or its text replaced: they described the old one)."""
    for table in (*_TABLES, "article_annotations"):
        conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))


def _write_times(conn: sqlite3.Connection, ann: Annotations) -> None:
    conn.executemany(
        "INSERT INTO time_refs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(ann.article_id, t.start, t.end, t.text, t.kind, t.value, t.begin, t.until, t.granularity, t.anchor,
          t.qualifier) for t in ann.times],
    )


def replace_times(conn: sqlite3.Connection, ann: Annotations) -> None:
    """Store re-resolved time expressions and anchor/event date (after ``annotate.reanchor``)."""
    conn.execute("DELETE FROM time_refs WHERE article_id = ?", (ann.article_id,))
    _write_times(conn, ann)
    conn.execute(
        "UPDATE article_annotations SET anchor_date = ?, anchor_kind = ?, event_date = ?, event_date_source = ? "
        "WHERE article_id = ?",
        (ann.anchor_date, ann.anchor_kind, ann.event_date, ann.event_date_source, ann.article_id),
    )


def _upsert_entity(conn: sqlite3.Connection, entity: Entity) -> None:
    row = conn.execute("SELECT name, aliases, roles FROM entities WHERE entity_id = ?", (entity.entity_id,)).fetchone()
    if row is None:
        conn.execute(
            "INSERT INTO entities (entity_id, kind, name, aliases, roles, first_word, last_word) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (entity.entity_id, entity.kind, entity.name, json.dumps(sorted(set(entity.aliases)), ensure_ascii=False),
             json.dumps(sorted(set(entity.roles)), ensure_ascii=False), *name_words(entity.name)),
        )
        return
    aliases = sorted(set(json.loads(row["aliases"])) | set(entity.aliases) - {row["name"]})
    roles = sorted(set(json.loads(row["roles"])) | set(entity.roles))
    conn.execute(
        "UPDATE entities SET aliases = ?, roles = ? WHERE entity_id = ?",
        (json.dumps(aliases, ensure_ascii=False), json.dumps(roles, ensure_ascii=False), entity.entity_id),
    )


def _link_entities(conn: sqlite3.Connection, annotations: list[Annotations]) -> None:
    """Link each article's people to people known from the store or earlier articles of the batch."""
    batch_known: dict[str, Entity] = {}
    for ann in annotations:
        people = [e for e in ann.entities if e.kind == "person"]
        known = dict(batch_known)
        for e in people:
            for row in _people_like(conn, e.name):
                known.setdefault(row.entity_id, row)
        mapping = link_to_known(ann.entities, known)
        if mapping:
            ann.entities = apply_mapping(ann.mentions, ann.entities, mapping)
            for q in ann.quotes:
                q.speaker_id = mapping.get(q.speaker_id, q.speaker_id)
            for c in ann.claims:
                c.party_id = mapping.get(c.party_id, c.party_id)
        for e in ann.entities:
            if e.kind == "person" and " " in e.name:
                batch_known.setdefault(e.entity_id, e)


def _people_like(conn: sqlite3.Connection, name: str) -> list[Entity]:
    """Known people of several words whose last word is this name's last word or whose first word
    is its first ("Walsh" or "Eric ..."), through the two word indexes: the cost does not grow with
    the number of people stored."""
    parts = name.lower().split()
    rows = conn.execute(
        "SELECT entity_id, kind, name, aliases, roles FROM entities WHERE kind = 'person' AND entity_id IN ("
        "SELECT entity_id FROM entities WHERE last_word = ? UNION SELECT entity_id FROM entities WHERE first_word = ?"
        ") ORDER BY entity_id LIMIT 50",
        (parts[-1], parts[0]),
    ).fetchall()
    return [_entity(r) for r in rows]


def name_words(name: str) -> tuple[str | None, str | None]:
    """First and last word of a name of several words, lower case; (None, None) for one word."""
    parts = name.lower().split()
    return (parts[0], parts[-1]) if len(parts) > 1 else (None, None)


def fill_name_words(conn: sqlite3.Connection) -> None:
    """``first_word`` and ``last_word`` of every stored entity (a database from before the columns)."""
    rows = conn.execute("SELECT entity_id, name FROM entities").fetchall()
    conn.executemany("UPDATE entities SET first_word = ?, last_word = ? WHERE entity_id = ?",
                     [(*name_words(name), entity_id) for entity_id, name in rows])


def _entity(row: sqlite3.Row) -> Entity:
    return Entity(row["entity_id"], row["kind"], row["name"], json.loads(row["aliases"]), json.loads(row["roles"]))


# -- reading ---------------------------------------------------------------------------------


def load_annotations(conn: sqlite3.Connection, article_id: str) -> Annotations | None:
    return load_annotations_many(conn, [article_id])[article_id]


def load_annotations_many(conn: sqlite3.Connection, article_ids: Iterable[str], *,
                          chunk: int = 500) -> dict[str, Annotations | None]:
    """Annotations of many articles in a few queries per table (a story's report reads thousands of
    articles; one query per article and per entity cost seconds). None for unannotated articles."""
    ids = list(dict.fromkeys(article_ids))
    out: dict[str, Annotations | None] = {i: None for i in ids}
    for lo in range(0, len(ids), chunk):
        part = ids[lo : lo + chunk]
        marks = ",".join("?" * len(part))
        for head in conn.execute(
            "SELECT h.*, a.published AS article_published FROM article_annotations h "
            f"LEFT JOIN articles a ON a.article_id = h.article_id WHERE h.article_id IN ({marks})", part
        ):
            out[head["article_id"]] = Annotations(
                head["article_id"], head["body_offset"], head["article_published"], head["anchor_date"],
                head["anchor_kind"], head["event_date"], head["event_date_source"])
        for table, attr, make in _READERS:
            q = f"SELECT * FROM {table} WHERE article_id IN ({marks}) ORDER BY article_id, start_char, end_char, rowid"
            for r in conn.execute(q, part):
                ann = out[r["article_id"]]
                if ann is not None:
                    getattr(ann, attr).append(make(r))
    wanted = sorted({i for ann in out.values() if ann is not None for m in ann.mentions
                     for i in (m.entity_id, m.acts_as) if i})
    rows: dict[str, sqlite3.Row] = {}
    for lo in range(0, len(wanted), chunk):
        part = wanted[lo : lo + chunk]
        for row in conn.execute(f"SELECT * FROM entities WHERE entity_id IN ({','.join('?' * len(part))})", part):
            rows[row["entity_id"]] = row
    for ann in out.values():
        if ann is not None:
            ids_here = sorted({m.entity_id for m in ann.mentions if m.entity_id} | {m.acts_as for m in ann.mentions if m.acts_as})
            ann.entities = [_entity(rows[i]) for i in ids_here if i in rows]
    return out


_READERS = (
    ("mentions", "mentions", lambda r: Mention(r["start_char"], r["end_char"], r["text"], r["kind"], r["entity_id"] or "",
                                               r["role"], r["acts_as"], r["source"])),
    ("time_refs", "times", lambda r: TimeRef(r["start_char"], r["end_char"], r["text"], r["kind"], r["value"],
                                             r["begin_date"], r["until_date"], r["granularity"], r["anchor"],
                                             r["qualifier"])),
    ("figures", "figures", lambda r: Figure(r["start_char"], r["end_char"], r["text"], _num(r["value"]), r["unit"],
                                            r["counted"], r["qualifier"])),
    ("quotes", "quotes", lambda r: Quote(r["start_char"], r["end_char"], r["text"], r["kind"], r["speaker"],
                                         r["speaker_id"], r["verb"], r["cue_start"], r["cue_end"])),
    ("claims", "claims", lambda r: Claim(r["start_char"], r["end_char"], r["text"], r["party"], r["party_id"],
                                         r["stance"], r["verb"], r["sentence_start"], r["sentence_end"],
                                         r["party_source"] or "mention")),
)


def entity(conn: sqlite3.Connection, entity_id: str) -> Entity | None:
    row = conn.execute("SELECT * FROM entities WHERE entity_id = ?", (entity_id,)).fetchone()
    return _entity(row) if row else None


def _num(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _story_table(conn: sqlite3.Connection) -> tuple[str, str] | None:
    """The table (if any) that maps articles to stories; the grouping step owns it, so look it up by shape."""
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        columns = {r[1] for r in conn.execute(f'PRAGMA table_info("{name}")')}
        if "article_id" in columns and "story_id" in columns:
            return name, "story_id"
    return None


def entity_rows(conn: sqlite3.Connection) -> Iterator[dict]:
    """Canonical entities with mention and article counts, and the stories they appear in (when grouped)."""
    stories = _story_table(conn)
    for row in conn.execute(
        "SELECT e.entity_id, e.kind, e.name, e.aliases, e.roles, count(m.rowid) AS mentions, "
        "count(DISTINCT m.article_id) AS articles FROM entities e "
        "LEFT JOIN mentions m ON m.entity_id = e.entity_id OR m.acts_as = e.entity_id "
        "GROUP BY e.entity_id ORDER BY mentions DESC, e.entity_id"
    ):
        out = {"entity_id": row["entity_id"], "kind": row["kind"], "name": row["name"],
               "aliases": json.loads(row["aliases"]), "roles": json.loads(row["roles"]),
               "mentions": row["mentions"], "articles": row["articles"], "stories": []}
        if stories:
            table, column = stories
            out["stories"] = [r[0] for r in conn.execute(
                f'SELECT DISTINCT s."{column}" FROM "{table}" s JOIN mentions m ON m.article_id = s.article_id '
                f'WHERE (m.entity_id = ? OR m.acts_as = ?) AND s."{column}" IS NOT NULL ORDER BY 1',
                (row["entity_id"], row["entity_id"]))]
        yield out


def export_rows(conn: sqlite3.Connection, what: str) -> Iterator[dict]:
    """One row per item: article id, span, surface text and the resolved fields (docs/annotations.md)."""
    if what == "entities":
        yield from entity_rows(conn)
        return
    table = {"mentions": "mentions", "times": "time_refs", "figures": "figures", "quotes": "quotes",
             "claims": "claims"}.get(what)
    if table is None:
        raise ValueError(f"unknown annotation export {what!r}; choose one of {', '.join(EXPORT_KINDS)}")
    rename = {"start_char": "start", "end_char": "end", "begin_date": "begin", "until_date": "until"}
    for row in conn.execute(f"SELECT * FROM {table} ORDER BY article_id, start_char, end_char, rowid"):
        item = {rename.get(k, k): row[k] for k in row.keys()}
        if what == "figures":
            item["value"] = _num(item["value"])
        yield item
