"""Shared fixtures: the example articles and a fresh database per test."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEED_000 = EXAMPLES / "000_194ea5a329165da9.txt"
SEED_002 = EXAMPLES / "002_a3294b9df3b941d9.txt"
SEED_003 = EXAMPLES / "003_a09610e4a41b2d35.txt"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"
