from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from corroborate.export import (
    CSV_COLUMNS,
    MAIN_COLUMNS,
    write_csv,
    write_jsonl,
    write_main_csv,
)
from corroborate.pipeline import ingest

from .conftest import sample_files

DOC = Path(__file__).parents[1] / "docs" / "export.md"
TOP_KEYS = ["export_version", "incident_id", "story_id", "event_id", "report_id",
            "story_published", "origins", "when", "main", "reviews", "violations", "perpetrators",
            "victims", "victim_counts", "places", "dates", "punishments", "sources",
            "organisations"]
FACT_KEYS = TOP_KEYS[TOP_KEYS.index("violations"):]


@pytest.fixture
def filled(store):
    assert ingest(store, [str(p) for p in sample_files()]).ok
    return store


def _records(store):
    out = io.StringIO()
    count = write_jsonl(store, out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(records) == count
    return records


def test_jsonl_is_one_object_per_incident_in_the_pinned_format(filled):
    records = _records(filled)
    assert len(records) == len({r["incident_id"] for r in records}) >= 4
    for record in records:
        assert list(record) == TOP_KEYS
        assert record["export_version"] == 3
        assert record["event_id"].startswith("e-") and record["origins"] >= 1
        for key in FACT_KEYS:
            for fact in record[key]:
                assert {"value", "label", "evidence", "supported_by", "main"} <= set(fact)
                ev = fact["evidence"]
                assert set(ev) == {"report_id", "start", "end", "quote"}
                report = filled.report(ev["report_id"])
                assert report.text[ev["start"]:ev["end"]] == ev["quote"]


def test_every_exported_key_is_documented():
    doc = DOC.read_text()
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", doc, re.M))
    assert set(TOP_KEYS) <= documented
    assert {"value", "label", "evidence", "supported_by", "quote", "precision", "main",
            "confidence"} <= documented
    assert set(CSV_COLUMNS) <= documented
    assert set(MAIN_COLUMNS) <= documented


def test_csv_has_one_row_per_fact(filled):
    out = io.StringIO()
    write_csv(filled, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    facts = sum(len(r[k]) for r in _records(filled) for k in FACT_KEYS)
    assert len(rows) == facts
    assert list(rows[0]) == CSV_COLUMNS


def test_export_adds_crosswalk_labels_for_the_schemes_asked(filled):
    out = io.StringIO()
    write_jsonl(filled, out, ("acled", "hrdsattack"))
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    walked = [v for r in records for v in r["violations"]]
    assert all(set(v["crosswalk"]) == {"acled", "hrdsattack"} for v in walked)
    detention = next(v for v in walked if v["value"] == "arbitrary_detention")
    assert detention["crosswalk"] == {"acled": "Arrests", "hrdsattack": "arbitrary detention"}
    plain = _records(filled)
    assert all("crosswalk" not in v for r in plain for v in r["violations"])


def test_main_values_are_marked_with_a_confidence_and_point_at_exported_facts(filled):
    records = _records(filled)
    marked = 0
    for record in records:
        main = record["main"]
        assert set(main) == {"perpetrator", "country", "region", "city", "when", "violations",
                             "victims"}
        facts = [f for key in FACT_KEYS for f in record[key]]
        for key, value in main.items():
            for one in (value if isinstance(value, list) else [value] if value else []):
                assert 0.0 <= one["confidence"] <= 1.0
                # the fact it came from is exported, marked main for that field
                singular = key[:-1] if isinstance(value, list) else key
                assert any(singular in f["main"] and f["evidence"]["quote"] == one["quote"]
                           for f in facts), (key, one)
                marked += 1
    assert marked >= 2 * len(records)


def test_perpetrators_hold_only_bodies_said_to_have_done_the_act(filled):
    for record in _records(filled):
        assert all(f.get("role") in (None, "perpetrator") for f in record["perpetrators"])
        assert all(f.get("role") not in (None, "perpetrator") for f in record["organisations"])


def test_the_main_values_csv_has_one_row_per_incident_with_its_main_values(filled):
    out = io.StringIO()
    count = write_main_csv(filled, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    records = _records(filled)
    assert len(rows) == count == len(records)
    assert list(rows[0]) == MAIN_COLUMNS
    by_id = {r["incident_id"]: r for r in rows}
    for record in records:
        row, main = by_id[record["incident_id"]], record["main"]
        if main["country"]:
            assert row["country_id"] == main["country"]["value"]
            assert float(row["country_confidence"]) == main["country"]["confidence"]
        assert row["violations"] == "; ".join(v["label"] for v in main["violations"])


def test_an_accepted_value_stays_what_the_reviewer_saw_when_extraction_changes() -> None:
    from corroborate.export import _reviewed
    from corroborate.review import Decision

    seen = {"value": "KP-10", "label": "Ryanggang", "quote": "Yanggang province"}
    accepted = Decision(1, "2026-01-01T00:00:00+00:00", "ana", "r-1", "region", "accept",
                        seen, seen, "", 1)
    now = {"value": "KP-09", "label": "North Hamgyong", "confidence": 0.4, "quote": "x"}
    kept = _reviewed({"region": now}, {"region": accepted}, reviewed_only=True)["region"]
    assert kept["value"] == "KP-10"
    assert kept["machine"] == now
    unchanged = {**seen, "confidence": 0.7}
    same = _reviewed({"region": unchanged}, {"region": accepted}, reviewed_only=True)
    assert same["region"]["value"] == "KP-10" and same["region"]["confidence"] == 0.7
