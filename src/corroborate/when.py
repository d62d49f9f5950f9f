"""When: every date a report states, and which one is the incident's.

Dates are parsed and resolved by :mod:`dates`; this stage turns them into facts and marks
the incident's own date ``role: when``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from . import vocab
from .dates import find_dates, resolve
from .model import Fact, Report, fact_at

__all__ = ["find_dates_facts"]


# Violations whose date is the incident's: acts done to a person. Threats, trials and
# surveillance are often the news hook or the background of an older act.
_DATED_ACTS = frozenset({"killing", "kidnapping", "torture", "arbitrary_detention",
                         "physical_assault", "enforced_disappearance", "sexual_violence"})
# "NK News reported on Sunday that ...": the day an outlet told it, not the incident's
_OUTLET_TOLD = re.compile(r"\b(?:reported|said|wrote|announced|added)\s+(?:on\s+|last\s+)?\Z")


def _told_on(text: str, fact: Fact) -> bool:
    start = fact.evidence.start
    window = text[max(0, start - 60):start]
    found = _OUTLET_TOLD.search(window)
    return found is not None and bool(vocab.load("outlets").find(window[:found.start()]))


_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)]*\s|\n")


def _dated(fact: Fact) -> bool:
    return (fact.attrs["precision"] != "unknown" or bool(fact.attrs["month"])) and not (
        fact.attrs.get("names_instrument"))


# "the Prevention of Electronic Crimes Act of 2016", "the Constitution of 1994": the year
# names a law, not when anything happened to anyone
_INSTRUMENT = re.compile(r"\b(?:Act|Law|Constitution|Treaty|Convention|Decree|Code|Accord|"
                         r"Agreement|Declaration|Charter|Ordinance|Proclamation|Bill|"
                         r"Amendment|Regulations?|Resolution)(?:\s+of)?\s*$")


def _when(facts: list[Fact], text: str = "",
          acts: Iterable[vocab.Hit] = ()) -> int | None:
    """Which date is the incident's: the one nearest the first violent act (killing,
    detention, abduction...) stated in the same sentence as a date; otherwise the first
    date stated with some precision.

    (Tried on HRDsAttack train+dev: the first date in a sentence that states any violation
    (+7 dev, +0 train; on the seed report it chose the background "late 2000"); day or
    month precision first; year votes across mentions; skipping sentences with background
    words ("since", "previously"): no gain.)
    """
    dated = [i for i, f in enumerate(facts) if _dated(f) and not _told_on(text, f)]
    if not dated:
        return None
    breaks = [m.end() for m in _SENTENCE_BREAK.finditer(text)]
    # the dates of one sentence are found by bisection, not by a scan of every date per act
    in_order = sorted(dated, key=lambda i: facts[i].evidence.start)
    starts = [facts[i].evidence.start for i in in_order]
    for act in sorted(acts, key=lambda hit: hit.start):
        if act.term.id not in _DATED_ACTS:
            continue
        first = bisect_right(breaks, act.start)
        begin = breaks[first - 1] if first else 0
        end = breaks[first] if first < len(breaks) else len(text)
        near = [(max(facts[i].evidence.start - act.end, act.start - facts[i].evidence.end), i)
                for i in in_order[bisect_left(starts, begin):bisect_left(starts, end)]]
        if near:
            return min(near)[1]
    return dated[0]


def find_dates_facts(report: Report, acts: Iterable[vocab.Hit] = ()) -> list[Fact]:
    """Every date expression, resolved; the incident's own date is marked ``role: when``
    (chosen near the first violent act of ``acts``, the violations found in the text)."""
    anchor = date.fromisoformat(report.published) if report.published else None
    facts = []
    for mention in find_dates(report.text):
        value, precision = resolve(mention, anchor)
        needs_anchor = mention.relative is not None or (
            mention.year is None and mention.month is not None)
        facts.append(fact_at(
            "date", value or mention.quote.lower(), mention.quote, report, mention.start,
            mention.end, precision=precision, year=mention.year, month=mention.month,
            day=mention.day, decade=mention.decade, relative=mention.relative,
            vague=mention.vague, anchored=not needs_anchor or anchor is not None,
            anchor=report.published if needs_anchor and anchor else None,
            names_instrument=bool(_INSTRUMENT.search(
                report.text, max(0, mention.start - 40), mention.start)) or None))
    when = _when(facts, report.text, acts)
    if when is not None:
        facts[when] = replace(facts[when], attrs={**facts[when].attrs, "role": "when"})
    return facts
