"""Writing one derived report's rows: shared by ingest and by ``verify --deep``.

A report is written in two halves. :func:`report_rows` is pure: it turns a report, its
fingerprint and incidents into the values of its rows and their digest, and an ingest's
workers run it, so the single writer neither encodes JSON nor reads a report back to
digest it (that was half of the writer's time per report). :func:`insert_rows` writes
those values, in the writer's transaction.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from typing import Any, NamedTuple

from .. import textsearch
from ..model import Incident, Report
from ..stories import Fingerprint, opening_minhash
from .digest import digest_of, report_digest

__all__ = ["ReportRows", "insert_report", "insert_rows", "report_rows"]

log = logging.getLogger(__name__)

_INSERT = ("INSERT INTO reports (id, capture_sha256, locator, origin, media_type, url, title, "
           "published, outlet, language, text, detail, tool_version, vocab_digest, shingles, "
           "minhash, digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


class ReportRows(NamedTuple):
    """A derived report as the values of its rows (plain values: cheap to send back from a
    worker process)."""

    id: str
    origin: str
    # the reports row in digest.REPORT_COLUMNS order, then the fingerprint's two blobs
    report: tuple[Any, ...]
    incidents: list[tuple[str, str, str, str]]
    facts: list[tuple[Any, ...]]
    # what report_digest will read back once these rows are stored; None when a value
    # might not read back as it was written (then the writer reads it back)
    digest: str | None
    made: tuple[str, str]
    # the search index's main values of the report (search_index.machine_json), or None
    machine: str | None = None
    # the MinHash of its opening (Fingerprint.opening), stored beside it: the stories
    # refresh files it without reading its text back (0.1 ms a report worked out again)
    opening: bytes | None = None

    @property
    def fingerprint(self) -> Fingerprint:
        """The report's fingerprint."""
        import numpy as np

        opening = opening_minhash(self.report[10]) if self.opening is None \
            else np.frombuffer(self.opening, dtype="<u4")
        return Fingerprint(self.id, np.frombuffer(self.report[14], dtype="<u4"),
                           np.frombuffer(self.report[15], dtype="<u4"), opening,
                           self.report[7])


def report_rows(report: Report, fp: Fingerprint, incidents: list[Incident],
                made: tuple[str, str], machine: str | None = None) -> ReportRows:
    """The rows of a report (``made``: tool version, vocabulary digest, the provenance
    every row carries; ``machine``: its main values for the search index, stored until the
    index reads them) and their digest: pure."""
    detail = json.dumps({"bylines": [b.__dict__ for b in report.bylines],
                         "segments": [s.__dict__ for s in report.segments],
                         "removed": list(report.removed)}, ensure_ascii=False)
    row = (report.id, report.capture_sha256, report.locator, report.origin, report.media_type,
           report.url, report.title, report.published, report.outlet, report.language,
           report.text, detail, *made, fp.shingles.astype("<u4").tobytes(),
           fp.minhash.astype("<u4").tobytes())
    incident_rows = [(incident.id, incident.report_id, *made) for incident in incidents]
    facts = [(incident.id, i, f.field, f.value, f.label, f.evidence.report_id,
              f.evidence.start, f.evidence.end, f.evidence.quote,
              json.dumps(f.attrs, ensure_ascii=False, sort_keys=True))
             for incident in incidents for i, f in enumerate(incident.facts)]
    return ReportRows(report.id, report.origin, row, incident_rows, facts,
                      _digest(row, incident_rows, facts), made, machine,
                      fp.opening.astype("<u4").tobytes())


def _digest(row: tuple[Any, ...], incidents: list[tuple[str, str, str, str]],
            facts: list[tuple[Any, ...]]) -> str | None:
    """report_digest of these rows as they will be stored, worked out from the values; None
    unless every value is of the type its column gives back (TEXT str, INTEGER int) and
    each incident belongs to the report, once (else some row would be read back changed)."""
    if not all(type(v) is str or (v is None and i in _NULLABLE)
               for i, v in enumerate(row[:14])):
        return None
    ids = [r[0] for r in incidents]
    if len(set(ids)) != len(ids) or any(r[1] != row[0] for r in incidents) \
            or not all(type(v) is str for r in incidents for v in r):
        return None
    if not all(type(f[1]) is int and type(f[6]) is int and type(f[7]) is int
               and all(type(f[k]) is str for k in (0, 2, 3, 4, 5, 8, 9)) for f in facts):
        return None
    return digest_of([*row[:14], row[14].hex().upper(), row[15].hex().upper()],
                     sorted([r[0], r[2], r[3]] for r in incidents),
                     sorted(list(f) for f in facts))


# url, title, published, outlet, language
_NULLABLE = frozenset({5, 6, 7, 8, 9})


def insert_rows(db: sqlite3.Connection, rows: ReportRows, made: tuple[str, str]) -> bool:
    """Insert a report's rows, its full-text rows (``reports_fts``, and ``reports_hangul``
    if it holds Hangul), its opening's MinHash (``story_openings``) and digest; False if
    present. Rows made with another ``made`` than the writer's are stamped with the
    writer's."""
    if db.execute("SELECT 1 FROM reports WHERE id = ?", (rows.id,)).fetchone():
        return False
    if rows.made != made:
        log.warning("report %s was made with %s, stored as made with %s (the writer's)",
                    rows.id, "/".join(rows.made), "/".join(made))
        incidents = [(*r[:2], *made) for r in rows.incidents]
        rows = rows._replace(report=(*rows.report[:12], *made, *rows.report[14:]),
                             incidents=incidents, digest=None, made=made, machine=None)
    cur = db.execute(_INSERT, (*rows.report, rows.digest or ""))
    title, text = rows.report[6], rows.report[10]
    db.execute("INSERT INTO reports_fts(rowid, title, text) VALUES (?, ?, ?)",
               (cur.lastrowid, title or "", text))
    textsearch.index_row(db, int(cur.lastrowid or 0), title, text)
    if rows.opening is not None:
        db.execute("INSERT OR REPLACE INTO story_openings VALUES (?, ?)",
                   (rows.id, rows.opening))
    stored = sum(db.execute("INSERT OR IGNORE INTO incidents VALUES (?, ?, ?, ?)",
                            incident).rowcount for incident in rows.incidents)
    if rows.facts:
        stored += db.executemany("INSERT OR IGNORE INTO facts VALUES "
                                 "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows.facts).rowcount
    if rows.digest is None or stored != len(rows.incidents) + len(rows.facts):
        # a row kept out (already there) or a value that may read back otherwise: what is
        # stored is not quite what was sent, so neither its digest nor its main values are
        db.execute("UPDATE reports SET digest = ? WHERE id = ?",
                   (report_digest(db, rows.id), rows.id))
    elif rows.machine is not None:
        # an upsert, not INSERT OR REPLACE: a REPLACE may delete, so it opens a statement
        # journal, and that makes the full-text index write out what it holds of the batch
        # (a segment a report instead of one a transaction: 0.4 ms a report)
        db.execute("INSERT INTO search_machine VALUES (?, ?, ?) ON CONFLICT (report_id) "
                   "DO UPDATE SET machine = excluded.machine, made = excluded.made",
                   (rows.id, rows.machine, " ".join(made)))
    return True


def insert_report(db: sqlite3.Connection, report: Report, fp: Fingerprint,
                  incidents: list[Incident], made: tuple[str, str]) -> bool:
    """:func:`insert_rows` of :func:`report_rows`: a report, its full-text rows, incidents,
    facts and digest; False if present. ``made`` is (tool version, vocabulary digest)."""
    return insert_rows(db, report_rows(report, fp, incidents, made), made)
