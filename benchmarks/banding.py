"""Banding: what another LSH banding would cost and catch, read off a finished collection.

Adding reports grows with the collection because every new report's LSH partners (reports
sharing a band key) are read and screened, and in the generated collections they grow with
it (docs/scale-history.md, "Adding 1,000 still grows with the collection"). This reads the stored
MinHashes (``story_prints``) of a collection made from ``generate.py`` reports and, for each
banding (bands x values a band, within the 128 values of a MinHash), prints

- candidates a report: the distinct pairs sharing a band key, per report (the work);
- candidate recall: the share of same-family pairs (gold stories) that are candidates;
- reachable recall: the share of same-family pairs joined through candidate pairs within
  the family, the most story recall that banding lets the exact check reach.

A band's key mixes its values as ``stories.band_keys`` does (not bit for bit:
which reports share a key is the same, but for chance collisions). Holds every candidate
pair in memory: about 2.9 GB at 300k generated reports with 28x2.

With ``--opening WORDS:BANDING`` (e.g. ``60:21x6``), each banding is also scored with a
second band index over a MinHash of each report's first WORDS words (a truncated copy keeps
its original's opening), its candidates added to the first's. 28x2 with ``--opening
60:12x6`` is today's banding (``stories.BANDS`` x ``stories.ROWS``, ``OPENING_WORDS``,
``OPENING_BANDS`` x ``OPENING_ROWS``); 28x2 alone was the one before.

    .venv/bin/python benchmarks/banding.py COLLECTION GOLD.jsonl [--bandings 28x2,42x3] \
        [--opening 60:21x6]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import time
from pathlib import Path

import numpy as np

from corroborate.grouping import components
from corroborate.stories import NUM_PERM, opening_minhash

_MIX = np.uint64(0x9E3779B97F4A7C15)


def read_prints(collection: Path, gold: Path,
                opening: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """MinHashes (n x 128 uint32) and family numbers (n) of the reports the gold names,
    and with ``opening`` the MinHashes of their first ``opening`` words."""
    family_of: dict[str, str] = {}
    with gold.open() as lines:
        for line in lines:
            g = json.loads(line)
            family_of[g["url"]] = g["family"]
    db = sqlite3.connect(f"file:{collection / 'corroborate.sqlite'}?mode=ro", uri=True)
    # the texts only when openings are asked for: at 300k they are most of what is read
    rows = db.execute(f"SELECT r.url, p.minhash, {'r.text' if opening else 'NULL'} "
                      "FROM story_prints p JOIN reports r ON r.id = p.report_id")
    families: dict[str, int] = {}
    hashes, fams, openings = [], [], []
    for url, blob, text in rows:
        if url in family_of:
            hashes.append(np.frombuffer(blob, dtype="<u4"))
            fams.append(families.setdefault(family_of[url], len(families)))
            if opening:
                openings.append(opening_minhash(text, opening))
    db.close()
    return (np.vstack(hashes), np.asarray(fams, dtype=np.int64),
            np.vstack(openings) if openings else None)


def band_keys(minhashes: np.ndarray, band: int, rows: int) -> np.ndarray:
    """One uint64 key per report for one band (a splitmix64 mix of its values). Keys are
    compared within their band only, so unlike ``stories.band_keys`` (one table for every
    band) they need not mix in the band's number."""
    values = minhashes[:, band * rows:(band + 1) * rows].astype(np.uint64)
    with np.errstate(over="ignore"):
        z = np.zeros(len(values), dtype=np.uint64)
        for k in range(rows):
            z = z * _MIX + values[:, k]
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def band_pairs(keys: np.ndarray) -> np.ndarray:
    """The pairs (i < j, as i * 2**32 + j) of reports with equal keys."""
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    sizes = np.diff(np.r_[starts, len(keys)])
    out = []
    for start, size in zip(starts[sizes > 1], sizes[sizes > 1], strict=True):
        members = np.sort(order[start:start + size]).astype(np.int64)
        i, j = np.triu_indices(size, 1)
        out.append((members[i] << 32) | members[j])
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def _pairs_within(labels: np.ndarray) -> int:
    _, counts = np.unique(labels, return_counts=True)
    return int((counts * (counts - 1) // 2).sum())


def candidates(minhashes: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Every candidate pair of a banding, as ``band_pairs`` gives them (with repeats)."""
    return np.concatenate([band_pairs(band_keys(minhashes, b, rows)) for b in range(bands)])


def score(minhashes: np.ndarray, families: np.ndarray, bands: int, rows: int,
          more: np.ndarray | None = None) -> dict[str, float]:
    """The figures of one banding; ``more``: candidate pairs found otherwise, added."""
    found = candidates(minhashes, bands, rows)
    pairs = np.unique(found if more is None else np.concatenate([found, more]))
    left, right = pairs >> 32, pairs & 0xFFFFFFFF
    same = families[left] == families[right]
    gold_pairs = _pairs_within(families)
    joined = components(len(families), left[same], right[same])
    # a component of same-family candidate pairs lies within one family
    return {"candidates_per_report": 2 * len(pairs) / len(families),
            "cross_family_per_report": 2 * int((~same).sum()) / len(families),
            "candidate_recall": int(same.sum()) / gold_pairs,
            "reachable_recall": _pairs_within(joined) / gold_pairs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("collection", type=Path)
    parser.add_argument("gold", type=Path, nargs="+")
    parser.add_argument("--bandings", default="28x2,42x3,32x3,32x4,25x5")
    parser.add_argument("--opening", default="",
                        help="WORDS:BANDING, a second index over each report's opening")
    args = parser.parse_args()
    words, _, opening_banding = args.opening.partition(":")
    words = int(words or 0)
    minhashes, families, openings = read_prints(args.collection, args.gold[0], words)
    for extra in args.gold[1:]:  # more gold files: their reports too
        more, fams, more_openings = read_prints(args.collection, extra, words)
        minhashes = np.vstack([minhashes, more])
        families = np.r_[families, fams + families.max() + 1]
        if openings is not None and more_openings is not None:
            openings = np.vstack([openings, more_openings])
    print(f"{len(families):,} reports, {families.max() + 1:,} families")
    variants: list[tuple[np.ndarray | None, str]] = [(None, "")]
    if openings is not None:
        opening_pairs = np.unique(candidates(openings, *_banding(opening_banding)))
        print(f"opening ({words} words, {opening_banding}): "
              f"{2 * len(opening_pairs) / len(families):.2f} candidates a report")
        variants.append((opening_pairs, " + opening"))
    for banding in args.bandings.split(","):
        bands, rows = _banding(banding)
        for more, label in variants:
            began = time.perf_counter()
            fig = score(minhashes, families, bands, rows, more)
            print(f"{bands:>3} bands x {rows}{label}: " + ", ".join(
                f"{k} {v:.4f}" if v < 10 else f"{k} {v:.1f}" for k, v in fig.items())
                + f" ({time.perf_counter() - began:.0f} s)")


def _banding(text: str) -> tuple[int, int]:
    bands, rows = (int(x) for x in text.split("x"))
    if bands * rows > NUM_PERM:
        raise SystemExit(f"{text}: more than {NUM_PERM} values")
    return bands, rows


if __name__ == "__main__":
    main()
