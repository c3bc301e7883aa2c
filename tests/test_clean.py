"""Cleaning of text dumps: each kind of page furniture goes, with its reason; article text stays."""

from __future__ import annotations

import pytest

from storyline.clean import clean_text
from storyline.clean.metadata import parse_byline, parse_dateline
from tests.conftest import SEED_000, SEED_002, SEED_003

PARAGRAPHS = [
    "The city council voted on Tuesday to approve a new budget for the public library system, ending "
    "months of debate over how to pay for longer opening hours.",
    "Supporters said the plan would bring the libraries back to the hours they kept before the cuts of "
    "2019, when several branches closed on weekends.",
    "Opponents argued that the money should go to road repairs instead, and two members voted against "
    "the measure after a long and heated session.",
    "The mayor is expected to sign the budget next week, and the new hours would start in the spring if "
    "the library board agrees to the schedule.",
]
BODY = "\n\n".join(PARAGRAPHS)


def dump(*before: str, after: tuple[str, ...] = ()) -> str:
    return "\n".join([*before, "Library Budget Passes After Long Debate", "", BODY, "", *after])


def dropped(cleaned, line: str) -> str | None:
    return next((reason for text, reason in cleaned.dropped if text == line), None)


def test_seed_002_title_date_junk_and_georgian_lines():
    cleaned = clean_text(SEED_002.read_text(encoding="utf-8"))
    assert cleaned.title == "U.S. Urges Azerbaijan To Reopen Lachin Corridor With Armenia"
    assert cleaned.published == "2023-01-24"
    assert cleaned.text.startswith("U.S. Secretary of State Antony Blinken has urged")
    assert cleaned.text.endswith("RFE/RL reports.")
    assert dropped(cleaned, "TV Live Menu") and dropped(cleaned, "Loading data...")
    assert [line for line, _ in cleaned.foreign] == ["გამოიწერეთ ჩვენი სიახლეები", "მიიღე დღის მთავარი სიახლეები"]
    assert {lang for _, lang in cleaned.foreign} == {"ka"}


def test_seed_000_comment_footer_and_seed_003_kept_whole():
    a000 = clean_text(SEED_000.read_text(encoding="utf-8"))
    assert a000.title == "State Secretary Blinken Tells Baku to Lift Lachin Corridor Blockade"
    assert a000.text.startswith("Baku’s continued blockade")
    assert a000.text.endswith("throughout the Nagorno-Karabakh region.")
    for footer in ("Be the first to comment", "Leave a Reply", "Your email address will not be published."):
        assert dropped(a000, footer) == "comment footer"
    raw003 = SEED_003.read_text(encoding="utf-8")
    a003 = clean_text(raw003)
    assert a003.title == "Blinken voices concerns about border checkpoint on Lachin Corridor"
    assert a003.text == "\n".join(raw003.strip().split("\n")[1:])


def test_clean_article_is_left_intact():
    cleaned = clean_text(BODY, title="Library Budget Passes After Long Debate", find_title=False)
    assert cleaned.text == BODY
    assert cleaned.dropped == [] and cleaned.foreign == []


def test_cookie_banner_share_lines_and_comment_footer():
    cookie = "We use cookies to improve your experience on our site. By continuing you accept our cookie policy."
    cleaned = clean_text(dump(cookie, "Accept all cookies", after=(
        "Share this article", "Facebook", "Twitter", "WhatsApp", "Copy link",
        "3 Comments", "Leave a Reply", "Your email address will not be published. Required fields are marked *",
    )))
    assert cleaned.title == "Library Budget Passes After Long Debate"
    assert cleaned.text == BODY
    assert dropped(cleaned, cookie) == "cookie banner"
    assert dropped(cleaned, "Share this article") == "share line"
    assert dropped(cleaned, "3 Comments") == "comment footer"


def test_menu_lines_are_dropped_by_rule_or_classifier():
    menu = ["Skip to content", "Home", "News", "World", "Business", "Sport", "Culture", "Opinion", "Contact us",
            "Subscribe", "Log in"]
    related = ["Related stories", "Five things to read this weekend", "Council delays vote on parking fees",
               "Most popular", "Weather warning for the coast", "Back to top", "© 2024 The Daily Example"]
    cleaned = clean_text(dump(*menu, after=tuple(related)))
    assert cleaned.text == BODY
    for line in menu + related:
        reason = dropped(cleaned, line)
        assert reason, line
    assert any(reason.startswith("boilerplate (line classifier p=") for _, reason in cleaned.dropped)


def test_foreign_language_lines_are_kept_apart():
    german = "Die Stadtverwaltung hat am Dienstag einen neuen Haushalt für die öffentlichen Bibliotheken beschlossen."
    french = "Le conseil municipal a voté mardi un nouveau budget pour les bibliothèques publiques de la ville."
    georgian = "გამოიწერეთ ჩვენი სიახლეები"
    raw = "\n\n".join([PARAGRAPHS[0], german, PARAGRAPHS[1], french, PARAGRAPHS[2], georgian, PARAGRAPHS[3]])
    cleaned = clean_text(raw, title="Library budget", find_title=False)
    assert cleaned.lang == "en"
    assert cleaned.text == BODY
    assert dict(cleaned.foreign) == {german: "de", french: "fr", georgian: "ka"}


def test_bylines_become_the_author():
    cleaned = clean_text(dump("By Jane Doe and John Roe"))
    assert cleaned.author == "Jane Doe and John Roe"
    assert cleaned.text == BODY
    assert parse_byline("Written by Maria van der Berg") == "Maria van der Berg"
    assert parse_byline("By the way, the council met again.") is None


@pytest.mark.parametrize(("line", "iso"), [
    ("24.01.23 12:29", "2023-01-24"),
    ("24/01/2023", "2023-01-24"),
    ("2023-01-24T12:29:00Z", "2023-01-24"),
    ("January 24, 2023", "2023-01-24"),
    ("Tuesday, January 24, 2023 at 12:29 p.m.", "2023-01-24"),
    ("24 January 2023", "2023-01-24"),
    ("Published: 24 Jan 2023 12:29 GMT", "2023-01-24"),
    ("Updated on Jan. 24, 2023", "2023-01-24"),
])
def test_datelines_in_several_formats(line, iso):
    assert parse_dateline(line) == iso
    cleaned = clean_text("Library Budget Passes After Long Debate\n" + line + "\n\n" + BODY)
    assert cleaned.published == iso
    assert cleaned.text == BODY
    assert dropped(cleaned, line) == "dateline"


def test_not_a_dateline():
    assert parse_dateline("In January 2023 the council met 24 times.") is None
    assert parse_dateline("31.02.2023") is None


def test_empty_and_blank_input():
    for raw in ("", "\n\n  \n\t\n"):
        cleaned = clean_text(raw)
        assert cleaned.text == "" and cleaned.title is None and cleaned.dropped == []


def test_a_very_long_line_is_kept():
    long_paragraph = " ".join(PARAGRAPHS * 200)  # ~100 kB on one line
    cleaned = clean_text("Home\nNews\n" + long_paragraph + "\nShare this article")
    assert cleaned.text == long_paragraph
    assert dropped(cleaned, "Share this article") == "share line"


def test_same_input_same_output():
    raw = SEED_002.read_text(encoding="utf-8")
    assert clean_text(raw) == clean_text(raw)


def test_line_model_refuses_other_features():
    import json

    from storyline.clean.classifier import MODEL_PATH, LineClassifier

    spec = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    spec["features"] = spec["features"][:-1]
    with pytest.raises(ValueError, match="retrain"):
        LineClassifier(spec)


def test_line_classifier_scores_text_above_menu():
    from storyline.clean.classifier import line_classifier

    lines = ["Home", "News", "Sport", "Contact", "Library Budget Passes After Long Debate", *PARAGRAPHS,
             "Privacy policy", "Terms of use"]
    p = line_classifier().content_probability(lines)
    assert p[5:9].min() > line_classifier().threshold > p[[0, 1, 2, 3, 9, 10]].max()


def test_cookies_in_article_text_are_not_a_banner():
    from storyline.clean.lines import boilerplate_reason

    assert boilerplate_reason("About 100 people were at work at the plant, which makes Nabisco cookies and crackers.") is None
    assert boilerplate_reason("Manage consent preferences") == "cookie banner"


@pytest.mark.parametrize("line", [
    "The talks in Baku, held on Monday, were about the Lachin corridor.",
    "O'Brien's 2nd-hand e-mail: state_of_play -- the end.",
    "WHO SAID IT: Blinken, to Aliyev (23 Jan 2023)",
    "Über die Grenze: ça va, señor?",  # not ASCII: the Unicode word pattern
    "1234 5678 ___",
    "",
])
def test_english_word_share_reads_the_same_words_in_ascii_and_unicode_lines(line):
    from storyline.clean.language import LETTER_RUN, _ENGLISH_FUNCTION_WORDS, english_word_share

    words = LETTER_RUN.findall(line.lower())
    expected = sum(w in _ENGLISH_FUNCTION_WORDS for w in words) / len(words) if words else 0.0
    assert english_word_share(line) == expected
