from __future__ import annotations

import json
import os
import sqlite3

import pytest

from corroborate.errors import CollectionError
from corroborate.pipeline import ingest
from corroborate.store import Store
from corroborate.store.schema import MIGRATIONS

from .conftest import POSTGRES, database_of, sample_files
from .helpers import flip_byte


@pytest.fixture
def filled(store):
    result = ingest(store, [str(p) for p in sample_files()])
    assert result.ok, result.failures
    return store


def _problems(store):
    return [str(p) for p in store.verify() if p.fatal]


def test_untouched_collection_verifies(filled):
    assert _problems(filled) == []
    assert filled.counts()["captures"] == len(sample_files())


def test_one_changed_byte_in_an_archived_file_is_named(filled):
    sha = next(iter(filled.archive))
    path = filled.archive.path(sha)
    flip_byte(path)
    problems = _problems(filled)
    assert len(problems) == 1
    assert sha in problems[0] and "altered" in problems[0]


def test_a_missing_archive_file_is_named(filled):
    sha = next(iter(filled.archive))
    os.remove(filled.archive.path(sha))
    problems = _problems(filled)
    assert any(sha in p and "missing" in p for p in problems)


def test_a_changed_log_line_is_named(filled):
    log = filled.root / "custody.log"
    lines = log.read_text().splitlines()
    entry = json.loads(lines[2])
    entry["origin"] = "somewhere/else.txt"
    lines[2] = json.dumps(entry, sort_keys=True)
    log.write_text("\n".join(lines) + "\n")
    problems = _problems(filled)
    assert problems[0] == "custody.log line 3: was altered: its hash does not match its content"
    # and the database, which still holds the true origin, disagrees with the forged line
    assert any("says origin" in p and "somewhere/else.txt" in p for p in problems[1:])


def test_a_rehashed_forged_line_still_breaks_the_chain(filled):
    from corroborate.store.custody import entry_hash

    log = filled.root / "custody.log"
    lines = log.read_text().splitlines()
    entry = json.loads(lines[1])
    entry["captured_at"] = "2001-01-01T00:00:00+00:00"
    entry["hash"] = entry_hash(entry)
    lines[1] = json.dumps(entry, sort_keys=True)
    log.write_text("\n".join(lines) + "\n")
    problems = _problems(filled)
    assert any(p.startswith("custody.log line 3: breaks the chain") for p in problems)


def test_reordered_log_lines_are_named(filled):
    log = filled.root / "custody.log"
    lines = log.read_text().splitlines()
    lines[0], lines[1] = lines[1], lines[0]
    log.write_text("\n".join(lines) + "\n")
    problems = _problems(filled)
    assert any(p.startswith("custody.log line 1: is out of order") for p in problems)


def test_an_extra_file_in_the_archive_is_named(filled):
    path = filled.archive.path("ab" * 32)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"smuggled in")
    assert any("has no custody log entry" in p for p in _problems(filled))


def test_ingesting_the_same_inputs_twice_changes_nothing(filled):
    before = (filled.counts(), (filled.root / "custody.log").read_bytes(),
              sorted(filled.archive))
    result = ingest(filled, [str(p) for p in sample_files()])
    assert result.captures == [] and result.reports == 0
    assert len(result.unchanged) == len(sample_files())
    after = (filled.counts(), (filled.root / "custody.log").read_bytes(),
             sorted(filled.archive))
    assert before == after
    assert Store.exists(filled.root)


def test_archived_bytes_are_exact_and_read_only(filled, samples):
    import hashlib

    data = (samples / "seed-story-record.txt").read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    assert filled.archive.read(sha) == data
    assert not os.access(filled.archive.path(sha), os.W_OK) or os.geteuid() == 0
    assert oct(filled.archive.path(sha).stat().st_mode)[-3:] == "400"


def test_full_text_search(filled):
    hits = filled.search('"political prison camp"')
    assert hits and all(h["id"].startswith("r-") for h in hits)
    assert "[" in hits[0]["snippet"]
    assert filled.search("nonexistentword") == []
    with pytest.raises(CollectionError):
        filled.search('"unbalanced')


def test_schema_is_versioned_and_a_newer_one_is_refused(tmp_path):
    s = Store.init(tmp_path / "c")
    assert s.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    if not POSTGRES:  # PostgreSQL keeps its own journal
        assert s.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    s.close()
    raw = database_of(tmp_path / "c")
    raw.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    raw.close()
    with pytest.raises(CollectionError, match="newer"):
        Store.open(tmp_path / "c")


def test_opening_a_folder_that_is_not_a_collection(tmp_path):
    with pytest.raises(CollectionError, match="corroborate init"):
        Store.open(tmp_path)
    Store.init(tmp_path / "c").close()
    with pytest.raises(CollectionError, match="already"):
        Store.init(tmp_path / "c")


def test_a_schema_3_collection_gets_its_review_log_on_opening(tmp_path):
    root = tmp_path / "old"
    Store.init(root).close()
    db = database_of(root)
    db.executescript("DROP TABLE review_log; DROP TABLE users; PRAGMA user_version = 3;")
    db.close()
    with Store.open(root) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert store.db.execute("SELECT COUNT(*) FROM review_log").fetchone()[0] == 0


def test_a_schema_11_collection_gets_its_reports_screens_on_opening(tmp_path):
    root = tmp_path / "old"
    with Store.init(root) as store:
        assert ingest(store, [str(p) for p in sample_files()[:4]]).ok
        reports = store.db.execute("SELECT id, shingles, minhash FROM reports "
                                   "WHERE length(shingles) > 0 ORDER BY id").fetchall()
    db = database_of(root)
    db.executescript("DROP TABLE story_prints; PRAGMA user_version = 11;")
    db.close()
    with Store.open(root) as store:
        screens = store.screens_of(r[0] for r in reports)
    assert reports and set(screens) == {r[0] for r in reports}
    for report_id, shingles, minhash in reports:
        assert screens[report_id][0] == len(shingles) // 4
        assert screens[report_id][1].tobytes() == minhash


def test_a_schema_12_collection_files_its_accounts_again_on_opening(tmp_path, monkeypatch):
    """Migration 13: accounts filed under the keys before it (province, every violation)
    are filed under today's (events.blocking_keys), from their probes; nothing else of
    the events changes. (Opened with the migrations up to 13: 15 makes every account
    again.)"""
    from corroborate.events import Account, blocking_keys
    from corroborate.store import schema

    root = tmp_path / "old"
    with Store.init(root) as store:
        assert ingest(store, [str(p) for p in sample_files()]).ok
        probes = {r[0]: r[1] for r in store.db.execute(
            "SELECT account_id, probe FROM account_probes")}
        events = sorted(tuple(r) for r in store.db.execute("SELECT id, event_id FROM accounts"))
    assert probes
    db = database_of(root)
    db.executescript("DELETE FROM account_keys; "
                     "INSERT INTO account_keys SELECT 'KP|KP-10|arrest|2023-08', account_id "
                     "FROM account_probes; PRAGMA user_version = 12;")
    db.close()
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:13])
    with Store.open(root) as store:
        filed = {tuple(r) for r in store.db.execute("SELECT key, account_id FROM account_keys")}
        assert sorted(tuple(r) for r in store.db.execute(
            "SELECT id, event_id FROM accounts")) == events
    assert filed == {(key, account_id) for account_id, probe in probes.items()
                     for key in blocking_keys(Account.from_probe(json.loads(probe)))}
    assert any("|c:" in key for key, _ in filed)


def test_a_batch_that_stores_whole_takes_no_savepoint(tmp_path):
    """Step 5 stores a batch in one transaction with no savepoint while every report goes
    in (a savepoint makes the full-text index write out a segment a report); only a
    batch with a report that cannot be stored is stored again report by report."""
    from corroborate.pipeline import ingest

    from .helpers import report_text

    class Recording:
        def __init__(self, db):
            self.db, self.statements = db, []

        def execute(self, sql, *args):
            self.statements.append(sql)
            return self.db.execute(sql, *args)

        def __getattr__(self, name):
            return getattr(self.db, name)

    (tmp_path / "r.jsonl").write_text("".join(
        json.dumps({"text": report_text(i), "url": f"https://example.org/{i}"}) + "\n"
        for i in range(3)))
    with Store.init(tmp_path / "c") as store:
        store.db = recording = Recording(store.db)
        assert ingest(store, [str(tmp_path / "r.jsonl")], workers=1).reports == 3
        store.db = recording.db
        assert store.db.execute("SELECT count(*) FROM reports_fts").fetchone()[0] == 3
    assert any("INSERT INTO reports" in s for s in recording.statements)
    assert not any("SAVEPOINT" in s.upper() for s in recording.statements)


def test_a_report_that_cannot_be_stored_is_rolled_back_alone(tmp_path, monkeypatch):
    """Step 5 stores a batch of reports in one transaction; one that fails halfway through
    its rows has the batch stored again, each report under a savepoint: it leaves none of
    its rows, and the others go in."""
    import json as _json

    import corroborate.store as store_module
    from corroborate.pipeline import ingest

    from .helpers import report_text

    real = store_module.insert_rows

    def failing(db, rows, *rest):
        real(db, rows, *rest)  # its rows are written...
        if "numbered 1," in rows.report[10]:  # the text
            raise sqlite3.IntegrityError("a constraint failed")  # ...then it fails

    monkeypatch.setattr(store_module, "insert_rows", failing)
    (tmp_path / "r.jsonl").write_text("".join(
        _json.dumps({"text": report_text(i), "url": f"https://example.org/{i}"}) + "\n"
        for i in range(3)))
    with Store.init(tmp_path / "c") as store:
        result = ingest(store, [str(tmp_path / "r.jsonl")])
        assert result.reports == 2 and not result.ok
        assert result.failures and all("cannot be stored (a constraint failed)" in f.reason
                                       for f in result.failures)
        texts = [r[0] for r in store.db.execute("SELECT text FROM reports")]
        assert len(texts) == 2 and not any("numbered 1," in t for t in texts)
        assert store.db.execute("SELECT count(*) FROM reports_fts").fetchone()[0] == 2
        assert store.db.execute("SELECT count(*) FROM incidents WHERE report_id NOT IN "
                                "(SELECT id FROM reports)").fetchone()[0] == 0
