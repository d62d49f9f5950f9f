"""Custody under faults, concurrency, forgers and tampering (issue 7).

Each test is named after a defect a hostile tester found; each failed before its fix.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborate.cli import main
from corroborate.errors import CollectionError
from corroborate.pipeline import ingest, reprocess
from corroborate.provenance import tool_version, vocabulary_digest
from corroborate.store import LogDamaged, Store
from corroborate.store.custody import GENESIS, entry_hash

from .conftest import database_of, sample_files, without_foreign_keys
from .helpers import logged_captures, write_good_reports


@pytest.fixture
def filled(store):
    result = ingest(store, [str(p) for p in sample_files()])
    assert result.ok, result.failures
    return store


def fatal(store, **kwargs):
    return [str(p) for p in store.verify(**kwargs) if p.fatal]


def entries(store):
    return [json.loads(line) for line in (store.root / "custody.log").read_text().splitlines()]


def rewrite_log(store, edited):
    """What a forger with write access does: edit entries, then recompute the whole chain."""
    prev, lines = GENESIS, []
    for seq, entry in enumerate(edited, start=1):
        entry = {**entry, "seq": seq, "prev": prev}
        entry["hash"] = entry_hash(entry)
        prev = entry["hash"]
        lines.append(json.dumps(entry, sort_keys=True, ensure_ascii=False))
    (store.root / "custody.log").write_text("\n".join(lines) + "\n")


# -- one writer at a time ------------------------------------------------------------------


def _cli(*args, env=None):
    code = "import sys; from corroborate.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_four_ingests_at_once_keep_every_report_and_the_chain(tmp_path):
    paths = write_good_reports(tmp_path / "in", 24)
    folders = []
    for n in range(4):
        folder = tmp_path / f"batch{n}"
        folder.mkdir()
        for path in paths[n * 5:n * 5 + 9]:  # overlapping batches: the same bytes twice
            shutil.copy(path, folder / path.name)
        folders.append(folder)
    Store.init(tmp_path / "c").close()
    procs = [_cli("ingest", "-q", "-c", str(tmp_path / "c"), str(f)) for f in folders]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], outs
    with Store.open(tmp_path / "c") as store:
        assert fatal(store) == []
        assert store.counts()["reports"] == len({p.name for f in folders for p in f.iterdir()})
        assert len(logged_captures(store)) == store.counts()["captures"]
        # every batch's origin of a shared file is recorded, none twice
        origins = [(e.get("sha256"), e["origin"]) for e in entries(store)
                   if e["event"] in ("captured", "received")]
        assert len(origins) == len(set(origins)) == 4 * 9


def test_a_second_writer_waits_for_the_lock_and_gives_up_with_a_clear_error(store):
    other = Store.open(store.root)
    other.lock_timeout = 0.2
    with store.writing(), pytest.raises(CollectionError, match="another corroborate process"):
        ingest(other, [])
    other.close()


# -- kill at every write step --------------------------------------------------------------

STEPS = ["staged", "db-pending", "log-captured", "archived", "report", "log-indexed",
         "db-indexed"]


@pytest.mark.parametrize("step", STEPS)
def test_a_kill_at_every_write_step_leaves_a_resumable_verifiable_collection(tmp_path, step):
    inbox = tmp_path / "in"
    write_good_reports(inbox, 3)
    shutil.copy(sample_files()[-2], inbox)  # a JSON Lines file: several reports in one capture
    Store.init(tmp_path / "c").close()
    env = {**os.environ, "CORROBORATE_KILL_AT": f"{step}:2"}
    proc = _cli("ingest", "-q", "-c", str(tmp_path / "c"), str(inbox), env=env)
    proc.communicate(timeout=120)
    assert proc.returncode == -9, f"the process must die at {step}"
    with Store.open(tmp_path / "c") as store:
        assert fatal(store) == [], step
        assert ingest(store, [str(inbox)]).ok
        assert [str(p) for p in store.verify(deep=True)] == []
        counts = store.counts()
    Store.init(tmp_path / "clean").close()
    with Store.open(tmp_path / "clean") as clean:
        ingest(clean, [str(inbox)])
        assert clean.counts() == counts


# -- verify checks what it should ----------------------------------------------------------


def test_a_forged_line_appended_with_a_recomputed_hash_is_named(filled):
    forged = {"event": "captured", "sha256": "ab" * 32, "origin": "planted.html", "size": 9,
              "media_type": "text/html", "captured_at": "2020-01-01T00:00:00+00:00",
              "tool_version": "0.1.0"}
    rewrite_log(filled, [*entries(filled), forged])
    problems = fatal(filled)
    assert any("which the database does not hold" in p for p in problems)
    assert any("has no receipt in the database" in p for p in problems)


def test_deleting_an_entry_with_its_file_and_rechaining_is_named(filled):
    log = entries(filled)
    victim = next(e for e in log if e["event"] == "captured")
    rewrite_log(filled, [e for e in log if e.get("sha256") != victim["sha256"]])
    path = filled.archive.path(victim["sha256"])
    os.chmod(path, 0o600)
    path.unlink()
    problems = fatal(filled)
    assert f"database capture {victim['sha256']}: is not in the custody log" in problems


def test_rewriting_every_origin_consistently_is_named(filled):
    rewrite_log(filled, [{**e, "origin": "elsewhere"} if "origin" in e else e
                         for e in entries(filled)])
    assert any("says origin" in p for p in fatal(filled))


@pytest.mark.parametrize("edit", [
    "UPDATE reports SET text = replace(text, 'Hyesan', 'Hamhung')",
    "UPDATE facts SET quote = 'something else' WHERE incident_id = (SELECT min(incident_id) "
    "FROM facts) AND position = 0",
    "UPDATE facts SET value = 'KP-01' WHERE field = 'place'",
    "DELETE FROM facts WHERE incident_id = (SELECT max(incident_id) FROM facts) "
    "AND position = 0",
    "UPDATE reports SET published = '1999-01-01' WHERE rowid = 1",
])
def test_any_edit_of_the_database_is_named(filled, edit):
    db = database_of(filled.root)
    with db:
        assert db.execute(edit).rowcount > 0
    db.close()
    assert any("was changed in the database after it was indexed" in p for p in fatal(filled))


def test_deleted_database_rows_are_named(filled):
    db = database_of(filled.root)
    with db:
        without_foreign_keys(db)
        db.execute("DELETE FROM reports WHERE rowid = 1")
        db.execute("DELETE FROM receipts WHERE seq = 1")
    db.close()
    problems = fatal(filled)
    assert any("is gone from the database" in p for p in problems)
    assert "custody.log entry 1 (captured): has no receipt in the database" in problems


def test_verify_deep_rederives_from_the_archive(filled):
    assert [str(p) for p in filled.verify(deep=True)] == []
    # a forger who edits a report AND recomputes its digest in the database and the log
    db = database_of(filled.root)
    with db:
        db.execute("UPDATE reports SET title = 'Nothing happened' WHERE rowid = 1")
        rid = db.execute("SELECT id FROM reports WHERE rowid = 1").fetchone()[0]
        from corroborate.store.digest import report_digest
        digest = report_digest(db, rid)
        db.execute("UPDATE reports SET digest = ? WHERE id = ?", (digest, rid))
    db.close()
    rewrite_log(filled, [{**e, "reports": {**e["reports"], rid: digest}}
                         if e["event"] == "indexed" and rid in e["reports"] else e
                         for e in entries(filled)])
    assert fatal(filled) == []  # consistent everywhere: only the bytes can tell
    assert any(rid in p for p in fatal(filled, deep=True))


def test_verify_runs_on_a_read_only_copy_and_writes_nothing(filled, tmp_path):
    copy = tmp_path / "copy"
    filled.close()
    shutil.copytree(filled.root, copy)
    before = {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()}
    for path in [copy, *copy.rglob("*")]:
        os.chmod(path, 0o500 if path.is_dir() else 0o400)
    try:
        result = CliRunner().invoke(main, ["verify", "-c", str(copy)])
        assert result.exit_code == 0, result.output
        assert {p: p.read_bytes() for p in copy.rglob("*") if p.is_file()} == before
    finally:
        for path in [copy, *copy.rglob("*")]:
            os.chmod(path, 0o700)


# -- the anchor ----------------------------------------------------------------------------


def test_an_anchor_proves_the_log_up_to_it_and_catches_a_consistent_rewrite(filled, tmp_path):
    runner = CliRunner()
    key = tmp_path / "keys" / "team.key"
    key.parent.mkdir()
    assert runner.invoke(main, ["keygen", str(key)]).exit_code == 0
    anchor = tmp_path / "anchor.json"
    made = runner.invoke(main, ["anchor", "-c", str(filled.root), "--key", str(key),
                                "-o", str(anchor)])
    assert made.exit_code == 0, made.output
    args = ["verify", "-c", str(filled.root), "--anchor", str(anchor),
            "--trusted-key", f"{key}.pub"]
    ok = runner.invoke(main, args)
    assert ok.exit_code == 0 and "are as signed at" in ok.output
    # more work after the anchor does not disturb it
    ingest(filled, [str(p) for p in write_good_reports(tmp_path / "more", 2)])
    assert runner.invoke(main, args).exit_code == 0
    # a forger rewrites history before the anchor, database and log alike
    rewrite_log(filled, [{**e, "captured_at": "2001-01-01T00:00:00+00:00"}
                         if e["event"] == "captured" else e for e in entries(filled)])
    db = database_of(filled.root)
    with db:
        db.execute("UPDATE captures SET captured_at = '2001-01-01T00:00:00+00:00'")
        db.execute("UPDATE receipts SET at = '2001-01-01T00:00:00+00:00' "
                   "WHERE event = 'captured'")
    db.close()
    assert fatal(filled) == []  # consistent: without the anchor this passes
    bad = runner.invoke(main, args)
    assert bad.exit_code == 1 and "were rewritten since" in bad.output


def test_an_anchor_signed_by_another_key_is_named(filled, tmp_path):
    runner = CliRunner()
    for name in ("ours.key", "theirs.key"):
        assert runner.invoke(main, ["keygen", str(tmp_path / name)]).exit_code == 0
    runner.invoke(main, ["anchor", "-c", str(filled.root), "--key",
                         str(tmp_path / "theirs.key"), "-o", str(tmp_path / "a.json")])
    result = runner.invoke(main, ["verify", "-c", str(filled.root), "--anchor",
                                  str(tmp_path / "a.json"), "--trusted-key",
                                  str(tmp_path / "ours.key.pub")])
    assert result.exit_code == 1 and "not by the trusted key" in result.output


def test_the_signing_key_must_live_outside_the_collection(filled):
    result = CliRunner().invoke(main, ["keygen", str(filled.root / "k.key")])
    assert result.exit_code == 0  # keygen does not know the collection; anchor does
    refused = CliRunner().invoke(main, ["anchor", "-c", str(filled.root), "--key",
                                        str(filled.root / "k.key")])
    assert refused.exit_code == 1 and "inside the collection" in refused.output


# -- ordinary failures leave no gaps -------------------------------------------------------


def test_a_failed_log_write_leaves_the_log_unchanged_and_nothing_half_recorded(
        store, tmp_path, monkeypatch):
    paths = write_good_reports(tmp_path / "in", 2)
    assert ingest(store, [str(paths[0])]).ok
    log = store.root / "custody.log"
    whole = log.read_bytes()
    real_write = os.write

    def disk_full(fd, data):
        if os.fstat(fd).st_ino == log.stat().st_ino:
            real_write(fd, bytes(data)[:10])
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", disk_full)
    with pytest.raises(CollectionError, match="No space left"):
        ingest(store, [str(paths[1])])
    monkeypatch.undo()
    assert log.read_bytes() == whole
    assert fatal(store) == []
    assert ingest(store, [str(paths[1])]).ok
    assert fatal(store) == [] and store.counts()["reports"] == 2


def test_a_blank_line_in_the_log_does_not_stop_ingest(filled, tmp_path):
    log = filled.root / "custody.log"
    lines = log.read_text().splitlines()
    log.write_text("\n".join([*lines[:2], "", *lines[2:]]) + "\n")
    assert ingest(filled, [str(p) for p in write_good_reports(tmp_path / "in", 1)]).ok
    problems = filled.verify()
    assert [p for p in problems if p.fatal] == []
    assert any("is blank" in str(p) for p in problems)


def test_garbage_at_the_end_of_the_log_is_kept_not_truncated(filled, tmp_path):
    log = filled.root / "custody.log"
    whole = log.read_bytes()
    log.write_bytes(whole + b"garbage appended by someone\n")
    result = CliRunner().invoke(main, ["ingest", "-q", "-c", str(filled.root),
                                       str(write_good_reports(tmp_path / "in", 1)[0])])
    assert result.exit_code == 1 and "corroborate repair" in result.output
    assert log.read_bytes() == whole + b"garbage appended by someone\n"
    repaired = CliRunner().invoke(main, ["repair", "-c", str(filled.root)])
    assert repaired.exit_code == 0, repaired.output
    kept = list((filled.root / "custody.damaged").iterdir())
    assert [k.read_bytes() for k in kept] == [b"garbage appended by someone\n"]
    assert entries(filled)[-1]["event"] == "repaired"
    assert fatal(filled) == []


def test_damage_inside_the_log_is_never_repaired(filled):
    log = filled.root / "custody.log"
    lines = log.read_text().splitlines()
    lines[1] = lines[1].replace('"event"', '"evnt"')
    log.write_text("\n".join(lines) + "\n")
    with pytest.raises(LogDamaged, match="inside the log's history"):
        filled.repair()


def test_a_file_name_with_a_non_utf8_byte_is_archived_and_named(store, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsencode(folder) + b"/caf\xe9-report.txt"
    with open(name, "wb") as fh:
        fh.write(b"Police in Hyesan arrested two traders for using Chinese phones.\n")
    result = ingest(store, [str(folder)])
    assert result.ok, result.failures
    origin = store.db.execute("SELECT origin FROM captures").fetchone()[0]
    assert origin.endswith("caf\\xe9-report.txt")
    assert fatal(store) == []


def test_a_lone_surrogate_in_a_record_does_not_wedge_the_collection(store, tmp_path):
    path = tmp_path / "records.jsonl"
    path.write_text('{"text": "bad \\ud800 record"}\n'
                    '{"text": "Guards beat detainees at a camp in Chagang province."}\n')
    first = ingest(store, [str(path)])
    assert first.reports == 1 and [f.origin for f in first.failures] == [f"{path}:line:1"]
    again = ingest(store, [])
    assert again.ok and again.resumed == 0
    assert fatal(store) == []


# -- everything received is recorded -------------------------------------------------------


def test_refused_inputs_leave_a_custody_entry(store, tmp_path):
    good = write_good_reports(tmp_path / "in", 1)[0]
    empty = tmp_path / "in" / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "in" / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    result = ingest(store, [str(tmp_path / "in")])
    assert len(result.failures) == 2
    refused = {r["origin"]: r for r in store.receipts("refused")}
    assert set(refused) == {str(empty), str(binary)}
    assert refused[str(binary)]["sha256"] == hashlib.sha256(binary.read_bytes()).hexdigest()
    assert refused[str(binary)]["reason"]
    assert {e["origin"] for e in entries(store) if e["event"] == "refused"} == set(refused)
    # refusing the same bytes from the same place again records nothing new
    before = len(entries(store))
    ingest(store, [str(tmp_path / "in")])
    assert len(entries(store)) == before and good.exists()


def test_the_same_bytes_from_a_second_origin_are_recorded(store, tmp_path):
    first = write_good_reports(tmp_path / "a", 1)[0]
    second = tmp_path / "b" / "copy.txt"
    second.parent.mkdir()
    shutil.copy(first, second)
    ingest(store, [str(first)])
    result = ingest(store, [str(second)])
    assert result.unchanged == [str(second)]
    received = store.receipts("received")
    assert [(r["origin"], r["sha256"]) for r in received] == [
        (str(second), hashlib.sha256(first.read_bytes()).hexdigest())]
    assert fatal(store) == []


# -- provenance ----------------------------------------------------------------------------


def test_derived_rows_carry_the_tool_version_and_vocabulary_digest(filled):
    made = (tool_version(), vocabulary_digest())
    for table in ("reports", "incidents", "stories"):
        rows = set(filled.db.execute(f"SELECT tool_version, vocab_digest FROM {table}"))
        assert {tuple(r) for r in rows} == {made}, table
    indexed = [e for e in entries(filled) if e["event"] == "indexed"]
    assert indexed and {(e["tool_version"], e["vocab_digest"]) for e in indexed} == {made}


def test_a_writer_reads_each_captures_first_entry_back_from_the_log(filled):
    """A writer keeps where each capture's first ``captured`` entry is, not the entry (1.9
    KB a capture held): read back, it is the entry as logged, also after more entries."""
    first: dict[str, dict] = {}
    for entry in entries(filled):
        if entry["event"] == "captured":
            first.setdefault(entry["sha256"], entry)
    with filled.writing() as custody:
        sha = next(iter(first))
        filled.received(sha, "a-new-origin.txt")  # appended: the offsets still hold
        assert list(custody.captures()) == list(first)
        assert [custody.captured_entry(s) for s in first] == list(first.values())
        assert custody.has_capture(sha) and not custody.has_capture("0" * 64)
        assert custody.captured_entry("0" * 64) is None
        assert custody.has_seen(sha, "a-new-origin.txt")
        assert not custody.has_seen(sha, "another-origin.txt")
    with filled.writing() as custody:  # the log read again
        assert custody.has_seen(sha, "a-new-origin.txt")
        assert [custody.captured_entry(s) for s in first] == list(first.values())
        # the index covered the whole log: no entry was read again (docs/custody.md)
        assert custody.checked == 0


def test_a_capture_is_logged_as_indexed_again_only_when_its_reports_changed(filled):
    """The writer keeps a digest of each capture's last ``indexed`` entry, not the entry:
    marking it indexed with the same reports logs nothing, in this writer or one that read
    the log again, and a changed report digest logs a new entry."""
    sha = next(e["sha256"] for e in entries(filled) if e["event"] == "indexed"
               and e["reports"])
    count = len(entries(filled))
    with filled.writing():
        filled.mark_indexed(sha)
    assert len(entries(filled)) == count
    root = filled.root
    filled.close()
    with Store.open(root) as again, again.writing():
        again.mark_indexed(sha)
        assert len(entries(again)) == count
        with again.transaction() as db:
            db.execute("UPDATE reports SET digest = 'changed' WHERE id = (SELECT MIN(id) "
                       "FROM reports WHERE capture_sha256 = ?)", (sha,))
        again.mark_indexed(sha)
        last = entries(again)[-1]
        assert len(entries(again)) == count + 1 and last["event"] == "indexed"
        assert "changed" in last["reports"].values()
        again.mark_indexed(sha)
        assert len(entries(again)) == count + 1


def test_reprocess_derives_again_and_records_it(filled):
    db = database_of(filled.root)
    with db:  # rows as an older version would have left them, without receipts
        db.execute("UPDATE reports SET tool_version = '0.0.1'")
        db.execute("DELETE FROM receipts")
    db.close()
    assert fatal(filled)  # the digests no longer match
    before = filled.counts()
    result = reprocess(filled)
    assert result.ok and filled.counts() == before
    assert fatal(filled) == []
    assert {r[0] for r in filled.db.execute("SELECT tool_version FROM reports")} == {
        tool_version()}


# -- private by default, foreign files left alone ------------------------------------------


def test_collection_files_are_private_whatever_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        with Store.init(tmp_path / "c") as store:
            ingest(store, [str(p) for p in sample_files()])
    finally:
        os.umask(old)
    root = tmp_path / "c"
    assert oct(root.stat().st_mode & 0o777) == oct(0o700)
    for path in root.rglob("*"):
        mode = path.stat().st_mode & 0o777
        assert mode & 0o077 == 0, (path, oct(mode))


def test_a_foreign_sqlite_file_is_not_migrated(tmp_path):
    root = tmp_path / "c"
    root.mkdir()
    db = sqlite3.connect(root / "corroborate.sqlite")
    db.execute("CREATE TABLE contacts (name TEXT)")
    db.commit()
    db.close()
    before = (root / "corroborate.sqlite").read_bytes()
    with pytest.raises(CollectionError, match="not a corroborate collection"):
        Store.open(root)
    assert (root / "corroborate.sqlite").read_bytes() == before


# -- bounded queries and safe output -------------------------------------------------------


def test_a_huge_limit_and_thousands_of_prefix_terms_are_refused(filled):
    runner = CliRunner()
    huge = runner.invoke(main, ["search", "-c", str(filled.root), "--limit", "10" * 20, "a"])
    assert huge.exit_code == 2 and "Traceback" not in huge.output
    many = runner.invoke(main, ["search", "-c", str(filled.root),
                                " OR ".join(f"a{i}*" for i in range(3000))])
    assert many.exit_code == 1 and "at most 64 terms" in many.output


def test_terminal_control_characters_are_escaped_when_printed(store, tmp_path):
    path = tmp_path / "evil\x1b[2J.txt"
    path.write_bytes(b"")
    result = CliRunner().invoke(main, ["ingest", "-q", "-c", str(store.root), str(path)])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "evil\\x1b[2J.txt" in result.output


def test_report_text_with_terminal_escapes_is_shown_escaped(store, tmp_path):
    path = tmp_path / "r.txt"
    path.write_bytes(b"Police in Hyesan \x1b[2J\x1b]0;owned\x07arrested three traders. "
                     + b"They were taken to the police station in the city centre. " * 20)
    assert ingest(store, [str(path)]).ok
    rid = store.db.execute("SELECT id FROM reports").fetchone()[0]
    runner = CliRunner()
    for args in (["show", rid], ["incidents"], ["search", "Hyesan"], ["stories"]):
        result = runner.invoke(main, [*args, "-c", str(store.root)])
        assert result.exit_code == 0, (args, result.output)
        assert "\x1b" not in result.output and "\x07" not in result.output, args


def test_every_entry_of_a_folder_is_named_in_the_summary_and_recorded(store, tmp_path):
    inbox = tmp_path / "in"
    write_good_reports(inbox, 2)
    (inbox / ".DS_Store").write_bytes(b"\0\0\1")
    (inbox / "outside.txt").symlink_to("/etc/hostname")
    (inbox / "dangling.txt").symlink_to(inbox / "gone.txt")
    os.mkfifo(inbox / "pipe.txt")
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", "-q", "-c", str(store.root), str(inbox)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any(line.startswith("skipped: ") and ".DS_Store" in line for line in lines)
    for name in ("outside.txt", "dangling.txt", "pipe.txt"):
        assert any(line.startswith("failed: ") and name in line for line in lines), name
    assert "2 new captures, 2 new reports, 0 unchanged, 3 failed, 1 skipped" in result.stdout
    refused = {Path(r["origin"]).name for r in store.receipts("refused")}
    assert refused == {".DS_Store", "outside.txt", "dangling.txt", "pipe.txt"}
    assert "/etc/hostname" not in {r["origin"] for r in store.receipts()}
    # a hidden file alone is not a failure
    (inbox / "outside.txt").unlink()
    (inbox / "dangling.txt").unlink()
    (inbox / "pipe.txt").unlink()
    again = runner.invoke(main, ["ingest", "-q", "-c", str(store.root), str(inbox)])
    assert again.exit_code == 0, again.output
    # asked to, it follows a link out of the folder
    outside = write_good_reports(tmp_path / "elsewhere", 3)[2]
    (inbox / "linked.txt").symlink_to(outside)
    followed = runner.invoke(main, ["ingest", "-q", "-c", str(store.root), "--follow-symlinks",
                                    str(inbox)])
    assert followed.exit_code == 0, followed.output
    assert "1 new captures" in followed.stdout


# -- found by a hostile review (each failed before its fix) ---------------------------------


def test_a_deleted_archive_file_masked_by_staged_metadata_is_named(filled):
    sha = logged_captures(filled)[0]
    path = filled.archive.path(sha)
    os.chmod(path, 0o600)
    path.unlink()
    staging = filled.root / "archive" / ".staging"
    staging.mkdir(exist_ok=True)
    (staging / f"{sha}.json").write_text("{}")
    assert any(f"{sha}: is missing" in p for p in fatal(filled))
    assert any(f"{sha}: is missing" in p for p in fatal(filled, deep=True))


def test_an_edited_report_behind_a_pending_status_is_named_and_never_logged(filled, tmp_path):
    from corroborate.store.digest import report_digest

    db = database_of(filled.root)
    with db:
        rid, sha = db.execute("SELECT id, capture_sha256 FROM reports WHERE rowid = 1").fetchone()
        db.execute("UPDATE reports SET text = 'Nothing happened.' WHERE id = ?", (rid,))
        db.execute("UPDATE reports SET digest = ? WHERE id = ?", (report_digest(db, rid), rid))
        db.execute("UPDATE captures SET status = 'pending' WHERE sha256 = ?", (sha,))
    db.close()
    assert any(rid in p for p in fatal(filled))
    # the next ingest derives the capture again from its bytes: the edit never reaches the log
    assert ingest(filled, [str(write_good_reports(tmp_path / "in", 1)[0])]).ok
    assert fatal(filled, deep=True) == []
    assert "Nothing happened." not in filled.report(rid).text


def test_a_kill_keeps_the_refusal_of_a_bad_record(tmp_path):
    records = tmp_path / "in" / "mixed.jsonl"
    records.parent.mkdir()
    records.write_text('{"text": "Guards beat detainees at a camp in Chagang province."}\n'
                       '{"no text": 1}\n'
                       '{"text": "Police in Musan detained two smugglers last week."}\n')
    Store.init(tmp_path / "c").close()
    env = {**os.environ, "CORROBORATE_KILL_AT": "log-indexed"}
    proc = _cli("ingest", "-q", "-c", str(tmp_path / "c"), str(records.parent), env=env)
    proc.communicate(timeout=120)
    assert proc.returncode == -9
    with Store.open(tmp_path / "c") as store:
        ingest(store, [])
        refused = [r["origin"] for r in store.receipts("refused")]
        assert refused == [f"{records}:line:2"]
        assert fatal(store) == []


def test_repair_changes_nothing_unless_it_can_record_what_it_cut(filled, monkeypatch):
    log = filled.root / "custody.log"
    whole = log.read_bytes()
    tail = b"x" * 300_000 + b"\n"
    log.write_bytes(whole + tail)
    real = os.replace

    def failing(src, dst):
        if Path(dst) == log:
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(OSError):
        filled.repair()
    monkeypatch.undo()
    assert log.read_bytes() == whole + tail  # not cut without its record
    entry = filled.repair()
    kept = filled.root / entry["kept_at"]
    assert kept.read_bytes() == tail and entry["removed_sha256"] == hashlib.sha256(
        tail).hexdigest()
    assert fatal(filled) == []


def test_cutting_the_last_entries_off_the_log_is_named_and_stops_writers(filled, tmp_path):
    ingest(filled, [str(write_good_reports(tmp_path / "a", 1)[0])])
    copy = tmp_path / "b" / "same.txt"
    copy.parent.mkdir()
    shutil.copy(tmp_path / "a" / "report-000.txt", copy)
    ingest(filled, [str(copy)])  # a `received` entry at the end
    log = filled.root / "custody.log"
    lines = log.read_bytes().splitlines(keepends=True)
    log.write_bytes(b"".join(lines[:-2]))
    problems = fatal(filled)
    assert any(p.startswith("database receipt") and "not in the custody log" in p
               for p in problems)
    assert any("the log has no record of its reports" in p for p in problems)
    with pytest.raises(LogDamaged, match="entries were cut"):
        ingest(filled, [])


def test_a_resumed_capture_is_read_with_its_own_options(tmp_path):
    records = tmp_path / "in" / "r.jsonl"
    records.parent.mkdir()
    records.write_text("".join(
        json.dumps({"body": f"Police in Hyesan detained {n} traders.", "text": "wrong"}) + "\n"
        for n in (2, 3, 4)))
    Store.init(tmp_path / "c").close()
    env = {**os.environ, "CORROBORATE_KILL_AT": "report:1"}
    proc = _cli("ingest", "-q", "-c", str(tmp_path / "c"), "--text-field", "body",
                str(records), env=env)
    proc.communicate(timeout=120)
    assert proc.returncode == -9
    with Store.open(tmp_path / "c") as store:
        assert ingest(store, [str(write_good_reports(tmp_path / "other", 1)[0])]).ok
        texts = {r.text.strip() for r in store.reports()}
        assert "wrong" not in texts
        assert fatal(store, deep=True) == []


def test_a_line_with_a_key_twice_or_rewritten_by_hand_is_named(filled):
    log = filled.root / "custody.log"
    lines = log.read_text().splitlines()
    lines[0] = '{"origin": "/home/forged.html", ' + lines[0][1:]
    log.write_text("\n".join(lines) + "\n")
    assert any("line 1: holds the key 'origin' twice" in p for p in fatal(filled))
    lines = entries(filled)[1:]
    log.write_text("\n".join([json.dumps(entries(filled)[0], indent=1).replace("\n", ""),
                              *[json.dumps(e, sort_keys=True, ensure_ascii=False)
                                for e in lines]]) + "\n")
    assert any("line 1: is not written the way corroborate writes" in p for p in fatal(filled))


def test_stray_and_misplaced_archive_files_are_named(filled):
    archive = filled.root / "archive"
    (archive / "planted.html").write_text("x")
    (archive / "zz").mkdir()
    (archive / "zz" / "x").write_text("x")
    sha = logged_captures(filled)[0]
    moved = archive / "ff" / "ff" / sha
    moved.parent.mkdir(parents=True)
    os.replace(filled.archive.path(sha), moved)
    problems = fatal(filled)
    assert any(p.startswith("archive/planted.html") for p in problems)
    assert any(p.startswith("archive/zz/x") for p in problems)
    assert any(p.startswith(f"archive/ff/ff/{sha}") for p in problems)
    assert any(f"{sha}: is missing" in p for p in problems)


def test_verify_deep_names_an_archive_file_replaced_by_a_folder(filled):
    sha = logged_captures(filled)[0]
    path = filled.archive.path(sha)
    os.chmod(path, 0o600)
    path.unlink()
    path.mkdir()
    assert any(sha in p for p in fatal(filled, deep=True))


def test_staged_bytes_that_do_not_hash_to_their_name_are_never_logged(filled):
    staging = filled.root / "archive" / ".staging"
    staging.mkdir(exist_ok=True)
    sha = "ab" * 32
    (staging / sha).write_bytes(b"planted testimony")
    (staging / f"{sha}.json").write_text(json.dumps(
        {"sha256": sha, "origin": "/media/witness-phone/a.txt", "size": 17,
         "media_type": "text/plain", "captured_at": "2019-04-03T00:00:00+00:00",
         "tool_version": "0.2.0"}))
    assert any("do not hash to" in p for p in fatal(filled))
    ingest(filled, [])
    assert sha not in logged_captures(filled)


def test_an_old_copy_of_lines_appended_to_the_log_can_be_repaired(filled):
    log = filled.root / "custody.log"
    whole = log.read_bytes()
    log.write_bytes(whole + b"junk\n" + whole.splitlines(keepends=True)[0])
    assert filled.repair() is not None
    assert fatal(filled) == []


def test_an_anchor_pins_the_bytes_of_the_lines(filled, tmp_path):
    runner = CliRunner()
    runner.invoke(main, ["keygen", str(tmp_path / "k")])
    runner.invoke(main, ["anchor", "-c", str(filled.root), "--key", str(tmp_path / "k"),
                         "-o", str(tmp_path / "a.json")])
    log = filled.root / "custody.log"
    lines = log.read_text().splitlines()
    lines[2] = lines[2] + " "  # same entry, other bytes
    log.write_text("\n".join(lines) + "\n")
    result = runner.invoke(main, ["verify", "-c", str(filled.root), "--anchor",
                                  str(tmp_path / "a.json")])
    assert result.exit_code == 1 and "were edited" in result.output
    alone = runner.invoke(main, ["verify", "-c", str(filled.root), "--trusted-key",
                                 str(tmp_path / "k.pub")])
    assert alone.exit_code == 2 and "--anchor" in alone.output
