"""The store: every write corroborate makes goes through here.

A collection is a folder (0700; its files 0600, archived files 0400, whatever the umask)::

    collection/
      corroborate.sqlite   derived: reports, incidents, stories, full-text index, receipts
      archive/             primary: captured bytes, content-addressed (see archive.py)
      custody.log          primary: hash-chained record of every input (see custody.py)
      custody.log.index    derived: what a writer looks up in the log (custody_index.py)
      encryption.json      only when encrypted: the key file (no secret; see crypto.py)
      database.json        instead of corroborate.sqlite, when the derived tables are on
                           PostgreSQL: its server and schema (postgres.py)
      .lock                held by the one process writing

An encrypted collection (``Store.init(path, passphrase)``) holds the same files, sealed with
keys derived from the passphrase: the database through SQLCipher, archived and staged
files blind-named and sealed (archive.py), each custody-log line sealed (custody.py).
Opening it needs the passphrase; a wrong one is refused before anything is read.

One writer at a time: :meth:`Store.writing` takes the lock, loads the custody log and
checks its chain, and finishes what a killed writer left (receiving.py, which writes steps
1 to 4 too). Every step of a capture is written before the next begins, and each is
resumable:

    1. stage the bytes, then their metadata        (archive/.staging)
    2. database: the capture row (pending) and its receipt
    3. custody log: the ``captured`` entry           (fsynced; the capture now counts)
    4. archive: staged bytes renamed into place, read-only
    5. database: the reports with their digests, a batch to a transaction (all or each)
    6. custody log: the ``indexed`` entry (report ids and digests)
    7. database: the capture marked indexed

A kill after 1 leaves a staged capture that the next writer logs and archives; after 2, a
receipt the log does not have yet (rewritten when the capture is logged); after 3 to 6, a
pending capture that the next ingest indexes from the archive.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .. import textsearch
from ..errors import CollectionBusy, CollectionError
from ..faults import checkpoint
from ..model import Incident, Report
from ..provenance import made, tool_version, vocabulary_digest
from ..stories import Fingerprint
from . import crypto
from .archive import Archive
from .crypto import connect_database
from .custody import LOG_NAME, CustodyLog, LogDamaged, Problem, entries, now
from .custody_index import INDEX_SUFFIX
from .driver import DATABASE_ENV, DATABASE_FILE, ERRORS, OPERATIONAL_ERRORS, use_rows
from .events import EventTables
from .reading import Reading
from .receiving import Receiving
from .rows import ReportRows, insert_rows, report_rows
from .schema import check, migrate
from .storytables import StoryTables

__all__ = ["DB_NAME", "LOG_NAME", "LogDamaged", "Problem", "Store"]

log = logging.getLogger(__name__)

DB_NAME = "corroborate.sqlite"
LOCK_NAME = ".lock"
KEYFILE_NAME = crypto.KEYFILE_NAME


class _NotStored(Exception):
    """A report of a batch could not be stored: the batch is stored again report by
    report (``Store.add_reports``)."""


class Store(Reading, EventTables, StoryTables, Receiving):
    """One collection: its database, archive and custody log."""

    lock_timeout: float = 600.0

    def __init__(self, root: Path, db: sqlite3.Connection, read_only: bool = False,
                 keys: crypto.Keys | None = None) -> None:
        self.root = root
        self.db = db
        self.read_only = read_only
        self.keys = keys
        self.archive = Archive(root / "archive", keys, known=self._logged)
        self._log: CustodyLog | None = None
        self._lock: Any = None
        self._depth = 0

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def init(cls, path: str | Path, passphrase: str | None = None, *,
             scrypt: crypto.ScryptParams = crypto.DEFAULT_SCRYPT,
             database: str | None = None) -> Store:
        """Create a collection at ``path`` (an existing empty folder is fine); with a
        ``passphrase``, an encrypted one (``scrypt``: the key derivation's costs); with a
        ``database`` URL (``postgresql://USER@HOST:PORT/DB``; by default
        ``$CORROBORATE_DATABASE``), one whose tables are on that PostgreSQL server."""
        root = Path(path)
        database = database if database is not None else os.environ.get(DATABASE_ENV) or None
        if Store.exists(root):
            raise CollectionError(f"{root} already holds a collection")
        if passphrase is not None and (root / KEYFILE_NAME).exists():
            raise CollectionError(f"{root} already holds a key file ({KEYFILE_NAME}) but no "
                                  f"database: refusing to replace it")
        if database is not None:
            from .postgres import check_url

            check_url(database, passphrase)
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(root, 0o700)
        (root / "archive").mkdir(mode=0o700, exist_ok=True)
        if database is not None:
            from . import postgres

            made = postgres.create(root, database)
            try:
                return cls._connect(root, db=postgres.as_sqlite(made))
            except BaseException:  # leave no half-made collection behind
                (root / DATABASE_FILE).unlink(missing_ok=True)
                made.close()
                raise
        if passphrase is None:
            # created by us with 0600 so SQLite's -wal and -shm files inherit it
            os.close(os.open(root / DB_NAME, os.O_WRONLY | os.O_CREAT, 0o600))
            return cls._connect(root)
        keys = crypto.create_keyfile(root / KEYFILE_NAME, passphrase, scrypt)
        try:
            os.close(os.open(root / DB_NAME, os.O_WRONLY | os.O_CREAT, 0o600))
            return cls._connect(root, keys)
        except BaseException:  # e.g. no SQLCipher: leave no half-made collection behind
            for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", KEYFILE_NAME):
                (root / name).unlink(missing_ok=True)
            raise

    @staticmethod
    def exists(path: str | Path) -> bool:
        """Whether ``path`` holds a collection (its tables in SQLite or on PostgreSQL)."""
        return (Path(path) / DB_NAME).exists() or (Path(path) / DATABASE_FILE).exists()

    @staticmethod
    def is_encrypted(path: str | Path) -> bool:
        """Whether the collection at ``path`` is encrypted (opening it needs a passphrase)."""
        return (Path(path) / KEYFILE_NAME).exists()

    @classmethod
    def open(cls, path: str | Path, passphrase: str | None = None) -> Store:
        """Open a collection to read and write (an encrypted one with its passphrase)."""
        root = _existing(Path(path))
        return cls._connect(root, _unlock(root, passphrase))

    @classmethod
    def open_read_only(cls, path: str | Path, passphrase: str | None = None) -> Store:
        """Open without writing anything, so a read-only copy can be verified."""
        root = _existing(Path(path))
        keys = _unlock(root, passphrase)
        if (root / DATABASE_FILE).exists():
            return cls._read_only_postgres(root)
        uri = (root / DB_NAME).resolve().as_uri()
        wal = root / f"{DB_NAME}-wal"
        # with no write-ahead log to read, open it immutable: SQLite then creates no
        # shared-memory file and takes no lock, so not one byte of the copy changes
        mode = "mode=ro" if wal.exists() and wal.stat().st_size else "immutable=1"
        try:
            db = connect_database(f"{uri}?{mode}", keys, uri=True)
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except OPERATIONAL_ERRORS as exc:
            raise CollectionError(
                f"cannot read {root / DB_NAME} read-only ({exc}): a read-only copy must be "
                f"taken after the last writer closed it, or with its -wal and -shm files"
            ) from exc
        use_rows(db)
        version = check(db)
        from .schema import MIGRATIONS

        if version != len(MIGRATIONS):
            raise CollectionError(f"the database has schema version {version}; open it "
                                  f"once with `corroborate ingest` to upgrade it first")
        return cls(root, db, read_only=True, keys=keys)

    @classmethod
    def _read_only_postgres(cls, root: Path) -> Store:
        """A read-only session on the collection's schema (the server refuses writes)."""
        db = _connect_postgres(root, read_only=True)
        try:
            version = check(db)
        except BaseException:
            db.close()
            raise
        from .schema import MIGRATIONS

        if version != len(MIGRATIONS):
            db.close()
            raise CollectionError(f"the database has schema version {version}; open it "
                                  f"once with `corroborate ingest` to upgrade it first")
        return cls(root, db, read_only=True)

    @classmethod
    def _connect(cls, root: Path, keys: crypto.Keys | None = None,
                 db: sqlite3.Connection | None = None) -> Store:
        if db is None and (root / DATABASE_FILE).exists():
            db = _connect_postgres(root)
        if db is None:
            db = use_rows(connect_database(root / DB_NAME, keys, isolation_level=None, timeout=30))
        try:
            check(db)
        except CollectionError:
            db.close()
            raise
        except ERRORS as exc:  # not a database at all (or one encrypted, its key file lost)
            db.close()
            raise _unreadable(root, exc) from exc
        db.execute("PRAGMA journal_mode = WAL")
        # WAL with NORMAL survives a killed process; the archive and custody log, from which
        # the database can be rebuilt, are fsynced on every write.
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        migrate(db)
        db.execute("INSERT OR IGNORE INTO meta VALUES ('collection_id', ?)", (uuid.uuid4().hex,))
        return cls(root, db, keys=keys)

    @classmethod
    def attach(cls, root: Path, keys: crypto.Keys | None = None) -> Store:
        """Another connection to a collection this process has opened already (so checked
        and migrated): connecting writes nothing, so it never waits on a writer."""
        if (root / DATABASE_FILE).exists():
            return cls(root, _connect_postgres(root), keys=keys)
        db = use_rows(connect_database(root / DB_NAME, keys, isolation_level=None, timeout=30))
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        return cls(root, db, keys=keys)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one writer ----------------------------------------------------------------------

    @contextmanager
    def locked(self, wait: bool = True) -> Iterator[bool]:
        """Hold the collection's write lock; yields False if ``wait`` is off and it is busy."""
        from filelock import FileLock, Timeout

        if self.read_only:
            raise CollectionError("the collection was opened read-only")
        if self._lock is None:
            self._lock = FileLock(str(self.root / LOCK_NAME), mode=0o600)
        try:
            self._lock.acquire(timeout=self.lock_timeout if wait else 0)
        except Timeout:
            if not wait:
                yield False
                return
            raise CollectionBusy(
                f"another corroborate process has been writing to {self.root} for over "
                f"{self.lock_timeout:.0f} s (lock {LOCK_NAME}); try again when it is done"
            ) from None
        try:
            yield True
        finally:
            self._lock.release()

    @contextmanager
    def writing(self) -> Iterator[CustodyLog]:
        """The lock, the custody log checked to its end, and a killed writer's work done."""
        with self.locked():
            self._depth += 1
            try:
                if self._depth == 1:
                    _tighten(self.root)
                    self._log = CustodyLog(self.root / LOG_NAME, self.keys)
                    self._recover(self._log)
                assert self._log is not None
                yield self._log
            finally:
                self._depth -= 1
                if self._depth == 0 and self._log is not None:
                    self._log.close()
                    self._log = None

    def _logged(self) -> Iterable[str]:
        """The hashes of every logged capture (to map blind archive names back)."""
        if self._log is not None and self._depth > 0:  # the writer's log is the whole log
            return list(self._log.captures())  # read now: the index closes with the writer
        # streamed: the log's entries held whole cost ~2 KB each (427 MB at 100k captures)
        return list(dict.fromkeys(str(e.get("sha256")) for e in entries(self.root / LOG_NAME,
                                                                          self.keys)
                                  if e.get("event", "captured") == "captured"))

    @property
    def log(self) -> CustodyLog:
        if self._log is None or self._depth == 0:
            raise CollectionError("the custody log is written only inside Store.writing()")
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

    # -- derived rows --------------------------------------------------------------------

    def has_report(self, report_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM reports WHERE id = ?",
                               (report_id,)).fetchone() is not None

    def add_report(self, report: Report, fp: Fingerprint, incidents: list[Incident]) -> None:
        """Store one report with its fingerprint, incidents and digest, in one transaction."""
        error = self.add_reports([self.rows_of(report, fp, incidents)])[0]
        if error is not None:
            raise error

    @staticmethod
    def rows_of(report: Report, fp: Fingerprint, incidents: list[Incident]) -> ReportRows:
        """A report's rows as this process would store them (``rows.report_rows``, pure:
        an ingest's workers make them)."""
        return report_rows(report, fp, incidents, made())

    def add_reports(self, items: Sequence[ReportRows]) -> list[Exception | None]:
        """Store reports' rows (step 5) in one transaction: per item, None, or the error that
        kept it out. A commit per report cost as much as its rows (write-ahead log frames
        and a full-text index segment each). A report is all in or all out: if one cannot
        be stored, the transaction is rolled back and the batch stored again, each report
        under a savepoint of its own, so that it is rolled back alone. Not every report
        under one from the start: a savepoint makes the full-text index write out what it
        holds, a segment a report instead of one a batch."""
        stamp = made()
        try:
            with self.transaction() as db:
                for rows in items:
                    try:
                        insert_rows(db, rows, stamp)
                    except ERRORS as exc:
                        raise _NotStored from exc
                db.execute("INSERT OR REPLACE INTO meta VALUES ('stories_stale', '1')")
            out: list[Exception | None] = [None] * len(items)
        except _NotStored:
            out = self._add_each(items, stamp)
        checkpoint("report")
        return out

    def _add_each(self, items: Sequence[ReportRows], stamp: tuple[str, str]
                  ) -> list[Exception | None]:
        out: list[Exception | None] = []
        with self.transaction() as db:
            for rows in items:
                db.execute("SAVEPOINT report")
                try:
                    insert_rows(db, rows, stamp)
                except ERRORS as exc:
                    db.execute("ROLLBACK TO report")
                    out.append(exc)
                else:
                    out.append(None)
                db.execute("RELEASE report")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('stories_stale', '1')")
        return out

    def remove_reports(self, sha256: str) -> None:
        """Drop the reports derived from a capture (to derive them again)."""
        with self.transaction() as db:
            rows = db.execute("SELECT rowid, id, title, text FROM reports WHERE "
                              "capture_sha256 = ?", (sha256,)).fetchall()
            # their stories are taken apart: the other versions are made into stories
            # again by the next refresh, keeping the ids they had
            self.take_apart(db, set(self.story_of(row[1] for row in rows).values()))
            self.remove_bands(db, self.fingerprints_of(row[1] for row in rows))
            for row in rows:
                db.execute("INSERT INTO reports_fts(reports_fts, rowid, title, text) "
                           "VALUES ('delete', ?, ?, ?)", (row[0], row[2] or "", row[3]))
                textsearch.delete_row(db, row[0], row[2], row[3])
                db.execute("DELETE FROM incidents WHERE report_id = ?", (row[1],))
                db.execute("DELETE FROM reports WHERE id = ?", (row[1],))
            db.execute("UPDATE captures SET status = 'pending' WHERE sha256 = ?", (sha256,))
            db.execute("INSERT OR REPLACE INTO meta VALUES ('stories_stale', '1')")

    def mark_indexed(self, sha256: str) -> None:
        """Steps 6 and 7: log the capture's reports and digests, then mark it indexed."""
        digests = {r["id"]: r["digest"] for r in self.db.execute(
            "SELECT id, digest FROM reports WHERE capture_sha256 = ? ORDER BY id", (sha256,))}
        made = {"tool_version": tool_version(), "vocab_digest": vocabulary_digest()}
        if not self.log.indexed_with(sha256, digests):
            self.log.append("indexed", sha256=sha256, reports=digests, indexed_at=now(), **made)
        with self.transaction() as db:
            db.execute("UPDATE captures SET status = 'indexed' WHERE sha256 = ?", (sha256,))
        checkpoint("db-indexed")

    # -- proving ------------------------------------------------------------------------

    @property
    def collection_id(self) -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'collection_id'").fetchone()
        return str(row["value"]) if row else ""

    def verify(self, deep: bool = False, anchor: Any = None,
               trusted_key: str | None = None) -> list[Problem]:
        """Check the log, the archive and the database against each other (see verify.py);
        with ``anchor`` (a parsed anchor file), that the log still holds what it pinned."""
        from .verify import verify

        with self._no_writer():
            return verify(self, deep, anchor, trusted_key)

    @contextmanager
    def _no_writer(self) -> Iterator[None]:
        """Wait for a writer to finish and keep others out (a shared lock on the writers'
        lock file): log, archive and database are then read as one consistent state.
        Works on a read-only copy too; a collection never written has no lock file."""
        import fcntl
        import time

        path = self.root / LOCK_NAME
        if self._depth or not path.exists():
            yield
            return
        fd = os.open(path, os.O_RDONLY)
        try:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise CollectionError(
                            f"a writer has held {self.root} for over {self.lock_timeout:.0f} "
                            f"s: verify when it is done") from None
                    time.sleep(0.05)
            yield
        finally:
            os.close(fd)  # releases the lock

    def anchor(self, key_path: Path) -> dict[str, Any]:
        """Sign the log's head with a key kept outside the collection (see anchor.py)."""
        from .anchor import sign_anchor
        from .verify import read_log

        with read_log(self, lookups=False) as found:
            pass  # the walk's problems, head and size are all an anchor needs
        broken = [p for p in found.problems if p.fatal]
        if broken:
            raise CollectionError(f"the custody log is damaged ({broken[0]}): an anchor "
                                  f"would vouch for it; run `corroborate verify`")
        if found.count == 0:
            raise CollectionError("the custody log is empty: nothing to anchor yet")
        from .anchor import prefix_sha256

        digest = prefix_sha256(self.root / LOG_NAME, found.end)
        assert digest is not None
        return sign_anchor(key_path, self.root, self.collection_id, found.count, found.head,
                           found.end, digest)

    def repair(self) -> dict[str, Any] | None:
        """Move a damaged end of the custody log aside, logging it (see custody.repair)."""
        from .custody import repair

        with self.locked():
            return repair(self.root / LOG_NAME, self.root / "custody.damaged", self.keys)


def _existing(root: Path) -> Path:
    if not Store.exists(root):
        raise CollectionError(
            f"no collection at {root}: create one with `corroborate init {root}`")
    return root


def _unlock(root: Path, passphrase: str | None) -> crypto.Keys | None:
    """The keys of an encrypted collection (checked before anything else is read)."""
    if not (root / KEYFILE_NAME).exists():
        if passphrase is not None:
            raise CollectionError(f"{root} is not encrypted: it takes no passphrase")
        return None
    if passphrase is None:
        raise CollectionError("this collection is encrypted: give its passphrase "
                              "(CORROBORATE_PASSPHRASE or the prompt)")
    return crypto.unlock(root / KEYFILE_NAME, passphrase)


def _connect_postgres(root: Path, read_only: bool = False) -> sqlite3.Connection:
    from . import postgres

    return postgres.open_collection(root, read_only)


def _unreadable(root: Path, exc: Exception) -> CollectionError:
    lost = "" if (root / KEYFILE_NAME).exists() else (
        f" (if the collection was encrypted, its key file {KEYFILE_NAME} is missing)")
    return CollectionError(f"{root / DB_NAME} cannot be read as a database: {exc}{lost}")


def _tighten(root: Path) -> None:
    """Owner-only folders and files, whatever the umask of whoever made them."""
    for path, mode in ((root, 0o700), (root / "archive", 0o700)):
        if path.exists() and path.stat().st_mode & 0o077:
            os.chmod(path, mode)
    index = LOG_NAME + INDEX_SUFFIX
    for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", LOG_NAME, DATABASE_FILE,
                 index, f"{index}-wal", f"{index}-shm"):
        path = root / name
        if path.exists() and path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
