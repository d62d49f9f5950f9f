"""Workbench page latency over HTTP: what an analyst waits for, on a large collection.

Builds (or reuses, with ``--keep``) the collection of ``workbench_latency.build_collection``
(100,000 reports by default; read its docstring for how: 2,000 ingested, the rest cloned in
SQL), adds a viewer account, starts the real server (``corroborate serve``: uvicorn, one
process) on loopback, signs in, and times whole pages from a client in this process (httpx,
one connection, requests one after another): search for a word in almost every report and
for a rarer one, search with facets, a deep search page, the events list, an event page, a
report page, the review queue, the timeline and the map. Each page is fetched ``--repeat``
times after one warm-up; median and 95th percentile in milliseconds, from request sent to
last byte read. "first" is the warm-up fetch alone: what the first person to ask pays
(a relevance ranking is computed once per text, then kept).

    .venv/bin/python benchmarks/workbench_pages.py [--reports 100000] [--keep DIR] \
        [--repeat 30] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))

from workbench_latency import build_collection, timings

from corroborate import Store
from corroborate.users import add_user, user

PASSWORD = "benchmark passphrase"  # a throwaway account on a throwaway collection


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "corroborate", "serve", "-c", str(root),
                               "--port", str(port)], stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/login", timeout=2)
            return server, base
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not answer within 60 s")


def _sign_in(client: httpx.Client) -> None:
    form = client.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token is not None
    answer = client.post("/login", data={"csrf": token.group(1), "name": "bench-viewer",
                                         "password": PASSWORD})
    if answer.status_code != 303:
        raise SystemExit(f"sign-in failed: {answer.status_code}")


def _pages(store: Store) -> list[tuple[str, str]]:
    db = store.db
    event_id = db.execute("SELECT id FROM events ORDER BY origins DESC LIMIT 1").fetchone()[0]
    report_id = db.execute("SELECT id FROM reports ORDER BY rowid DESC LIMIT 1").fetchone()[0]
    return [
        ("search: common word", "/search?q=the"),
        ("search: rarer word", "/search?q=executed"),
        ("search: facets, no words", "/search?country=KP&violation=arbitrary_detention"),
        ("search: words + facets", "/search?q=arrested&region=KP-10&status=unreviewed"),
        ("search: page 200", "/search?q=the&page=200"),
        ("search: by relevance", "/search?q=the&order=relevance"),
        ("events list", "/events"),
        ("event page", f"/events/{event_id}"),
        ("report page", f"/reports/{report_id}"),
        ("review queue", "/review"),
        ("timeline", "/timeline"),
        ("map", "/map"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="build in (or reuse) this folder")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="workbench-pages-"))
    root = build_collection(folder, args.reports)
    with Store.open(root) as store:
        if user(store, "bench-viewer") is None:
            add_user(store, "bench-viewer", "viewer", PASSWORD)
        pages = _pages(store)
    server, base = _serve(root)
    figures: dict[str, Any] = {"reports": args.reports, "repeat": args.repeat, "pages": {}}
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            _sign_in(client)
            print(f"{args.reports:,} reports; {args.repeat} fetches per page after a warm-up")
            print(f"{'page':<28} {'first ms':>9} {'median ms':>10} {'p95 ms':>8} "
                  f"{'bytes':>9}")
            for name, path in pages:
                t0 = time.perf_counter()
                answer = client.get(path)
                first = (time.perf_counter() - t0) * 1000
                if answer.status_code != 200:
                    raise SystemExit(f"{path}: {answer.status_code}")
                median, p95 = timings(lambda p=path: client.get(p).raise_for_status(),
                                      args.repeat)
                figures["pages"][name] = {"path": path, "median_ms": median, "p95_ms": p95,
                                          "first_ms": first, "bytes": len(answer.content)}
                print(f"{name:<28} {first:>9.1f} {median:>10.1f} {p95:>8.1f} "
                      f"{len(answer.content):>9,}")
    finally:
        server.terminate()
        server.wait(10)
    worst = max(v["p95_ms"] for v in figures["pages"].values())
    print(f"worst p95: {worst:.1f} ms (target <= 200 ms)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
