"""Workbench latency: faceted search, timeline, map counts and the review queue on a large
collection (default 100,000 reports).

How the collection is built (``build_collection``), plainly: full ingest runs at about 100
reports/s and re-clusters every story on each ingest, so 100k reports cannot be ingested in
one run. Instead:

1. ``--base`` distinct reports (default 2,000) are generated with
   ``event_families.generate`` (seeds ``seed``, ``seed+1``, ...; every sentence invented)
   and ingested with ``corroborate.pipeline.ingest``, one JSON Lines file per seed: real
   captures, custody, extraction, stories and events;
2. the rest are *clones* made in SQL: clone ``c`` of report ``r`` gets the id ``r~c``, the
   outlet of round ``c`` (40 outlets in all), and its text followed by the texts of two
   other base reports under "Earlier reports:" (so texts run ~3x the generated length, nearer
   a real article; the evidence offsets of its facts stay valid). Its incidents, facts,
   story, accounts (without keys or links) and events are copied with ``~c`` ids; the
   full-text index gets the new text. A clone has no shingles, so it joins no story: as
   versions of its base report all clones would be one story with it, which a real
   collection finds when it ingests them; left to later ingests, that merging would be
   what an ingest spends its time on;
3. ``--decided`` reports (default 1 %) get review decisions through ``review.decide``, and
   the search index is rebuilt whole with ``search.refresh_index`` (timed).

Clones share their capture's archived bytes: the collection is for timing reads, not for
``verify`` or further ingests. Then each query is run ``--repeat`` times (first run of each
dropped as warm-up) and its median and 95th percentile printed, in milliseconds.

    .venv/bin/python benchmarks/workbench_latency.py [--reports 100000] [--base 2000]
        [--seed 1] [--repeat 30] [--keep DIR] [--json FILE]

``build_collection(path, n, seed)`` and ``timings(fn, repeat)`` are meant for reuse (HTTP
page timings).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from event_families import generate

from corroborate import review, search, search_arrays
from corroborate.pipeline import ingest
from corroborate.search import SearchQuery
from corroborate.store import Store

EXTRA_OUTLETS = [f"Regional Wire {i}" for i in range(1, 41)]


def timings(fn: Callable[[], Any], repeat: int = 30) -> tuple[float, float]:
    """(median ms, p95 ms) of ``repeat`` calls of ``fn`` after one warm-up call."""
    fn()
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1000)
    runs.sort()
    return statistics.median(runs), runs[min(len(runs) - 1, int(0.95 * len(runs)))]


def _ingest_base(root: Path, store: Store, base: int, seed: int) -> None:
    made, s = 0, seed
    while made < base:
        records = generate(s, 60)[: base - made]
        path = root / f"base-{s}.jsonl"
        path.write_text("".join(json.dumps({k: v for k, v in r.items() if k != "gold"},
                                           ensure_ascii=False) + "\n" for r in records),
                        encoding="utf-8")
        result = ingest(store, [str(path)])
        if not result.ok:
            raise SystemExit(f"seed {s}: {result.failures[0]}")
        made += result.reports
        s += 1
        print(f"  ingested seed {s - 1}: {made} reports", flush=True)


def _clone_round(db: Any, c: int, last: int, count: int) -> None:
    """Clone ``count`` base reports (rowid <= ``last``) as round ``c``."""
    tag = f"~{c}"
    outlet = EXTRA_OUTLETS[c % len(EXTRA_OUTLETS)]
    db.execute(
        "INSERT INTO reports (id, capture_sha256, locator, origin, media_type, url, title, "
        "published, outlet, language, text, detail, shingles, minhash, tool_version, "
        "vocab_digest, digest) "
        "SELECT r.id || ?1, r.capture_sha256, r.locator, r.origin, r.media_type, r.url, "
        "r.title, r.published, CASE WHEN r.rowid % 3 = 0 THEN r.outlet ELSE ?2 END, "
        "r.language, r.text || char(10, 10) || 'Earlier reports:' || char(10, 10) || "
        "a.text || char(10, 10) || b.text, r.detail, x'', r.minhash, r.tool_version, "
        "r.vocab_digest, r.digest FROM reports r "
        "JOIN reports a ON a.rowid = (r.rowid * 7 + ?3) % ?4 + 1 "
        "JOIN reports b ON b.rowid = (r.rowid * 13 + ?3 * 3) % ?4 + 1 "
        "WHERE r.rowid <= ?4 ORDER BY r.rowid LIMIT ?5", (tag, outlet, c, last, count))
    db.execute("INSERT INTO reports_fts (rowid, title, text) SELECT rowid, coalesce(title, ''), "
               "text FROM reports WHERE id LIKE ?", (f"%{tag}",))
    ids = "(SELECT id FROM reports WHERE rowid <= ? ORDER BY rowid LIMIT ?)"
    db.execute(f"INSERT INTO incidents SELECT id || ?, report_id || ?, tool_version, "
               f"vocab_digest FROM incidents WHERE report_id IN {ids}", (tag, tag, last, count))
    db.execute(f"INSERT INTO facts SELECT incident_id || ?, position, field, value, label, "
               f"report_id || ?, start, \"end\", quote, attrs FROM facts WHERE report_id IN "
               f"{ids}", (tag, tag, last, count))
    # a round of fewer than all base reports: only the stories whose canonical version was
    # cloned, and only their members (the others are in no story)
    db.execute(f"INSERT OR IGNORE INTO stories SELECT s.id || ?, s.canonical_report_id || ?, "
               f"s.tool_version, s.vocab_digest FROM stories s JOIN story_members m ON "
               f"m.story_id = s.id WHERE m.report_id IN {ids} AND s.canonical_report_id IN "
               f"{ids}", (tag, tag, last, count, last, count))
    db.execute("INSERT INTO story_members SELECT report_id || ?1, story_id || ?1, canonical, "
               "containment, jaccard, adds, lacks FROM story_members WHERE report_id IN "
               "(SELECT id FROM reports WHERE rowid <= ?2 ORDER BY rowid LIMIT ?3) "
               "AND story_id || ?1 IN (SELECT id FROM stories)", (tag, last, count))
    db.execute("INSERT OR IGNORE INTO accounts SELECT a.id || ?1, a.story_id || ?1, "
               "a.event_id || ?1, a.data, a.tool_version, a.vocab_digest FROM accounts a "
               "WHERE a.story_id || ?1 IN (SELECT id FROM stories)", (tag,))
    db.execute("INSERT OR IGNORE INTO events SELECT e.id || ?1, e.origins, e.reports, "
               "e.conflicts, e.first_published, json_set(e.record, '$.id', e.id || ?1) "
               "FROM events e WHERE e.id || ?1 IN (SELECT event_id FROM accounts)", (tag,))


def _clone(store: Store, n: int) -> None:
    db = store.db
    base = int(db.execute("SELECT count(*) FROM reports").fetchone()[0])
    last = int(db.execute("SELECT max(rowid) FROM reports").fetchone()[0])
    c = 0
    while (have := int(db.execute("SELECT count(*) FROM reports").fetchone()[0])) < n:
        c += 1
        with store.transaction() as tx:
            _clone_round(tx, c, last, min(base, n - have))
        if c % 10 == 0:
            print(f"  cloned round {c}: {have + min(base, n - have)} reports", flush=True)


def _reviewer(store: Store) -> str:
    """An analyst's name to decide with: once a collection has accounts (the page
    benchmark adds a viewer) only analysts and admins may decide."""
    from corroborate.users import add_user, user

    if user(store, "bench-analyst") is None:
        add_user(store, "bench-analyst", "analyst", "benchmark passphrase")
    return "bench-analyst"


def _decide(store: Store, share: float) -> int:
    """Decisions on ``share`` of the reports: accept the country, and on every third report
    each field (so the status facet has all three values)."""
    rows = store.db.execute("SELECT id FROM reports ORDER BY rowid").fetchall()
    step = max(1, int(1 / share)) if share > 0 else 0
    done = 0
    reviewer = _reviewer(store)
    for i, (rid,) in enumerate(rows[::step] if step else []):
        fields = review.FIELDS if i % 3 == 0 else ("country",)
        for name in fields:
            review.decide(store, rid, name, "accept", reviewer)
        done += 1
    return done


def build_collection(path: Path, n: int, seed: int = 1, base: int = 2000,
                     decided: float = 0.01) -> Path:
    """A collection of ``n`` reports at ``path`` (see the module docstring); reused when
    it already holds one of ``n`` reports. Returns the collection's folder."""
    folder = Path(path) / "collection"
    if folder.exists():
        with Store.open(folder) as store:
            have = int(store.db.execute("SELECT count(*) FROM reports").fetchone()[0])
        if have == n:
            return folder
        raise SystemExit(f"{folder} holds {have} reports, not {n}: give another --keep")
    store = Store.init(folder)
    with store:
        t0 = time.perf_counter()
        _ingest_base(Path(path), store, min(base, n), seed)
        print(f"base: {time.perf_counter() - t0:.1f} s", flush=True)
        t0 = time.perf_counter()
        _clone(store, n)
        print(f"clones: {time.perf_counter() - t0:.1f} s", flush=True)
        t0 = time.perf_counter()
        print(f"decided on {_decide(store, decided)} reports in "
              f"{time.perf_counter() - t0:.1f} s", flush=True)
        t0 = time.perf_counter()
        rows = search.refresh_index(store)
        print(f"refresh_index (whole): {rows} rows in {time.perf_counter() - t0:.1f} s",
              flush=True)
    return folder


def _words(store: Store) -> tuple[str, str]:
    """The word in most reports, and the word in fewest."""
    db = store.db
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING "
               "fts5vocab(main, 'reports_fts', 'row')")
    total = int(db.execute("SELECT count(*) FROM reports").fetchone()[0])
    common = db.execute("SELECT term FROM temp.vocab WHERE length(term) >= 5 AND term GLOB "
                        "'[a-z]*' ORDER BY doc DESC LIMIT 1").fetchone()[0]
    # the clones repeat the base reports' words: the rarest is in a few dozen at 100k
    rare, docs = db.execute("SELECT term, doc FROM temp.vocab WHERE length(term) >= 5 AND "
                            "term GLOB '[a-z]*' ORDER BY doc, term LIMIT 1").fetchone()
    share = db.execute("SELECT doc FROM temp.vocab WHERE term = ?", (common,)).fetchone()[0]
    print(f"common word '{common}': {share} of {total} reports; rare word '{rare}': {docs}")
    return str(common), str(rare)


def scenarios(store: Store) -> list[tuple[str, Callable[[], Any]]]:
    """The queries timed: (name, call)."""
    common, rare = _words(store)
    top = search.search(store, SearchQuery(per_page=1)).facets
    country = top["country"][0].value if top["country"] else "KP"
    violation = top["violation"][0].value if top["violation"] else "killing"
    outlet = top["outlet"][1].value if len(top["outlet"]) > 1 else ""
    region = top["region"][0].value if top["region"] else ""

    def run(**options: Any) -> Callable[[], Any]:
        def call() -> Any:
            return search.search(store, SearchQuery(**options))
        return call

    filters = {"country": (country,), "violation": (violation,), "outlet": (outlet,)}
    return [
        (f"search '{common}' newest, page 1 + facets", run(text=common, order="newest")),
        (f"search '{common}' relevance, page 1 + facets", run(text=common)),
        (f"search '{common}' relevance, one outlet", run(text=common, outlet=(outlet,))),
        (f"search '{common}' confidence, page 1 + facets", run(text=common,
                                                                order="confidence")),
        (f"search '{rare}' (rare) relevance", run(text=rare)),
        ("no text, 3 facet filters, newest", run(order="newest", **filters)),
        (f"'{common}' + region + dates + 2 origins", run(
            text=common, order="newest", region=(region,), date_from="2020-01-01",
            date_to="2023-12-31", min_origins=2)),
        (f"search '{common}' newest, page 200", run(text=common, order="newest", page=200)),
        (f"search '{common}' relevance, page 40", run(text=common, page=40)),
        (f"search '{common}' relevance, page 200 (4th window)", run(text=common, page=200)),
        ("no text, no filter, newest", run(order="newest")),
        ("timeline, no filter", lambda: search.timeline(store, SearchQuery())),
        (f"timeline '{common}' + country", lambda: search.timeline(
            store, SearchQuery(text=common, country=(country,)))),
        ("by_region, no filter", lambda: search.by_region(store, SearchQuery())),
        (f"by_region '{rare}'", lambda: search.by_region(store, SearchQuery(text=rare))),
        ("review_queue page 1", lambda: search.review_queue(store)),
        ("review_queue page 100", lambda: search.review_queue(store, page=100)),
        ("review_queue reviewer 'bench'", lambda: search.review_queue(store,
                                                                      reviewer="bench")),
    ]


def _after_decision(store: Store, repeat: int) -> tuple[float, float]:
    """A review decision, then the next search (the index's arrays are read again)."""
    rows = [r[0] for r in store.db.execute(
        "SELECT report_id FROM search_index WHERE status = 'unreviewed' LIMIT ?",
        (repeat + 1,))]
    times = []
    reviewer = _reviewer(store)
    for rid in rows:
        t0 = time.perf_counter()
        review.decide(store, rid, "when", "reject", reviewer)
        search.search(store, SearchQuery(order="newest"))
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]


def _first_search(store: Store, repeat: int) -> tuple[float, float]:
    """The first search of a process, or after a rebuild (the arrays are read whole; an
    ingest's update has readers patch them instead: benchmarks/search_scale.py)."""
    times = []
    for _ in range(repeat):
        search_arrays.CACHE.clear()
        t0 = time.perf_counter()
        search.search(store, SearchQuery(order="newest"))
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--base", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--decided", type=float, default=0.01)
    parser.add_argument("--keep", type=Path, help="build in (or reuse) this folder")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="workbench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        folder = build_collection(root, args.reports, args.seed, args.base, args.decided)
        with Store.open(folder) as store:
            counts = {t: int(store.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                      for t in ("reports", "search_index", "stories", "events")}
            print(f"collection: {counts} (base {min(args.base, args.reports)} ingested, the "
                  f"rest cloned in SQL)")
            t0 = time.perf_counter()
            search_arrays.CACHE.clear()
            search.search(store, SearchQuery(per_page=1))
            print(f"first query (reads the index's arrays): "
                  f"{(time.perf_counter() - t0) * 1000:.0f} ms")
            figures = {}
            print(f"{'query':55} {'median ms':>10} {'p95 ms':>8}")
            for name, fn in scenarios(store):
                figures[name] = timings(fn, args.repeat)
                print(f"{name:55} {figures[name][0]:10.1f} {figures[name][1]:8.1f}", flush=True)
            name = "review decision + next search (row patched in)"
            figures[name] = _after_decision(store, min(args.repeat, 20))
            print(f"{name:55} {figures[name][0]:10.1f} {figures[name][1]:8.1f}")
            name = "update_index, nothing new"
            figures[name] = timings(lambda: search.update_index(store), 3)
            print(f"{name:55} {figures[name][0]:10.1f} {figures[name][1]:8.1f}")
            name = "first search of a process (arrays read whole)"
            figures[name] = _first_search(store, 5)
            print(f"{name:55} {figures[name][0]:10.1f} {figures[name][1]:8.1f}")
        if args.json:
            args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
