"""Text views of the grouping for the command line: story lists, timelines, and why an article is where it is."""

from __future__ import annotations

SIGNAL_MEANING = {
    "cos_centroid": "embedding cosine to the group's centroid (title + lead)",
    "cos_nearest": "embedding cosine to the nearest recent member",
    "cos_mean": "embedding cosine to the average member",
    "knn_votes": "of the 10 nearest earlier articles, the share in the group "
                 "(an event: of 10 even if fewer exist; a story: of those found)",
    "knn_first": "1 if the single nearest earlier article is in the group",
    "tfidf_cos": "TF-IDF cosine of content words",
    "title_cos": "TF-IDF cosine of the title's content words to the members' titles",
    "titled": "1 if both the article and the group have titles",
    "names_mean": "proper names shared with the average member (IDF-weighted share)",
    "numbers_mean": "numbers shared with the average member",
    "weekday_agree": "share of the group's weekday mentions the article agrees with",
    "weekday_conflict": "both mention weekdays and they disagree",
    "when_agree": "share of the group's happening weekdays (stated in title or lead) the article's matches",
    "when_conflict": "the article's happening weekday differs from the group's",
    "when_days_apart": "log(1 + days between the happening days the texts state)",
    "when_contradicted": "1 if the group's reports agree on a happening day and the article states another "
                         "(a dated article: two days or more away, and lacking most of the group's core names)",
    "names_shared": "log(1 + IDF weight of shared proper names)",
    "names_cover": "share of the article's proper names (IDF-weighted) the group has",
    "names_missed": "share of the group's core names (in half its members or more; IDF-weighted) the article lacks",
    "era_gap": "years from the group's report years to the article's (published, or the latest year the text states)",
    "era_known": "1 if the report year of both the article and the group is known",
    "names_novel": "share of the names in the article's title and first sentence (IDF-weighted) no member names",
    "numbers_missed": "share of the group's core numbers (in half its members or more) the article, stating numbers, lacks",
    "numbers_shared": "log(1 + numbers in common)",
    "days_apart": "log(1 + days between the article and the group's date range)",
    "undated": "1 if the article or the group has no date",
    "log_size": "log(articles in the group)",
    "short": "1 if the article is a headline only",
    "short_x_cos": "headline only x centroid cosine",
    "short_x_tfidf": "headline only x TF-IDF cosine",
    "short_x_names": "headline only x names cover",
}


def format_stories(stories: list[dict]) -> str:
    lines = []
    for story in stories:
        events = story["events"]
        sources = sorted({s for e in events for s in e["sources"]})
        unsourced = sum(1 for e in events for m in e["members"] if not m.get("source"))
        lines.append(f"{story['story']}  {_span(story['first_published'], story['last_published'])}  "
                     f"{story['articles']} articles, {len(events)} events, {_outlets(len(sources), unsourced)}")
        for event in events:
            title = _title(event["members"][0]) if event["members"] else ""
            lines.append(f"    {event['event']}  {_span(event['first_published'], event['last_published'])}  "
                         f"{_count(len(event['members']), 'article')}  {title}")
        if sources:
            lines.append("    outlets: " + ", ".join(sources))
    return "\n".join(lines) if lines else "no stories (run `storyline run` on some articles first)"


def format_timeline(story_id: str, events: list[dict]) -> str:
    first = min((e["first_published"] for e in events if e["first_published"]), default=None)
    last = max((e["last_published"] for e in events if e["last_published"]), default=None)
    lines = [f"story {story_id}  {_span(first, last)}  {len(events)} events"]
    for event in events:
        lines.append("")
        lines.append(f"{event['first_published'] or 'undated':10}  event {event['event']}  "
                     f"({_count(len(event['members']), 'article')}; {', '.join(event['sources']) or 'outlet unknown'})")
        for member in event["members"]:
            meta = ", ".join(x for x in (member["source"], member["published"]) if x)
            lines.append(f"            - {_title(member)}" + (f"  [{meta}]" if meta else "") + f"  {member['id']}")
    return "\n".join(lines)


def format_why(info: dict) -> str:
    exp = info["explanation"]
    lines = [f"article {info['article_id']}", f"  event {info['event']}   story {info['story']}"]
    replaced = exp.get("text_replaced")
    if replaced:
        lines.append(f"  its text was replaced: it left event {replaced['left_event']} (story "
                     f"{replaced['left_story']}) and was placed again")
    if exp.get("decision") == "duplicate":
        lines.append(f"  copy of {exp['of']}: it takes its original's event and story")
        return "\n".join(lines)
    if exp.get("decision") == "joined event":
        lines.append(f"  joined event {exp['event']['id']} with probability {exp['event']['probability']:.3f}")
        lines += _signals(exp["event"])
    else:
        lines.append("  opened a new event: no candidate event reached the threshold")
    rejected = exp.get("nearest_rejected")
    if rejected:
        lines.append(_rejected("event", rejected) or
                     f"  nearest rejected event {rejected['id']}: probability {rejected['probability']:.3f}"
                     + (" (below the threshold)" if exp.get("decision") == "new event" else " (a better event won)"))
        lines += _signals(rejected, why_apart=True)
    else:
        lines.append("  no other candidate event in the index window")
    story = exp.get("story", {})
    if story.get("decision") == "joined story":
        lines.append(f"  its new event joined story {story['id']} with probability {story['probability']:.3f}")
        lines += _signals(story)
    elif story.get("decision") == "new story":
        lines.append(f"  its new event opened story {story['id']}")
    else:
        lines.append(f"  story {story.get('id')}: the story of its event")
    if story.get("nearest_rejected"):
        rej = story["nearest_rejected"]
        lines.append(_rejected("story", rej) or f"  nearest rejected story {rej['id']}: probability {rej['probability']:.3f}")
        lines += _signals(rej, why_apart=True)
    for move in exp.get("moves", ()):
        lines.append(f"  moved from event {move['from']} to event {move['to']} when {move['when']} joined that: "
                     f"{move['reason']} (the least sure with probability {move['probability']:.3f})")
        if "contributions" in move:
            lines += _signals(move)
    return "\n".join(lines)


def _rejected(level: str, rejected: dict) -> str | None:
    """The line of a nearest rejected event or story that a rule ruled out (``events.RULES``), or None."""
    if not rejected.get("ruled_out"):
        return None
    return (f"  nearest rejected {level} {rejected['id']}: ruled out, {rejected['ruled_out']} "
            f"(the model alone gave {rejected['model_probability']:.3f})")


def _signals(scored: dict, *, why_apart: bool = False) -> list[str]:
    contributions = scored["contributions"]
    order = sorted(contributions, key=lambda k: (contributions[k], k)) if why_apart else \
        sorted(contributions, key=lambda k: (-contributions[k], k))
    out = [f"      {'signal':16} {'value':>8} {'effect':>7}  meaning"]
    for name in order:
        out.append(f"      {name:16} {scored['signals'][name]:8.3f} {contributions[name]:+7.2f}  "
                   f"{SIGNAL_MEANING.get(name, '')}")
    return out


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _outlets(known: int, unsourced: int) -> str:
    """"2 outlets", or what is known when articles came without their outlet (text dumps name none)."""
    if not unsourced:
        return _count(known, "outlet")
    if not known:
        return "outlets not given"
    return f"{_count(known, 'outlet')} (+{_count(unsourced, 'article')} without one)"


def _title(member: dict) -> str:
    title = member.get("title") or (member.get("text") or "").strip().split("\n")[0]
    return title[:100] + ("…" if len(title) > 100 else "")


def _span(first: str | None, last: str | None) -> str:
    if not first:
        return "undated"
    return first if first == last or not last else f"{first} .. {last}"
