"""Reading a collection's database: reports, incidents, stories, search, receipts."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from .. import textsearch
from ..errors import CollectionError
from ..model import Evidence, Fact, Incident, Report, Story, StoryMember
from ..stories import Fingerprint
from .driver import ERRORS, is_postgres
from .storytables import FINGERPRINT_ROWS, fingerprint_of_row

__all__ = ["MAX_LIMIT", "MAX_QUERY_TERMS", "Reading", "StoredRows", "incidents_of"]

MAX_LIMIT = 1000
# FTS5 expands every prefix term over the index; thousands of them run unbounded
MAX_QUERY_TERMS = 64
_TERM = re.compile(r'"[^"]*"|[^\s()"]+')
_BAD_QUERY: tuple[type[Exception], ...] = (textsearch.QueryError, *ERRORS)


class Reading:
    """Read-only queries, shared by a writable and a read-only store."""

    db: sqlite3.Connection

    def stories_stale(self) -> bool:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'stories_stale'").fetchone()
        return bool(row and row["value"] == "1")

    def fingerprints(self) -> Iterator[Fingerprint]:
        yield from map(fingerprint_of_row, self.db.execute(FINGERPRINT_ROWS))

    def report(self, report_id: str) -> Report | None:
        # not the fingerprint's blobs (a third of a row), which a Report does not hold
        row = self.db.execute(f"SELECT {_REPORT_COLUMNS} FROM reports WHERE id = ?",
                              (report_id,)).fetchone()
        return _report(row) if row else None

    def reports(self) -> Iterator[Report]:
        for row in self.db.execute("SELECT * FROM reports ORDER BY id"):
            yield _report(row)

    def incidents(self, report_id: str | None = None) -> list[Incident]:
        if report_id:
            return _read_incidents(self.db.execute(_BY_REPORT, (report_id,)))
        return _read_incidents(self.db.execute(_INCIDENTS.format("")))

    def incident_rows(self, report_id: str | None = None, *, incident_id: str | None = None
                      ) -> StoredRows:
        """A report's incidents (or one incident) as stored: (column names, rows of plain
        values), cheap to send to a worker process, where :func:`incidents_of` makes them
        incidents."""
        cursor = self.db.execute(_BY_REPORT, (report_id,)) if incident_id is None else \
            self.db.execute(_BY_ID, (incident_id,))
        rows = [tuple(r) for r in cursor]
        return tuple(d[0] for d in cursor.description), rows

    def incident(self, incident_id: str) -> Incident | None:
        found = _read_incidents(self.db.execute(_BY_ID, (incident_id,)))
        return found[0] if found else None

    def stories(self) -> list[Story]:
        members: dict[str, list[StoryMember]] = {}
        for row in self.db.execute(
                "SELECT * FROM story_members ORDER BY story_id, canonical DESC, report_id"):
            members.setdefault(row["story_id"], []).append(StoryMember(
                row["report_id"], bool(row["canonical"]), row["containment"], row["jaccard"],
                tuple(json.loads(row["adds"])), tuple(json.loads(row["lacks"]))))
        return [Story(row["id"], row["canonical_report_id"], tuple(members.get(row["id"], ())))
                for row in self.db.execute("SELECT * FROM stories ORDER BY id")]

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Full-text search over report titles and text (FTS5 query syntax); Korean words
        are found inside longer words (혜산 in 혜산시에서: :mod:`corroborate.textsearch`).
        The best ``limit`` by FTS5 rank among the newest (last added) RANK_WINDOW (2,000)
        matches: a common word is not ranked in every report (docs/search.md, "Relevance").

        At most :data:`MAX_LIMIT` hits and :data:`MAX_QUERY_TERMS` terms: a query past
        either is refused rather than left to run unbounded.
        """
        if not 1 <= limit <= MAX_LIMIT:
            raise CollectionError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
        if len(_TERM.findall(query)) > MAX_QUERY_TERMS:
            raise CollectionError(f"a search may hold at most {MAX_QUERY_TERMS} terms")
        try:
            best = textsearch.ranked(self.db, query, textsearch.newest(self.db, query))
            return self._search_hits(query, best[:limit].tolist())
        except _BAD_QUERY as exc:
            raise CollectionError(f"bad search query {query!r}: {exc}") from exc

    def _search_hits(self, query: str, rowids: list[int]) -> list[dict[str, Any]]:
        """The reports of ``rowids`` in that order, each with its snippet: FTS5's own, or
        for a report in Korean found by a query with Korean words, one made from its text
        (the Hangul index holds no text)."""
        made = (textsearch.hangul_snippets(self.db, rowids, query, "[", "]", 12)
                if textsearch.has_hangul(query) or is_postgres(self.db) else {})
        made |= textsearch.fts_snippets(self.db, [r for r in rowids if r not in made], query,
                                        "[", "]", 12)
        found = []
        for rowid in rowids:
            row = dict(self.db.execute(
                "SELECT id, title, published, outlet, origin FROM reports WHERE rowid = ?",
                (rowid,)).fetchone())
            row["snippet"] = made[rowid]
            found.append(row)
        return found

    def receipts(self, event: str | None = None) -> list[dict[str, Any]]:
        """What the custody log records receiving, as mirrored in the database."""
        return list(self.iter_receipts(event))

    def iter_receipts(self, event: str | None = None) -> Iterator[dict[str, Any]]:
        """:meth:`receipts` streamed (two a capture: two million for a million files)."""
        where, args = ("WHERE event = ?", (event,)) if event else ("", ())
        for row in self.db.execute(f"SELECT * FROM receipts {where} ORDER BY seq", args):
            yield dict(row)

    def counts(self) -> dict[str, int]:
        return {table: int(self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                for table in ("captures", "reports", "incidents", "stories")}


_REPORT_FIELDS = ("id", "capture_sha256", "locator", "origin", "media_type", "text", "url",
                  "title", "published", "outlet", "language")
_REPORT_COLUMNS = ", ".join((*_REPORT_FIELDS, "detail"))


def _report(row: sqlite3.Row) -> Report:
    detail = json.loads(row["detail"])
    data = {k: row[k] for k in _REPORT_FIELDS}
    return Report.from_dict({**data, **detail})


_INCIDENTS = ("SELECT f.*, i.report_id AS incident_report FROM incidents i "
              "JOIN facts f ON f.incident_id = i.id {} ORDER BY i.report_id, i.id, f.position")
_BY_REPORT = _INCIDENTS.format("WHERE i.report_id = ?")
_BY_ID = _INCIDENTS.format("WHERE i.id = ?")
StoredRows = tuple[tuple[str, ...], list[tuple[Any, ...]]]


def _read_incidents(cursor: sqlite3.Cursor) -> list[Incident]:
    return _incidents((d[0] for d in cursor.description), cursor)


def incidents_of(stored: StoredRows) -> list[Incident]:
    """The incidents of :meth:`incident_rows`'s rows (pure: a worker process runs it)."""
    return _incidents(*stored)


_FACT_COLUMNS = ("field", "value", "label", "report_id", "start", "end", "quote", "attrs",
                 "incident_id", "incident_report")


def _incidents(names: Iterable[str], rows: Iterable[Any]) -> list[Incident]:
    """Incidents from rows of ``_INCIDENTS`` (``names``: its columns), read by position: a
    dictionary made of each row cost a tenth of making an account of the incident."""
    at = {name: i for i, name in enumerate(names)}
    field, value, label, report, start, end, quote, attrs, incident, incident_report = (
        at[column] for column in _FACT_COLUMNS)
    grouped: dict[str, tuple[str, list[Fact]]] = {}
    for row in rows:
        fact = Fact(row[field], row[value], row[label],
                    Evidence(row[report], row[start], row[end], row[quote]),
                    json.loads(row[attrs]))
        grouped.setdefault(row[incident], (row[incident_report], []))[1].append(fact)
    return [Incident(iid, rid, tuple(facts)) for iid, (rid, facts) in grouped.items()]
