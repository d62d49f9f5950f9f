from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from corroborate.cli import main
from corroborate.pipeline import ingest
from corroborate.store import LogDamaged, Store

from .helpers import logged_captures, write_broken_files, write_good_reports


def test_a_batch_with_broken_files_ingests_the_good_and_names_the_bad(tmp_path):
    inbox = tmp_path / "inbox"
    write_good_reports(inbox, 20)
    expected = write_broken_files(inbox)
    Store.init(tmp_path / "c").close()
    result = CliRunner().invoke(main, ["ingest", "-q", "-c", str(tmp_path / "c"),
                                       "--max-bytes", "100000", str(inbox)])
    assert result.exit_code == 1
    assert "20 new captures, 20 new reports, 0 unchanged, 5 failed" in result.stdout
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed: ")]
    assert len(failed) == 5
    for name, word in expected.items():
        line = next(f for f in failed if name in f)
        assert str(inbox / name) in line and word.lower() in line.lower(), line
    with Store.open(tmp_path / "c") as store:
        assert store.counts()["reports"] == 20
        assert [p for p in store.verify() if p.fatal] == []


def test_records_of_a_container_fail_one_by_one(store, tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text('{"text": "Police detained two traders in Musan, a source said."}\n'
                    '{"text": \n')
    result = ingest(store, [str(path)])
    assert result.reports == 1
    assert [f.origin for f in result.failures] == [f"{path}:line:2"]


def _ingest_process(collection, inbox):
    code = ("import sys; from corroborate.cli import main; "
            "sys.exit(main(['ingest', '-q', '-c', sys.argv[1], sys.argv[2]]))")
    return subprocess.Popen([sys.executable, "-c", code, str(collection), str(inbox)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_a_process_killed_mid_ingest_leaves_the_collection_consistent(tmp_path):
    inbox = tmp_path / "inbox"
    write_good_reports(inbox, 150)
    collection = tmp_path / "c"
    Store.init(collection).close()
    log = collection / "custody.log"
    proc = _ingest_process(collection, inbox)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if log.exists() and log.read_bytes().count(b'"captured"') >= 20:
            break
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Store.open(collection) as store:
        logged = set(logged_captures(store))
        assert 20 <= len(logged) < 150, "the kill must land in the middle of the batch"
        assert [str(p) for p in store.verify() if p.fatal] == []
        # every report in the database belongs to a logged, archived capture
        shas = {r["capture_sha256"] for r in store.db.execute("SELECT capture_sha256 FROM reports")}
        assert shas <= logged and shas <= set(store.archive)
        result = ingest(store, [str(inbox)])
        assert result.ok
        counts = store.counts()
        assert counts["captures"] == counts["reports"] == 150
        assert len(logged_captures(store)) == 150
        assert [p for p in store.verify()] == []
        ids = [r["id"] for r in store.db.execute("SELECT id FROM reports")]
        assert len(ids) == len(set(ids))


def test_a_torn_last_log_line_stops_writers_until_repaired(store, tmp_path):
    path = write_good_reports(tmp_path / "in", 2)[0]
    assert ingest(store, [str(path)]).ok
    log = store.root / "custody.log"
    whole = log.read_bytes()
    log.write_bytes(whole + b'{"seq": 3, "event": "capt')
    assert any("incomplete" in str(p) for p in store.verify() if p.fatal)
    with pytest.raises(LogDamaged, match=r"line 3 .*corroborate repair"):
        ingest(store, [str(tmp_path / "in")])
    assert log.read_bytes() == whole + b'{"seq": 3, "event": "capt'  # never a silent cut
    entry = store.repair()
    assert entry is not None and entry["removed_bytes"] == len(b'{"seq": 3, "event": "capt')
    assert (store.root / entry["kept_at"]).read_bytes() == b'{"seq": 3, "event": "capt'
    assert [p for p in store.verify() if p.fatal] == []
    assert ingest(store, [str(tmp_path / "in")]).ok
