"""Extract: the incidents one report states, every value tied to its words.

A pure function of a cleaned report. Each field is found by vocabulary (data files in
``corroborate/data/``) or by a small rule, and becomes a :class:`Fact` whose evidence is
the exact span of the cleaned text that states it. Nothing is inferred that the text does
not say: a value without words behind it is never produced.

First version: a report yields one incident, the main event it reports, holding every
violation, perpetrator, targeted group, place, date, punishment and source it states.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import replace

from . import vocab
from .attribution import find_sources
from .counts import find_victim_counts
from .model import Fact, Incident, Report, fact_at, make_id
from .perpetrators import find_accusations, private_individuals
from .places import HEADLINE_VOCABULARIES, find_places, headline_countries, main_country
from .roles import agent_scores, by_value, deciding_mentions, find_roles
from .victims import find_named_victims
from .vocab_index import Required
from .when import find_dates_facts

__all__ = ["extract", "find_punishments"]

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
                 "fifteen": 15, "twenty": 20}
_N = r"(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")"
_TERM = re.compile(
    rf"\b(?:{_N}(?:\s*(?:to|-|–|or)\s*{_N})?)[\s-]+years?(?:['’]s?)?(?:\s+(?:in|of)"
    rf"\s+(?:prison|jail|hard\s+labou?r|a\s+\w+\s+camp|reform\s+through\s+labou?r|"
    rf"(?:re-?)?education))?", re.I)
_TERM_NAMED = Required(_TERM)  # a report without "year" states no prison term
_TERM_CONTEXT = re.compile(r"sentenc|prison|jail|imprison|term|labou?r|camp|kyohwaso", re.I)


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word.lower()]


def _first_mentions(facts: Iterable[Fact]) -> list[Fact]:
    """One fact per (field, value): the first mention, with the number of mentions."""
    seen: dict[tuple[str, str], Fact] = {}
    counts: dict[tuple[str, str], int] = {}
    for fact in facts:
        key = (fact.field, fact.value)
        counts[key] = counts.get(key, 0) + 1
        # the mention that is the incident's date is the one to keep; otherwise the first
        if key not in seen or (fact.attrs.get("role") == "when"
                               and seen[key].attrs.get("role") != "when"):
            seen[key] = fact
    return [Fact(f.field, f.value, f.label, f.evidence, {**f.attrs, "mentions": counts[k]})
            for k, f in seen.items()]


# what makes a report an incident report, and the rest: all looked for in one pass over
# the report's words (the pass, not the number of vocabularies, is what costs)
_GATE = ("violations", "organisations")
_DETAIL = ("groups", "punishments", "places", "regions", "countries", "demonyms", "outlets")


def _term_attrs(term: vocab.Term) -> dict[str, object]:
    """What a fact carries over from its vocabulary term."""
    return {k: v for k, v in term.attrs.items() if k in ("country", "kind", "actor_type")}


def _vocabulary_facts(field: str, report: Report, hits: list[vocab.Hit]) -> list[Fact]:
    out = []
    for hit in hits:
        attrs = _term_attrs(hit.term)
        if hit.via == "context":
            attrs["context"] = True
        out.append(fact_at(field, hit.term.id, hit.term.label, report, hit.start, hit.end,
                         **attrs))
    return out


def _in_context(facts: list[Fact], country: Fact | None) -> list[Fact]:
    """Facts found through a contextual alias ("police") keep their country's organisation
    only in a report about that country; elsewhere they become the generic organisation the
    vocabulary names (``elsewhere``), or are dropped."""
    organisations = vocab.load("organisations")
    out = []
    for fact in facts:
        if not fact.attrs.get("context") or (country and fact.attrs.get("country")
                                              == country.value):
            out.append(fact)
            continue
        elsewhere = organisations.terms[fact.value].attrs.get("elsewhere")
        if elsewhere:
            term = organisations.terms[elsewhere]
            out.append(Fact(fact.field, term.id, term.label, fact.evidence, _term_attrs(term)))
    return out


def find_punishments(report: Report, hits: list[vocab.Hit] | None = None) -> list[Fact]:
    if hits is None:
        hits = vocab.load("punishments").find(report.text)
    # prison terms are parsed below, with their years; the vocabulary entry only names them
    facts = [f for f in _vocabulary_facts("punishment", report, hits)
             if f.value != "prison_term"]
    for m in _TERM_NAMED.finditer(report.text):
        window = report.text[max(0, m.start() - 80):m.end() + 20]
        if not _TERM_CONTEXT.search(window):
            continue
        low = _number(m.group(1))
        high = _number(m.group(2)) if m.group(2) else low
        if low > high or high > 30:
            continue
        label = (f"prison term of {low} to {high} years" if high != low
                 else f"prison term of {low} year{'s' if low > 1 else ''}")
        facts.append(fact_at("punishment", "prison_term", label, report, m.start(), m.end(),
                           min_years=low, max_years=high))
    return facts


def extract(report: Report) -> list[Incident]:
    """The incidents a report states (first version: the main one, or none)."""
    found = vocab.find_all(report.text, (*_GATE, *_DETAIL))
    violations = _vocabulary_facts("violation", report, found["violations"])
    perpetrators = _vocabulary_facts("perpetrator", report, found["organisations"])
    if not violations and not perpetrators:
        return []
    # the title looked up once, for the countries it names and the facts it repeats
    title_found = vocab.find_all(report.title, (*HEADLINE_VOCABULARIES, *_HEADLINE_FIELDS)) \
        if report.title else {}
    headline = headline_countries(report.title, title_found)
    places = [replace(f, attrs={**f.attrs, "headline": True})
              if f.attrs.get("country") in headline else f for f in find_places(report, found)]
    perpetrators = _in_context(perpetrators, main_country(places))
    accusations = find_accusations(report.text, perpetrators)
    perpetrators += private_individuals(report, accusations)
    # who did what to whom: each organisation's role, and agent credit for perpetrators only
    roles = find_roles(report.text, perpetrators, found["violations"], accusations)
    agency, role_of = agent_scores(roles), by_value(roles)
    deciding = deciding_mentions(roles)
    facts: list[Fact] = [
        # where in the report a violation is first stated: the lead states the main event
        *[replace(f, attrs={**f.attrs, "position": round(f.evidence.start / len(report.text), 2)})
          for f in _first_mentions(violations)],
        # each body's evidence: the mention that gives it its role
        *[replace(f, evidence=deciding[f.value].evidence if f.value in deciding else f.evidence,
                  attrs={**f.attrs, "agent": agency.get(f.value, 0),
                         "role": role_of.get(f.value, "mentioned")})
          for f in _first_mentions(perpetrators)],
        *_first_mentions(_vocabulary_facts("victim", report, found["groups"])),
        *find_named_victims(report, violations),  # one fact per person already
        *find_victim_counts(report, violations),  # one fact per count already
        *_first_mentions(places),
        *_first_mentions(find_dates_facts(report, found["violations"])),
        *_first_mentions_by_label(find_punishments(report, found["punishments"])),
        *find_sources(report, found["outlets"]),
    ]
    facts = _in_headline(facts, report.title, title_found)
    key = json.dumps([(f.field, f.value, f.evidence.start, f.evidence.end) for f in facts])
    return [Incident(make_id("i", report.id, key), report.id, tuple(facts))]


_HEADLINE_FIELDS = {"violations": "violation", "organisations": "perpetrator",
                    "groups": "victim"}


def _in_headline(facts: list[Fact], title: str | None,
                 found: dict[str, list[vocab.Hit]]) -> list[Fact]:
    """Mark the violations, organisations, groups and named victims the headline names
    too (``headline: True``): what a headline names is what the report is about."""
    if not title:
        return facts
    named = {(field, hit.term.id) for name, field in _HEADLINE_FIELDS.items()
             for hit in found[name]}
    low = title.lower()
    return [replace(f, attrs={**f.attrs, "headline": True})
            if (f.field, f.value) in named or (f.field == "victim"
                                               and f.attrs.get("kind") == "person"
                                               and f.label.lower() in low) else f
            for f in facts]


def _first_mentions_by_label(facts: list[Fact]) -> list[Fact]:
    """Punishments differ by label too (two prison terms are two facts)."""
    seen: dict[tuple[str, str], Fact] = {}
    for fact in facts:
        seen.setdefault((fact.value, fact.label), fact)
    return list(seen.values())
