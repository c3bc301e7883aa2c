"""Per-line features of a page dump, for the learned line classifier (see docs/cleaning.md).

A line's own shape (length, punctuation, function words, navigation words, digits, capitals) says a
lot; where it sits says the rest: page furniture comes in runs before and after the article, so each
line also sees its neighbours, how much running text lies before and after it, and how far it is
from the densest block of text. Features are plain floats in a fixed order (FEATURE_NAMES); the
trained model stores the same names and refuses a mismatch.
"""

from __future__ import annotations

import math
import re

import numpy as np

from storyline.clean.lines import boilerplate_reason
from storyline.clean.metadata import parse_byline, parse_dateline

_WORD = re.compile(r"[^\W_]+")
_STOPWORDS = frozenset(
    "the a an of to in and or for on at by with from is are was were be been being has have had it its this "
    "that these those he she they we you i his her their our my your not but as said says will would can could "
    "after before over about than into also who which what when where while more most there then so if no "
    "do does did all some any such only other up out one just very how because through during".split()
)
_NAV_WORDS = frozenset(
    "home menu login log sign register search skip content navigation contact about us privacy policy terms "
    "cookies cookie subscribe newsletter share tweet facebook twitter instagram linkedin youtube pinterest "
    "whatsapp email print comments comment reply related read more next previous back top categories category "
    "tags tag archives archive follow copyright reserved rights careers advertise shop cart account help faq "
    "services products blog news video videos podcast podcasts events resources sitemap view all popular "
    "trending latest recent posts post tv live watch listen edition sections opinion".split()
)
_PUNCT = re.compile(r"[^\w\s]")
_DIGIT = re.compile(r"\d")
_INNER_SENTENCE = re.compile(r"[.!?][\"”’)]?\s+[A-Z\"“‘]")
_LIST_MARKER = re.compile(r"^(\d+[.)]|[-–•*·▪►]\s)")
_SENTENCE_END = (".", "!", "?", '"', "”", "’", "'", ".)", "?)", '."', ".”")
_SEPARATORS = re.compile(r"[|»›•·>/]")
WINDOWS = (2, 5, 15)

FEATURE_NAMES: tuple[str, ...] = (
    "log_chars", "log_words", "ends_sentence", "ends_colon", "punct_ratio", "digit_ratio", "cap_ratio",
    "stop_ratio", "nav_ratio", "rule_hit", "dateline", "byline", "rel_pos", "rel_word_pos", "log_repeats",
    "separators", "inner_sentences", "mean_word_len", "list_marker", "legal_or_link", "all_caps", "prose",
    "prose_words_before", "prose_words_after", "dense_dist", "dense_signed", "density_ratio",
    "prev_log_words", "next_log_words", "prev_prose", "next_prose", "prev_stop", "next_stop",
    *(f"prose_mean_{w}" for w in WINDOWS), *(f"words_mean_{w}" for w in WINDOWS),
    *(f"nav_mean_{w}" for w in WINDOWS),
    "page_prose_share", "page_log_lines", "page_log_words", "page_repeat_share",
)


def _line_features(line: str, rule_hit: bool | None = None) -> list[float]:
    words = _WORD.findall(line)
    n_words = len(words)
    lower = [w.lower() for w in words]
    n_chars = len(line)
    stripped = line.rstrip()
    punct = len(_PUNCT.findall(line))
    digits = len(_DIGIT.findall(line))
    caps = sum(map(str.isupper, [w[0] for w in words]))
    stop = sum(map(_STOPWORDS.__contains__, lower))
    nav = sum(map(_NAV_WORDS.__contains__, lower))
    ends_sentence = stripped.endswith(_SENTENCE_END)
    lowered = line.lower()
    return [
        math.log1p(n_chars),
        math.log1p(n_words),
        float(ends_sentence),
        float(stripped.endswith(":")),
        punct / n_chars if n_chars else 0.0,
        digits / n_chars if n_chars else 0.0,
        caps / n_words if n_words else 0.0,
        stop / n_words if n_words else 0.0,
        nav / n_words if n_words else 0.0,
        float(boilerplate_reason(line) is not None if rule_hit is None else rule_hit),
        float(n_chars <= 60 and parse_dateline(line) is not None),
        float(n_chars <= 100 and parse_byline(line) is not None),
        0.0, 0.0, 0.0,  # position and repetition: filled in by page_features
        float(n_words <= 12 and _SEPARATORS.search(line) is not None),
        math.log1p(len(_INNER_SENTENCE.findall(line))),
        (sum(len(w) for w in words) / n_words) if n_words else 0.0,
        float(_LIST_MARKER.match(line) is not None),
        float("©" in line or "@" in line or "http" in lowered or "www." in lowered or "copyright" in lowered),
        float(n_words >= 2 and line.upper() == line and any(ch.isalpha() for ch in line)),
        float(n_words >= 10 and ends_sentence),
    ]


_N_OWN = len(_line_features("x"))


def window_mean(values: np.ndarray, w: int) -> np.ndarray:
    """Mean of values over lines i-w..i+w (clipped at the page's ends)."""
    padded = np.concatenate([[0.0], np.cumsum(values)])
    n = len(values)
    idx = np.arange(n)
    lo, hi = np.clip(idx - w, 0, n), np.clip(idx + w + 1, 0, n)
    return (padded[hi] - padded[lo]) / (hi - lo)


def page_features(lines: list[str], rule_hits: list[bool] | None = None) -> np.ndarray:
    """One row of FEATURE_NAMES per line (lines already normalised, none empty).

    ``rule_hits``: whether storyline.clean.lines' rules flag each line, when the caller has it already.
    """
    n = len(lines)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)))
    hits = rule_hits if rule_hits is not None else [None] * n
    own = np.array([_line_features(line, hit) for line, hit in zip(lines, hits)], dtype=float)
    col = {name: i for i, name in enumerate(FEATURE_NAMES[:_N_OWN])}
    n_words = np.expm1(own[:, col["log_words"]])
    prose = own[:, col["prose"]]
    keys = [line.lower() for line in lines]
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    repeats = np.array([counts[key] - 1 for key in keys], dtype=float)

    total_words = max(n_words.sum(), 1.0)
    own[:, col["rel_pos"]] = np.arange(n) / max(n - 1, 1)
    own[:, col["rel_word_pos"]] = (np.cumsum(n_words) - n_words) / total_words
    own[:, col["log_repeats"]] = np.log1p(repeats)

    prose_words = n_words * prose
    total_prose = max(prose_words.sum(), 1.0)
    before = (np.cumsum(prose_words) - prose_words) / total_prose
    after = 1.0 - before - prose_words / total_prose

    density = window_mean(n_words, 5)
    densest = int(np.argmax(density))
    signed = (np.arange(n) - densest) / max(n, 1)
    density_ratio = density / max(density.max(), 1e-9)

    log_words = own[:, col["log_words"]]
    stop = own[:, col["stop_ratio"]]
    nav = own[:, col["nav_ratio"]]

    def shifted(values: np.ndarray, by: int) -> np.ndarray:
        out = np.zeros(n)
        if by > 0:
            out[by:] = values[:-by] if n > by else []
        else:
            out[:by] = values[-by:] if n > -by else []
        return out

    context = [
        before, after, np.abs(signed), signed, density_ratio,
        shifted(log_words, 1), shifted(log_words, -1), shifted(prose, 1), shifted(prose, -1),
        shifted(stop, 1), shifted(stop, -1),
        *(window_mean(prose, w) for w in WINDOWS),
        *(window_mean(log_words, w) for w in WINDOWS),
        *(window_mean(nav, w) for w in WINDOWS),
    ]
    page = [prose.mean(), math.log1p(n), math.log1p(total_words), float((repeats > 0).mean())]
    return np.hstack([own, np.column_stack(context), np.tile(page, (n, 1))])
