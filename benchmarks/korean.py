"""Korean extraction speed: clean + fingerprint + extract per Korean report, one core.

Reads every Korean report of our own writing that ships with the tests (the bundled
Korean sample, tests/fixtures/crosslang, tests/fixtures/ko, and the articles of
tests/fixtures/ko-bench), captures each as `corroborate ingest` would, and times
`pipeline.process` on each report ``--repeat`` times after one warm-up. Prints the median
and 95th percentile per report (the issue's target: median <= 50 ms), and the same for the
longest report alone. Also times 10x longer reports made by repeating each text's
paragraphs, so the cost per character shows.

    .venv/bin/python benchmarks/korean.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from corroborate.capture import capture_bytes
from corroborate.clean import detect_language
from corroborate.model import Document
from corroborate.pipeline import process

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "src" / "corroborate" / "samples" / "hyesan-public-trial-ko.html",
           *sorted((ROOT / "tests" / "fixtures" / "crosslang").iterdir()),
           *sorted((ROOT / "tests" / "fixtures" / "ko").iterdir())]
BENCH = ROOT / "tests" / "fixtures" / "ko-bench" / "ko-bench.json"


def korean_documents() -> list[Document]:
    docs: list[Document] = []
    for path in SOURCES:
        if path.suffix not in (".html", ".txt"):
            continue
        _, found, _ = capture_bytes(str(path), path.read_bytes())
        docs += [d for d in found if detect_language(d.content) == "ko"]
    for item in json.loads(BENCH.read_text(encoding="utf-8")):
        sample = item["sample"]
        text = sample["Input.article_interface"].replace("</p><p>", "\n\n")
        text = text.removeprefix("<p>").removesuffix("</p>")
        _, found, _ = capture_bytes(f"ko-bench:{sample['HIT_id']}", json.dumps(
            {"title": sample["Input.title"], "date": sample["Input.publish_date"][:10],
             "text": text}, ensure_ascii=False).encode() + b"\n")
        docs += found
    return docs


def _timed(doc: Document, repeat: int) -> list[float]:
    process(doc)
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        process(doc)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def _longer(doc: Document, times: int = 10) -> Document:
    from dataclasses import replace

    paragraphs = doc.content.split("\n\n")
    return replace(doc, content="\n\n".join(paragraphs + paragraphs[1:] * (times - 1)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    docs = korean_documents()
    per_report = [statistics.median(_timed(d, args.repeat)) for d in docs]
    per_report.sort()
    chars = [len(d.content) for d in docs]
    print(f"{len(docs)} Korean reports, {min(chars):,}-{max(chars):,} characters "
          f"(median {statistics.median(chars):,.0f}); {args.repeat} runs each after a warm-up")
    p95 = per_report[min(len(per_report) - 1, int(0.95 * len(per_report)))]
    print(f"clean + fingerprint + extract: median {statistics.median(per_report):.1f} ms "
          f"per report, p95 {p95:.1f} ms, slowest {per_report[-1]:.1f} ms (target: median "
          f"<= 50 ms)")
    long_docs = [_longer(d) for d in docs if d.content.count("\n\n") >= 2]
    long_times = [statistics.median(_timed(d, max(3, args.repeat // 4))) for d in long_docs]
    long_chars = [len(d.content) for d in long_docs]
    if long_times:
        print(f"the same, paragraphs repeated to 10x ({statistics.median(long_chars):,.0f} "
              f"characters median): median {statistics.median(long_times):.1f} ms, "
              f"{1000 * sum(long_times) / sum(long_chars):.2f} µs per character")
    return 0


if __name__ == "__main__":
    sys.exit(main())
