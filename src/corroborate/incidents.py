"""Incidents at story level: one record per incident a story states, with its support.

The extractor works on one report and resolves dates against that report's publication
date. A version without a date of its own (text copied off a web page, say) is resolved
here against its story's date: the earliest publication date any version carries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from .dates import DateMention, resolve
from .model import Fact, Incident, Report, Story

__all__ = ["StoryIncident", "assemble", "story_date"]


@dataclass(frozen=True)
class StoryIncident:
    """An incident as a story states it.

    ``incident`` comes from the story's canonical version; ``support`` maps each fact's
    position to the ids of the versions whose text holds the same quoted words.
    ``origins`` counts independent origins (one per story until cross-story
    corroboration arrives).
    """

    story_id: str
    published: str | None
    incident: Incident
    support: tuple[tuple[str, ...], ...]
    origins: int = 1


def story_date(story: Story, reports: Mapping[str, Report]) -> str | None:
    dates = [reports[m.report_id].published for m in story.members
             if m.report_id in reports and reports[m.report_id].published]
    return min(d for d in dates if d) if dates else None


def _reanchor(fact: Fact, anchor: str | None) -> Fact:
    if fact.field != "date" or fact.attrs.get("anchored") or not anchor:
        return fact
    parts = {k: fact.attrs.get(k) for k in ("year", "month", "day", "decade", "relative")}
    mention = DateMention(fact.evidence.start, fact.evidence.end, fact.evidence.quote,
                          vague=bool(fact.attrs.get("vague")), **parts)
    value, precision = resolve(mention, date.fromisoformat(anchor))
    if value == fact.value:
        return fact
    attrs = {**fact.attrs, "precision": precision, "anchored": True, "anchor": anchor,
             "anchor_from": "story"}
    return replace(fact, value=value, attrs=attrs)


def assemble(story: Story, reports: Mapping[str, Report],
             incidents: Iterable[Incident]) -> list[StoryIncident]:
    """The story's incidents: the canonical version's, dates anchored, support counted."""
    anchor = story_date(story, reports)
    out = []
    for incident in incidents:
        if incident.report_id != story.canonical_report_id:
            continue
        facts = tuple(_reanchor(f, anchor) for f in incident.facts)
        support = tuple(
            tuple(m.report_id for m in story.members
                  if m.report_id in reports and f.evidence.quote in reports[m.report_id].text)
            for f in facts)
        out.append(StoryIncident(story.id, anchor, replace(incident, facts=facts), support))
    return out
