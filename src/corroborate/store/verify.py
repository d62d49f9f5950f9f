"""``verify``: the custody log, the archive and the database, checked against each other.

What it proves is written out in docs/custody.md. In short, without an anchor: the log is
one unbroken chain; every archived file has the hash it was logged with and nothing is
archived unlogged; the database's captures and receipts say what the log says; every
indexed report, with its incidents and facts, is byte for byte what was recorded when it
was indexed (its digest is in the log); with ``deep``, re-deriving each capture from its
archived bytes gives those same reports. It reads only, so it runs on a read-only copy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .crypto import SealError
from .custody import GENESIS, Problem, receipt_row, walk
from .digest import report_digest

if TYPE_CHECKING:
    from . import Store

__all__ = ["LogSummary", "read_log", "verify"]

LOG = "custody.log"


class LogSummary:
    """What a walk of the log found: its entries by kind, the head, the problems."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.by_seq: dict[int, dict[str, Any]] = {}
        self.captured: dict[str, tuple[int, dict[str, Any]]] = {}
        self.indexed: dict[str, dict[str, Any]] = {}
        self.count = 0
        self.head = GENESIS
        self.end = 0  # bytes up to the end of the last entry's line


def read_log(store: Store) -> LogSummary:
    """Walk the chain from the first line, without changing anything."""
    found = LogSummary()
    path = store.root / LOG
    if not path.exists():
        return found
    for link in walk(path, store.keys):
        line = link.line
        where = f"{LOG} line {line.number}"
        if link.blank:
            found.problems.append(Problem(where, "is blank: the file was edited outside "
                                                 "corroborate (no entry is missing for it)",
                                          fatal=False))
            continue
        found.problems.extend(Problem(where, what) for what in link.wrong)
        entry = line.entry
        if entry is None or not isinstance(entry.get("hash"), str):
            continue
        found.count += 1
        found.end = line.offset + len(line.raw)
        found.head = entry["hash"]
        found.by_seq.setdefault(int(entry.get("seq") or 0), entry)
        event, sha = entry.get("event", "captured"), entry.get("sha256")
        if event == "captured":
            found.captured.setdefault(str(sha), (line.number, entry))
        elif event == "indexed":
            found.indexed[str(sha)] = entry
    return found


def verify(store: Store, deep: bool = False, anchor: Any = None,
           trusted_key: str | None = None) -> list[Problem]:
    """Every problem found, fatal or not (see the module docstring); with ``anchor`` (a
    parsed anchor file), whether the log still holds what it pinned."""
    found = read_log(store)
    problems = found.problems
    staged = set(store.archive.in_flight())
    problems += _archive(store, found, staged)
    problems += _captures(store, found, staged)
    problems += _receipts(store, found)
    problems += _reports(store, found)
    if deep:
        from ..overlay import applied
        from .deep import rederive

        with applied(store):  # derived again with the vocabularies ingest now uses
            problems += rederive(store, found.indexed, found.captured)
    if anchor is not None:
        from .anchor import check_anchor

        problems += check_anchor(anchor, store.collection_id, found.by_seq, trusted_key,
                                 store.root / LOG)
    return problems


def _archive(store: Store, found: LogSummary, staged: set[str]) -> Iterator[Problem]:
    for sha, (line, _entry) in found.captured.items():
        where = _where(store, sha)
        if not store.archive.path(sha).is_file():
            if sha in staged and _intact(store, sha, staged=True):
                yield Problem(where, f"is logged (line {line}) and its bytes are staged: an "
                              f"ingest was killed before moving them in; the next one does",
                              fatal=False)
            else:
                yield Problem(where, f"is missing (logged at {LOG} line {line})")
            continue
        try:
            actual = store.archive.digest(sha)
        except SealError as exc:
            yield Problem(where, f"was altered: it no longer opens ({exc})")
            continue
        except OSError as exc:
            yield Problem(where, f"cannot be read ({exc.strerror})")
            continue
        if actual != sha:
            yield Problem(where, f"was altered: its SHA-256 is now {actual}")
    # anything else in the archive, wherever it is, was not put there by a logged capture
    for stray in store.archive.strays(found.captured):
        yield Problem(f"archive/{stray}", "has no custody log entry (or is not where its "
                                          "name says it belongs)")
    for sha in sorted(staged - set(found.captured)):
        if _intact(store, sha, staged=True):
            yield Problem(f"archive/.staging/{store.archive.name(sha)}", "was received but "
                          "not yet logged (an ingest in progress, or one that was killed: "
                          "the next one finishes it)", fatal=False)
        else:
            yield Problem(f"archive/.staging/{store.archive.name(sha)}", "is staged under a "
                          "name its bytes do not hash to: planted or damaged")


def _intact(store: Store, sha: str, staged: bool = False) -> bool:
    try:
        return store.archive.digest(sha, staged=staged) == sha
    except (OSError, SealError):
        return False


def _where(store: Store, sha: str) -> str:
    """A capture's archive file, named by its hash (and its blind name when encrypted)."""
    name = store.archive.name(sha)
    where = f"archive/{name[:2]}/{name[2:4]}/{name}"
    return where if name == sha else f"{where} (capture {sha})"


_CAPTURE_FIELDS = ("origin", "size", "media_type", "captured_at", "tool_version")


def _captures(store: Store, found: LogSummary, staged: set[str]) -> Iterator[Problem]:
    rows = {r["sha256"]: r for r in store.db.execute("SELECT * FROM captures")}
    for sha, row in rows.items():
        where = f"database capture {sha}"
        if sha not in found.captured:
            if row["status"] == "pending" and sha in staged:
                continue
            yield Problem(where, "is not in the custody log")
            continue
        line, entry = found.captured[sha]
        for name in _CAPTURE_FIELDS:
            if row[name] != entry.get(name):
                yield Problem(where, f"says {name} {row[name]!r} where {LOG} line {line} "
                                     f"says {entry.get(name)!r}")
    for sha, (line, _entry) in found.captured.items():
        if sha not in rows:
            yield Problem(f"{LOG} line {line}", f"logs capture {sha}, which the database "
                          f"does not hold (a row deleted, or a forged entry)")


def _receipts(store: Store, found: LogSummary) -> Iterator[Problem]:
    rows = {r["seq"]: tuple(r) for r in store.db.execute(
        "SELECT seq, event, sha256, origin, at, size, reason FROM receipts")}
    for seq, entry in found.by_seq.items():
        logged = receipt_row(seq, entry)
        if logged is None:
            continue
        held = rows.pop(seq, None)
        where = f"{LOG} entry {seq} ({logged[1]})"
        if held is None:
            yield Problem(where, "has no receipt in the database")
        elif held != logged:
            yield Problem(where, f"differs from its receipt in the database: {held[1:]!r}")
    for seq in sorted(rows):
        if seq == found.count + 1 and len(rows) == 1:  # the one a kill can leave
            yield Problem(f"database receipt {seq}", "was written just before a log entry "
                          "that a kill or a failed write prevented; the next writer drops it",
                          fatal=False)
        else:
            yield Problem(f"database receipt {seq}", "is not in the custody log")


def _reports(store: Store, found: LogSummary) -> Iterator[Problem]:
    db = store.db
    status = {r["sha256"]: r["status"] for r in db.execute("SELECT sha256, status FROM captures")}
    held: dict[str, dict[str, str]] = {}
    for row in db.execute("SELECT id, capture_sha256, digest FROM reports"):
        held.setdefault(row["capture_sha256"], {})[row["id"]] = row["digest"]
    for sha, reports in held.items():
        if sha not in status:
            yield Problem(f"reports of {sha}", f"{len(reports)} report(s) from a capture the "
                                               f"database does not hold")
    for sha, state in status.items():
        if state != "indexed":
            yield Problem(f"capture {sha}", "is archived and logged but not yet indexed (an "
                          "interrupted ingest; the next ingest derives it again from the "
                          "archive)", fatal=False)
            yield from _pending(db, sha, held.get(sha, {}), found.indexed.get(sha))
            continue
        entry = found.indexed.get(sha)
        if entry is None:
            yield Problem(f"capture {sha}", "is indexed in the database, but the log has no "
                          "record of its reports (`corroborate reprocess` records them)")
            continue
        yield from _compare(db, sha, held.get(sha, {}), entry.get("reports") or {})


def _pending(db: sqlite3.Connection, sha: str, held: dict[str, str],
             entry: dict[str, Any] | None) -> Iterator[Problem]:
    """Reports of a capture not (or no longer) marked indexed: each must still match the
    digest it was stored with and, made by the version that logged them, the log."""
    logged = (entry or {}).get("reports") or {}
    for rid, stored in sorted(held.items()):
        row = db.execute("SELECT tool_version, vocab_digest FROM reports WHERE id = ?",
                         (rid,)).fetchone()
        same = entry is not None and tuple(row) == (entry.get("tool_version"),
                                                     entry.get("vocab_digest"))
        if report_digest(db, rid) != stored or (same and rid in logged
                                                 and logged[rid] != stored):
            yield Problem(f"report {rid}", "was changed in the database after it was stored "
                          "(it differs from its digest)")


def _compare(db: sqlite3.Connection, sha: str, held: dict[str, str],
             logged: dict[str, str]) -> Iterator[Problem]:
    for rid in sorted(set(logged) - set(held)):
        yield Problem(f"report {rid}", f"was indexed from capture {sha} but is gone from the "
                                       f"database")
    for rid in sorted(set(held) - set(logged)):
        yield Problem(f"report {rid}", f"is in the database but was never indexed from "
                                       f"capture {sha}")
    for rid in sorted(set(held) & set(logged)):
        if report_digest(db, rid) != logged[rid]:
            yield Problem(f"report {rid}", "was changed in the database after it was indexed "
                          "(its text, metadata, incidents or facts differ from the digest "
                          "in the custody log)")
