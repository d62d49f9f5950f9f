"""Extraction speed on text reports: milliseconds per report for `pipeline.process` (clean +
fingerprint + extract) and for `extract` alone, one core.

Reads the HRDsAttack dev articles (../shared/benchmarks/hrdsattack/dev.json, read at run
time, never copied) as `corroborate bench hrdsattack` captures them: one JSON Lines record per
article. Without the shared folder it reads the bundled sample reports instead. Each report
is processed once to warm the caches (vocabularies, compiled patterns), then ``--repeat``
rounds over all reports are timed; the figure per report is the median of its rounds, and
the median over reports is printed, with the 95th percentile and the per-round medians.
Times are the process's CPU time by default (``--clock cpu``): on a machine shared with
other work, wall-clock time mostly measures the other work.

    .venv/bin/python benchmarks/extraction_speed.py [--repeat 5] [--split PATH] [--clock wall]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from corroborate.capture import capture_bytes
from corroborate.clean import clean
from corroborate.extract import extract
from corroborate.model import Document
from corroborate.pipeline import process

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "benchmarks" / "hrdsattack" / "dev.json"
SAMPLES = ROOT / "src" / "corroborate" / "samples"
T = TypeVar("T")


def split_documents(path: Path) -> list[Document]:
    """The articles of an HRDsAttack split, captured as `bench hrdsattack` captures them."""
    from corroborate.hrdsattack import read_split

    records = [json.dumps({"id": a.id, "title": a.title, "date": a.published, "text": a.text},
                          ensure_ascii=False) for a in read_split(path)]
    _, docs, _ = capture_bytes(f"{path.name}.jsonl", "\n".join(records).encode() + b"\n")
    return docs


def sample_documents() -> list[Document]:
    docs: list[Document] = []
    for path in sorted(SAMPLES.iterdir()):
        if path.suffix in (".txt", ".jsonl", ".csv"):
            docs += capture_bytes(str(path), path.read_bytes())[1]
    return docs


def per_item(items: Sequence[T], work: Callable[[T], object], repeat: int,
             clock: Callable[[], float] = time.process_time) -> tuple[list[float], list[float]]:
    """Each item's median time in ms over ``repeat`` rounds, and each round's median."""
    times: list[list[float]] = [[] for _ in items]
    rounds = []
    for _ in range(repeat):
        this_round = []
        for k, item in enumerate(items):
            start = clock()
            work(item)
            elapsed = (clock() - start) * 1000
            times[k].append(elapsed)
            this_round.append(elapsed)
        rounds.append(statistics.median(this_round))
    return [statistics.median(t) for t in times], rounds


def _line(what: str, figures: tuple[list[float], list[float]]) -> str:
    medians, rounds = figures
    ordered = sorted(medians)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (f"{what:<10} median {statistics.median(medians):6.2f} ms/report   p95 {p95:6.2f}"
            f"   rounds: {', '.join(f'{r:.2f}' for r in rounds)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--split", type=Path, default=DEV,
                        help="an HRDsAttack split (default: the dev split, if present)")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu")
    args = parser.parse_args()
    docs = split_documents(args.split) if args.split.is_file() else sample_documents()
    source = args.split if args.split.is_file() else SAMPLES
    reports = [clean(d) for d in docs]
    for doc in docs:
        process(doc)  # warm-up: vocabularies loaded, patterns compiled
    chars = statistics.median(len(r.text) for r in reports)
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    print(f"{len(docs)} text reports from {source} (median {chars:,.0f} characters), "
          f"{args.repeat} rounds after a warm-up, one core, {args.clock} time")
    print(_line("process", per_item(docs, process, args.repeat, clock)))
    print(_line("extract", per_item(reports, extract, args.repeat, clock)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
