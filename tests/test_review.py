"""Review decisions: append-only, never overwritten by re-extraction, conflicts told."""

from __future__ import annotations

import io
import json
import sqlite3

import pytest
from click.testing import CliRunner

from corroborate import review
from corroborate.cli import main
from corroborate.errors import CorroborateError, ReviewConflict
from corroborate.export import write_jsonl
from corroborate.pipeline import ingest, reprocess

from .conftest import sample_files


@pytest.fixture
def filled(store):
    assert ingest(store, [str(p) for p in sample_files()]).ok
    return store


def _records(store, reviewed_only=False):
    out = io.StringIO()
    write_jsonl(store, out, reviewed_only=reviewed_only)
    return {r["report_id"]: r for r in map(json.loads, out.getvalue().splitlines())}


def _reviewable(store):
    """A report whose incident has a main country and a main perpetrator."""
    return next(rid for rid, r in _records(store).items()
                if r["main"]["country"] and r["main"]["perpetrator"])


def test_decisions_are_logged_and_the_latest_stands(filled):
    rid = _reviewable(filled)
    machine = review.machine_value(filled, rid, "country")
    first = review.decide(filled, rid, "country", "accept", "ana", at="2026-11-30T10:00:00+00:00")
    assert first.revision == 1 and first.before == first.after == machine
    second = review.decide(filled, rid, "country", "edit", "ben", revision=1,
                           value={"value": "CN", "label": "China"}, note="the dateline")
    assert second.before == machine and second.after == {"value": "CN", "label": "China"}
    assert review.decisions(filled, rid)[(rid, "country")] == second
    assert [d.reviewer for d in review.history(filled, rid)] == ["ana", "ben"]


def test_the_review_log_refuses_changes_and_deletions(filled):
    rid = _reviewable(filled)
    review.decide(filled, rid, "perpetrator", "reject", "ana")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        filled.db.execute("UPDATE review_log SET reviewer = 'someone else'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        filled.db.execute("DELETE FROM review_log")
    assert len(review.history(filled, rid)) == 1


def test_a_decision_on_a_value_decided_since_is_refused_and_told(filled):
    rid = _reviewable(filled)
    review.decide(filled, rid, "when", "accept", "ana", revision=0)
    with pytest.raises(ReviewConflict, match="decided by ana") as caught:
        review.decide(filled, rid, "when", "reject", "ben", revision=0)
    assert caught.value.current.reviewer == "ana"
    assert [d.reviewer for d in review.history(filled, rid)] == ["ana"]


@pytest.mark.parametrize(("field", "action", "value"), [
    ("mood", "accept", None),
    ("country", "approve", None),
    ("country", "edit", None),
    ("country", "edit", {"label": "no value"}),
    ("violations", "edit", {"value": "killing"}),  # violations are edited as a list
    ("country", "accept", {"value": "KP"}),
])
def test_malformed_decisions_are_errors_and_write_nothing(filled, field, action, value):
    rid = _reviewable(filled)
    with pytest.raises(CorroborateError):
        review.decide(filled, rid, field, action, "ana", value=value)
    assert review.history(filled, rid) == []


def test_a_reviewed_value_survives_reprocessing_and_re_ingest(filled):
    rid = _reviewable(filled)
    review.decide(filled, rid, "country", "edit", "ana", value={"value": "CN", "label": "China"})
    reprocess(filled)
    ingest(filled, [str(p) for p in sample_files()])
    record = _records(filled)[rid]
    assert record["main"]["country"]["value"] == "CN"
    assert record["main"]["country"]["review"]["reviewer"] == "ana"
    assert record["main"]["country"]["machine"]["value"] != "CN"


def test_reviewed_only_exports_only_reviewed_incidents_and_values(filled):
    rid = _reviewable(filled)
    others = [r for r in _records(filled) if r != rid]
    review.decide(filled, rid, "perpetrator", "accept", "ana")
    review.decide(filled, rid, "when", "edit", "ana", value={"value": "2019-03"})
    review.decide(filled, others[0], "country", "reject", "ben")  # rejections alone: left out
    records = _records(filled, reviewed_only=True)
    assert list(records) == [rid]
    main = records[rid]["main"]
    assert main["perpetrator"]["review"]["action"] == "accept"
    assert main["when"]["value"] == "2019-03" and main["when"]["confidence"] is None
    assert main["country"] is None and main["violations"] == []
    assert set(records[rid]["reviews"]) == {"perpetrator", "when"}


@pytest.fixture
def command_line(tmp_path):
    """A collection of the samples made through the command line, and a report of it whose
    incident has a main country."""
    path = str(tmp_path / "c")
    runner = CliRunner()
    assert runner.invoke(main, ["init", path]).exit_code == 0
    assert runner.invoke(main, ["ingest", "-q", "-c", path,
                                *[str(p) for p in sample_files()]]).exit_code == 0
    exported = runner.invoke(main, ["export", "-c", path])
    rid = next(r["report_id"] for r in map(json.loads, (
        line for line in exported.output.splitlines() if line.startswith("{")))
        if r["main"]["country"])
    return runner, path, rid


def test_the_review_command_decides_lists_and_refuses_a_stale_decision(command_line):
    runner, path, rid = command_line
    done = runner.invoke(main, ["review", "-c", path, rid, "country", "accept",
                                "--reviewer", "ana"])
    assert done.exit_code == 0, done.output
    stale = runner.invoke(main, ["review", "-c", path, rid, "country", "reject",
                                 "--reviewer", "ben"])
    assert stale.exit_code == 1 and "decided by ana" in stale.output
    listed = runner.invoke(main, ["review", "-c", path, rid])
    assert "accept by ana" in listed.output and "revision 1" in listed.output
    reviewed = runner.invoke(main, ["export", "-c", path, "--reviewed-only"])
    assert [json.loads(line)["report_id"] for line in reviewed.output.splitlines()
            if line.startswith("{")] == [rid]


def test_the_incident_csv_shows_reviewed_values_and_can_keep_only_them(command_line):
    import csv

    runner, path, rid = command_line
    assert runner.invoke(main, ["review", "-c", path, rid, "when", "edit", "--value",
                                "2019-03", "--reviewer", "ana"]).exit_code == 0
    result = runner.invoke(main, ["export", "-c", path, "--format", "csv", "--rows",
                                  "incident", "--reviewed-only"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(line for line in result.output.splitlines()
                               if not line.startswith("exported")))
    assert [(r["report_id"], r["when_id"], r["when_confidence"], r["reviewed"])
            for r in rows] == [(rid, "2019-03", "", "when:edit")]
    refused = runner.invoke(main, ["export", "-c", path, "--format", "csv", "--reviewed-only"])
    assert refused.exit_code == 2
