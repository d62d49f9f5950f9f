"""What ``verify`` costs, in seconds and memory, as a collection of one-file captures grows.

A crawl kept a page a file makes a capture a page: a custody log of two entries a capture,
a row a capture in ``captures``, two receipts, a report. This ingests N generated reports
(benchmarks/generate.py, seed 1), one a file, into a collection (or reuses the one kept in
``--keep``), then runs ``verify`` on it in a fresh process and prints its seconds and the
process's high-water mark (SQLite's pages and the temporary summary's cache included).

``--python`` runs that verify with another interpreter, so two versions of corroborate can
verify the same collection (verify only reads):

    .venv/bin/python benchmarks/verify_scale.py --captures 10000 --keep /tmp/vs
    git worktree add /tmp/old <commit> && (cd /tmp/old && python3 -m venv .venv &&
        .venv/bin/pip install -q -e .)
    .venv/bin/python benchmarks/verify_scale.py --captures 10000 --keep /tmp/vs \\
        --python /tmp/old/.venv/bin/python
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generate import write
from peak import CHILD

from corroborate.pipeline import ingest
from corroborate.store import Store

_VERIFY = CHILD + """
import json, sys, time
from corroborate.store import Store
start = time.perf_counter()
with Store.open_read_only(sys.argv[1]) as store:
    problems = store.verify(deep=sys.argv[2] == "deep")
took = time.perf_counter() - start
print(json.dumps({"seconds": took, "fatal": sum(p.fatal for p in problems),
                  "rss_mb": high_water_mb()}))
"""


def collection(folder: Path, captures: int, workers: int) -> Path:
    """A collection of ``captures`` one-file captures in ``folder`` (made once, kept)."""
    root = folder / f"c{captures}"
    if Store.exists(root):
        return root
    inbox = folder / f"in{captures}"
    shutil.rmtree(inbox, ignore_errors=True)
    write(inbox, 1, captures, per_file=1)
    start = time.perf_counter()
    with Store.init(root) as store:
        result = ingest(store, [str(inbox / "reports")], workers=workers)
    assert result.ok, result.failures[:3]
    print(f"made {captures:,} captures in {time.perf_counter() - start:.0f} s", flush=True)
    shutil.rmtree(inbox)
    return root


def verify(python: str, root: Path, deep: bool) -> dict[str, float]:
    out = subprocess.run([python, "-c", _VERIFY, str(root), "deep" if deep else "plain"],
                         check=True, capture_output=True, text=True).stdout
    figures: dict[str, float] = json.loads(out)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captures", default="10000",
                        help="collection sizes, comma-separated (default 10000)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="ingest workers")
    parser.add_argument("--keep", type=Path, help="make and keep the collections here")
    parser.add_argument("--python", default=sys.executable,
                        help="the interpreter that runs verify (another version's venv)")
    parser.add_argument("--deep", action="store_true", help="time verify --deep instead")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="verify-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        print(f"{'captures':>9} {'seconds':>8} {'peak MB':>8}  runs")
        for size in (int(s) for s in args.captures.split(",")):
            root = collection(folder, size, args.workers)
            runs = [verify(args.python, root, args.deep) for _ in range(args.repeat)]
            assert all(r["fatal"] == 0 for r in runs), runs
            secs = [r["seconds"] for r in runs]
            rss = [r["rss_mb"] for r in runs]
            print(f"{size:>9,} {statistics.median(secs):>8.2f} {statistics.median(rss):>8.0f}  "
                  f"{', '.join(f'{s:.2f} s/{m:.0f} MB' for s, m in zip(secs, rss, strict=True))}",
                  flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
