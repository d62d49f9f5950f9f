"""Refresh: stories and events brought up to date with the reports a collection holds.

Run after every ingest (and by ``reprocess``): reports are grouped into stories
(stories.py, plus translations.py across languages), each story's incidents become
accounts, and accounts are linked into events (linking.py).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from . import translations
from .claims import event_record
from .events import Account, account, account_id, blocking_keys, outlet_key, probe_keys
from .incidents import assemble
from .linking import compare
from .model import Story
from .origins import citations
from .overlay import applying
from .partition import Partition
from .store import Store
from .stories import cluster, compare_versions

__all__ = ["refresh_events", "refresh_stories"]

log = logging.getLogger(__name__)


@applying  # the collection's vocabulary overlay (overlay.py)
def refresh_stories(store: Store) -> None:
    """Recluster every report into stories and record what each version adds or lacks."""
    stories = _with_translations(store, cluster(store.fingerprints()))
    compared = []
    for story in stories:
        if len(story.members) == 1:
            compared.append(story)
            continue
        canonical = store.report(story.canonical_report_id)
        members = []
        for member in story.members:
            other = store.report(member.report_id)
            if canonical is None or other is None or member.canonical \
                    or other.language != canonical.language:  # translations.py compared it
                members.append(member)
                continue
            adds, lacks = compare_versions(canonical.text, other.text)
            members.append(replace(member, adds=adds, lacks=lacks))
        compared.append(replace(story, members=tuple(members)))
    store.replace_stories(compared)


def _with_translations(store: Store, stories: list[Story]) -> list[Story]:
    """Join the stories of reports that are one report in two languages (translations.py):
    only the reports of outlets that publish in more than one language are read."""
    languages: dict[str, set[str]] = {}
    names: dict[str, list[str]] = {}
    for name, language in store.db.execute(
            "SELECT DISTINCT outlet, language FROM reports WHERE outlet IS NOT NULL "
            "AND language IS NOT NULL"):
        key = outlet_key(name)
        if key:
            languages.setdefault(key, set()).add(language)
            names.setdefault(key, []).append(name)
    wanted = sorted({n for key, found in languages.items() if len(found) > 1
                     for n in names[key]})
    if not wanted:
        return stories
    profiles = {}
    for name in wanted:
        for (report_id,) in store.db.execute("SELECT id FROM reports WHERE outlet = ?",
                                             (name,)).fetchall():
            report = store.report(report_id)
            if report is not None:
                profiles[report_id] = translations.profile(
                    report, store.incidents(report_id), outlet_key(name))
    return translations.join(stories, translations.pairs(profiles.values()), profiles)


@applying  # the collection's vocabulary overlay (overlay.py)
def refresh_events(store: Store) -> None:
    """Link the stories' incidents that are new since the last refresh to the accounts
    filed under their keys, and assemble again only the events that changed."""
    current: dict[str, tuple[Story, str]] = {}
    incident_ids = store.story_incident_ids()
    for story in store.stories():
        for incident_id in incident_ids.get(story.id, ()):
            current[account_id(story, incident_id)] = (story, incident_id)
    stored = store.account_ids()
    added = sorted(current.keys() - stored)
    with store.transaction() as db:
        touched = store.remove_accounts(db, stored - current.keys())
        linked: set[str] = set()
        for aid in added:
            acc = _account(store, *current[aid])
            if acc is None:
                continue
            candidates = store.filed_under(probe_keys(acc))
            store.add_account(db, acc, blocking_keys(acc), aid)
            linked.add(acc.id)
            for other in candidates:
                link = compare(acc, other)
                if link is not None:
                    store.add_link(db, link)
                    linked.add(other.id)
        touched |= store.event_of(linked)
        accounts = store.accounts_in(touched)
        links = store.links_among(a.id for a in accounts)
        components = _components(accounts, links)
        where = {acc_id: n for n, ids in enumerate(components) for acc_id in ids}
        by_id = {a.id: a for a in accounts}
        shares: list[dict[tuple[str, str], Any]] = [{} for _ in components]
        for pair, why in links.items():
            shares[where[pair[0]]][pair] = why
        records = [(ids, event_record([by_id[i] for i in ids], share))
                   for ids, share in zip(components, shares, strict=True)]
        store.put_events(db, touched, records)


def _account(store: Store, story: Story, incident_id: str) -> Account | None:
    reports = {m.report_id: r for m in story.members
               if (r := store.report(m.report_id)) is not None}
    incident = store.incident(incident_id)
    canonical = reports.get(story.canonical_report_id)
    if incident is None or canonical is None:
        return None
    item = assemble(story, reports, [incident])[0]
    acc = account(story, item, reports)
    cites, own = citations(canonical, acc.outlet)
    return replace(acc, cites=cites, own_reporting=own)


def _components(accounts: list[Account], links: dict[tuple[str, str], Any]
                ) -> list[list[str]]:
    parts = Partition(a.id for a in accounts)
    for a, b in links:
        parts.join(a, b)
    return parts.groups()
