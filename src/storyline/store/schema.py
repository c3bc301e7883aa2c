"""The versioned schema: an ordered list of migrations, each applied once, in one transaction.

A database records its version in ``PRAGMA user_version``; opening an older file upgrades it in
place, opening a newer one is refused (an old Storyline must not write into a layout it does not
know). Table and column names are meant to read well in datasette or sqlite-utils.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: articles, their full-text index, near-duplicate bands and runs.
    """
    CREATE TABLE runs (
        run_id      INTEGER PRIMARY KEY,
        started_at  TEXT NOT NULL,
        inputs      TEXT NOT NULL,          -- JSON list of the paths given
        articles_read INTEGER NOT NULL DEFAULT 0,
        articles_added INTEGER NOT NULL DEFAULT 0,
        articles_updated INTEGER NOT NULL DEFAULT 0,
        duplicates  INTEGER NOT NULL DEFAULT 0,
        rejected    INTEGER NOT NULL DEFAULT 0,
        finished_at TEXT
    );
    CREATE TABLE articles (
        article_id   TEXT PRIMARY KEY,
        title        TEXT,
        text         TEXT NOT NULL,          -- cleaned body
        url          TEXT,
        source       TEXT,                   -- outlet name or web domain
        published    TEXT,                   -- ISO date YYYY-MM-DD
        lang         TEXT,
        author       TEXT,
        summary_only INTEGER NOT NULL DEFAULT 0,
        content_hash TEXT NOT NULL,          -- hash of the normalised cleaned text
        duplicate_of TEXT REFERENCES articles(article_id),
        duplicate_kind TEXT,                 -- exact | near
        origin       TEXT NOT NULL,          -- the input it was read from
        input_format TEXT NOT NULL,
        raw_text     TEXT NOT NULL,
        cleaning     TEXT NOT NULL DEFAULT '{}',  -- JSON: dropped lines and reasons, foreign lines
        run_id       INTEGER REFERENCES runs(run_id)
    );
    CREATE INDEX articles_by_hash ON articles(content_hash);
    CREATE INDEX articles_by_published ON articles(published);
    CREATE INDEX articles_by_source ON articles(source);
    CREATE INDEX articles_by_duplicate ON articles(duplicate_of);

    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text);
    END;
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;

    -- MinHash signatures cut into bands: articles sharing a band are near-duplicate candidates.
    CREATE TABLE minhash_bands (
        band_key   TEXT NOT NULL,            -- "<band number>:<hash of the band>"
        article_id TEXT NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
        PRIMARY KEY (band_key, article_id)
    ) WITHOUT ROWID;
    CREATE INDEX minhash_bands_by_article ON minhash_bands(article_id);
    CREATE TABLE minhash_signatures (
        article_id TEXT PRIMARY KEY REFERENCES articles(article_id) ON DELETE CASCADE,
        signature  BLOB NOT NULL
    );

    -- How often a line was seen per outlet: lines repeated across an outlet's articles are boilerplate.
    CREATE TABLE source_lines (
        source    TEXT NOT NULL,
        line_hash TEXT NOT NULL,
        articles  INTEGER NOT NULL,
        PRIMARY KEY (source, line_hash)
    ) WITHOUT ROWID;

    CREATE TABLE rejections (
        run_id INTEGER REFERENCES runs(run_id),
        origin TEXT NOT NULL,
        reason TEXT NOT NULL
    );
    """,
    # 2 (web): outlet summaries (counts, date range, duplicates per outlet) read from an index instead
    # of every article row; the web home and article list pages ask for them on each view.
    """
    CREATE INDEX articles_by_source_published ON articles(source, published, duplicate_of);
    """,
    # 3: grouping: events and stories with their running profiles, each article's place and why.
    """
    CREATE TABLE stories (
        story_id     TEXT PRIMARY KEY,       -- "s-" + the id of the article that opened it
        first_published TEXT,
        last_published  TEXT,
        articles     INTEGER NOT NULL,
        events       INTEGER NOT NULL,
        last_seq     INTEGER NOT NULL,       -- grouping sequence number of its last article
        vector_sum   BLOB NOT NULL,          -- float64 sum of member embeddings
        members      BLOB NOT NULL,          -- float32 embeddings of the last few members
        profile      TEXT NOT NULL           -- JSON: term, name and number counts
    );
    CREATE TABLE events (
        event_id     TEXT PRIMARY KEY,       -- "e-" + the id of the article that opened it
        story_id     TEXT NOT NULL REFERENCES stories(story_id),
        first_published TEXT,
        last_published  TEXT,
        articles     INTEGER NOT NULL,
        last_seq     INTEGER NOT NULL,
        vector_sum   BLOB NOT NULL,
        members      BLOB NOT NULL,
        profile      TEXT NOT NULL
    );
    CREATE INDEX events_by_story ON events(story_id);
    CREATE INDEX events_by_last ON events(last_published);
    CREATE INDEX events_by_seq ON events(last_seq);
    CREATE INDEX stories_by_last ON stories(last_published);
    CREATE INDEX stories_by_seq ON stories(last_seq);
    CREATE TABLE article_groups (
        article_id   TEXT PRIMARY KEY,
        event_id     TEXT NOT NULL REFERENCES events(event_id),
        story_id     TEXT NOT NULL REFERENCES stories(story_id),
        seq          INTEGER NOT NULL,       -- order in which grouping saw it
        probability  REAL,                   -- the model's belief that it belongs to its event
        explanation  TEXT NOT NULL,          -- JSON: signals for its event and the nearest rejected one
        published    TEXT,                   -- the date grouping used
        vector       BLOB                    -- float32 embedding of title + lead (NULL for copies)
    );
    CREATE INDEX article_groups_by_event ON article_groups(event_id);
    CREATE INDEX article_groups_by_seq ON article_groups(seq);
    CREATE INDEX article_groups_by_published ON article_groups(published);
    CREATE INDEX article_groups_by_story ON article_groups(story_id);
    -- Document frequencies of words ("word") and names ("@name") over grouped articles.
    CREATE TABLE group_terms (
        term TEXT PRIMARY KEY,
        df   INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE group_state (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)

# Annotations (issue 4): entities, mentions, time expressions, figures, quotes and claims per article.
# Offsets are character offsets into the annotated text: title, blank line, cleaned body
# (storyline.annotate.text.annotated_text); body_offset says where the body starts.
MIGRATIONS.append(
    """
    CREATE TABLE entities (
        entity_id TEXT PRIMARY KEY,          -- "person:antony-blinken", "org:government-of-azerbaijan"
        kind      TEXT NOT NULL,             -- person | org | place
        name      TEXT NOT NULL,
        aliases   TEXT NOT NULL DEFAULT '[]',  -- JSON list of other surface forms seen
        roles     TEXT NOT NULL DEFAULT '[]'   -- JSON list of titles/roles seen with the name
    );
    CREATE TABLE article_annotations (
        article_id  TEXT PRIMARY KEY REFERENCES articles(article_id) ON DELETE CASCADE,
        annotator   TEXT NOT NULL,           -- version of the rules and model that produced the rows
        annotated_at TEXT NOT NULL,
        run_id      INTEGER REFERENCES runs(run_id),
        body_offset INTEGER NOT NULL,
        anchor_date TEXT,                    -- what relative dates were resolved against
        anchor_kind TEXT,                    -- published | siblings | NULL (unanchored)
        event_date  TEXT,                    -- when the reported happening took place
        event_date_source TEXT,
        error       TEXT                     -- set when annotation failed for this article
    );
    CREATE TABLE mentions (
        article_id TEXT NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
        start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, text TEXT NOT NULL,
        kind TEXT NOT NULL, entity_id TEXT, role TEXT, acts_as TEXT, source TEXT NOT NULL
    );
    CREATE INDEX mentions_by_article ON mentions(article_id);
    CREATE INDEX mentions_by_entity ON mentions(entity_id);
    CREATE TABLE time_refs (
        article_id TEXT NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
        start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, text TEXT NOT NULL,
        kind TEXT NOT NULL, value TEXT, begin_date TEXT, until_date TEXT, granularity TEXT, anchor TEXT, qualifier TEXT
    );
    CREATE INDEX time_refs_by_article ON time_refs(article_id);
    CREATE TABLE figures (
        article_id TEXT NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
        start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, text TEXT NOT NULL,
        value REAL NOT NULL, unit TEXT, counted TEXT, qualifier TEXT
    );
    CREATE INDEX figures_by_article ON figures(article_id);
    CREATE TABLE quotes (
        article_id TEXT NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
        start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, text TEXT NOT NULL,
        kind TEXT NOT NULL, speaker TEXT, speaker_id TEXT, verb TEXT, cue_start INTEGER, cue_end INTEGER
    );
    CREATE INDEX quotes_by_article ON quotes(article_id);
    CREATE INDEX quotes_by_speaker ON quotes(speaker_id);
    CREATE TABLE claims (
        article_id TEXT NOT NULL REFERENCES articles(article_id) ON DELETE CASCADE,
        start_char INTEGER NOT NULL, end_char INTEGER NOT NULL, text TEXT NOT NULL,
        party TEXT NOT NULL, party_id TEXT, stance TEXT NOT NULL, verb TEXT NOT NULL,
        sentence_start INTEGER, sentence_end INTEGER
    );
    CREATE INDEX claims_by_article ON claims(article_id);
    CREATE INDEX claims_by_party ON claims(party_id);
    """
)
SCHEMA_VERSION = len(MIGRATIONS)

# Web (issue 6): entity pages, the entity filter and the entity list look mentions up by what they act
# as ("Baku" acting as the government of Azerbaijan) as well as by entity_id; entity_id in the index
# makes it covering for the entity list's counts.
MIGRATIONS.append(
    """
    CREATE INDEX mentions_by_acts_as ON mentions(acts_as, entity_id);
    """
)
SCHEMA_VERSION = len(MIGRATIONS)

# Annotation: how a claim's party was found ("mention", or "pronoun" for "it claimed that ..." resolved
# to a party named nearby), so a reader can tell a named party from an inferred one.
MIGRATIONS.append(
    """
    ALTER TABLE claims ADD COLUMN party_source TEXT NOT NULL DEFAULT 'mention';
    """
)
SCHEMA_VERSION = len(MIGRATIONS)

# Dedup: MinHash bands keyed by integers (band number and hash in one 64-bit key) and the article's
# rowid, in one index of ~16-byte rows instead of two indexes of ~45-byte text keys. Each original
# adds 32 random inserts; with text keys the band indexes outgrew the page cache past ~10k articles
# and the cost per article grew with the store. The keys are computed in Python
# (``Store._fill_band_index`` runs after this script); ``minhash_signatures`` keeps the signatures.
MIGRATIONS.append(
    """
    CREATE TABLE minhash_band_index (
        band_key      INTEGER NOT NULL,      -- dedup.Signature.bands()
        article_rowid INTEGER NOT NULL,      -- articles.rowid of an original
        PRIMARY KEY (band_key, article_rowid)
    ) WITHOUT ROWID;
    DROP INDEX minhash_bands_by_article;
    DROP TABLE minhash_bands;
    """
)
SCHEMA_VERSION = len(MIGRATIONS)
BAND_INDEX_MIGRATION = SCHEMA_VERSION  # the version after which the band index is filled

# Annotation: people are linked to known people by first or last word ("Walsh", "Eric ..."). A
# LIKE '% Walsh' cannot use an index, so every person mentioned scanned all people stored; the two
# words are kept as columns (lower case, NULL for one-word names) with an index each. Filled in
# Python for existing rows (``annotations.fill_name_words``).
MIGRATIONS.append(
    """
    ALTER TABLE entities ADD COLUMN first_word TEXT;
    ALTER TABLE entities ADD COLUMN last_word TEXT;
    CREATE INDEX entities_by_first_word ON entities(first_word);
    CREATE INDEX entities_by_last_word ON entities(last_word);
    """
)
SCHEMA_VERSION = len(MIGRATIONS)
ENTITY_WORDS_MIGRATION = SCHEMA_VERSION

# Grouping: each decision's explanation keeps its signals and the fingerprint of the models that
# made it; the models' weights are kept here once, so ``storyline why`` computes each signal's
# effect with the very model that decided (even after the shipped weights change), and a run does
# not spend its time on explanations that are rarely read.
MIGRATIONS.append(
    """
    CREATE TABLE grouping_models (
        fingerprint TEXT PRIMARY KEY,          -- group.model.GroupingModels.fingerprint
        weights     TEXT NOT NULL              -- the models as weights.json holds them
    );
    """
)
SCHEMA_VERSION = len(MIGRATIONS)

# Full-text index: new articles are indexed by one INSERT ... SELECT per batch (``Store.write_articles``)
# instead of a trigger per row. FTS5 writes its pending terms out as a new segment at every
# statement's savepoint, so the trigger made one tiny segment per article, merged again and again:
# 0.40 ms per article against 0.16 ms in one statement (measured on T17 articles, batches of 64).
# Updates keep their trigger (rare), guarded so that a row never indexed (one written by other
# means) is not 'deleted' from the index, which would corrupt an external-content index.
MIGRATIONS.append(
    """
    DROP TRIGGER articles_fts_insert;
    DROP TRIGGER articles_fts_update;
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        SELECT 'delete', old.rowid, old.title, old.text
        WHERE EXISTS (SELECT 1 FROM articles_fts_docsize WHERE id = old.rowid);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    """
)
SCHEMA_VERSION = len(MIGRATIONS)
FTS_BY_BATCH_MIGRATION = SCHEMA_VERSION

# Dedup: new MinHash band rows go to a small table first and are merged into the band index in
# key order once that table holds ``band_index.RECENT_ROWS`` rows (``store.band_index``). Each
# original adds 32 random keys; straight into the big index, nearly every key dirtied a page of
# its own, so a batch's commit wrote ~27 index pages per article to the WAL and back at 30k
# articles (band inserts + commit: 0.3 -> 1.0 ms per article from 5k to 30k).
MIGRATIONS.append(
    """
    CREATE TABLE minhash_band_recent (
        band_key      INTEGER NOT NULL,      -- as minhash_band_index, not yet merged into it
        article_rowid INTEGER NOT NULL,
        PRIMARY KEY (band_key, article_rowid)
    ) WITHOUT ROWID;
    """
)
SCHEMA_VERSION = len(MIGRATIONS)

# Grouping's local repair (``group/repair.py``): the profiles of the members of small events (up
# to ``REPAIR_SIZE`` reports), so a grouper that reads the store back can take a second look at
# them as one that saw them join does. Rows leave when their event grows past that size or empties.
MIGRATIONS.append(
    """
    CREATE TABLE small_event_members (
        article_id TEXT PRIMARY KEY,
        event_id   TEXT NOT NULL,
        seq        INTEGER NOT NULL,
        profile    TEXT NOT NULL            -- JSON: the article's grouping profile but its vector
    );
    CREATE INDEX small_event_members_by_event ON small_event_members(event_id);
    """
)
SCHEMA_VERSION = len(MIGRATIONS)
