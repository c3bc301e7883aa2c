"""Unusual inputs: no dates, ALL-CAPS headlines, quotes over paragraphs, curly and straight quotes,
numbers in words, relative dates, and the sibling anchoring hook."""

from __future__ import annotations

from storyline.annotate import annotate, reanchor
from storyline.annotate.figures import find_figures, word_number
from storyline.annotate.quotes import direct_spans
from storyline.annotate.times import find_times, sibling_anchor
from storyline.model import Article


def _article(text, title=None, published=None, id="t1"):
    return Article(id=id, title=title, text=text, published=published)


def test_article_without_any_date():
    ann = annotate(_article("The council met to discuss the budget. Members disagreed about the roads."))
    assert ann.times == [] and ann.event_date is None and ann.anchor_date is None


def test_all_caps_headline_gives_no_junk_entities():
    art = _article(
        "Armenian Prime Minister Nikol Pashinyan met the envoy in Yerevan on Friday. Pashinyan said talks went well.",
        title="PASHINYAN MEETS ENVOY IN YEREVAN AS TALKS RESUME",
        published="2023-05-06",
    )
    ann = annotate(art)
    title_end = len(art.title)
    in_title = {(m.text, m.entity_id) for m in ann.mentions if m.end <= title_end}
    assert ("PASHINYAN", "person:nikol-pashinyan") in in_title
    assert all(m.entity_id in {"person:nikol-pashinyan", "place:yerevan"} for m in ann.mentions if m.end <= title_end)
    friday = next(t for t in ann.times if t.text == "on Friday")
    assert friday.value == "2023-05-05"


def test_headline_cased_title_is_not_read_by_the_model():
    art = _article("Secretary of State Antony Blinken spoke with the president.",
                   title="Blinken Tells Baku To Lift Lachin Corridor Blockade")
    ann = annotate(art)
    kinds = {m.text: m.entity_id for m in ann.mentions}
    assert kinds["Blinken"] == "person:antony-blinken"
    assert "Lift Lachin Corridor Blockade" not in kinds and "Blinken Tells" not in kinds


def test_quote_spanning_paragraphs_is_one_quote():
    text = (
        "The minister spoke at length.\n\n"
        "“We will not accept a blockade of our people,” Foreign Minister Ararat Mirzoyan said. “The road must open.\n\n"
        "“Every day it stays closed, the crisis grows,” he added."
    )
    spans = direct_spans(text)
    assert len(spans) == 2
    assert len(spans[1]) == 2  # one quote, two paragraph segments
    ann = annotate(_article(text))
    long_quote = next(q for q in ann.quotes if q.text.startswith("The road must open."))
    assert "Every day it stays closed" in long_quote.text
    assert long_quote.speaker_id == "person:ararat-mirzoyan" and long_quote.verb == "added"


def test_curly_and_straight_quotes_both_work():
    for open_mark, close_mark in (("“", "”"), ('"', '"')):
        text = f"{open_mark}We will readily cooperate with the mission,{close_mark} Foreign Minister Ararat Mirzoyan said."
        ann = annotate(_article(text))
        assert len(ann.quotes) == 1, open_mark
        quote = ann.quotes[0]
        assert quote.text.startswith("We will readily cooperate") and quote.speaker_id == "person:ararat-mirzoyan"


def test_scare_quotes_are_not_speech():
    ann = annotate(_article('Protesters want to inspect "illegal" mines run by "bandits" in the area.'))
    assert ann.quotes == []


def test_numbers_written_as_words():
    assert word_number("seven") == 7
    assert word_number("twenty-five") == 25
    assert word_number("two hundred thousand") == 200000
    figures = find_figures("Nearly three thousand people fled, and a dozen villages burned over two days.")
    got = {(f.value, f.counted, f.unit, f.qualifier) for f in figures}
    assert (3000, "people", None, "upper") in got
    assert (12, "villages", None, None) in got
    assert (2, None, "day", None) in got


def test_money_and_percent():
    figures = find_figures("The fund gave $5 million to about 40 percent of the towns.")
    got = {(f.value, f.unit, f.qualifier) for f in figures}
    assert (5_000_000, "USD", None) in got and (40, "%", "approximate") in got


def test_relative_expressions_resolve_against_the_publication_date():
    text = ("Officials said yesterday that the talks held last month and earlier this year failed. "
            "The ministers will meet next Tuesday. Three days ago the border closed. It has been shut for two weeks now.")
    times = {t.text: t for t in find_times(text, "2023-01-24", "published")}
    assert times["yesterday"].value == "2023-01-23"
    assert times["last month"].value == "2022-12"
    assert (times["earlier this year"].begin, times["earlier this year"].until) == ("2023-01-01", "2023-01-24")
    assert times["next Tuesday"].value == "2023-01-31"
    assert times["Three days ago"].value == "2023-01-21"
    two_weeks = times["for two weeks now"]
    assert (two_weeks.kind, two_weeks.value, two_weeks.begin) == ("duration", "P2W", "2023-01-10")


def test_month_day_without_year_takes_the_year_before_when_in_the_future():
    times = find_times("The protest began on December 12.", "2023-01-24", "published")
    assert times[0].value == "2022-12-12"


def test_sibling_anchor_is_the_median_date_and_is_said():
    assert sibling_anchor(["2023-01-25", "2023-01-23", "2023-01-24"]) == "2023-01-24"
    assert sibling_anchor([]) is None
    art = _article("The minister resigned on Monday, officials said.")
    ann = annotate(art)
    assert ann.times[0].value is None and ann.event_date is None
    reanchor(ann, art, ["2023-01-24", "2023-01-26", "2023-01-25"])
    assert ann.anchor_kind == "siblings" and ann.times[0].value == "2023-01-23"
    assert ann.event_date == "2023-01-23"
    dated = annotate(_article("It happened on Monday.", published="2023-03-01"))
    assert reanchor(dated, _article("x", published="2023-03-01"), ["2020-01-01"]).anchor_kind == "published"


def test_same_input_same_output():
    art = _article("Close to 7,000 people died, Armenia's Prime Minister Nikol Pashinyan said on Monday.",
                   published="2023-01-24")
    assert annotate(art).as_dict() == annotate(art).as_dict()


def test_acronym_and_place_context():
    art = _article("Cases rose in Hong Kong. The World Health Organisation met; WHO experts said Hong Kong acted fast.")
    ids = {m.text: m.entity_id for m in annotate(art).mentions}
    assert ids["WHO"] == ids["World Health Organisation"] == "org:world-health-organization"
    assert ids["Hong Kong"] == "place:hong-kong"


def test_reported_speech_without_a_named_speaker_and_urging_clause():
    text = ("The blockade risks a humanitarian crisis in the region, Secretary of State Antony Blinken warned on Monday, "
            "urging the president to lift the blockade. Stressing the risk, the lawmakers said that sanctions are needed.")
    quotes = annotate(_article(text)).quotes
    urging = next(q for q in quotes if q.verb == "urging")
    assert urging.text == "to lift the blockade" and urging.speaker_id == "person:antony-blinken"
    unnamed = next(q for q in quotes if q.text.startswith("sanctions are needed"))
    assert unnamed.speaker == "lawmakers" and unnamed.speaker_id is None


def test_pronoun_party_resolves_to_a_named_party_and_says_so():
    fronted = annotate(_article("Although it claimed that the ones blocking the road are activists, "
                                "Baku has reiterated its support for them.", published="2023-01-24")).claims
    it = next(c for c in fronted if c.party == "it")
    assert (it.party_id, it.stance, it.party_source) == ("org:government-of-azerbaijan", "asserts", "pronoun")
    assert it.text == "the ones blocking the road are activists"  # ends where the main clause starts
    assert next(c for c in fronted if c.party == "Baku").party_source == "mention"
    previous = annotate(_article("Azerbaijan denied the reports. It said that the road is open for cargo.")).claims
    assert ("It", "org:government-of-azerbaijan", "pronoun") in {(c.party, c.party_id, c.party_source) for c in previous}
    person = annotate(_article("Antony Blinken said that talks must go on. He insisted that the corridor must reopen.")).claims
    assert ("He", "person:antony-blinken") in {(c.party, c.party_id) for c in person}


def test_pronoun_without_a_compatible_party_gives_no_claim():
    claims = annotate(_article("The war in 2020 claimed the lives of thousands. It claimed that the land was theirs. "
                               "Antony Blinken met the envoy. It insisted that the road stays shut.")).claims
    assert claims == []  # "it" has no organisation or government that made a claim nearby: not guessed


def test_seasons_with_years_are_intervals():
    times = {t.text: t for t in find_times("Talks failed in the spring of 2019 and in summer 2020; winter 2019 was cold, "
                                           "and the fall of 2021 quiet. In spring the rains come.", None, None)}
    spring = times["spring of 2019"]  # "the" stays outside, like "the 2020 war" (compare reads the phrase)
    assert (spring.kind, spring.value, spring.begin, spring.until) == ("interval", "2019-SP", "2019-03-01", "2019-05-31")
    assert (times["summer 2020"].begin, times["summer 2020"].until) == ("2020-06-01", "2020-08-31")
    assert (times["winter 2019"].begin, times["winter 2019"].until) == ("2019-12-01", "2020-02-29")
    assert times["fall of 2021"].value == "2021-FA"
    assert not any("spring the" in t for t in times)  # a season without a year is not resolved


def test_time_relative_to_another_event():
    art = _article("Blinken called Aliyev on Monday. He had spoken with Pashinyan the day before his call with Aliyev. "
                   "A day earlier, troops moved. The week before the election, protests grew.",
                   title="Blinken calls Aliyev", published="2023-01-24")
    times = {t.text: t for t in annotate(art).times}
    before = times["the day before"]  # its reference ("his call with Aliyev") is the main event of the lead
    assert (before.kind, before.value, before.anchor) == ("date", "2023-01-22", "event 2023-01-23")
    assert times["A day earlier"].value == "2023-01-22"
    election = times["The week before"]  # the election's date is unknown: recognised, left unresolved
    assert (election.kind, election.value, election.granularity) == ("relative", None, "week")


def test_hyphenated_number_compounds_get_their_unit_or_counted_thing():
    def got(text):
        return [(f.value, f.unit, f.counted) for f in find_figures(text)]

    assert got("A 6.1-magnitude earthquake hit the region.") == [(6.1, None, "magnitude")]
    assert got("He got a 10-year sentence.") == [(10, "year", "sentence")]
    assert got("a 5-kilometre stretch") == [(5, "km", "stretch")]
    assert got("the 25-year-old man") == [(25, "year", "man")]
    assert got("a two-year-old girl") == [(2, "year", "girl")]
    assert got("a 3-0 win and Covid-19 cases") == []


def test_known_one_word_organisations_are_found_past_the_lead():
    lead = "The council met for a long session on the budget and the roads, and members disagreed about most items. "
    art = _article(lead + "Later, USAID Director Samantha Power urged calm. The minister said on Twitter that the "
                   "talks would go on. A twitter of birds filled the square.")
    ann = annotate(art)
    ids = {(m.text, m.entity_id) for m in ann.mentions}
    assert ("Twitter", "org:twitter") in ids and ("USAID", "org:usaid") in ids
    assert not any(m.text == "twitter" for m in ann.mentions)  # matched as written, not the common noun
    assert ("person:samantha-power", "USAID Director") in {(m.entity_id, m.role) for m in ann.mentions}
