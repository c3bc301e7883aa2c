"""Small input files for the ingest tests, built in the test's own folder (no network, no big fixtures)."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

# Plain English sentences: long enough to survive cleaning, distinct enough not to be near-duplicates.
TOPICS = [
    "flood", "election", "harvest", "strike", "bridge", "museum", "vaccine", "satellite", "railway", "festival",
    "drought", "budget", "court", "stadium", "harbour", "library", "wildfire", "tariff", "summit", "factory",
]


def english_body(seed: int, sentences: int = 4) -> str:
    """A short news-like body unique to ``seed`` (different words, so no near-duplicate matches)."""
    words = [TOPICS[(seed * 7 + k) % len(TOPICS)] for k in range(6)]
    lines = []
    for k in range(sentences):
        lines.append(
            f"The {words[k % 6]} report number {seed} said that the {words[(k + 1) % 6]} council "
            f"met on day {seed * 3 + k} and agreed with the {words[(k + 2) % 6]} plan for district {seed}-{k}."
        )
    return "\n".join(lines)


def html_page(title: str, body: str, *, site: str = "Daily Courier", author: str = "Jane Miller",
              date: str = "2024-03-05T08:30:00Z", url: str = "https://www.dailycourier.example/news/x",
              charset: str = "utf-8") -> str:
    paragraphs = "".join(f"<p>{line}</p>\n" for line in body.split("\n"))
    return f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="{charset}">
<title>{title} | {site}</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{site}">
<meta name="author" content="{author}">
<meta property="article:published_time" content="{date}">
<link rel="canonical" href="{url}">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>{title}</h1>
{paragraphs}</article>
<footer>Copyright 2024 {site}. All rights reserved.</footer>
</body></html>
"""


def rss_feed(items: list[dict], title: str = "River News") -> str:
    """RSS 2.0; an item with ``content`` gets content:encoded, one without has only its description."""
    parts = []
    for item in items:
        content = (
            f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>" if item.get("content") else ""
        )
        parts.append(
            f"<item><title>{item['title']}</title><link>{item['link']}</link><guid>{item['guid']}</guid>"
            f"<pubDate>{item.get('date', 'Tue, 05 Mar 2024 10:00:00 GMT')}</pubDate>"
            f"<description>{item.get('summary', '')}</description>{content}</item>\n"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">\n'
        f"<channel><title>{title}</title><link>https://rivernews.example/</link>\n" + "".join(parts) +
        "</channel></rss>\n"
    )


def atom_feed(entries: list[dict], title: str = "Harbour Times") -> str:
    parts = []
    for e in entries:
        content = f'<content type="html"><![CDATA[{e["content"]}]]></content>' if e.get("content") else ""
        parts.append(
            f"<entry><title>{e['title']}</title><link href=\"{e['link']}\"/><id>{e['id']}</id>"
            f"<updated>{e.get('updated', '2024-04-01T12:00:00Z')}</updated>"
            f"<author><name>{e.get('author', 'Ana Ruiz')}</name></author>"
            f"<summary>{e.get('summary', '')}</summary>{content}</entry>\n"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"<title>{title}</title><id>urn:harbour</id><updated>2024-04-01T12:00:00Z</updated>\n"
        + "".join(parts) + "</feed>\n"
    )


def warc_bytes(pages: list[tuple[str, str]], *, gzip_records: bool) -> bytes:
    """A WARC with a warcinfo record, then a request and a response record per ``(url, html)``."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip_records)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "storyline tests"}))
    for url, html in pages:
        request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True)
        writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode("utf-8")), http_headers=headers)
        )
    return out.getvalue()


def jsonl_records(n: int, *, start: int = 0, prefix: str = "art") -> list[dict]:
    return [
        {
            "id": f"{prefix}-{i}",
            "title": f"Report {i} on the {TOPICS[i % len(TOPICS)]}",
            "text": english_body(i),
            "url": f"https://news{i % 5}.example/{i}",
            "source": f"news{i % 5}.example",
            "published": f"2024-03-{1 + i % 28:02d}T10:00:00Z",
            "lang": "en",
        }
        for i in range(start, start + n)
    ]


def write_jsonl(path: Path, records: list[dict], *, gz: bool = False) -> Path:
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
    path.write_bytes(gzip.compress(data) if gz else data)
    return path
