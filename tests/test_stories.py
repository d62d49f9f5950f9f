from __future__ import annotations

from corroborate.capture import capture_bytes
from corroborate.pipeline import process
from corroborate.stories import cluster, compare_versions, fingerprint, overlap

from .conftest import sample_files


def _fingerprints():
    out = {}
    for path in sample_files():
        _, docs, _ = capture_bytes(str(path), path.read_bytes())
        for doc in docs:
            report, fp, _ = process(doc)
            out[report.id] = (path.name, report, fp)
    return out


def test_versions_of_one_story_group_and_the_fullest_is_canonical():
    prints = _fingerprints()
    stories = cluster(fp for _, _, fp in prints.values())
    by_file = {}
    for story in stories:
        for m in story.members:
            by_file[prints[m.report_id][0]] = (story, m)
    web_story, web = by_file["seed-story-web-page.txt"]
    rec_story, rec = by_file["seed-story-record.txt"]
    assert web_story.id == rec_story.id and web.canonical and not rec.canonical
    assert rec.containment > 0.95 and rec.jaccard < 0.8
    trial, orig = by_file["hyesan-public-trial.html"]
    repost_story, repost = by_file["hyesan-public-trial-repost.html"]
    assert trial.id == repost_story.id
    assert orig.canonical and not repost.canonical
    adds, lacks = compare_versions(prints[orig.report_id][1].text,
                                   prints[repost.report_id][1].text)
    assert adds == ("This article first appeared in Daily NK.",)
    assert len(lacks) >= 1  # the original's last paragraph
    # the six unrelated-story inputs make four stories: seed, trial, and the records
    multi = [s for s in stories if len(s.members) > 1]
    assert len(multi) == 2
    assert len(stories) == len(prints) - 2


def test_story_ids_do_not_depend_on_order():
    prints = [fp for _, _, fp in _fingerprints().values()]
    assert [s.id for s in cluster(prints)] == [s.id for s in cluster(reversed(prints))]


def test_unrelated_reports_stay_apart_and_short_teasers_join_nothing():
    a = fingerprint("r-a", "Border guards shot a man crossing the river near Musan at night "
                    "while soldiers watched from the bank and residents were told to stay in.")
    b = fingerprint("r-b", "Students in South Pyongan were sent to build apartments for two "
                    "months and families who refused had to pay fines to school officials.")
    teaser = fingerprint("r-c", "Border guards shot a man crossing the river")
    assert len(cluster([a, b, teaser])) == 3
    assert overlap(a.shingles, b.shingles)[0] == 0.0


def test_compare_versions_names_added_and_missing_paragraphs():
    adds, lacks = compare_versions("One para.\n\nTwo para.\n\nThree para.",
                                   "Credit line.\n\nOne para.\n\nTwo para.")
    assert adds == ("Credit line.",)
    assert lacks == ("Three para.",)


BODY = ("Border guards in Musan county fired on a man crossing the river at night. "
        "Soldiers were ordered to shoot anyone approaching the bank without a permit. "
        "Residents were told at a meeting that the order came from the capital. "
        "A source said the man's family was later questioned by security agents. "
        "Traders in the city said the market was closed for three days afterwards.")


def test_the_canonical_version_is_the_fullest_corroborated_one():
    original = fingerprint("r-1", BODY)
    repost = fingerprint("r-2", BODY)
    credited = fingerprint("r-3", "This report first ran on another site and is reprinted "
                           "here in full with the kind permission of its editors, who hold "
                           "the copyright. " + BODY.rsplit(". ", 1)[0] + ".")
    assert len(credited.shingles) > len(original.shingles)  # longer, but not fuller
    truncated = fingerprint("r-4", BODY.split(". ")[0] + ". " + BODY.split(". ")[1] + ".")
    [story] = cluster([credited, truncated, original, repost])
    assert story.canonical_report_id == "r-1"  # not the repost with a credit line added
    # with two versions, one holding the other, the longer one is canonical
    [pair] = cluster([truncated, credited])
    assert pair.canonical_report_id == "r-3"


def _words(rng, n):
    vocab = ("guards soldiers market traders province county village river border night "
             "officials residents families workers farm mine school station rice phones "
             "arrest trial camp labour fines lecture meeting search house train").split()
    return [rng.choice(vocab) for _ in range(n)]


def test_the_screen_never_refuses_a_pair_the_exact_check_would_join():
    """may_join screens on MinHash estimates: every pair of versions whose shingles reach a
    threshold (truncations down to a tenth, edits, additions) passes it, and a pair of
    unrelated texts does not."""
    import random

    from corroborate.stories import CONTAINMENT_MIN, JACCARD_MIN, MIN_SHINGLES, may_join

    rng = random.Random(5)
    checked = refused = 0
    for n in range(150):
        full = _words(rng, rng.randint(200, 900))
        cut = rng.uniform(0.1, 1.0)
        start = rng.randint(0, int(len(full) * (1 - cut)))
        version = full[start:start + max(30, int(len(full) * cut))]
        for _ in range(rng.randint(0, 20)):  # typos and inserted words
            version.insert(rng.randrange(len(version)), rng.choice(["new", "said", "the"]))
        a, b = fingerprint("a", " ".join(full)), fingerprint("b", " ".join(version))
        jaccard, containment = overlap(a.shingles, b.shingles)
        small = min(len(a.shingles), len(b.shingles))
        if jaccard >= JACCARD_MIN or (containment >= CONTAINMENT_MIN and small >= MIN_SHINGLES):
            checked += 1
            assert may_join(len(a.shingles), a.minhash, len(b.shingles), b.minhash), n
        other = fingerprint("c", " ".join(_words(rng, len(full))))
        refused += not may_join(len(a.shingles), a.minhash, len(other.shingles),
                                other.minhash)
    assert checked > 80 and refused == 150


def test_joins_needs_both_the_screen_and_the_exact_check(monkeypatch):
    import random

    import corroborate.stories as stories

    text = " ".join(_words(random.Random(8), 300))
    a, b = fingerprint("a", text), fingerprint("b", text + " and one more line")
    assert stories.joins(a, b)
    monkeypatch.setattr(stories, "may_join", lambda *args: False)
    assert not stories.joins(a, b)


def test_minhash_is_datasketchs_affine32_minhash():
    """stories.minhash computes what datasketch 2's MinHash(scheme="affine32") gives, so
    stored fingerprints and band keys keep their meaning: the same permutations, and the
    same values for empty, small and batched (over 65,536 shingles) sets."""
    import numpy as np
    from datasketch import MinHash

    from corroborate.stories import _permutations, minhash

    reference = MinHash(num_perm=128, scheme="affine32").permutations
    assert all((ours == theirs).all() for ours, theirs in zip(_permutations(), reference,
                                                               strict=True))
    rng = np.random.default_rng(3)
    for size in (0, 1, 40, 600, 70_000):
        shingles = np.unique(rng.integers(0, 2**32, size, dtype=np.uint64).astype(np.uint32))
        theirs = MinHash(num_perm=128, hashfunc=int, scheme="affine32", permutations=reference)
        for begin in range(0, len(shingles), 1 << 16):
            theirs.update_batch(shingles[begin:begin + (1 << 16)].tolist())
        assert (minhash(shingles) == theirs.hashvalues).all(), size


def _variants(count: int, seed: int) -> list[str]:
    """Texts around one base text, cut, reworded, padded, short or unrelated: pairs on both
    sides of every threshold of ``joins``."""
    import random

    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(300)]
    base = [rng.choice(vocab) for _ in range(200)]
    texts = []
    for n in range(count):
        words = list(base)
        op = n % 6
        if op == 0:
            words = words[:rng.randint(0, 200)]
        elif op == 1:
            for _ in range(rng.randint(0, 120)):
                words[rng.randrange(len(words))] = rng.choice(vocab)
        elif op == 2:
            words = [rng.choice(vocab) for _ in range(rng.randint(0, 200))]
        elif op == 3:
            words = words[rng.randint(0, 150):]
        elif op == 4:
            words += [rng.choice(vocab) for _ in range(rng.randint(0, 300))]
        else:
            words = words[:rng.randint(15, 30)]
        texts.append(" ".join(words))
    return texts


def test_joins_many_answers_as_joins_does_pair_by_pair():
    from corroborate.stories import joins, joins_many, may_join

    prints = [fingerprint(f"r{i}", t) for i, t in enumerate(_variants(240, seed=7))]
    pairs = [(a, b) for a in prints[:48] for b in prints]
    answers = [joins(a, b) for a, b in pairs]
    assert [same for a in prints[:48] for same in joins_many(a, prints)] == answers
    assert joins_many(prints[0], []) == []
    # both answers, and pairs the screen passes that the exact check refuses
    assert any(answers) and not all(answers)
    assert any(may_join(len(a.shingles), a.minhash, len(b.shingles), b.minhash)
               and not same for (a, b), same in zip(pairs, answers, strict=True))


def test_clustering_gives_the_components_of_the_pairs_that_join():
    from corroborate.partition import Partition
    from corroborate.stories import candidate_pairs, joins

    prints = [fingerprint(f"r{i:03d}", t) for i, t in enumerate(_variants(150, seed=3))]
    parts = Partition(fp.report_id for fp in prints)
    by_id = {fp.report_id: fp for fp in prints}
    for a, b in candidate_pairs(prints):
        if joins(by_id[a], by_id[b]):
            parts.join(a, b)
    expected = sorted(parts.groups())
    assert 1 < len(expected) < len(prints)
    assert sorted(sorted(m.report_id for m in s.members) for s in cluster(prints)) == expected


def test_a_truncation_is_a_candidate_through_its_opening_where_no_band_of_the_text_is():
    """A version holding the first tenth to third of a long text (containment 1, Jaccard
    0.1-0.33) keeps its original's opening: the opening's bands propose every such pair,
    the whole text's bands miss many, and the pair joins."""
    import random

    from corroborate.stories import BANDS, band_keys, candidate_pairs

    rng = random.Random(9)
    missed = 0
    for n in range(60):
        full = _words(rng, rng.randint(400, 900))
        head = full[:max(80, int(len(full) * rng.uniform(0.1, 0.33)))]
        a, b = fingerprint("a", " ".join(full)), fingerprint("b", " ".join(head))
        missed += not set(band_keys(a)[:BANDS]) & set(band_keys(b)[:BANDS])
        assert (a.opening == b.opening).all(), n
        assert candidate_pairs([a, b]) == {("a", "b")}, n
        assert len(cluster([a, b])) == 1, n
    assert missed > 10


def test_the_opening_of_a_short_text_is_all_of_it_and_a_long_ones_its_first_words():
    from corroborate.stories import OPENING_WORDS, minhash, opening_minhash, shingle_hashes

    words = [f"w{n}" for n in range(3 * OPENING_WORDS)]
    short = fingerprint("a", " ".join(words[:OPENING_WORDS - 1]))
    assert (short.opening == short.minhash).all()
    text = "  ".join(words).upper() + "\n"
    assert (opening_minhash(text) == minhash(shingle_hashes(
        " ".join(words[:OPENING_WORDS])))).all()
    assert not (opening_minhash(text) == minhash(shingle_hashes(
        " ".join(words[:OPENING_WORDS + 1])))).all()


def test_the_whole_texts_band_keys_are_the_ones_filed_before_the_opening_index():
    """Migration 16 keeps the band keys a collection has and adds the opening's: the whole
    text's keys must be what they were (28 bands of 2, a splitmix64 of the band's values
    and its number)."""
    import numpy as np

    from corroborate.stories import BANDS, band_keys

    fp = fingerprint("a", "Border guards shot a man crossing the river near Musan at night")
    values = fp.minhash[:56].astype(np.uint64).reshape(28, 2)
    mix = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F], dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = (values * mix).sum(axis=1, dtype=np.uint64) ^ (
            np.arange(28, dtype=np.uint64) << np.uint64(56))
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z ^= z >> np.uint64(31)
    assert band_keys(fp)[:BANDS] == [int(k) for k in z.view(np.int64)]
    assert len(band_keys(fp)) == BANDS + 12


def test_band_keys_of_a_batch_are_each_reports_own():
    """band_keys_of works out a batch's keys at once: each row must be the keys of its
    report alone, whatever else is in the batch."""
    from corroborate.stories import band_keys, band_keys_of

    prints = [fingerprint(str(n), text) for n, text in enumerate([
        "Border guards shot a man crossing the river near Musan at night",
        "Security agents searched houses in Hyesan for Chinese mobile phones last week",
        "Three women were sent to a labour camp in Onsong after they were caught",
    ])]
    batch = band_keys_of(prints).tolist()
    assert batch == [band_keys(fp) for fp in prints]
    assert batch[1] == band_keys_of(prints[1:2]).tolist()[0]
    assert len(set(batch[0]) & set(batch[1])) == 0
    assert band_keys_of([]).shape == (0, 40)
