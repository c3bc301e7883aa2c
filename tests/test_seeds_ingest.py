"""The issue's acceptance checks on the three seed articles."""

from __future__ import annotations

import storyline
from tests.conftest import EXAMPLES, SEED_000, SEED_002


def test_seeds_give_three_clean_articles(db_path):
    with storyline.open(db_path) as db:
        report = db.ingest([EXAMPLES])
        articles = {a.id: a for a in db.articles()}
    assert report.added == 3 and not report.rejections and report.duplicates == 0
    assert set(articles) == {"000_194ea5a329165da9", "002_a3294b9df3b941d9", "003_a09610e4a41b2d35"}

    a000, a002, a003 = (articles[k] for k in sorted(articles))
    assert a000.title == "State Secretary Blinken Tells Baku to Lift Lachin Corridor Blockade"
    assert a002.title == "U.S. Urges Azerbaijan To Reopen Lachin Corridor With Armenia"
    assert a003.title == "Blinken voices concerns about border checkpoint on Lachin Corridor"
    assert a002.published == "2023-01-24"
    assert a000.published is None and a003.published is None

    for junk in ("Be the first to comment", "Leave a Reply", "Your email address", "TV Live Menu", "Loading data"):
        assert all(junk not in a.text for a in articles.values()), junk
    assert "გამოიწერეთ" not in a002.text
    assert [line for line, lang in a002.meta["foreign_lines"]] == [
        "გამოიწერეთ ჩვენი სიახლეები",
        "მიიღე დღის მთავარი სიახლეები",
    ]
    assert "24.01.23" not in a002.text
    assert a000.text.startswith("Baku’s continued blockade")
    assert a002.text.startswith("U.S. Secretary of State Antony Blinken has urged")
    assert a002.text.endswith("RFE/RL reports.")
    assert a003.text.endswith("civilians in the region.")
    assert all(a.duplicate_of is None for a in articles.values())


def test_copy_with_a_different_footer_is_a_duplicate(db_path, tmp_path):
    copy = tmp_path / "copy_of_000.txt"
    body = SEED_000.read_text(encoding="utf-8").split("Be the first to comment")[0]
    copy.write_text("Home News World\n" + body + "\nShare this article\nRelated stories\n© 2023 Some Outlet\n")
    with storyline.open(db_path) as db:
        db.ingest([EXAMPLES])
        report = db.ingest([copy])
        stored = db.article("copy_of_000")
    assert report.duplicates == 1
    assert stored.duplicate_of == "000_194ea5a329165da9"


def test_reingest_adds_nothing(db_path):
    with storyline.open(db_path) as db:
        db.ingest([EXAMPLES])
        again = db.ingest([EXAMPLES, SEED_002])
        assert again.added == 0 and again.updated == 0 and not again.rejections
        assert again.unchanged == 4
        assert db.store.count_articles() == 3
