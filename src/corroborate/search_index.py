"""The search index (schema migration 5): one row per report with what the workbench's
facets, timeline, map and review queue read, written here and read by ``search``.

A row holds the report's main incident's main values as the machine gives them
(``incidents.main_values``, as ``review.machine_values`` reads them) with the standing
review decisions applied over them, its review status and lowest open confidence, the
dates the date filter and the timeline use, and its story, event and the event's origins.
Rows are rebuilt in batches (:func:`refresh_index`), brought up to date with what an
ingest changed as triggers noted it in ``search_pending`` (:func:`update_index`), or
rewritten one at a time after a decision (:func:`reindex_report`); every write bumps the
index's generation (``meta.search_generation``) so that readers know to read it again.
See docs/search.md.
"""

from __future__ import annotations

import calendar
import json
import logging
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from .perpetrators import GRAVE
from .provenance import made
from .review import FIELDS, Decision, decisions
from .store.lists import select_in
from .store.reading import StoredRows, incidents_of

if TYPE_CHECKING:
    from .model import Incident
    from .store import Store
    from .workers import Pool

log = logging.getLogger(__name__)

__all__ = ["SEVERITY", "machine_json", "period", "refresh_index", "reindex_report", "update_index"]

# How consequential a violation is, for the review queue (the vocabulary has no severity):
# killing first; then the grave acts whose doer names the perpetrator (perpetrators.GRAVE);
# then deprivations of liberty and bodily harm; every other violation 1; none 0
SEVERITY: dict[str, int] = {
    "killing": 4, **{v: 3 for v in GRAVE if v != "killing"},
    **dict.fromkeys(("arbitrary_detention", "forced_labour", "forced_repatriation",
                     "physical_assault", "banishment", "collective_punishment"), 2)}
_BATCH = 500
_PER_TASK = 25  # reports whose main values a worker works out in one task
# changes noted (search_pending) caught up with in one round: an ingest of a million
# reports notes a million, and a round holds them and the reports they touch
_PENDING_AT_ONCE = 20_000


def period(value: str | None) -> tuple[int, int] | None:
    """The first and last day (YYYYMMDD) of an EDTF date: day, month, year or decade."""
    if not value:
        return None
    if m := re.fullmatch(r"(\d{3})X", value):
        return int(m[1]) * 100000 + 101, int(m[1]) * 100000 + 91231
    m = re.fullmatch(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", value[:10])
    if not m or int(m[1]) < 1:
        return None
    year = int(m[1])
    try:
        if m[3]:
            day = date(year, int(m[2]), int(m[3]))
            return (int(day.strftime("%Y%m%d")),) * 2
        if m[2]:
            last = calendar.monthrange(year, int(m[2]))[1]
            return year * 10000 + int(m[2]) * 100 + 1, year * 10000 + int(m[2]) * 100 + last
    except ValueError:
        return None
    return year * 10000 + 101, year * 10000 + 1231


def _precision(value: str) -> str | None:
    return {4: "year", 7: "month", 10: "day"}.get(len(value)) if period(value) else None


def _shown(value: Any) -> tuple[str, str] | None:
    if not isinstance(value, Mapping) or not value.get("value"):
        return None
    return str(value["value"]), str(value.get("label") or value["value"])


def _reviewed(machine: dict[str, Any], standing: Mapping[str, Decision]) -> dict[str, Any]:
    """Each field's value after decisions: (value, label, machine confidence or None). A
    decision's value always wins (an accepted one too: it is the value a person saw and
    confirmed); a rejected field has no value."""
    out: dict[str, Any] = {}
    for name in FIELDS:
        decision = standing.get(name)
        if decision is None:
            out[name] = machine[name]
        elif name == "violations":
            after = decision.after if isinstance(decision.after, list) else []
            out[name] = [(*v, None) for v in map(_shown, after) if v]
        else:
            shown = _shown(decision.after)
            out[name] = (*shown, None) if shown else None
    return out


def _machine(store: Store, report_id: str, published: str | None) -> dict[str, Any]:
    """The machine's main values, as review.machine_values reads them, with confidences."""
    return _machine_of(store.incidents(report_id), published)


def machine_values(items: list[tuple[StoredRows, str | None]]) -> list[dict[str, Any]]:
    """``_machine`` of (a report's incidents as stored, its publication date): pure, so an
    ingest's workers can run it."""
    return [_machine_of(incidents_of(stored), published) for stored, published in items]


def machine_json(incidents: list[Incident], published: str | None) -> str:
    """``_machine`` of a new report as stored with it (``search_machine``): worked out where
    the report is made (an ingest's worker), from its incidents in memory, and read by
    the index instead of reading the incidents back and working it out again."""
    return json.dumps(_machine_of(incidents, published), ensure_ascii=False)


def _from_json(text: str) -> dict[str, Any] | None:
    """:func:`machine_json`'s values as ``_machine_of`` gives them (tuples, not lists);
    None if they are not (a damaged row: worked out again)."""
    try:
        raw = json.loads(text)
        out: dict[str, Any] = {name: [tuple(v) for v in raw[name]] if name == "violations"
                               else tuple(raw[name]) if raw[name] is not None else None
                               for name in FIELDS}
        out["_when"] = tuple(raw["_when"]) if raw["_when"] is not None else None
    except (ValueError, KeyError, TypeError):
        log.warning("main values stored for the index cannot be read; worked out again")
        return None
    return out


def _stored_machines(db: sqlite3.Connection, report_ids: list[str]) -> dict[str, Any]:
    """The main values stored with these reports by this tool version with these
    vocabularies (an overlay changes them)."""
    now = " ".join(made())  # as insert_rows stores it
    found = ((r[0], _from_json(r[1])) for r in select_in(
        db, "SELECT report_id, machine, made FROM search_machine WHERE report_id IN ({})",
        report_ids) if r[2] == now)
    return {report_id: machine for report_id, machine in found if machine is not None}


def _drop_machines(db: sqlite3.Connection, report_ids: list[str]) -> None:
    for chunk in _chunks(report_ids):
        db.execute(f"DELETE FROM search_machine WHERE report_id IN ({_marks(chunk)})", chunk)


def _machine_of(incidents: list[Incident], published: str | None) -> dict[str, Any]:
    from .incidents import main_values

    if not incidents:
        return {name: [] if name == "violations" else None for name in FIELDS} | {"_when": None}
    values = main_values(incidents[0], published)
    confidence = values["confidence"]
    out: dict[str, Any] = {}
    for name in FIELDS:
        fact = values["when_fact"] if name == "when" else values.get(name)
        if name == "violations":
            out[name] = [(f.value, f.label, c) for f, c in zip(
                values["violations"], values["confidences"]["violation"], strict=True)]
        else:
            out[name] = (fact.value, fact.label, confidence.get(name)) if fact else None
    when = values["when_fact"]
    out["_when"] = (when.value, when.attrs.get("precision")) if when else None
    return out


def _row(store: Store, report: sqlite3.Row, standing: Mapping[str, Decision],
         machine: dict[str, Any] | None = None
         ) -> tuple[dict[str, Any], list[tuple[str, str]], list[tuple[str, str, str]]]:
    """The index row of one report, its violation ids, and the labels it names
    (``machine``: its ``_machine``, when worked out already)."""
    if machine is None:
        machine = _machine(store, report["id"], report["published"])
    values = _reviewed(machine, standing)
    when = values["when"]
    when_value = when[0] if when else None
    precision = (machine["_when"][1] if "when" not in standing and machine["_when"]
                 else _precision(when_value) if when_value else None)
    days = period(when_value) or period(report["published"]) or (0, 0)
    confidences = [v[2] for name in FIELDS if name != "violations" and (v := values[name])]
    confidences += [v[2] for v in values["violations"]]
    lowest = min((c for c in confidences if c is not None), default=None)
    violations = sorted({v[0] for v in values["violations"]})
    decided = [name for name in FIELDS if name in standing]
    status = ("unreviewed" if not decided else
              "reviewed" if len(decided) == len(FIELDS) else "partly")
    published = period(report["published"])
    row = {
        "report_rowid": report["rowid"], "report_id": report["id"],
        "digest": report["digest"], "outlet": report["outlet"],
        "published": report["published"], "published_day": published[0] if published else 0,
        **{name: values[name][0] if values[name] else None
           for name in ("country", "region", "perpetrator")},
        "when_value": when_value, "when_precision": precision,
        "date_lo": days[0], "date_hi": days[1],
        "month": days[0] // 100 if days[0] // 100 == days[1] // 100 else 0,
        "reviewed": ",".join(decided), "status": status, "confidence": lowest,
        "band": min(int(lowest * 10), 9) if lowest is not None else 10,
        "severity": max((SEVERITY.get(v, 1) for v in violations), default=0),
        "story_id": None, "event_id": None, "event_key": -report["rowid"], "origins": 1,
    }
    labels = [(name, values[name][0], values[name][1])
              for name in ("country", "region", "perpetrator") if values[name]]
    labels += [("violation", v[0], v[1]) for v in values["violations"]]
    return row, [(report["rowid"], v) for v in violations], labels


def _write(db: sqlite3.Connection, rows: list[Any]) -> None:
    """Replace the index rows of the reports computed (their old rows first: a report
    re-derived gets a new rowid, and another report may get its old one)."""
    for row, violations, labels in rows:
        db.execute("DELETE FROM search_index WHERE report_rowid = ? OR report_id = ?",
                   (row["report_rowid"], row["report_id"]))
        names = ", ".join(row)
        db.execute(f"INSERT INTO search_index ({names}) VALUES ({', '.join('?' * len(row))})",
                   list(row.values()))
        db.executemany("INSERT INTO search_violations VALUES (?, ?)", violations)
        db.executemany("INSERT OR REPLACE INTO search_labels VALUES (?, ?, ?)", labels)


# A row's story, its story's (first account's) event and the event's origins. The event's
# key, what the timeline and map count distinct events by, is the smallest rowid of its
# accounts: it stays when the event is written again (a report in no event: -its rowid)
_LINKS = """
SELECT report_rowid, story, event, coalesce(first, -report_rowid), origins FROM (
    SELECT s.report_rowid, s.story_id AS was_story, s.event_id AS was_event,
           s.event_key AS was_key, s.origins AS was_origins, m.story_id AS story, e.id AS event,
           (SELECT min(f.rowid) FROM accounts f WHERE f.event_id = e.id) AS first,
           coalesce(e.origins, 1) AS origins
    FROM search_index s LEFT JOIN story_members m INDEXED BY search_members
        ON m.report_id = s.report_id
    LEFT JOIN events e INDEXED BY search_events
        ON e.id = (SELECT a.event_id FROM accounts a WHERE a.story_id = m.story_id
                   ORDER BY a.id LIMIT 1)
    WHERE {where})
WHERE story IS NOT was_story OR event IS NOT was_event
    OR was_key != coalesce(first, -report_rowid) OR was_origins != origins
"""


def _relink(db: sqlite3.Connection, rowids: list[int] | None = None) -> list[int]:
    """Story, event and origins of every row (or of the rows of ``rowids``): they change
    with each ingest. Only the rows whose links changed are written; their rowids are
    returned."""
    written: list[int] = []
    for chunk in [None] if rowids is None else list(_chunks(rowids)):
        where = "1" if chunk is None else f"s.report_rowid IN ({_marks(chunk)})"
        changed = db.execute(_LINKS.format(where=where), chunk or ()).fetchall()
        db.executemany("UPDATE search_index SET story_id = ?, event_id = ?, event_key = ?, "
                       "origins = ? WHERE report_rowid = ?",
                       [(*row[1:], row[0]) for row in changed])
        written += [int(row[0]) for row in changed]
    return written


# touched rows kept for readers to patch their arrays with (search.py reads them again
# whole when they are further behind than this)
TOUCHED_KEPT = 20_000


def _bump(db: sqlite3.Connection, rowids: list[int] | None = None) -> None:
    """A new generation of the index: after a rebuild (readers read it whole again), or
    after the rows of ``rowids`` were written (one generation each: readers re-read those
    rows only)."""
    if rowids is None:
        db.execute("INSERT INTO meta VALUES ('search_generation', '1') ON CONFLICT(key) DO "
                   "UPDATE SET value = CAST(value AS INTEGER) + 1")
        db.execute("DELETE FROM search_touched")
        db.execute("INSERT OR REPLACE INTO meta SELECT 'search_base', value FROM meta "
                   "WHERE key = 'search_generation'")
        return
    row = db.execute("SELECT value FROM meta WHERE key = 'search_generation'").fetchone()
    last = int(row[0]) if row else 0
    db.executemany("INSERT INTO search_touched VALUES (?, ?)",
                   [(last + i, r) for i, r in enumerate(rowids, start=1)])
    last += len(rowids)
    db.execute("INSERT OR REPLACE INTO meta VALUES ('search_generation', ?)", (str(last),))
    db.execute("DELETE FROM search_touched WHERE generation <= ?", (last - TOUCHED_KEPT,))


def _batches(store: Store, stale: str | None) -> Iterator[list[sqlite3.Row]]:
    """The reports to index (all, or those ``stale`` selects over ``r`` and the left-joined
    index row ``s``) in rowid order, a batch at a time."""
    db = store.db
    if stale is None:
        last = 0
        while rowids := [r[0] for r in db.execute(
                "SELECT rowid FROM reports WHERE rowid > ? ORDER BY rowid LIMIT ?",
                (last, _BATCH))]:
            yield _reports(db, rowids)
            last = rowids[-1]
        return
    # one pass through the (id, digest) index, never the reports' text: only numbers kept
    chosen = [r[0] for r in db.execute(
        f"SELECT r.rowid FROM reports r INDEXED BY search_reports LEFT JOIN search_index s "
        f"ON s.report_rowid = r.rowid WHERE {stale}")]
    chosen.sort()
    for begin in range(0, len(chosen), _BATCH):
        yield _reports(db, chosen[begin:begin + _BATCH])


def _reports(db: sqlite3.Connection, rowids: list[int]) -> list[sqlite3.Row]:
    return db.execute(f"SELECT rowid AS rowid, id, published, outlet, digest FROM reports "
                      f"WHERE rowid IN ({','.join('?' * len(rowids))}) ORDER BY rowid",
                      rowids).fetchall()


def _rebuild(store: Store, stale: str | None) -> int:
    standing: dict[str, dict[str, Decision]] = {}
    for (report_id, name), decision in decisions(store).items():
        standing.setdefault(report_id, {})[name] = decision
    count = 0
    for batch in _batches(store, stale):
        machines = _machines(store, batch, None)
        rows = [_row(store, r, standing.get(r["id"], {}), machine)
                for r, machine in zip(batch, machines, strict=True)]
        with store.transaction() as db:
            _write(db, rows)
        count += len(rows)
    with store.transaction() as db:
        # a report derived again under another rowid lost its old row in _write already
        db.execute("DELETE FROM search_index WHERE report_id NOT IN (SELECT id FROM reports "
                   "INDEXED BY search_reports)")
        _relink(db)
        db.execute("DELETE FROM meta WHERE key IN ('search_stale', 'search_recheck')")
        db.execute("DELETE FROM search_pending")  # all caught up with
        db.execute("DELETE FROM search_machine")
        _bump(db)
    return count


def refresh_index(store: Store, report_ids: Iterable[str] | None = None) -> int:
    """Rebuild the index rows of ``report_ids``, or of every report (rows of reports gone
    are dropped); returns the rows written. Reads and writes in batches."""
    if report_ids is None:
        return _rebuild(store, None)
    count = 0
    for rid in report_ids:
        with store.transaction():
            count += reindex_report(store, rid)
    return count


def update_index(store: Store, pool: Pool | None = None) -> int:
    """Bring the index up to date with what changed since it last was (the end of an
    ingest): rows for the reports added or derived again, rows of reports gone dropped,
    and story, event and origins of the rows whose story or event changed; returns the
    rows computed. Reads only what the triggers of schema migration 8 noted
    (``search_pending``), so its cost follows the ingest, not the collection; an index
    never checked that way (``search_stale``, ``search_recheck``) is checked whole.
    ``pool``'s workers work out the rows' main values."""
    flags = {r[0] for r in store.db.execute(
        "SELECT key FROM meta WHERE key IN ('search_stale', 'search_recheck') AND value = '1'")}
    if flags:
        return _rebuild(store, "s.report_rowid IS NULL OR s.report_id != r.id "
                               "OR s.digest != r.digest")
    count = 0
    # a round at a time; a report two rounds touch is computed once (the second finds its
    # row up to date) and relinked twice
    while pending := [(r[0], r[1]) for r in store.db.execute(
            "SELECT kind, id FROM search_pending ORDER BY kind, id LIMIT ?",
            (_PENDING_AT_ONCE,))]:
        touched: list[int] = []
        ids = sorted(_affected(store.db, pending))
        for begin in range(0, len(ids), _BATCH):
            written, rowids = _catch_up(store, ids[begin:begin + _BATCH], pool)
            count += written
            touched += rowids
        with store.transaction() as db:
            db.executemany("DELETE FROM search_pending WHERE kind = ? AND id = ?", pending)
            _bump(db, sorted(set(touched)))
    return count


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for begin in range(0, len(items), _BATCH):
        yield items[begin:begin + _BATCH]


def _marks(items: list[Any]) -> str:
    return ",".join("?" * len(items))


def _affected(db: sqlite3.Connection, pending: list[tuple[str, str]]) -> set[str]:
    """The report ids whose rows may have changed: the reports noted, the members of the
    stories noted (and the rows still naming them), and for each event noted the rows
    naming it and the members of the stories whose accounts are in it."""
    reports = {i for kind, i in pending if kind == "report"}
    stories = {i for kind, i in pending if kind == "story"}
    for chunk in _chunks(sorted(i for kind, i in pending if kind == "event")):
        stories.update(r[0] for r in db.execute(
            f"SELECT story_id FROM accounts WHERE event_id IN ({_marks(chunk)})", chunk))
        reports.update(r[0] for r in db.execute(
            f"SELECT report_id FROM search_index WHERE event_id IN ({_marks(chunk)})", chunk))
    for chunk in _chunks(sorted(stories)):
        for table in ("story_members", "search_index"):
            reports.update(r[0] for r in db.execute(
                f"SELECT report_id FROM {table} WHERE story_id IN ({_marks(chunk)})", chunk))
    return reports


def _machines(store: Store, reports: list[sqlite3.Row], pool: Pool | None
              ) -> list[dict[str, Any] | None]:
    """Each report's ``_machine``: as stored with it (``machine_json``), else worked out by
    ``pool``'s workers (main values cost as much as the rest of a row) from its incidents'
    rows, sent as read (rows as stored cost a tenth of incidents to send); else None:
    ``_row`` works it out."""
    found: dict[str, Any] = _stored_machines(store.db, [r["id"] for r in reports])
    missing = [r for r in reports if r["id"] not in found]
    if pool is not None and missing:
        items = ((store.incident_rows(r["id"]), r["published"]) for r in missing)
        tasks = pool.submit_parts(machine_values, items, _PER_TASK, _machine_here)
        found.update(zip((r["id"] for r in missing),
                         (machine for task in tasks for machine in task.result()),
                         strict=True))
    return [found.get(r["id"]) for r in reports]


def _machine_here(item: tuple[StoredRows, str | None], reason: str) -> dict[str, Any]:
    log.warning("main values worked out in the writer, the worker failed: %s", reason)
    return machine_values([item])[0]


def _catch_up(store: Store, report_ids: list[str], pool: Pool | None = None
              ) -> tuple[int, list[int]]:
    """Rewrite the rows of these reports that are missing or stale, drop those of reports
    gone, bring their links up to date; returns (rows computed, rowids of the rows
    written or dropped)."""
    db, marks = store.db, _marks(report_ids)
    reports = db.execute(f"SELECT rowid AS rowid, id, published, outlet, digest FROM reports "
                         f"WHERE id IN ({marks}) ORDER BY rowid", report_ids).fetchall()
    held = {r[0]: (r[1], r[2]) for r in db.execute(
        f"SELECT report_id, report_rowid, digest FROM search_index WHERE report_id IN "
        f"({marks})", report_ids)}
    stale = [r for r in reports if held.get(r["id"]) != (r["rowid"], r["digest"])]
    machines = _machines(store, stale, pool)
    rows = [_row(store, r, {name: d for (_, name), d in decisions(store, r["id"]).items()},
                 machine) for r, machine in zip(stale, machines, strict=True)]
    now = {r["id"]: int(r["rowid"]) for r in reports}
    gone = [i for i in held if i not in now]
    with store.transaction() as tx:
        _write(tx, rows)
        _drop_machines(tx, report_ids)  # read, or not to be
        for chunk in _chunks(gone):
            tx.execute(f"DELETE FROM search_index WHERE report_id IN ({_marks(chunk)})", chunk)
        relinked = _relink(tx, list(now.values()))
    old = [rowid for rid, (rowid, _) in held.items() if now.get(rid) != rowid]
    return len(rows), [*(r[0]["report_rowid"] for r in rows), *relinked, *old]


def reindex_report(store: Store, report_id: str) -> int:
    """Rewrite one report's row (after a review decision): inside the caller's transaction
    if one is open. Returns 1, or 0 for a report the collection does not hold."""
    db = store.db
    report = db.execute("SELECT rowid AS rowid, id, published, outlet, digest FROM reports "
                        "WHERE id = ?", (report_id,)).fetchone()
    if report is None:
        return 0
    standing = {name: d for (_, name), d in decisions(store, report_id).items()}
    row = _row(store, report, standing)
    own = not db.in_transaction
    if own:
        db.execute("BEGIN IMMEDIATE")
    try:
        _write(db, [row])
        _relink(db, [report["rowid"]])
        _bump(db, [report["rowid"]])
    except BaseException:
        if own:
            db.execute("ROLLBACK")
        raise
    if own:
        db.execute("COMMIT")
    return 1


