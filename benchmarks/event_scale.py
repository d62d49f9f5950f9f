"""Event linking at scale: what adding a batch of reports costs as the collection grows.

Builds one collection batch by batch: batch ``i`` is the generated reports of seed ``i``
(``event_families.generate``, ~165 reports at 60 families, ``gold`` dropped), written as
JSON Lines and ingested with ``corroborate.pipeline.ingest`` in this process. Per batch it
times the whole ingest and, separately, ``refresh_stories`` and ``refresh_events`` and
their parts (``stories.cluster``, ``compare_versions``; the store's reads and writes,
``_account``, ``compare``, ``event_record``), by wrapping them here, and counts the
accounts, links and events after it, the ``compare`` calls made and the pairs story
clustering checks exactly (``stories.joins``). Linking is near-linear when the events
seconds and the compares per new account stay flat as the collection grows. "redone" counts
the accounts made again because their story gained a version.

Seeds reuse the same 17 places and the months of 2019-2024, and blocking keys are
(country, violation, month), so every batch lands in the blocks of all the batches before
it: blocks get denser as seeds accumulate, and compares per new account grow with the
collection. ``--spread`` moves batch ``i``'s publication dates by whole years (0, -8, +8,
-16, ... years; the texts give the incident no year, so the incidents move with them):
each batch gets blocks of its own, which isolates the cost that grows with the collection
whatever the density (at most 24 batches: publication dates must stay in 1900-2100).

    .venv/bin/python benchmarks/event_scale.py [--batches 12] [--families 60] [--spread] \
        [--keep DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

sys.path.insert(0, str(Path(__file__).parent))

from event_families import generate

import corroborate.linking as linking
import corroborate.pipeline as pipeline
import corroborate.refresh.events as refresh_events
import corroborate.refresh.stories as refresh_stories
import corroborate.stories as stories
from corroborate.store import Store

P = ParamSpec("P")
R = TypeVar("R")

YEAR_STEP = 8  # generated dates span 2019-01 .. 2025-02: 8 years apart never share a block
PLAUSIBLE = (1900, 2100)  # dates.PLAUSIBLE_YEARS: publication dates outside are dropped
# the pieces of refresh_stories and refresh_events timed on their own (store methods, then
# pipeline functions; store.report, called by both, is left out)
STORE_PARTS = ("stories", "story_incident_ids", "remove_accounts", "filed_probes",
               "add_account", "add_links", "event_of", "linked_with", "briefs_in",
               "accounts_by_id", "stored_accounts", "put_events")
# group_in_order: grouping, with the links it reads from the store (lazily) and sorts
PIPELINE_PARTS = ("cluster", "compare_versions", "make_accounts", "event_record",
                  "group_in_order")


@dataclass
class Meter:
    """Seconds and calls per wrapped name, for one batch."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    calls: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def wrap(self, name: str, fn: Callable[P, R]) -> Callable[P, R]:
        def timed(*args: P.args, **kwargs: P.kwargs) -> R:
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - t0
                self.calls[name] += 1
        return timed

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()


@contextmanager
def patched(store: Store, meter: Meter) -> Iterator[None]:
    """Time refresh_stories, refresh_events and their parts; undo it after."""
    # ingest calls the refreshes through pipeline's names; their parts live in the refresh package
    originals = {(pipeline, name): getattr(pipeline, name)
                 for name in ("refresh_stories", "refresh_events")}
    originals.update({(module, name): getattr(module, name) for name in PIPELINE_PARTS
                      for module in (refresh_stories, refresh_events)
                      if hasattr(module, name)})
    originals[(linking, "compare")] = linking.compare  # what make_links calls
    for (module, name), fn in originals.items():
        setattr(module, name, meter.wrap(name, fn))
    for name in STORE_PARTS:  # instance attributes shadow the class's methods
        setattr(store, name, meter.wrap(f"store.{name}", getattr(store, name)))
    joins = stories.joins  # the exact check of each pair MinHash LSH proposes
    stories.joins = meter.wrap("stories.joins", joins)
    try:
        yield
    finally:
        stories.joins = joins
        for (module, name), fn in originals.items():
            setattr(module, name, fn)
        for name in STORE_PARTS:
            delattr(store, name)


def shifted(records: list[dict[str, Any]], years: int) -> list[dict[str, Any]]:
    """The records with their publication dates moved by whole years (29 Feb -> 28 Feb)."""
    out = []
    for rec in records:
        day = date.fromisoformat(rec["date"])
        try:
            moved = day.replace(year=day.year + years)
        except ValueError:
            moved = day.replace(year=day.year + years, day=28)
        out.append({**rec, "date": moved.isoformat()})
    return out


def year_shifts(batches: int, first: int, last: int) -> list[int]:
    """0, -8, +8, -16, +16 ... years, as many as keep every date plausible."""
    shifts, step = [0], 1
    while len(shifts) < batches:
        fits = [s for s in (-step * YEAR_STEP, step * YEAR_STEP)
                if first + s >= PLAUSIBLE[0] and last + s <= PLAUSIBLE[1]]
        if not fits:
            raise SystemExit(f"--spread fits {len(shifts)} batches at most")
        shifts += fits
        step += 1
    return shifts[:batches]


def counts(store: Store) -> dict[str, int]:
    return {table: int(store.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            for table in ("reports", "stories", "accounts", "links", "events")}


def run(batches: int, families: int, spread: bool, root: Path) -> list[dict[str, float]]:
    root.mkdir(parents=True, exist_ok=True)
    store = Store.init(root / "collection")
    meter = Meter()
    shifts = [0] * batches
    rows: list[dict[str, float]] = []
    with store, patched(store, meter):
        for index in range(batches):
            seed = index + 1
            records = generate(seed, families)
            if spread:
                if index == 0:  # every seed's dates span about the same years
                    years = [int(r["date"][:4]) for r in records]
                    shifts = year_shifts(batches, min(years) - 1, max(years) + 1)
                records = shifted(records, shifts[index])
            path = root / f"batch-{seed:02d}.jsonl"
            path.write_text("".join(json.dumps({k: v for k, v in r.items() if k != "gold"},
                                               ensure_ascii=False) + "\n" for r in records),
                            encoding="utf-8")
            before, ids_before = counts(store), store.account_ids()
            meter.reset()
            t0 = time.perf_counter()
            # in this process: the parts timed here would run on workers otherwise
            result = pipeline.ingest(store, [str(path)], workers=1)
            ingest_s = time.perf_counter() - t0
            seconds, calls = dict(meter.seconds), dict(meter.calls)  # before reading more
            if not result.ok:
                raise SystemExit(f"batch {seed}: {len(result.failures)} input(s) refused: "
                                 f"{result.failures[0]}")
            after, ids_after = counts(store), store.account_ids()
            new_accounts = len(ids_after - ids_before)
            row = {
                "batch": seed, "shift": shifts[index], "reports_before": before["reports"],
                "added": after["reports"] - before["reports"], "ingest_s": ingest_s,
                "stories_s": seconds.get("refresh_stories", 0.0),
                "events_s": seconds.get("refresh_events", 0.0),
                "compares": calls.get("compare", 0), "new_accounts": new_accounts,
                "dropped_accounts": len(ids_before - ids_after),
                "accounts": after["accounts"], "links": after["links"],
                "events": after["events"], "stories": after["stories"],
            }
            row["capture_s"] = ingest_s - row["stories_s"] - row["events_s"]
            row["compares_per_new"] = row["compares"] / new_accounts if new_accounts else 0.0
            row["story_checks"] = calls.get("stories.joins", 0)
            row.update({f"part:{k}": v for k, v in seconds.items()
                        if k not in ("refresh_stories", "refresh_events", "stories.joins")})
            rows.append(row)
            print(line(row), flush=True)
    return rows


COLUMNS = [  # (key, header, width, format)
    ("batch", "batch", 5, "d"), ("reports_before", "before", 7, "d"),
    ("added", "added", 6, "d"), ("ingest_s", "ingest s", 9, ".2f"),
    ("capture_s", "capture s", 10, ".2f"), ("stories_s", "stories s", 10, ".2f"),
    ("events_s", "events s", 9, ".2f"), ("new_accounts", "new acc", 8, "d"),
    ("dropped_accounts", "redone", 7, "d"),
    ("compares", "compares", 9, "d"), ("compares_per_new", "cmp/new", 8, ".1f"),
    ("accounts", "accounts", 9, "d"), ("links", "links", 6, "d"),
    ("events", "events", 7, "d"),
]


def header() -> str:
    return "".join(f"{h:>{w}}" for _, h, w, _ in COLUMNS)


def line(row: dict[str, float], label: str | None = None) -> str:
    cells = []
    for key, _, width, fmt in COLUMNS:
        value = row.get(key, 0)
        if key == "batch" and label is not None:
            cells.append(f"{label:>{width}}")
        elif fmt == "d":
            cells.append(f"{round(value):>{width}d}")
        else:
            cells.append(f"{value:>{width}{fmt}}")
    return "".join(cells)


def parts_table(rows: list[dict[str, float]]) -> str:
    """Seconds per part of refresh_stories and refresh_events per batch, largest first."""
    names = sorted({k for r in rows for k in r if k.startswith("part:")},
                   key=lambda k: -sum(r.get(k, 0.0) for r in rows))
    out = [f"{'seconds in (per batch)':<28}" + "".join(
        f"{int(r['batch']):>7d}" for r in rows)]
    for name in names:
        out.append(f"{name[5:]:<28}" + "".join(f"{r.get(name, 0.0):>7.3f}" for r in rows))
    return "\n".join(out)


def summary(rows: list[dict[str, float]]) -> str:
    keys = [k for k, *_ in COLUMNS if k != "batch"]
    median = {k: statistics.median(r[k] for r in rows) for k in keys}
    k = max(1, len(rows) // 4)
    first, last = rows[:k], rows[-k:]
    out = [line(median, "med")]
    out.append(f"\nlast {k} batch(es) / first {k} (medians; collection "
               f"{statistics.median(r['reports_before'] for r in first):.0f} -> "
               f"{statistics.median(r['reports_before'] for r in last):.0f} reports before "
               f"the batch):")
    for key in ("ingest_s", "capture_s", "stories_s", "story_checks", "part:cluster",
                "part:compare_versions", "events_s", "compares", "compares_per_new",
                "part:compare", "part:make_accounts", "part:store.filed_probes",
                "part:store.linked_with", "part:store.briefs_in", "part:_events",
                "part:event_record", "part:store.stories", "part:store.story_incident_ids"):
        a = statistics.median(r.get(key, 0.0) for r in first)
        b = statistics.median(r.get(key, 0.0) for r in last)
        if a or b:
            ratio = f"{b / a:.2f}x" if a else "n/a"
            out.append(f"  {key.removeprefix('part:'):<26} {a:>9.4g} -> {b:>9.4g}  {ratio:>7}")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=12, help="batches (seeds 1..N)")
    parser.add_argument("--families", type=int, default=60, help="families per batch")
    parser.add_argument("--spread", action="store_true",
                        help="move each batch's dates by whole years (no shared blocks)")
    parser.add_argument("--keep", type=Path, help="keep the JSONL and the collection here")
    parser.add_argument("--json", type=Path, help="write the per-batch rows here")
    args = parser.parse_args()
    started = time.perf_counter()
    print(header())
    with tempfile.TemporaryDirectory(prefix="event-scale-") as tmp:
        rows = run(args.batches, args.families, args.spread, args.keep or Path(tmp))
    print(summary(rows))
    print()
    print(parts_table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print(f"\n{args.batches} batches in {time.perf_counter() - started:.1f} s"
          f"{' (spread)' if args.spread else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
