"""Finding entity mentions: the model on the lead, rules everywhere.

spaCy's NER is the expensive step, so it reads only the title and lead (where an article names its
actors in full). The names it finds, the built-in country list and aliases are then matched across the
whole text, and capitalised runs the model never saw are typed by their context: a role before them
("Foreign Minister Ararat Mirzoyan"), an organisation word in them ("Human Rights Watch"), a speech verb
after them ("Josep Borrell said"). Roles are kept, and role phrases without a name ("the State
Secretary", "Azerbaijan's president") are linked to the person holding that role in the article.
"""

from __future__ import annotations

import re
from functools import lru_cache

from storyline.annotate.lexicon import (
    ALIASES,
    CAPITAL_OF,
    COUNTRIES,
    DEMONYM_OF,
    ORG_WORDS,
    PLACE_WORDS,
    ROLE_CANON,
    ROLE_HEADS,
    ROLE_WORDS,
    SPEECH_VERBS,
)
from storyline.annotate.types import Mention

NER_KINDS = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place", "FAC": "place", "NORP": "group"}
LEAD_CHARS = 500  # the body prefix the model reads (cut at the next sentence end)
_LOCATIVE = {"in", "to", "from", "at", "near", "into", "via", "outside", "around", "across", "through", "toward",
             "towards", "over", "of", "visit", "visited", "visiting", "arrived", "left"}
_NAME_TOKEN = r"(?:(?:[A-Z]\.){2,}|[A-Z]{2,}/[A-Z]{2,}|[A-Z][\w’'-]*\w|[A-Z]\.)"
_CAP_RUN = re.compile(rf"{_NAME_TOKEN}(?:(?:[ \t]+(?:of|for|the|de|al|van|von|bin)){{0,2}}[ \t]+{_NAME_TOKEN})*")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
# Words that start sentences or headlines capitalised without naming anything.
_COMMON_CAPS = {
    "The", "A", "An", "According", "Although", "As", "At", "But", "By", "During", "Earlier", "For", "From", "He",
    "Her", "His", "However", "If", "In", "It", "Its", "Last", "Later", "Meanwhile", "Mr", "On", "Previously",
    "She", "Since", "Some", "That", "The", "Their", "There", "These", "They", "This", "Those", "To", "Under",
    "We", "What", "When", "While", "With", "After", "Before", "Also", "And", "Or", "Government-backed", "Close",
    "About", "More", "Many", "Most", "Both", "Each", "Other", "Such", "Our", "You", "I", "Yesterday", "Today",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October", "November", "December", "It's", "Here",
    "Why", "How", "Who", "Where", "Not", "No", "Yes", "Now", "Then", "So", "Still", "Even", "Just", "One", "Two",
    "Stressing", "Underscoring", "Armed", "Government", "Previously", "Separately", "Instead", "Officials",
}
_CALENDAR = {w for w in _COMMON_CAPS if w.endswith("day") or w in {
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December"}}
_ROLE_ONLY = re.compile(
    r"\b(?:(?P<det>the|The)\s+|(?P<poss>[A-Z][a-z]+)(?:'s|’s)\s+|(?P<adj>[A-Z][a-z]+i|[A-Z][a-z]+an|[A-Z][a-z]+ese|U\.S\.|US)\s+)"
    r"(?P<role>(?:State Secretary|Secretary of State|[Pp]rime [Mm]inister|[Ff]oreign [Mm]inister|[Pp]resident"
    r"|[Ss]pokes(?:man|woman|person)|[Dd]efen[cs]e [Mm]inister))"
    r"(?:\s+of\s+(?P<of>(?:the\s+)?[A-Z][\w-]+(?:\s+[A-Z][\w-]+)*))?"
)


def headline_case(title: str) -> bool:
    """True for "Blinken Tells Baku To Lift ..." and ALL-CAPS titles: the model misreads those."""
    words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", title) if len(w) > 3]
    if not words:
        return False
    return sum(w[0].isupper() for w in words) / len(words) >= 0.7 or title.upper() == title


def ner_region(text: str, body_offset: int) -> tuple[int, int]:
    """The slice of the annotated text the model reads: the lead, and the title unless headline-cased."""
    start = body_offset if body_offset and headline_case(text[:body_offset]) else 0
    return start, body_offset + lead_length(text[body_offset:])


def lead_length(body: str) -> int:
    """How much of the body the model reads: LEAD_CHARS, extended to the end of that sentence."""
    if len(body) <= LEAD_CHARS:
        return len(body)
    match = re.compile(r"[.!?][\"”’']?\s").search(body, LEAD_CHARS)
    return match.end() if match and match.end() - LEAD_CHARS < 300 else LEAD_CHARS


def find_mentions(text: str, ner: list[tuple[int, int, str]], body_offset: int = 0) -> list[Mention]:
    """All entity mentions in ``text`` given the model's spans (which may cover only a prefix)."""
    taken = [False] * (len(text) + 1)
    mentions: list[Mention] = []

    def add(start: int, end: int, kind: str, source: str) -> None:
        start, end = _strip_span(text, start, end)
        if end <= start or any(taken[start:end]):
            return
        for i in range(start, end):
            taken[i] = True
        mentions.append(Mention(start, end, text[start:end], kind, source=source))

    known: dict[str, str] = {}
    for start, end, label in ner:
        kind = NER_KINDS.get(label)
        if not kind:
            continue
        start, end = _strip_span(text, start, end)
        surface = text[start:end]
        if not surface or surface in _COMMON_CAPS or surface.lower() in ROLE_WORDS or not surface[0].isupper():
            continue
        kind = _fix_kind(surface, kind)
        named = re.match(r" (corridor|river|valley|mountains|island|islands|strait|canal|pass)\b", text[end : end + 12])
        if named and kind in {"place", "person", "org"} and " " not in surface:
            end, kind = end + len(named.group()), "place"
            surface = text[start:end]
        add(start, end, kind, "ner")
        known.setdefault(surface, kind)
    for surface, kind in sorted(known.items()):
        if kind == "person" and " " in surface:
            known[surface.split()[-1]] = "person"  # "Blinken" is the person even where the model said place
        if "-" in surface and kind == "place":
            known.setdefault(surface.rsplit("-", 1)[-1], "place")
    for surface in [s for s in known if s[0].isupper() and " " not in s]:
        if re.search(rf"\b{re.escape(surface)} (corridor|river|valley)\b", text):
            known.setdefault(surface + " Corridor", "place")

    for name, kind in _gazetteer_hits(text, known):
        add(*name, kind, "rule")
    title = text[:body_offset]
    if title and title.upper() == title:  # ALL-CAPS headline: match the names known from the body
        for name in sorted(known, key=len, reverse=True):
            for m in re.finditer(rf"(?<!\w){re.escape(name.upper())}(?!\w)", title):
                add(m.start(), m.end(), known[name], "rule")
    for start, end in _cap_runs(text):
        if any(taken[start:end]):
            continue
        kind = _classify_run(text, start, end)
        if kind:
            add(start, end, kind, "rule")
            if kind == "person":
                known.setdefault(text[start:end].split()[-1], "person")
    for name, kind in _gazetteer_hits(text, {k: v for k, v in known.items() if v == "person" and " " not in k}):
        add(*name, kind, "rule")  # surnames of people only the rules found ("Mirzoyan said on Twitter")
    for m in mentions:  # the model sometimes calls a surname a place ("Blinken told ...")
        if m.kind != "person" and known.get(m.text) == "person":
            m.kind = "person"
    mentions.sort(key=lambda m: m.start)
    _attach_roles(text, mentions)
    _mark_metonymy(text, mentions)
    return mentions


def _fix_kind(surface: str, kind: str) -> str:
    """Correct the model's type where the lexicon knows better (demonyms, countries, org words)."""
    if surface in DEMONYM_OF:
        return "group"
    if surface in COUNTRIES or surface in CAPITAL_OF or ALIASES.get(surface) in COUNTRIES:
        return "place"
    last = surface.split()[-1].lower()
    if kind == "person" and (last in ORG_WORDS or len(surface.split()) > 4):
        return "org"
    if kind in {"org", "person"} and last in PLACE_WORDS:
        return "place"
    return kind


@lru_cache(maxsize=1)
def _static_pattern() -> tuple[re.Pattern, dict[str, str]]:
    names: dict[str, str] = {}
    for country in COUNTRIES:
        names[country] = "place"
    for capital in CAPITAL_OF:
        names[capital] = "place"
    for demonym in DEMONYM_OF:
        names[demonym] = "group"
    for alias, canonical in ALIASES.items():
        if not alias.startswith("the "):
            names[alias] = {"place": "place", "org": "org"}.get(_alias_kind(canonical), "org")
    return _names_regex(names), names


def _alias_kind(canonical: str) -> str:
    from storyline.annotate.lexicon import ALIAS_KIND

    return ALIAS_KIND.get(canonical, "place" if canonical in COUNTRIES else "org")


def _names_regex(names) -> re.Pattern:
    alternatives = sorted(names, key=len, reverse=True)
    return re.compile(r"(?<![\w.-])(" + "|".join(re.escape(n) for n in alternatives) + r")(?![\w-]|\.\w)")


def _gazetteer_hits(text: str, known: dict[str, str]):
    """(span, kind) for every known or built-in name, longest first, case-insensitive for multiword names."""
    hits = []
    if known:
        multi = {n for n in known if " " in n}
        if multi:
            pattern = re.compile(
                r"(?<![\w-])(" + "|".join(re.escape(n) for n in sorted(multi, key=len, reverse=True)) + r")(?![\w-])",
                re.IGNORECASE,
            )
            lower = {n.lower(): k for n, k in known.items()}
            for m in pattern.finditer(text):
                if m.group()[0].isupper():
                    hits.append(((m.start(), m.end()), lower[m.group().lower()]))
        single = {n: k for n, k in known.items() if " " not in n}
        if single:
            for m in _names_regex(single).finditer(text):
                hits.append(((m.start(), m.end()), single[m.group()]))
    pattern, names = _static_pattern()
    for m in pattern.finditer(text):
        hits.append(((m.start(), m.end()), names[m.group()]))
    hits.sort(key=lambda h: (-(h[0][1] - h[0][0]), h[0][0]))
    return hits


def _cap_runs(text: str):
    for m in _CAP_RUN.finditer(text):
        start, end = m.start(), m.end()
        words = text[start:end].split()
        # Drop capitalised function words at the start ("According", "The") and role words.
        while words and (words[0] in _COMMON_CAPS or words[0].lower() in ROLE_WORDS or words[0] in DEMONYM_OF
                         or words[0] in COUNTRIES or words[0].rstrip("’'s") in COUNTRIES):
            start = text.index(words[0], start) + len(words[0])
            words = words[1:]
        while words and words[-1] in {"of", "for", "and", "the"}:
            words = words[:-1]
        if not words:
            continue
        start = text.index(words[0], start)
        end = start + len(" ".join(words)) if "\n" not in text[start:end] else end
        end = text.index(words[-1], start) + len(words[-1])
        yield start, end


def _classify_run(text: str, start: int, end: int) -> str | None:
    surface = _POSSESSIVE.sub("", text[start:end]).rstrip(".")
    words = surface.split()
    if not words or surface in _COMMON_CAPS or any(w in _CALENDAR for w in words):
        return None
    last = words[-1].lower()
    if last in ORG_WORDS and len(words) > 1:
        return "org"
    if last in PLACE_WORDS and len(words) > 1:
        return "place"
    if len(words) == 1 and re.fullmatch(r"[A-Z]{3,6}(?:/[A-Z]{2,4})?", surface):
        return "org"
    if not 2 <= len(words) <= 3 or not all(re.fullmatch(r"[A-Z][a-z’'-]+|[A-Z]\.", w) for w in words):
        return None
    before = text[max(0, start - 60) : start]
    after = text[end : end + 30]
    if _role_before(before):
        return "person"
    if re.match(r",?\s+(?:\w+\s+)?(" + "|".join(sorted(SPEECH_VERBS)) + r")\b", after):
        return "person"
    if re.match(r",\s+(?:the\s+|a\s+)?[\w. ]*\b(" + "|".join(sorted(ROLE_HEADS)) + r")\b", after):
        return "person"
    return None


def _role_before(before: str) -> str | None:
    """The role phrase that ends right before a name, if any: "U.S. Secretary of State "."""
    tokens = list(re.finditer(r"[\w.’'-]+|,", before))
    picked = []
    for tok in reversed(tokens):
        word = tok.group()
        gap = before[tok.end() : picked[-1].start() if picked else len(before)]
        if gap.strip() not in {"", ","} or ("\n" in gap):
            break
        if word == ",":
            if picked:
                break
            picked.append(tok)
            continue
        bare = _POSSESSIVE.sub("", word)
        if word.lower() in ROLE_WORDS or bare in COUNTRIES or bare in DEMONYM_OF or bare in ALIASES:
            picked.append(tok)
        else:
            break
    words = [t for t in reversed(picked) if t.group() != ","]
    while words and words[0].group().lower() in {"the", "of", "and", "for"}:
        words = words[1:]
    if not words or not any(w.group().lower() in ROLE_HEADS for w in words):
        return None
    return before[words[0].start() : words[-1].end()]


def _attach_roles(text: str, mentions: list[Mention]) -> None:
    for m in mentions:
        if m.kind != "person":
            continue
        before = text[max(0, m.start - 80) : m.start]
        role = _role_before(before)
        if not role:
            after = re.match(r",\s+(?:the\s+)?([\w. ]{0,40}?\b(?:" + "|".join(sorted(ROLE_HEADS - {"head"}))
                             + r"))(?:\s+of\s+[A-Z][\w ]+?)?(?=[,.])", text[m.end : m.end + 80])
            role = after.group(1) if after else None
        if role:
            m.role = role.strip()


def normalise_role(role: str) -> str:
    """The comparable form of a role: lower case, "State Secretary" -> "secretary of state", no country."""
    words = [w for w in re.findall(r"[\w.]+", role.lower()) if w not in {"the", "former", "acting"}]
    words = [w for w in words if _POSSESSIVE.sub("", w).title() not in COUNTRIES and w.title() not in DEMONYM_OF
             and w.upper() not in {"U.S.", "US", "EU", "UN", "USAID"}]
    phrase = " ".join(words)
    for variant, canonical in ROLE_CANON.items():
        phrase = phrase.replace(variant, canonical)
    return phrase


def _mark_metonymy(text: str, mentions: list[Mention]) -> None:
    """A capital or seat of government that acts ("Baku has reiterated") stands for its government."""
    for m in mentions:
        country = CAPITAL_OF.get(_POSSESSIVE.sub("", m.text))
        if not country:
            continue
        prev = re.findall(r"[\w’']+", text[max(0, m.start - 20) : m.start])
        if prev and prev[-1].lower() in _LOCATIVE:
            continue
        m.acts_as = government_id(country)


def government_id(country: str) -> str:
    from storyline.annotate.text import slug

    return f"org:government-of-{slug(country)}"


def role_mentions(text: str, mentions: list[Mention]) -> list[Mention]:
    """Role phrases standing for a person ("the State Secretary", "Azerbaijan's president")."""
    taken = [(m.start, m.end) for m in mentions if m.kind == "person"]
    out = []
    for match in _ROLE_ONLY.finditer(text):
        start, end = match.start(), match.end()
        after = text[end : end + 40]
        if re.match(r",?\s+(?:[A-Z][\w’'-]+\s+){0,2}[A-Z][\w’'-]+", after):
            nxt = re.match(r",?\s+([A-Z][\w’'-]+)", after).group(1)
            if any(m.start >= end and m.start <= end + 3 + len(after) and m.kind == "person" and
                   text[m.start:m.end].startswith(nxt) for m in mentions):
                continue  # a role right before a name is that name's role, not a mention of its own
        if any(s < end and start < e for s, e in taken):
            continue
        country = match.group("poss") or match.group("adj") or match.group("of")
        role = match.group("role")
        if match.group("det") and not match.group("of") and role.islower():
            continue  # "the president" alone is too vague to link
        surface = text[start:end]
        if surface.startswith(("the ", "The ")) and not match.group("of"):
            start += 4
        out.append(Mention(start, end, text[start:end], "person", role=text[start:end], source="role"))
    return out


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    surface = text[start:end]
    for prefix in ("the ", "The "):
        if surface.startswith(prefix):
            start += len(prefix)
            surface = surface[len(prefix):]
    possessive = _POSSESSIVE.search(surface)
    if possessive and len(surface) > 3:
        end -= len(possessive.group())
    while end > start and text[end - 1] in ".,;:\"”’'" and not re.search(r"\b[A-Z]\.$|\bU\.S\.$", text[start:end]):
        end -= 1
    while start < end and text[start] in "\"“‘'":
        start += 1
    return start, end
