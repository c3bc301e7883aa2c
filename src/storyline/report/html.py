"""The report as one self-contained HTML file: inline CSS, no script, no external resource.

Every string that comes from an article or the store goes through ``html.escape`` (quotes too);
links are made only for http(s) addresses. A Content-Security-Policy forbids scripts anyway.
"""

from __future__ import annotations

import html
import re

from storyline.report.markdown import _speaker

CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .5em;vertical-align:top}
.contradicted{background:#fde2e2}.corroborated{background:#e2f5e2}.single-source{background:#f4f4f4}
.cite{color:#666;font-size:.85em}.status{font-weight:bold;white-space:nowrap}details{margin:.3em 0}
pre{white-space:pre-wrap}
"""


def e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _url(url: str | None) -> str | None:
    return url if url and re.match(r"https?://[^\s<>\"'()]+$", url) else None


def _cite(s: dict) -> str:
    return f'<a class="cite" href="#a-{e(s["article_id"])}">[{e(s["article_id"])} {int(s["start"])}-{int(s["end"])}]</a>'


def to_html(r: dict) -> str:
    st = r["story"]
    title = f"Story {st['id'] or '(all articles)'}"
    p = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
         f"<title>{e(title)}</title><style>{CSS}</style></head><body>",
         f"<h1>{e(title)}</h1>",
         f"<p>{st['articles']} articles, {st['events']} events, {e(st['first_published'])} to {e(st['last_published'])}."
         f" Outlets: {e(', '.join(st['outlets']))}.</p>",
         "<p>Facts: " + ", ".join(f'<span class="{e(k)}">{e(k)} {int(v)}</span>' for k, v in r["counts"].items()) + "</p>",
         '<h2 id="timeline">Timeline</h2><ol>']
    for entry in r["timeline"]:
        p.append(f"<li><b>{e(entry['date'])}</b><ul>")
        p.extend(f"<li>{e(s['text'])} {_cite(s)}</li>" for s in entry["sentences"])
        p.append("</ul></li>")
    p.append('</ol><h2 id="events">Events</h2>')
    for ev in r["events"]:
        p.append(f"<h3>{e(ev['title'] or ev['id'])}</h3><p class=\"cite\">{e(ev['id'])}, {e(ev['first_published'])}, "
                 f"{len(ev['articles'])} articles; outlets: {e(', '.join(ev['outlets']))}</p><ul>")
        p.extend(f"<li>{e(s['text'])} {_cite(s)}</li>" for s in ev["summary"])
        p.append("</ul>")
    p.append('<h2 id="comparison">Comparison</h2><table><tr><th>status</th><th>fact</th><th>attribution</th>'
             "<th>outlets</th><th>evidence</th></tr>")
    for f in r["facts"]:
        attribution = "outlet" if f["attribution"] == "outlet" else f"{f['party_name']} ({f['stance']})"
        why = "".join(f"<br>{e(d['kind'])}: {e(' vs '.join(d['values']))}" for d in f["disagreements"])
        evidence = "".join(f"<div>{e(x['text'])} {_cite(x)}</div>" for x in f["evidence"])
        p.append(f'<tr class="{e(f["status"])}" id="{e(f["fact_id"])}"><td class="status">{e(f["status"])}{why}</td>'
                 f"<td>{e(f['text'])}</td><td>{e(attribution)}</td><td>{e(', '.join(f['outlets']))}</td>"
                 f"<td>{evidence}</td></tr>")
    p.append("</table>")
    if r["positions"]:
        facts = {f["fact_id"]: f for f in r["facts"]}
        p.append('<h2 id="positions">Positions</h2><p>Claims of different parties, side by side (not contradictions).</p>')
        for pos in r["positions"]:
            p.append(f"<table><tr><th colspan=\"2\">{e(pos['topic'])}</th></tr>")
            for side in pos["positions"]:
                f = facts.get(side["fact_id"])
                said = f"{e(f['text'])} {_cite(f['evidence'][0])}" if f else ""
                p.append(f"<tr><td>{e(_speaker(side))} ({e(side['stance'])})</td><td>{said}</td></tr>")
            p.append("</table>")
    p.append('<h2 id="entities">Entities</h2><table><tr><th>entity</th><th>kind</th><th>articles</th><th>mentions</th></tr>')
    p.extend(f"<tr><td>{e(x['name'])}</td><td>{e(x['kind'])}</td><td>{int(x['articles'])}</td><td>{int(x['mentions'])}</td></tr>"
             for x in r["entities"])
    p.append('</table><h2 id="figures">Figures</h2><table><tr><th>figure</th><th>counted</th><th>article</th></tr>')
    p.extend(f"<tr><td>{e(x['text'])}</td><td>{e(x['counted'])}</td><td>{_cite(x)}</td></tr>" for x in r["figures"])
    p.append('</table><h2 id="articles">Articles</h2>')
    for a in r["articles"]:
        url = _url(a["url"])
        link = f' <a href="{e(url)}" rel="noreferrer">source</a>' if url else (f" {e(a['url'])}" if a["url"] else "")
        p.append(f'<details id="a-{e(a["id"])}"><summary>{e(a["published"])} {e(a["outlet"])}: '
                 f"{e(a['title'] or a['id'])}{link}</summary><pre>{e(r['texts'].get(a['id'], ''))}</pre></details>")
    p.append("</body></html>\n")
    return "\n".join(p)
