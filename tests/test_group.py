"""Grouping on the seeds: events, stories, incremental arrival, determinism, explanations."""

from __future__ import annotations

import json
import math
import sqlite3
from datetime import date

import pytest

import storyline
from storyline.cli import main as cli_main
from tests.conftest import OTHER_HAPPENING, SEED_000, SEED_002, SEED_003

SEEDS = [SEED_000, SEED_002, SEED_003]
ID_000, ID_002, ID_003 = (p.stem for p in SEEDS)


def _ingest(db_path, batches) -> dict[str, dict]:
    with storyline.open(db_path) as db:
        for batch in batches:
            db.ingest(batch)
        return {row["id"]: row for row in db.assignments()}


@pytest.fixture(scope="session")
def one_batch(tmp_path_factory):
    path = tmp_path_factory.mktemp("one") / "seeds.db"
    return path, _ingest(path, [SEEDS])


@pytest.fixture(scope="session")
def one_by_one(tmp_path_factory):
    path = tmp_path_factory.mktemp("each") / "seeds.db"
    return path, _ingest(path, [[p] for p in SEEDS])


def test_seeds_make_one_story_of_two_events(one_batch):
    _, rows = one_batch
    assert rows[ID_000]["event"] == rows[ID_002]["event"]
    assert rows[ID_003]["event"] != rows[ID_000]["event"]
    assert len({r["story"] for r in rows.values()}) == 1
    assert all(r["event"] and r["story"] for r in rows.values())


def test_one_batch_or_one_by_one_give_the_same_groups(one_batch, one_by_one):
    assert one_batch[1] == one_by_one[1]
    explain = "SELECT article_id, event_id, story_id, probability, explanation FROM article_groups ORDER BY article_id"
    with sqlite3.connect(one_batch[0]) as a, sqlite3.connect(one_by_one[0]) as b:
        assert a.execute(explain).fetchall() == b.execute(explain).fetchall()
        state = "SELECT event_id, story_id, articles, vector_sum, members, profile FROM events ORDER BY event_id"
        assert a.execute(state).fetchall() == b.execute(state).fetchall()


def test_grouping_is_deterministic(one_batch, tmp_path):
    again = _ingest(tmp_path / "again.db", [SEEDS])
    assert again == one_batch[1]


def test_rerun_keeps_assignments_and_adds_nothing(one_batch, tmp_path):
    path = tmp_path / "rerun.db"
    first = _ingest(path, [SEEDS])
    second = _ingest(path, [SEEDS])
    assert first == second
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM article_groups").fetchone()[0] == 3
        assert conn.execute("SELECT sum(articles) FROM events").fetchone()[0] == 3


def test_exact_copy_takes_its_originals_event(tmp_path):
    copy = tmp_path / "copy_of_002.txt"
    copy.write_bytes(SEED_002.read_bytes())
    rows = _ingest(tmp_path / "dup.db", [[SEED_000, SEED_002, copy]])
    assert rows["copy_of_002"]["duplicate_of"] == ID_002
    assert rows["copy_of_002"]["event"] == rows[ID_002]["event"]
    assert rows["copy_of_002"]["story"] == rows[ID_002]["story"]


def test_seeds_000_and_002_share_an_event_and_all_share_a_story(one_batch):
    _, rows = one_batch
    assert rows[ID_000]["event"] == rows[ID_002]["event"]
    assert len({r["story"] for r in rows.values()}) == 1


def test_why_prints_signals_and_values(one_batch, capsys):
    path, rows = one_batch
    assert cli_main(["why", ID_002, "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"joined event {rows[ID_002]['event']} with probability" in out
    for signal in ("cos_centroid", "tfidf_cos", "names_cover", "days_apart", "weekday_conflict"):
        assert signal in out
    assert cli_main(["why", ID_000, "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "opened a new event" in out and "opened story" in out


def test_why_names_the_nearest_rejected_event(tmp_path, capsys):
    """Two unrelated articles: the second opens its own event and why shows the first as rejected."""
    other = tmp_path / "other.txt"
    other.write_text("Heavy rain floods the harbour district of Valparaiso\n\nStorms flooded streets near the port "
                     "of Valparaiso on Tuesday and the city closed two schools while pumps ran through the night.\n")
    path = tmp_path / "two.db"
    _ingest(path, [[SEED_000, other]])
    assert cli_main(["why", "other", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "opened a new event" in out
    assert f"nearest rejected event e-{ID_000}" in out and "below the threshold" in out


def test_why_unknown_article_is_a_clear_error(one_batch, capsys):
    path, _ = one_batch
    assert cli_main(["why", "no-such-article", "--db", str(path)]) == 2
    assert "no-such-article" in capsys.readouterr().err


def test_stories_and_show_print_the_timeline(one_batch, capsys):
    path, rows = one_batch
    assert cli_main(["stories", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    story = rows[ID_000]["story"]
    events = len({r["event"] for r in rows.values()})
    assert story in out and f"3 articles, {events} events, outlets not given" in out  # text dumps name none
    assert cli_main(["show", story, "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.index(ID_002) < out.index(ID_003) or "undated" in out
    assert "Lachin" in out
    assert cli_main(["show", "s-missing", "--db", str(path)]) == 2


def test_export_assignments_fills_event_and_story(one_batch, tmp_path, capsys):
    path, _ = one_batch
    assert cli_main(["export", "--what", "assignments", "--db", str(path)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 3 and all(r["event"].startswith("e-") and r["story"].startswith("s-") for r in rows)


def test_happening_day_comes_from_the_lead():
    from storyline.group.signals import happening

    monday = date(2023, 1, 23).toordinal()
    assert happening("Blinken said in a statement on January 23.", "2023-01-24") == (monday, "monday")
    assert happening("Blinken warned on Monday, urging Aliyev", "2023-01-24") == (monday, "monday")
    # no publication date: the weekday is still known, the day is not
    assert happening("Blinken on Sunday has expressed his dissatisfaction", None) == (None, "sunday")
    assert happening("No date at all here.", "2023-01-24") == (None, None)


def test_why_effects_add_up_to_the_deciding_models_probability(one_batch):
    """The stored explanation keeps exact signals; ``why`` computes each signal's effect with the
    models that decided (stored by fingerprint), so the effects add up to the stored probability."""
    from storyline.group.model import load_models

    path, rows = one_batch
    with storyline.open(path) as db:
        info = db.why(ID_002)
    model = load_models().event
    joined = info["explanation"]["event"]
    assert info["explanation"]["models"] == load_models().fingerprint
    if hasattr(model, "deciding"):  # ``UndatedFullModel``: the trees that decided this pair
        model = model.deciding(joined["signals"])
    raw = model.base + float(model.value[model.roots].sum()) + sum(joined["contributions"].values())
    assert 1 / (1 + math.exp(-raw)) == pytest.approx(joined["probability"], abs=1e-3)


def test_why_uses_the_models_that_decided_not_the_shipped_ones(tmp_path):
    """Grouped by other weights (a retrained model, say): ``why`` explains with those weights."""
    from storyline.group.model import GroupingModels, LinearModel, load_models
    from storyline.group.pipeline import group_batch

    shipped = load_models()
    features = shipped.event.features
    linear = LinearModel(features, (0.0,) * len(features), (1.0,) * len(features),
                         tuple(1.0 if f == "cos_centroid" else 0.0 for f in features), -0.2)
    models = GroupingModels(linear, shipped.story)
    path = tmp_path / "other_models.db"
    with storyline.open(path) as db:
        db.ingest([SEED_000, SEED_002], skip=("annotate", "group"))
        group_batch(db.store, sorted(db.articles(), key=lambda a: a.id), models=models)
        info = db.why(ID_002)
    assert info["explanation"]["models"] == models.fingerprint != shipped.fingerprint
    scored = info["explanation"].get("event") or info["explanation"]["nearest_rejected"]
    assert scored["contributions"]["cos_centroid"] == pytest.approx(scored["signals"]["cos_centroid"], abs=1e-3)
    assert all(v == 0.0 for k, v in scored["contributions"].items() if k != "cos_centroid")


def test_explanation_names_the_happening_day_conflict(one_batch):
    path, rows = one_batch
    with sqlite3.connect(path) as conn:
        (explanation,) = conn.execute("SELECT explanation FROM article_groups WHERE article_id = ?", (ID_003,)).fetchone()
    rejected = json.loads(explanation)["nearest_rejected"]
    assert rejected["id"] == rows[ID_000]["event"]
    # "on Sunday" against the January call, which 000 ("on Monday") and 002 ("on January 23") agree on
    assert rejected["signals"]["when_conflict"] == 1.0
    assert rejected["signals"]["when_contradicted"] == 1.0
    assert rejected["probability"] == 0.0 and "another day" in rejected["ruled_out"]


def test_a_happening_day_rule_needs_agreeing_reports():
    from storyline.group.events import contradicted

    from storyline.group.signals import PAIR_SIGNALS, signal_names

    row = [0.0] * len(signal_names(True))  # a pair's row of signals (``pairs_signals``)
    assert not contradicted(row)
    row[PAIR_SIGNALS.index("when_contradicted")] = 1.0
    assert contradicted(row)


def test_contradiction_needs_two_reports_that_agree_on_the_day():
    import numpy as np

    from storyline.group.signals import GroupProfile, TermStats, pair_features, profile_article

    stats, vec = TermStats(), np.ones(4, dtype=np.float32) / 2

    def report(i, weekday, published=None):
        return profile_article(f"a{i}", "Minister calls", f"The minister called on {weekday}.", published, None, vec)

    def group(*weekdays):  # the first report is dated (Tuesday 24 January 2023), the others not
        g = GroupProfile.empty("e", 4)
        for i, w in enumerate(weekdays):
            g.add(report(i, w, "2023-01-24" if i == 0 else None), stats)
        return g

    sunday = report(9, "Sunday")
    sunday.prepare(stats)
    assert pair_features(sunday, group("Monday", "Monday"), stats)["when_contradicted"] == 1.0
    assert pair_features(sunday, group("Monday"), stats)["when_contradicted"] == 0.0  # one report may be wrong
    assert pair_features(sunday, group("Monday", "Tuesday"), stats)["when_contradicted"] == 0.0
    assert pair_features(sunday, group("Sunday", "Sunday"), stats)["when_contradicted"] == 0.0
    undated_group = GroupProfile.empty("u", 4)
    for i in range(2):
        undated_group.add(report(i, "Monday"), stats)
    assert pair_features(sunday, undated_group, stats)["when_contradicted"] == 0.0  # no report dates the day
    dated_sunday = report(8, "Sunday", "2023-01-24")
    dated_sunday.prepare(stats)
    assert pair_features(dated_sunday, group("Monday", "Monday"), stats)["when_contradicted"] == 0.0  # dates decide


def test_report_year_is_published_or_the_latest_stated_year():
    import numpy as np

    from storyline.group.signals import profile_article

    vec = np.ones(4, dtype=np.float32) / 2
    assert profile_article("a", "Quake", "A quake hit in 2008, as in 1999.", "2013-04-02", None, vec).era == 2013
    assert profile_article("b", "Quake", "A quake hit in 2008, as in 1999.", None, None, vec).era == 2008
    # counts and tolls are not years
    assert profile_article("c", "Quake", "It killed 3000 people, 150 km away.", None, None, vec).era is None


def test_era_and_core_name_signals():
    import numpy as np

    from storyline.group.signals import GroupProfile, TermStats, pair_features, profile_article

    stats, vec = TermStats(), np.ones(4, dtype=np.float32) / 2

    def report(i, text, published=None):  # a full report, not a headline alone
        return profile_article(f"a{i}", "Title fight", text + " The crowd cheered." * 10, published, None, vec)

    group = GroupProfile.empty("e", 4)
    for i in range(3):
        group.add(report(i, "Klitschko stopped Thompson in the sixth round.", "2012-07-07"), stats)
    same = report(5, "Klitschko beat Thompson, his 2012 challenger.")
    other = report(6, "Klitschko stopped Rahman in the seventh round, his first defence since 2005.")
    same.prepare(stats)
    other.prepare(stats)
    assert pair_features(same, group, stats, candidates=True)["names_missed"] == 0.0
    assert 0.0 < pair_features(other, group, stats, candidates=True)["names_missed"] < 1.0  # Klitschko named, Thompson not
    assert pair_features(same, group, stats, candidates=True)["era_gap"] == 0.0
    assert pair_features(other, group, stats, candidates=True)["era_gap"] == -7.0  # the article's latest year is 7 years earlier
    assert pair_features(other, group, stats, candidates=True)["era_known"] == 1.0
    undated = report(7, "No years here.")
    undated.prepare(stats)
    assert pair_features(undated, group, stats, candidates=True)["era_known"] == 0.0
    headline = profile_article("h", "Klitschko stops Rahman", "Klitschko stops Rahman", None, None, vec)
    headline.prepare(stats)
    assert pair_features(headline, group, stats, candidates=True)["names_missed"] == 0.0  # a headline cannot name everyone
    assert "names_missed" not in pair_features(same, group, stats)  # computed only when a model uses it


def test_body_names_cosine_weighs_who_the_body_keeps_naming():
    import numpy as np

    from storyline.group.events import _from_row, _to_row
    from storyline.group.signals import GroupProfile, TermStats, pair_features, profile_article

    stats, vec = TermStats(), np.ones(4, dtype=np.float32) / 2

    def report(i, text):  # the lead names the champion; the body keeps naming this fight's opponent
        body = "Klitschko kept his belts in Germany on Saturday. " + " ".join([text] * 6) + " The crowd cheered." * 8
        return profile_article(f"a{i}", "Title fight", body, None, None, vec)

    group = GroupProfile.empty("e", 4)
    for i in range(2):
        group.add(report(i, "Thompson fell in the sixth at Stade de Suisse."), stats)
    same = report(5, "Thompson was stopped at Stade de Suisse.")
    other = report(6, "Rahman was stopped at SAP Arena in Mannheim.")
    for art in (same, other):
        art.prepare(stats)
    near = pair_features(same, group, stats, candidates=True)["names_body_cos"]
    far = pair_features(other, group, stats, candidates=True)["names_body_cos"]
    assert 0.0 < far < 0.5 < near <= 1.0 + 1e-9
    back = _from_row(_to_row(group, 1, {}), 4)  # the group's body names survive the store
    assert pair_features(other, back, stats, candidates=True)["names_body_cos"] == far
    headline = profile_article("h", "Klitschko stops Rahman", "Klitschko stops Rahman", None, None, vec)
    headline.prepare(stats)
    assert pair_features(headline, group, stats, candidates=True)["names_body_cos"] == 0.0  # title case: every word a name
    assert "names_body_cos" not in pair_features(same, group, stats)  # computed only when a model uses it


def test_a_dated_report_of_another_day_about_other_actors_is_another_happening():
    import numpy as np

    from storyline.group.signals import GroupProfile, TermStats, pair_features, profile_article

    stats, vec = TermStats(), np.ones(4, dtype=np.float32) / 2

    def report(i, text, published):
        return profile_article(f"a{i}", None, text + " It gave no further details." * 5, published, None, vec)

    call = GroupProfile.empty("e", 4)  # two reports agree: the ministers' call of Monday 23 January 2023
    call.add(report(0, "Secretary of State Antony Blinken urged Azerbaijan's President Ilham Aliyev to reopen "
                       "the Lachin corridor on Monday.", "2023-01-24"), stats)
    call.add(report(1, "Secretary of State Antony Blinken told Azerbaijan's President Ilham Aliyev on January 23 "
                       "to reopen the Lachin corridor.", "2023-01-24"), stats)

    def signal(text, published="2023-01-28"):
        art = report(9, text, published)
        art.prepare(stats)
        return pair_features(art, call, stats)["when_contradicted"]

    # Friday 27 January, and none of the call's people: another happening
    assert signal("A Red Cross convoy crossed the Lachin corridor on Friday, officials in Stepanakert said.") == 1.0
    # the same day stated, or another day but the same people (a report of the call's follow-up)
    assert signal("A Red Cross convoy crossed the Lachin corridor on Monday.", "2023-01-24") == 0.0
    assert signal("Blinken and Aliyev spoke again about the Lachin corridor on Friday.") == 0.0
    # one day off is the same day told from another time zone or deadline
    assert signal("A Red Cross convoy crossed the Lachin corridor on Tuesday.", "2023-01-25") == 0.0


def test_the_web_fixtures_convoy_is_ruled_out_of_the_seeds_call(tmp_path):
    """Real articles: a convoy crossing the corridor on Friday 27 January is not the ministers' call
    of Monday 23 January, though both are about the Lachin corridor (the web fixture's case)."""
    from tests.conftest import EXAMPLES

    outlets = EXAMPLES.parent / "tests" / "web" / "outlets.jsonl"
    with storyline.open(tmp_path / "w.db") as db:
        db.ingest([EXAMPLES, outlets], workers=1)
        rows = {row["id"]: row for row in db.assignments()}
    assert rows["outlet-a-1"]["event"] != rows[ID_000]["event"] == rows[ID_002]["event"]
    assert rows["outlet-a-1"]["story"] == rows[ID_000]["story"]  # one story: the Lachin corridor


def test_headline_names_and_core_numbers_tell_two_happenings_of_one_kind_apart():
    import numpy as np

    from storyline.group.signals import GroupProfile, TermStats, pair_features, profile_article

    stats, vec = TermStats(), np.ones(4, dtype=np.float32) / 2

    def report(i, title, text):  # a full report, not a headline alone
        return profile_article(f"a{i}", title, text + " Rescuers searched the rubble." * 10, None, None, vec)

    quake = GroupProfile.empty("e", 4)
    for i in range(3):
        quake.add(report(i, "Quake hits Qeshm", "A 5.6 magnitude earthquake struck Qeshm island in Iran."), stats)

    def signals(title, text):
        art = report(9, title, text)
        art.prepare(stats)
        return pair_features(art, quake, stats, candidates=True)

    same = signals("Iran quake", "The 5.6 quake on Qeshm island killed three.")
    other = signals("Strong quake in Hormozgan", "A 6.1 earthquake struck Hormozgan province near Qeshm.")
    assert same["numbers_missed"] == 0.0 and same["names_novel"] == 0.0
    assert other["numbers_missed"] == 1.0  # 5.6, the group's magnitude, is not there; 6.1 is
    assert 0.0 < other["names_novel"] < 1.0  # Hormozgan is new, Qeshm is not
    no_numbers = signals("Iran quake", "The quake on Qeshm island killed people.")
    assert no_numbers["numbers_missed"] == 0.0  # says nothing about numbers: no conflict
    plain = report(8, "Iran quake", "The quake on Qeshm island.")
    plain.prepare(stats)
    assert "names_novel" not in pair_features(plain, quake, stats)  # computed only when a model uses it
    some = pair_features(plain, quake, stats, candidates=frozenset({"names_novel"}))
    assert "names_novel" in some and "numbers_missed" not in some  # ... and only those it uses


def test_a_lone_earlier_article_is_one_vote_in_ten_for_an_event():
    """In a young store the one earlier article is always the nearest: at the event level it must
    weigh as one of the ten neighbours asked for, not as all of them (a fire in Tromso is not the
    flood in Valparaiso because nothing else was stored yet); a story's few articles all count."""
    import numpy as np

    from storyline.group.events import NEIGHBOURS, ArticleIndex

    index = ArticleIndex(4)
    vec = np.ones(4, dtype=np.float32) / 2
    index.put("a1", vec, "e-a1", "s-a1", None, 1)
    rows, sims = np.array([0]), np.array([0.9])
    assert index.votes("event", rows, sims)["e-a1"].votes == 1 / NEIGHBOURS
    assert index.votes("story", rows, sims)["s-a1"].votes == 1.0
    assert index.votes("event", rows, sims)["e-a1"].first


def test_a_headline_that_fits_two_events_joins_the_one_with_most_of_its_reports():
    """A headline alone fitting a splinter (one report, likelier) and the main event (ten reports)
    joins the main event; a full report keeps the probability order (``headline_alone``)."""
    import numpy as np

    from storyline.group.events import GroupIndex, _likeliest_first, headline_alone
    from storyline.group.signals import GroupProfile, TermStats, profile_article

    stats, vec = TermStats(), np.ones(4, dtype=np.float32) / 2
    index = GroupIndex(4)
    for gid, size in (("e-main", 10), ("e-splinter", 1)):
        group = GroupProfile.empty(gid, 4)
        for i in range(size):
            group.add(profile_article(f"{gid}{i}", "Carney quizzed over forex", "Carney quizzed over forex",
                                      None, None, vec), stats)
        index.put(group, 1)
    scored = [(0.7, "e-splinter", {}), (0.6, "e-main", {}), (0.3, "e-other", {})]
    assert [s[1] for s in _likeliest_first(scored, index, 0.5)] == ["e-main", "e-splinter", "e-other"]
    lone = [(0.7, "e-splinter", {}), (0.4, "e-main", {})]  # only one fits: nothing to choose
    assert _likeliest_first(lone, index, 0.5) == lone
    headline = profile_article("h", "Forex probe widens", "Forex probe widens", None, None, vec)
    report = profile_article("r", "Forex probe widens", "The Bank of England widened its forex probe.", None, None, vec)
    assert headline_alone(headline) and not headline_alone(report)


def test_stories_count_outlets_and_say_when_articles_name_none():
    from storyline.group.stories import format_stories

    def story(*sources):
        members = [{"id": f"a{i}", "title": "t", "source": s, "published": None} for i, s in enumerate(sources)]
        return {"story": "s-1", "first_published": None, "last_published": None, "articles": len(members),
                "events": [{"event": "e-1", "first_published": None, "last_published": None, "members": members,
                            "sources": sorted({s for s in sources if s})}]}

    assert "2 outlets\n" in format_stories([story("a.example", "b.example")]) + "\n"
    assert "1 outlet (+2 articles without one)" in format_stories([story("a.example", None, None)])
    assert "outlets not given" in format_stories([story(None)])


def test_stop_words_are_scikit_learns():
    """The packaged stop words are scikit-learn's list, word for word (``bench/write_stop_words.py``)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from storyline.group.signals import STOP_WORDS_PATH, _STOP

    assert frozenset(STOP_WORDS_PATH.read_text().split()) == ENGLISH_STOP_WORDS
    assert ENGLISH_STOP_WORDS <= _STOP


def test_importing_storyline_does_not_load_scikit_learn():
    """Every process (CLI, workers) imports the grouping signals: scikit-learn and SciPy cost ~2 s there."""
    import subprocess
    import sys

    code = "import sys, storyline.cli; print(sorted(m for m in ('sklearn', 'scipy', 'pandas') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_an_unrelated_report_in_a_young_store_opens_its_own_story(tmp_path, capsys):
    """Its two nearest earlier articles lie in the store's one story and vote for it; sharing no
    name, next to no words and a far centroid, it is ruled out of it (``events.unrelated``)."""
    storm = tmp_path / "storm.txt"
    storm.write_text(OTHER_HAPPENING, encoding="utf-8")
    rows = _ingest(tmp_path / "storm.db", [[SEED_000, SEED_002, storm]])
    assert rows["storm"]["story"] != rows[ID_000]["story"]
    assert cli_main(["why", "storm", "--db", str(tmp_path / "storm.db")]) == 0
    out = capsys.readouterr().out
    assert f"nearest rejected story {rows[ID_000]['story']}: ruled out, the story shares no name" in out


def test_main_actors_ask_whether_both_sides_keep_naming_the_same_person():
    import numpy as np

    from storyline.group.signals import GroupProfile, TermStats, main_actors, pair_features, profile_article

    stats, vec = TermStats(), np.ones(4, dtype=np.float32) / 2

    def report(i, who, other):  # the team and the injury in every report; the body keeps naming one player
        body = (f"The Saints placed a running back on injured reserve. {who} hurt his knee. " + f"{who} will miss the season. " * 4
                + f"{other} was mentioned once.")
        return profile_article(f"a{i}", "Saints place back on injured reserve", body, None, None, vec)

    group = GroupProfile.empty("e", 4)
    for i in range(2):
        group.add(report(i, "Bush", "Brees"), stats)
    same, other = report(5, "Bush", "Payton"), report(6, "Thomas", "Bush")
    for art in (same, other):
        art.prepare(stats)
    assert main_actors(same, group, stats) == (1.0, 1.0)  # the same main participant
    in_group, in_article = main_actors(other, group, stats)
    assert in_group == 0.0  # Thomas is unknown to the event's bodies
    assert 0.0 < in_article < 0.5  # the event's Bush is named once, against Thomas five times
    row = pair_features(other, group, stats, candidates=True)
    assert (row["actor_in_group"], row["group_actor_in_article"]) == (in_group, in_article)
    headline = profile_article("h", "Thomas to injured reserve", "Thomas to injured reserve", None, None, vec)
    headline.prepare(stats)
    assert main_actors(headline, group, stats) == (0.0, 0.0)  # title case: every word a name
    assert "actor_in_group" not in pair_features(same, group, stats)  # computed only when a model uses it


def test_the_undated_full_model_decides_only_full_reports_in_undated_pairs():
    from storyline.group.model import UndatedFullModel, TreeModel

    def constant(features, value):  # one tree of one leaf: the probability sigmoid(value)
        return {"kind": "trees", "features": features, "threshold": 0.5, "base": value, "depth": 0, "roots": [0],
                "feature": [-1], "split": [0.0], "left": [-1], "right": [-1], "value": [0.0]}

    model = UndatedFullModel({"kind": "undated-full", "base": constant(["cos_centroid"], -2.0),
                              "undated_full": constant(["cos_centroid", "actor_in_group"], 2.0)})
    assert set(model.features) == {"cos_centroid", "actor_in_group", "short", "undated"}
    columns = ("cos_centroid", "short", "undated", "actor_in_group")
    rows = [[0.5, 0.0, 1.0, 1.0], [0.5, 1.0, 1.0, 0.0], [0.5, 0.0, 0.0, 1.0]]  # full undated; headline; full dated
    p = model.probabilities_of(rows, columns)
    assert p[0] > 0.5 > p[1] and p[1] == p[2] == TreeModel(constant(["cos_centroid"], -2.0)).probability({"cos_centroid": 0.5})
    assert model.probability(dict(zip(columns, rows[0]))) == p[0]


def test_signals_only_undated_pairs_read_are_computed_for_undated_pairs_only():
    import numpy as np

    from storyline.group.events import undated_only_signals
    from storyline.group.model import UndatedFullModel, load_models
    from storyline.group.signals import (NO_NEIGHBOURS, GroupProfile, TermStats, pairs_signals, profile_article,
                                         signal_names)

    shipped = load_models().event
    assert isinstance(shipped, UndatedFullModel)
    skip = undated_only_signals(shipped)
    assert skip == {"actor_in_group", "group_actor_in_article"}
    assert not skip & set(shipped.base.features)  # the shared trees read none of them
    assert undated_only_signals(shipped.base) == frozenset()
    stats, vec = TermStats(), np.ones(4, dtype=np.float32) / 2
    body = ("Thieves rammed a car into a Paris jewellery store on Monday and took watches worth 2.6 million. "
            "Police said Smith and Jones fled in a second car. Smith was arrested later; Smith denies it. ") * 2
    member = profile_article("m", "Paris jewellery raid", body, "2013-09-09", None, vec)
    member.prepare(stats)
    group = GroupProfile.empty("e", 4)
    group.add(member, stats)
    asked = frozenset(skip)
    names = signal_names(asked)
    for published in ("2013-09-10", None):
        art = profile_article("a", "Paris boutique robbed", body.replace("2.6", "160"), published, None, vec)
        art.prepare(stats)
        full = dict(zip(names, pairs_signals(art, [group], stats, [NO_NEIGHBOURS], asked)[0]))
        lean = dict(zip(names, pairs_signals(art, [group], stats, [NO_NEIGHBOURS], asked, skip)[0]))
        assert full["actor_in_group"] > 0 and full["group_actor_in_article"] > 0
        if published is None:  # an undated pair: every signal as computed in full
            assert lean == full
        else:  # a dated pair: the skipped ones read 0, the rest as computed in full
            assert all(lean[n] == 0.0 for n in skip) and all(lean[n] == full[n] for n in names if n not in skip)
