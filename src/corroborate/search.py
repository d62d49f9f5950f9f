"""Faceted search, timeline, map counts and the review queue over a collection's reports.

Everything reads a denormalised index (schema migration 5; ``docs/search.md``): one row per
report with its main incident's main values *after* reviewers' decisions, its review
status, lowest confidence, story, event and the event's origins. The index is derived:
``pipeline.ingest`` and ``reprocess`` refresh it (:func:`update_index`,
:func:`refresh_index`), ``review.decide`` rewrites the row of the report decided on
(:func:`reindex_report`) in the decision's own transaction; the rows are written by
``search_index``, whose functions are re-exported here.

Facet counts and page order are computed in memory over column arrays read from the index
once per index generation (every write to the index bumps it, so every process sees a
change at its next query; rows written since are patched in): full-text search then costs
one FTS5 lookup of the matching rowids, whatever the number of matches, relevance ranks
only the page's window of the newest matches (``textsearch.RANK_WINDOW``), and only the
page's rows are read in full.

    page = search(store, SearchQuery(text="executed", country=("KP",), order="newest"))
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from . import textsearch
from .errors import CollectionError, CorroborateError
from .review import FIELDS
from .search_arrays import Snapshot, snapshot
from .search_index import SEVERITY, period, refresh_index, reindex_report, update_index
from .store.driver import ERRORS, is_postgres
from .store.reading import _TERM, MAX_QUERY_TERMS

if TYPE_CHECKING:
    from .store import Store

__all__ = ["FACETS", "MARK_END", "MARK_START", "MAX_PER_PAGE", "ORDERS", "SEVERITY",
           "STATUSES", "BadQuery", "FacetValue", "Hit", "SearchError", "SearchPage",
           "SearchQuery", "by_region", "refresh_index", "reindex_report", "review_queue",
           "search", "timeline", "update_index"]

log = logging.getLogger(__name__)

Array = npt.NDArray[Any]

FACETS = ("violation", "perpetrator", "country", "region", "outlet", "status")
ORDERS = ("relevance", "newest", "confidence")
STATUSES = ("unreviewed", "partly", "reviewed")
MAX_PER_PAGE = 100
TOP_VALUES = 20
# The snippet's match is wrapped in STX ... ETX: control characters that a web page never
# shows, so the web layer escapes the snippet as text first, then turns them into <mark>
MARK_START, MARK_END = "\x02", "\x03"


class SearchError(CorroborateError):
    """A search asked with an option that cannot be answered (order, page, date...)."""


class BadQuery(SearchError):
    """Search text that FTS5 cannot read, or with more than MAX_QUERY_TERMS terms."""


@dataclass(frozen=True)
class SearchQuery:
    """What to look for. Facet filters hold values (ids): OR within one, AND across."""

    text: str = ""
    violation: tuple[str, ...] = ()
    perpetrator: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    region: tuple[str, ...] = ()
    outlet: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    min_origins: int | None = None
    date_from: str | None = None
    date_to: str | None = None
    page: int = 1
    per_page: int = 25
    order: str = "relevance"

    def __post_init__(self) -> None:
        for name in FACETS:  # a list or a lone string from a form is taken as meant
            value = getattr(self, name)
            value = (value,) if isinstance(value, str) else tuple(value)
            if not all(isinstance(v, str) for v in value):
                raise SearchError(f"{name} filter values must be strings")
            object.__setattr__(self, name, value)
        if self.order not in ORDERS:
            raise SearchError(f"unknown order {self.order!r}: one of {', '.join(ORDERS)}")
        if not isinstance(self.page, int) or self.page < 1:
            raise SearchError(f"page must be a whole number from 1, not {self.page!r}")
        if not isinstance(self.per_page, int) or not 1 <= self.per_page <= MAX_PER_PAGE:
            raise SearchError(f"per_page must be between 1 and {MAX_PER_PAGE}, "
                              f"not {self.per_page!r}")
        if self.min_origins is not None and (
                not isinstance(self.min_origins, int) or self.min_origins < 1):
            raise SearchError(f"min_origins must be 1 or more, not {self.min_origins!r}")
        unknown = set(self.status) - set(STATUSES)
        if unknown:
            raise SearchError(f"unknown review status {sorted(unknown)[0]!r}: one of "
                              f"{', '.join(STATUSES)}")
        lo, hi = self.date_range()
        if lo and hi and lo > hi:
            raise SearchError(f"date_from {self.date_from} is after date_to {self.date_to}")
        if len(_TERM.findall(self.text)) > MAX_QUERY_TERMS:
            raise BadQuery(f"a search may hold at most {MAX_QUERY_TERMS} terms")

    def date_range(self) -> tuple[int, int]:
        """(first day of date_from, last day of date_to) as YYYYMMDD; 0 for none."""
        bounds = []
        for name, end in (("date_from", 0), ("date_to", 1)):
            value = getattr(self, name)
            days = period(value) if value else None
            if value and (days is None or not re.fullmatch(r"\d{4}(-\d\d){0,2}", value)):
                raise SearchError(f"{name} must be an ISO date (YYYY, YYYY-MM or "
                                  f"YYYY-MM-DD), not {value!r}")
            bounds.append(days[end] if days else 0)
        return bounds[0], bounds[1]


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Hit:
    """One report found. ``snippet`` marks matches with MARK_START ... MARK_END."""

    report_id: str
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str
    country: tuple[str, str] | None
    region: tuple[str, str] | None
    perpetrator: tuple[str, str] | None
    violations: tuple[tuple[str, str], ...]
    when: tuple[str, str | None] | None  # (EDTF value, precision)
    status: str
    origins: int
    event_id: str | None
    story_id: str | None
    confidence: float | None
    unreviewed: tuple[str, ...] = ()  # review.FIELDS without a standing decision


@dataclass(frozen=True)
class SearchPage:
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)


# -- reading the index --------------------------------------------------------------------

def _ensure(store: Store) -> None:
    """Build the index of a collection that has reports but no index yet (one made before
    the index existed, on its first query)."""
    stale = store.db.execute("SELECT value FROM meta WHERE key = 'search_stale'").fetchone()
    if not stale or stale[0] != "1":
        return
    if store.read_only:
        raise CollectionError("this collection's search index was never built: open it "
                              "for writing once (e.g. `corroborate ingest`) to build it")
    with store.locked(wait=False) as got:
        if not got:
            raise CollectionError("the collection is being written and its search index "
                                  "is not built yet: try again when the writer is done")
        log.info("building the search index of %s", store.root)
        update_index(store)


class _Reading:
    """One consistent read of the index (a read transaction unless one is open)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __enter__(self) -> Snapshot:
        _ensure(self.store)
        self.own = not self.store.db.in_transaction
        if self.own:
            self.store.db.execute("BEGIN")
        return snapshot(self.store)

    def __exit__(self, *exc: object) -> None:
        if self.own:
            self.store.db.execute("COMMIT")


def _matching(store: Store, snap: Snapshot, text: str) -> Array:
    """The slots whose report matches ``text`` (FTS5; with Korean words, both full-text
    tables: textsearch), in rowid order."""
    with _asked(text):
        return snap.slots(textsearch.matching(store.db, text))


@contextmanager
def _asked(text: str) -> Iterator[None]:
    """A search text FTS5 (or the Korean rewriting) cannot read raised as BadQuery."""
    try:
        yield
    except textsearch.QueryError as exc:
        raise BadQuery(f"cannot search for {text!r}: {exc}") from exc
    except ERRORS as exc:
        raise BadQuery(f"cannot search for {text!r} ({exc}): words are matched as they are, "
                       f"\"quote\" a phrase or a word with punctuation in it, and use OR, "
                       f"NOT, NEAR() and prefix* as FTS5 does") from exc


def _filters(store: Store, snap: Snapshot, query: SearchQuery
             ) -> tuple[Array, dict[str, Array], Array | None]:
    """The mask of the text, date and origins conditions, one mask per facet filter, and
    the slots the text matches (in rowid order)."""
    matches = _matching(store, snap, query.text) if query.text.strip() else None
    if query.text.strip():
        base = np.zeros(len(snap.rowids), dtype=bool)
        base[matches] = True
    else:
        base = np.ones(len(snap.rowids), dtype=bool)
    lo, hi = query.date_range()
    if lo:
        base &= snap.num["date_lo"] >= lo
    if hi:
        base &= (snap.num["date_hi"] <= hi) & (snap.num["date_hi"] > 0)
    if query.min_origins is not None:
        base &= snap.num["origins"] >= query.min_origins
    masks: dict[str, Array] = {}
    for facet in FACETS:
        chosen = getattr(query, facet)
        if not chosen:
            continue
        codes = [i for i, v in enumerate(snap.values[facet]) if v in chosen]
        if facet == "violation":
            masks[facet] = np.zeros(len(snap.rowids), dtype=bool)
            masks[facet][snap.vslot[np.isin(snap.vcode, codes)]] = True
        else:
            masks[facet] = np.isin(snap.codes[facet], codes)
    return base, masks, matches


def _all(base: Array, masks: Mapping[str, Array], but: str | None = None) -> Array:
    out = base.copy()
    for facet, mask in masks.items():
        if facet != but:
            out &= mask
    return out


def _facet(snap: Snapshot, facet: str, mask: Array, chosen: tuple[str, ...]
           ) -> list[FacetValue]:
    """The most frequent values under ``mask`` (and every chosen one, even at 0)."""
    size = len(snap.values[facet])
    if facet == "violation":
        counts = np.bincount(snap.vcode[mask[snap.vslot]], minlength=size)
    else:
        codes = snap.codes[facet][mask]
        counts = np.bincount(codes[codes >= 0], minlength=size)
    found = [FacetValue(v, snap.label(facet, v), int(counts[i]))
             for i, v in enumerate(snap.values[facet]) if counts[i] or v in chosen]
    found.sort(key=lambda f: (-f.count, f.label.casefold(), f.value))
    top = found[:TOP_VALUES]
    return top + [f for f in found[TOP_VALUES:] if f.value in chosen]


def _ordered(snap: Snapshot, query: SearchQuery, mask: Array) -> Array:
    """The slots that ``mask`` keeps, newest or weakest first."""
    order = snap.weakest if query.order == "confidence" else snap.newest
    return order[mask[order]]


def _relevance(db: sqlite3.Connection, snap: Snapshot, text: str, found: Array,
               offset: int, count: int) -> Array:
    """Slots ``offset`` to ``offset + count`` of the relevance order of ``found`` (the
    matching slots the filters keep, in rowid order): taken newest first in windows of
    RANK_WINDOW, each window best first. Only the windows the page falls in are ranked."""
    size = textsearch.RANK_WINDOW
    newest_first = found[::-1]
    first, last = offset // size, (offset + count - 1) // size
    windows = []
    for number in range(first, last + 1):
        window = newest_first[number * size:(number + 1) * size][::-1]
        if not len(window):
            break
        with _asked(text):
            windows.append(snap.slots(textsearch.ranked(db, text, snap.rowids[window])))
    ordered = np.concatenate(windows) if windows else np.zeros(0, dtype=np.int64)
    start = offset - first * size
    return ordered[start:start + count]


def _hits(db: sqlite3.Connection, snap: Snapshot, slots: list[int], text: str = ""
          ) -> list[Hit]:
    """The page's rows read in full, in the order of ``slots``."""
    rowids = [int(snap.rowids[s]) for s in slots]
    if not rowids:
        return []
    marks = ",".join("?" * len(rowids))
    rows = {r["report_rowid"]: r for r in db.execute(
        f"SELECT s.*, r.title, substr(r.text, 1, 240) AS opening FROM search_index s "
        f"JOIN reports r ON r.rowid = s.report_rowid WHERE s.report_rowid IN ({marks})",
        rowids)}
    violations: dict[int, list[str]] = {}
    for rid, v in db.execute(f"SELECT report_rowid, violation FROM search_violations WHERE "
                             f"report_rowid IN ({marks}) ORDER BY violation", rowids):
        violations.setdefault(rid, []).append(v)
    snippets = _snippets(db, rowids, text) if text.strip() else {}
    return [_hit(snap, rows[r], violations.get(r, []), snippets.get(r))
            for r in rowids if r in rows]


def _snippets(db: sqlite3.Connection, rowids: list[int], text: str) -> dict[int, str]:
    out = (textsearch.hangul_snippets(db, rowids, text, MARK_START, MARK_END, 24)
           if textsearch.has_hangul(text) or is_postgres(db) else {})
    return out | textsearch.fts_snippets(db, [r for r in rowids if r not in out], text,
                                         MARK_START, MARK_END, 24)


def _hit(snap: Snapshot, row: sqlite3.Row, violations: list[str], snippet: str | None
         ) -> Hit:
    def pair(facet: str, value: str | None) -> tuple[str, str] | None:
        return (value, snap.label(facet, value)) if value else None

    opening = re.sub(f"[{MARK_START}{MARK_END}]", "", row["opening"] or "")
    reviewed = set(filter(None, row["reviewed"].split(",")))
    return Hit(
        row["report_id"], row["title"], row["outlet"], row["published"],
        snippet if snippet is not None else opening.rsplit(" ", 1)[0] + " …",
        pair("country", row["country"]), pair("region", row["region"]),
        pair("perpetrator", row["perpetrator"]),
        tuple((v, snap.label("violation", v)) for v in violations),
        (row["when_value"], row["when_precision"]) if row["when_value"] else None,
        row["status"], row["origins"], row["event_id"], row["story_id"], row["confidence"],
        tuple(f for f in FIELDS if f not in reviewed))


def search(store: Store, query: SearchQuery) -> SearchPage:
    """One page of the reports matching ``query``, with the facets' counts: each facet's
    under every filter but its own."""
    with _Reading(store) as snap:
        base, masks, matches = _filters(store, snap, query)
        facets = {f: _facet(snap, f, _all(base, masks, but=f), getattr(query, f))
                  for f in FACETS}
        mask = _all(base, masks)
        offset = (query.page - 1) * query.per_page
        if query.order == "relevance" and matches is not None:
            slots = _relevance(store.db, snap, query.text, matches[mask[matches]], offset,
                               query.per_page)
        else:
            slots = _ordered(snap, query, mask)[offset:offset + query.per_page]
        hits = _hits(store.db, snap, slots.tolist(), query.text)
    return SearchPage(hits, int(mask.sum()), query.page, query.per_page, facets)


def _month(code: int) -> str:
    return f"{code // 100:04d}-{code % 100:02d}"


def timeline(store: Store, query: SearchQuery) -> list[tuple[str, str, str, int]]:
    """(month, violation id, label, events) under ``query``'s filters: distinct events (a
    report without one counts as its own) by incident month and violation, oldest first.
    With a violation filter, only the violations chosen."""
    with _Reading(store) as snap:
        base, masks, _ = _filters(store, snap, query)
        mask = _all(base, masks)
        keep = mask[snap.vslot] & (snap.num["month"][snap.vslot] > 0)
        if query.violation:
            keep &= np.isin(snap.vcode, [i for i, v in enumerate(snap.values["violation"])
                                         if v in query.violation])
        slots, vcodes = snap.vslot[keep], snap.vcode[keep]
        events = len(snap.rowids) + 1
        pairs = np.unique((snap.num["month"][slots] * (len(snap.values["violation"]) + 1)
                           + vcodes) * events + snap.event[slots])
        keys, counts = np.unique(pairs // events, return_counts=True)
        width = len(snap.values["violation"]) + 1
        out = [(_month(int(k // width)), snap.values["violation"][int(k % width)], int(n))
               for k, n in zip(keys.tolist(), counts.tolist(), strict=True)]
        return [(m, v, snap.label("violation", v), n) for m, v, n in out]


def by_region(store: Store, query: SearchQuery) -> dict[str, int]:
    """Region (ISO 3166-2) -> distinct events under ``query``'s filters."""
    with _Reading(store) as snap:
        base, masks, _ = _filters(store, snap, query)
        mask = _all(base, masks) & (snap.codes["region"] >= 0)
        regions = snap.codes["region"][mask]
        pairs = np.unique(regions * (len(snap.rowids) + 1) + snap.event[mask])
        codes, counts = np.unique(pairs // (len(snap.rowids) + 1), return_counts=True)
        return {snap.values["region"][c]: n for c, n in zip(codes.tolist(), counts.tolist(),
                                                             strict=True)}


def review_queue(store: Store, page: int = 1, per_page: int = 25,
                 reviewer: str | None = None) -> SearchPage:
    """Reports with a field no decision stands for, lowest confidence band (tenths) first,
    in each band the most consequential first (SEVERITY of its gravest violation, then its
    event's origins), then the lowest confidence. ``reviewer``: leave out the reports that
    reviewer has already decided on (the queue of a second pair of eyes)."""
    SearchQuery(page=page, per_page=per_page, order="confidence")  # the same checks
    where, args = "status != 'reviewed'", []
    if reviewer is not None:
        where += (" AND NOT EXISTS (SELECT 1 FROM review_log l WHERE l.report_id = "
                  "s.report_id AND l.reviewer = ?)")
        args.append(reviewer)
    with _Reading(store) as snap:
        # the open rows less the open rows the reviewer decided on: counted from the
        # review log (human-sized), not by probing it once per open row
        total = int((snap.codes["status"] >= 0).sum()) - int(np.isin(
            snap.codes["status"], [i for i, v in enumerate(snap.values["status"])
                                   if v == "reviewed"]).sum())
        if reviewer is not None:
            total -= store.db.execute(
                "SELECT count(DISTINCT s.report_rowid) FROM review_log l JOIN search_index s "
                "ON s.report_id = l.report_id WHERE l.reviewer = ? AND s.status != 'reviewed'",
                (reviewer,)).fetchone()[0]
        rowids = [r[0] for r in store.db.execute(
            f"SELECT report_rowid FROM search_index s WHERE {where} ORDER BY band, "
            f"severity DESC, origins DESC, confidence, report_rowid LIMIT ? OFFSET ?",
            [*args, per_page, (page - 1) * per_page])]
        hits = _hits(store.db, snap, snap.slots(np.array(rowids, dtype=np.int64)).tolist())
    return SearchPage(hits, int(total), page, per_page, {})

