"""Regroup: what one events batch's regroup costs in a finished collection (read only).

Takes the last ``--stories`` stories of COLLECTION (in order of id, as the last batch of an
events refresh would), the accounts their accounts link to, and the events those are in,
then times ``refresh.events._regroup`` of those events ``--repeat`` times and prints the
median, what it touched, and a digest of what it gave (events kept, and the accounts and
name of each made again), so that two versions of the code can be compared on the same
collection, run after run:

    PYTHONPATH=src python benchmarks/regroup.py COLLECTION [--stories 2000] [--repeat 3]

Nothing is written: the collection is opened read only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import time
from pathlib import Path

from corroborate.refresh import events as refresh_events
from corroborate.store import Store


def touched_events(store: Store, stories: int) -> set[str]:
    """The events of the accounts the last ``stories`` stories' accounts link to."""
    db = store.db
    story_ids = [r[0] for r in db.execute(
        "SELECT DISTINCT story_id FROM accounts ORDER BY story_id")][-stories:]
    chosen = set(story_ids)
    new = {i for i, s in db.execute("SELECT id, story_id FROM accounts") if s in chosen}
    linked = set(new)
    for a, b in db.execute("SELECT a, b FROM links"):
        if a in new or b in new:
            linked.update((a, b))
    return store.event_of(linked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("collection", type=Path)
    parser.add_argument("--stories", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    store = Store.open_read_only(args.collection)
    touched = touched_events(store, args.stories)
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        kept, redone = refresh_events._regroup(store, set(touched), set())
        times.append(time.perf_counter() - start)
    digest = hashlib.sha256(json.dumps([sorted(kept), redone]).encode()).hexdigest()[:16]
    accounts = len(store.account_stories_in(touched))
    print(f"regroup of {len(touched):,} events ({accounts:,} accounts): median "
          f"{statistics.median(times):.2f} s of {[round(t, 2) for t in times]}; "
          f"{len(kept):,} kept, {len(redone):,} made again; result {digest}")


if __name__ == "__main__":
    main()
