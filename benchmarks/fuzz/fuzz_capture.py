"""Coverage-guided fuzzing of capture and per-report processing with atheris.

Every input is named as one of the formats corroborate reads (the first byte picks the
extension, the rest is the payload), captured with a small size limit, and each document
read from it is cleaned and extracted. Anything but a document or an ``InputError`` is a
finding: atheris stops and writes the crashing input as ``crash-<sha1>``.

Run (from the repository root, in the venv; ``pip install atheris``)::

    python benchmarks/fuzz/fuzz_capture.py -max_total_time=600 -rss_limit_mb=2048 \
        -max_len=65536 benchmarks/fuzz/corpus

``benchmarks/fuzz/seeds.py`` writes a starting corpus of small valid inputs to
``benchmarks/fuzz/corpus`` (generated, our own words). Findings are fixed and kept as
regression tests in ``tests/test_fuzz_findings.py``.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["corroborate"]):
    from corroborate.capture import CaptureOptions, capture_bytes
    from corroborate.errors import InputError
    from corroborate.pipeline import process

NAMES = ["r.html", "r.txt", "r.jsonl", "r.json", "r.csv", "r.warc", "r.warc.gz",
         "r.html.gz", "r.txt.gz", "-"]
OPTIONS = CaptureOptions(max_bytes=1 << 20)


def one_input(data: bytes) -> None:
    if not data:
        return
    name = NAMES[data[0] % len(NAMES)]
    try:
        _capture, documents, _errors = capture_bytes(name, data[1:], OPTIONS)
    except InputError:
        return
    for doc in documents:
        try:
            process(doc)
        except InputError:
            pass


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
