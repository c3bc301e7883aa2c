"""Figures: numbers (in digits or words) with their unit, the thing they count and their qualifier.

"more than 120,000 people" -> 120000, counted "people", lower bound; "close to 7,000 people died" ->
7000, approximate; "a two-year mandate" -> 2 year, counted "mandate"; "for over a month" -> 1 month,
lower bound; hyphenated compounds: "a 10-year sentence" -> 10 year, counted "sentence"; "a 6.1-magnitude
quake" -> 6.1, counted "magnitude" (the word after the hyphen is what the number measures). Years and dates are left to the time expressions.
"""

from __future__ import annotations

import re

from storyline.annotate.types import Figure

_UNITS_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a": 1, "an": 1, "zero": 0, "dozen": 12,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000, "m": 1_000_000, "bn": 1_000_000_000, "k": 1_000}
_WORD = r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|dozen|hundred|thousand|million|billion)"
_QUALIFIERS = [
    (r"more than|over|at least|upwards of|in excess of|no fewer than|no less than|above", "lower"),
    (r"less than|fewer than|under|up to|at most|no more than|nearly|almost|below", "upper"),
    (r"about|around|approximately|roughly|some|an estimated|estimated|close to|an? (?:approximate|estimated)|circa|nearly|almost", "approximate"),
]
_QUALIFIER_RE = re.compile(r"\b(" + "|".join(q for q, _ in _QUALIFIERS) + r")\s+$", re.I)
_TIME_UNITS = {"second", "minute", "hour", "day", "week", "month", "year", "decade", "century"}
_MEASURE_UNITS = {
    "percent": "%", "per cent": "%", "%": "%", "km": "km", "kilometres": "km", "kilometers": "km", "kilometre": "km",
    "kilometer": "km", "miles": "mile", "mile": "mile", "metres": "m", "meters": "m", "tons": "t", "tonnes": "t",
    "yards": "yard", "yard": "yard", "dollars": "USD", "euros": "EUR", "pounds": "GBP", "kg": "kg",
}
_CURRENCY = {"$": "USD", "€": "EUR", "£": "GBP"}
_STOP = {
    "of", "in", "on", "at", "to", "for", "from", "by", "with", "and", "or", "but", "that", "which", "who", "were",
    "was", "are", "is", "had", "have", "has", "will", "would", "died", "killed", "since", "during", "after",
    "before", "the", "a", "an", "as", "than", "into", "per", "ago", "now", "each", "more", "when", "while",
    "across", "against", "over", "under", "between", "out", "last", "this", "next", "said",
}
_NUMBER = re.compile(
    rf"(?P<cur>[$€£])?(?P<digits>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s*(?P<scale>million|billion|trillion|thousand|bn|m|k)\b)?"
    rf"|\b(?P<words>(?:{_WORD}|an?(?=[\s-]+(?:{_WORD}|(?:second|minute|hour|day|week|month|year|decade)s?\b)))(?:[\s-]+(?:and[\s-]+)?{_WORD})*)\b(?P<hyphen>-(?P<hunit>\w+))?",
)  # matched against the lower-cased text (same offsets): case-insensitive matching is twice as slow


_DIGIT_COMPOUND = re.compile(r"-(?P<word>[a-z]+)(?P<old>-old)?\b")  # on the lower-cased text


def word_number(words: str) -> float | None:
    """The value of a number written in words or digits: "seven" -> 7, "two hundred thousand" -> 200000."""
    words = words.strip().lower().replace(",", "")
    if re.fullmatch(r"\d+(\.\d+)?", words):
        return float(words) if "." in words else int(words)
    total, current, seen = 0, 0, False
    for token in re.split(r"[\s-]+", words):
        if token == "and":
            continue
        if token in _UNITS_WORDS:
            current += _UNITS_WORDS[token]
            seen = True
        elif token in {"hundred"}:
            current = (current or 1) * 100
            seen = True
        elif token in _SCALES:
            total += (current or 1) * _SCALES[token]
            current, seen = 0, True
        else:
            return None
    return total + current if seen else None


def find_figures(text: str, skip: list[tuple[int, int]] = ()) -> list[Figure]:
    """Every figure in ``text`` outside the ``skip`` spans (the time expressions that are dates)."""
    blocked = [False] * (len(text) + 1)
    for s, e in skip:
        for i in range(s, e):
            blocked[i] = True
    figures = []
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters change length when lower-cased; keep offsets exact
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    for m in _NUMBER.finditer(lowered):
        start, end = m.start(), m.end()
        hyphen_counted = None
        if any(blocked[start:end]):
            continue
        if m.group("digits"):
            if re.match(r"[\d.]*[-/:]\d", text[end - 1 : end + 2]) or (start and text[start - 1] in "-/:"):
                continue  # scores, dates and times like 20-13, 12/05, 4:23
            if re.fullmatch(r"(19|20)\d\d", m.group("digits")):
                continue
            value = float(m.group("digits").replace(",", ""))
            if m.group("scale"):
                value *= _SCALES[m.group("scale").lower()]
            unit = _CURRENCY.get(m.group("cur") or "")
            compound = _DIGIT_COMPOUND.match(lowered, end)  # "a 6.1-magnitude quake", "a 10-year sentence"
            if compound and not unit:
                word = compound.group("word")
                if compound.group("old") or word.rstrip("s") in _TIME_UNITS:
                    unit = "year" if compound.group("old") else word.rstrip("s")
                elif word in _MEASURE_UNITS:
                    unit = _MEASURE_UNITS[word]
                else:
                    hyphen_counted = text[compound.start("word") : compound.end("word")]
                end = compound.end()
        else:
            words = m.group("words")
            article = re.match(r"an?[\s-]+(?=\w)", words, re.I)
            if article:  # "a two-year mandate": the article is not part of the number
                start += article.end()
                words = words[article.end():]
            hyphen_unit = (m.group("hunit") or "").lower()
            if words.lower() in {"a", "an"}:
                # "a month" counts only after a qualifier or "for": "for over a month", "more than a month"
                nxt = re.match(r"\s+(\w+)", text[end:])
                if not nxt or nxt.group(1).lower().rstrip("s") not in _TIME_UNITS:
                    continue
                if not (_QUALIFIER_RE.search(text[max(0, start - 25) : start]) or re.search(r"\bfor\s+$", text[max(0, start - 5) : start])):
                    continue
            if words.lower() in {"one"} and not hyphen_unit and re.match(r"\s+(of|another|side)\b", text[end:]):
                continue
            value = word_number(words)
            if value is None:
                continue
            unit = None
            if hyphen_unit:
                if hyphen_unit.rstrip("s") in _TIME_UNITS:
                    unit = hyphen_unit.rstrip("s")
                elif hyphen_unit in {"old"}:
                    unit = "year"
                else:
                    end = m.end("words")
                old = re.match(r"-old\b", text[end:])  # "a two-year-old girl": an age
                if unit and old:
                    end += old.end()
        tail = text[end:]
        if unit is None or unit in _CURRENCY.values():
            measure = re.match(r"\s*(per cent|percent|%|km|kilomet(?:re|er)s?|miles?|metres|meters|tons|tonnes|yards?|dollars|euros|pounds|kg)\b|\s*%", tail, re.I)
            if measure:
                unit = _MEASURE_UNITS.get(measure.group().strip().lower(), unit)
                end += measure.end()
                tail = text[end:]
            elif unit is None:
                time_unit = re.match(r"\s+(second|minute|hour|day|week|month|year|decade|centur(?:y|ie))s?\b", tail, re.I)
                if time_unit:
                    unit = time_unit.group(1).lower().replace("centurie", "century")
                    end += time_unit.end()
                    tail = text[end:]
        counted = hyphen_counted or _counted(tail)
        if counted and not hyphen_counted:
            end += tail.index(counted.split()[-1]) + len(counted.split()[-1])
        qualifier_match = _QUALIFIER_RE.search(text[max(0, start - 25) : start])
        qualifier = None
        if qualifier_match:
            phrase = qualifier_match.group(1).lower()
            qualifier = next(kind for pattern, kind in _QUALIFIERS if re.fullmatch(pattern, phrase))
            if phrase in {"close to"}:
                qualifier = "approximate"
            if phrase == "over" and unit in _TIME_UNITS and not re.search(r"\bfor\s+$", text[max(0, start - 30) : start - 5]):
                qualifier = None  # "burned over two days" is a span, "for over a month" a lower bound
            start -= len(qualifier_match.group())
        value = int(value) if float(value).is_integer() else value
        figures.append(Figure(start, end, text[start:end], value, unit, counted, qualifier))
    return figures


def _counted(tail: str) -> str | None:
    """The noun phrase right after a number: up to three words, stopping at function words and verbs."""
    words = []
    pos = 0
    while len(words) < 3:
        m = re.match(r"[ \t]+([A-Za-z][\w’'-]*)", tail[pos:])
        if not m:
            break
        word = m.group(1)
        low = word.lower()
        if low in _STOP or (words and (low.endswith("ed") or low.endswith("ing"))):
            break
        words.append(word.rstrip("’'"))
        pos += m.end()
        if word.endswith(("’", "'")):
            break
    return " ".join(words) or None
