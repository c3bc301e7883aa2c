"""Web fixtures: one database per session (seeds, outlets, hostile records) and an app over it."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import storyline
from storyline.web import create_app
from tests.conftest import EXAMPLES

HERE = Path(__file__).resolve().parent
HOSTILE = HERE / "hostile.jsonl"
OUTLETS = HERE / "outlets.jsonl"


@pytest.fixture(scope="session")
def web_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("web") / "web.db"
    with storyline.open(path) as db:
        report = db.ingest([EXAMPLES, OUTLETS, HOSTILE], workers=1)
    assert not report.rejections, report.rejections
    return path


@pytest.fixture(scope="session")
def client(web_db) -> TestClient:
    with TestClient(create_app(web_db)) as test_client:
        yield test_client
