"""store.rows: a report's rows made apart from the database (in a worker), their digest
worked out from the values, and the writer's fallback to reading the rows back."""

from __future__ import annotations

import dataclasses
import pickle

from corroborate.capture import capture_bytes
from corroborate.pipeline import ingest, process
from corroborate.provenance import tool_version, vocabulary_digest
from corroborate.search_index import machine_json
from corroborate.store import Store
from corroborate.store.digest import report_digest
from corroborate.store.rows import report_rows

from .conftest import sample_files
from .helpers import report_text


def _made() -> tuple[str, str]:
    return tool_version(), vocabulary_digest()


def _documents(path):
    _capture, docs, _errors = capture_bytes(str(path), path.read_bytes())
    return docs


def _stored_digests(store: Store) -> dict[str, tuple[str, str | None]]:
    return {r[0]: (r[1], report_digest(store.db, r[0]))
            for r in store.db.execute("SELECT id, digest FROM reports")}


def test_the_digest_worked_out_from_the_values_is_the_one_read_back(store):
    """Every bundled sample (HTML, CSV, JSON Lines, text, Korean): the digest made with
    the rows is the one report_digest reads from the stored rows."""
    result = ingest(store, [str(p) for p in sample_files()], workers=1)
    assert result.ok and result.reports > 10
    made = {}
    for path in sample_files():
        for doc in _documents(path):
            rows = report_rows(*process(doc), _made())
            assert rows.digest is not None
            made[rows.id] = rows.digest
    stored = _stored_digests(store)
    assert set(made) == set(stored)
    for report_id, (column, read_back) in stored.items():
        assert column == read_back == made[report_id], report_id


def test_rows_survive_being_sent_to_another_process():
    doc = _documents(sample_files()[0])[0]
    rows = report_rows(*process(doc), _made())
    again = pickle.loads(pickle.dumps(rows))
    assert again == rows
    assert again.fingerprint.report_id == rows.id
    assert (again.fingerprint.minhash == process(doc)[1].minhash).all()


def _one(store):
    """A report's document, its capture archived and its rows not stored."""
    path = store.root / "one.txt"
    path.write_text(report_text(3))
    assert ingest(store, [str(path)], workers=1).reports == 1
    with store.writing():
        store.remove_reports(store.db.execute("SELECT sha256 FROM captures").fetchone()[0])
    assert not store.db.execute("SELECT 1 FROM reports").fetchone()
    return _documents(path)[0]


def test_a_value_that_would_not_read_back_as_written_is_digested_from_the_database(store):
    """A TEXT column given an int stores '7': the digest cannot be worked out from 7, so
    the rows carry none and the writer reads the stored row back."""
    report, fp, incidents = process(_one(store))
    odd = dataclasses.replace(report, locator=7)  # type: ignore[arg-type]
    rows = report_rows(odd, fp, incidents, _made(), machine_json(incidents, report.published))
    assert rows.digest is None
    with store.writing():
        assert store.add_reports([rows]) == [None]
    column, read_back = _stored_digests(store)[report.id]
    assert column == read_back is not None
    # nor are its main values kept for the index: worked out from what was stored
    assert not store.db.execute("SELECT 1 FROM search_machine").fetchone()


def test_rows_made_with_other_vocabularies_are_stamped_with_the_writers(store):
    report, fp, incidents = process(_one(store))
    rows = report_rows(report, fp, incidents, ("0.0.0", "elsewhere"))
    with store.writing():
        assert store.add_reports([rows]) == [None]
    row = store.db.execute("SELECT tool_version, vocab_digest FROM reports").fetchone()
    assert tuple(row) == _made()
    assert {tuple(r) for r in store.db.execute(
        "SELECT tool_version, vocab_digest FROM incidents")} == {_made()}
    column, read_back = _stored_digests(store)[report.id]
    assert column == read_back
    assert column == report_rows(report, fp, incidents, _made()).digest


def test_an_incident_row_kept_out_is_read_back_not_assumed(store):
    """INSERT OR IGNORE keeps an incident already stored: the digest is then of what the
    database holds, not of the values sent."""
    report, fp, incidents = process(_one(store))
    assert incidents
    rows = report_rows(report, fp, incidents, _made())
    # the second copy is ignored; the digest claimed is not what will be stored
    twice = rows._replace(incidents=rows.incidents * 2, digest="0" * 64)
    with store.writing():
        assert store.add_reports([twice]) == [None]
    column, read_back = _stored_digests(store)[report.id]
    assert column == read_back == rows.digest
