"""SQL behind party positions: the claims (annotate/claims.py) in a story, or made by one entity.

A claim's party is resolved at annotation time to a canonical entity ("Baku", "the Azerbaijani side"
and "Azerbaijan" all become the government of Azerbaijan), so grouping by ``party_id`` puts one
party's statements together. Claims whose party did not resolve are grouped by the words used.
Each claim comes with its sentence cut into before / claim / after, for the page to escape piece
by piece and mark the claim. Copies (``duplicate_of`` set) repeat their original and are left out.
"""

from __future__ import annotations

import sqlite3

MAX_CLAIMS = 500  # per story or entity: a page, not an export

_CLAIM_COLUMNS = (
    "c.article_id, c.start_char, c.end_char, c.text, c.party, c.party_id, c.stance, c.verb, "
    "c.sentence_start, c.sentence_end, n.body_offset, a.title, a.text AS body, a.source, a.published, "
    "e.name AS party_name, e.kind AS party_kind"
)
_CLAIM_FROM = (
    "FROM claims c JOIN articles a ON a.article_id = c.article_id "
    "JOIN article_annotations n ON n.article_id = c.article_id "
    "LEFT JOIN entities e ON e.entity_id = c.party_id"
)
_CLAIM_ORDER = "ORDER BY a.published IS NULL, a.published, c.article_id, c.start_char, c.end_char"


def story_positions(conn: sqlite3.Connection, story_id: str) -> list[dict]:
    """The claims made in a story's articles, one entry per party (most claims first, ties by name):
    ``{party, name, kind, claims: [{article, text, stance, verb, said_as, sentence}]}``."""
    rows = conn.execute(
        f"SELECT {_CLAIM_COLUMNS} {_CLAIM_FROM} JOIN article_groups g ON g.article_id = c.article_id "
        f"WHERE g.story_id = ? AND a.duplicate_of IS NULL {_CLAIM_ORDER} LIMIT ?",
        (story_id, MAX_CLAIMS),
    ).fetchall()
    parties: dict[str, dict] = {}
    for r in rows:
        key = r["party_id"] or "text:" + r["party"].strip().lower()
        party = parties.setdefault(key, {
            "party": r["party_id"], "name": r["party_name"] or r["party"], "kind": r["party_kind"], "claims": [],
        })
        party["claims"].append(_claim(r))
    return sorted(parties.values(), key=lambda p: (-len(p["claims"]), p["name"].lower(), p["party"] or ""))


def entity_claims(conn: sqlite3.Connection, entity_id: str) -> list[dict]:
    """The claims whose party resolved to ``entity_id``, oldest first."""
    rows = conn.execute(
        f"SELECT {_CLAIM_COLUMNS} {_CLAIM_FROM} WHERE c.party_id = ? AND a.duplicate_of IS NULL {_CLAIM_ORDER} LIMIT ?",
        (entity_id, MAX_CLAIMS),
    ).fetchall()
    return [_claim(r) for r in rows]


def _claim(r: sqlite3.Row) -> dict:
    return {
        "article": {"id": r["article_id"], "title": r["title"], "source": r["source"], "published": r["published"]},
        "text": r["text"],
        "stance": r["stance"],
        "verb": r["verb"],
        "said_as": r["party"],
        "sentence": claim_sentence(r["title"], r["body"], r["body_offset"], r["start_char"], r["end_char"],
                                   r["sentence_start"], r["sentence_end"], r["text"]),
    }


def claim_sentence(title: str | None, body: str, body_offset: int, start: int, end: int,
                   sentence_start: int | None, sentence_end: int | None, claim: str) -> dict:
    """``{before, match, after}``: the claim's sentence with the claim in the middle.

    Offsets are into the annotated text (title, blank line, body; ``body_offset`` is where the body
    starts, 0 when the body already begins with the title), so the sentence is cut from the body or
    the title without rebuilding that text. Falls back to the claim alone when offsets do not fit.
    """
    if sentence_start is None or sentence_end is None:
        return {"before": "", "match": claim, "after": ""}
    if sentence_start >= body_offset:
        source, shift = body, body_offset
    else:
        source, shift = (title or "").strip(), 0
    s, e, cs, ce = sentence_start - shift, sentence_end - shift, start - shift, end - shift
    if not (0 <= s <= cs <= ce <= e <= len(source)):
        return {"before": "", "match": claim, "after": ""}
    return {"before": source[s:cs], "match": source[cs:ce], "after": source[ce:e]}
