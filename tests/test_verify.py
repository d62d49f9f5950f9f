"""verify at any size: the log walked into a summary on disk, the database read a page at a
time (store/verify.py, store/log_summary.py). What it finds must not depend on where the
pages break, and the summary must leave nothing behind."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

import corroborate.store.verify as verify
from corroborate.pipeline import ingest
from corroborate.store import Store
from corroborate.store.verify import read_log

from .conftest import database_of, sample_files, without_foreign_keys
from .helpers import write_good_reports


@pytest.fixture
def damaged(store: Store, tmp_path: Path) -> tuple[Store, int]:
    """A collection of many small captures, damaged behind the store's back in the middle
    of each table, where a page boundary can fall; and the seq of a planted receipt."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_good_reports(inbox, 14)
    result = ingest(store, [str(p) for p in sample_files()] + [str(inbox)])
    assert result.ok, result.failures
    shas = [r[0] for r in store.db.execute("SELECT sha256 FROM captures ORDER BY sha256")]
    seqs = [r[0] for r in store.db.execute("SELECT seq FROM receipts ORDER BY seq")]
    # an entry in the middle of the log that has no receipt (an ``indexed`` one)
    unreceipted = min(set(range(seqs[len(seqs) // 3], seqs[-1])) - set(seqs))
    reports = [r[0] for r in store.db.execute(
        "SELECT id FROM reports WHERE capture_sha256 = ? ORDER BY id", (shas[5],))]
    db = database_of(store.root)
    with db:
        without_foreign_keys(db)
        db.execute("DELETE FROM receipts WHERE seq = ?", (seqs[len(seqs) // 2],))
        db.execute("INSERT INTO receipts (seq, event, sha256, origin, at) VALUES "
                   "(?, 'captured', ?, 'planted.txt', '2026-12-02')", (seqs[-1] + 40, shas[3]))
        db.execute("INSERT INTO receipts (seq, event, sha256, origin, at) VALUES "
                   "(?, 'received', ?, 'planted.txt', '2026-12-02')", (unreceipted, shas[2]))
        db.execute("UPDATE captures SET origin = 'elsewhere.txt' WHERE sha256 = ?", (shas[4],))
        db.execute("UPDATE reports SET title = 'Nothing happened' WHERE id = ?", (reports[0],))
        db.execute("DELETE FROM reports WHERE capture_sha256 = ?", (shas[7],))
        db.execute("DELETE FROM captures WHERE sha256 = ?", (shas[9],))
    db.close()
    return store, unreceipted


def _found(store: Store) -> list[str]:
    return sorted(str(p) for p in store.verify())


def test_each_damage_in_the_middle_of_a_table_is_named(damaged: tuple[Store, int]) -> None:
    store, planted = damaged
    found = "\n".join(_found(store))
    for what in ("has no receipt in the database", "is not in the custody log",
                 f"database receipt {planted}: is not",
                 "says origin 'elsewhere.txt'", "was changed in the database after it was "
                 "indexed", "is gone from the database", "which the database does not hold",
                 "report(s) from a capture the database does not hold"):
        assert what in found


@pytest.mark.parametrize("page, most_held", [(1, 1), (2, 3), (5, 1), (7, 100)])
def test_what_verify_finds_does_not_depend_on_its_page_sizes(
        damaged: tuple[Store, int], monkeypatch: pytest.MonkeyPatch, page: int,
        most_held: int) -> None:
    store, _planted = damaged
    whole = _found(store)
    monkeypatch.setattr(verify, "_PAGE", page)
    monkeypatch.setattr(verify, "_MOST_HELD", most_held)
    assert _found(store) == whole


def test_a_healthy_collection_read_a_row_at_a_time_has_no_problem(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_good_reports(tmp_path / "in", 9)
    assert ingest(store, [str(tmp_path / "in")]).ok
    monkeypatch.setattr(verify, "_PAGE", 1)
    monkeypatch.setattr(verify, "_MOST_HELD", 1)
    assert [str(p) for p in store.verify(deep=True)] == []


def test_the_summary_answers_what_the_log_says_and_is_deleted_when_closed(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert ingest(store, [str(p) for p in sample_files()]).ok
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "scratch"))
    (tmp_path / "scratch").mkdir()
    shas = {r[0]: r[1] for r in store.db.execute("SELECT sha256, origin FROM captures")}
    with read_log(store) as found:
        # a plain collection's summary is SQLite's anonymous database: no file to leave
        assert list((tmp_path / "scratch").iterdir()) == []
        assert found.capture_count() == len(shas)
        for sha, origin in shas.items():
            logged = found.captured(sha)
            assert logged is not None and logged[1]["origin"] == origin
            assert found.is_logged(sha) and found.names_logged(store.archive.name(sha))
            assert set((found.indexed(sha) or {})["reports"]) == {r[0] for r in store.db.execute(
                "SELECT id FROM reports WHERE capture_sha256 = ?", (sha,))}
        assert found.captured("ab" * 32) is None and found.indexed("ab" * 32) is None
        receipts = [row for _seq, row in found.receipts()]
        assert receipts == [tuple(r) for r in store.db.execute(
            "SELECT seq, event, sha256, origin, at, size, reason FROM receipts ORDER BY seq")]
        assert found.hash_at(found.count) == found.head and found.hash_at(0) is None
        assert found.hash_at(1 << 70) is None and found.hash_at("1") is None  # type: ignore[arg-type]
    assert list((tmp_path / "scratch").iterdir()) == []


@pytest.mark.parametrize("seq", ["x", 1e300, 1 << 70, None, [3]])
def test_an_entry_whose_seq_is_no_number_is_named_not_a_crash(store: Store, seq: object) -> None:
    import json

    from corroborate.store.custody import entry_hash, format_line

    assert ingest(store, [str(p) for p in sample_files()]).ok
    log = store.root / "custody.log"
    last = json.loads(log.read_text().splitlines()[-1])
    forged = {"event": "received", "sha256": "ab" * 32, "origin": "planted.html",
              "received_at": "2020-01-01T00:00:00+00:00", "seq": seq, "prev": last["hash"]}
    forged["hash"] = entry_hash(forged)
    with log.open("ab") as fh:
        fh.write(format_line(forged, None))
    problems = [str(p) for p in store.verify() if p.fatal]
    assert any("is out of order" in p for p in problems), problems


def test_database_rows_keyed_below_every_page_are_named(store: Store) -> None:
    assert ingest(store, [str(p) for p in sample_files()]).ok
    db = database_of(store.root)
    with db:
        db.execute("INSERT INTO receipts (seq, event, sha256, origin, at) VALUES "
                   "(-5, 'received', NULL, 'planted.txt', '2026-12-02')")
        db.execute("INSERT INTO captures (sha256, origin, size, media_type, captured_at, "
                   "tool_version, status) VALUES ('', 'planted.txt', 1, 'text/plain', "
                   "'2026-12-02', '0.1', 'indexed')")
    db.close()
    problems = [str(p) for p in store.verify() if p.fatal]
    assert "database receipt -5: is not in the custody log" in problems
    assert "database capture : is not in the custody log" in problems


@pytest.mark.parametrize("line", [
    '{"event": "indexed", "hash": "\\ud800", "seq": 99}',
    '{"event": "captured", "hash": "00", "sha256": "\\ud800", "seq": 99}',
    '{"event": "indexed", "hash": "00", "sha256": "\\udcff", "seq": 99}',
])
def test_a_line_with_a_lone_surrogate_is_named_not_a_crash(store: Store, line: str) -> None:
    assert ingest(store, [str(p) for p in sample_files()]).ok
    with (store.root / "custody.log").open("a", encoding="ascii") as fh:
        fh.write(line + "\n")
    problems = [str(p) for p in store.verify() if p.fatal]
    assert any(p.startswith("custody.log line") for p in problems)
