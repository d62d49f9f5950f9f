"""Write a small starting corpus for fuzz_capture.py (inputs written for the project)."""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path

REPORT = ("Agents of the State Security Department arrested three traders in Hyesan, "
          "Ryanggang province, in March 2023 for using Chinese mobile phones, a source "
          "told the outlet. Two were sent to a labour training camp.")


def _warc(body: bytes, gz: bool) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.0")
    writer.write_record(writer.create_warc_record("https://example.org/a", "response",
                                                  payload=io.BytesIO(body),
                                                  http_headers=headers))
    return out.getvalue()


def seeds() -> dict[str, bytes]:
    html = f"<html><head><title>Arrests</title></head><body><p>{REPORT}</p></body></html>"
    record = json.dumps({"text": REPORT, "title": "Arrests", "date": "2023-03-20"})
    return {
        "0-html": bytes([0]) + html.encode(),
        "1-text": bytes([1]) + REPORT.encode(),
        "2-jsonl": bytes([2]) + (record + "\n" + record + "\n").encode(),
        "3-json": bytes([3]) + f"[{record}]".encode(),
        "4-csv": bytes([4]) + f'title,text\nArrests,"{REPORT}"\n'.encode(),
        "5-warc": bytes([5]) + _warc(html.encode(), False),
        "6-warcgz": bytes([6]) + _warc(html.encode(), True),
        "7-htmlgz": bytes([7]) + gzip.compress(html.encode()),
        "8-textgz": bytes([8]) + gzip.compress(REPORT.encode("utf-16")),
        "9-stdin": bytes([9]) + REPORT.encode("cp1252"),
    }


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/fuzz/corpus")
    target.mkdir(parents=True, exist_ok=True)
    for name, data in seeds().items():
        (target / name).write_bytes(data)
    print(f"wrote {len(seeds())} seeds to {target}")
