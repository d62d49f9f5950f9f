"""Scale: ingest speed and peak memory at 10k and 100k reports, the cost of adding 1,000.

For each size N (``--sizes``): ``generate.write`` makes N text reports (JSON Lines, 1,000 a
file; ~490 words each, story families and hard negatives: see generate.py) and 1,000 more
of new families; ``corroborate init`` and ``corroborate ingest -q --workers W`` put the N
in a new collection, then a second ``ingest`` adds the 1,000. Each ingest runs as a
subprocess whose process tree (workers included) is sampled every 0.2 s from /proc: peak
memory is the largest sum of the tree's resident set sizes seen, which the target is held
to (also the largest sum of proportional set sizes, where a page the forked workers share
with the fork server counts once, and the largest single process's own peak, VmHWM).
Reports per second are end to end: capture, archive and custody log, cleaning, extraction,
the database, and the stories, events and search index refresh. Then story pair precision
and recall over all N + 1,000 reports (the stories the collection holds against the
generated families), event pair precision and recall over reports of two stories (against
the generated incidents: a family and its second accounts) and the largest event, the
collection's size on disk, and once per run the start-up time of ``corroborate --version``
(benchmarks/startup.py) and, on the largest collection, the first page of a search for the
word in most reports (benchmarks/search_scale.py ``queries``), each skipped with a message
when its module is missing.

    .venv/bin/python benchmarks/scale.py [--sizes 10000,100000] [--workers 2] [--keep DIR]
    .venv/bin/python benchmarks/scale.py --sizes 1000000 --workers 2 --keep /big/disk/scale \
        --trace /big/disk/scale/trace.jsonl

A million reports take hours (about 40 GB of disk): ``--trace`` appends, every 30 s of each
ingest, the reports stored so far and the memory of its processes, so a run cut short
still shows how memory grew with the collection. ``--resume`` (with ``--keep``) goes on
with a kept run that was cut short: it uses the reports generated before and ingests
them again, which finishes what the interrupted ingest left and takes what it never
reached (an input taken before is not taken twice); that ingest's time, reports per
second and peak are then of the resumed part only, and say so.

    .venv/bin/python benchmarks/scale.py --sizes 1000000 --workers 2 --keep /big/disk/scale \
        --trace /big/disk/scale/trace.jsonl --resume

Issue 12's targets on 2 cores: >= 150 reports/s with --workers 2; peak memory <= 1 GiB at
1M reports; adding 1,000 reports to a 100k collection <= 15 s (the 10k figure beside it
shows whether it grows with the collection); story pairs P >= 0.99, R >= 0.97, hard
negatives merged < 0.5 %; ``--version`` <= 0.25 s; a search's first page <= 50 ms (p95).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from itertools import combinations
from pathlib import Path
from typing import Any

from event_families import corroborate_command, run
from generate import read_gold, write
from story_families import collection_stories, score_stories

SAMPLE_S = 0.2
TRACE_S = 30.0  # --trace: a line this often, so a run cut short still says how far it got
GIB = 1 << 30
ADD_TAG = "add"


# --- memory of a process tree, from /proc ----------------------------------------------

def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` (every thread's), from /proc/PID/task/TID/children."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as f:
                found += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return found


def _kb_fields(path: str, names: tuple[str, ...]) -> list[int]:
    """The fields ``names`` (``Name:  123 kB`` lines) of a /proc file, in bytes; zeros
    once the process is gone."""
    found = dict.fromkeys(names, 0)
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            for line in f:
                name = line.split(":", 1)[0]
                if name in found:
                    found[name] = int(line.split()[1]) * 1024
    except OSError:
        pass
    return list(found.values())


def _memory(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of a process in bytes; zeros once it is gone."""
    rss, hwm = _kb_fields(f"/proc/{pid}/status", ("VmRSS", "VmHWM"))
    return rss, hwm


def _proportional(pid: int) -> int:
    """A process's proportional set size in bytes (its resident pages, each shared page
    divided among the processes that map it: forked workers share much of the fork
    server's memory, which a sum of RSS counts once per process); 0 once it is gone."""
    return _kb_fields(f"/proc/{pid}/smaps_rollup", ("Pss",))[0]


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants alive now."""
    seen, todo = [], [pid]
    while todo:
        current = todo.pop()
        seen.append(current)
        todo += _children(current)
    return seen


def stored(collection: Path) -> int | None:
    """The reports a collection holds so far (its largest report rowid), read beside the
    ingest writing it; None while it cannot be read."""
    from corroborate.store import DB_NAME  # here: generating needs no corroborate

    try:
        with closing(sqlite3.connect(f"file:{collection / DB_NAME}?mode=ro",
                                     uri=True, timeout=1)) as db:
            return int(db.execute("SELECT coalesce(max(rowid), 0) FROM reports").fetchone()[0])
    except sqlite3.Error:
        return None


class Sampler(threading.Thread):
    """Samples a process tree's memory every ``SAMPLE_S`` seconds until stopped; with
    ``trace``, also appends a JSON line every ``TRACE_S`` seconds: seconds since the start,
    the reports ``collection`` holds, and the tree's RSS summed, its largest process's and
    the highest peak so far (MB)."""

    def __init__(self, pid: int, trace: Path | None = None, collection: Path | None = None,
                 label: str = "") -> None:
        super().__init__(daemon=True)
        self.pid, self.done = pid, threading.Event()
        self.trace, self.collection, self.label = trace, collection, label
        self.peak_sum = self.peak_one = self.peak_pss = self.most_processes = 0
        self.started = self.traced = time.perf_counter()

    def sample(self) -> None:
        pids = tree(self.pid)
        memory = [_memory(p) for p in pids]
        total = sum(rss for rss, _ in memory)
        self.peak_sum = max(self.peak_sum, total)
        self.peak_one = max([self.peak_one, *(hwm for _, hwm in memory)])
        self.peak_pss = max(self.peak_pss, sum(_proportional(p) for p in pids))
        self.most_processes = max(self.most_processes, len(pids))
        now = time.perf_counter()
        if self.trace and now - self.traced >= TRACE_S:
            self.traced = now
            line = {"ingest": self.label, "s": round(now - self.started),
                    "reports": stored(self.collection) if self.collection else None,
                    "rss_mb": total >> 20,
                    "largest_mb": max((rss for rss, _ in memory), default=0) >> 20,
                    "peak_mb": self.peak_sum >> 20, "processes": len(pids)}
            with self.trace.open("a", encoding="utf-8") as out:
                out.write(json.dumps(line) + "\n")

    def run(self) -> None:
        while not self.done.wait(SAMPLE_S):
            self.sample()


def measured(argv: list[str], trace: Path | None = None, collection: Path | None = None,
             label: str = "") -> dict[str, Any]:
    """Run ``argv``; wall seconds, peak memory of its process tree and its exit code
    (``trace``: see :class:`Sampler`)."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err)
        sampler = Sampler(proc.pid, trace, collection, label)
        sampler.sample()
        sampler.start()
        code = proc.wait()
        seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace")
    return {"seconds": seconds, "peak_rss": sampler.peak_sum, "peak_one": sampler.peak_one,
            "peak_pss": sampler.peak_pss,
            "processes": sampler.most_processes, "exit": code, "stderr": tail}


# --- the run ---------------------------------------------------------------------------

def has_workers() -> bool:
    done = run(["ingest", "--help"])
    return "--workers" in done.stdout


def ingest(collection: Path, folder: str, workers: int | None, trace: Path | None = None,
           label: str = "") -> dict[str, Any]:
    argv = [*corroborate_command(), "ingest", "-q", "-c", str(collection)]
    if workers:
        argv += ["--workers", str(workers)]
    result = measured([*argv, folder], trace, collection, label)
    if result["exit"] != 0:
        raise SystemExit(f"ingest failed ({result['exit']}): {result['stderr']}")
    return result


def disk_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def generated_before(folder: Path, n: int) -> dict[str, Any]:
    """What ``write`` left in ``folder`` for ``n`` reports, as its figures (words not
    counted again); SystemExit if it is missing or was cut short."""
    gold = folder / "gold.jsonl"
    with gold.open("rb") as f:
        lines = sum(1 for _ in f)
    if lines != n:
        raise SystemExit(f"--resume: {gold} has {lines:,} reports, not {n:,}: the generating "
                         "was cut short; run again without --resume")
    return {"reports": n, "words": None, "folder": str(folder / "reports")}


def run_size(n: int, seed: int, add: int, workers: int | None, root: Path,
             trace: Path | None = None, resume: bool = False) -> dict[str, Any]:
    """Generate, ingest N, add ``add`` more; the figures of one size. ``resume``: go on
    with what a run cut short left in ``root``."""
    folder = root / f"size-{n}"
    collection = folder / "collection"
    resume = resume and collection.is_dir()
    started = time.perf_counter()
    if resume:
        base = generated_before(folder / "base", n)
        more = generated_before(folder / "add", add)
    else:
        base = write(folder / "base", seed, n)
        more = write(folder / "add", seed + 1, add, tag=f"s{seed}{ADD_TAG}")
    generated = time.perf_counter() - started
    if not resume:
        done = run(["init", str(collection)])
        if done.returncode != 0:
            raise SystemExit(f"init failed: {done.stderr}")
    # resumed, the ingest finishes what the interrupted one left and takes the reports it
    # never reached: an input taken before is not taken twice
    first = ingest(collection, base["folder"], workers, trace, f"{n}")
    # the first ingest's writes still being flushed to disk by the kernel (gigabytes at
    # 100k) are not the cost of adding to a collection: the add starts on a settled disk
    began = time.perf_counter()
    os.sync()
    flushed = time.perf_counter() - began
    held = stored(collection) or 0
    second = ingest(collection, more["folder"], workers, trace, f"{n}+{add}")
    # resumed after the add had run, nothing is added: the figure would not be an add's
    added = (stored(collection) or 0) - held
    gold = read_gold(folder / "base") + read_gold(folder / "add")
    stories = score_stories(gold, collection_stories(collection))
    return {"reports": n, "generate_s": generated, "resumed": resume,
            "words": base["words"] / n if base["words"] is not None else None,
            "ingest": first, "reports_per_s": None if resume else n / first["seconds"],
            "add": second, "added": added,
            "flushed_s": flushed,
            "stories": stories, "events": score_events(gold, collection),
            "disk_bytes": disk_bytes(collection),
            "collection": str(collection)}


def score_events(gold: list[dict[str, Any]], collection: Path) -> dict[str, Any]:
    """Event pair precision and recall over pairs of reports of two families (two stories:
    what linking decides), against the generated incidents (``event``: a family and its
    second accounts), among the reports some event holds; and the largest event."""
    from corroborate.store import Store  # here: generating needs no corroborate

    event_of = {g["url"]: g["event"] for g in gold}
    family_of = {g["url"]: g["family"] for g in gold}
    predicted: set[tuple[str, str]] = set()
    held: set[str] = set()
    largest = 0
    store = Store.open_read_only(collection)
    try:
        for record in store.events():
            urls = sorted({r["url"] for r in record["reports"] if r.get("url") in event_of})
            largest = max(largest, len(record["reports"]))
            held.update(urls)
            predicted.update(p for p in combinations(urls, 2) if family_of[p[0]] != family_of[p[1]])
    finally:
        store.close()
    by_event: dict[str, list[str]] = {}
    for url in sorted(held):
        by_event.setdefault(event_of[url], []).append(url)
    true = {p for urls in by_event.values() for p in combinations(urls, 2)
            if family_of[p[0]] != family_of[p[1]]}
    hits = len(predicted & true)
    return {"reports": len(held), "pair_precision": hits / max(1, len(predicted)),
            "pair_recall": hits / max(1, len(true)), "pairs": len(true), "largest": largest}


def mb(size: int) -> str:
    return f"{size / 1e6:,.0f} MB"


def report_size(fig: dict[str, Any]) -> None:
    first, second, stories = fig["ingest"], fig["add"], fig["stories"]
    n = fig["reports"]
    if fig["resumed"]:
        print(f"{n:,} reports, generated by an earlier run cut short (--resume): the ingest "
              f"below is only what it left to do, its reports/s not the whole's")
    else:
        print(f"{n:,} reports: generated in {fig['generate_s']:.0f} s ({fig['words']:.0f} "
              f"words a report)")
    speed = "" if fig["resumed"] else f", {fig['reports_per_s']:.1f} reports/s"
    print(f"  ingest: {first['seconds']:.1f} s{speed}; peak "
          f"memory {mb(first['peak_rss'])} (sum over up to {first['processes']} processes; "
          f"{mb(first['peak_pss'])} proportional, shared pages counted once; "
          f"largest single process {mb(first['peak_one'])})")
    print(f"  add {fig['added']:,} reports (new families) to {n:,}: {second['seconds']:.1f} s, "
          f"peak memory {mb(second['peak_rss'])} (after {fig['flushed_s']:.1f} s flushing the "
          f"first ingest's writes to disk)")
    print(f"  stories over {stories['reports']:,} reports: pair precision "
          f"{stories['pair_precision']:.4f}, recall {stories['pair_recall']:.4f}, hard "
          f"negatives merged {1 - stories['hard_negatives_separated']:.2%} "
          f"({stories['hard_negative_pairs']} pairs)")
    events = fig["events"]
    print(f"  events over {events['reports']:,} reports: pair precision (reports of two "
          f"stories) {events['pair_precision']:.4f}, recall {events['pair_recall']:.4f} "
          f"({events['pairs']:,} pairs); largest event {events['largest']} reports")
    print(f"  collection on disk: {mb(fig['disk_bytes'])} "
          f"({fig['disk_bytes'] / max(1, n + 1000) / 1024:.1f} KB a report)")


def optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def startup_line(runs: int) -> dict[str, Any] | None:
    startup = optional("startup")
    if startup is None:
        print("start-up: skipped (benchmarks/startup.py is missing)")
        return None
    fig: dict[str, Any] = startup.measure([*startup.corroborate_command(), "--version"], runs)
    print(f"start-up: corroborate --version median {fig['median_s']:.3f} s, p95 "
          f"{fig['p95_s']:.3f} s ({runs} runs; target <= 0.25 s)")
    return fig


def search_line(collection: str, runs: int) -> dict[str, Any] | None:
    """``search_scale.queries`` on the largest collection: the first page of a search for
    the word in most reports (it picks the word), p50 and p95."""
    search = optional("search_scale")
    queries = getattr(search, "queries", None) if search else None
    if queries is None:
        print("search: skipped (benchmarks/search_scale.py with queries(folder, repeat) "
              "is missing)")
        return None
    fig: dict[str, Any] = queries(Path(collection), runs)
    print("search (target: the first page's p95 <= 50 ms):")
    for name, value in fig.items():
        print(f"  {name}: {value}")
    return fig


def verdicts(sizes: list[dict[str, Any]]) -> None:
    """Each target of issue 12 this run can speak to: met or not, with the figure."""
    last = sizes[-1]
    part = " (the resumed part's)" if last["resumed"] else ""
    checks = []
    if last["reports_per_s"] is not None:
        checks.append((f"reports/s at {last['reports']:,}", last["reports_per_s"] >= 150,
                       f"{last['reports_per_s']:.1f} (>= 150)"))
    checks.append((f"peak memory at {last['reports']:,}{part}",
                   last["ingest"]["peak_rss"] <= GIB,
                   f"{mb(last['ingest']['peak_rss'])} (<= 1 GiB; the target is at 1M)"))
    if last["added"]:
        checks.append((f"add {last['added']:,} to {last['reports']:,}",
                       last["add"]["seconds"] <= 15, f"{last['add']['seconds']:.1f} s (<= 15 s)"))
    for fig in sizes:
        s = fig["stories"]
        checks.append((f"stories at {fig['reports']:,}",
                       s["pair_precision"] >= 0.99 and s["pair_recall"] >= 0.97
                       and s["hard_negatives_separated"] > 0.995,
                       f"P {s['pair_precision']:.4f} R {s['pair_recall']:.4f} merged "
                       f"{1 - s['hard_negatives_separated']:.2%}"))
    for name, ok, figure in checks:
        print(f"  {'met    ' if ok else 'NOT met'}  {name}: {figure}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated report counts")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--add", type=int, default=1000, help="reports added to each collection")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep data and collections here")
    parser.add_argument("--startup-runs", type=int, default=15)
    parser.add_argument("--search-runs", type=int, default=50)
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--resume", action="store_true",
                        help="with --keep: go on with a run cut short, from its reports and "
                             "collection")
    parser.add_argument("--trace", type=Path,
                        help="append a JSON line every 30 s of an ingest: reports stored, "
                             "memory (for long runs, which may not finish)")
    args = parser.parse_args()
    if args.resume and not args.keep:
        parser.error("--resume needs --keep: the folder of the run to go on with")
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
    workers: int | None = args.workers
    if not has_workers():
        print(f"note: this corroborate has no ingest --workers; ingesting without it "
              f"(asked for {args.workers})")
        workers = None
    print(f"scale run: sizes {sizes}, --workers {workers}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at the start (a shared machine skews times)")
    figures: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="scale-") as tmp:
        root = args.keep or Path(tmp)
        for i, n in enumerate(sizes):
            fig = run_size(n, args.seed, args.add, workers, root, args.trace, args.resume)
            report_size(fig)
            if i == len(sizes) - 1:
                fig["search"] = search_line(fig["collection"], args.search_runs)
            elif not args.keep:
                shutil.rmtree(root / f"size-{n}")
            figures.append(fig)
        startup = startup_line(args.startup_runs)
    print("targets (issue 12):")
    verdicts(figures)
    if args.json:
        args.json.write_text(json.dumps({"sizes": figures, "startup": startup}, indent=2,
                                        default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
