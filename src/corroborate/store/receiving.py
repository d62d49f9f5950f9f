"""What the store records of each input: the custody side of :class:`~.Store`.

Steps 1 to 4 of a capture (the module docstring of ``store`` lists them all): the bytes
staged, the capture's pending row and receipt, its ``captured`` entry, the bytes moved
into the archive; the ``received`` and ``refused`` entries; and, when a writer opens the
collection, what a killed writer left half done (:meth:`Receiving._recover`). The custody
log itself is ``custody.py``; what a writer looks up in it, ``custody_index.py``.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from ..errors import CollectionError, LogDamaged
from ..faults import checkpoint
from ..model import Capture
from ..provenance import tool_version
from .archive import Archive
from .crypto import Keys
from .custody import LOG_NAME, CustodyLog, entries, now, receipt_row

__all__ = ["Receiving"]

log = logging.getLogger(__name__)


class Receiving:
    """Captures, receipts and refusals: written to the archive, the database and the
    custody log in an order a kill at any step can resume from."""

    db: sqlite3.Connection
    root: Path
    keys: Keys | None
    archive: Archive

    @property
    def log(self) -> CustodyLog:
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def _recover(self, custody: CustodyLog) -> None:
        with self.transaction() as db:
            ahead = [r[0] for r in db.execute("SELECT seq FROM receipts WHERE seq > ?",
                                              (custody.count,))]
            if ahead and ahead != [custody.count + 1]:
                # a kill leaves at most the one receipt of the entry being appended
                raise LogDamaged(
                    f"the database holds receipts for log entries {ahead[0]}..{ahead[-1]}, "
                    f"but the custody log ends at entry {custody.count}: entries were cut "
                    f"from the log; nothing is written until this is looked into "
                    f"(`corroborate verify`)")
            # the receipt of an append that a kill prevented
            db.execute("DELETE FROM receipts WHERE seq > ?", (custody.count,))
        for sha, meta in self.archive.staged():
            if not custody.has_capture(sha):
                if meta.get("sha256") != sha or self.archive.digest(sha, staged=True) != sha:
                    log.warning("staged %s does not hash to its name: left for verify", sha)
                    continue
                self._log_capture(_capture(meta), custody, meta.get("options"))
            self.archive.commit(sha)
        with self.transaction() as db:
            # pending rows of captures never logged, whose bytes were never staged whole
            stale = [r[0] for r in db.execute("SELECT sha256 FROM captures WHERE status = "
                                              "'pending'") if not custody.has_capture(r[0])]
            for sha in stale:
                if not db.execute("SELECT 1 FROM reports WHERE capture_sha256 = ?",
                                  (sha,)).fetchone():
                    db.execute("DELETE FROM captures WHERE sha256 = ?", (sha,))

    def archive_capture(self, capture: Capture, data: bytes | Path,
                        options: dict[str, Any] | None = None) -> Capture:
        """Stage, log and archive bytes (steps 1-4); returns the capture as first logged.

        Bytes already logged are not logged again: a new origin gets a ``received`` entry,
        and an archive file gone missing is put back (its hash proves it is the same).
        """
        custody = self.log
        first = custody.captured_entry(capture.sha256)
        if first is not None:
            self.received(capture.sha256, capture.origin, capture.captured_at)
            if not self.archive.has(capture.sha256):
                self.archive.stage(capture.sha256, data, _meta(capture))
                self.archive.commit(capture.sha256)
            return _capture(first)
        meta = _meta(capture) | ({"options": options} if options else {})
        self.archive.stage(capture.sha256, data, meta)
        self._log_capture(capture, custody, options)
        self.archive.commit(capture.sha256)
        return capture

    def _log_capture(self, capture: Capture, custody: CustodyLog,
                     options: dict[str, Any] | None = None) -> None:
        fields = _meta(capture) | ({"options": options} if options else {})
        self._record(custody, "captured", fields, capture)

    def received(self, sha256: str, origin: str, at: str | None = None) -> None:
        """Record bytes already held, received again from an origin not yet recorded."""
        if not self.log.has_seen(sha256, origin):
            self._record(self.log, "received", {"sha256": sha256, "origin": origin,
                                                "received_at": at or now()})

    def refused(self, origin: str, reason: str, sha256: str | None = None,
                size: int | None = None) -> None:
        """Record an input (or a record inside one) that was not taken, and why."""
        if not self.log.has_seen(sha256, origin, reason):
            self._record(self.log, "refused", {
                "sha256": sha256, "origin": origin, "size": size, "reason": reason,
                "received_at": now(), "tool_version": tool_version()})

    def _record(self, custody: CustodyLog, event: str, fields: dict[str, Any],
                capture: Capture | None = None) -> None:
        """Write an event's receipt (and a new capture's pending row) to the database, then
        log it; if logging fails, drop the receipt again."""
        with self.transaction() as db:
            if capture is not None:
                db.execute(
                    "INSERT OR IGNORE INTO captures VALUES (?, ?, ?, ?, ?, ?, 'pending')",
                    (capture.sha256, capture.origin, capture.size, capture.media_type,
                     capture.captured_at, capture.tool_version))
            receipt = receipt_row(custody.count + 1, {"event": event, **fields})
            assert receipt is not None, event
            db.execute("INSERT OR REPLACE INTO receipts VALUES (?, ?, ?, ?, ?, ?, ?)", receipt)
        if capture is not None:
            checkpoint("db-pending")
        try:
            custody.append(event, **fields)
        except CollectionError:
            with self.transaction() as db:
                db.execute("DELETE FROM receipts WHERE seq > ?", (custody.count,))
            raise

    def backfill_receipts(self) -> int:
        """Receipts for log entries the database lacks (collections made before receipts
        were kept); returns how many were added. Called inside :meth:`writing`."""
        added = 0
        with self.transaction() as db:
            for entry in entries(self.root / LOG_NAME, self.keys):  # streamed, as above
                row = receipt_row(int(entry.get("seq") or 0), entry)
                if row is not None:
                    added += db.execute("INSERT OR IGNORE INTO receipts VALUES "
                                        "(?, ?, ?, ?, ?, ?, ?)", row).rowcount
        return added

    def capture_status(self, sha256: str) -> str | None:
        row = self.db.execute("SELECT status FROM captures WHERE sha256 = ?",
                              (sha256,)).fetchone()
        return row["status"] if row else None

    def recorded_options(self, sha256: str) -> dict[str, Any]:
        """The capture options a capture was first read with (its ``captured`` entry)."""
        return dict((self.log.captured_entry(sha256) or {}).get("options") or {})

    def pending(self) -> list[Capture]:
        """Captures logged and archived but not fully indexed (an interrupted ingest)."""
        # a capture's row says indexed only after it was logged (and a log cut short under
        # the database stops the writer in _recover): as many indexed as logged, none left
        count = self.db.execute("SELECT count(*) FROM captures WHERE status = 'indexed'")
        if count.fetchone()[0] == self.log.capture_count():
            return []
        indexed = {r["sha256"] for r in self.db.execute(
            "SELECT sha256 FROM captures WHERE status = 'indexed'")}
        return [_capture(entry) for sha in self.log.captures()
                if sha not in indexed and self.archive.has(sha)
                and (entry := self.log.captured_entry(sha)) is not None]


def _meta(capture: Capture) -> dict[str, Any]:
    return {"sha256": capture.sha256, "origin": capture.origin, "size": capture.size,
            "media_type": capture.media_type, "captured_at": capture.captured_at,
            "tool_version": capture.tool_version}


def _capture(entry: dict[str, Any]) -> Capture:
    return Capture(entry["sha256"], entry["origin"], entry["size"], entry["media_type"],
                   entry["captured_at"], entry["tool_version"])
