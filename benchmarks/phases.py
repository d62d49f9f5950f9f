"""Phases: where an ingest's time and the writer's memory go, phase by phase.

An ingest stores its reports (the per-report phase, workers and writer side by side), then
finishes in the writer: the stories refresh, the events refresh and the search index
(pipeline.finish_ingest). scale.py gives the whole; this gives the parts.

    python benchmarks/phases.py ingest REPORTS [--into COLLECTION] [--workers 2]

ingests REPORTS (a folder or file of reports, e.g. from generate.py) into a new collection,
or into a copy of COLLECTION (adding to it), and prints the wall time of each phase and
the writer's peak RSS during it (sampled every 0.1 s), and the CPU seconds the writer and
all of the ingest's processes (writer, fork server, workers) used in it.

    python benchmarks/phases.py events COLLECTION [--workers 2]

copies COLLECTION, drops its accounts, links and events, and refreshes its events with
started workers, as an ingest's finish does: wall time, the writer's CPU time (the writer
is what one events refresh is bound by), the time spent grouping events again and the
accounts grouped again (summed over the refresh's batches); with ``--gold`` (repeated for
generate.py's gold files of the reports the collection holds), scale.py's event pair
precision and recall.

    python benchmarks/phases.py stories COLLECTION [--workers 2] [--repeat 3]

copies COLLECTION, drops its stories and its band index (not its reports' openings, stored
with them), and refreshes its stories with started workers, as a fresh ingest's finish
does: wall time, the writer's CPU time and peak RSS, and the stories made; a new copy each
repeat.

All are one run on a shared machine: compare changes run after run, interleaved.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

FINISH = ("refresh_stories", "refresh_events", "update_index")


def _rss_mb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    return 0


def _tree_cpu() -> float:
    """CPU seconds (user + system) of this process and every process under it (the fork
    server and its workers), from /proc: what all of the ingest's processes used so far."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended while we looked
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    mine = {os.getpid()}
    grew = True
    while grew:
        more = {pid for pid, (parent, _) in stats.items() if parent in mine} - mine
        grew = bool(more)
        mine |= more
    return sum(stats[pid][1] for pid in mine if pid in stats)


def _copy(collection: Path, into: Path) -> Path:
    shutil.copytree(collection, into)
    (into / ".lock").unlink(missing_ok=True)
    os.sync()  # the copy's writes flushed now, not by the ingest's first fsync
    return into


@contextmanager
def _emptied(path: Path, tables: tuple[str, ...], workers: int,
             pending: bool = False) -> Iterator[tuple[Any, Any]]:
    """The collection at ``path`` with ``tables`` emptied (and every report marked pending,
    with ``pending``), open for writing, and a pool of ``workers`` already started: what a
    refresh is timed in. Closed again on leaving, so what reads the collection afterwards
    reads it from disk."""
    from corroborate.store import Store
    from corroborate.vocab import active_overlay
    from corroborate.workers import Pool

    with Store.open(path) as store:
        with store.writing(), store.transaction() as db:
            for table in tables:
                db.execute(f"DELETE FROM {table}")
            if pending:
                store.mark_all_pending(db)
        with Pool(workers, active_overlay(), start_after=1) as pool, store.writing():
            pool.submit(len, [[1]], lambda item, why: 0).result()  # started
            yield store, pool


def ingest_phases(reports: Path, into: Path | None, workers: int) -> dict[str, Any]:
    """Wall seconds and the writer's peak RSS (MB) of each phase of one ingest."""
    import corroborate.pipeline as pipeline
    from corroborate.store import Store

    phase = ["per-report"]
    peaks: dict[str, int] = {}
    walls: dict[str, float] = {}
    cpu: dict[str, float] = {}
    writer: dict[str, float] = {}
    start = [0.0, 0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peaks[phase[0]] = max(peaks.get(phase[0], 0), _rss_mb())
            time.sleep(0.1)

    def timed(name: str) -> None:
        real = getattr(pipeline, name)

        def run(*args: Any, **kwargs: Any) -> Any:
            phase[0] = name
            began, used, own = time.perf_counter(), _tree_cpu(), time.process_time()
            if name == FINISH[0]:  # the per-report phase ends here
                cpu["per-report"] = round(used - start[0], 1)
                writer["per-report"] = round(own - start[1], 1)
            try:
                return real(*args, **kwargs)
            finally:
                walls[name] = round(time.perf_counter() - began, 1)
                cpu[name] = round(_tree_cpu() - used, 1)
                writer[name] = round(time.process_time() - own, 1)
        setattr(pipeline, name, run)

    for name in FINISH:
        timed(name)
    with tempfile.TemporaryDirectory(prefix="phases-") as scratch:
        path = Path(scratch) / "collection"
        store = Store.open(_copy(into, path)) if into else Store.init(path)
        threading.Thread(target=sample, daemon=True).start()
        began = time.perf_counter()
        start[:] = [_tree_cpu(), time.process_time()]
        with store:
            result = pipeline.ingest(store, [str(reports)], workers=workers)
        done.set()
    total = time.perf_counter() - began
    walls["per-report"] = round(total - sum(walls.get(n, 0.0) for n in FINISH), 1)
    return {"reports": result.reports, "wall": round(total, 1), "phases": walls,
            "cpu_all_processes": cpu, "cpu_writer": writer, "writer_peak_mb": peaks}


def events_phase(collection: Path, workers: int, gold: list[Path] | None = None
                 ) -> dict[str, Any]:
    """Wall and writer CPU seconds of refreshing every event of a copy of ``collection``,
    the part of it spent grouping again (and the accounts grouped again, summed over the
    batches), and with ``gold`` (generate.py's gold.jsonl of the reports it holds) the
    event pair precision and recall scale.py prints."""
    import corroborate.refresh.events as refresh
    from corroborate.refresh import refresh_events
    from corroborate.store import Store

    regroup = {"s": 0.0, "accounts": 0, "batches": 0, "counting": 0.0}
    real = refresh._regroup

    def timed(store: Store, touched: set[str], shrunk: set[str]) -> Any:
        began = time.perf_counter()
        try:
            return real(store, touched, shrunk)
        finally:
            counted = time.perf_counter()
            regroup["s"] += counted - began
            regroup["accounts"] += len(store.account_ids_in(touched))
            regroup["batches"] += 1
            regroup["counting"] += time.perf_counter() - counted  # not the refresh's

    refresh._regroup = timed
    with tempfile.TemporaryDirectory(prefix="phases-") as scratch:
        path = _copy(collection, Path(scratch) / "collection")
        with _emptied(path, ("links", "account_keys", "account_probes", "events",
                             "event_former", "accounts"), workers, pending=True
                      ) as (store, pool):
            cpu, wall = time.process_time(), time.perf_counter()
            refresh_events(store, pool)
            out = {"wall": round(time.perf_counter() - wall - regroup["counting"], 2),
                   "writer_cpu": round(time.process_time() - cpu - regroup["counting"], 2),
                   "regroup_s": round(regroup["s"], 2),
                   "accounts_grouped_again": regroup["accounts"],
                   "batches": regroup["batches"],
                   "events": sum(1 for _ in store.events())}
        if gold:
            from scale import score_events

            out |= score_events([json.loads(line) for name in gold
                                 for line in name.read_text().splitlines()], path)
        return out


def stories_phase(collection: Path, workers: int) -> dict[str, Any]:
    """Wall and writer CPU seconds and the writer's peak RSS (MB) of making every story of
    a copy of ``collection`` again, from its reports alone."""
    from corroborate.refresh import refresh_stories

    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _rss_mb())
            time.sleep(0.1)

    with tempfile.TemporaryDirectory(prefix="phases-") as scratch:
        path = _copy(collection, Path(scratch) / "collection")
        with _emptied(path, ("story_members", "stories", "story_bands", "story_prints",
                             "story_former", "story_aliases"), workers) as (store, pool):
            threading.Thread(target=sample, daemon=True).start()
            cpu, wall = time.process_time(), time.perf_counter()
            refresh_stories(store, pool=pool)
            out = {"wall": round(time.perf_counter() - wall, 2),
                   "writer_cpu": round(time.process_time() - cpu, 2)}
            done.set()
            out |= {"writer_peak_mb": peak[0],
                    "stories": store.db.execute("SELECT count(*) FROM stories").fetchone()[0]}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    ingest = commands.add_parser("ingest", help="time each phase of one ingest")
    ingest.add_argument("reports", type=Path)
    ingest.add_argument("--into", type=Path, help="add to a copy of this collection")
    ingest.add_argument("--workers", type=int, default=2)
    events = commands.add_parser("events", help="time refreshing a collection's events")
    events.add_argument("collection", type=Path)
    events.add_argument("--workers", type=int, default=2)
    events.add_argument("--gold", type=Path, action="append",
                        help="generate.py's gold.jsonl for the reports it holds (repeat "
                             "for several): print event pair precision and recall")
    stories = commands.add_parser("stories", help="time making a collection's stories again")
    stories.add_argument("collection", type=Path)
    stories.add_argument("--workers", type=int, default=2)
    stories.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.command == "ingest":
        print(ingest_phases(args.reports, args.into, args.workers))
    elif args.command == "stories":
        for _ in range(args.repeat):
            print(stories_phase(args.collection, args.workers), flush=True)
    else:
        print(events_phase(args.collection, args.workers, args.gold))


if __name__ == "__main__":
    main()
