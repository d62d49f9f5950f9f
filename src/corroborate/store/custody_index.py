"""What a writer looks up in the custody log, kept beside it in ``custody.index``.

For every input a writer asks the log: were these bytes captured before, and where is that
capture's first entry; was this origin taken or refused already; do a capture's reports
differ from those its last ``indexed`` entry names. Answered from memory, that cost ~340
bytes a capture; and reading the whole log and checking its chain each time a writer
opened it cost 28 us an entry (about a minute a writer, whatever it adds, for a collection
of a million one-file captures).

So the answers live in a small SQLite file next to the log (SQLCipher, keyed like the
database, in an encrypted collection), with a *mark*: how many bytes, lines and entries of
the log they cover, the last entry's hash, and the SHA-256 of the log's bytes up to there.
A writer streams the log's first ``end`` bytes through SHA-256 (about 1.5 GB/s): the same
digest means the same bytes, so the same entries it checked before, and only the lines
after the mark are read and checked entry by entry. Any other digest, a log shorter than
the mark, a missing or unreadable index: the index is emptied and made again from the
whole log, checking every entry as before. The index is derived from the log: deleting it
loses nothing, and its mark moves in the same transaction as its rows, so it never covers
an entry it does not hold.

A writer's lookups are point queries: what it holds in memory no longer grows with the log.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import CollectionError
from .crypto import Keys, connect_database
from .driver import ERRORS

__all__ = ["INDEX_SUFFIX", "LogIndex", "Mark", "index_path"]

log = logging.getLogger(__name__)

INDEX_SUFFIX = ".index"
_VERSION = "1"
_BULK_CACHE_KB = 64 * 1024
_SCHEMA = """
CREATE TABLE IF NOT EXISTS mark (
    one INTEGER PRIMARY KEY CHECK (one = 1), version TEXT NOT NULL, end_offset INTEGER NOT NULL,
    lines INTEGER NOT NULL, entries INTEGER NOT NULL, last_hash TEXT NOT NULL,
    digest BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS captured (
    sha256 TEXT PRIMARY KEY, seq INTEGER NOT NULL, offset INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS captured_order ON captured (seq);
CREATE TABLE IF NOT EXISTS indexed (sha256 TEXT PRIMARY KEY, digest BLOB NOT NULL)
    WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seen (key BLOB PRIMARY KEY) WITHOUT ROWID;
"""
# a file that is not an index, or not under this collection's key, is made again
_UNREADABLE: tuple[type[Exception], ...] = (*ERRORS, OSError, ValueError, CollectionError)
# tables emptied when the index is made again from the whole log
_TABLES = ("mark", "captured", "indexed", "seen")


def index_path(log_path: Path) -> Path:
    return log_path.with_name(log_path.name + INDEX_SUFFIX)


@dataclass(frozen=True)
class Mark:
    """How much of the log the index covers, and the SHA-256 of those bytes."""

    end: int = 0
    lines: int = 0
    entries: int = 0
    last_hash: str = "0" * 64  # custody.GENESIS: the log imports this module
    digest: bytes = hashlib.sha256().digest()


class LogIndex:
    """The index file of one log: opened (made again if it cannot be read), its rows
    written by :meth:`captured`, :meth:`indexed` and :meth:`seen`, and made durable with
    the mark by :meth:`commit`."""

    def __init__(self, path: Path, keys: Keys | None = None) -> None:
        self.path = path
        self.keys = keys
        try:
            self.db = _connect(path, keys)
        except _UNREADABLE as exc:
            self.remake(exc)

    def remake(self, why: Exception) -> None:
        """An empty index in place of one that cannot be read (derived from the log, it
        is made again from it)."""
        log.warning("%s cannot be read (%s): making it again from the log", self.path, why)
        if getattr(self, "db", None) is not None:
            self.db.close()
        for stale in _files(self.path):
            stale.unlink(missing_ok=True)
        self.db = _connect(self.path, self.keys)

    def close(self) -> None:
        self.db.close()

    def mark(self) -> Mark | None:
        row = self.db.execute("SELECT version, end_offset, lines, entries, last_hash, digest "
                              "FROM mark").fetchone()
        if row is None or row[0] != _VERSION:
            return None
        return Mark(int(row[1]), int(row[2]), int(row[3]), str(row[4]), bytes(row[5]))

    def clear(self) -> None:
        """Empty, to be made again from the whole log: with a larger page cache until the
        next commit (rows keyed by hashes land on random pages: at 100k captures the
        default 2 MB made the first open 2x slower)."""
        for table in _TABLES:
            self.db.execute(f"DELETE FROM {table}")
        self.db.execute(f"PRAGMA cache_size = -{_BULK_CACHE_KB}")

    def captured(self, sha256: str, seq: int, offset: int) -> None:
        """A ``captured`` entry: only a capture's first is kept."""
        self.db.execute("INSERT OR IGNORE INTO captured VALUES (?, ?, ?)",
                        (sha256, seq, offset))

    def indexed(self, sha256: str, digest: bytes) -> None:
        """An ``indexed`` entry: a capture's last supersedes the ones before."""
        self.db.execute("INSERT OR REPLACE INTO indexed VALUES (?, ?)", (sha256, digest))

    def seen(self, key: bytes) -> None:
        self.db.execute("INSERT OR IGNORE INTO seen VALUES (?)", (key,))

    def commit(self, mark: Mark, settle: bool = False) -> None:
        """The rows written since the last commit, with the mark they bring the index to;
        ``settle`` after making it again: its write-ahead log is folded into the file
        (left, 180 MB of it at a million captures made the next open read it whole)."""
        self.db.execute("INSERT OR REPLACE INTO mark VALUES (1, ?, ?, ?, ?, ?, ?)",
                        (_VERSION, mark.end, mark.lines, mark.entries, mark.last_hash,
                         mark.digest))
        self.db.commit()
        self.db.execute("PRAGMA cache_size = -2000")  # SQLite's default
        if settle:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _one(self, sql: str, *args: Any) -> Any:
        """The first column of the first row, or None."""
        try:
            row = self.db.execute(sql, args).fetchone()
        except ERRORS as exc:  # damaged since it was opened: say what to do
            raise CollectionError(f"{self.path.name} cannot be read ({exc}); delete it and "
                                  f"the next writer makes it again from the custody log"
                                  ) from exc
        return None if row is None else row[0]

    def offset(self, sha256: str) -> int | None:
        found = self._one("SELECT offset FROM captured WHERE sha256 = ?", sha256)
        return None if found is None else int(found)

    def indexed_digest(self, sha256: str) -> bytes | None:
        found = self._one("SELECT digest FROM indexed WHERE sha256 = ?", sha256)
        return None if found is None else bytes(found)

    def has_seen(self, key: bytes) -> bool:
        return self._one("SELECT 1 FROM seen WHERE key = ?", key) is not None

    def capture_count(self) -> int:
        return int(self._one("SELECT count(*) FROM captured"))

    def captures(self, page: int = 1000) -> Iterator[str]:
        """Every capture's SHA-256 in the order of its first entry, read a page at a time
        (a million captures are not held at once)."""
        after = 0
        while True:
            rows = self.db.execute("SELECT seq, sha256 FROM captured WHERE seq > ? "
                                   "ORDER BY seq LIMIT ?", (after, page)).fetchall()
            yield from (str(sha) for _, sha in rows)
            if len(rows) < page:
                return
            after = int(rows[-1][0])


def _files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def _connect(path: Path, keys: Keys | None) -> sqlite3.Connection:
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    db = connect_database(path, keys, isolation_level="DEFERRED")
    # WAL with NORMAL: a commit is atomic, and one lost to a power cut only moves the mark
    # back (the lines after it are read again)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.executescript(_SCHEMA)
    return db
