"""Text rendering of an annotated article for ``storyline show ARTICLE_ID``."""

from __future__ import annotations

from storyline.annotate.text import annotated_text
from storyline.annotate.types import Annotations
from storyline.model import Article


def render_article(article: Article, ann: Annotations | None) -> str:
    """The article with its mentions bracketed, then entities, times, figures, quotes and claims with spans."""
    text, _ = annotated_text(article)
    lines = [f"{article.id}  {article.title or '(untitled)'}"]
    lines.append(f"source: {article.source or '-'}  published: {article.published or '-'}")
    if ann is None:
        lines += ["(not annotated)", "", text]
        return "\n".join(lines)
    anchor = f"{ann.anchor_date} ({ann.anchor_kind})" if ann.anchor_date else "none"
    lines.append(f"event date: {ann.event_date or '-'} (from {ann.event_date_source or '-'})  anchor: {anchor}")
    lines += ["", _bracketed(text, ann), ""]
    names = {e.entity_id: e for e in ann.entities}
    counts: dict[str, int] = {}
    for m in ann.mentions:
        if m.entity_id:
            counts[m.entity_id] = counts.get(m.entity_id, 0) + 1
    lines.append("Entities:")
    for entity_id in sorted(counts, key=lambda k: (-counts[k], k)):
        e = names.get(entity_id)
        roles = f"  roles: {'; '.join(e.roles)}" if e and e.roles else ""
        lines.append(f"  {counts[entity_id]:3d}  {entity_id}  {e.name if e else ''}{roles}")
    for m in ann.mentions:
        if m.acts_as:
            lines.append(f"  [{m.start}:{m.end}] {m.text!r} acts as {m.acts_as}")
    lines.append("Times:")
    for t in ann.times:
        lines.append(f"  [{t.start}:{t.end}] {t.text!r} {t.kind} {t.value or 'unresolved'}"
                     + (f" ({t.begin}..{t.until})" if t.begin and t.until and t.begin != t.until else "")
                     + (f" {t.qualifier}" if t.qualifier else "") + (f"  anchor: {t.anchor}" if t.anchor else ""))
    lines.append("Figures:")
    for f in ann.figures:
        lines.append(f"  [{f.start}:{f.end}] {f.text!r} value={f.value} unit={f.unit or '-'} "
                     f"counted={f.counted or '-'} qualifier={f.qualifier or 'exact'}")
    lines.append("Quotes:")
    for q in ann.quotes:
        lines.append(f"  [{q.start}:{q.end}] {q.kind} by {q.speaker_id or q.speaker or '?'} ({q.verb or '-'}): {q.text!r}")
    lines.append("Claims:")
    for c in ann.claims:
        lines.append(f"  [{c.start}:{c.end}] {c.party_id or c.party} {c.stance} ({c.verb}): {c.text!r}")
    return "\n".join(lines)


def _bracketed(text: str, ann: Annotations) -> str:
    out, pos = [], 0
    for m in sorted(ann.mentions, key=lambda m: (m.start, -m.end)):
        if m.start < pos:
            continue
        out.append(text[pos : m.start])
        out.append(f"[{text[m.start : m.end]}]")
        pos = m.end
    out.append(text[pos:])
    return "".join(out)
