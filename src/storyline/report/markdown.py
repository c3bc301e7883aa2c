"""The report as Markdown. Article text is made inert: angle brackets and ampersands become
entities (a Markdown viewer would otherwise render raw HTML), table pipes are escaped, and only
http(s) addresses become links."""

from __future__ import annotations

import re


def md(text: object) -> str:
    s = "" if text is None else str(text)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = s.replace("|", "\\|").replace("\n", " ")
    return re.sub(r"([\[\]`*_])", r"\\\1", s)


def cite(s: dict) -> str:
    return f"[{md(s['article_id'])} {s['start']}-{s['end']}]"


def safe_url(url: str | None) -> str | None:
    return url if url and re.match(r"https?://[^\s<>\"'()]+$", url) else None


def to_markdown(r: dict) -> str:
    st = r["story"]
    out = [f"# Story {md(st['id'] or '(all articles)')}", "",
           f"{st['articles']} articles, {st['events']} events, {st['first_published'] or '?'} to "
           f"{st['last_published'] or '?'}; outlets: {md(', '.join(st['outlets']))}", "",
           "Facts: " + ", ".join(f"{k} {v}" for k, v in r["counts"].items()), "", "## Timeline", ""]
    for e in r["timeline"]:
        out.append(f"- **{e['date']}**")
        out.extend(f"  - {md(s['text'])} {cite(s)}" for s in e["sentences"])
    out += ["", "## Events", ""]
    for ev in r["events"]:
        out.append(f"### {md(ev['title'] or ev['id'])}")
        out.append(f"`{md(ev['id'])}` {ev['first_published'] or '?'}: {len(ev['articles'])} articles, "
                   f"outlets {md(', '.join(ev['outlets']))}")
        out.append("")
        out.extend(f"- {md(s['text'])} {cite(s)}" for s in ev["summary"])
        out.append("")
    out += ["## Comparison", "", "| status | fact | attribution | outlets | evidence |", "|---|---|---|---|---|"]
    for f in r["facts"]:
        attribution = "outlet" if f["attribution"] == "outlet" else f"{f['party_name']} ({f['stance']})"
        evidence = "<br>".join(f"{md(e['text'])} {cite(e)}" for e in f["evidence"])
        status = f["status"] + "".join(
            f": {d['kind']} {md(' vs '.join(d['values']))}" for d in f["disagreements"])
        out.append(f"| {status} | {md(f['text'])} | {md(attribution)} | {md(', '.join(f['outlets']))} | {evidence} |")
    if r["positions"]:
        out += ["", "## Positions (parties' claims side by side, not contradictions)", ""]
        facts = {f["fact_id"]: f for f in r["facts"]}
        for p in r["positions"]:
            out.append(f"- {md(p['topic'])}")
            for pos in p["positions"]:
                f = facts.get(pos["fact_id"])
                said = f" {md(f['text'])} {cite(f['evidence'][0])}" if f else ""
                out.append(f"  - **{md(_speaker(pos))}** ({md(pos['stance'])}):{said}")
    out += ["", "## Entities", "", "| entity | kind | articles | mentions |", "|---|---|---|---|"]
    out.extend(f"| {md(e['name'])} | {md(e['kind'])} | {e['articles']} | {e['mentions']} |" for e in r["entities"])
    out += ["", "## Figures", "", "| figure | counted | article |", "|---|---|---|"]
    out.extend(f"| {md(f['text'])} | {md(f['counted'] or '')} | {cite(f)} |" for f in r["figures"])
    out += ["", "## Articles", ""]
    for a in r["articles"]:
        url = safe_url(a["url"])
        title = md(a["title"] or a["id"])
        out.append(f"- `{md(a['id'])}` {a['published'] or '?'} {md(a['outlet'])}: " + (f"[{title}]({url})" if url else title))
    return "\n".join(out) + "\n"


def _speaker(pos: dict) -> str:
    """The side, and who spoke for it when that is a person: "United States (Antony Blinken)"."""
    side, party = pos.get("side_name") or pos["party_name"], pos["party_name"]
    return side if not party or party == side or pos.get("side") == pos.get("party") else f"{side} ({party})"
