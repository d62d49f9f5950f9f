"""benchmarks/banding.py: the candidate pairs and recall it reports for an LSH banding."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import banding

from corroborate import stories


def _prints(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.integers(0, 1 << 32, size=(n, 128), dtype=np.uint64).astype(np.uint32)


def test_band_pairs_are_the_reports_with_equal_keys() -> None:
    keys = np.array([5, 9, 5, 7, 9, 5], dtype=np.uint64)
    pairs = sorted((int(p >> 32), int(p & 0xFFFFFFFF)) for p in banding.band_pairs(keys))
    assert pairs == [(0, 2), (0, 5), (1, 4), (2, 5)]


def test_equal_keys_where_stories_band_keys_are_equal() -> None:
    rng = np.random.default_rng(3)
    prints = _prints(rng, 6)
    rows = stories.ROWS
    prints[4, 5 * rows:6 * rows] = prints[1, 5 * rows:6 * rows]  # band 5: reports 1 and 4
    prints[3, :rows] = prints[2, :rows]  # band 0: reports 2 and 3
    ours = np.stack([banding.band_keys(prints, b, rows) for b in range(stories.BANDS)], axis=1)
    empty = np.zeros(0, dtype=np.uint32)
    theirs = np.array([stories.band_keys(stories.Fingerprint(str(i), empty, p, p))
                       [:stories.BANDS] for i, p in enumerate(prints)])
    for i in range(6):
        for j in range(6):
            assert ((ours[i] == ours[j]) == (theirs[i] == theirs[j])).all()
    assert ours[1, 5] == ours[4, 5] and ours[2, 0] == ours[3, 0]


def test_score_counts_candidates_and_what_they_join() -> None:
    rng = np.random.default_rng(7)
    prints = _prints(rng, 5)
    prints[1] = prints[0]          # family 0: reports 0, 1, 2; 1 copies 0
    prints[2, :64] = prints[1, :64]  # 2 shares half its values with 1: joined through it
    prints[3, :6] = prints[4, :6]    # different families, sharing three bands: candidates
    families = np.array([0, 0, 0, 1, 2])
    fig = banding.score(prints, families, 28, 2)
    # pairs 0-1, 0-2, 1-2 (same family) and 3-4 (not)
    assert fig["candidates_per_report"] == 2 * 4 / 5
    assert fig["cross_family_per_report"] == 2 * 1 / 5
    assert fig["candidate_recall"] == 1.0
    prints[2] = _prints(rng, 1)[0]  # 2 now shares nothing
    fig = banding.score(prints, families, 28, 2)
    assert fig["candidate_recall"] == 1 / 3
    assert fig["reachable_recall"] == 1 / 3


def test_reachable_recall_joins_through_a_middle_report() -> None:
    rng = np.random.default_rng(11)
    prints = _prints(rng, 3)
    # 28 bands of 2 read the first 56 values: 0 and 1 share the first 14 bands, 2 and 1
    # the last 14, 0 and 2 none
    prints[0, :28] = prints[1, :28]
    prints[2, 28:56] = prints[1, 28:56]
    fig = banding.score(prints, np.array([0, 0, 0]), 28, 2)
    assert fig["candidate_recall"] == 2 / 3
    assert fig["reachable_recall"] == 1.0


def test_pairs_found_otherwise_are_added() -> None:
    rng = np.random.default_rng(13)
    prints = _prints(rng, 3)
    prints[1, :28] = prints[0, :28]  # 0-1 candidates; 2 shares nothing
    families = np.array([0, 0, 0])
    assert banding.score(prints, families, 28, 2)["reachable_recall"] == 1 / 3
    more = np.array([(1 << 32) | 2], dtype=np.int64)  # the pair 1-2, from elsewhere
    fig = banding.score(prints, families, 28, 2, more)
    assert fig["candidate_recall"] == 2 / 3
    assert fig["reachable_recall"] == 1.0
    assert fig["candidates_per_report"] == 2 * 2 / 3


def test_equal_values_in_different_bands_are_no_candidates() -> None:
    rng = np.random.default_rng(17)
    prints = _prints(rng, 3)
    prints[1, 2:4] = prints[0, 0:2]  # report 1's band 1 holds report 0's band 0 values
    assert banding.score(prints, np.array([0, 1, 1]), 28, 2)["candidates_per_report"] == 0
