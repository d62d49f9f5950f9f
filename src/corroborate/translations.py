"""Translations: a report and its version in another language, as one story.

Story clustering compares wording, which a translation does not share. What a translation
does keep is what the report states: the places, agencies, acts, punishments, dates and
numbers, which extraction turns into the same vocabulary ids in every language. So two
reports in different languages are versions of one story when

* they come from one outlet (Daily NK's Korean and English sites, RFA's Korean service
  and its English one): an independent report in another language is another origin, for
  event linking to weigh, not a version;
* they were published within :data:`MAX_DAYS` of each other; and
* the statements of the shorter one are nearly all in the longer one (containment of their
  *anchors* at least :data:`CONTAINMENT_MIN`, with at least :data:`MIN_SHARED` shared), as a
  shortened translation's are.

An anchor is a fact's field and value id (``place:KP-10:Hyesan``, ``perpetrator:kp_mss``,
``violation:killing``...) or a number written in digits. The stories of such a pair merge;
the canonical version is the one that states more (the original, as a rule), and each
other-language version records as ``adds``/``lacks`` the statements it has or misses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from .model import Incident, Report, Story, StoryMember, make_id
from .partition import Partition

__all__ = ["CONTAINMENT_MIN", "MAX_DAYS", "MIN_SHARED", "Profile", "join", "pairs",
           "profile"]

MAX_DAYS = 14
CONTAINMENT_MIN = 0.7
MIN_SHARED = 5
# the fields whose value ids hold across languages; sources and victims' words do not
_FIELDS = ("place", "perpetrator", "violation", "punishment", "victim_count", "date",
           "charge", "group")
_DIGITS = re.compile(r"(?<![\d.,])\d{1,4}(?![\d.,]?\d)")


@dataclass(frozen=True)
class Profile:
    """What a report states, in ids that do not depend on its language."""

    report_id: str
    language: str | None
    outlet: str | None
    published: date | None
    anchors: frozenset[str]
    labels: Mapping[str, str]  # anchor -> the words of the first fact that gave it


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value and len(value) >= 10 else None
    except ValueError:
        return None


def profile(report: Report, incidents: Sequence[Incident], outlet: str | None) -> Profile:
    """A report's anchors: its facts' field:value ids and the numbers it writes in digits
    (years left out: a year is a date fact already)."""
    labels: dict[str, str] = {}
    for incident in incidents:
        for fact in incident.facts:
            if fact.field in _FIELDS:
                labels.setdefault(f"{fact.field}:{fact.value}", fact.label)
    for number in _DIGITS.findall(report.text):
        if not 1900 <= int(number) <= 2100:
            labels.setdefault(f"number:{int(number)}", number)
    return Profile(report.id, report.language, outlet, _day(report.published),
                   frozenset(labels), labels)


def _match(a: Profile, b: Profile) -> float | None:
    """The containment of the smaller's anchors in the larger's, when ``a`` and ``b`` may
    be one report in two languages; None when they may not."""
    if not a.language or not b.language or a.language == b.language:
        return None
    if a.outlet is None or a.outlet != b.outlet:
        return None
    if a.published is None or b.published is None \
            or abs((a.published - b.published).days) > MAX_DAYS:
        return None
    shared = len(a.anchors & b.anchors)
    smaller = min(len(a.anchors), len(b.anchors))
    if shared < MIN_SHARED or smaller == 0:
        return None
    containment = shared / smaller
    return containment if containment >= CONTAINMENT_MIN else None


def pairs(profiles: Iterable[Profile]) -> list[tuple[str, str, float]]:
    """Every pair of reports that are one report in two languages, with its containment
    (blocked by outlet, so the cost follows the outlets' sizes, not the collection's)."""
    by_outlet: dict[str, list[Profile]] = {}
    for found in profiles:
        if found.outlet and found.language:
            by_outlet.setdefault(found.outlet, []).append(found)
    out: list[tuple[str, str, float]] = []
    for group in by_outlet.values():
        group.sort(key=lambda p: (p.published or date.max, p.report_id))
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if a.published and b.published and (b.published - a.published).days > MAX_DAYS:
                    break
                score = _match(a, b)
                if score is not None:
                    first, second = sorted((a.report_id, b.report_id))
                    out.append((first, second, score))
    return sorted(out)


def join(stories: Sequence[Story], found: Sequence[tuple[str, str, float]],
         profiles: Mapping[str, Profile]) -> list[Story]:
    """The stories with those joined whose reports are translations of each other."""
    if not found:
        return list(stories)
    story_of = {m.report_id: s.id for s in stories for m in s.members}
    parts = Partition()
    for a, b, _ in found:
        parts.join(story_of[a], story_of[b])
    groups: dict[str, list[Story]] = {}
    for story in stories:
        groups.setdefault(parts.find(story.id), []).append(story)
    out = [group[0] if len(group) == 1 else _merged(group, profiles)
           for group in groups.values()]
    return sorted(out, key=lambda s: s.id)


def _merged(group: list[Story], profiles: Mapping[str, Profile]) -> Story:
    def weight(story: Story) -> tuple[int, date, str]:
        lead = profiles.get(story.canonical_report_id)
        return (-len(lead.anchors) if lead else 0, (lead.published if lead else None)
                or date.max, story.canonical_report_id)

    lead_story = min(group, key=weight)
    lead = profiles.get(lead_story.canonical_report_id)
    members: list[StoryMember] = []
    for story in group:
        for member in story.members:
            found = profiles.get(member.report_id)
            if story is lead_story or lead is None or found is None \
                    or found.language == lead.language:
                members.append(member if story is lead_story
                               else replace(member, canonical=False))
                continue
            members.append(_translated(member, found, lead))
    members.sort(key=lambda m: (not m.canonical, m.report_id))
    first = min(m.report_id for m in members)
    return Story(make_id("s", first), lead_story.canonical_report_id, tuple(members))


def _translated(member: StoryMember, version: Profile, lead: Profile) -> StoryMember:
    """A version in another language: overlap and what it adds or lacks, in statements."""
    shared = version.anchors & lead.anchors
    union = version.anchors | lead.anchors
    adds = tuple(sorted(version.labels[a] for a in version.anchors - lead.anchors))
    lacks = tuple(sorted(lead.labels[a] for a in lead.anchors - version.anchors))
    return StoryMember(member.report_id, False,
                       round(len(shared) / max(1, len(version.anchors)), 4),
                       round(len(shared) / max(1, len(union)), 4), adds, lacks)
