"""What a writer pays to open the custody log of a collection of many one-file captures.

Every ingest, even of one file, opens the log as its writer. A crawl kept one page a file
makes one capture a page: two entries each (``captured``, ``indexed``), ~450 bytes a line.
This writes such a log of N captures (generated entries: made-up origins and hashes,
chained and hashed as corroborate writes them; nothing is ingested), then times, in fresh
processes:

* ``first open``: a writer opening the log with no index beside it (after an upgrade, or
  a lost index): every entry read and checked, the index made;
* ``open``: the next writer, the index as the last one left it;
* ``open, 1,000 new``: a writer finding 1,000 entries its index does not cover (a writer
  killed before its index commits, or an index put back from a backup);

with the process's high-water mark (SQLite's pages included: tracemalloc does not see
them); and first what one append costs with a writer's lookups (``--appends``). Prints
the medians of ``--repeat`` runs.

    .venv/bin/python benchmarks/custody_log.py [--captures 10000,100000] [--repeat 3]
    .venv/bin/python benchmarks/custody_log.py --captures 1000000 --repeat 1   # ~0.9 GB log
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from peak import CHILD

from corroborate.store.custody import GENESIS, entry_hash, format_line

_OPEN = CHILD + """
import json, sys, time
from pathlib import Path
from corroborate.store.custody import CustodyLog
start = time.perf_counter()
log = CustodyLog(Path(sys.argv[1]))
took = time.perf_counter() - start
print(json.dumps({"seconds": took,
                  "checked": getattr(log, "checked", log.count),
                  "rss_mb": high_water_mb()}))
"""


def _entries(start: int, count: int, prev: str, first_seq: int) -> tuple[list[bytes], str]:
    """``count`` one-file captures from number ``start``: a ``captured`` and an
    ``indexed`` entry each, chained on from ``prev``."""
    lines, seq = [], first_seq
    for n in range(start, start + count):
        sha = hashlib.sha256(f"capture {n}".encode()).hexdigest()
        for fields in (
                {"event": "captured", "sha256": sha, "origin": f"crawl/site-{n % 97}/page-{n}.html",
                 "size": 20_000 + n % 150_000, "media_type": "text/html",
                 "captured_at": "2026-12-02T03:00:00.000000+00:00", "tool_version": "0.2.0"},
                {"event": "indexed", "sha256": sha, "tool_version": "0.2.0",
                 "reports": {f"r-{sha[:20]}": hashlib.sha256(sha.encode()).hexdigest()},
                 "indexed_at": "2026-12-02T03:00:01.000000+00:00",
                 "vocab_digest": "e009e80033aeae6c"}):
            entry = {"seq": seq, **fields, "prev": prev}
            entry["hash"] = prev = entry_hash(entry)
            lines.append(format_line(entry, None))
            seq += 1
    return lines, prev


def write_log(path: Path, captures: int) -> str:
    """The log of ``captures`` one-file captures; returns its last hash."""
    prev, chunk = GENESIS, 10_000
    with open(path, "wb") as fh:
        for start in range(0, captures, chunk):
            lines, prev = _entries(start, min(chunk, captures - start), prev, 2 * start + 1)
            fh.writelines(lines)
    return prev


def _open(path: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", _OPEN, str(path)], check=True,
                         capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(out)
    return result


def _index_files(log: Path) -> list[Path]:
    return sorted(log.parent.glob(log.name + ".index*"))


def measure(folder: Path, captures: int, repeat: int) -> dict[str, list[dict[str, float]]]:
    runs: dict[str, list[dict[str, float]]] = {"first open": [], "open": [],
                                                "open, 1,000 new": []}
    log = folder / "custody.log"
    last = write_log(log, captures)
    kept = folder / "kept"
    for _ in range(repeat):
        for stale in _index_files(log):
            stale.unlink()
        runs["first open"].append(_open(log))
        runs["open"].append(_open(log))
        # the index as it is now, then 500 captures more logged: put back, it misses them
        kept.mkdir(exist_ok=True)
        for f in _index_files(log):
            shutil.copy(f, kept / f.name)
        size = log.stat().st_size
        lines, _ = _entries(captures, 500, last, 2 * captures + 1)
        with open(log, "ab") as fh:
            fh.writelines(lines)
        for f in _index_files(log):
            f.unlink()
        for f in kept.iterdir():
            shutil.copy(f, log.parent / f.name)
        runs["open, 1,000 new"].append(_open(log))
        with open(log, "r+b") as fh:
            fh.truncate(size)
    return runs


def appends(count: int) -> float:
    """Seconds an append takes with the lookups a writer makes for a new file (append,
    ``has_seen``, ``has_capture``), on tmpfs where there is one: the log's own fsync,
    which costs more than the rest on a disk, would hide what the bookkeeping costs."""
    from corroborate.store.custody import CustodyLog

    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as tmp:
        log = CustodyLog(Path(tmp) / "custody.log")
        start = time.perf_counter()
        for n in range(count):
            sha = hashlib.sha256(f"append {n}".encode()).hexdigest()
            log.append("captured", sha256=sha, origin=f"in/{n}.html", size=100,
                       captured_at="2026-12-02T03:00:00+00:00")
            log.has_seen(sha, f"in/{n}.html")
            log.has_capture(sha)
        took = time.perf_counter() - start
        log.close()
    return took / count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captures", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--appends", type=int, default=3000,
                        help="appends timed on tmpfs (0: none)")
    args = parser.parse_args()
    if args.appends:
        each = statistics.median(appends(args.appends) for _ in range(args.repeat))
        print(f"append + lookups, tmpfs: {each * 1e6:.0f} us (median of {args.repeat} runs "
              f"of {args.appends:,})")
    print("captures  open              seconds  high-water MB  entries checked")
    for captures in (int(n) for n in args.captures.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            runs = measure(Path(tmp), captures, args.repeat)
            size = (Path(tmp) / "custody.log").stat().st_size
        for name, results in runs.items():
            med = {k: statistics.median(r[k] for r in results) for k in results[0]}
            print(f"{captures:>8,}  {name:<16} {med['seconds']:8.3f} "
                  f"{med['rss_mb']:14.0f}  {int(med['checked']):>15,}")
        print(f"          (log of {captures:,} captures: {size / 2**20:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
