"""Article-extraction benchmark: speed, memory and quality of the whole pipeline.

Reads the 181 pages of ../shared/benchmarks/article-extraction (never copied into the
project). Each phase runs in a fresh subprocess so its peak RSS is its own:

* ``trafilatura``: ``trafilatura.extract()`` with defaults on each decompressed page;
* ``clean``: corroborate's clean stage alone (trafilatura with metadata, furniture, offsets);
* ``pipeline``: ``corroborate ingest`` of the folder into a new collection: decompression,
  hashing, archive and custody log (fsynced), clean, fingerprint, extract, SQLite, stories.

Quality is the benchmark README's metric (4-token shingle multisets, P/R averaged over
pages). ``--gate FILE`` fails when a pinned figure drops below the baseline;
``--write-baseline FILE`` pins the current figures.

    python benchmarks/article_extraction.py [--data DIR] [--gate benchmarks/baseline.json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from corroborate import baseline

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "article-extraction"
TOKEN = re.compile(r"\w+")


def pages(data: Path) -> list[tuple[str, str]]:
    out = []
    for path in sorted((data / "html").glob("*.html.gz")):
        raw = gzip.decompress(path.read_bytes())
        out.append((path.name.split(".")[0], raw.decode("utf-8", errors="replace")))
    return out


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + 4]) for i in range(max(0, len(tokens) - 3)))


def score(predicted: dict[str, str], truth: dict[str, str]) -> dict[str, float]:
    precisions, recalls = [], []
    for key, true_text in truth.items():
        t, p = shingles(true_text), shingles(predicted.get(key, ""))
        tp = sum((t & p).values())
        fp = sum((p - t).values())
        fn = sum((t - p).values())
        if fp == 0 and fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    p, r = statistics.fmean(precisions), statistics.fmean(recalls)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4)}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase(name: str, data: Path) -> dict[str, object]:
    """Run one phase in this process; returns its timings, memory and predictions."""
    items = pages(data)
    texts: dict[str, str] = {}
    per_page: list[float] = []
    if name == "trafilatura":
        import trafilatura

        start, cpu = time.perf_counter(), time.process_time()
        for key, html in items:
            t0 = time.perf_counter()
            texts[key] = trafilatura.extract(html) or ""
            per_page.append(time.perf_counter() - t0)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    elif name == "clean":
        from corroborate.clean import clean
        from corroborate.errors import InputError
        from corroborate.model import Document

        start, cpu = time.perf_counter(), time.process_time()
        for key, html in items:
            t0 = time.perf_counter()
            try:
                texts[key] = clean(Document("0" * 64, "", key, "text/html", html)).text
            except InputError:
                texts[key] = ""
            per_page.append(time.perf_counter() - t0)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    else:
        from corroborate.pipeline import ingest
        from corroborate.store import Store

        with tempfile.TemporaryDirectory() as tmp:
            store = Store.init(Path(tmp) / "c")
            start, cpu = time.perf_counter(), time.process_time()
            result = ingest(store, [str(data / "html")])
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
            for report in store.reports():
                texts[Path(report.origin).name.split(".")[0]] = report.text
            store.close()
        if result.failures:
            print(f"pipeline: {len(result.failures)} page(s) failed", file=sys.stderr)
    return {"phase": name, "pages": len(items), "seconds": round(elapsed, 3),
            "pages_per_second": round(len(items) / elapsed, 2),
            "cpu_pages_per_second": round(len(items) / cpu, 2),
            "median_ms": round(statistics.median(per_page) * 1000, 2) if per_page else None,
            "peak_rss_mb": round(_peak_mb(), 1), "texts": texts}


def run_phase(name: str, data: Path) -> dict[str, object]:
    out = subprocess.run([sys.executable, __file__, "--phase", name, "--data", str(data)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=3, help="runs per phase (median)")
    parser.add_argument("--gate", type=Path, help="fail when below this baseline")
    parser.add_argument("--write-baseline", type=Path, help="pin the current figures")
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.data)))
        return 0
    truth = {k: v["articleBody"] for k, v in
             json.loads((args.data / "ground-truth.json").read_text()).items()}
    # phases alternate, each run in a fresh process, and the median of --repeat runs is
    # reported: these machines are noisy, and alternating spreads the noise evenly
    runs: dict[str, list[dict[str, object]]] = {"trafilatura": [], "clean": [], "pipeline": []}
    for _ in range(args.repeat):
        for name, found in runs.items():
            found.append(run_phase(name, args.data))
    results = {name: sorted(found, key=lambda r: float(r["pages_per_second"]))[len(found) // 2]
               for name, found in runs.items()}  # type: ignore[arg-type]
    print(f"{args.repeat} run(s) per phase, median shown; pages/s of every run: "
          + "; ".join(f"{n} {[r['pages_per_second'] for r in f]}" for n, f in runs.items()))
    print(f"{'phase':<12} {'pages/s':>8} {'cpu p/s':>8} {'median ms':>10} {'peak MB':>8} "
          f"{'P':>7} {'R':>7} {'F1':>7}")
    quality = {}
    for name, res in results.items():
        q = score(res["texts"], truth)  # type: ignore[arg-type]
        quality[name] = q
        median = res["median_ms"] if res["median_ms"] is not None else "-"
        print(f"{name:<12} {res['pages_per_second']:>8} {res['cpu_pages_per_second']:>8} "
              f"{median:>10} "
              f"{res['peak_rss_mb']:>8} {q['precision']:>7} {q['recall']:>7} {q['f1']:>7}")
    ratio = float(results["pipeline"]["pages_per_second"]) / float(  # type: ignore[arg-type]
        results["trafilatura"]["pages_per_second"])  # type: ignore[arg-type]
    print(f"pipeline / trafilatura-alone throughput: {ratio:.2f} (target >= 0.70)")
    cpu_ratio = float(results["pipeline"]["cpu_pages_per_second"]) / float(  # type: ignore[arg-type]
        results["trafilatura"]["cpu_pages_per_second"])  # type: ignore[arg-type]
    # by CPU time: steadier on a shared machine, but blind to the pipeline's fsync waits
    print(f"the same by this process's CPU time: {cpu_ratio:.2f}")
    figures = {"clean_f1": quality["clean"]["f1"], "pipeline_f1": quality["pipeline"]["f1"]}
    return baseline.gate_exit(args.write_baseline, args.gate, "article_extraction", figures,
                              print)


if __name__ == "__main__":
    sys.exit(main())
