"""The search index's columns as numpy arrays: read once per index generation, cached per
collection in the process, and patched with the rows written since (an ingest's new and
relinked rows, a review decision's row) rather than read again whole. ``search`` computes
facet counts, filters and page orders over them (docs/search.md, "How it is fast")."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .search_index import TOUCHED_KEPT

if TYPE_CHECKING:
    from .store import Store

__all__ = ["CACHE", "SINGLE", "Snapshot", "load", "snapshot"]

Array = npt.NDArray[Any]

SINGLE = ("perpetrator", "country", "region", "outlet", "status")  # one value per row
_STATUS_LABELS = {"unreviewed": "unreviewed", "partly": "partly reviewed",
                  "reviewed": "reviewed"}


@dataclass
class Snapshot:
    """The index's columns as arrays, one slot per row in rowid order."""

    generation: int
    base: int  # the generation of the last rebuild: rows rewritten since can be patched in
    rowids: Array
    codes: dict[str, Array]  # single-valued facet -> value code per slot (-1: none)
    values: dict[str, list[str]]  # facet -> the value of each code
    vslot: Array  # (slot, violation code) per violation of a row
    vcode: Array
    num: dict[str, Array]  # published_day, date_lo, date_hi, month, origins, confidence
    event: Array  # dense event code per slot (a row without an event is its own)
    newest: Array  # slots, newest publication first
    weakest: Array  # slots, lowest confidence first
    labels: dict[tuple[str, str], str]

    def slots(self, rowids: Array) -> Array:
        """The slots of ``rowids`` that the index holds."""
        if not len(self.rowids):
            return np.zeros(0, dtype=np.int64)
        found = np.searchsorted(self.rowids, rowids)
        held = self.rowids[np.minimum(found, len(self.rowids) - 1)] == rowids
        return found[held]  # type: ignore[no-any-return]

    def label(self, facet: str, value: str) -> str:
        if facet == "status":
            return _STATUS_LABELS.get(value, value)
        return self.labels.get((facet, value), value)


def _ints(text: str | None, dtype: Any = np.int64) -> Array:
    """The numbers of a group_concat (parsed in C: no Python object per number)."""
    return np.fromstring(text, dtype=dtype, sep=",") if text else np.zeros(0, dtype=dtype)


_NUMERIC = ("published_day", "date_lo", "date_hi", "month", "origins", "event_key")


def load(db: sqlite3.Connection, generation: int, base: int) -> Snapshot:
    """Each column in one aggregate query (no Python object per row)."""
    cols = ", ".join(f"group_concat({c})" for c in ("report_rowid", *_NUMERIC))
    row = db.execute(f"SELECT {cols}, group_concat(coalesce(confidence, 2.0)) "
                     f"FROM search_index").fetchone()
    rowids = _ints(row[0])
    num = {c: _ints(row[i + 1]) for i, c in enumerate(_NUMERIC)}
    num["confidence"] = _ints(row[len(_NUMERIC) + 1], np.float64)
    if len(rowids) and not bool(np.all(np.diff(rowids) > 0)):  # not read in rowid order
        order = np.argsort(rowids)
        rowids, num = rowids[order], {k: v[order] for k, v in num.items()}
    snap = Snapshot(generation, base, rowids, {}, {}, np.zeros(0, np.int64), np.zeros(0, np.int64),
                     num, np.unique(num["event_key"], return_inverse=True)[1],
                     np.lexsort((-rowids, -num["published_day"])),
                     np.lexsort((-rowids, -num["published_day"], num["confidence"])), {})
    for facet in SINGLE:
        codes = np.full(len(rowids), -1, dtype=np.int64)
        snap.values[facet] = []
        for value, members in db.execute(
                f"SELECT {facet}, group_concat(report_rowid) FROM search_index "
                f"WHERE {facet} IS NOT NULL GROUP BY {facet}"):
            codes[snap.slots(_ints(members))] = len(snap.values[facet])
            snap.values[facet].append(value)
        snap.codes[facet] = codes
    slots, vcodes, snap.values["violation"] = [], [], []
    for value, members in db.execute("SELECT violation, group_concat(report_rowid) FROM "
                                     "search_violations GROUP BY violation"):
        slots.append(snap.slots(_ints(members)))
        vcodes.append(np.full(len(slots[-1]), len(snap.values["violation"]), dtype=np.int64))
        snap.values["violation"].append(value)
    if slots:
        snap.vslot, snap.vcode = np.concatenate(slots), np.concatenate(vcodes)
    snap.labels = {(f, v): label for f, v, label in db.execute("SELECT * FROM search_labels")}
    return snap


CACHE: dict[tuple[str, str], Snapshot] = {}
_LOCK = threading.Lock()


def snapshot(store: Store) -> Snapshot:
    """The index as of now: the cached arrays, patched when only some rows were rewritten
    since (review decisions), read again after a rebuild."""
    meta = dict(store.db.execute("SELECT key, value FROM meta WHERE key IN "
                                 "('search_generation', 'search_base')").fetchall())
    generation, base = int(meta.get("search_generation", 0)), int(meta.get("search_base", 0))
    key = (str(store.root.resolve()), store.collection_id)
    with _LOCK:
        snap = CACHE.get(key)
        if snap is not None and snap.generation == generation:
            return snap
        patched = _patched(store.db, snap, generation) if snap and snap.base == base else None
        snap = patched or load(store.db, generation, base)
        CACHE.pop(key, None)
        if len(CACHE) >= 4:
            CACHE.pop(next(iter(CACHE)))
        CACHE[key] = snap
    return snap


def _patched(db: sqlite3.Connection, snap: Snapshot, generation: int) -> Snapshot | None:
    """A copy of ``snap`` with the rows written since re-read (review decisions, an
    ingest's new and relinked rows, appended after the last); None if it cannot be."""
    if generation - snap.generation > TOUCHED_KEPT:
        return None  # too far behind: the rows touched since are no longer all listed
    touched = np.array(sorted({r[0] for r in db.execute(
        "SELECT report_rowid FROM search_touched WHERE generation > ?", (snap.generation,))}),
        dtype=np.int64)
    rows = _touched_rows(db, touched.tolist())
    held = np.isin(touched, snap.rowids)
    added = touched[~held]
    if len(rows) != len(touched) or (len(added) and len(snap.rowids)
                                     and added[0] <= snap.rowids[-1]):
        return None  # a row gone, or one to insert between others: only a whole read is right
    rowids = np.concatenate([snap.rowids, added])
    slots = np.searchsorted(rowids, touched)
    num = {k: np.concatenate([v, np.zeros(len(added), dtype=v.dtype)])
           for k, v in snap.num.items()}
    codes = {k: np.concatenate([v, np.full(len(added), -1, dtype=np.int64)])
             for k, v in snap.codes.items()}
    values = {k: list(v) for k, v in snap.values.items()}
    coder = {k: _Coder(v) for k, v in values.items()}
    for i, name in enumerate((*_NUMERIC, "confidence"), start=1):
        num[name][slots] = np.array([row[i] for row in rows], dtype=num[name].dtype)
    for i, facet in enumerate(SINGLE, start=len(_NUMERIC) + 2):
        codes[facet][slots] = np.array([coder[facet](row[i]) for row in rows], dtype=np.int64)
    keep = ~np.isin(snap.vslot, slots)
    where = dict(zip(touched.tolist(), slots.tolist(), strict=True))
    violations = [(where[r], coder["violation"](v))
                  for chunk in _chunks(touched.tolist()) for r, v in db.execute(
                      f"SELECT report_rowid, violation FROM search_violations WHERE "
                      f"report_rowid IN ({','.join('?' * len(chunk))})", chunk)]
    return Snapshot(
        generation, snap.base, rowids, codes, values,
        np.concatenate([snap.vslot[keep], np.array([v[0] for v in violations], np.int64)]),
        np.concatenate([snap.vcode[keep], np.array([v[1] for v in violations], np.int64)]),
        num, np.unique(num["event_key"], return_inverse=True)[1],
        np.lexsort((-rowids, -num["published_day"])),
        np.lexsort((-rowids, -num["published_day"], num["confidence"])),
        {(f, v): label for f, v, label in db.execute("SELECT * FROM search_labels")})


def _chunks(items: list[int], size: int = 500) -> Iterator[list[int]]:
    for begin in range(0, len(items), size):
        yield items[begin:begin + size]


def _touched_rows(db: sqlite3.Connection, rowids: list[int]) -> list[Any]:
    """The index rows of ``rowids`` in rowid order, numbers and facet values."""
    columns = f"report_rowid, {', '.join(_NUMERIC)}, coalesce(confidence, 2.0), " \
              f"{', '.join(SINGLE)}"
    return [row for chunk in _chunks(rowids) for row in db.execute(
        f"SELECT {columns} FROM search_index WHERE report_rowid IN "
        f"({','.join('?' * len(chunk))}) ORDER BY report_rowid", chunk)]


class _Coder:
    """The code of a facet's value: its place in ``values``, appended if new; -1 for
    none."""

    def __init__(self, values: list[str]) -> None:
        self.values = values
        self.codes = {v: i for i, v in enumerate(values)}

    def __call__(self, value: str | None) -> int:
        if value is None:
            return -1
        if value not in self.codes:
            self.codes[value] = len(self.values)
            self.values.append(value)
        return self.codes[value]
