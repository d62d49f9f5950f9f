"""Story clustering on generated families: pair precision and recall, hard negatives merged.

Per seed, ``generate.write`` makes ``--reports`` reports (families of an original and its
versions: furniture, truncations, dropped or reordered paragraphs, typos, reworded
headlines, revisions; hard negatives that share 30-55 % of their words with another
family's original; second accounts of the same incident), ``corroborate init`` and
``ingest`` put them in a new collection, and the stories it holds are scored against the
families: pairwise precision and recall over all report pairs, the share of (hard negative,
family member) pairs kept apart (``hard_negatives_separated``; the issue's "hard negatives
merged" is one minus it), and recall per kind of version. Also printed, from the stored
fingerprints: how much each hard negative overlaps its family's original (Jaccard and
containment of 5-word shingle sets), and how many LSH candidate pairs (``stories.
candidate_pairs``) join reports of different families, per report: the work the exact
check does for nothing, which grows with the collection.

    .venv/bin/python benchmarks/story_families.py [--seeds 1,2,3] [--reports 400] \\
        [--gate benchmarks/baseline.json] [--write-baseline FILE] [--keep DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from event_families import run, score
from generate import OPS, read_gold, write

FIGURES = ("pair_precision", "pair_recall", "hard_negatives_separated")
COUNTS = ("reports", "pairs", "predicted_pairs", "hard_negative_pairs")
SECTION = "story_families"
TARGETS = {"pair_precision": 0.99, "pair_recall": 0.97, "hard_negatives_separated": 0.995}


def collection_stories(collection: Path) -> dict[str, str]:
    """url -> story id of every report in a collection (read-only)."""
    from corroborate.store import Store  # here: generating needs no corroborate

    store = Store.open_read_only(collection)
    try:
        if store.stories_stale():
            print(f"warning: the stories of {collection} are stale", file=sys.stderr)
        url_of = {row["id"]: row["url"] for row in store.db.execute("SELECT id, url FROM reports")}
        return {url_of[m.report_id]: story.id for story in store.stories()
                for m in story.members if url_of.get(m.report_id)}
    finally:
        store.close()


def score_stories(gold: list[dict[str, Any]], predicted: dict[str, str]) -> dict[str, float]:
    """Pair precision and recall of stories against families, hard negatives kept apart
    (``event_families.score`` with families for events)."""
    fam = {g["url"]: (g["family"], g["family"]) for g in gold}
    pred = {u: (s, s) for u, s in predicted.items()}
    negatives = {g["family"]: g["negative_of"] for g in gold
                 if g["kind"] == "hard_negative" and g["negative_of"]}
    out = score(fam, pred, negatives)
    out.pop("origin_exact", None)
    return out


def recall_by_op(gold: list[dict[str, Any]], predicted: dict[str, str]) -> dict[str, float]:
    """Per operation, the share of versions made with it put in their original's story."""
    hits: dict[str, list[bool]] = defaultdict(list)
    for g in gold:
        if g["of"] and g["of"] in predicted:
            for op in g["ops"]:
                hits[op].append(predicted.get(g["url"]) == predicted[g["of"]])
    return {op: round(statistics.fmean(hits[op]), 4) for op in OPS if hits[op]}


def overlaps(collection: Path, gold: list[dict[str, Any]]) -> dict[str, float]:
    """Hard negatives' overlap with their family's original, and LSH candidate pairs
    across families per report, from the stored fingerprints."""
    from corroborate.store import Store
    from corroborate.stories import candidate_pairs, overlap

    store = Store.open_read_only(collection)
    try:
        url_of = {row["id"]: row["url"] for row in store.db.execute("SELECT id, url FROM reports")}
        prints = {url_of[fp.report_id]: fp for fp in store.fingerprints()}
    finally:
        store.close()
    family = {g["url"]: g["family"] for g in gold}
    original = {g["family"]: g["url"] for g in gold if g["kind"] != "version"}
    pairs = [overlap(prints[g["url"]].shingles, prints[original[g["negative_of"]]].shingles)
             for g in gold if g["kind"] == "hard_negative" and g["url"] in prints
             and original.get(g["negative_of"]) in prints]
    ids = {fp.report_id: url for url, fp in prints.items()}
    cross = sum(family.get(ids[a]) != family.get(ids[b])
                for a, b in candidate_pairs(prints.values()))
    out = {"cross_candidates_per_report": cross / max(1, len(prints))}
    if pairs:
        out.update(negative_jaccard_median=statistics.median(j for j, _ in pairs),
                   negative_jaccard_max=max(j for j, _ in pairs),
                   negative_containment_median=statistics.median(c for _, c in pairs),
                   negative_containment_max=max(c for _, c in pairs))
    return out


def run_seed(seed: int, reports: int, folder: Path) -> tuple[dict[str, float], dict[str, Any]]:
    """Generate, ingest and score one seed; the figures and what else to print."""
    data, coll = folder / "data", folder / "collection"
    stats = write(data, seed, reports)
    gold = read_gold(data)
    started = time.perf_counter()
    for step in (["init", str(coll)], ["ingest", "-q", "-c", str(coll), stats["folder"]]):
        done = run(step)
        if done.returncode != 0:
            raise SystemExit(f"corroborate {step[0]} failed ({done.returncode}): "
                             f"{done.stderr.strip()[-800:] or done.stdout.strip()}")
    took = time.perf_counter() - started
    predicted = collection_stories(coll)
    figures = score_stories(gold, predicted)
    extra = {"kinds": stats["kinds"], "ingest_s": took, "by_op": recall_by_op(gold, predicted),
             **overlaps(coll, gold)}
    return figures, extra


def table(rows: list[tuple[str, dict[str, float]]]) -> str:
    names = [*FIGURES, *COUNTS]
    lines = [f"{'seed':<6}" + "".join(f"{n[:16]:>17}" for n in names)]
    for label, fig in rows:
        lines.append(f"{label:<6}" + "".join(f"{fig.get(n, 0):>17.4g}" for n in names))
    return "\n".join(lines)


def describe(seed: int, extra: dict[str, Any]) -> str:
    neg = (f"hard negatives vs their original: Jaccard median "
           f"{extra['negative_jaccard_median']:.2f} (max {extra['negative_jaccard_max']:.2f}), "
           f"containment median {extra['negative_containment_median']:.2f} (max "
           f"{extra['negative_containment_max']:.2f})"
           if "negative_jaccard_median" in extra else "no hard negatives")
    return (f"seed {seed}: kinds {extra['kinds']}; ingest {extra['ingest_s']:.1f} s\n"
            f"  recall by operation: "
            + ", ".join(f"{op} {r}" for op, r in extra["by_op"].items())
            + f"\n  {neg}\n  LSH candidate pairs across families: "
              f"{extra['cross_candidates_per_report']:.2f} per report")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="1,2,3", help="comma-separated seeds")
    parser.add_argument("--reports", type=int, default=400, help="reports per seed")
    parser.add_argument("--gate", type=Path, help="fail when below this baseline")
    parser.add_argument("--write-baseline", type=Path, help="pin the mean figures")
    parser.add_argument("--keep", type=Path, help="keep the data and collections here")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    started = time.perf_counter()
    rows: list[tuple[str, dict[str, float]]] = []
    with tempfile.TemporaryDirectory(prefix="story-families-") as tmp:
        root = args.keep or Path(tmp)
        for seed in seeds:
            figures, extra = run_seed(seed, args.reports, root / f"seed-{seed}")
            rows.append((str(seed), figures))
            print(describe(seed, extra))
    mean = {k: round(statistics.fmean(f[k] for _, f in rows), 4) for k in FIGURES}
    totals = {k: sum(f[k] for _, f in rows) for k in COUNTS}
    print(table([*rows, ("mean", {**mean, **totals})]))
    merged = 1 - mean["hard_negatives_separated"]
    print(f"hard negatives merged {merged:.2%}; targets (issue 12): precision >= "
          f"{TARGETS['pair_precision']}, recall >= {TARGETS['pair_recall']}, merged < 0.5 %: "
          + ("met" if all(mean[k] >= TARGETS[k] for k in FIGURES) else "NOT met"))
    print(f"{len(seeds)} seed(s) in {time.perf_counter() - started:.1f} s")
    from corroborate import baseline

    return baseline.gate_exit(args.write_baseline, args.gate, SECTION, mean, print)


if __name__ == "__main__":
    sys.exit(main())
