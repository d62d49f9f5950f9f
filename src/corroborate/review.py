"""Review: people confirm, correct or reject the main values the machine gives a report.

A decision is about one field of one report's incident (its main perpetrator, country,
date...): ``accept`` keeps the machine's value, ``edit`` replaces it, ``reject`` says the
report states no such value. Every decision is appended to the collection's review log
(who, when, the value before, the value after, a note) and is never changed or deleted:
the database refuses it. What stands for a field is its latest decision; a later
re-extraction or re-ingest changes the machine's value, never a reviewed one.

Two reviewers deciding on one value at once: each decision says which revision of the
value it was made on, and one made on an old revision is refused with
:class:`~corroborate.errors.ReviewConflict`, which carries the decision that stands.

    decide(store, report_id, "country", "edit", "analyst-1",
           value={"value": "KP", "label": "North Korea"}, note="the dateline is Seoul")
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .errors import CorroborateError, ReviewConflict

if TYPE_CHECKING:
    from .store import Store

__all__ = ["ACTIONS", "FIELDS", "Decision", "decide", "decisions", "history", "machine_value",
           "machine_values", "shown_values"]

ACTIONS = ("accept", "edit", "reject")
# the main values a person reviews (incidents.main_values); violations as one set
FIELDS = ("perpetrator", "country", "region", "city", "when", "violations")


@dataclass(frozen=True)
class Decision:
    """One entry of the review log."""

    seq: int
    at: str
    reviewer: str
    report_id: str
    field: str
    action: str
    before: Any
    after: Any
    note: str
    revision: int  # 1 for a field's first decision, then one more each time

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "at": self.at, "reviewer": self.reviewer,
                "report_id": self.report_id, "field": self.field, "action": self.action,
                "before": self.before, "after": self.after, "note": self.note,
                "revision": self.revision}


def machine_values(store: Store, report_id: str) -> dict[str, Any]:
    """The machine's main value of each of :data:`FIELDS` for the report's incident, as a
    reviewer sees it (``{"value", "label", "quote"}``, a list of them for violations, or
    None)."""
    from .incidents import main_values

    incidents = store.incidents(report_id)
    if not incidents:
        return dict.fromkeys(FIELDS)
    report = store.report(report_id)
    return shown_values(main_values(incidents[0], report.published if report else None))


def shown_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`machine_values` of an incident's ``incidents.main_values``, for a caller
    that has them already."""
    out: dict[str, Any] = {}
    for field in FIELDS:
        if field == "violations":
            out[field] = [_shown(f) for f in values["violations"]]
            continue
        fact = values["when_fact"] if field == "when" else values[field]
        out[field] = _shown(fact) if fact is not None else None
    return out


def machine_value(store: Store, report_id: str, field: str) -> Any:
    """The machine's main value of one field (:func:`machine_values`)."""
    return machine_values(store, report_id)[field]


def _shown(fact: Any) -> dict[str, Any]:
    return {"value": fact.value, "label": fact.label, "quote": fact.evidence.quote}


def _check(field: str, action: str, value: Any) -> None:
    if field not in FIELDS:
        raise CorroborateError(f"cannot review {field!r}: one of {', '.join(FIELDS)}")
    if action not in ACTIONS:
        raise CorroborateError(f"unknown review action {action!r}: one of {', '.join(ACTIONS)}")
    if action == "edit":
        entries = value if field == "violations" else [value]
        if not isinstance(entries, list) or not entries or not all(
                isinstance(e, Mapping) and isinstance(e.get("value"), str) and e["value"]
                for e in entries):
            raise CorroborateError('an edit needs the new value: {"value": ..., "label": ...}'
                                   + (" for each violation" if field == "violations" else ""))
    elif value is not None:
        raise CorroborateError(f"{action} takes no value (edit does)")


def decide(store: Store, report_id: str, field: str, action: str, reviewer: str, *,
           value: Any = None, note: str = "", revision: int = 0,
           at: str | None = None) -> Decision:
    """Record a decision on the report's main value of ``field``.

    ``revision`` is the revision of the value the reviewer saw (0 if it was never
    reviewed): if another decision was recorded since, nothing is written and
    :class:`ReviewConflict` says what stands now.
    """
    _check(field, action, value)
    if not reviewer.strip():
        raise CorroborateError("a decision needs the reviewer's name")
    from .users import may_decide

    if not may_decide(store, reviewer):
        raise CorroborateError(f"{reviewer!r} may not decide: only analysts and admins do "
                               "(corroborate user add NAME --role analyst)")
    if store.report(report_id) is None:
        raise CorroborateError(f"no report {report_id}")
    stamp = at or datetime.now(UTC).isoformat(timespec="seconds")
    with store.locked(), store.transaction() as db:
        row = db.execute("SELECT * FROM review_log WHERE report_id = ? AND field = ? "
                         "ORDER BY revision DESC LIMIT 1", (report_id, field)).fetchone()
        standing = _decision(row) if row is not None else None
        if (standing.revision if standing else 0) != revision:
            assert standing is not None
            raise ReviewConflict(
                f"{field} of {report_id} was decided by {standing.reviewer} at {standing.at} "
                f"({standing.action}, revision {standing.revision}) after you saw revision "
                f"{revision}: look at it again", standing)
        before = standing.after if standing else machine_value(store, report_id, field)
        after = {"accept": before, "edit": value, "reject": None}[action]
        cursor = db.execute(
            "INSERT INTO review_log (at, reviewer, report_id, field, action, before, after, "
            "note, revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (stamp, reviewer, report_id, field, action, json.dumps(before, ensure_ascii=False),
             json.dumps(after, ensure_ascii=False), note, revision + 1))
        seq = int(cursor.lastrowid or 0)
        from .search import reindex_report

        reindex_report(store, report_id)  # the search index's row, in this transaction
    return Decision(seq, stamp, reviewer, report_id, field, action, before, after, note,
                    revision + 1)


def _decision(row: Any) -> Decision:
    seq, at, reviewer, report_id, field, action, before, after, note, revision = row
    return Decision(seq, at, reviewer, report_id, field, action,
                    json.loads(before) if before is not None else None,
                    json.loads(after) if after is not None else None, note, revision)


def decisions(store: Store, report_id: str | None = None) -> dict[tuple[str, str], Decision]:
    """The decision that stands for each (report, field) reviewed, of one report or all."""
    query = ("SELECT * FROM review_log WHERE seq IN (SELECT MAX(seq) FROM review_log "
             + ("WHERE report_id = ? " if report_id else "") + "GROUP BY report_id, field)")
    rows = store.db.execute(query, (report_id,) if report_id else ())
    return {(d.report_id, d.field): d for d in map(_decision, rows)}


def history(store: Store, report_id: str) -> list[Decision]:
    """Every decision on the report, oldest first."""
    rows = store.db.execute("SELECT * FROM review_log WHERE report_id = ? ORDER BY seq",
                            (report_id,))
    return [_decision(r) for r in rows]
