"""Incidents at story level: one record per incident a story states, with its support.

The extractor works on one report and resolves dates against that report's publication
date. A version without a date of its own (text copied off a web page, say) is resolved
here against its story's date: the earliest publication date any version carries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from .dates import DateMention, resolve
from .model import Fact, Incident, Report, Story
from .places import main_country

__all__ = ["StoryIncident", "anchored", "assemble", "main_values", "story_date"]


@dataclass(frozen=True)
class StoryIncident:
    """An incident as a story states it.

    ``incident`` comes from the story's canonical version; ``support`` maps each fact's
    position to the ids of the versions whose text holds the same quoted words.
    ``event_id`` and ``origins`` are the event's the incident belongs to and its number
    of independent origins (docs/events.md), once events have been made.
    """

    story_id: str
    published: str | None
    incident: Incident
    support: tuple[tuple[str, ...], ...]
    origins: int = 1
    event_id: str | None = None


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


def anchored(incident: Incident, anchor: str | None) -> Incident:
    """The incident with the dates its own report could not resolve (no publication date)
    resolved against ``anchor``, its story's date."""
    return replace(incident, facts=tuple(_reanchor(f, anchor) for f in incident.facts))


def assemble(story: Story, reports: Mapping[str, Report],
             incidents: Iterable[Incident]) -> list[StoryIncident]:
    """The story's incidents: the canonical version's, dates anchored, support counted."""
    anchor = story_date(story, reports)
    out = []
    for incident in incidents:
        if incident.report_id != story.canonical_report_id:
            continue
        facts = anchored(incident, anchor).facts
        support = tuple(
            tuple(m.report_id for m in story.members
                  if m.report_id in reports and _holds(reports[m.report_id].text, f))
            for f in facts)
        out.append(StoryIncident(story.id, anchor, replace(incident, facts=facts), support))
    return out


def _holds(text: str, fact: Fact) -> bool:
    """Whether a version's text holds the fact's quoted words: looked for first where the
    fact's own report has them (always there in that report, often in the others), so
    that a long report is not scanned once per fact."""
    quote = fact.evidence.quote
    return text.startswith(quote, fact.evidence.start) or quote in text


_MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"]
def main_values(incident: Incident) -> dict[str, Any]:
    """The values an annotator would give the incident, each a sourced fact.

    Violations and perpetrators as stated (but not the arrests of a non-state perpetrator);
    the main perpetrator is the one most often named as doing a violation ("shot by
    police", "charged with kidnapping"), then the one named most, then first; the
    country is the one most places named belong to; region and city are the first named in
    that country; the date is the incident's ``when`` (docs/main-incident.md).
    """
    facts = incident.facts
    perpetrators = [f for f in facts if f.field == "perpetrator"]
    places = [f for f in facts if f.field == "place"]
    country = main_country(places)
    in_country = [f for f in places if country and f.attrs.get("country") == country.value]
    region = next((f for f in in_country if f.attrs.get("kind") == "region"), None)
    city = next((f for f in in_country if f.attrs.get("kind") in ("city", "town", "county")),
                None)
    if region is None and city is not None and city.attrs.get("region"):
        from . import vocab

        term = vocab.load("regions").terms.get(city.attrs["region"])
        if term is not None:
            region = replace(city, value=term.id, label=term.label)
    when = next((f for f in facts if f.field == "date" and f.attrs.get("role") == "when"), None)
    perpetrator = max(perpetrators, key=lambda f: (int(f.attrs.get("agent", 0)),
                                                   int(f.attrs.get("mentions", 1)),
                                                   -f.evidence.start), default=None)
    return {
        "violations": _violations(facts, perpetrator),
        "perpetrators": perpetrators,
        "perpetrator": perpetrator,
        "victims": [f for f in facts if f.field == "victim"],
        "country": country, "region": region, "city": city,
        "when": _date_parts(when) if when else None,
    }


# Arbitrary detention is done by a state. When the main perpetrator is not one (a gang, an
# armed group, a private person), the arrests a report states are those of the
# perpetrators: law enforcement, not the incident's violation. The facts stay; the incident
# just does not list them.
_NOT_STATE = frozenset({"other non-state actors", "other actors without permissions"})


# Torture and abduction are named in background passages more than other acts (a country's
# record, an NGO's closing paragraph). Stated once, and only in the back half of a report,
# they are background, not the incident. (HRDsAttack: violation F1 dev +0.4, train +0.4;
# the same rule for killing and detention lowered dev.)
_BACKGROUND_PRONE = frozenset({"torture", "kidnapping"})
_BACK_HALF = 0.5


def _violations(facts: tuple[Fact, ...], perpetrator: Fact | None) -> list[Fact]:
    violations = [f for f in facts if f.field == "violation" and not (
        f.value in _BACKGROUND_PRONE and int(f.attrs.get("mentions", 1)) == 1
        and float(f.attrs.get("position", 0.0)) > _BACK_HALF)]
    if perpetrator is not None and perpetrator.attrs.get("actor_type") in _NOT_STATE:
        violations = [f for f in violations if f.value != "arbitrary_detention"]
    return violations


def _date_parts(fact: Fact) -> dict[str, str | None]:
    parts = fact.value.split("-")
    year = parts[0] if parts[0].isdigit() and len(parts[0]) == 4 else None
    month = _MONTH_NAMES[int(parts[1]) - 1] if len(parts) > 1 and parts[1].isdigit() else None
    day = str(int(parts[2])) if len(parts) > 2 and parts[2].isdigit() else None
    return {"year": year, "month": month, "day": day}
