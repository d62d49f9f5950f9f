"""Translations: one report in two languages is one story; an independent report in
another language, another outlet's, or one published weeks apart is not."""

from __future__ import annotations

from datetime import date

from corroborate.model import Story, StoryMember
from corroborate.translations import MIN_SHARED, Profile, join, pairs

SHARED = ["place:KP-10:Hyesan", "perpetrator:kp_mss", "violation:killing",
          "punishment:execution", "victim_count:3", "number:10", "date:2019-03"]


def _profile(report_id: str, language: str, anchors: list[str], outlet: str = "daily_nk",
             day: int = 16) -> Profile:
    return Profile(report_id, language, outlet, date(2019, 3, day), frozenset(anchors),
                   {a: a.split(":", 1)[1] for a in anchors})


def _story(report_id: str) -> Story:
    return Story(f"s-{report_id}", report_id, (StoryMember(report_id, True, 1.0, 1.0),))


def test_a_shortened_translation_from_the_same_outlet_is_found() -> None:
    original = _profile("r-a", "ko", [*SHARED, "place:KP-10", "charge:drugs"])
    shorter = _profile("r-b", "en", SHARED, day=18)
    found = pairs([original, shorter])
    assert [(a, b) for a, b, _ in found] == [("r-a", "r-b")]
    assert found[0][2] == 1.0  # everything the shorter one states, the original states


def test_not_a_translation_when_outlet_language_date_or_statements_differ() -> None:
    ko = _profile("r-a", "ko", SHARED)
    assert pairs([ko, _profile("r-b", "en", SHARED, outlet="rfa")]) == []
    assert pairs([ko, _profile("r-b", "ko", SHARED)]) == []
    assert pairs([ko, _profile("r-b", "en", SHARED, day=31)]) == []  # 15 days apart
    few = SHARED[:MIN_SHARED - 1]
    assert pairs([_profile("r-a", "ko", few), _profile("r-b", "en", few)]) == []
    other = ["place:KP-09:Hoeryong", "violation:arbitrary_detention", *SHARED[4:]]
    assert pairs([ko, _profile("r-b", "en", other)]) == []


def test_joined_stories_keep_the_fuller_version_canonical_and_say_what_differs() -> None:
    original = _profile("r-b", "ko", [*SHARED, "charge:drugs"])
    shorter = _profile("r-a", "en", SHARED, day=18)
    profiles = {p.report_id: p for p in (original, shorter)}
    stories = [_story("r-a"), _story("r-b"), _story("r-c")]
    joined = join(stories, pairs(profiles.values()), profiles)
    assert len(joined) == 2
    story = next(s for s in joined if len(s.members) == 2)
    assert story.canonical_report_id == "r-b"  # states more
    version = next(m for m in story.members if not m.canonical)
    assert version.report_id == "r-a"
    assert version.lacks == ("drugs",) and version.adds == ()
    assert version.containment == 1.0
