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

from . import ranking
from .dates import MONTH_NAMES, DateMention, resolve
from .model import Fact, Incident, Report, Story
from .places import main_country

__all__ = ["StoryIncident", "anchored", "assemble", "main_marks", "main_values", "rule_values",
           "story_date"]


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


_NOT_AGENTS = frozenset({"patient", "employer", "investigating"})


def rule_values(incident: Incident) -> dict[str, Any]:
    """What the hand rules choose for each field (docs/main-incident.md); the ranker
    (:mod:`ranking`) reads these choices as one feature among others.

    Violations as stated (but not the arrests of a non-state perpetrator); the main
    perpetrator is the one most often named as doing a violation ("shot by police",
    "charged with kidnapping"), then the one named most, then first; the country is the one
    most places named belong to; region and city are the first named in that country; the
    date is the incident's ``when``.
    """
    facts = incident.facts
    perpetrators = [f for f in facts if f.field == "perpetrator"]
    country = main_country([f for f in facts if f.field == "place"])
    when = next((f for f in facts if f.field == "date" and f.attrs.get("role") == "when"), None)
    # never a body the report says suffered the act, employed a victim or investigated it
    perpetrator = max((f for f in perpetrators if f.attrs.get("role") not in _NOT_AGENTS),
                      key=lambda f: (int(f.attrs.get("agent", 0)),
                                     int(f.attrs.get("mentions", 1)), -f.evidence.start),
                      default=None)
    return {"violations": _violations(facts, perpetrator), "perpetrator": perpetrator,
            "country": country, "when": when,
            **_subplaces(facts, country.value if country else None)}


def _subplaces(facts: Iterable[Fact], country: str | None) -> dict[str, Any]:
    """Regions and cities named in ``country`` (a city names its region too), and the
    first of each: the rules' choice."""
    in_country = [f for f in facts if f.field == "place" and country
                  and f.attrs.get("country") == country]
    regions = [f for f in in_country if f.attrs.get("kind") == "region"]
    cities = [f for f in in_country if f.attrs.get("kind") in ("city", "town", "county")]
    from . import vocab

    for city in cities:
        term = vocab.load("regions").terms.get(str(city.attrs.get("region")))
        if term is not None and all(r.value != term.id for r in regions):
            regions.append(replace(city, value=term.id, label=term.label,
                                   attrs={**city.attrs, "kind": "city"}))
    first_city = cities[0] if cities else None
    region = next((f for f in in_country if f.attrs.get("kind") == "region"), None) or next(
        (r for r in regions if first_city and r.evidence == first_city.evidence), None)
    return {"region": region, "city": first_city, "region_candidates": regions,
            "city_candidates": cities}


def main_values(incident: Incident, published: str | None = None,
                model: ranking.Model | None = None) -> dict[str, Any]:
    """The values an annotator would give the incident, each a sourced fact, with the
    ranker's confidence per field (``confidence``: field -> 0..1; for violations and
    victims, per value in ``confidences``).

    ``perpetrators`` lists the bodies the report says did an act (role ``perpetrator``, or
    named as doing a violation); every other body named keeps its role on its fact.
    ``victims`` holds groups and named people, ``named_victims`` the people only (ranked,
    in the order of ``confidences["victim"]``).
    """
    ranked = ranking.rank(ranking.candidates(incident, rule_values(incident), published),
                          model)
    main = {k: (v[0] if v else None) for k, v in ranked.items() if k in ranking.SINGLE}
    perpetrators = [f for f in incident.facts if f.field == "perpetrator"
                    and (f.attrs.get("role") == "perpetrator"
                         or (f.attrs.get("role") is None and int(f.attrs.get("agent", 0))))]
    when = main["when"].fact if main["when"] else None
    return {
        "violations": [r.fact for r in ranked["violation"]],
        "perpetrators": perpetrators,
        "perpetrator": main["perpetrator"].fact if main["perpetrator"] else None,
        "victims": [f for f in incident.facts if f.field == "victim"
                    and f.attrs.get("kind") != "person"] + [r.fact for r in ranked["victim"]],
        "named_victims": [r.fact for r in ranked["victim"]],
        "country": main["country"].fact if main["country"] else None,
        "region": main["region"].fact if main["region"] else None,
        "city": main["city"].fact if main["city"] else None,
        "when": _date_parts(when) if when else None, "when_fact": when,
        "confidence": {k: round(r.confidence, 3) for k, r in main.items() if r},
        "confidences": {k: [round(r.confidence, 3) for r in ranked[k]]
                        for k in ("violation", "victim")},
    }


_SINGLE_KEYS = ("perpetrator", "country", "region", "city")


def main_marks(incident: Incident, values: dict[str, Any]) -> list[dict[str, float]]:
    """Per fact of ``incident`` (same order), the fields it is the main value of, with the
    confidence: ``{"country": 0.81, "region": 0.62}``. The main country is marked on its
    first place fact; the date on the incident's ``when``."""
    marks: list[dict[str, float]] = [{} for _ in incident.facts]
    index = {(f.field, f.evidence.start, f.evidence.end): i
             for i, f in reversed(list(enumerate(incident.facts)))}

    def mark(key: str, fact: Fact | None, confidence: float) -> None:
        field = "place" if key in ("country", "region", "city") else fact.field if fact else ""
        if fact is not None:
            position = index.get((field, fact.evidence.start, fact.evidence.end))
            if position is not None:
                marks[position][key] = confidence

    confidence = values["confidence"]
    for key in _SINGLE_KEYS:
        if values[key] is not None:
            mark(key, values[key], confidence[key])
    if values["when_fact"] is not None:
        mark("when", values["when_fact"], confidence["when"])
    for key, facts in (("violation", values["violations"]), ("victim", values["named_victims"])):
        for fact, c in zip(facts, values["confidences"][key], strict=True):
            mark(key, fact, c)
    return marks


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
    month = MONTH_NAMES[int(parts[1]) - 1] if len(parts) > 1 and parts[1].isdigit() else None
    day = str(int(parts[2])) if len(parts) > 2 and parts[2].isdigit() else None
    return {"year": year, "month": month, "day": day}
