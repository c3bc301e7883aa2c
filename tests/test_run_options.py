"""`storyline run` options: skipping steps, choosing the executor, refusing what does not exist."""

from __future__ import annotations

import pytest

import storyline
from storyline.cli import main
from tests.conftest import EXAMPLES


def test_skip_annotate_and_group_stores_clean_articles_only(db_path):
    with storyline.open(db_path) as db:
        report = db.ingest([EXAMPLES], skip=["annotate", "group"])
        rows = list(db.assignments())
        assert report.added == 3
        assert [r["event"] for r in rows] == [None, None, None]
        assert list(db.entities()) == []


def test_unknown_step_or_executor_is_refused(db_path):
    with storyline.open(db_path) as db:
        with pytest.raises(ValueError, match="cannot skip clean"):
            db.ingest([EXAMPLES], skip=["clean"])
        with pytest.raises(ValueError, match="unknown executor"):
            db.ingest([EXAMPLES], executor="spark")


def test_cli_skip_flag(db_path, capsys):
    assert main(["run", str(EXAMPLES), "--db", str(db_path), "--skip", "group", "--quiet"]) == 0
    assert "3 added" in capsys.readouterr().out
    with storyline.open(db_path) as db:
        assert all(r["event"] is None for r in db.assignments())
        assert any(True for _ in db.entities())
