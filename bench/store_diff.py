"""Two stores of the same input, table by table: equal or not (session 13).

    python bench/store_diff.py A.db B.db

Articles (every stored column but the run), events, stories, assignments with their
explanations, group profiles, MinHash signatures and band rows, outlet lines, rejections, the
full-text index (a search and the documents' sizes). A temporary directory in an origin
(``/tmp/tmpXXXX/``) is ignored. Exit code 1 when a table differs.
"""

import hashlib
import re
import sqlite3
import sys

queries = {
 "articles": "SELECT article_id, title, text, url, source, published, lang, author, summary_only, content_hash, "
             "duplicate_of, duplicate_kind, origin, input_format, raw_text, cleaning FROM articles ORDER BY rowid",
 "article_groups": "SELECT * FROM article_groups ORDER BY article_id",
 "events": "SELECT * FROM events ORDER BY event_id",
 "stories": "SELECT * FROM stories ORDER BY story_id",
 "group_terms": "SELECT * FROM group_terms ORDER BY 1, 2",
 "group_state": "SELECT * FROM group_state",
 "small_event_members": "SELECT * FROM small_event_members ORDER BY 1",
 "signatures": "SELECT * FROM minhash_signatures ORDER BY 1",
 "bands": "SELECT * FROM (SELECT band_key, article_rowid FROM minhash_band_index UNION ALL "
          "SELECT band_key, article_rowid FROM minhash_band_recent) ORDER BY 1, 2",
 "source_lines": "SELECT * FROM source_lines ORDER BY 1, 2",
 "rejections": "SELECT origin, reason FROM rejections ORDER BY rowid",
 "fts_search": "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'police' ORDER BY rowid",
 "fts_docsize": "SELECT * FROM articles_fts_docsize ORDER BY id",
 "grouping_models": "SELECT * FROM grouping_models",
}
out = []
for path in sys.argv[1:3]:
    conn = sqlite3.connect(path); res = {}
    for name, q in queries.items():
        try:
            rows = conn.execute(q).fetchall()
            text = re.sub(r'/tmp/tmp[a-z0-9_]+/', '/TMP/', repr(rows))
            res[name] = (len(rows), hashlib.md5(text.encode()).hexdigest())
        except sqlite3.Error as e:
            res[name] = ("error", str(e))
    out.append(res)
for name in queries:
    same = out[0][name] == out[1][name]
    print(f"{name:20s} {'same' if same else 'DIFFERENT'} {out[0][name]} {'' if same else out[1][name]}")
sys.exit(0 if all(out[0][name] == out[1][name] for name in queries) else 1)
