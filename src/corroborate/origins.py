"""Origins: which accounts of an event are independent, and which repeat another.

An origin is an outlet's own reporting with its own sources. A report shares another
outlet's origin when it

* **cites** it as where the account comes from: "according to Daily NK", "RFA reported",
  "first appeared on AsiaPress", "[Source: Daily NK]", "a source told RFA" (the source
  spoke to RFA, so the account is RFA's), unless it also states its own sources ("told
  <its own outlet>"): an outlet that checked with its own people is an origin of its own.
  An outlet the vocabulary does not know is recognised by name ("according to a report by
  Border Monitor", "Border Monitor reported") when a report of the event was published
  under that name;
* **is the same text** (a version in one story: syndicated, reposted, truncated): stories
  already group those;
* **rewords** another account: it shares a quoted passage of twenty characters or more
  with it, or most of its content words (:data:`REWORDED`), and was published later.

Accounts of one outlet about one event are one origin: a follow-up by the same newsroom
is the same reporting. Each origin is represented by its earliest report from the outlet
itself (or, when that outlet's own report is not in the collection, the earliest report
that carries it); ``origin_of`` of every report names it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import vocab
from .events import Account, outlet_key
from .linking import containment
from .model import Report
from .partition import Partition

__all__ = ["REWORDED", "Origin", "citations", "origins"]

# share of content words above which a later account without a citation is a rewrite
REWORDED = 0.6
_WINDOW = 60
_BEFORE = re.compile(
    r"(?:according\s+to|citing|cited\s+by|quoted\s+by|reported\s+by|published\s+by|"
    r"first\s+(?:appeared|published|reported|ran)\s+(?:in|on|at|by)|originally\s+"
    r"(?:appeared|published)\s+(?:in|on|at|by)|source\s*:|courtesy\s+of|via|credit\s*:|"
    r"reports?\s+(?:by|from|in)|(?:told|telling|informed|said\s+to|speaking\s+to|"
    r"in\s+an?\s+(?:interview|telephone\s+call|phone\s+call|call)\s+with))"
    r"\s*(?:the\s+)?(?:an?\s+)?(?:(?:report|article|story)\s+(?:by|from|in|on)\s+)?"
    r"(?:\w+\s+)?[\[(]?\s*$", re.I)
_AFTER = re.compile(
    r"^\s*(?:['’]s?\s+(?:report|article|story|sources?)\b|\s*\)?\s*(?:first\s+)?"
    r"(?:reported|reports|has\s+reported|had\s+reported|said\s+in\s+a\s+report|revealed|"
    r"has\s+learned|learned|was\s+the\s+first|broke\s+the\s+news|carried\s+the\s+report))",
    re.I)
# an outlet the vocabulary does not know, cited by name: "according to a report by Open
# News for North Korea", "[Source: Pyongyang Watch]", "Border Monitor reported on Monday"
_NAME = (r"[A-Z][\w'’.&-]*(?:\s+(?:(?:for|of|the|and|on|in)\s+){0,2}[A-Z][\w'’.&-]*){%d,5}")
_CITED_BY_NAME = re.compile(
    r"(?:\baccording\s+to\s+(?:an?\s+|the\s+)?(?:(?:report|article|story)\s+(?:by|from|in|on)"
    r"\s+(?:the\s+)?)?|\bfirst\s+(?:appeared|published|ran)\s+(?:in|on|at)\s+(?:the\s+)?|"
    r"\[\s*source\s*:\s*|\bcourtesy\s+of\s+(?:the\s+)?)(" + _NAME % 0 + ")", re.I)
_NAME_REPORTED = re.compile(r"(" + _NAME % 1 + r")\s+(?:reported|has\s+reported|first\s+"
                            r"reported|said\s+in\s+a\s+report)\b")
_OWN = re.compile(r"(?:told|telling|informed|said\s+to|speaking\s+to|in\s+an?\s+"
                  r"(?:interview|telephone\s+call|phone\s+call|call)\s+with)\s*(?:the\s+)?$",
                  re.I)


def citations(report: Report, own_outlet: str | None) -> tuple[
        tuple[tuple[str, str], ...], bool]:
    """(The outlets a report names as where its account comes from, each with its words;
    whether it states its own sources: "a source told <its own outlet>")."""
    text = report.text
    out: dict[str, str] = {}
    own = False
    for hit in vocab.load("outlets").find(text):
        before = text[max(0, hit.start - _WINDOW):hit.start]
        after = text[hit.end:hit.end + _WINDOW]
        if hit.term.id == own_outlet:
            own = own or bool(_OWN.search(before))
            continue
        cue = _BEFORE.search(before)
        then = _AFTER.match(after)
        if cue or then:
            words = (cue.group(0) if cue else "") + text[hit.start:hit.end] + (
                then.group(0) if then else "")
            out.setdefault(hit.term.id, " ".join(words.split()))
    for found in (*_CITED_BY_NAME.finditer(text), *_NAME_REPORTED.finditer(text)):
        name = found.group(1)
        if name[:1].islower() or vocab.load("outlets").find(name):
            continue  # the vocabulary's outlets are found above
        key = outlet_key(name)
        if key is not None and key != own_outlet:
            out.setdefault(key, " ".join(found.group(0).split()))
    return tuple(sorted(out.items())), own


@dataclass(frozen=True)
class Origin:
    """An independent account: the accounts that carry it, and its representative."""

    id: str  # the report id of the representative report
    outlet: str | None
    accounts: tuple[str, ...]
    published: str | None
    why: dict[str, dict[str, str]]  # account id -> how it was found to repeat the origin


def _origin_outlet(acc: Account, outlets: frozenset[str] = frozenset()
                   ) -> tuple[str | None, str | None]:
    """(The outlet whose reporting an account carries, the citation that says so). A name
    the vocabulary does not know counts as an outlet only when a report of the event was
    published under it ("according to Lee Sang-yong" names a person, not an origin)."""
    cites = [(o, w) for o, w in acc.cites if not o.startswith("site:") or o in outlets]
    if cites and not acc.own_reporting:
        return cites[0]
    return acc.outlet, None


def origins(accounts: Sequence[Account]) -> list[Origin]:
    """Group an event's accounts by independent origin, earliest first."""
    ordered = sorted(accounts, key=lambda a: (a.published or "9999", a.id))
    parts = Partition(a.id for a in ordered)
    why: dict[str, dict[str, str]] = {}
    by_outlet: dict[str, str] = {}
    outlets = frozenset(a.outlet for a in ordered if a.outlet)
    for acc in ordered:
        outlet, words = _origin_outlet(acc, outlets)
        if outlet is None:
            continue
        first = by_outlet.setdefault(outlet, acc.id)
        if first != acc.id:
            parts.join(acc.id, first)
            why[acc.id] = ({"cites": words} if words else {"same_outlet": outlet})
        elif words:
            why[acc.id] = {"cites": words}
    for i, later in enumerate(ordered):
        if later.own_reporting:
            continue
        for earlier in ordered[:i]:
            if parts.find(earlier.id) == parts.find(later.id):
                continue
            reason = _rewords(later, earlier)
            if reason:
                parts.join(later.id, earlier.id)
                why[later.id] = reason
                break
    groups: dict[str, list[Account]] = {}
    for acc in ordered:
        groups.setdefault(parts.find(acc.id), []).append(acc)
    return [_origin(members, why, outlets) for members in groups.values()]


def _rewords(later: Account, earlier: Account) -> dict[str, str] | None:
    if (later.outlet and later.outlet == earlier.outlet) or \
            (later.published or "") < (earlier.published or ""):
        return None
    shared = sorted(set(later.quotes) & set(earlier.quotes))
    if shared:
        return {"rewords": earlier.report_id, "quote": shared[0]}
    similarity = containment(later.word_set, earlier.word_set)
    if similarity >= REWORDED:
        return {"rewords": earlier.report_id, "wording": f"{similarity:.2f}"}
    return None


def _origin(members: list[Account], why: dict[str, dict[str, str]],
            outlets: frozenset[str]) -> Origin:
    outlet, _ = _origin_outlet(members[0], outlets)
    own = [a for a in members if outlet is not None and a.outlet == outlet] or members
    first = own[0]
    report = first.reports[0]["id"] if first.reports else first.report_id
    return Origin(report, outlet, tuple(a.id for a in members),
                  min((a.published for a in members if a.published), default=None),
                  {a.id: why[a.id] for a in members if a.id in why})
