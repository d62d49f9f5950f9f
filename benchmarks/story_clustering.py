"""Story-clustering benchmark: quality and speed of ``corroborate.stories`` on syndication.

Builds a synthetic corpus, deterministically from ``--seed``, out of the 181 article bodies
of ../shared/benchmarks/article-extraction/ground-truth.json (read at run time, never copied
into the project). Bodies under 60 words are skipped. Each remaining article k gives five
reports, all of gold story k:

* ``original``: the body (for 20 random articles, with one shared invented boilerplate
  paragraph appended: hard negatives, different stories sharing 40 words);
* ``exact``: the same text again;
* ``truncated``: the first 40-70% of its paragraphs (of its sentences under 3 paragraphs);
* ``syndicated``: a credit line on top, the last paragraph dropped, quotes swapped between
  curly and straight, a few words' case changed, whitespace changed;
* ``revision``: 1-2 sentences inserted or deleted in the middle, one number changed.

Metrics: pairwise P/R/F1 over all report pairs; B-cubed P/R/F1; canonical accuracy (share of
gold stories whose predicted story holding the original has the original or the exact repost
as canonical); per-kind recall (share of versions clustered with their original).
``--gate FILE`` fails when a pinned figure drops; ``--write-baseline FILE`` pins them (merged
into the file's other keys).

    .venv/bin/python benchmarks/story_clustering.py [--data DIR] [--seed 0] \
        [--gate benchmarks/baseline.json] [--write-baseline benchmarks/baseline.json]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from corroborate import baseline
from corroborate.stories import Fingerprint, cluster, fingerprint

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "article-extraction"
KINDS = ("original", "exact", "truncated", "syndicated", "revision")
MIN_WORDS = 60
BOILERPLATE_ARTICLES = 20
BOILERPLATE = (
    "Never miss a story: sign up for our free weekly newsletter and get the best of our "
    "reporting, analysis and photography delivered to your inbox every Friday morning. You "
    "can unsubscribe at any time, and we will never share your address with anyone."
)
OUTLETS = ("The Harbour Ledger", "Valley Courier", "Northern Dispatch", "The Civic Bulletin",
           "Coastline Weekly", "Metro Observer")
INSERTS = ("Officials did not respond to a request for comment before publication.",
           "The figures could not be independently verified.",
           "Several people familiar with the matter spoke on condition of anonymity.",
           "A spokesperson later said the statement had been misread.")
SENTENCE = re.compile(r"(?<=[.!?])\s+")
NUMBER = re.compile(r"\d+")
SWAPS = {"\u201c": '"', "\u201d": '"', "\u2019": "'", '"': "\u201c", "'": "\u2019"}


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n+", text) if p.strip()]


def truncate(text: str, rng: random.Random) -> str:
    paras, sep = paragraphs(text), "\n\n"
    if len(paras) < 3:
        paras, sep = SENTENCE.split(" ".join(paras)), " "
    keep = max(1, round(len(paras) * rng.uniform(0.4, 0.7)))
    return sep.join(paras[:keep])


def syndicate(text: str, rng: random.Random) -> str:
    paras = paragraphs(text)
    if len(paras) > 1:
        paras = paras[:-1]
    elif len(sentences := SENTENCE.split(paras[0])) > 1:  # one paragraph: its last sentence
        paras = [" ".join(sentences[:-1])]
    body = "".join(SWAPS.get(c, c) for c in "\n\n".join(paras))
    words = body.split(" ")
    for i in rng.sample(range(len(words)), min(4, len(words))):
        words[i] = words[i].upper() if rng.random() < 0.5 else words[i].lower()
    body = "  ".join(words).replace("\n\n", " \n\n\n")
    return f"This article first appeared in {rng.choice(OUTLETS)}.\n\n{body}\n"


def revise(text: str, rng: random.Random) -> tuple[str, bool]:
    """Insert or delete 1-2 mid-text sentences and change one number (if it has one)."""
    units = [(i, s) for i, p in enumerate(paragraphs(text)) for s in SENTENCE.split(p)]
    count = rng.randint(1, 2)
    at = rng.randint(len(units) // 3, max(len(units) // 3, 2 * len(units) // 3 - count))
    if rng.random() < 0.5 or len(units) < 6:
        units[at:at] = [(units[at][0], s) for s in rng.sample(INSERTS, count)]
    else:
        del units[at:at + count]
    out: dict[int, list[str]] = {}
    for i, sentence in units:
        out.setdefault(i, []).append(sentence)
    revised = "\n\n".join(" ".join(s) for s in out.values())
    numbers = list(NUMBER.finditer(revised))
    if not numbers:
        return revised, False
    m = rng.choice(numbers)
    new = str(int(m.group()) + rng.randint(1, 9))
    return revised[:m.start()] + new + revised[m.end():], True


def corpus(bodies: dict[str, str], seed: int) -> tuple[dict[str, tuple[str, str]], dict]:
    """Reports {report_id: (gold story, text)} and build statistics."""
    rng = random.Random(seed)
    kept = sorted(k for k, b in bodies.items() if len(b.split()) >= MIN_WORDS)
    boiler = set(rng.sample(kept, BOILERPLATE_ARTICLES))
    reports: dict[str, tuple[str, str]] = {}
    no_number = 0
    for key in kept:
        original = bodies[key].strip() + (f"\n\n{BOILERPLATE}" if key in boiler else "")
        revision, changed = revise(original, rng)
        no_number += not changed
        texts = (original, original, truncate(original, rng), syndicate(original, rng),
                 revision)
        for kind, text in zip(KINDS, texts, strict=True):
            reports[f"{key[:16]}-{kind}"] = (key, text)
    stats = {"articles": len(kept), "skipped": len(bodies) - len(kept),
             "boilerplate": sorted(boiler), "revisions_without_number": no_number}
    return reports, stats


def pairs(n: int) -> int:
    return n * (n - 1) // 2


def score(gold: dict[str, str], pred: dict[str, str], canon: dict[str, str]) -> dict[str, float]:
    """Pairwise and B-cubed P/R/F1, canonical accuracy and per-kind recall."""
    cells = Counter((gold[r], pred[r]) for r in gold)
    gsize, psize = Counter(gold.values()), Counter(pred.values())
    tp = sum(pairs(n) for n in cells.values())
    p, r = tp / max(1, sum(map(pairs, psize.values()))), tp / sum(map(pairs, gsize.values()))
    bp = statistics.fmean(cells[gold[x], pred[x]] / psize[pred[x]] for x in gold)
    br = statistics.fmean(cells[gold[x], pred[x]] / gsize[gold[x]] for x in gold)
    out = {"pairwise_precision": p, "pairwise_recall": r, "pairwise_f1": 2 * p * r / (p + r),
           "bcubed_precision": bp, "bcubed_recall": br, "bcubed_f1": 2 * bp * br / (bp + br)}
    stem = {r: r.rsplit("-", 1)[0] for r in gold}
    origs = [r for r in gold if r.endswith("-original")]
    out["canonical_accuracy"] = statistics.fmean(
        canon[pred[o]] in (o, f"{stem[o]}-exact") for o in origs)
    for kind in KINDS[1:]:
        out[f"recall_{kind}"] = statistics.fmean(
            pred[f"{stem[o]}-{kind}"] == pred[o] for o in origs)
    return {k: round(v, 4) for k, v in out.items()}


def timed(repeat: int, reports: dict[str, tuple[str, str]]) -> tuple[list[Fingerprint], dict]:
    fp_s, cl_s = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        prints = [fingerprint(rid, text) for rid, (_, text) in sorted(reports.items())]
        t1 = time.perf_counter()
        stories = cluster(prints)
        cl_s.append(time.perf_counter() - t1)
        fp_s.append(t1 - t0)
    n = len(reports)
    return prints, {"stories": stories, "fingerprint_rps": n / statistics.median(fp_s),
                    "cluster_rps": n / statistics.median(cl_s)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (median)")
    parser.add_argument("--gate", type=Path, help="fail when below this baseline")
    parser.add_argument("--write-baseline", type=Path, help="pin the current figures")
    args = parser.parse_args()
    truth = json.loads((args.data / "ground-truth.json").read_text(encoding="utf-8"))
    reports, stats = corpus({k: v["articleBody"] for k, v in truth.items()}, args.seed)
    _, run = timed(max(1, args.repeat), reports)
    pred = {m.report_id: s.id for s in run["stories"] for m in s.members}
    canon = {s.id: s.canonical_report_id for s in run["stories"]}
    gold = {rid: story for rid, (story, _) in reports.items()}
    q = score(gold, pred, canon)
    print(f"corpus: {len(reports)} reports, {stats['articles']} gold stories, "
          f"{stats['skipped']} article(s) skipped (< {MIN_WORDS} words), "
          f"{stats['revisions_without_number']} revision(s) without a number to change; "
          f"seed {args.seed}; {len(run['stories'])} predicted stories")
    print(f"{'':<10} {'P':>7} {'R':>7} {'F1':>7}")
    for name in ("pairwise", "bcubed"):
        print(f"{name:<10} {q[f'{name}_precision']:>7} {q[f'{name}_recall']:>7} "
              f"{q[f'{name}_f1']:>7}")
    print(f"canonical accuracy {q['canonical_accuracy']}; recall by kind: "
          + ", ".join(f"{k} {q[f'recall_{k}']}" for k in KINDS[1:]))
    boiler = {f"{k[:16]}-original" for k in stats["boilerplate"]}
    merged = Counter(pred[r] for r in boiler)
    print(f"boilerplate originals sharing a predicted story: "
          f"{sum(n for n in merged.values() if n > 1)} of {len(boiler)}")
    print(f"speed: fingerprint {run['fingerprint_rps']:.0f} reports/s, "
          f"cluster {run['cluster_rps']:.0f} reports/s (median of {args.repeat})")
    figures = {k: q[k] for k in ("pairwise_f1", "bcubed_f1", "canonical_accuracy")}
    return baseline.gate_exit(args.write_baseline, args.gate, "story_clustering", figures,
                              print)


if __name__ == "__main__":
    sys.exit(main())
