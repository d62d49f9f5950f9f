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
from .custody import LOG_NAME, Problem
from .digest import report_digest
from .log_summary import LogSummary, summarise

if TYPE_CHECKING:
    from . import Store

__all__ = ["LogSummary", "read_log", "verify"]

LOG = LOG_NAME
_PAGE = 2_000  # database rows read at a time: what verify holds does not grow with them
_MOST_HELD = 20_000  # reports held at a time, unless one capture has more


def read_log(store: Store, lookups: bool = True) -> LogSummary:
    """Walk the chain from the first line, without changing anything (close the summary
    it returns, or use it in a ``with``); without ``lookups``, only its problems, head
    and size are kept."""
    return summarise(store.root / LOG, store.keys, store.archive.name if lookups else None)


def verify(store: Store, deep: bool = False, anchor: Any = None,
           trusted_key: str | None = None) -> list[Problem]:
    """Every problem found, fatal or not (see the module docstring); with ``anchor`` (a
    parsed anchor file), whether the log still holds what it pinned."""
    with read_log(store) as found:
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
                problems += rederive(store, found)
        if anchor is not None:
            from .anchor import check_anchor

            problems += check_anchor(anchor, store.collection_id, found.hash_at,
                                     trusted_key, store.root / LOG)
        return problems


def _pages(db: sqlite3.Connection, select: str, key: str) -> Iterator[list[Any]]:
    """``select``'s rows in pages of ``_PAGE``, in the order of ``key`` (a unique column
    it names first), each page its own query: a large table is never read whole. Rows
    whose key is NULL (only a hand-made row has one) come last, in a page of their own."""
    page = db.execute(f"{select} WHERE {key} IS NOT NULL ORDER BY {key} LIMIT ?",
                      (_PAGE,)).fetchall()
    while page:
        yield page
        page = db.execute(f"{select} WHERE {key} > ? ORDER BY {key} LIMIT ?",
                          (page[-1][0], _PAGE)).fetchall()
    unkeyed = db.execute(f"{select} WHERE {key} IS NULL").fetchall()
    if unkeyed:
        yield unkeyed


def _archive(store: Store, found: LogSummary, staged: set[str]) -> Iterator[Problem]:
    for sha, line in found.captures():
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
    for stray in store.archive.strays(found.names_logged):
        yield Problem(f"archive/{stray}", "has no custody log entry (or is not where its "
                                          "name says it belongs)")
    for sha in sorted(s for s in staged if not found.is_logged(s)):
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
    for page in _pages(store.db, "SELECT sha256, status, " + ", ".join(_CAPTURE_FIELDS)
                       + " FROM captures", "sha256"):
        found.hold(row["sha256"] for row in page if row["sha256"] is not None)
        for row in page:
            sha = row["sha256"]
            where = f"database capture {sha}"
            logged = found.captured(sha)
            if logged is None:
                if row["status"] == "pending" and sha in staged:
                    continue
                yield Problem(where, "is not in the custody log")
                continue
            line, entry = logged
            for name in _CAPTURE_FIELDS:
                if row[name] != entry.get(name):
                    yield Problem(where, f"says {name} {row[name]!r} where {LOG} line {line} "
                                         f"says {entry.get(name)!r}")
    for sha, line in found.unheld():
        yield Problem(f"{LOG} line {line}", f"logs capture {sha}, which the database "
                      f"does not hold (a row deleted, or a forged entry)")


def _receipts(store: Store, found: LogSummary) -> Iterator[Problem]:
    """The log's receipts and the database's, both in seq order, walked side by side."""
    held = (tuple(row) for page in _pages(
        store.db, "SELECT seq, event, sha256, origin, at, size, reason FROM receipts",
        "seq") for row in page)
    extra: list[int] = []  # database receipts the log does not have
    row = next(held, None)
    for seq, logged in found.receipts():
        while row is not None and row[0] < seq:
            extra.append(row[0])
            row = next(held, None)
        where = f"{LOG} entry {seq} ({logged[1]})"
        if row is None or row[0] != seq:
            yield Problem(where, "has no receipt in the database")
            continue
        if row != logged:
            yield Problem(where, f"differs from its receipt in the database: {row[1:]!r}")
        row = next(held, None)
    while row is not None:
        extra.append(row[0])
        row = next(held, None)
    for seq in extra:
        if seq == found.count + 1 and len(extra) == 1:  # the one a kill can leave
            yield Problem(f"database receipt {seq}", "was written just before a log entry "
                          "that a kill or a failed write prevented; the next writer drops it",
                          fatal=False)
        else:
            yield Problem(f"database receipt {seq}", "is not in the custody log")


def _reports(store: Store, found: LogSummary) -> Iterator[Problem]:
    db = store.db
    for row in db.execute("SELECT capture_sha256, count(*) FROM reports r WHERE NOT EXISTS "
                          "(SELECT 1 FROM captures c WHERE c.sha256 = r.capture_sha256) "
                          "GROUP BY capture_sha256 ORDER BY capture_sha256"):
        yield Problem(f"reports of {row[0]}", f"{row[1]} report(s) from a capture the "
                                              f"database does not hold")
    for page in _pages(db, "SELECT sha256, status FROM captures", "sha256"):
        held = _held_reports(db, page)
        for sha, state in page:
            reports = _reports_of(db, sha) if held is None else held.get(sha, {})
            if state != "indexed":
                yield Problem(f"capture {sha}", "is archived and logged but not yet indexed "
                              "(an interrupted ingest; the next ingest derives it again from "
                              "the archive)", fatal=False)
                yield from _pending(db, sha, reports, found.indexed(sha))
                continue
            entry = found.indexed(sha)
            if entry is None:
                yield Problem(f"capture {sha}", "is indexed in the database, but the log has "
                              "no record of its reports (`corroborate reprocess` records them)")
                continue
            yield from _compare(db, sha, reports, entry.get("reports") or {})


def _held_reports(db: sqlite3.Connection, page: list[Any]) -> dict[str, dict[str, str]] | None:
    """The reports of a page of captures, by capture: id -> digest, in one query; None
    where the page has more than ``_MOST_HELD`` (then read a capture at a time)."""
    held: dict[str, dict[str, str]] = {}
    if page[0][0] is None:  # captures without a hash: no report can name one
        return held
    rows = db.execute("SELECT capture_sha256, id, digest FROM reports WHERE capture_sha256 "
                      ">= ? AND capture_sha256 <= ? LIMIT ?",
                      (page[0][0], page[-1][0], _MOST_HELD + 1)).fetchall()
    if len(rows) > _MOST_HELD:
        return None
    for row in rows:
        held.setdefault(row[0], {})[row[1]] = row[2]
    return held


def _reports_of(db: sqlite3.Connection, sha: str) -> dict[str, str]:
    return {row[0]: row[1] for row in db.execute(
        "SELECT id, digest FROM reports WHERE capture_sha256 = ?", (sha,))}


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
