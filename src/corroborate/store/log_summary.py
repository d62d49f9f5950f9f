"""What ``verify`` learns from one walk of the custody log, kept on disk, not in memory.

verify checks the log's chain from the first line, then compares what the log says with
the archive and the database. Holding every entry for that cost ~4 KB a capture (427 MB
for a log of 100k one-file captures, about 4 GB at a million). So the walk leaves in a
temporary SQLite file only where to find what the checks ask for: each entry's hash and
the receipt it is mirrored as, by ``seq``; each capture's first ``captured`` and last
``indexed`` entry, as byte offsets into the log that are read back when compared; and
each capture's archive file name, so the archive's strays are found by name. What the
process holds no longer grows with the log.

The file names origins and reports. In a plain collection it is SQLite's anonymous
database, whose file is unlinked as it is made (nothing is left, even by a killed verify);
in an encrypted one, SQLCipher keyed like the database, in a private temporary folder
deleted when the summary is closed. The log is not written while
verify runs (it holds the writers' lock shared), so an offset read back finds the line
the walk checked.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from .crypto import Keys, connect_database
from .custody import GENESIS, LOG_NAME, Link, Problem, read_entry, receipt_row, walk

__all__ = ["LogSummary", "summarise"]

_BATCH = 5_000
_INTEGER = (-(1 << 63), (1 << 63) - 1)  # what an SQLite INTEGER holds
_SCHEMA = """
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -16384;
CREATE TABLE entries (seq INTEGER PRIMARY KEY, hash TEXT NOT NULL, receipt TEXT);
CREATE TABLE captured (sha256 TEXT PRIMARY KEY, line INTEGER NOT NULL,
                       offset INTEGER NOT NULL, name TEXT) WITHOUT ROWID;
CREATE TABLE indexed (sha256 TEXT PRIMARY KEY, offset INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE held (sha256 TEXT PRIMARY KEY) WITHOUT ROWID;
"""
# made after the walk: one sort instead of an index kept up entry by entry
_INDEXES = """
CREATE INDEX captured_line ON captured (line);
CREATE INDEX captured_name ON captured (name) WHERE name IS NOT NULL;
"""


class LogSummary:
    """A walk's findings: the chain's problems, head and size in memory; the entries the
    checks look up in a temporary file (see the module docstring). Close it, or use it
    as a context manager, to delete that file."""

    def __init__(self, log: Path, keys: Keys | None) -> None:
        self.log = log
        self.keys = keys
        self.problems: list[Problem] = []
        self.count = 0
        self.head = GENESIS
        self.end = 0  # bytes up to the end of the last entry's line
        self._folder: Path | None = None
        if keys is None:
            # an anonymous database: SQLite unlinks its file as it creates it, so nothing
            # is left behind even by a verify that is killed
            self._db: sqlite3.Connection = sqlite3.connect("")
        else:  # SQLCipher keeps an anonymous database in memory: a file, sealed
            self._folder = Path(tempfile.mkdtemp(prefix="corroborate-verify-"))
            try:
                self._db = connect_database(self._folder / "log.db", keys)
            except BaseException:
                shutil.rmtree(self._folder, ignore_errors=True)
                raise
        self._reader: BinaryIO | None = None
        try:
            self._db.executescript(_SCHEMA)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> LogSummary:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        self._db.close()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)

    # -- the walk --------------------------------------------------------------------

    def read(self, name: Callable[[str], str] | None) -> None:
        """Walk the log from its first line; ``name`` gives a capture's archive name.
        Without it only the chain is checked: nothing is kept to look up."""
        if not self.log.exists():
            return
        rows: dict[str, list[tuple[Any, ...]]] = {"entries": [], "captured": [],
                                                  "indexed": []}
        for link in walk(self.log, self.keys):
            entry = self._checked(link)
            if entry is None or name is None:
                continue
            seq = _seq(entry)
            receipt = receipt_row(seq, entry)
            rows["entries"].append((seq, _key(entry["hash"]),
                                    None if receipt is None else json.dumps(receipt)))
            event, sha = entry.get("event", "captured"), _key(str(entry.get("sha256")))
            if event == "captured":
                blind = name(sha)  # kept only where it is not the hash (encrypted)
                rows["captured"].append((sha, link.line.number, link.line.offset,
                                         None if blind == sha else blind))
            elif event == "indexed":
                rows["indexed"].append((sha, link.line.offset))
            if len(rows["entries"]) >= _BATCH:
                self._store(rows)
        self._store(rows)
        self._db.executescript(_INDEXES)

    def _checked(self, link: Link) -> dict[str, Any] | None:
        """A line's problems noted; its entry, if it is one (JSON with a hash)."""
        line = link.line
        where = f"{LOG_NAME} line {line.number}"
        if link.blank:
            self.problems.append(Problem(where, "is blank: the file was edited outside "
                                                "corroborate (no entry is missing for it)",
                                         fatal=False))
            return None
        self.problems.extend(Problem(where, what) for what in link.wrong)
        entry = line.entry
        if entry is None or not isinstance(entry.get("hash"), str):
            return None
        self.count += 1
        self.end = line.offset + len(line.raw)
        self.head = entry["hash"]
        return entry

    def _store(self, rows: dict[str, list[tuple[Any, ...]]]) -> None:
        # the first entry of a seq and the first ``captured`` entry of a capture count
        # (a repeated one is a chain problem already named); the last ``indexed`` does
        db = self._db
        db.executemany("INSERT OR IGNORE INTO entries VALUES (?, ?, ?)", rows["entries"])
        db.executemany("INSERT OR IGNORE INTO captured VALUES (?, ?, ?, ?)", rows["captured"])
        db.executemany("INSERT OR REPLACE INTO indexed VALUES (?, ?)", rows["indexed"])
        for batch in rows.values():
            batch.clear()

    # -- what the checks ask ---------------------------------------------------------

    def _entry_at(self, offset: int) -> dict[str, Any]:
        if self._reader is None:
            self._reader = open(self.log, "rb")
        return read_entry(self._reader, offset, self.keys)

    def hash_at(self, seq: int) -> str | None:
        """The hash of the entry numbered ``seq`` (its first, if the log repeats it)."""
        if not isinstance(seq, int) or not _INTEGER[0] <= seq <= _INTEGER[1]:
            return None  # a seq no entry can have (an anchor's is only checked as signed)
        row = self._db.execute("SELECT hash FROM entries WHERE seq = ?", (seq,)).fetchone()
        return None if row is None else str(row[0])

    def receipts(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        """Each entry mirrored as a database receipt, as that receipt's row, by seq."""
        for seq, receipt in self._db.execute(
                "SELECT seq, receipt FROM entries WHERE receipt IS NOT NULL ORDER BY seq"):
            yield int(seq), tuple(json.loads(receipt))

    def capture_count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM captured").fetchone()[0])

    def captures(self) -> Iterator[tuple[str, int]]:
        """Every logged capture and the line of its first ``captured`` entry, in log order."""
        for sha, line in self._db.execute("SELECT sha256, line FROM captured ORDER BY line"):
            yield str(sha), int(line)

    def captured(self, sha256: str) -> tuple[int, dict[str, Any]] | None:
        """A capture's first ``captured`` entry and its line; None if it was never logged."""
        row = self._db.execute("SELECT line, offset FROM captured WHERE sha256 = ?",
                               (sha256,)).fetchone()
        return None if row is None else (int(row[0]), self._entry_at(int(row[1])))

    def is_logged(self, sha256: str) -> bool:
        return self._db.execute("SELECT 1 FROM captured WHERE sha256 = ?",
                                (sha256,)).fetchone() is not None

    def names_logged(self, name: str) -> bool:
        """Whether ``name`` is the archive name of a logged capture."""
        return self._db.execute(
            "SELECT 1 FROM captured WHERE name = ?", (name,)
        ).fetchone() is not None or self._db.execute(
            "SELECT 1 FROM captured WHERE sha256 = ? AND name IS NULL", (name,)
        ).fetchone() is not None

    def indexed(self, sha256: str) -> dict[str, Any] | None:
        """A capture's last ``indexed`` entry (the reports it was last indexed with)."""
        row = self._db.execute("SELECT offset FROM indexed WHERE sha256 = ?",
                               (sha256,)).fetchone()
        return None if row is None else self._entry_at(int(row[0]))

    def indexed_captures(self) -> Iterator[str]:
        """Every capture the log says was indexed, by hash."""
        for (sha,) in self._db.execute("SELECT sha256 FROM indexed ORDER BY sha256"):
            yield str(sha)

    def hold(self, shas: Iterable[str]) -> None:
        """Note captures the database holds, for :meth:`unheld`."""
        self._db.executemany("INSERT OR IGNORE INTO held VALUES (?)", ((s,) for s in shas))

    def unheld(self) -> Iterator[tuple[str, int]]:
        """Logged captures not passed to :meth:`hold`, in log order."""
        for sha, line in self._db.execute(
                "SELECT sha256, line FROM captured c WHERE NOT EXISTS "
                "(SELECT 1 FROM held h WHERE h.sha256 = c.sha256) ORDER BY line"):
            yield str(sha), int(line)


def _seq(entry: dict[str, Any]) -> int:
    """An entry's seq as the checks look it up; 0 where it is not a number SQLite can
    hold (a forged or edited entry: the walk has named it out of order already)."""
    try:
        seq = int(entry.get("seq") or 0)
    except (TypeError, ValueError, OverflowError):
        return 0
    return seq if _INTEGER[0] <= seq <= _INTEGER[1] else 0


def _key(text: str) -> str:
    """A string SQLite can hold: one with a lone surrogate (from a ``\\ud800`` escape in an
    edited line, already named as damage) with it replaced."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


def summarise(log: Path, keys: Keys | None,
              name: Callable[[str], str] | None) -> LogSummary:
    """Walk ``log`` into a new summary (the caller closes it); ``name`` as for
    :meth:`LogSummary.read`."""
    found = LogSummary(log, keys)
    try:
        found.read(name)
    except BaseException:
        found.close()
        raise
    return found
