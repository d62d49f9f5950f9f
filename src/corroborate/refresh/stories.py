"""The stories refresh: the reports in no story yet filed under their band keys, the
stories they join found through the band table, and only those made again (the
clustering and the comparison of versions on an ingest's workers)."""

from __future__ import annotations

import logging
from collections import ChainMap
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import timedelta

from .. import memory, translations
from ..events import (
    outlet_key,
)
from ..model import Story, make_id
from ..overlay import applying
from ..partition import Partition
from ..store import Store
from ..stories import Fingerprint, cluster, compare_versions, filed_keys, joins_many, may_join
from ..workers import Pool, parts

__all__ = ["make_stories", "refresh_stories"]

log = logging.getLogger(__name__)

_READ_BATCH = 2000  # new reports read at once: memory follows the batch, not the collection
# new reports made into stories in one round, the next round finding them filed as a later
# ingest would: what a round holds (the new reports' groups) follows this, not the ingest
# (one of a million reports)
_STORIES_AT_ONCE = 20_000
_WRITE_BATCH = 200  # groups of reports made into stories in one transaction
_SCREENED_AT_ONCE = 20_000  # partners screened at once (a MinHash and a count each)
_PAIRS_HELD = 100_000  # a batch's pairs with older reports held before they are checked
# (band key, report) rows of a batch's keys read at once: each new report is one of its
# own 40 keys' rows (filed first), so a batch of 2,000 holds 80,000 of them, and in the
# 100k generated collection about 190,000 more for its partners
_BAND_ROWS_HELD = 400_000


@applying  # the collection's vocabulary overlay (overlay.py)
def refresh_stories(store: Store, candidates: Iterable[tuple[str, str]] | None = None,
                    pool: Pool | None = None) -> None:
    """Bring the stories up to date with the reports in none yet: find the stories they
    join through the band table, and make only those again.

    ``candidates`` are pairs among the new reports found elsewhere (an engine's banding
    shuffle): then the band table is asked only for older reports. Either way the stories
    are the ones clustering the whole collection at once would give; only the ids differ,
    on purpose: a story keeps its id as versions join it (``_story_ids``).

    ``pool``'s workers cluster the groups and compare their versions (``make_stories``),
    the next part's while the writer stores the one before.

    Without ``candidates``, the new reports are taken :data:`_STORIES_AT_ONCE` at a time in
    order of id, as so many ingests one after the other would add them.
    """
    if store.bands_missing():
        store.backfill_bands()
    outlets: dict[str, str] | None = None
    after = ""
    while new := store.unassigned_reports(
            after, _STORIES_AT_ONCE if candidates is None else None):
        outlets = _multilingual(store) if outlets is None else outlets
        groups = _touched(store, new, candidates, outlets)
        written = list(parts(groups, _WRITE_BATCH))
        ahead = None
        for n, part in enumerate(written):
            made = ahead or _stories(store, part, outlets, pool)
            ahead = _stories(store, written[n + 1], outlets, pool) \
                if n + 1 < len(written) else None
            _rebuild(store, part, made())
        memory.trim()
        if candidates is not None:
            break
        after = new[-1]
    with store.transaction() as db:
        db.execute("INSERT OR REPLACE INTO meta VALUES ('stories_stale', '0')")


def _touched(store: Store, new: list[str], candidates: Iterable[tuple[str, str]] | None,
             outlets: dict[str, str]) -> list[list[str]]:
    """The groups of reports to make into stories again: each new report with the new
    reports and the old stories' members it is a version of (wording or translation)."""
    fresh = set(new)
    parts = Partition(new)
    old_story: dict[str, str] = {}  # report id -> its story's id, for old reports found
    for begin in range(0, len(new), _READ_BATCH):
        with store.transaction() as db:
            store.add_bands(db, store.fingerprints_of(new[begin:begin + _READ_BATCH]))
    external = None if candidates is None else sorted(
        {(min(a, b), max(a, b)) for a, b in candidates if a in fresh and b in fresh and a != b})
    for begin in range(0, len(new), _READ_BATCH):
        prints = {fp.report_id: fp
                  for fp in store.fingerprints_of(new[begin:begin + _READ_BATCH])}
        by_partner: dict[str, list[str]] = {}
        held = 0
        for a, others in _band_partners(store, prints, fresh, internal=external is None):
            _join_many(parts, a, [b for b in others if b in prints], old_story, prints)
            for b in others:
                if b in prints:
                    continue
                by_partner.setdefault(b, []).append(a)
                held += 1
                if held == _PAIRS_HELD:  # a batch's partners grow with the collection's density
                    _check_partners(store, parts, by_partner, prints, fresh, old_story)
                    by_partner, held = {}, 0
        _check_partners(store, parts, by_partner, prints, fresh, old_story)
    for begin in range(0, len(external or ()), _READ_BATCH):
        chunk = (external or [])[begin:begin + _READ_BATCH]
        prints = {fp.report_id: fp
                  for fp in store.fingerprints_of({x for pair in chunk for x in pair})}
        for a, b in chunk:
            _join_many(parts, a, [b], old_story, prints)
    for a, b, _ in _translation_pairs(store, new, outlets):
        old_story.update(store.story_of(x for x in (a, b) if x not in fresh))
        parts.join(old_story.get(a, a), old_story.get(b, b))
    members = store.story_member_ids(set(old_story.values()))
    # an old story a new report was checked against and did not join is a group of its
    # own here, unchanged: only the groups with a new report are made again
    return [sorted({r for node in group for r in members.get(node, [node])})
            for group in parts.groups() if not fresh.isdisjoint(group)]


def _check_partners(store: Store, parts: Partition, by_partner: dict[str, list[str]],
                    prints: dict[str, Fingerprint], fresh: set[str],
                    old_story: dict[str, str]) -> None:
    """Join the new reports to the older partners they are versions of. The partners are
    screened a chunk at a time, and the rows of the few that pass read whole: in a dense
    collection a batch has many times its number of partners, and memory is to follow the
    batch (a pair's groups end up joined or not whatever the order pairs are checked in)."""
    waiting = sorted(by_partner)
    for start in range(0, len(waiting), _SCREENED_AT_ONCE):
        partners = waiting[start:start + _SCREENED_AT_ONCE]
        screens = store.screens_of(partners)
        # a partner not filed (none should be) is checked exactly
        kept = [(a, b) for b in partners for a in by_partner[b] if b not in screens
                or may_join(len(prints[a].shingles), prints[a].minhash, *screens[b])]
        old_story.update(store.story_of(b for _, b in kept if b not in fresh))
        known: Mapping[str, Fingerprint] = ChainMap(
            {fp.report_id: fp for fp in store.fingerprints_of({b for _, b in kept})},
            prints)
        by_new: dict[str, list[str]] = {}
        for a, b in sorted(kept):
            by_new.setdefault(a, []).append(b)
        for a, others in by_new.items():
            _join_many(parts, a, others, old_story, known)


def _band_partners(store: Store, prints: dict[str, Fingerprint], fresh: set[str],
                   internal: bool) -> Iterator[tuple[str, list[str]]]:
    """Each new report with the reports sharing a band key with it: the older reports, and
    the new ones after it when ``internal`` (so that a pair of new reports comes once).
    The batch's band keys are read at once, unless they hold more than ``_BAND_ROWS_HELD``
    reports (templated reports crowd the same keys): then each report's, one by one."""
    keys = filed_keys(prints.values())
    members = store.band_members((k for ks in keys.values() for k in ks), _BAND_ROWS_HELD)
    for rid, mine in keys.items():
        partners = store.band_partners(mine) if members is None else \
            set().union(*(members.get(k, ()) for k in mine))
        yield rid, sorted(other for other in partners
                          if other != rid and (other not in fresh
                                               or (internal and other > rid)))


def _join_many(parts: Partition, a: str, others: list[str], old_story: dict[str, str],
               prints: Mapping[str, Fingerprint]) -> None:
    """Join ``a``'s group with each of the others' whose version is one story with it (an
    old report by its story); the pairs not already in one group are checked at once."""
    na = old_story.get(a, a)
    root = parts.find(na)
    apart = [b for b in others if parts.find(old_story.get(b, b)) != root]
    for b, same in zip(apart, joins_many(prints[a], [prints[b] for b in apart]), strict=True):
        if same:
            parts.join(na, old_story.get(b, b))


StoryJob = tuple[list[Fingerprint], dict[str, tuple[str | None, str]]]
_STORIES_PER_TASK = 20  # groups of reports (fingerprints, and texts to compare) a task


def _stories(store: Store, groups: list[list[str]], outlets: dict[str, str],
             pool: Pool | None) -> Callable[[], list[Story]]:
    """What gives each group's stories (wording, then translations), their versions
    compared, once asked for: a group of more than one report is clustered and compared by
    ``pool``'s workers, sent to them now, when there is one and no outlet publishes in two
    languages (translations are told apart from the store)."""
    if pool is None or outlets:
        made = [_compared(store, s) for members in groups for s in _with_translations(
            store, cluster(store.fingerprints_of(members)), members, outlets)]
        return lambda: made
    alone = [cluster(store.fingerprints_of(g)) for g in groups if len(g) == 1]
    jobs = ((list(store.fingerprints_of(g)), _texts(store, g)) for g in groups if len(g) > 1)
    tasks = pool.submit_parts(make_stories, jobs, _STORIES_PER_TASK, _stories_here)
    return lambda: [s for found in alone for s in found] + [
        s for task in tasks for found in task.result() for s in found]


def make_stories(jobs: list[StoryJob]) -> list[list[Story]]:
    """Each group's stories, clustered from its versions' fingerprints and their versions
    compared (texts: report id -> language, text): pure, an ingest's workers run it."""
    return [[_compared_texts(s, texts) for s in cluster(prints)] for prints, texts in jobs]


def _stories_here(job: StoryJob, reason: str) -> list[Story]:
    log.warning("stories made in the writer, the worker failed: %s", reason)
    return make_stories([job])[0]


def _texts(store: Store, report_ids: list[str]) -> dict[str, tuple[str | None, str]]:
    return {r.id: (r.language, r.text) for i in report_ids if (r := store.report(i))}


def _rebuild(store: Store, groups: list[list[str]], made: list[Story]) -> None:
    """Replace the old stories the groups hold with the stories made of them, in one
    transaction."""
    ids = {r for members in groups for r in members}
    previous = store.story_of(ids)
    former = {**store.former_stories(ids), **previous}
    with store.transaction() as db:
        store.take_apart(db, set(previous.values()))
        store.put_stories(db, _story_ids(store, made, former))


def _story_ids(store: Store, made: list[Story], former: dict[str, str]) -> list[Story]:
    """A story keeps the id its versions had (the smallest, when stories merge); a new one
    takes its smallest report's, as clustering the whole collection at once gives."""
    taken = store.story_ids_in_use(set(former.values()))
    out = []
    for story in sorted(made, key=lambda s: min(m.report_id for m in s.members)):
        had = sorted({former[m.report_id] for m in story.members if m.report_id in former}
                     - taken)
        sid = had[0] if had else make_id("s", min(m.report_id for m in story.members))
        taken.add(sid)
        out.append(replace(story, id=sid))
    return out


def _compared(store: Store, story: Story) -> Story:
    """What each same-language version adds to or lacks of the canonical one."""
    if len(story.members) == 1:
        return story
    return _compared_texts(story, _texts(store, [m.report_id for m in story.members]))


def _compared_texts(story: Story, texts: Mapping[str, tuple[str | None, str]]) -> Story:
    """:func:`_compared`, from the versions' (language, text)."""
    if len(story.members) == 1:
        return story
    canonical = texts.get(story.canonical_report_id)
    members = []
    for member in story.members:
        other = None if member.canonical else texts.get(member.report_id)
        if canonical is None or other is None \
                or other[0] != canonical[0]:  # translations.py compared it
            members.append(member)
            continue
        adds, lacks = compare_versions(canonical[1], other[1])
        members.append(replace(member, adds=adds, lacks=lacks))
    return replace(story, members=tuple(members))


def _multilingual(store: Store) -> dict[str, str]:
    """Outlet name -> its key, for the outlets that publish in more than one language."""
    languages: dict[str, set[str]] = {}
    names: dict[str, list[str]] = {}
    for name, language in store.db.execute(
            "SELECT DISTINCT outlet, language FROM reports WHERE outlet IS NOT NULL "
            "AND language IS NOT NULL"):
        key = outlet_key(name)
        if key:
            languages.setdefault(key, set()).add(language)
            names.setdefault(key, []).append(name)
    return {name: key for key, found in languages.items() if len(found) > 1
            for name in names[key]}


def _profiles(store: Store, report_ids: Iterable[str],
              outlets: dict[str, str]) -> dict[str, translations.Profile]:
    out = {}
    for report_id in sorted(set(report_ids)):
        report = store.report(report_id)
        if report is not None and report.outlet in outlets:
            out[report_id] = translations.profile(report, store.incidents(report_id),
                                                  outlets[report.outlet])
    return out


def _translation_pairs(store: Store, new: list[str], outlets: dict[str, str]
                       ) -> list[tuple[str, str, float]]:
    """Translation pairs of a new report of a multilingual outlet and a report of that
    outlet published within ``translations.MAX_DAYS`` of it."""
    if not outlets:
        return []
    fresh = _profiles(store, new, outlets)
    near: set[str] = set()
    for found in fresh.values():
        if found.published is None:
            continue
        names = sorted(n for n, key in outlets.items() if key == found.outlet)
        low = (found.published - timedelta(days=translations.MAX_DAYS)).isoformat()
        high = (found.published + timedelta(days=translations.MAX_DAYS)).isoformat() + "~"
        near.update(r[0] for r in store.db.execute(
            f"SELECT id FROM reports WHERE outlet IN ({','.join('?' * len(names))}) "
            "AND published BETWEEN ? AND ?", (*names, low, high)))
    profiles = {**_profiles(store, near - fresh.keys(), outlets), **fresh}
    return [p for p in translations.pairs(profiles.values()) if p[0] in fresh or p[1] in fresh]


def _with_translations(store: Store, stories: list[Story], members: list[str],
                       outlets: dict[str, str]) -> list[Story]:
    """Join the stories of one group's reports that are one report in two languages."""
    if not outlets or len(stories) < 2:
        return stories
    profiles = _profiles(store, members, outlets)
    return translations.join(stories, translations.pairs(profiles.values()), profiles)
