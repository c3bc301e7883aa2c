"""One entity per real-world thing, across mentions and across articles.

Ids are derived from the canonical name ("person:antony-blinken"), so two articles that name the same
person fully get the same id without looking at each other. Short forms are linked inside an article
("Blinken" -> the article's "Antony Blinken"), aliases by a table ("Karabakh" -> "Nagorno-Karabakh",
"US" -> "United States"), demonyms to their country, and across articles a short or variant name is
mapped to a known entity (``link_to_known``: "Pashinian" and "Pashinyan" with the same first name).
"""

from __future__ import annotations

import difflib
import re

from storyline.annotate.entities import government_id, normalise_role
from storyline.annotate.lexicon import ALIAS_KIND, ALIASES, CAPITAL_OF, COUNTRIES, DEMONYM_OF
from storyline.annotate.text import slug
from storyline.annotate.types import Entity, Mention

_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


def canonical_name(mention: Mention) -> tuple[str, str]:
    """(kind, canonical name) of one mention, before linking short forms."""
    surface = _POSSESSIVE.sub("", " ".join(mention.text.split()))
    if surface in DEMONYM_OF:
        return "place", DEMONYM_OF[surface]
    if surface in ALIASES:
        target = ALIASES[surface]
        return ALIAS_KIND.get(target, "place" if target in COUNTRIES else mention.kind), target
    if surface in ALIAS_KIND:
        return ALIAS_KIND[surface], surface
    if mention.kind in {"place", "org"}:
        # Case differences only ("Lachin corridor" / "Lachin Corridor"): one name, title-cased words.
        surface = " ".join(w[:1].upper() + w[1:] if w.islower() and len(w) > 3 else w for w in surface.split())
    return mention.kind, surface


def canonicalise(mentions: list[Mention]) -> list[Entity]:
    """Set ``entity_id`` on every mention; returns the article's entities (sorted by id)."""
    names: dict[int, tuple[str, str]] = {i: canonical_name(m) for i, m in enumerate(mentions) if m.source != "role"}
    full_people = sorted({n for k, n in names.values() if k == "person" and " " in n}, key=lambda n: (-len(n), n))
    multi_places = sorted({n for k, n in names.values() if k in {"place", "org"} and ("-" in n or " " in n)})
    entities: dict[str, Entity] = {}
    for i, (kind, name) in names.items():
        if kind == "person" and " " not in name:
            name = next((p for p in full_people if p.split()[-1].lower() == name.lower()), name)
        elif kind in {"place", "org"} and " " not in name and "-" not in name:
            name = next((p for p in multi_places if re.split(r"[- ]", p)[-1] == name and
                         p.lower() not in {"united states", "united kingdom"}), name)
        entity_id = f"{kind}:{slug(name)}"
        mentions[i].entity_id = entity_id
        mentions[i].kind = "place" if kind == "place" and mentions[i].kind == "group" else kind
        if mentions[i].text in DEMONYM_OF:
            mentions[i].kind = "group"
        entity = entities.setdefault(entity_id, Entity(entity_id, kind, name))
        surface = _POSSESSIVE.sub("", mentions[i].text)
        if surface != name and surface not in entity.aliases:
            entity.aliases.append(surface)
        if mentions[i].role and mentions[i].role not in entity.roles:
            entity.roles.append(mentions[i].role)
        if mentions[i].acts_as:
            country = CAPITAL_OF[_POSSESSIVE.sub("", mentions[i].text)]
            entities.setdefault(mentions[i].acts_as, Entity(mentions[i].acts_as, "org", f"Government of {country}"))
    _link_acronyms(mentions, entities)
    _link_roles(mentions, entities)
    for entity in entities.values():
        entity.aliases.sort()
    return [entities[k] for k in sorted(entities)]


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.replace("-", " ").split() if w.lower() not in {"of", "the", "for", "and", "on"})


def _link_acronyms(mentions: list[Mention], entities: dict[str, Entity]) -> None:
    """An acronym names the article's organisation with those initials: "WHO" -> "World Health Organization"."""
    full = {_initials(e.name).upper(): e for e in entities.values()
            if e.kind == "org" and len(e.name.split()) > 1 and not e.entity_id.startswith("org:government-of")}
    for m in mentions:
        entity = entities.get(m.entity_id)
        if entity is None or entity.kind != "org" or not re.fullmatch(r"[A-Z]{2,6}", entity.name):
            continue
        target = full.get(entity.name)
        if target is not None and target.entity_id != entity.entity_id:
            m.entity_id = target.entity_id
            if entity.name not in target.aliases:
                target.aliases.append(entity.name)
            if not any(x.entity_id == entity.entity_id for x in mentions):
                entities.pop(entity.entity_id, None)


def _link_roles(mentions: list[Mention], entities: dict[str, Entity]) -> None:
    """Point role-only mentions at the one person of the article holding that role."""
    for m in mentions:
        if m.source != "role":
            continue
        wanted = normalise_role(m.role or m.text)
        country = country_in(m.role or "")
        holders = []
        for e in entities.values():
            if e.kind != "person":
                continue
            for role in e.roles:
                if normalise_role(role).endswith(wanted) and (not country or country_in(role) in {None, country}):
                    holders.append(e.entity_id)
                    break
        holders = sorted(set(holders))
        if len(holders) == 1:
            m.entity_id = holders[0]
            if m.text not in entities[holders[0]].aliases:
                entities[holders[0]].aliases.append(m.text)
        else:
            m.entity_id = ""


def country_in(role: str) -> str | None:
    """The country a role names ("Azerbaijani President" -> "Azerbaijan", "U.S. Secretary of State"), else None."""
    for word in re.findall(r"[\w.]+", role):
        bare = _POSSESSIVE.sub("", word)
        if bare in COUNTRIES:
            return bare
        if bare in DEMONYM_OF:
            return DEMONYM_OF[bare]
        if bare in ALIASES and ALIASES[bare] in COUNTRIES:
            return ALIASES[bare]
    return None


def link_to_known(entities: list[Entity], known: dict[str, Entity]) -> dict[str, str]:
    """Map this article's entity ids to entities already known (other articles): {old id: known id}.

    A one-word person name maps to the one known person with that surname; a person whose first name
    matches a known person's and whose surname is spelled nearly the same (ratio >= 0.8) is that person.
    """
    mapping: dict[str, str] = {}
    people = [known[k] for k in sorted(known) if known[k].kind == "person"]
    for e in entities:
        if e.entity_id in known or e.kind != "person":
            continue
        parts = e.name.split()
        if len(parts) == 1:
            same = [p.entity_id for p in people if p.name.split()[-1] == parts[0] and " " in p.name]
            if len(same) == 1:
                mapping[e.entity_id] = same[0]
            continue
        for p in people:
            other = p.name.split()
            if len(other) > 1 and other[0] == parts[0] and other[-1][:1] == parts[-1][:1]:
                if difflib.SequenceMatcher(None, other[-1], parts[-1]).ratio() >= 0.8:
                    mapping[e.entity_id] = p.entity_id
                    break
    return mapping


def apply_mapping(mentions: list[Mention], entities: list[Entity], mapping: dict[str, str]) -> list[Entity]:
    """Rename entity ids after ``link_to_known``; merged entities keep their aliases and roles."""
    if not mapping:
        return entities
    for m in mentions:
        m.entity_id = mapping.get(m.entity_id, m.entity_id)
    merged: dict[str, Entity] = {}
    for e in entities:
        new_id = mapping.get(e.entity_id, e.entity_id)
        target = merged.setdefault(new_id, Entity(new_id, e.kind, e.name if new_id == e.entity_id else ""))
        for alias in [e.name, *e.aliases] if new_id != e.entity_id else e.aliases:
            if alias not in target.aliases:
                target.aliases.append(alias)
        target.roles.extend(r for r in e.roles if r not in target.roles)
    return [merged[k] for k in sorted(merged)]


__all__ = ["canonicalise", "canonical_name", "link_to_known", "apply_mapping", "government_id"]
