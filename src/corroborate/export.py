"""Export: story incidents as JSON Lines or CSV (the formats are documented in
``docs/export.md`` and pinned by a test).

JSON Lines: one object per incident, its facts grouped by field, every fact with its
evidence. CSV: one row per fact (tidy), so spreadsheets can filter by field and value.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import IO, Any

from .crosswalk import label
from .incidents import StoryIncident, assemble, main_marks, main_values
from .model import Fact
from .review import Decision
from .store import Store
from .text import spreadsheet_cell

__all__ = [
    "CSV_COLUMNS",
    "EVENT_COLUMNS",
    "EXPORT_VERSION",
    "FIELD_KEYS",
    "MAIN_COLUMNS",
    "event_row",
    "incident_record",
    "incident_records",
    "story_incidents",
    "write_csv",
    "write_event_csv",
    "write_event_jsonl",
    "write_jsonl",
    "write_main_csv",
]

EXPORT_VERSION = 3
FIELD_KEYS = {"violation": "violations", "perpetrator": "perpetrators", "victim": "victims",
              "victim_count": "victim_counts", "place": "places", "date": "dates",
              "punishment": "punishments", "source": "sources"}
CSV_COLUMNS = ["incident_id", "story_id", "story_published", "field", "value", "label",
               "report_id", "start", "end", "quote", "supported_by", "main", "confidence",
               "attrs"]


def story_incidents(store: Store) -> Iterator[StoryIncident]:
    """Every story's incidents, stories in id order; one report in memory at a time."""
    for story in store.stories():
        reports = {m.report_id: r for m in story.members
                   if (r := store.report(m.report_id)) is not None}
        events = store.events_of_story(story.id)
        for item in assemble(story, reports, store.incidents(story.canonical_report_id)):
            event_id, origins = events.get(item.incident.id, (None, item.origins))
            yield replace(item, event_id=event_id, origins=origins)


def _crosswalk(fact: Fact, schemes: tuple[str, ...]) -> dict[str, str | None]:
    if fact.field == "violation":
        return {s: label("violations", fact.value, s) for s in schemes}
    if fact.field == "perpetrator":
        return {s: label("actor_types", str(fact.attrs.get("actor_type")), s) for s in schemes}
    return {}


def _fact_record(fact: Fact, support: tuple[str, ...], schemes: tuple[str, ...] = (),
                 mark: dict[str, float] | None = None) -> dict[str, Any]:
    record = {"value": fact.value, "label": fact.label,
              **{k: v for k, v in fact.attrs.items() if v is not None},
              "evidence": {"report_id": fact.evidence.report_id, "start": fact.evidence.start,
                           "end": fact.evidence.end, "quote": fact.evidence.quote},
              "supported_by": list(support), "main": mark or {}}
    crosswalk = _crosswalk(fact, schemes)
    if crosswalk:
        record["crosswalk"] = crosswalk
    return record


def incident_record(item: StoryIncident, schemes: tuple[str, ...] = (),
                    reviewed: Mapping[str, Decision] | None = None,
                    reviewed_only: bool = False) -> dict[str, Any]:
    """The JSON object of one incident (``docs/export.md``); ``reviewed`` holds the
    decisions that stand for its report's fields (``review.decisions``): they replace the
    machine's main values, and with ``reviewed_only`` only reviewed values are given."""
    record: dict[str, Any] = {
        "export_version": EXPORT_VERSION,
        "incident_id": item.incident.id,
        "story_id": item.story_id,
        "event_id": item.event_id,
        "report_id": item.incident.report_id,
        "story_published": item.published,
        "origins": item.origins,
    }
    values = main_values(item.incident, item.published)
    marks = main_marks(item.incident, values)
    facts = list(zip(item.incident.facts, item.support, marks, strict=True))
    when = values["when_fact"]
    record["when"] = ({"value": when.value, "precision": when.attrs.get("precision"),
                       "quote": when.evidence.quote,
                       "confidence": values["confidence"]["when"]} if when else None)
    record["main"] = _reviewed(_main(values), reviewed or {}, reviewed_only)
    record["reviews"] = {f: _review_entry(d) for f, d in (reviewed or {}).items()}
    for field_name, key in FIELD_KEYS.items():
        record[key] = [_fact_record(f, s, schemes, m) for f, s, m in facts
                       if f.field == field_name and not _other_body(f)]
    # every body named that the report does not say did the act, with its role
    record["organisations"] = [_fact_record(f, s, schemes, m) for f, s, m in facts
                               if _other_body(f)]
    return record


def _review_entry(decision: Decision) -> dict[str, Any]:
    return {"action": decision.action, "reviewer": decision.reviewer, "at": decision.at,
            "revision": decision.revision, "note": decision.note}


def _reviewed(main: dict[str, Any], reviewed: Mapping[str, Decision],
              reviewed_only: bool) -> dict[str, Any]:
    """Main values with people's decisions applied: an accepted value is marked, an edited
    one replaced (the machine's kept under ``machine``), a rejected one removed. An accepted
    value stays what the reviewer saw, even when a later extraction says otherwise."""
    out: dict[str, Any] = {}
    for key, machine in main.items():
        decision = reviewed.get(key)
        if decision is None:
            out[key] = None if reviewed_only and key != "victims" else machine
            if reviewed_only and key in ("violations", "victims"):
                out[key] = []
            continue
        entry = _review_entry(decision)
        if decision.action == "reject":
            out[key] = [] if key == "violations" else None
        elif decision.action == "accept" and _values(decision.after) == _values(machine):
            out[key] = ([{**v, "review": entry} for v in machine] if key == "violations"
                        else {**machine, "review": entry} if machine else None)
        else:  # an edit, or an accepted value the machine no longer gives
            out[key] = _decided(key, decision.after, entry, machine)
    return out


def _values(found: Any) -> list[Any]:
    """The value ids of a main value, a list of them, or none."""
    if found is None:
        return []
    return [v.get("value") for v in (found if isinstance(found, list) else [found])]


def _decided(key: str, after: Any, entry: dict[str, Any], machine: Any) -> Any:
    if after is None:
        return [] if key == "violations" else None
    values = [{"value": v.get("value"), "label": v.get("label", v.get("value")),
               "confidence": None, "quote": v.get("quote"), "review": entry,
               "machine": machine} for v in (after if key == "violations" else [after])]
    return values if key == "violations" else values[0]


def _other_body(fact: Fact) -> bool:
    return fact.field == "perpetrator" and fact.attrs.get("role") not in (None, "perpetrator")


def _main(values: dict[str, Any]) -> dict[str, Any]:
    """The main value of each field with its confidence (docs/main-values.md)."""
    def one(fact: Fact | None, key: str) -> dict[str, Any] | None:
        if fact is None:
            return None
        return {"value": fact.value, "label": fact.label,
                "confidence": values["confidence"].get(key), "quote": fact.evidence.quote}
    out: dict[str, Any] = {k: one(values[k], k)
                           for k in ("perpetrator", "country", "region", "city")}
    out["when"] = one(values["when_fact"], "when")
    for key, field in (("violations", "violation"), ("victims", "victim")):
        facts = values["violations"] if field == "violation" else values["named_victims"]
        out[key] = [{"value": f.value, "label": f.label, "confidence": c,
                     "quote": f.evidence.quote}
                    for f, c in zip(facts, values["confidences"][field], strict=True)]
    return out


def incident_records(store: Store, schemes: tuple[str, ...] = (),
                     reviewed_only: bool = False) -> Iterator[dict[str, Any]]:
    """Each incident's record, one story at a time, review decisions applied; with
    ``reviewed_only``, only incidents a person has accepted or edited a value of, and in
    them only the reviewed values."""
    from .review import decisions

    standing: dict[str, dict[str, Decision]] = {}
    for (report_id, field), decision in decisions(store).items():
        standing.setdefault(report_id, {})[field] = decision
    for item in story_incidents(store):
        mine = standing.get(item.incident.report_id, {})
        if reviewed_only and not any(d.action in ("accept", "edit") for d in mine.values()):
            continue
        yield incident_record(item, schemes, mine, reviewed_only)


def write_jsonl(store: Store, out: IO[str], schemes: tuple[str, ...] = (),
                reviewed_only: bool = False) -> int:
    """One JSON object per incident (:func:`incident_records`)."""
    count = 0
    for record in incident_records(store, schemes, reviewed_only):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(store: Store, out: IO[str], schemes: tuple[str, ...] = ()) -> int:
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for item in story_incidents(store):
        marks = main_marks(item.incident, main_values(item.incident, item.published))
        for fact, support, mark in zip(item.incident.facts, item.support, marks, strict=True):
            attrs: dict[str, Any] = {k: v for k, v in fact.attrs.items() if v is not None}
            crosswalk = _crosswalk(fact, schemes)
            if crosswalk:
                attrs["crosswalk"] = crosswalk
            writer.writerow([spreadsheet_cell(v) for v in (
                item.incident.id, item.story_id, item.published or "", fact.field,
                fact.value, fact.label, fact.evidence.report_id, fact.evidence.start,
                fact.evidence.end, fact.evidence.quote, " ".join(support),
                " ".join(mark), max(mark.values()) if mark else "",
                json.dumps(attrs, ensure_ascii=False))])
        count += 1
    return count


_SINGLE = ("perpetrator", "country", "region", "city", "when")
MAIN_COLUMNS = ["incident_id", "story_id", "event_id", "report_id", "story_published",
                "origins", *(f"{f}{s}" for f in _SINGLE for s in ("", "_id", "_confidence")),
                "violations", "victims", "reviewed"]


def write_main_csv(store: Store, out: IO[str], reviewed_only: bool = False) -> int:
    """One row per incident with its main values, their confidence and, where a person
    reviewed them, the reviewed value (columns: ``MAIN_COLUMNS``, docs/export.md)."""
    writer = csv.writer(out)
    writer.writerow(MAIN_COLUMNS)
    count = 0
    for record in incident_records(store, reviewed_only=reviewed_only):
        count += 1
        main = record["main"]
        row: list[Any] = [record[k] or "" for k in MAIN_COLUMNS[:6]]
        for field in _SINGLE:
            value = main.get(field) or {}
            confidence = value.get("confidence")
            row += [value.get("label") or "", value.get("value") or "",
                    "" if confidence is None else confidence]
        row += ["; ".join(v["label"] for v in main["violations"]),
                "; ".join(v["label"] for v in main["victims"]),
                " ".join(f"{f}:{r['action']}" for f, r in sorted(record["reviews"].items()))]
        writer.writerow([spreadsheet_cell(v) for v in row])
    return count


EVENT_COLUMNS = ["event_id", "title", "first_url", "first_published", "outlets", "origins",
                 "reports", "date", "date_precision", "country", "region", "place",
                 "violations", "perpetrator", "victims", "victim_count", "punishments",
                 "conflicts"]


def _top(record: dict[str, Any], field: str, key: str = "label") -> str:
    entry = record["fields"].get(field)
    return str(entry["values"][0][key]) if entry else ""


def _every(record: dict[str, Any], field: str) -> str:
    entry = record["fields"].get(field)
    return "; ".join(str(v["label"]) for v in entry["values"]) if entry else ""


def event_row(record: dict[str, Any]) -> list[str | int]:
    """One spreadsheet row per event: its main values, every conflict spelled out."""
    date = record.get("date") or {}
    first = next((r["url"] or r["origin"] for r in record["reports"]), "")
    conflicts = "; ".join(
        f"{c['field']}: " + " vs ".join(
            f"{v['value']} (“{v['label']}”, {len(v['origins'])} origin(s))"
            for v in c["values"])
        for c in record["conflicts"])
    return [record["id"], record.get("title") or "", first, record.get("first_published") or "",
            "; ".join(record["outlets"]), record["origins"], len(record["reports"]),
            date.get("value") or "", date.get("precision") or "", _top(record, "country"),
            _top(record, "region"), _top(record, "place"), _every(record, "violation"),
            _top(record, "perpetrator"), _every(record, "victim"),
            _top(record, "victim_count", "value"), _every(record, "punishment"), conflicts]


def write_event_jsonl(store: Store, out: IO[str]) -> int:
    """One JSON object per event, most-corroborated first (docs/events.md)."""
    count = 0
    for record in store.events():
        out.write(json.dumps({"export_version": EXPORT_VERSION, **record},
                             ensure_ascii=False) + "\n")
        count += 1
    return count


def write_event_csv(store: Store, out: IO[str]) -> int:
    """One row per event (``EVENT_COLUMNS``), most-corroborated first."""
    writer = csv.writer(out)
    writer.writerow(EVENT_COLUMNS)
    count = 0
    for record in store.events():
        writer.writerow([spreadsheet_cell(v) for v in event_row(record)])
        count += 1
    return count
