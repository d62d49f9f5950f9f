"""``ingest --workers N``: the per-report work in other processes, the same collection.

The pool here is the real one (forkserver, worker processes); the tests make it start for
a handful of inputs (smaller tasks, a shorter window). Once started, the ingest waits for
its workers rather than working alone, so the work is theirs.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import time
import tracemalloc
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, ClassVar

import pytest

from corroborate import capture, overlay, pipeline, workers
from corroborate.export import write_event_jsonl, write_jsonl
from corroborate.pipeline import ingest
from corroborate.store import Store

from .conftest import sample_files
from .helpers import report_text, write_broken_files, write_good_reports

HYESAN = "KP:KP-10:Hyesan"
MISSPELT = "Hyeasun"  # a spelling only the overlay knows (tests/test_overlay.py)


class CountingPool(workers.Pool):
    """The pool, counting the tasks its workers answered."""

    made: ClassVar[list[CountingPool]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by_workers = 0
        CountingPool.made.append(self)

    def _resolve(self, task: workers.Task[Any, Any]) -> list[Any]:
        done = super()._resolve(task)
        self.by_workers += task.future is not None
        return done


@pytest.fixture
def small_tasks(monkeypatch):
    """Tasks of three items, a pool started by two waiting tasks, and inputs over a few
    kilobytes split (and JSON Lines streamed), so a small batch takes every path."""
    monkeypatch.setattr(pipeline, "CHUNK_ITEMS", 3)
    monkeypatch.setattr(pipeline, "AHEAD_PER_WORKER", 1)
    monkeypatch.setattr(pipeline, "SPLIT_BYTES", 3000)
    monkeypatch.setattr(capture, "STREAM_BYTES", 2000)
    monkeypatch.setattr(pipeline, "Pool", CountingPool)
    CountingPool.made.clear()
    return CountingPool.made


def _records(count: int, start: int = 0, pad: int = 0) -> str:
    lines = [json.dumps({"text": report_text(i), "title": f"Report {i}",
                         "url": f"https://example.org/{i}", **({"pad": "x" * pad} if pad else {})})
             for i in range(start, start + count)]
    lines.insert(2, '{"text": ')  # a bad record among good ones
    return "\n".join(lines) + "\n"


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    write_good_reports(inbox / "text", 14)
    write_broken_files(inbox / "broken")
    for path in sample_files():
        shutil.copy(path, inbox / path.name)
    shutil.copy(inbox / "text" / "report-003.txt", inbox / "copy-of-003.txt")  # same bytes
    (inbox / ".hidden.txt").write_text("passed over")
    (inbox / "big.jsonl").write_text(_records(12, start=100))  # streamed
    (inbox / "big.csv").write_text("text,title\n" + "".join(  # split
        f'"{report_text(i)}",Row {i}\n' for i in range(200, 210)))
    return inbox


def _custody(store: Store) -> list[dict[str, Any]]:
    """The log's entries without what differs from run to run (times, the chain)."""
    drop = {"captured_at", "received_at", "indexed_at", "hash", "prev"}
    lines = (store.root / "custody.log").read_text().splitlines()
    return [{k: v for k, v in json.loads(line).items() if k not in drop} for line in lines]


def _snapshot(store: Store) -> dict[str, Any]:
    incidents, events = io.StringIO(), io.StringIO()
    write_jsonl(store, incidents)
    write_event_jsonl(store, events)
    return {
        "custody": _custody(store),
        "reports": [(r.id, r.origin, r.locator, r.text) for r in store.reports()],
        "incidents": incidents.getvalue(),
        "stories": [(s.id, s.canonical_report_id, [(m.report_id, m.canonical, m.containment,
                                                    m.jaccard, m.adds, m.lacks)
                                                   for m in s.members])
                    for s in store.stories()],
        "events": events.getvalue(),
        "counts": store.counts(),
    }


def _ingest(root: Path, inbox: Path, count: int, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
    with Store.init(root) as store:
        result = ingest(store, [str(inbox)], capture.CaptureOptions(max_bytes=100_000),
                        workers=count, **kwargs)
        return result, _snapshot(store)


def test_two_workers_write_the_collection_one_writes(tmp_path, small_tasks):
    inbox = _inbox(tmp_path)
    upload = [("upload:extra.txt", report_text(77).encode())]
    one, alone = _ingest(tmp_path / "one", inbox, 1, uploads=upload)
    assert small_tasks[0].started is False  # one worker: no process started
    two, shared = _ingest(tmp_path / "two", inbox, 2, uploads=upload)
    assert small_tasks[1].by_workers >= 5, "the workers must have done the work"
    assert alone == shared
    assert (one.captures, one.reports, one.unchanged) == (two.captures, two.reports,
                                                          two.unchanged)
    assert [(f.origin, f.reason) for f in one.failures] == [
        (f.origin, f.reason) for f in two.failures]
    events = [e["event"] for e in alone["custody"]]
    assert {"captured", "indexed", "received", "refused"} <= set(events)
    assert any("big.jsonl:line:" in r[1] for r in alone["reports"])
    assert any("big.csv:row:" in r[1] for r in alone["reports"])
    assert any(f.origin.endswith("big.jsonl:line:3") for f in one.failures)


def test_the_workers_make_the_stories_the_writer_makes(tmp_path, small_tasks, monkeypatch):
    """With a started pool, the workers cluster each group of versions and compare them
    (the writer's own compare_versions raises here): the stories one process makes, what
    each version adds and lacks included."""
    import corroborate.refresh.stories as refresh

    inbox = tmp_path / "inbox"
    write_good_reports(inbox, 9)
    for i in range(0, 9, 2):  # a longer version of every other report: stories of two
        (inbox / f"longer-{i}.txt").write_text(
            report_text(i) + f"\nA neighbour of the {i + 3} detained said the search took "
            "the whole night and that nobody was told where they were taken.\n")
    _one, alone = _ingest(tmp_path / "one", inbox, 1)

    def in_the_writer(*args: Any) -> Any:
        raise AssertionError("compared in the writer")

    monkeypatch.setattr(refresh, "compare_versions", in_the_writer)
    _two, shared = _ingest(tmp_path / "two", inbox, 2)
    assert small_tasks[1].started
    assert shared["stories"] == alone["stories"]
    assert sum(1 for s in alone["stories"] if len(s[2]) == 2) == 5
    assert sum(1 for s in alone["stories"] for m in s[2] if m[4] or m[5]) == 5  # compared
    assert shared == alone


def test_an_ingest_that_only_finishes_a_refresh_gives_it_to_the_workers(tmp_path, small_tasks,
                                                                          monkeypatch):
    """An ingest with no report of its own (finishing what a killed one left) still has its
    workers make the accounts once enough wait (the writer's own ``account`` raises here),
    and makes the events one process made."""
    import corroborate.refresh.events as refresh

    write_good_reports(tmp_path / "inbox", 9)
    with Store.init(tmp_path / "c") as store:
        ingest(store, [str(tmp_path / "inbox")], workers=1)
        whole = _snapshot(store)
        with store.writing(), store.transaction() as db:  # as a kill before the events
            for table in ("links", "account_keys", "events", "event_former", "accounts"):
                db.execute(f"DELETE FROM {table}")
            store.mark_all_pending(db)

        def in_the_writer(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("made in the writer")

        monkeypatch.setattr(refresh, "account", in_the_writer)
        monkeypatch.setattr(refresh, "_ACCOUNTS_PER_TASK", 1)
        result = ingest(store, [], workers=2)
        assert (result.ok, result.reports) == (True, 0)
        assert small_tasks[-1].started
        assert _snapshot(store) == whole


def test_an_alias_added_with_the_overlay_is_used_by_the_workers(tmp_path, small_tasks):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n in range(8):
        (inbox / f"town-{n}.txt").write_text(
            f"North Korean border guards detained {n + 2} traders in {MISSPELT} last week, "
            f"a source inside the country told our reporter (note {n}).\n")
    regions = []
    for name, alias in (("plain", False), ("overlaid", True)):
        with Store.init(tmp_path / name) as store:
            if alias:
                overlay.add_alias(store, "places", HYESAN, MISSPELT, by="ada")
            assert ingest(store, [str(inbox)], workers=2).ok
            regions.append({f.attrs.get("region") for inc in store.incidents()
                            for f in inc.values("place")})
    assert all(pool.by_workers for pool in small_tasks)
    assert "KP-10" not in regions[0]
    assert "KP-10" in regions[1]


def test_a_started_pool_has_every_worker_even_when_its_starter_is_slow(monkeypatch):
    # the executor starts a process only when none is idle: a starter thread descheduled
    # between two start-up pings (a busy machine) once left a pool of one worker
    real = workers._executor

    def slow(count, overlay):
        executor = real(count, overlay)
        submit = executor.submit

        def submit_slowly(*args, **kwargs):
            future = submit(*args, **kwargs)
            time.sleep(3)  # long enough for the ping just sent to be answered
            return future
        executor.submit = submit_slowly
        return executor

    monkeypatch.setattr(workers, "_executor", slow)
    with workers.Pool(2, start_after=1) as pool:
        pool.submit(list, [1], str)
        assert pool._ready.wait(120) and pool._executor is not None
        assert len(pool._executor._processes) == 2


def _boom(items: list[str]) -> list[str]:
    if "boom" in items:
        os._exit(3)  # as a segfault in a parser, or the OOM killer
    return [item.upper() for item in items]


def test_a_worker_that_dies_costs_only_its_item():
    with workers.Pool(2, start_after=1) as pool:
        pool.submit(_boom, ["start"], str)  # the workers start
        assert pool._ready.wait(120) and pool._executor is not None
        tasks = [pool.submit(_boom, items, lambda item, why: f"{item}: {why}")
                 for items in (["a", "b"], ["c", "boom", "d"], ["e"])]
        results = [task.result() for task in tasks]
        after = pool.submit(_boom, ["f"], lambda item, why: why).result()
    assert results == [["A", "B"], ["C", "boom: the worker process died while processing it",
                                    "D"], ["E"]]
    assert after == ["F"]


def test_a_task_lets_go_of_its_items_once_answered_and_keeps_them_while_it_may_run_again():
    """An events refresh sends a batch ahead: what the workers answered is not held twice
    (items and answer) until it is read, but a task whose worker died still has its items."""
    with workers.Pool(2, start_after=1) as pool:
        pool.submit(_boom, ["start"], str)  # the workers start
        assert pool._ready.wait(120) and pool._executor is not None
        done = pool.submit(_boom, ["a", "b"], str)
        assert done.future is not None
        done.future.result(timeout=120)
        deadline = time.monotonic() + 10
        while done.items and time.monotonic() < deadline:  # the callback runs after result
            time.sleep(0.01)
        assert done.items == [] and done.result() == ["A", "B"]
        died = pool.submit(_boom, ["c", "boom"], lambda item, why: f"{item}: {why}")
        assert died.future is not None
        with pytest.raises(BrokenProcessPool):
            died.future.result(timeout=120)
        assert died.items == ["c", "boom"]
        assert died.result() == ["C", "boom: the worker process died while processing it"]


def test_submit_parts_queues_each_part_as_soon_as_its_items_are_read(monkeypatch):
    """An events refresh reads its account jobs from the database: the workers are to
    start on the first ones meanwhile, not after all are read."""
    seen: list[str] = []

    def items():
        for item in "abcde":
            seen.append(f"read {item}")
            yield item

    with workers.Pool(2, start_after=1) as pool:
        submit = pool.submit

        def queued(fn, part, on_crash):
            seen.append(f"queued {''.join(part)}")
            return submit(fn, part, on_crash)

        monkeypatch.setattr(pool, "submit", queued)
        tasks = pool.submit_parts(_boom, items(), 2, str)
        assert [task.result() for task in tasks] == [["A", "B"], ["C", "D"], ["E"]]
    assert seen == ["read a", "read b", "queued ab", "read c", "read d", "queued cd",
                    "read e", "queued e"]


@pytest.mark.parametrize("count", [1, 2])
def test_stream_reads_and_sends_the_items_a_window_ahead_of_what_is_read(monkeypatch, count):
    """An events batch's account jobs hold its stories' reports: the writer is to hold the
    tasks sent and not read yet, ``ahead`` of them, the first sent before any is read
    (with one worker, or none started, the same window, each task run as it is read)."""
    seen: list[str] = []

    def items():
        for item in "abcdefg":
            seen.append(f"read {item}")
            yield item

    with workers.Pool(count, start_after=1) as pool:
        submit = pool.submit

        def queued(fn, part, on_crash):
            seen.append(f"queued {''.join(part)}")
            return submit(fn, part, on_crash)

        monkeypatch.setattr(pool, "submit", queued)
        results = pool.stream(_boom, items(), 2, str, ahead=2)
        assert seen == ["read a", "read b", "queued ab", "read c", "read d", "queued cd"]
        got = []
        for result in results:
            seen.append(f"got {result}")
            got.append(result)
    assert got == ["A", "B", "C", "D", "E", "F", "G"]
    assert seen[6:] == ["read e", "read f", "queued ef", "got A", "got B", "read g",
                        "queued g", "got C", "got D", "got E", "got F", "got G"]


def test_stream_with_no_window_still_runs_every_item():
    """A pool of no workers (``ingest(workers=0)`` in the library) asks for a window of
    none: the items are all run all the same, none silently dropped."""
    with workers.Pool(0) as pool:
        assert list(pool.stream(_boom, iter("abc"), 2, str, ahead=0)) == ["A", "B", "C"]


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_killed_ingest_leaves_no_worker_behind():
    code = ("import sys, time; from multiprocessing import forkserver; "
            "from corroborate import workers; "
            "pool = workers.Pool(2, start_after=1); pool.submit(list, [1], str); "
            "pool._ready.wait(); "
            "print(*pool._executor._processes, forkserver._forkserver._forkserver_pid, "
            "flush=True); time.sleep(600)")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert len(pids) == 3 and all(_running(p) for p in pids)
    proc.kill()  # as the OOM killer would: nothing runs in it after this
    proc.wait()
    deadline = time.monotonic() + 30
    while any(_running(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_running(p) for p in pids), "workers outlived the ingest"


def _raise(items: list[str]) -> list[str]:
    if "bad" in items:
        raise ValueError("a bug")
    return items


def test_a_task_that_raises_is_run_item_by_item_here():
    with workers.Pool(1) as pool:
        task = pool.submit(_raise, ["x", "bad", "y"], lambda item, why: f"{item}: {why}")
        assert task.result() == ["x", "bad: internal error (ValueError: a bug)", "y"]
        assert not pool.started


def test_a_small_batch_starts_no_process(tmp_path, monkeypatch):
    made: list[workers.Pool] = []
    monkeypatch.setattr(pipeline, "Pool", lambda *a, **k: made.append(workers.Pool(*a, **k))
                        or made[-1])
    write_good_reports(tmp_path / "in", 5)
    with Store.init(tmp_path / "c") as store:
        assert ingest(store, [str(tmp_path / "in")], workers=2).reports == 5
    assert made and not made[0].started


# --- large JSON Lines: streamed -------------------------------------------------------------


def _stream_vs_whole(tmp_path: Path, monkeypatch, data: bytes, name: str = "r.jsonl"):
    path = tmp_path / "in" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    snapshots, streamed = [], []
    real = capture.receive_input

    def watched(*args: Any, **kwargs: Any) -> Any:
        got = real(*args, **kwargs)
        streamed.append(isinstance(got, capture.Streamed))
        return got

    monkeypatch.setattr(pipeline, "receive_input", watched)
    for limit in (10**9, 1000):
        monkeypatch.setattr(capture, "STREAM_BYTES", limit)
        with Store.init(tmp_path / f"c{limit}") as store:
            result = ingest(store, [str(path)])
            snap = _snapshot(store)
            snap["failures"] = [(f.origin, f.reason) for f in result.failures]
            snap["staged"] = sorted(p.name for p in (store.root / "archive").rglob("*")
                                    if p.is_file())
            snapshots.append(snap)
    return snapshots, streamed


def test_a_large_json_lines_file_is_streamed_to_the_same_collection(tmp_path, monkeypatch):
    (whole, streamed), how = _stream_vs_whole(tmp_path, monkeypatch, _records(10).encode())
    assert how == [False, True]
    assert whole == streamed
    assert streamed["counts"]["reports"] == 10
    assert len(streamed["failures"]) == 1


@pytest.mark.parametrize("data", [
    b'{"no text": 1}\n' * 300,  # nothing readable: refused whole, nothing archived
    b'\n'.join([b'{"text": "Police detained two traders in Musan."}'] * 40
               + [b'{"text": "caf\xe9"}']),  # not UTF-8 further on: read whole, as before
    ('{"text": "' + "\ufffd" * 200 + '"}\n').encode() * 20,  # damaged: refused as before
], ids=["no-record", "latin-1-at-the-end", "replacement-characters"])
def test_what_streaming_cannot_read_ends_as_the_whole_read_does(tmp_path, monkeypatch, data):
    (whole, streamed), _ = _stream_vs_whole(tmp_path, monkeypatch, data)
    assert whole == streamed


def test_a_streamed_file_is_never_held_whole(tmp_path, monkeypatch):
    path = tmp_path / "in" / "padded.jsonl"
    path.parent.mkdir()
    path.write_text(_records(80, pad=400_000))  # 32 MB, nearly all of it a field never read
    size = path.stat().st_size
    write_good_reports(tmp_path / "first", 2)
    with Store.init(tmp_path / "c") as store:
        ingest(store, [str(tmp_path / "first")])  # what any first ingest loads, aside
        tracemalloc.start()
        try:
            result = ingest(store, [str(path)], capture.CaptureOptions(max_bytes=10**8))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert result.reports == 80
    assert peak < size / 4, f"peak {peak} bytes for a file of {size}"  # whole: over 2x


# reports are stored a worker's task (pipeline.CHUNK_ITEMS) to a transaction: with more
# than two tasks' records, "report:2" kills between two of them
STREAM_STEPS = ["staged", "log-captured", "archived", "report:2", "log-indexed"]


@pytest.mark.parametrize("step", STREAM_STEPS)
def test_a_kill_while_streaming_leaves_a_resumable_collection(tmp_path, step):
    inbox = tmp_path / "in"
    inbox.mkdir()
    count = 2 * pipeline.CHUNK_ITEMS + 8
    (inbox / "big.jsonl").write_text(_records(count))
    Store.init(tmp_path / "c").close()
    code = ("import sys; from corroborate import capture; capture.STREAM_BYTES = 1000; "
            "from corroborate.cli import main; sys.exit(main(sys.argv[1:]))")
    env = {**os.environ, "CORROBORATE_KILL_AT": step}
    proc = subprocess.run([sys.executable, "-c", code, "ingest", "-q", "-c",
                           str(tmp_path / "c"), str(inbox)], env=env, capture_output=True,
                          timeout=300)
    assert proc.returncode == -9, proc.stderr
    with Store.open(tmp_path / "c") as store:
        assert [str(p) for p in store.verify() if p.fatal] == []
        assert ingest(store, [str(inbox)]).reports in (0, count)
        assert [str(p) for p in store.verify(deep=True)] == []
        assert store.counts()["reports"] == count
        assert list((store.root / "archive" / ".staging").glob("*")) == []


def test_a_task_answered_by_a_worker_is_freed_without_the_cycle_collector():
    """Its future's callback refers back to it: once answered, that cycle is broken, so
    a writer drops each batch's results as it goes, not when the collector comes by."""
    import gc
    import weakref

    with workers.Pool(2, start_after=1) as pool:
        pool.submit(_boom, ["start"], str).result()
        assert pool.started
        task = pool.submit(_boom, ["a", "b"], str)
        gc.disable()
        try:
            assert task.result() == ["A", "B"]
            gone = weakref.ref(task)
            del task
            assert gone() is None
        finally:
            gc.enable()


@pytest.mark.parametrize("weights, most, expected", [
    ([1, 1, 1, 1, 1], 2, [[1, 1], [1, 1], [1]]),
    ([3, 1, 1, 2, 5, 1], 3, [[3], [1, 1], [2], [5], [1]]),
    ([], 4, []),
])
def test_parts_by_weight_never_exceed_the_most_but_for_one_heavy_item(weights, most,
                                                                      expected):
    assert list(workers.parts_by(weights, most, lambda w: w)) == expected


def test_parts_by_weight_are_read_as_they_come():
    seen: list[int] = []

    def items():
        for n in (2, 2, 2):
            seen.append(n)
            yield n

    part = next(workers.parts_by(items(), 3, lambda w: w))
    assert part == [2] and seen == [2, 2]  # the second item read to know the first is full
