"""Attribution: who said so, as the report states it.

The chain runs from the people who saw or heard (usually anonymous: "a source in North
Hamgyong province") through intermediaries (AsiaPress and its editor) to the outlet that
published. Each link is a ``source`` fact with its evidence and an ``order`` (0 source,
1 intermediary, 2 outlet). Anonymous sources are recorded exactly as described and never
narrowed further: corroborate does not try to identify anyone who spoke in confidence.
"""

from __future__ import annotations

import re

from . import vocab
from .model import Evidence, Fact, Report

__all__ = ["find_sources"]

_SOURCE = re.compile(
    r"\b(?:(?:a|an|one|two|three|four|five|several|multiple|many|other|the|his|her|its|"
    r"their|our)[ \t]+)?(?:[\w’'-]+[ \t]+){0,3}?(?:sources?|informants?|insiders?)\b"
    r"(?:[ \t]+(?:in|from|inside|based[ \t]+in|living[ \t]+in|near|familiar[ \t]+with|"
    r"close[ \t]+to|who[ \t]+spoke|with[ \t]+knowledge)\b[^,.;“”\"\n]{0,70})?")
_TAIL_END = re.compile(r"\s+(?:said|says|say|told|tells|tell|reported|added|explained|claimed"
                       r"|noted|confirmed|according|had|has|have|was|were|is|are|would|will)"
                       r"\b.*$", re.S)
_DETERMINERS = {"a", "an", "one", "two", "three", "four", "five", "several", "multiple", "many",
                "other", "the", "his", "her", "its", "their", "our", "that", "this", "these",
                "those"}
_NOT_MODIFIERS = {"told", "said", "says", "to", "of", "had", "has", "was", "and", "who",
                  "which", "by", "from", "with", "for", "on", "in", "at", "as", "rfa"}


def _trim_head(quote: str) -> int:
    """How many leading characters of a match are not part of the source's description."""
    words = list(re.finditer(r"\S+", quote))
    noun = next(i for i, w in enumerate(words)
                if re.match(r"(?:sources?|informants?|insiders?)\b", w.group(0), re.I))
    first = noun
    while first > 0:
        word = words[first - 1].group(0).lower()
        if word in _NOT_MODIFIERS:
            break
        first -= 1
        if word in _DETERMINERS:
            break
    return words[first].start() if words else 0
_REPORTING = re.compile(r"\b(?:said|says|say|told|tells|tell|reported|reports|added|explained"
                        r"|claimed|noted|confirmed|according\s+to|spoke)\b", re.I)
_ACCORDING = re.compile(r"according\s+to\s+$", re.I)
_NOT_A_SOURCE = re.compile(r"\b(?:open|power|energy|water|light|data|income|revenue|"
                           r"food|heat|main|primary|key|single)\s+sources?\b", re.I)
_PERSON_BEFORE = re.compile(
    r"(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,2}),\s+(?:a|an|the)\s+[^.;]{0,120}$")


def _fact(report: Report, value: str, label: str, start: int, end: int,
          **attrs: object) -> Fact:
    return Fact("source", value, label, Evidence(report.id, start, end, report.text[start:end]),
                dict(attrs))


def _anonymous_sources(report: Report) -> list[Fact]:
    text = report.text
    facts: list[Fact] = []
    seen: set[str] = set()
    for m in _SOURCE.finditer(text):
        head = _trim_head(m.group(0))
        quote = _TAIL_END.sub("", m.group(0)[head:]).rstrip()
        start = m.start() + head
        if _NOT_A_SOURCE.search(quote):
            continue
        after = text[m.end():m.end() + 60]
        before = text[max(0, m.start() - 20):m.start()]
        if not (_REPORTING.search(after) or _REPORTING.search(m.group(0))
                or _ACCORDING.search(before)):
            continue
        key = quote.lower()
        if key in seen:
            continue
        seen.add(key)
        place = None
        for name in ("regions", "countries"):
            hits = vocab.load(name).find(quote)
            if hits:
                place = hits[0].term.id
                break
        facts.append(_fact(report, f"source:{key}", quote, start, start + len(quote),
                           order=0, role="source", anonymous=True, place=place))
    # "the source", "a source" refer back to a source described elsewhere: keep them only
    # when the report describes no source at all
    described = [f for f in facts if len(f.evidence.quote.split()) > 2
                 or not re.match(r"(?:\w+\s+)?(?:sources?|informants?|insiders?)$",
                                 f.evidence.quote, re.I)]
    return described or facts[:1]


def find_sources(report: Report, words: vocab.Words | None = None) -> list[Fact]:
    """The attribution chain as stated: sources, intermediaries, the outlet.

    ``words`` are the report's :func:`vocab.tokens`, if the caller has them already."""
    facts = _anonymous_sources(report)
    outlets = vocab.load("outlets")
    own = outlets.lookup(report.outlet) if report.outlet else None
    seen: set[str] = set()
    for hit in outlets.find(report.text, words):
        term = hit.term
        if term.id in seen:
            continue
        seen.add(term.id)
        if own is not None and term.id == own.id:
            facts.append(_fact(report, f"outlet:{term.id}", term.label, hit.start, hit.end,
                               order=2, role="outlet"))
            continue
        attrs: dict[str, object] = {"order": 1, "role": "intermediary",
                                    "kind": term.attrs.get("kind")}
        sentence_start = max(report.text.rfind(". ", 0, hit.start) + 2, 0)
        person = _PERSON_BEFORE.search(report.text[sentence_start:hit.start])
        if person:
            attrs["person"] = person.group("name")
        facts.append(_fact(report, f"intermediary:{term.id}", term.label, hit.start, hit.end,
                           **attrs))
    return sorted(facts, key=lambda f: (f.attrs["order"], f.evidence.start))
