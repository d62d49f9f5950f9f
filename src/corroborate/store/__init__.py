"""The store: every write corroborate makes goes through here.

A collection is a folder::

    collection/
      corroborate.sqlite   derived: reports, incidents, stories, full-text index
      archive/             primary: captured bytes, content-addressed (see archive.py)
      custody.log          primary: hash-chained record of every capture

A capture is written in this order: archive file, custody entry, then one database
transaction for the capture row and one per report. A process killed at any point leaves
either nothing, or a capture that is archived and logged but not (fully) indexed: such a
capture stays ``pending`` and the next ingest finishes it from the archive.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import CollectionError
from ..model import Capture, Incident, Report, Story, StoryMember
from ..stories import Fingerprint
from .archive import Archive, CustodyLog, Problem, check_log
from .schema import migrate

__all__ = ["DB_NAME", "Problem", "Store"]

DB_NAME = "corroborate.sqlite"
LOG_NAME = "custody.log"


class Store:
    """One collection: its database, archive and custody log."""

    def __init__(self, root: Path, db: sqlite3.Connection) -> None:
        self.root = root
        self.db = db
        self.archive = Archive(root / "archive")
        self._log: CustodyLog | None = None

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def init(cls, path: str | Path) -> Store:
        """Create a collection at ``path`` (an existing empty folder is fine)."""
        root = Path(path)
        if (root / DB_NAME).exists():
            raise CollectionError(f"{root} already holds a collection")
        root.mkdir(parents=True, exist_ok=True)
        (root / "archive").mkdir(exist_ok=True)
        return cls._connect(root)

    @classmethod
    def open(cls, path: str | Path) -> Store:
        root = Path(path)
        if not (root / DB_NAME).exists():
            raise CollectionError(
                f"no collection at {root}: create one with `corroborate init {root}`")
        return cls._connect(root)

    @classmethod
    def _connect(cls, root: Path) -> Store:
        db = sqlite3.connect(root / DB_NAME, isolation_level=None, timeout=30)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode = WAL")
        # WAL with NORMAL survives a killed process; the archive and custody log, from which
        # the database can be rebuilt, are fsynced on every write.
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        migrate(db)
        return cls(root, db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def log(self) -> CustodyLog:
        if self._log is None:
            self._log = CustodyLog(self.root / LOG_NAME)
        return self._log

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- writing -------------------------------------------------------------------------

    def capture_status(self, sha256: str) -> str | None:
        row = self.db.execute("SELECT status FROM captures WHERE sha256 = ?",
                              (sha256,)).fetchone()
        return row["status"] if row else None

    def archive_capture(self, capture: Capture, data: bytes) -> Capture:
        """Archive bytes, log custody, record the capture as pending.

        Returns the capture as first logged (a re-archived capture keeps its first
        origin and time).
        """
        self.archive.put(capture.sha256, data)
        entry = self.log.append(capture)
        logged = Capture(entry["sha256"], entry["origin"], entry["size"], entry["media_type"],
                         entry["captured_at"], entry["tool_version"])
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO captures VALUES (?, ?, ?, ?, ?, ?, 'pending')",
                (logged.sha256, logged.origin, logged.size, logged.media_type,
                 logged.captured_at, logged.tool_version))
        return logged

    def has_report(self, report_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM reports WHERE id = ?",
                               (report_id,)).fetchone() is not None

    def add_report(self, report: Report, fp: Fingerprint, incidents: list[Incident]) -> None:
        """Store one report with its fingerprint and incidents, in one transaction."""
        detail = json.dumps({"bylines": [b.__dict__ for b in report.bylines],
                             "segments": [s.__dict__ for s in report.segments],
                             "removed": list(report.removed)}, ensure_ascii=False)
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM reports WHERE id = ?", (report.id,)).fetchone():
                return
            cur = db.execute(
                "INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (report.id, report.capture_sha256, report.locator, report.origin,
                 report.media_type, report.url, report.title, report.published, report.outlet,
                 report.language, report.text, detail, fp.shingles.astype("<u4").tobytes(),
                 fp.minhash.astype("<u4").tobytes()))
            db.execute("INSERT INTO reports_fts(rowid, title, text) VALUES (?, ?, ?)",
                       (cur.lastrowid, report.title or "", report.text))
            for incident in incidents:
                db.execute("INSERT OR IGNORE INTO incidents VALUES (?, ?)",
                           (incident.id, incident.report_id))
                db.executemany(
                    "INSERT OR IGNORE INTO facts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(incident.id, i, f.field, f.value, f.label, f.evidence.report_id,
                      f.evidence.start, f.evidence.end, f.evidence.quote,
                      json.dumps(f.attrs, ensure_ascii=False, sort_keys=True))
                     for i, f in enumerate(incident.facts)])
            db.execute("INSERT OR REPLACE INTO meta VALUES ('stories_stale', '1')")

    def mark_indexed(self, sha256: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE captures SET status = 'indexed' WHERE sha256 = ?", (sha256,))

    def pending(self) -> list[Capture]:
        """Captures archived and logged but not fully indexed (an interrupted ingest)."""
        rows = {r["sha256"]: r for r in self.db.execute(
            "SELECT * FROM captures WHERE status = 'indexed'")}
        out = []
        for sha, entry in self.log.entries.items():
            if sha not in rows and self.archive.has(sha):
                out.append(Capture(sha, entry["origin"], entry["size"], entry["media_type"],
                                   entry["captured_at"], entry["tool_version"]))
        return out

    def replace_stories(self, stories: list[Story]) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM story_members")
            db.execute("DELETE FROM stories")
            for story in stories:
                db.execute("INSERT INTO stories VALUES (?, ?)",
                           (story.id, story.canonical_report_id))
                db.executemany(
                    "INSERT INTO story_members VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(m.report_id, story.id, int(m.canonical), m.containment, m.jaccard,
                      json.dumps(m.adds, ensure_ascii=False),
                      json.dumps(m.lacks, ensure_ascii=False)) for m in story.members])
            db.execute("INSERT OR REPLACE INTO meta VALUES ('stories_stale', '0')")

    # -- reading -------------------------------------------------------------------------

    def stories_stale(self) -> bool:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'stories_stale'").fetchone()
        return bool(row and row["value"] == "1")

    def fingerprints(self) -> Iterator[Fingerprint]:
        for row in self.db.execute("SELECT id, published, shingles, minhash FROM reports"):
            yield Fingerprint(row["id"], np.frombuffer(row["shingles"], dtype="<u4"),
                              np.frombuffer(row["minhash"], dtype="<u4"), row["published"])

    def report(self, report_id: str) -> Report | None:
        row = self.db.execute("SELECT * FROM reports WHERE id = ?", (report_id,)).fetchone()
        return _report(row) if row else None

    def reports(self) -> Iterator[Report]:
        for row in self.db.execute("SELECT * FROM reports ORDER BY id"):
            yield _report(row)

    def incidents(self, report_id: str | None = None) -> list[Incident]:
        where, args = ("WHERE i.report_id = ?", (report_id,)) if report_id else ("", ())
        rows = self.db.execute(
            f"SELECT f.*, i.report_id AS incident_report FROM incidents i "
            f"JOIN facts f ON f.incident_id = i.id {where} "
            f"ORDER BY i.report_id, i.id, f.position", args)
        return _incidents(rows)

    def incident(self, incident_id: str) -> Incident | None:
        rows = self.db.execute(
            "SELECT f.*, i.report_id AS incident_report FROM incidents i "
            "JOIN facts f ON f.incident_id = i.id WHERE i.id = ? ORDER BY f.position",
            (incident_id,))
        found = _incidents(rows)
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
        """Full-text search over report titles and text (FTS5 query syntax)."""
        try:
            rows = self.db.execute(
                "SELECT r.id, r.title, r.published, r.outlet, r.origin, "
                "snippet(reports_fts, 1, '[', ']', ' … ', 12) AS snippet "
                "FROM reports_fts JOIN reports r ON r.rowid = reports_fts.rowid "
                "WHERE reports_fts MATCH ? ORDER BY rank LIMIT ?", (query, limit)).fetchall()
        except sqlite3.OperationalError as exc:
            raise CollectionError(f"bad search query {query!r}: {exc}") from exc
        return [dict(r) for r in rows]

    def counts(self) -> dict[str, int]:
        return {table: int(self.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                for table in ("captures", "reports", "incidents", "stories")}

    # -- custody -------------------------------------------------------------------------

    def verify(self) -> list[Problem]:
        """Check the archive against the custody log and the database; name every problem.

        Non-fatal problems (``fatal=False``) are captures an interrupted ingest left
        pending: consistent, and finished by the next ingest.
        """
        problems, logged = check_log(self.root / LOG_NAME)
        archived = set(self.archive)
        for sha, line in logged.items():
            where = f"archive/{sha[:2]}/{sha[2:4]}/{sha}"
            if sha not in archived:
                problems.append(Problem(where, f"is missing (logged at {LOG_NAME} line {line})"))
                continue
            actual = self.archive.digest(sha)
            if actual != sha:
                problems.append(Problem(where, f"was altered: its SHA-256 is now {actual}"))
        for sha in sorted(archived - set(logged)):
            problems.append(Problem(f"archive/{sha[:2]}/{sha[2:4]}/{sha}",
                                    "has no custody log entry"))
        indexed = set()
        for row in self.db.execute("SELECT sha256, status FROM captures"):
            if row["sha256"] not in logged:
                problems.append(Problem(f"capture {row['sha256']}",
                                        "is in the database but not in the custody log"))
            elif row["status"] == "indexed":
                indexed.add(row["sha256"])
        for sha in logged:
            if sha not in indexed and sha in archived:
                problems.append(Problem(f"capture {sha}", "is archived and logged but not yet "
                                        "indexed (an interrupted ingest; the next ingest "
                                        "finishes it)", fatal=False))
        return problems


def _report(row: sqlite3.Row) -> Report:
    detail = json.loads(row["detail"])
    data = {k: row[k] for k in ("id", "capture_sha256", "locator", "origin", "media_type",
                                "text", "url", "title", "published", "outlet", "language")}
    return Report.from_dict({**data, **detail})


def _incidents(rows: Iterator[sqlite3.Row] | sqlite3.Cursor) -> list[Incident]:
    from ..model import Evidence, Fact

    grouped: dict[str, tuple[str, list[Fact]]] = {}
    for row in rows:
        fact = Fact(row["field"], row["value"], row["label"],
                    Evidence(row["report_id"], row["start"], row["end"], row["quote"]),
                    json.loads(row["attrs"]))
        grouped.setdefault(row["incident_id"], (row["incident_report"], []))[1].append(fact)
    return [Incident(iid, rid, tuple(facts)) for iid, (rid, facts) in grouped.items()]
