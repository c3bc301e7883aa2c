"""Positions: what different sides claim about one matter, shown side by side.

A side is a party folded to whom it speaks for: governments, capitals and countries are one side
already (``units.party_key``); a person whose role names a country or a bloc ("Azerbaijani
President", "U.S. Secretary of State", "State Department spokesman", "EU foreign policy chief")
speaks for it. A block of positions is one matter: its statements are grouped by their strongest
links first, and two groups join only when *every* statement of one is aligned with every statement
of the other (no chaining from one matter to the next) and they share no side, so each side appears
once per block, by its statement closest to the others'.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from storyline.annotate.canonical import country_in
from storyline.annotate.lexicon import ALIASES, COUNTRIES
from storyline.annotate.text import slug
from storyline.annotate.types import Annotations

_PHRASES = sorted((k for k in ALIASES if " " in k or k.isupper()), key=lambda k: (-len(k), k))


def side_of_role(role: str) -> str | None:
    """The country or bloc a role speaks for, as a name ("United States", "European Union"), else None."""
    country = country_in(role)
    if country:
        return country
    for phrase in _PHRASES:
        if re.search(rf"(?<![\w.]){re.escape(phrase)}(?![\w])", role):
            name = ALIASES[phrase]
            return country_in(name) or (None if name == phrase else name)
    return None


def party_sides(annotations: Iterable[Annotations | None]) -> dict[str, tuple[str, str]]:
    """party key -> (side key, side name) for the people whose roles name whom they speak for."""
    from storyline.compare.units import party_key

    roles: dict[str, set[str]] = {}
    for ann in annotations:
        if ann is None:
            continue
        for e in ann.entities:
            if e.kind == "person" and e.roles:
                roles.setdefault(party_key(e.entity_id, None), set()).update(e.roles)
    out = {}
    for key in sorted(roles):
        names = sorted({s for s in (side_of_role(r) for r in roles[key]) if s})
        if len(names) == 1:  # two countries in one person's roles: leave the person as the party
            out[key] = (slug(names[0]), names[0])
    return out


def party_names(annotations: Iterable[Annotations | None]) -> dict[str, str]:
    """party key -> the name to show: the country for a government or a place, else the entity's name."""
    from storyline.compare.units import party_key

    found: dict[str, set[tuple[str, str]]] = {}
    for ann in annotations:
        if ann is None:
            continue
        for e in ann.entities:
            found.setdefault(party_key(e.entity_id, None), set()).add((e.entity_id, e.name))
    countries = {slug(c): c for c in COUNTRIES}
    return {key: countries.get(key) or min(named)[1] for key, named in sorted(found.items())}


def name_variants(keys: Iterable[str]) -> dict[str, str]:
    """Party keys that are another key with words in front ("comedian-ellen-degeneres" ->
    "ellen-degeneres": a name written with its role) -> that key (the longest such, of 2+ words)."""
    keys = sorted(set(keys))
    out = {}
    for key in keys:
        shorter = [k for k in keys if "-" in k and key.endswith("-" + k)]
        if shorter:
            out[key] = max(shorter, key=lambda k: (len(k), k))
    return out


def group_positions(facts: list, links: Mapping[tuple[str, str], float], sides: Mapping[str, tuple[str, str]],
                    threshold: float, names: Mapping[str, str] | None = None) -> list[list[tuple]]:
    """Blocks of (fact, side key, side name), one matter each (see the module docstring).

    ``facts`` are party facts; ``links`` the best sentence similarity between two facts (keys sorted
    fact ids; absent = unaligned); ``names`` the parties' names to show (``party_names``)."""
    names = names or {}
    canon = name_variants({f.party for f in facts})
    side = {}
    for f in facts:
        key = canon.get(f.party, f.party)
        side[f.fact_id] = sides.get(key) or (key, names.get(key, f.party_name or key))
    by_id = {f.fact_id: f for f in facts}
    edges = sorted((-c, a, b) for (a, b), c in links.items()
                   if c >= threshold and side[a][0] != side[b][0])
    cluster = {fid: [fid] for fid in sorted(by_id)}
    of = {fid: fid for fid in cluster}

    def linked(x: str, y: str) -> bool:
        return links.get((min(x, y), max(x, y)), 0.0) >= threshold

    for _, a, b in edges:
        ca, cb = of[a], of[b]
        if ca == cb:
            continue
        ma, mb = cluster[ca], cluster[cb]
        if {side[x][0] for x in ma} & {side[y][0] for y in mb}:
            continue  # each side once per block
        if not all(linked(x, y) for x in ma for y in mb):
            continue  # one matter: everything aligned with everything
        keep, gone = min(ca, cb), max(ca, cb)
        cluster[keep] = sorted(cluster[keep] + cluster.pop(gone))
        for x in cluster[keep]:
            of[x] = keep
    blocks = []
    for members in cluster.values():
        if len(members) < 2:
            continue
        ordered = sorted(members, key=lambda x: (side[x][1].lower(), x))
        blocks.append([(by_id[x], *side[x]) for x in ordered])
    return blocks
