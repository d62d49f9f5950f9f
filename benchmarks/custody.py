"""What custody costs: ingest, verify and verify --deep on generated text reports.

Writes N small reports (our own words, numbered so each is unique), ingests them into a
fresh collection, then times ``verify`` and ``verify --deep``; with ``--encrypt`` the
collection is encrypted at rest. Prints medians over ``--repeat`` runs.

    python benchmarks/custody.py --reports 300 --repeat 3
    python benchmarks/custody.py --reports 300 --repeat 3 --encrypt
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from corroborate.pipeline import ingest
from corroborate.store import Store
from corroborate.store.crypto import ScryptParams

PLACES = ["Hyesan", "Musan", "Hoeryong", "Sinuiju", "Chongjin", "Onsong"]


def write_reports(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    for i in range(count):
        place = PLACES[i % len(PLACES)]
        (folder / f"r{i:05d}.txt").write_text(
            f"date 2021-{1 + i % 12:02d}-{1 + i % 27:02d}\n"
            f"State security agents in {place} detained {2 + i % 9} traders caught with "
            f"Chinese phones during inspection number {i}, a source told the outlet.\n\n"
            f"Their families were fined and {i % 4 + 1} of them were sent to a labour "
            f"training camp, the source said.\n", encoding="utf-8")


def run(inbox: Path, root: Path, encrypt: bool) -> tuple[float, float, float]:
    passphrase = "correct horse battery staple" if encrypt else None
    scrypt = ScryptParams(n=2**14)
    with Store.init(root, passphrase, scrypt=scrypt) as store:
        start = time.perf_counter()
        result = ingest(store, [str(inbox)])
        took = time.perf_counter() - start
        assert result.ok, result.failures
    with Store.open_read_only(root, passphrase) as store:
        start = time.perf_counter()
        assert not [p for p in store.verify() if p.fatal]
        verify = time.perf_counter() - start
        start = time.perf_counter()
        assert not [p for p in store.verify(deep=True) if p.fatal]
        deep = time.perf_counter() - start
    return took, verify, deep


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--encrypt", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        inbox = Path(tmp) / "in"
        write_reports(inbox, args.reports)
        runs = [run(inbox, Path(tmp) / f"c{i}", args.encrypt) for i in range(args.repeat)]
    n = args.reports
    columns = zip(*runs, strict=True)
    for name, values in zip(("ingest", "verify", "verify --deep"), columns, strict=True):
        med = statistics.median(values)
        print(f"{name:<14} {med:7.2f} s  {1000 * med / n:6.2f} ms/report  "
              f"(runs: {', '.join(f'{v:.2f}' for v in values)})")


if __name__ == "__main__":
    main()
