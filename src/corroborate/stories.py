"""Stories: which reports are versions of one story, and which is the fullest.

Every report is fingerprinted by its set of 5-word shingles (hashed to 32 bits) and a
128-permutation MinHash of that set, and by a MinHash of its opening (the shingles of its
first 60 words). Candidate pairs come from two LSH indexes (:func:`band_keys`: two reports
are candidates when a band's key is equal; a collection keeps every report's keys in a
table, so a new report's candidates are found by index):

* the whole text at a Jaccard threshold of 0.2 (28 bands of 2 values), low on purpose: a
  truncated version holding a quarter of the text has a Jaccard similarity near 0.25 with
  the text but a containment near 1.0;
* the opening in 12 bands of 6: a truncated version keeps its original's opening, however
  little of the rest it keeps (the whole text's bands propose a pair at Jaccard 0.25 84 %
  of the time, at 0.15 47 %).

Measured on 100k generated reports (benchmarks/banding.py), the opening index lifts the
same-story pairs within the exact check's reach from 99.45 % to 99.97 %. A stricter banding
of the whole text (3 values a band) would cut the chance candidates twentyfold (93 a
report, nearly all sharing one band through a common phrase), and the opening index keeps
most truncations in reach, but not a truncated record of a repost whose credit line comes
first (neither its opening nor its whole text alike enough): docs/scale-history.md, "Two band
indexes". Each candidate pair is screened on its MinHashes, then checked exactly on the
shingle sets and joined when

* Jaccard >= 0.5 (revisions, reposts with a changed head or tail), or
* containment >= 0.8 of the smaller version in the larger one (truncations, excerpts),
  provided the smaller one has at least 20 shingles (so a one-line teaser joins nothing).

The screen (:func:`may_join`) passes a pair whose MinHash estimates reach half of either
threshold: of 128 values, a pair truly at 0.5 Jaccard shows under 0.25 about once in a
billion. It is what keeps growing a collection cheap: most candidates share one band by
chance, through a phrase common to many reports (in the 100k generated collection, 99.7 %
of candidates do not join; the screen drops all but 0.25 % of them and no joining pair),
and the screen needs only each candidate's MinHash and size, kept narrow beside the band
table, not its shingles.

Pairs join transitively (union-find). The canonical version is the fullest one, counting
the text that another version corroborates: the version with most shingles also found in
some other version, then the one with most shingles, then the earliest publication date,
then the smallest id. So a complete article beats its truncated record (they tie on shared
text, the article is longer), but a repost that adds a credit line and drops a paragraph
does not beat the original, nor does a revision that inserts one unconfirmed sentence.
(Measured on synthetic versions of 181 public articles, ``benchmarks/story_clustering.py``:
this rule picks the original in 99 % of stories, the longest version in 44 %.) Stories
made at once take their id from the smallest report id among their members, so it does not
depend on the order of the reports; as a collection grows, a story keeps the id it has
(refresh/stories.py).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import islice

import numpy as np

from .model import Story, StoryMember, make_id
from .partition import Partition

__all__ = [
    "CONTAINMENT_MIN",
    "JACCARD_MIN",
    "Fingerprint",
    "band_keys",
    "band_keys_of",
    "bucket_pairs",
    "candidate_pairs",
    "cluster",
    "compare_versions",
    "filed_keys",
    "fingerprint",
    "joins",
    "joins_many",
    "may_join",
    "minhash",
    "opening_minhash",
    "story",
]

SHINGLE_WORDS = 5
NUM_PERM = 128
JACCARD_MIN = 0.5
CONTAINMENT_MIN = 0.8
MIN_SHINGLES = 20
# the share of each threshold a pair's MinHash estimate must reach to be checked exactly
SCREEN = 0.5
# datasketch 2's "affine32" scheme, computed here (minhash): permutations in uint32 that
# are bijections (no collision bias on large sets), drawn with its default seed
_SEED = 1
_TOKEN = re.compile(r"\w+")
_BATCH = 1 << 16
# the banding datasketch's MinHashLSH chooses for a threshold of 0.2 and NUM_PERM (it
# minimises false positives and negatives, equally weighted): 28 bands of 2 values; and
# the opening's, the fewest bands that kept truncations in reach (benchmarks/banding.py)
BANDS, ROWS = 28, 2
OPENING_WORDS = 60
OPENING_BANDS, OPENING_ROWS = 12, 6
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53], dtype=np.uint64)


@dataclass(frozen=True)
class Fingerprint:
    """What clustering needs of a report: sorted unique shingle hashes, their MinHash, and
    the MinHash of its opening (:func:`opening_minhash`)."""

    report_id: str
    shingles: np.ndarray  # uint32, sorted, unique
    minhash: np.ndarray  # uint32, NUM_PERM values
    opening: np.ndarray  # uint32, NUM_PERM values
    published: str | None = None


def shingle_hashes(text: str) -> np.ndarray:
    """Sorted unique 32-bit hashes of the text's 5-word shingles.

    Each word is hashed once (CRC-32) and shingle hashes are rolled from word hashes with
    numpy, rather than hashing every joined shingle string: five times faster.
    """
    tokens = _TOKEN.findall(text.lower())
    words = np.fromiter((zlib.crc32(t.encode()) for t in tokens), dtype=np.uint64,
                        count=len(tokens))
    width = min(SHINGLE_WORDS, len(tokens))
    if width == 0:
        return np.zeros(0, dtype=np.uint32)
    count = len(tokens) - width + 1
    rolled = np.zeros(count, dtype=np.uint64)
    for k in range(width):
        rolled = rolled * np.uint64(1_000_003) + words[k:k + count]  # wraps mod 2**64
    folded = (rolled ^ (rolled >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
    return np.unique(folded.astype(np.uint32))


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The 128 affine permutations (a odd, b) that datasketch 2's ``MinHash(scheme=
    "affine32")`` draws with its default seed, drawn the same way: numpy's ``RandomState``
    gives the same stream in every numpy release (tests/test_stories.py checks the values
    against datasketch's). Not importing datasketch spares every ingest process a third of
    a second: its package imports scipy."""
    gen = np.random.RandomState(_SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (a bijection), which datasketch applies to each input
    hash before permuting it."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    mixed: np.ndarray = values ^ (values >> np.uint32(16))
    return mixed


def minhash(shingles: np.ndarray) -> np.ndarray:
    """The 128-value MinHash of a set of 32-bit shingle hashes (uint32): for each
    permutation, the least of ``a * fmix32(h) + b`` (mod 2**32), or 2**32 - 1 for an empty
    set, as datasketch's affine32 scheme computes it."""
    a, b = _permutations()
    out = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    # in batches: a batch is permuted as one (batch x NUM_PERM) array, 512 bytes a shingle
    # (0.9 GB for a 10 MB report); the minimum of minima is the same
    for begin in range(0, len(shingles), _BATCH):
        mixed = _fmix32(shingles[begin:begin + _BATCH].astype(np.uint32)).reshape(-1, 1)
        with np.errstate(over="ignore"):
            out = np.minimum(out, (mixed * a + b).min(axis=0))
    return out


def fingerprint(report_id: str, text: str, published: str | None = None) -> Fingerprint:
    """Fingerprint one report's cleaned text (a pure function, cheap next to parsing)."""
    shingles = shingle_hashes(text)
    return Fingerprint(report_id, shingles, minhash(shingles), opening_minhash(text),
                       published)


def opening_minhash(text: str, words: int = OPENING_WORDS) -> np.ndarray:
    """The MinHash of the shingles of the text's first ``words`` words (of all of it when
    shorter): what a truncated version shares with its original."""
    opening = [m.group() for m in islice(_TOKEN.finditer(text.lower()), words)]
    return minhash(shingle_hashes(" ".join(opening)))


def band_keys(fp: Fingerprint) -> list[int]:
    """One signed 64-bit key per LSH band of both indexes (the whole text's ``BANDS``, then
    the opening's ``OPENING_BANDS``): two versions are candidates when any key is equal.

    A key mixes the band's number with its values (splitmix64), so bands never collide
    with each other and a key fits an SQLite INTEGER. A chance collision only proposes a
    pair that the exact check then refuses.
    """
    keys: list[int] = band_keys_of([fp])[0].tolist()
    return keys


def band_keys_of(prints: Sequence[Fingerprint]) -> np.ndarray:
    """:func:`band_keys` of each fingerprint, a row each (int64): a few array operations
    for a batch rather than for each report (30 us a report one at a time)."""
    if not prints:
        return np.zeros((0, BANDS + OPENING_BANDS), dtype=np.int64)
    whole = _keys(np.stack([fp.minhash for fp in prints]), BANDS, ROWS, 0)
    opening = _keys(np.stack([fp.opening for fp in prints]), OPENING_BANDS, OPENING_ROWS, BANDS)
    return np.concatenate([whole, opening], axis=1)


def _keys(minhashes: np.ndarray, bands: int, rows: int, first: int) -> np.ndarray:
    """The keys of ``bands`` bands of ``rows`` values of each MinHash (a row each),
    numbered from ``first``."""
    values = minhashes[:, :bands * rows].astype(np.uint64).reshape(len(minhashes), bands, rows)
    with np.errstate(over="ignore"):
        z = (values * _MIX[:rows]).sum(axis=2, dtype=np.uint64)
        z ^= np.arange(first, first + bands, dtype=np.uint64) << np.uint64(56)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z ^= z >> np.uint64(31)
    keys: np.ndarray = z.view(np.int64)
    return keys


def filed_keys(fingerprints: Iterable[Fingerprint]) -> dict[str, list[int]]:
    """Each fingerprint's band keys, by report id, those without shingles left out (every
    empty text has the same MinHash: it joins nothing)."""
    filed = [fp for fp in fingerprints if len(fp.shingles)]
    return dict(zip((fp.report_id for fp in filed), band_keys_of(filed).tolist(), strict=True))


def candidate_pairs(fingerprints: Iterable[Fingerprint]) -> set[tuple[str, str]]:
    """Pairs of report ids (smaller first) that share a band key: what LSH proposes.

    A fingerprint without shingles joins nothing (every empty text has the same MinHash)."""
    return bucket_pairs(_bucketed(fingerprints)[1].values())


def _bucketed(fingerprints: Iterable[Fingerprint]
              ) -> tuple[dict[str, list[int]], dict[int, list[str]]]:
    """Each fingerprint's band keys (by report id), and the reports under each key; a
    fingerprint without shingles is under none."""
    keys = filed_keys(fingerprints)
    buckets: dict[int, list[str]] = {}
    for report_id, mine in keys.items():
        for key in mine:
            buckets.setdefault(key, []).append(report_id)
    return keys, buckets


def bucket_pairs(buckets: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
    """Every pair of distinct report ids (smaller first) that share a bucket."""
    pairs: set[tuple[str, str]] = set()
    for bucket in buckets:
        ids = sorted(set(bucket))
        pairs.update((a, b) for i, a in enumerate(ids) for b in ids[i + 1:])
    return pairs


def overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(Jaccard, containment of the smaller set in the larger) of two shingle sets."""
    if not len(a) or not len(b):
        return 0.0, 0.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    union = len(a) + len(b) - common
    return common / union, common / min(len(a), len(b))


def may_join(a_size: int, a_minhash: np.ndarray, b_size: int, b_minhash: np.ndarray) -> bool:
    """Whether two versions (their shingle counts and MinHashes) may be one story: their
    estimated Jaccard or containment reaches ``SCREEN`` of the threshold :func:`joins`
    checks exactly. False means they are not; True, that the exact check decides."""
    small = min(a_size, b_size)
    if not small:
        return False
    jaccard = int(np.count_nonzero(a_minhash == b_minhash)) / NUM_PERM
    if jaccard >= JACCARD_MIN * SCREEN:
        return True
    common = jaccard * (a_size + b_size) / (1 + jaccard)
    return small >= MIN_SHINGLES and common / small >= CONTAINMENT_MIN * SCREEN


def joins(a: Fingerprint, b: Fingerprint) -> bool:
    """Whether two versions are one story: screened on their MinHashes (:func:`may_join`),
    then checked exactly on their shingles."""
    if not may_join(len(a.shingles), a.minhash, len(b.shingles), b.minhash):
        return False
    jaccard, containment = overlap(a.shingles, b.shingles)
    small = min(len(a.shingles), len(b.shingles))
    return jaccard >= JACCARD_MIN or (containment >= CONTAINMENT_MIN and small >= MIN_SHINGLES)


def joins_many(a: Fingerprint, others: Sequence[Fingerprint]) -> list[bool]:
    """:func:`joins` of ``a`` with each of ``others``, the same answers, in a few array
    operations: where hundreds of templated reports all share band keys, checking them a
    pair at a time cost ~11 us a pair (1.7 million pairs for 2,000 such reports)."""
    if not others:
        return []
    size = len(a.shingles)
    sizes = np.array([len(b.shingles) for b in others], dtype=np.int64)
    small = np.minimum(sizes, size)
    # may_join, as it computes it (the same float operations, in the same order)
    jaccard = (np.stack([b.minhash for b in others]) == a.minhash).sum(axis=1) / NUM_PERM
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = jaccard * (size + sizes) / (1 + jaccard) / small
    screened = (small > 0) & ((jaccard >= JACCARD_MIN * SCREEN) | (
        (small >= MIN_SHINGLES) & (estimate >= CONTAINMENT_MIN * SCREEN)))
    chosen = np.flatnonzero(screened)
    result = np.zeros(len(others), dtype=bool)
    if not len(chosen):
        return result.tolist()
    # overlap: each chosen partner's shingles looked up in a's (sorted, unique)
    theirs = np.concatenate([others[i].shingles for i in chosen.tolist()])
    at = np.minimum(np.searchsorted(a.shingles, theirs), size - 1)
    hits = (a.shingles[at] == theirs).astype(np.int64)
    starts = np.concatenate(([0], np.cumsum(sizes[chosen])[:-1]))
    common = np.add.reduceat(hits, starts)
    b_sizes, least = sizes[chosen], small[chosen]
    result[chosen] = (common / (size + b_sizes - common) >= JACCARD_MIN) | (
        (common / least >= CONTAINMENT_MIN) & (least >= MIN_SHINGLES))
    return result.tolist()


def cluster(fingerprints: Iterable[Fingerprint]) -> list[Story]:
    """Group fingerprints into stories; every report lands in exactly one story.

    The groups are the connected components of the candidate pairs that pass the exact
    check, so they depend neither on the order of the fingerprints nor on where the
    candidates were found (here, a band table, or an engine's shuffle)."""
    prints = {fp.report_id: fp for fp in fingerprints}
    if len(prints) == 1:  # most groups an ingest makes again: nothing to pair
        return [story(list(prints.values()))]
    parts = Partition(prints)
    keys, buckets = _bucketed(prints.values())
    # each report with the later ones it shares a key with, checked at once: the pairs are
    # never all held (a group of templated reports has a pair for nearly every two)
    for a in sorted(keys):
        root = parts.find(a)
        later = sorted({b for key in keys[a] for b in buckets[key] if b > a
                        and parts.find(b) != root})
        for b, same in zip(later, joins_many(prints[a], [prints[b] for b in later]),
                           strict=True):
            if same:
                parts.join(a, b)
    return sorted((story([prints[r] for r in members]) for members in parts.groups()),
                  key=lambda s: s.id)


def _corroborated(fp: Fingerprint, members: Sequence[Fingerprint]) -> int:
    """How many of a version's shingles some other version of the story also has."""
    others = [m.shingles for m in members if m is not fp]
    if not others:
        return len(fp.shingles)
    return int(np.isin(fp.shingles, np.unique(np.concatenate(others)),
                       assume_unique=True).sum())


def story(members: Sequence[Fingerprint]) -> Story:
    """One story of these versions: the canonical one chosen, each member's overlap."""
    corroborated = {fp.report_id: _corroborated(fp, members) for fp in members}
    canonical = min(members, key=lambda fp: (-corroborated[fp.report_id], -len(fp.shingles),
                                             fp.published or "9999", fp.report_id))
    out = []
    for fp in sorted(members, key=lambda f: (f is not canonical, f.report_id)):
        jaccard, containment = overlap(canonical.shingles, fp.shingles)
        out.append(StoryMember(fp.report_id, fp is canonical, round(containment, 4),
                               round(jaccard, 4)))
    return Story(make_id("s", min(fp.report_id for fp in members)), canonical.report_id,
                 tuple(out))


def _paragraph_key(paragraph: str) -> str:
    return " ".join(_TOKEN.findall(paragraph.lower()))


@lru_cache(maxsize=64)  # a story's canonical text, compared with each of its versions
def _paragraphs(text: str) -> dict[str, str]:
    return {_paragraph_key(p): p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()}


def compare_versions(canonical: str, version: str, width: int = 100) -> tuple[
        tuple[str, ...], tuple[str, ...]]:
    """What ``version`` adds to and lacks of ``canonical``, paragraph by paragraph.

    Each paragraph is given by its first ``width`` characters.
    """
    ours, theirs = _paragraphs(canonical), _paragraphs(version)
    adds = tuple(p[:width] for k, p in theirs.items() if k not in ours)
    lacks = tuple(p[:width] for k, p in ours.items() if k not in theirs)
    return adds, lacks
