"""The custody log's index: a writer reads and checks only the lines it does not cover,
answers what reading the whole log would, and is made again whenever the log's bytes are
not those it was made from."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from corroborate.errors import CollectionError
from corroborate.store import LogDamaged
from corroborate.store.custody import CustodyLog, _digest, read_lines
from corroborate.store.custody_index import index_path


def _sha(n: int) -> str:
    return hashlib.sha256(str(n).encode()).hexdigest()


def _append_some(log: CustodyLog, rng: random.Random, n: int) -> None:
    """Entries of every kind a writer logs, some of them about captures logged before."""
    for _ in range(n):
        sha = _sha(rng.randrange(12))
        kind = rng.choice(["captured", "received", "refused", "indexed"])
        if kind == "captured":
            log.append("captured", sha256=sha, origin=f"in/{rng.randrange(5)}.txt",
                       captured_at="2026-12-02T00:00:00+00:00", size=10)
        elif kind == "received":
            log.append("received", sha256=sha, origin=f"in/{rng.randrange(5)}.txt",
                       received_at="2026-12-02T00:00:00+00:00")
        elif kind == "refused":
            log.append("refused", sha256=rng.choice([sha, None]), origin="in/bad.bin",
                       reason=rng.choice(["too big", "not text"]),
                       received_at="2026-12-02T00:00:00+00:00")
        else:
            log.append("indexed", sha256=sha,
                       reports={f"r-{rng.randrange(3)}": f"d{rng.randrange(3)}"})


def _naive(path: Path) -> dict[str, object]:
    """What a writer is asked, worked out from every entry of the log read whole."""
    first: dict[str, dict] = {}
    indexed: dict[str, bytes] = {}
    seen: set[tuple[object, ...]] = set()
    for line in read_lines(path):
        entry = line.entry
        assert entry is not None
        event = entry["event"]
        if event == "captured":
            first.setdefault(entry["sha256"], entry)
        if event == "indexed":
            indexed[entry["sha256"]] = _digest(entry["reports"])
        if event in ("captured", "received"):
            seen.add((entry["sha256"], entry["origin"], ""))
        if event == "refused":
            seen.add((entry["sha256"], entry["origin"], entry["reason"]))
    return {"first": first, "indexed": indexed, "seen": seen}


def _answers(log: CustodyLog) -> dict[str, object]:
    """The same questions put to the writer, over every value the log could hold."""
    shas = [_sha(n) for n in range(12)]
    origins = [f"in/{n}.txt" for n in range(5)] + ["in/bad.bin"]
    reasons = ["", "too big", "not text"]
    first = {s: log.captured_entry(s) for s in log.captures()}
    assert {s for s in shas if log.has_capture(s)} == set(first)
    indexed = {s: _digest(r) for s in shas
               for r in ({f"r-{a}": f"d{b}"} for a in range(3) for b in range(3))
               if log.indexed_with(s, r)}
    seen = {(s, o, r) for s in [*shas, None] for o in origins for r in reasons
            if log.has_seen(s, o, r)}
    return {"first": first, "indexed": indexed, "seen": seen}


def _drop_index_journal(path: Path) -> None:
    for suffix in ("-wal", "-shm"):
        index_path(path).with_name(index_path(path).name + suffix).unlink(missing_ok=True)


@pytest.mark.parametrize("seed", range(6))
def test_the_index_answers_what_reading_the_whole_log_answers(tmp_path, seed):
    """Writers open, append, close; some find the index as it was some appends before (a
    writer killed before its index commit, a backup put back), some none at all: each
    answers what the log read whole says, having checked only the entries its index did
    not cover."""
    rng = random.Random(seed)
    path = tmp_path / "custody.log"
    saved, saved_count = tmp_path / "saved.index", -1
    log = CustodyLog(path)
    _append_some(log, rng, 3)
    log.close()
    for _ in range(10):
        what = rng.choice(["as left", "older", "lost"] if saved_count >= 0
                          else ["as left", "lost"])
        entries = len(list(read_lines(path)))
        if what == "older":
            shutil.copy(saved, index_path(path))
            _drop_index_journal(path)
        elif what == "lost":
            index_path(path).unlink()
            _drop_index_journal(path)
        log = CustodyLog(path)
        assert log.count == entries
        assert log.checked == {"as left": 0, "older": entries - saved_count,
                               "lost": entries}[what], what
        assert _answers(log) == _naive(path)
        if rng.random() < 0.5:  # the index as it is now, kept to be put back later
            log._index.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copy(index_path(path), saved)
            saved_count = log.count
        _append_some(log, rng, rng.randrange(1, 15))
        log.close()


def test_a_line_changed_under_the_index_is_found_when_a_writer_opens(tmp_path):
    """The index covers the whole log, but the log's bytes are not those it was made
    from: every entry is checked again, and the changed one named."""
    path = tmp_path / "custody.log"
    log = CustodyLog(path)
    _append_some(log, random.Random(1), 10)
    log.close()
    lines = path.read_bytes().splitlines(keepends=True)
    entry = json.loads(lines[4])
    entry["origin"] = "elsewhere.txt"
    lines[4] = (json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n").encode()
    path.write_bytes(b"".join(lines))
    with pytest.raises(LogDamaged, match="line 5 was altered"):
        CustodyLog(path)


def test_a_log_shorter_than_the_index_makes_the_index_again(tmp_path):
    """A log put back from an older copy (or cut by ``repair``) is shorter than what the
    index covers: the index is made again, and forgets what the log no longer says."""
    path = tmp_path / "custody.log"
    log = CustodyLog(path)
    _append_some(log, random.Random(2), 5)
    log.close()
    older = path.read_bytes()
    log = CustodyLog(path)
    log.append("received", sha256=_sha(99), origin="late.txt", received_at="now")
    assert log.has_seen(_sha(99), "late.txt")
    log.close()
    path.write_bytes(older)
    log = CustodyLog(path)
    assert log.checked == 5 and log.count == 5
    assert not log.has_seen(_sha(99), "late.txt")
    log.close()


def test_an_index_that_is_not_an_index_is_made_again(tmp_path):
    path = tmp_path / "custody.log"
    log = CustodyLog(path)
    _append_some(log, random.Random(3), 6)
    log.close()
    index_path(path).write_bytes(b"not a database at all" * 100)
    _drop_index_journal(path)
    log = CustodyLog(path)
    assert log.checked == 6
    assert _answers(log) == _naive(path)
    log.close()


def test_an_index_damaged_inside_is_made_again(tmp_path):
    """Pages of the index that SQLite itself cannot read (its mark's, here) do not stop a
    writer: the index is made again from the whole log."""
    path = tmp_path / "custody.log"
    log = CustodyLog(path)
    _append_some(log, random.Random(4), 8)
    log.close()
    with sqlite3.connect(index_path(path)) as db:
        page = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'mark'").fetchone()[0]
        size = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    raw = bytearray(index_path(path).read_bytes())
    for at in range(size * (page - 1), size * page):
        raw[at] ^= 0x55
    index_path(path).write_bytes(bytes(raw))
    log = CustodyLog(path)
    assert log.checked == 8
    assert _answers(log) == _naive(path)
    log.close()


def test_an_index_that_cannot_be_written_stops_the_writer_and_loses_no_entry(tmp_path):
    path = tmp_path / "custody.log"
    log = CustodyLog(path)
    _append_some(log, random.Random(5), 3)
    log._index.db.execute("PRAGMA query_only = ON")  # its next write fails, as on a full disk
    with pytest.raises(CollectionError, match="could not be written"):
        log.append("received", sha256=_sha(1), origin="late.txt", received_at="now")
    with pytest.raises(CollectionError, match="could not be written"):
        log.append("received", sha256=_sha(2), origin="later.txt", received_at="now")
    log.close()
    log = CustodyLog(path)
    assert log.count == 4 and log.checked == 1  # the entry logged, read from the log
    assert log.has_seen(_sha(1), "late.txt") and not log.has_seen(_sha(2), "later.txt")
    log.close()
