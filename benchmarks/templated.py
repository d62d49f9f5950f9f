"""Ingest of templated reports: one short template with its place, numbers and date changed.

Such reports (a spreadsheet of incidents written out as sentences) are all alike: every two
share a band key, so the stories refresh checks a candidate pair for nearly every two of
them, and its cost grows faster than their number. This ingests N of ``custody.py``'s
reports, one a file, into a fresh collection (``--workers``, default 1) and prints the
seconds and the stories made, for each N.

    .venv/bin/python benchmarks/templated.py --sizes 1000,2000,4000
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from custody import write_reports

from corroborate.pipeline import ingest
from corroborate.store import Store


def run(size: int, workers: int) -> tuple[float, int]:
    folder = Path(tempfile.mkdtemp(prefix="templated-"))
    try:
        write_reports(folder / "in", size)
        start = time.perf_counter()
        with Store.init(folder / "c") as store:
            result = ingest(store, [str(folder / "in")], workers=workers)
            took = time.perf_counter() - start
            assert result.ok, result.failures[:3]
            return took, store.counts()["stories"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,2000", help="report counts, comma-separated")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    print(f"{'reports':>8} {'ingest s':>9} {'ms/report':>10} {'stories':>8}")
    for size in (int(s) for s in args.sizes.split(",")):
        took, stories = run(size, args.workers)
        print(f"{size:>8,} {took:>9.1f} {1000 * took / size:>10.2f} {stories:>8}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
