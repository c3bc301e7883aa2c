"""The grouping evaluation: metrics on known partitions, and the eval command on a tiny labelled set."""

from __future__ import annotations

import json

import pytest

from storyline.cli import main as cli_main
from storyline.evaluate import scores
from tests.conftest import SEED_000, SEED_002, SEED_003


def test_perfect_grouping_scores_one():
    gold = {"a": "x", "b": "x", "c": "y"}
    result = scores({"a": "1", "b": "1", "c": "2"}, gold)
    assert result["b3_f1"] == pytest.approx(1.0) and result["pair_f1"] == pytest.approx(1.0)
    assert result["ari"] == pytest.approx(1.0)


def test_bcubed_of_a_merged_grouping():
    gold = {"a": "x", "b": "x", "c": "y"}
    result = scores({"a": "1", "b": "1", "c": "1"}, gold)
    # precision per item: a, b: 2/3, c: 1/3 -> 5/9; recall 1
    assert result["b3_p"] == pytest.approx(5 / 9) and result["b3_r"] == pytest.approx(1.0)
    assert result["pair_f1"] == pytest.approx(2 * (1 / 3) / (1 / 3 + 1))


def test_unlabelled_items_are_left_out():
    result = scores({"a": "1", "b": "2", "z": "1"}, {"a": "x", "b": "y"})
    assert result["b3_f1"] == pytest.approx(1.0)


@pytest.fixture()
def seed_dataset(tmp_path):
    with open(tmp_path / "articles.jsonl", "w") as arts, open(tmp_path / "labels.jsonl", "w") as labels:
        for path, event in ((SEED_000, "call-jan"), (SEED_002, "call-jan"), (SEED_003, "call-apr")):
            title, _, text = path.read_text().partition("\n")
            arts.write(json.dumps({"id": path.stem, "title": title.strip(), "text": text.strip(),
                                   "url": None, "source": None, "published": None, "lang": "en"}) + "\n")
            labels.write(json.dumps({"id": path.stem, "event": event, "story": "lachin", "orig_id": path.stem}) + "\n")
    return tmp_path


def test_eval_command_prints_scores_for_both_levels(seed_dataset, tmp_path, capsys):
    out_json = tmp_path / "scores.json"
    assert cli_main(["eval", "grouping", str(seed_dataset), "--no-baselines", "--json", str(out_json)]) == 0
    out = capsys.readouterr().out
    assert "storyline (static)" in out and "event" in out and "story" in out
    result = json.loads(out_json.read_text())[0]
    assert {r["level"] for r in result["rows"]} == {"event", "story"}
    assert all(0.0 <= r["b3_f1"] <= 1.0 for r in result["rows"])


def test_eval_command_names_a_missing_file(tmp_path, capsys):
    assert cli_main(["eval", "grouping", str(tmp_path), "--no-baselines"]) == 1
    assert "articles.jsonl" in capsys.readouterr().err


def test_eval_runs_the_chosen_baseline_only(seed_dataset, tmp_path, capsys):
    out_json = tmp_path / "scores.json"
    assert cli_main(["eval", "grouping", str(seed_dataset), "--baseline", "tfidf+agglomerative",
                     "--json", str(out_json)]) == 0
    systems = {r["system"] for r in json.loads(out_json.read_text())[0]["rows"]}
    assert systems == {"storyline (static)", "tfidf+agglomerative"}
    tfidf = [r for r in json.loads(out_json.read_text())[0]["rows"] if r["system"].startswith("tfidf")]
    assert {r["level"] for r in tfidf} == {"event", "story"} and all(r["param"].startswith("tuned") for r in tfidf)


def test_a_mixed_feed_is_a_thin_seeded_sample_in_date_order_with_each_sets_labels_apart():
    from storyline.evaluate import Dataset, mixed_feed
    from storyline.model import Article

    def dataset(name: str, n: int) -> Dataset:
        articles = [Article(id=f"{name}-{i}", title=None, text="x", published=None if i % 7 == 0 else f"2020-01-{1 + i % 28:02d}")
                    for i in range(n)]
        return Dataset(name, articles, {a.id: {"event": str(i % 5), "story": str(i % 3)} for i, a in enumerate(articles)})

    sets = {"ecbplus-dev#0": dataset("ecbplus-dev", 400), "t17-dev#0": dataset("t17-dev", 400)}
    feed = mixed_feed(sets, shares={"ecbplus-dev": 0.5, "t17-dev": 0.1})
    assert feed == mixed_feed(sets, shares={"ecbplus-dev": 0.5, "t17-dev": 0.1})  # seeded
    by_set = {name: sum(a.id.startswith(name) for a in feed.articles) for name in ("ecbplus-dev", "t17-dev")}
    assert 150 < by_set["ecbplus-dev"] < 250 and 20 < by_set["t17-dev"] < 70  # a fold takes its set's share
    dates = [a.published or "9999" for a in feed.articles]
    assert dates == sorted(dates)  # one stream by date, undated last
    labels = {feed.labels[a.id]["story"] for a in feed.articles}
    assert labels == {f"{s}:{k}" for s in ("ecbplus-dev", "t17-dev") for k in "012"}  # stories of two sets never meet
