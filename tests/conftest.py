"""Shared fixtures: the example articles and a fresh database per test."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SEED_000 = EXAMPLES / "000_194ea5a329165da9.txt"
SEED_002 = EXAMPLES / "002_a3294b9df3b941d9.txt"
SEED_003 = EXAMPLES / "003_a09610e4a41b2d35.txt"

# a report of another happening, in the seeds' text dump form and days: nothing to do with them
OTHER_HAPPENING = """Storm Closes Schools Across Western Norway

25.01.23 09:10
Schools across western Norway stayed shut on Wednesday as storm Gerd brought gusts of up to 140 kilometres
an hour to the coast around Bergen, the Norwegian Meteorological Institute said.

Ferries between Bergen and Stavanger were cancelled and the E39 coastal road was closed near Haugesund after
trees fell across both lanes, the Norwegian Public Roads Administration said in a statement.

"We ask people to stay indoors until the wind eases tomorrow afternoon," said Kari Nordmann, the head of the
regional emergency service. Around 30,000 homes were without power by the evening, the grid operator BKK said.
"""


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"
