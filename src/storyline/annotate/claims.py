"""Attributed claims: what a party asserts, denies, accuses, condemns, supports or demands.

These feed the cross-source comparison, so the party is resolved to a comparable entity: a country,
its capital acting as its government ("Baku refused the claims") and "the Azerbaijani side" all point
to the government of that country. Rules over sentences: a party right before a stance verb.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from storyline.annotate.entities import government_id
from storyline.annotate.lexicon import CAPITAL_OF, COUNTRIES, DEMONYM_OF
from storyline.annotate.text import sentences
from storyline.annotate.types import Claim, Mention

STANCES = {
    "asserts": r"reiterated|reaffirmed|claims?|claimed|insists?|insisted|maintains?|maintained|argues?|argued|asserts?|asserted|alleges?|alleged|says|said|believes?|considers?|consider",
    "characterises": r"(?:has |have |had )?(?:called|calls|described|describes|termed|labell?ed|branded)",
    "denies": r"refused|rejected|denied|dismissed|rejects|denies|refuses|dismisses",
    "accuses": r"(?:has |have |had )?accused|accuses|blamed|blames",
    "condemns": r"condemned|condemns|criticized|criticised|denounced|blasted",
    "supports": r"welcomed|welcomes|supports|backed|praised|endorsed",
    "demands": r"demanded|demands|urged|urges|called for|calls for",
}
_VERB_ALTS = []
for _stance, _pattern in STANCES.items():
    _VERB_ALTS.append(f"(?P<{_stance}>{_pattern})")
_VERB = re.compile(r"\s+(?:(?:has|have|had|also|further|again|repeatedly|strongly)\s+)*(?:" + "|".join(_VERB_ALTS) + r")\b")
_SIDE = re.compile(r"\b(?:[Tt]he\s+)?(?P<dem>[A-Z][a-z]+)\s+(?:side|government|authorities|officials|leadership|foreign ministry|ministry|president)\b")
_ACCUSING = re.compile(r",\s+accusing\s+(?:at the same time\s+|also\s+)?(?P<what>[^.;]+?\bof\b[^.;]+)")
_CONDEMNATION = re.compile(r"\b(?:condemnation|criticism|protests?) from (?:the )?(?P<party>[A-Z][\w ]+?)(?=[,.]|\s+who\b)")


def find_claims(text: str, mentions: list[Mention], sents: list[tuple[int, int]] | None = None) -> list[Claim]:
    """Claims in ``text``, each with its party (resolved through ``mentions``) and stance."""
    claims: list[Claim] = []
    mentions = sorted(mentions, key=lambda m: m.start)
    starts = [m.start for m in mentions]
    previous_claimants: list[tuple[int, int, str]] = []  # parties that made a claim in the sentence before
    for s, e in sents if sents is not None else sentences(text):
        sentence = text[s:e]
        local = mentions[bisect_left(starts, s) : bisect_left(starts, e)]
        parties = list(_parties(text, s, e, local))
        candidates = [(a, b, pid, "mention", e) for a, b, pid in parties]
        if _PRONOUN_CUE.search(sentence):  # cheap test before looking for pronoun parties
            candidates += _pronoun_parties(text, s, e, parties, previous_claimants)
            candidates.sort()
        claimants = []
        for party_start, party_end, party_id, source, limit in candidates:
            verb = _VERB.match(text, party_end, e)
            if not verb:
                gap = re.match(r",[^,]{1,40},", text[party_end:e])  # "Baku, on the other hand, refused"
                verb = _VERB.match(text, party_end + gap.end(), e) if gap else None
            if not verb:
                continue
            stance = next(k for k, v in verb.groupdict().items() if v)
            claim_start = verb.end()
            that = re.match(r"\s+that\b", text[claim_start:e])
            if that:
                claim_start += that.end()
            while claim_start < e and text[claim_start] == " ":
                claim_start += 1
            claim_text = text[claim_start:limit].rstrip(".")
            if stance == "asserts" and verb.group("asserts") in {"said", "says"} and not that:
                continue  # plain "said" without a clause is speech, left to quotes
            if source == "pronoun" and stance == "asserts" and not that:
                continue  # "it claimed the lives of ..." is not a statement: a pronoun party needs a clause
            if len(claim_text.split()) < 2:
                continue
            participle = _ACCUSING.search(text, claim_start, e)
            if participle:  # "refused the claims, accusing at the same time Armenian forces of torturing ..."
                claim_text = text[claim_start : participle.start()]
            party = text[party_start:party_end]
            claims.append(Claim(claim_start, claim_start + len(claim_text), claim_text, party,
                                party_id, stance, verb.group().strip(), s, e, source))
            claimants.append((party_start, party_end, party_id))
            if participle:
                what = participle.group("what").rstrip(".")
                claims.append(Claim(participle.start("what"), participle.start("what") + len(what), what,
                                    party, party_id, "accuses", "accusing", s, e, source))
        previous_claimants = claimants
        for m in _CONDEMNATION.finditer(sentence):
            party_id = _side_id(m.group("party"), mentions, s + m.start("party"))
            subject = re.sub(r"\s+(?:has|have|had|was|were)\s+(?:been\s+)?(?:met|greeted|received)\s+with\s*$", "",
                             sentence[: m.start()].strip())
            claims.append(Claim(s, s + len(subject), subject, m.group("party"), party_id, "condemns", "condemnation from", s, e))
            who = re.match(r",?\s+who\s+(consider|considers|call|calls|say|says|believe|believes)\s+(?P<what>[^.]+)", sentence[m.end():])
            if who:
                start = s + m.end() + who.start("what")
                claims.append(Claim(start, start + len(who.group("what")), who.group("what"), m.group("party"), party_id,
                                    "characterises", who.group(1), s, e))
    claims.sort(key=lambda c: (c.start, c.party))
    return claims


_PRONOUN = re.compile(r"\b(?P<p>[Ii]t|[Tt]hey|[Hh]e|[Ss]he)(?=\s)")
_PRONOUN_CUE = re.compile(r"\b(?:[Ii]t|[Tt]hey|[Hh]e|[Ss]he)\s")
_FRONTED = re.compile(r"\s*(?:Although|Though|Even though|While|Whereas|As|Since|Because|When|After)\s+$")


def _compatible(pronoun: str, party_id: str) -> bool:
    """ "he"/"she" stand for people; "it"/"they" for organisations and governments (countries map to those)."""
    return party_id.startswith("person:") if pronoun.lower() in {"he", "she"} else party_id.startswith("org:")


def _pronoun_parties(text: str, s: int, e: int, parties: list, previous_claimants: list):
    """Pronouns right before a stance verb, each resolved to the party it stands for (source "pronoun").

    In order: the main-clause subject after a fronted clause ("Although it claimed ..., Baku has
    reiterated"), the nearest compatible party before it in the sentence, then the first compatible
    party that made a claim in the previous sentence ("Baku denied ... It said that ..."). Unresolved
    pronouns give no claim: a claim without a comparable party is no use to the comparison.
    """
    for m in _PRONOUN.finditer(text, s, e):
        if not _VERB.match(text, m.end(), e):
            continue
        pronoun = m.group("p")
        party_id, limit = None, e
        if _FRONTED.fullmatch(text, s, m.start()):  # the claim ends where the main clause starts
            party_id, limit = next(((pid, text.rindex(",", s, a)) for a, _, pid in parties if a > m.end()
                                    and _compatible(pronoun, pid) and re.search(r",\s+(?:the\s+)?$", text[max(s, a - 8) : a])),
                                   (None, e))
        if party_id is None:
            party_id = next((pid for a, b, pid in reversed(parties) if b <= m.start() and _compatible(pronoun, pid)), None)
        if party_id is None:
            party_id = next((pid for _, _, pid in previous_claimants if _compatible(pronoun, pid)), None)
        if party_id:
            yield m.start(), m.end(), party_id, "pronoun", limit


def _parties(text: str, s: int, e: int, mentions: list[Mention]):
    """Possible parties in a sentence: entity mentions and "the Azerbaijani side"-like phrases."""
    seen = set()
    for m in _SIDE.finditer(text, s, e):
        country = DEMONYM_OF.get(m.group("dem"))
        if country:
            seen.add(m.end())
            yield m.start(), m.end(), government_id(country)
    for m in mentions:
        if s <= m.start < e and m.end not in seen and m.entity_id:
            bare = m.text.rstrip("’'s")
            if m.kind == "group":
                continue
            if m.acts_as:
                yield m.start, m.end, m.acts_as
            elif bare in COUNTRIES or m.entity_id.startswith("place:") and bare in CAPITAL_OF:
                yield m.start, m.end, government_id(bare if bare in COUNTRIES else CAPITAL_OF[bare])
            else:
                yield m.start, m.end, m.entity_id


def _side_id(phrase: str, mentions: list[Mention], at: int) -> str | None:
    for word in phrase.split():
        if word in DEMONYM_OF:
            return government_id(DEMONYM_OF[word])
        if word in COUNTRIES:
            return government_id(word)
    for m in mentions:
        if m.start == at and m.entity_id:
            return m.entity_id
    return None
