"""The events refresh: the accounts of the stories that changed made again (on an
ingest's workers), the new ones linked to the accounts filed under their keys, the
events they touch grouped again, and only the records that changed made again."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from .. import memory
from ..claims import event_record
from ..events import (
    Account,
    account,
    account_id,
    blocking_keys,
    event_id,
    probe_keys,
)
from ..grouping import group_in_order, joined_parts, strongest_first
from ..incidents import assemble
from ..linking import Link, LinkJob, make_links
from ..model import Report, Story, make_id
from ..origins import citations
from ..overlay import applying
from ..store import Store
from ..store.events import EventRow
from ..store.reading import StoredRows, incidents_of
from ..workers import Pool, Task, parts, parts_by

__all__ = ["make_accounts", "make_records", "refresh_events"]

log = logging.getLogger(__name__)

_READ_BATCH = 2000  # stories whose events are refreshed at once (in order of id)
_ACCOUNTS_KEPT = 5000  # candidates whose probes an events refresh keeps (_Recent)
# accounts of the events made again read whole at once: memory follows these, not the
# events (a chunk of 500 events held 8.6 MB of accounts early in a 100k events refresh and
# 28.7 MB late, as events gained accounts)
_ACCOUNTS_READ = 1000
_LINKED_AT_ONCE = 500  # new accounts linked as one part (sorted by where they look)
# accounts links may join to what a refresh touched for it to group them all again: more,
# and it groups again only the events it touched (docs/events.md, "Arrival order")
_JOINED_MOST = 5000
_GROUPED_AT_ONCE = 20_000  # accounts grouped again at once (whole link-joined components)


@applying  # the collection's vocabulary overlay (overlay.py)
def refresh_events(store: Store, pool: Pool | None = None) -> None:
    """Make again the accounts of the stories that changed since the last refresh, link the
    new ones to the accounts filed under their keys, and assemble again only the events
    that changed. An event keeps its id as accounts join it (``_event_ids``)."""
    if not store.pending_stories(most=1) and store.events_missing():
        with store.transaction() as db:  # a collection from before events
            store.mark_all_pending(db)
    # the workers make a batch's accounts while the writer links the batch before it (one
    # batch at a time left them idle while it linked); the batches' stories are distinct,
    # so what one batch writes is not what the next one read
    planned: _Batch | None = None
    for story_ids in _pending_batches(store):
        ahead = _Batch(store, story_ids, pool)
        if planned is not None:
            _refresh_events(store, planned)
            memory.trim()
        planned = ahead
    if planned is not None:
        _refresh_events(store, planned)


def _pending_batches(store: Store) -> Iterator[list[str]]:
    """The stories whose events are to be refreshed, a batch at a time (an ingest of a
    million reports leaves hundreds of thousands: read as they are needed), in order of the
    date their canonical report was published: a batch's accounts then link to events near
    them in time, and the events it groups again are those, where batches in order of id
    each touched events all over a large ingest (docs/events.md, "Arrival order")."""
    after = ("", "")
    while pending := store.pending_stories(after, _READ_BATCH):
        yield [story_id for _, story_id in pending]
        after = pending[-1]


class _Batch:
    """A batch of stories whose events are to be refreshed: their accounts as they are now
    and as stored, and the new ones being made (by the workers, from the moment it is
    planned)."""

    def __init__(self, store: Store, story_ids: list[str], pool: Pool | None) -> None:
        self.story_ids = story_ids
        self.pool = pool
        self.current: dict[str, tuple[Story, str]] = {}
        incident_ids = store.story_incident_ids(story_ids)
        for story in store.stories_by_id(story_ids):
            for incident_id in incident_ids.get(story.id, ()):
                self.current[account_id(story, incident_id)] = (story, incident_id)
        self.stored = store.accounts_of_stories(story_ids)
        added = sorted(self.current.keys() - self.stored.keys())
        self.made = _accounts(store, [self.current[aid] for aid in added], pool)


def _refresh_events(store: Store, batch: _Batch) -> None:
    current, stored, story_ids = batch.current, batch.stored, batch.story_ids
    with store.transaction() as db:
        gone = stored.keys() - current.keys()
        store.remember_events(db, {(store.story_alias(stored[a][0]) or stored[a][0],
                                    stored[a][1]) for a in gone})
        touched = store.remove_accounts(db, gone)
        shrunk = set(touched)
        linked = _link(store, db, batch)
        touched |= store.event_of(linked)
        # events are made again whole link-joined groups at a time (see grouping), so that
        # growing a collection gives the events linking all of it at once would; where links
        # join more accounts than that is worth (a dense collection whose links chain
        # widely), only the events the changed links touch are made again
        joined = store.linked_with(store.account_ids_in(touched) | linked, _JOINED_MOST)
        if joined is None:
            log.info("links join more than %d accounts to the %d changed: only the %d events "
                     "they are in are grouped again", _JOINED_MOST, len(linked), len(touched))
        else:
            touched |= store.event_of(joined)
        kept, redone = _regroup(store, touched, shrunk)
        store.put_events(db, touched - kept, [])
        store.put_events(db, (), _records(store, redone, batch.pool))
        store.events_done(db, story_ids)


def _link(store: Store, db: sqlite3.Connection, batch: _Batch) -> set[str]:
    """File the batch's new accounts and link each to the accounts filed under its probe
    keys; returns the accounts a link was added to, the new ones too. What it holds (the
    candidates read last, the links not written yet) is let go before the events are
    grouped."""
    linked: set[str] = set()
    read = _Recent(_ACCOUNTS_KEPT)
    # linked a few hundred at a time as the workers make them (linking all at the end left
    # the workers idle meanwhile); within a part, accounts that look under the same keys
    # one after another, so that what one reads the next finds in ``read`` (the links
    # depend on neither order)
    linking: list[Callable[[], Iterator[Link]]] = []
    for part in parts(batch.made, _LINKED_AT_ONCE):
        # what linking reads of each, from its probe: as light as the candidates, and an
        # account's two JSON strings cost less to send and hold than the account
        accounts = [(Account.from_probe(json.loads(forms[1])), forms) for forms in part]
        probes = {acc.id: probe_keys(acc) for acc, _ in accounts}
        jobs: list[LinkJob] = []
        asked = 0  # candidates in ``jobs``
        for acc, forms in sorted(accounts, key=lambda m: (probes[m[0].id][:1], m[0].id)):
            candidates = store.filed_probes(probes[acc.id], read)
            store.add_account(db, acc, blocking_keys(acc), acc.id, forms)
            linked.add(acc.id)
            if candidates:
                jobs.append((forms[1], candidates))
                asked += len(candidates)
            if len(jobs) == _LINKS_SENT or asked >= _CANDIDATES_SENT:
                linking.append(_links(jobs, batch.pool))
                jobs, asked = [], 0
            # decoded and compared by the workers while the writer reads the next
            # candidates (links join no account to what is read next); the links of what
            # was sent before are written once more is sent, so that a few sends'
            # candidates are held, not a part's (150 MB at 100k generated)
            while len(linking) > _LINKS_AHEAD:
                _add_links(store, db, linking.pop(0)(), linked)
        linking.append(_links(jobs, batch.pool))
    for links in linking:
        _add_links(store, db, links(), linked)
    return linked


def _regroup(store: Store, touched: set[str], shrunk: set[str]
             ) -> tuple[set[str], list[tuple[list[str], str]]]:
    """Group the accounts of the ``touched`` events again by their links, and name the
    groups (``_event_ids``): returns the events that keep their accounts, so their record
    (none of ``shrunk``, whose accounts changed), and the others' (account ids, name).
    The accounts are grouped a part at a time, whole link-joined components of at most
    :data:`_GROUPED_AT_ONCE` accounts (``grouping.joined_parts``: the same groups): in a
    dense collection a batch touches events that grow with it (126,000 accounts and 2.6
    million links late in 300k generated reports), while a component stays small (the
    largest of 24,899 accounts a batch touched at 100k held 558)."""
    stories = store.account_stories_in(touched)
    ids = sorted(stories)
    made: list[list[str]] = []
    for part in joined_parts(ids, store.links_among(ids), _GROUPED_AT_ONCE):
        made += group_in_order(store.briefs_of(part),
                               strongest_first(part, store.links_among(part)))
    made.sort()  # in order of their smallest account, as grouping them all at once gives
    before = store.events_of_accounts(ids)
    names = _event_ids(store, made, stories, before, touched)
    sizes = Counter(before.values())
    kept = {name for ids, name in zip(made, names, strict=True)
            if name not in shrunk and all(before.get(i) == name for i in ids)
            and len(ids) == sizes[name]}
    # the same accounts make the same record: only the others are read whole, a few
    # hundred events at a time (memory follows those, not the groups links join)
    return kept, [(ids, name) for ids, name in zip(made, names, strict=True)
                  if name not in kept]


RecordJob = tuple[list[str], str, dict[str, str], dict[tuple[str, str], str]]


def _records(store: Store, events: list[tuple[list[str], str]], pool: Pool | None
             ) -> Iterator[EventRow]:
    """The records of these events (account ids, name), from their accounts and links: read
    about :data:`_ACCOUNTS_READ` accounts at a time (memory follows those, not the groups
    links join), made by ``pool``'s workers while the next are read, or here."""
    before: list[Task[RecordJob, EventRow]] = []
    for chunk in parts_by(events, _ACCOUNTS_READ, lambda event: len(event[0])):
        data, why = store.stored_accounts(i for ids, _ in chunk for i in ids)
        where = {acc_id: n for n, (ids, _) in enumerate(chunk) for acc_id in ids}
        shares: list[dict[tuple[str, str], str]] = [{} for _ in chunk]
        for pair, reason in why.items():
            if where[pair[0]] == where[pair[1]]:
                shares[where[pair[0]]][pair] = reason
        jobs = [(ids, name, {i: data[i] for i in ids}, share)
                for (ids, name), share in zip(chunk, shares, strict=True)]
        if pool is None:
            yield from make_records(jobs)
            continue
        tasks = [pool.submit(make_records, jobs[n:n + _RECORDS_PER_TASK], _no_record)
                 for n in range(0, len(jobs), _RECORDS_PER_TASK)]
        for task in before:
            yield from task.result()
        before = tasks
    for task in before:
        yield from task.result()


def make_records(jobs: list[RecordJob]) -> list[EventRow]:
    """The events of these jobs, from their accounts and links as stored: pure (no store),
    so an ingest's workers can run it."""
    out = []
    for ids, name, data, why in jobs:
        accounts = [Account.from_dict(json.loads(data[i])) for i in ids]
        links = {pair: json.loads(reason) for pair, reason in why.items()}
        out.append(EventRow.of(ids, {**event_record(accounts, links), "id": name}))
    return out


def _no_record(job: RecordJob, reason: str) -> EventRow:
    # an event left out would leave its accounts pointing at nothing: the refresh stops,
    # its transaction is rolled back, and its stories are still pending for the next one
    raise RuntimeError(f"the event {job[1]} could not be made: {reason}")


class _Recent(OrderedDict[str, str]):
    """The candidates' probes read most recently, at most ``size``: an events refresh's
    candidates in a dense collection would otherwise all be held at once (600 MB of decoded
    accounts for 1,000 stories at 100k generated reports)."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def __getitem__(self, key: str) -> str:
        self.move_to_end(key)
        return super().__getitem__(key)

    def __setitem__(self, key: str, value: str) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


def _event_ids(store: Store, components: list[list[str]], stories: Mapping[str, str],
               before: Mapping[str, str], touched: set[str]) -> list[str]:
    """An event keeps the id it had (the smallest, when events merge): the events its
    accounts were in (``before``: account id -> event), or the accounts of its stories
    (``stories``: account id -> story) before they changed; a new event takes its
    smallest account's, as linking the whole collection at once gives."""
    former = store.former_events(set(stories.values()))
    wanted = set(before.values()) | {e for found in former.values() for e in found}
    wanted |= {event_id([i]) for i in stories}  # the names a new or split event may take
    taken = store.event_ids_in_use(wanted) - touched
    out = []
    for ids in components:  # in order of their smallest account id
        had = {before[i] for i in ids if i in before}
        had.update(e for i in ids for e in former.get(stories[i], ()))
        free = sorted(had - taken)
        # an event split in two: the part that keeps no name is named by its smallest
        # account that no other event goes by (else by all its accounts)
        name = free[0] if free else next(
            (e for i in ids if (e := event_id([i])) not in taken),
            make_id("e", "split", *ids))
        taken.add(name)
        out.append(name)
    return out


# the incident as its stored rows: they cost a tenth of an Incident to send to a worker
AccountJob = tuple[Story, dict[str, Report], StoredRows]
_ACCOUNTS_PER_TASK = 25
_ACCOUNT_TASKS_AHEAD = 4  # a worker's account tasks sent ahead of what is linked
_RECORDS_PER_TASK = 25
_LINKS_PER_TASK = 10  # new accounts, each with its candidates' probes (~200 KB at 100k)
_LINKS_SENT = 50  # new accounts whose links are asked for at once
# or fewer, when their candidates are this many: accounts find more candidates as a
# collection grows (26 each late in an events refresh of 100k generated reports)
_CANDIDATES_SENT = 2000
_LINKS_AHEAD = 2  # sends whose links are not written yet


def _account_job(store: Store, story: Story, incident_id: str) -> AccountJob | None:
    """What making a story's account of an incident needs, read from the store."""
    reports = {m.report_id: r for m in story.members
               if (r := store.report(m.report_id)) is not None}
    incident = store.incident_rows(incident_id=incident_id)
    if not incident[1] or story.canonical_report_id not in reports:
        return None
    return story, reports, incident


Made = tuple[str, str]  # an account as it is stored: whole, and its probe (JSON)


def make_accounts(jobs: list[AccountJob]) -> list[Made]:
    """The accounts of these jobs, as stored (``Account.stored``): pure (no store), so an
    ingest's workers can run it."""
    out = []
    for story, reports, stored in jobs:
        item = assemble(story, reports, incidents_of(stored))[0]
        acc = account(story, item, reports)
        cites, own = citations(reports[story.canonical_report_id], acc.outlet)
        out.append(replace(acc, cites=cites, own_reporting=own).stored())
    return out


def _accounts(store: Store, wanted: list[tuple[Story, str]], pool: Pool | None
              ) -> Iterator[Made]:
    """The accounts of (story, incident id) pairs, in their order: made by ``pool``'s
    workers when there is one, the first sent now (the text work of an account is as
    costly as extraction's); made here, as they are iterated, when there is none."""
    jobs = (job for s, i in wanted if (job := _account_job(store, s, i)) is not None)
    if pool is None:
        return (made for job in jobs for made in make_accounts([job]))
    # a few tasks sent ahead of what is linked, the first now (a batch planned ahead is
    # made while the one before is linked): a job holds its story's reports and its
    # incident's rows, and sending a batch's 2,000 at once held them all in the writer
    # (103 MB at 10k generated reports, the writer's high-water mark there)
    made: Iterator[Any] = pool.stream(make_accounts, jobs, _ACCOUNTS_PER_TASK, _no_account,
                                      _ACCOUNT_TASKS_AHEAD * pool.workers)
    return (m for m in made if m is not None)


def _add_links(store: Store, db: sqlite3.Connection, links: Iterable[Link], linked: set[str]
               ) -> None:
    def noted(link: Link) -> Link:
        linked.update((link.a, link.b))
        return link

    store.add_links(db, map(noted, links))


def _links(jobs: list[LinkJob], pool: Pool | None) -> Callable[[], Iterator[Link]]:
    """What gives the jobs' links (``linking.make_links``) once asked for: made by ``pool``'s
    workers, sent to them now, when there is one; else made here, now (a job holds its
    candidates' probes)."""
    if pool is None:
        found = make_links(jobs)
        return lambda: (link for links in found for link in links)
    tasks = pool.submit_parts(make_links, jobs, _LINKS_PER_TASK, _links_here)
    return lambda: (link for task in tasks for links in task.result() for link in links)


def _links_here(job: LinkJob, reason: str) -> list[Link]:
    log.warning("links made in the writer, the worker failed: %s", reason)
    return make_links([job])[0]


def _no_account(job: AccountJob, reason: str) -> None:
    log.error("no account made of story %s: %s", job[0].id, reason)
