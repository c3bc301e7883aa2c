"""Quotes: direct speech between quotation marks and reported speech, with speaker and speech verb.

Direct quotes pair straight and curly double quotes; a quote left open at the end of a paragraph and
reopened at the start of the next (the newspaper convention for long quotes) is one quote. The
speaker comes from the attribution next to the quote ("," Ned Price said / Borrell said: "...") and is
resolved to an entity through the article's mentions; "the statement added" and "he said" take the
previous speaker. Reported speech is "X told Y that ...", "X said (that) ...", "..., X warned on Monday".
One- and two-word quotes ("illegal", "bandits") are scare quotes, not speech, and are left out.
"""

from __future__ import annotations

import re

from storyline.annotate.lexicon import SPEECH_VERBS
from storyline.annotate.text import sentences
from storyline.annotate.types import Mention, Quote

_OPEN = "“„«"
_CLOSE = "”»"
_VERBS = "|".join(sorted(SPEECH_VERBS | {"saying", "adding", "telling", "warning", "stressing", "noting",
                                          "urging", "according"}, key=len, reverse=True))
_VERB_RE = re.compile(rf"\b(?:has |have |had |also |further |then )*(?P<verb>{_VERBS})\b")
_REPORTING = {"said", "says", "told", "tells", "warned", "warns", "stressed", "insisted", "insists", "claimed",
              "claims", "added", "noted", "reiterated", "emphasized", "emphasised", "argued", "stated",
              "announced", "confirmed", "acknowledged", "underscored", "saying", "urged", "urging", "encouraged",
              "asked", "pressed"}
MIN_WORDS = 3
# Verbs whose "to"-clause is what was said: "urged Aliyev to reopen", "encouraged Aliyev to double down".
_DIRECTIVE = {"urged", "urging", "told", "encouraged", "asked", "called on", "pressed"}


def _quote_marks(text: str) -> list[tuple[int, str]]:
    marks = []
    for i, ch in enumerate(text):
        if ch in _OPEN:
            marks.append((i, "open"))
        elif ch in _CLOSE:
            marks.append((i, "close"))
        elif ch == '"':
            before = text[i - 1] if i else "\n"
            marks.append((i, "open" if before.isspace() or before in "([—–-:" else "close"))
    return marks


def direct_spans(text: str) -> list[list[tuple[int, int]]]:
    """Each direct quote as its list of segments (one per paragraph it spans), inner text offsets."""
    quotes: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    open_at: int | None = None
    for pos, kind in _quote_marks(text):
        if kind == "open":
            if open_at is not None:
                para_end = text.find("\n", open_at)
                starts_paragraph = text[text.rfind("\n", 0, pos) + 1 : pos].strip() == ""
                if 0 <= para_end < pos and starts_paragraph:  # the quote goes on in the next paragraph
                    current.append((open_at + 1, len(text[:para_end].rstrip())))
                else:
                    current = []
            open_at = pos
        elif open_at is not None:
            current.append((open_at + 1, pos))
            quotes.append(current)
            current, open_at = [], None
    return quotes


def find_quotes(text: str, mentions: list[Mention]) -> list[Quote]:
    """Direct and reported speech in ``text``, speakers resolved through ``mentions``."""
    sents = sentences(text)
    quotes: list[Quote] = []
    inside = [False] * (len(text) + 1)
    for segments in direct_spans(text):
        start, end = segments[0][0], segments[-1][1]
        words = " ".join(text[s:e] for s, e in segments)
        if len(words.split()) < MIN_WORDS:
            continue
        for i in range(start - 1, end + 1):
            inside[i] = True
        quote = Quote(start, end, " ".join(text[s:e].strip() for s, e in segments), "direct", None, None, None)
        _attribute(text, quote, mentions, sents, quotes)
        quotes.append(quote)
    quotes.extend(_reported(text, mentions, sents, inside, quotes))
    quotes.sort(key=lambda q: q.start)
    return quotes


def _sentence_of(sents, pos):
    for s, e in sents:
        if s <= pos < e:
            return s, e
    return pos, pos


def _attribute(text: str, quote: Quote, mentions: list[Mention], sents, previous: list[Quote]) -> None:
    s_start, _ = _sentence_of(sents, quote.start)
    _, s_end = _sentence_of(sents, max(quote.start, quote.end - 1))
    after = text[quote.end + 1 : min(len(text), quote.end + 120)]
    after = after[: max(0, s_end - quote.end - 1)] if s_end > quote.end else after.split("\n")[0]
    # 1. The cue after the quote: ," X said / ," said X / ," the statement added
    cue = _VERB_RE.search(after)
    between = re.sub(r"[“\"][^”\"]*[”\"]", " ", after[: cue.start()]) if cue else ""
    if cue and cue.start() < 120 and len(between.split()) <= 8:
        base = quote.end + 1
        anaphor = re.search(r"\b(statement|he|she|they|it)\s+$", after[: cue.start()], re.I)
        speaker = None if anaphor else (
            _subject(mentions, base, base + cue.start()) or _object(text, mentions, base + cue.end()))
        if speaker or anaphor:
            _set(quote, speaker, cue.group("verb"), base, base + cue.end(), previous, mentions)
            return
    # 2. The cue before the quote in its sentence: X said "..." / with X saying that it "..."
    before = text[s_start : quote.start - 1]
    cues = list(_VERB_RE.finditer(before))
    if cues:
        cue = cues[-1]
        speaker = _subject(mentions, s_start, s_start + cue.start(), first=True)
        if speaker or re.match(r"\s*(he|she|they|it)\b", before, re.I):
            _set(quote, speaker, cue.group("verb"), s_start, s_start + cue.end(), previous, mentions)
            return
    # 3. A sentence of quote alone: the speaker of the previous quote in the same or previous paragraph.
    _set(quote, None, None, None, None, previous, mentions)


def _set(quote, speaker, verb, cue_start, cue_end, previous, mentions) -> None:
    if speaker is None:
        earlier = [q for q in previous if q.speaker_id and q.end < quote.start]
        if earlier and quote.start - earlier[-1].end < 600:
            quote.speaker, quote.speaker_id = earlier[-1].speaker, earlier[-1].speaker_id
        elif verb:
            last_person = [m for m in mentions if m.kind == "person" and m.end <= quote.start and m.entity_id]
            if last_person:
                quote.speaker, quote.speaker_id = last_person[-1].text, last_person[-1].entity_id
    else:
        quote.speaker, quote.speaker_id = speaker.text, speaker.entity_id or None
    quote.verb, quote.cue_start, quote.cue_end = verb, cue_start, cue_end


def _subject(mentions: list[Mention], start: int, end: int, first: bool = False) -> Mention | None:
    """The speaker among the mentions in [start, end): a person first, else an organisation or place."""
    inside = [m for m in mentions if start <= m.start and m.end <= end and m.entity_id]
    for kinds in ({"person"}, {"org", "place"}):
        found = [m for m in inside if m.kind in kinds]
        if found:
            return found[0] if first else found[-1]
    return None


def _object(text: str, mentions: list[Mention], pos: int) -> Mention | None:
    """The speaker named right after an inverted verb: '," said Josep Borrell'."""
    for m in mentions:
        if pos <= m.start <= pos + 40 and m.entity_id and re.fullmatch(r"[ \w.,’'-]*", text[pos : m.start]) \
                and len(text[pos : m.start].split()) <= 4:
            return m
    return None


_TRAILING_CUE = re.compile(rf",\s+(?P<who>[^,]{{2,80}}?)\s+(?:has |had )?(?P<verb>{_VERBS})\b(?P<rest>[^,.]{{0,25}})(?:[,.]|$)")
_ADVERBIAL = re.compile(r"(?:\s+(?:has|have|had|also|further|then|again|last week|on \w+|in a statement|repeatedly))*\s*$")
_BARE_SAID = re.compile(r"\b(?P<verb>said|says|added|warned|insisted|claimed)\s+(?=(?:it|its|the|they|he|she|a|an|such|there|this|these|those|we)\b)")
_THAT_CLAUSE = re.compile(rf"\b(?:has |have |had |also |further )*(?P<verb>{'|'.join(sorted(_REPORTING, key=len, reverse=True))})\b(?P<obj>[^.;\"“”]{{0,80}}?)\s(?P<that>that|to)\s", re.I)


def _reported(text: str, mentions: list[Mention], sents, inside, direct: list[Quote]) -> list[Quote]:
    out = []
    for s, e in sents:
        sentence = text[s:e]
        if any(inside[s:e]):
            continue
        # "X told Y that they must ...", "X said that ...", "X urged Y to ..."
        found = False
        for m in (_THAT_CLAUSE.search(sentence), _BARE_SAID.search(sentence)):
            if not m:
                continue
            speaker = _adjacent_subject(text, mentions, s, s + m.start())
            that = m.groupdict().get("that")
            if speaker and (that in {None, "that"} or m.group("verb").lower() in _DIRECTIVE):
                clause_start = s + m.end()
                out.append(Quote(clause_start, e, text[clause_start:e].rstrip("."), "reported", speaker.text,
                                 speaker.entity_id or None, m.group("verb").lower(), s + m.start(), s + m.end()))
                found = True
                break
        if found:
            continue
        # "<what was said>, Secretary of State Antony Blinken warned on Monday, ..."
        t = _TRAILING_CUE.search(sentence)
        if t and len(sentence[: t.start()].split()) >= 6:
            speaker = _subject(mentions, s + t.start("who"), s + t.end("who"))
            if speaker and speaker.end >= s + t.end("who") - 1:
                out.append(Quote(s, s + t.start(), text[s : s + t.start()], "reported", speaker.text,
                                 speaker.entity_id or None, t.group("verb").lower(), s + t.start(), s + t.end("verb")))
    return out


def _adjacent_subject(text: str, mentions: list[Mention], start: int, verb_at: int) -> Mention | None:
    """The mention right before a speech verb (only auxiliaries and time adverbials between)."""
    best = None
    for m in mentions:
        if start <= m.start and m.end <= verb_at and m.entity_id and m.kind != "group":
            if _ADVERBIAL.fullmatch(text[m.end : verb_at]) or re.fullmatch(r"\s+(?:[A-Z][\w’'.-]*\s+)*", text[m.end : verb_at]):
                best = m
    return best
