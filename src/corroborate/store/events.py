"""The event tables: accounts with their blocking keys, links, and assembled events.

Events are derived data (like stories): made from the reports and incidents, never
digested into the custody log, and remade by ``reprocess``. Only the accounts that are new
since the last ingest are compared (with the accounts filed under their probe keys), and
only the events they touch are assembled again (``refresh.events.refresh_events``).
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Iterable, Iterator, MutableMapping
from typing import Any, NamedTuple

from ..events import Account, Brief
from ..linking import Link
from ..provenance import tool_version, vocabulary_digest
from .lists import chunks as _chunks
from .lists import marks as _marks
from .lists import select_in

__all__ = ["EventRow", "EventTables"]


class EventRow(NamedTuple):
    """An event as ``put_events`` stores it: its accounts, and its record as JSON with the
    columns drawn from it (made where the record is made: a worker process)."""

    account_ids: list[str]
    id: str
    origins: int
    reports: int
    conflicts: int
    first_published: str | None
    record: str

    @classmethod
    def of(cls, account_ids: list[str], record: dict[str, Any]) -> EventRow:
        return cls(account_ids, record["id"], record["origins"], len(record["reports"]),
                   len(record["conflicts"]), record["first_published"],
                   json.dumps(record, ensure_ascii=False, sort_keys=True))

def _one(value: str | None) -> str | None:
    """One string for a value many briefs share (a place, a date, a precision), not one
    each: a refresh of a dense collection holds tens of thousands of briefs at once."""
    return None if value is None else sys.intern(value)


class EventTables:
    """Writes and reads of the event tables (mixed into ``Store``)."""

    db: sqlite3.Connection

    def story_incident_ids(self, story_ids: Iterable[str]) -> dict[str, list[str]]:
        """Each story's id -> the ids of its canonical version's incidents."""
        out: dict[str, list[str]] = {}
        for chunk in _chunks(sorted(set(story_ids))):
            for row in self.db.execute(
                    f"SELECT s.id, i.id FROM stories s JOIN incidents i "
                    f"ON i.report_id = s.canonical_report_id WHERE s.id IN ({_marks(chunk)}) "
                    f"ORDER BY s.id, i.id", chunk):
                out.setdefault(row[0], []).append(row[1])
        return out

    def accounts_of_stories(self, story_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """Account id -> (its story's id, its event's id), for the accounts of stories."""
        return {r[0]: (r[1], r[2]) for r in select_in(
            self.db, "SELECT id, story_id, event_id FROM accounts WHERE story_id IN ({})",
            story_ids)}

    def events_of_accounts(self, account_ids: Iterable[str]) -> dict[str, str]:
        """Account id -> the event it is in (an account added in this refresh, whose event
        is its own id until events are put, left out)."""
        return {r[0]: r[1] for r in select_in(
            self.db, "SELECT id, event_id FROM accounts WHERE id IN ({}) AND event_id != id",
            account_ids)}

    def event_ids_in_use(self, event_ids: Iterable[str]) -> set[str]:
        return {r[0] for r in select_in(self.db, "SELECT id FROM events WHERE id IN ({})",
                                        event_ids)}

    def remember_events(self, db: sqlite3.Connection,
                        pairs: Iterable[tuple[str, str]]) -> None:
        """(story id, event id): the events a story's accounts were in before they are
        made again, so the new accounts' event keeps its id."""
        db.executemany("INSERT OR IGNORE INTO event_former VALUES (?, ?)", sorted(pairs))

    def events_done(self, db: sqlite3.Connection, story_ids: list[str]) -> None:
        for chunk in _chunks(story_ids):
            db.execute(f"DELETE FROM events_pending WHERE story_id IN ({_marks(chunk)})", chunk)
            db.execute(f"DELETE FROM event_former WHERE story_id IN ({_marks(chunk)})", chunk)

    def events_missing(self) -> bool:
        """Whether incidents were never made into events (a collection from before them)."""
        row = self.db.execute("SELECT EXISTS (SELECT 1 FROM stories) AND NOT EXISTS "
                              "(SELECT 1 FROM accounts)").fetchone()
        return bool(row[0])

    def clear_events(self, db: sqlite3.Connection) -> None:
        """Forget every account, link and event (``reprocess`` links everything anew)."""
        # the events stay what they were called when their accounts are made again
        db.execute("INSERT OR IGNORE INTO event_former SELECT story_id, event_id "
                   "FROM accounts WHERE event_id IS NOT NULL AND event_id != id")
        for table in ("links", "account_keys", "accounts", "events"):
            db.execute(f"DELETE FROM {table}")

    def account_ids(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT id FROM accounts")}

    def remove_accounts(self, db: sqlite3.Connection, ids: Iterable[str]) -> set[str]:
        """Drop accounts (their keys and links go with them); the events they were in."""
        events: set[str] = set()
        for chunk in _chunks(sorted(ids)):
            events |= {r[0] for r in db.execute(
                f"SELECT DISTINCT event_id FROM accounts WHERE id IN ({_marks(chunk)})",
                chunk)}
            db.execute(f"DELETE FROM accounts WHERE id IN ({_marks(chunk)})", chunk)
        return events

    def add_account(self, db: sqlite3.Connection, acc: Account, keys: list[str],
                    event: str, stored: tuple[str, str] | None = None) -> None:
        """File an account under its keys; ``stored``: its ``Account.stored()``, when it was
        made elsewhere (by a worker)."""
        data, probe = stored or acc.stored()
        db.execute("INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?)",
                   (acc.id, acc.story_id, event, data, tool_version(), vocabulary_digest()))
        db.execute("INSERT OR REPLACE INTO account_probes VALUES (?, ?)", (acc.id, probe))
        db.executemany("INSERT OR IGNORE INTO account_keys VALUES (?, ?)",
                       [(k, acc.id) for k in keys])

    def filed_under(self, keys: list[str]) -> list[Account]:
        """The accounts filed under any of ``keys`` (candidates for one comparison), as
        linking reads them: decoded from their probes (:meth:`filed_probes`)."""
        return [Account.from_probe(json.loads(probe)) for _, probe in self.filed_probes(keys)]

    def filed_probes(self, keys: list[str], read: MutableMapping[str, str] | None = None
                     ) -> list[tuple[str, str]]:
        """(id, probe JSON) of the accounts filed under any of ``keys``, in order of id, not
        decoded: for the workers to decode and compare (``linking.make_links``).

        ``read`` keeps probes read before (a cache the caller may bound): a busy key (a
        province and a month) is probed by many new accounts."""
        read = {} if read is None else read
        # an account's keys go with it (ON DELETE CASCADE): no join with accounts, which
        # cost a lookup a row (0.29 -> 0.17 ms an account at 100k generated reports)
        found = {r[0] for r in select_in(
            self.db, "SELECT DISTINCT account_id FROM account_keys WHERE key IN ({})", keys)}
        got = {k: read[k] for k in found if k in read}
        for aid, probe in select_in(self.db, "SELECT account_id, probe FROM account_probes "
                                    "WHERE account_id IN ({})", found - got.keys()):
            got[aid] = read[aid] = probe
        return [(k, got[k]) for k in sorted(found)]

    def add_links(self, db: sqlite3.Connection, links: Iterable[Link]) -> None:
        db.executemany("INSERT OR REPLACE INTO links VALUES (?, ?, ?, ?)", (
            (link.a, link.b, link.score, json.dumps(link.why, ensure_ascii=False,
                                                    sort_keys=True)) for link in links))

    def event_of(self, account_ids: Iterable[str]) -> set[str]:
        events: set[str] = set()
        for chunk in _chunks(sorted(set(account_ids))):
            events |= {r[0] for r in self.db.execute(
                f"SELECT event_id FROM accounts WHERE id IN ({_marks(chunk)})", chunk)}
        return events

    def account_ids_in(self, event_ids: Iterable[str]) -> set[str]:
        return {r[0] for r in select_in(
            self.db, "SELECT id FROM accounts WHERE event_id IN ({})", event_ids)}

    def linked_with(self, account_ids: Iterable[str], most: int | None = None
                    ) -> set[str] | None:
        """These accounts and every account a chain of links joins to them; None when
        they are more than ``most``."""
        seen = set(account_ids)
        frontier = set(seen)
        while frontier:
            if most is not None and len(seen) > most:
                return None
            found = {r[0] for r in select_in(self.db, "SELECT b FROM links WHERE a IN ({})",
                                             frontier)}
            found |= {r[0] for r in select_in(self.db, "SELECT a FROM links WHERE b IN ({})",
                                              frontier)}
            frontier = found - seen
            seen |= frontier
        return seen

    def account_stories_in(self, event_ids: Iterable[str]) -> dict[str, str]:
        """Account id -> its story's id, for the accounts of these events."""
        return {r[0]: r[1] for r in select_in(
            self.db, "SELECT id, story_id FROM accounts WHERE event_id IN ({})", event_ids)}

    def briefs_of(self, account_ids: Iterable[str]) -> list[Brief]:
        """These accounts as grouping reads them, in order of id."""
        fields = ", ".join(f"json_extract(data, '$.{name}')" for name in
                           ("region", "city", "places", "when", "precision", "published"))
        return sorted((Brief(r[0], r[1], _one(r[2]), _one(r[3]),
                             tuple(map(sys.intern, json.loads(r[4] or "[]"))), _one(r[5]),
                             _one(r[6]), _one(r[7]))
                       for r in select_in(self.db, f"SELECT id, story_id, {fields} FROM "
                                          "accounts WHERE id IN ({})", account_ids)),
                      key=lambda b: b.id)

    def accounts_by_id(self, account_ids: Iterable[str], whole: bool = True
                       ) -> dict[str, Account]:
        """These accounts; ``whole=False`` leaves out their claims and reports (empty), which
        linking never reads: read from their probes (``Account.probe``), a third of the cost
        of reading them whole."""
        if whole:
            return {r[0]: Account.from_dict(json.loads(r[1])) for r in select_in(
                self.db, "SELECT id, data FROM accounts WHERE id IN ({})", account_ids)}
        return {r[0]: Account.from_probe(json.loads(r[1])) for r in select_in(
            self.db, "SELECT account_id, probe FROM account_probes WHERE account_id IN ({})",
            account_ids)}

    def links_among(self, account_ids: Iterable[str]) -> Iterator[tuple[str, str, float]]:
        """(a, b, score) of the links between two of these accounts, as they are read."""
        for (a, b), score in self._links(account_ids, "score"):
            yield a, b, float(score)

    def stored_accounts(self, account_ids: Iterable[str]
                        ) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
        """These accounts' JSON and the links among them (why, as JSON), as stored: cheap
        to send to a worker process, which decodes them."""
        ids = set(account_ids)
        data = {r[0]: r[1] for r in select_in(
            self.db, "SELECT id, data FROM accounts WHERE id IN ({})", ids)}
        return data, dict(self._links(ids, "why"))

    def _links(self, account_ids: Iterable[str], column: str
               ) -> Iterator[tuple[tuple[str, str], Any]]:
        ids = set(account_ids)
        for a, b, value in select_in(self.db, f"SELECT a, b, {column} FROM links "
                                     "WHERE a IN ({})", ids):
            if b in ids:
                yield (a, b), value

    def put_events(self, db: sqlite3.Connection, gone: Iterable[str],
                   events: Iterable[EventRow]) -> None:
        """Replace the events ``gone`` by ``events``."""
        for chunk in _chunks(sorted(set(gone))):
            db.execute(f"DELETE FROM events WHERE id IN ({_marks(chunk)})", chunk)
        for event in events:
            db.execute("INSERT OR REPLACE INTO events VALUES (?, ?, ?, ?, ?, ?)",
                       (event.id, event.origins, event.reports, event.conflicts,
                        event.first_published, event.record))
            # an account already in the event is left alone: an update writes the whole row
            # again (its data, several KB), and tells the search index the story changed
            for chunk in _chunks(sorted(event.account_ids)):
                db.execute(f"UPDATE accounts SET event_id = ? WHERE id IN ({_marks(chunk)}) "
                           "AND event_id != ?", [event.id, *chunk, event.id])

    # -- reading --------------------------------------------------------------------------

    def events(self, min_origins: int = 1) -> Iterator[dict[str, Any]]:
        """Every event's record, most-corroborated first (origins, then reports)."""
        for row in self.db.execute(
                "SELECT record FROM events WHERE origins >= ? "
                "ORDER BY origins DESC, reports DESC, first_published, id", (min_origins,)):
            yield json.loads(row[0])

    def events_of_story(self, story_id: str) -> dict[str, tuple[str, int]]:
        """A story's incident ids -> (their event's id, its number of origins)."""
        return {row[0]: (row[1], int(row[2])) for row in self.db.execute(
            "SELECT json_extract(a.data, '$.incident_id'), e.id, e.origins FROM accounts a "
            "JOIN events e ON e.id = a.event_id WHERE a.story_id = ?", (story_id,))}

    def event(self, event_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT record FROM events WHERE id = ?",
                              (event_id,)).fetchone()
        return json.loads(row[0]) if row else None
