"""Stories as a collection grows (issue 12): made again only where new reports land, the
same stories as clustering everything at once, and ids that stay what they were."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from corroborate.capture import capture_bytes
from corroborate.model import make_id
from corroborate.pipeline import ingest, process, reprocess
from corroborate.refresh import refresh_stories
from corroborate.store import Store
from corroborate.stories import candidate_pairs, cluster

WORDS = ("guards soldiers market traders province county village river border bridge "
         "night morning officials residents families workers farm mine school station "
         "rice corn cash phones smuggling arrest trial camp labour fines lecture meeting "
         "inspection search house train truck road factory party committee leader source "
         "winter summer spring autumn harvest bribe permit registration photo letter").split()


def _story(rng: random.Random, n: int) -> list[str]:
    """A story's paragraphs: word salad, but each paragraph's wording its own."""
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 70))) + "."
            for _ in range(n)]


def _versions(rng: random.Random, paragraphs: list[str]) -> list[str]:
    full = "\n\n".join(paragraphs)
    return [
        full,
        "\n\n".join(paragraphs[: max(2, len(paragraphs) // 2 + 1)]),  # a truncation
        full + "\n\nThis article first appeared elsewhere. Share it with a friend.",
        "\n\n".join(paragraphs[:1] + paragraphs[2:]),  # a paragraph dropped
    ][: rng.randint(2, 4)]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """File name -> path: eight stories of two to four versions, and six singletons."""
    rng = random.Random(12)
    folder = tmp_path_factory.mktemp("growth")
    texts: dict[str, str] = {}
    for s in range(8):
        for v, text in enumerate(_versions(rng, _story(rng, rng.randint(4, 7)))):
            texts[f"story{s}-v{v}.txt"] = text
    for s in range(6):
        texts[f"single{s}.txt"] = "\n\n".join(_story(rng, 3))
    out = {}
    for name, text in texts.items():
        out[name] = folder / name
        out[name].write_text(text, encoding="utf-8")
    return out


def _report_ids(paths: list[Path]) -> dict[str, str]:
    out = {}
    for path in paths:
        _, docs, _ = capture_bytes(str(path), path.read_bytes())
        out[path.name] = process(docs[0])[0].id
    return out


def _partition(store: Store) -> set[frozenset[str]]:
    return {frozenset(m.report_id for m in s.members) for s in store.stories()}


def _ingest(store: Store, paths: list[Path]) -> None:
    result = ingest(store, [str(p) for p in paths])
    assert result.ok, result.failures


@pytest.mark.parametrize(("seed", "read_batch", "screened"),
                         [(1, 2000, 2000), (2, 2000, 2000), (3, 2000, 2000), (4, 2, 2),
                          (5, 2, 1), (6, 3, 1)])
def test_growing_gives_the_stories_of_clustering_everything_at_once(corpus, tmp_path, seed,
                                                                    read_batch, screened,
                                                                    monkeypatch):
    # read_batch 2: new reports, and the partners they share band keys with, read (and
    # screened, and checked) two at a time (in a dense collection a batch's partners are
    # read in chunks, and its pairs with them held a chunk at a time); screened 1 with
    # pairs held by the thousand: a batch's partners screened in many chunks, as when
    # 100k generated reports gave a batch 23,000 partners (the chunks after the first
    # were once never checked)
    import corroborate.refresh.stories as refresh

    held = read_batch if screened == read_batch else 1000
    monkeypatch.setattr(refresh, "_READ_BATCH", read_batch)
    monkeypatch.setattr(refresh, "_SCREENED_AT_ONCE", screened)
    monkeypatch.setattr(refresh, "_PAIRS_HELD", held)
    monkeypatch.setattr(refresh, "_BAND_ROWS_HELD", read_batch)
    checked: list[int] = []
    check = refresh._check_partners
    monkeypatch.setattr(refresh, "_check_partners", lambda store, parts, by_partner, *rest: (
        checked.append(sum(map(len, by_partner.values()))), check(store, parts, by_partner,
                                                                   *rest))[1])
    paths = sorted(corpus.values())
    random.Random(seed).shuffle(paths)
    cuts = sorted(random.Random(seed).sample(range(1, len(paths)), 3))
    with Store.init(tmp_path / "grown") as grown:
        for begin, end in zip([0, *cuts], [*cuts, len(paths)], strict=True):
            _ingest(grown, paths[begin:end])
        everything = {frozenset(m.report_id for m in s.members)
                      for s in cluster(grown.fingerprints())}
        assert _partition(grown) == everything
        assert len(everything) == 14  # eight stories and six singletons
        assert not grown.unassigned_reports()
    assert max(checked) <= held and sum(checked) > 0


@pytest.mark.parametrize("at_once", [1, 3, 7])
def test_one_ingest_makes_its_stories_a_round_of_new_reports_at_a_time(corpus, tmp_path,
                                                                        at_once, monkeypatch):
    """An ingest of many reports makes their stories _STORIES_AT_ONCE new reports at a time
    (what a round holds follows that, not the ingest): the stories of clustering
    everything at once, and every report in one."""
    import corroborate.refresh.stories as refresh

    monkeypatch.setattr(refresh, "_STORIES_AT_ONCE", at_once)
    rounds: list[list[str]] = []
    touched = refresh._touched
    monkeypatch.setattr(refresh, "_touched", lambda store, new, *rest: (
        rounds.append(list(new)), touched(store, new, *rest))[1])
    paths = sorted(corpus.values())
    with Store.init(tmp_path / "rounds") as store:
        _ingest(store, paths)
        everything = {frozenset(m.report_id for m in s.members)
                      for s in cluster(store.fingerprints())}
        assert _partition(store) == everything
        assert len(everything) == 14
        assert not store.unassigned_reports()
    assert len(rounds) >= len(paths) // at_once // 2 > 1
    assert all(len(new) <= at_once for new in rounds)
    taken = [rid for new in rounds for rid in new]
    assert taken == sorted(taken) and len(set(taken)) == len(taken)


def test_a_story_keeps_its_id_when_a_version_with_a_smaller_id_arrives(corpus, tmp_path):
    versions = sorted(p for name, p in corpus.items() if name.startswith("story0-"))
    ids = _report_ids(versions)
    last = max(versions, key=lambda p: ids[p.name])  # the version with the largest id
    with Store.init(tmp_path / "grown") as grown:
        _ingest(grown, [last])
        (first,) = grown.stories()
        assert first.id == make_id("s", ids[last.name])
        _ingest(grown, [p for p in versions if p != last])
        (story,) = grown.stories()
        assert story.id == first.id and len(story.members) == len(versions)
        # clustering all at once names it after its smallest report: another id
        assert cluster(grown.fingerprints())[0].id != first.id


def test_merged_stories_keep_the_smallest_id_and_the_other_becomes_an_alias(corpus,
                                                                           tmp_path):
    """A full version that bridges two fragments that shared nothing merges their stories."""
    versions = sorted(p for name, p in corpus.items() if name.startswith("story1-"))
    full = corpus["story1-v0.txt"]
    paragraphs = full.read_text(encoding="utf-8").split("\n\n")
    head, tail = tmp_path / "head.txt", tmp_path / "tail.txt"
    head.write_text("\n\n".join(paragraphs[:2]), encoding="utf-8")
    tail.write_text("\n\n".join(paragraphs[-2:]), encoding="utf-8")
    with Store.init(tmp_path / "grown") as grown:
        _ingest(grown, [head, tail])
        before = sorted(s.id for s in grown.stories())
        assert len(before) == 2
        _ingest(grown, versions)
        (story,) = grown.stories()
        assert story.id == before[0]
        assert grown.story_alias(before[1]) == story.id
        assert grown.story_alias(before[0]) is None


def test_story_ids_survive_reprocessing(corpus, tmp_path):
    versions = [p for name, p in sorted(corpus.items()) if name.startswith(("story2", "story3"))]
    with Store.init(tmp_path / "grown") as grown:
        _ingest(grown, versions[-1:])
        _ingest(grown, versions[:-1])
        before = {s.id: _members(s) for s in grown.stories()}
        assert reprocess(grown).ok
        assert {s.id: _members(s) for s in grown.stories()} == before
        assert not grown.unassigned_reports()


def _members(story: object) -> frozenset[str]:
    return frozenset(m.report_id for m in story.members)  # type: ignore[attr-defined]


def test_candidates_found_elsewhere_give_the_same_stories(corpus, tmp_path, monkeypatch):
    """What an engine's banding shuffle hands in (pairs among the new reports) replaces the
    band table's answer for them, and nothing changes."""
    paths = sorted(corpus.values())
    with Store.init(tmp_path / "table") as table, Store.init(tmp_path / "given") as given:
        _ingest(table, paths)
        _ingest(given, paths[:10])
        with monkeypatch.context() as patch:  # the next batch stored, its stories not made
            patch.setattr("corroborate.pipeline.refresh_stories", lambda *a, **k: None)
            _ingest(given, paths[10:])
        new = set(given.unassigned_reports())
        pairs = candidate_pairs(fp for fp in given.fingerprints() if fp.report_id in new)
        with given.writing():
            refresh_stories(given, candidates=pairs)
        assert _partition(given) == _partition(table)


def test_a_collection_from_before_the_band_table_is_filed_once(corpus, tmp_path, monkeypatch):
    import corroborate.store.storytables as storytables

    monkeypatch.setattr(storytables, "_BACKFILLED_AT_ONCE", 5)  # 12 reports: three parts
    paths = sorted(corpus.values())
    with Store.init(tmp_path / "old") as old:
        _ingest(old, paths[:12])
        with old.transaction() as db:
            db.execute("DELETE FROM story_bands")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('story_bands_missing', '1')")
        _ingest(old, paths[12:])
        assert not old.bands_missing()
        filed = old.db.execute("SELECT COUNT(DISTINCT report_id) FROM story_bands").fetchone()
        assert filed[0] == len(paths)
        screens = old.db.execute("SELECT COUNT(*) FROM story_prints").fetchone()
        assert screens[0] == len(paths)
        assert _partition(old) == {frozenset(m.report_id for m in s.members)
                                   for s in cluster(old.fingerprints())}


def test_a_collection_filed_before_the_opening_index_is_filed_under_it(corpus, tmp_path):
    """Migration 16: every report of a collection filed under its whole text's band keys
    alone is filed under its opening's too by the next refresh, its opening worked out
    from its text; stories made before stay as they were."""
    from corroborate.stories import BANDS, band_keys, opening_minhash

    from .conftest import database_of

    paths = sorted(corpus.values())
    root = tmp_path / "old"
    with Store.init(root) as old:
        _ingest(old, paths[:12])
        made = _partition(old)
        opening_keys = [(key, fp.report_id) for fp in old.fingerprints()
                        for key in band_keys(fp)[BANDS:] if len(fp.shingles)]
    db = database_of(root)
    db.executemany("DELETE FROM story_bands WHERE key = ? AND report_id = ?", opening_keys)
    db.executescript("DROP TABLE story_openings; PRAGMA user_version = 15;")
    db.close()
    with Store.open(root) as old:
        assert old.bands_missing()
        refresh_stories(old)
        assert _partition(old) == made
        texts = {r[0]: r[1] for r in old.db.execute("SELECT id, text FROM reports")}
        openings = {r[0]: r[1] for r in old.db.execute(
            "SELECT report_id, opening FROM story_openings")}
        assert openings.keys() == texts.keys()
        for rid, text in texts.items():
            assert openings[rid] == opening_minhash(text).astype("<u4").tobytes()
        prints = list(old.fingerprints())
        filed = {(r[0], r[1]) for r in old.db.execute("SELECT key, report_id FROM story_bands")}
        assert filed == {(key, fp.report_id) for fp in prints for key in band_keys(fp)}
        _ingest(old, paths[12:])
        assert _partition(old) == {frozenset(m.report_id for m in s.members)
                                   for s in cluster(old.fingerprints())}


def test_a_reports_opening_read_before_it_is_filed_is_the_one_filed(corpus, tmp_path):
    from corroborate.stories import fingerprint

    with Store.init(tmp_path / "c") as store:
        _ingest(store, sorted(corpus.values())[:3])
        ids = [r[0] for r in store.db.execute("SELECT id FROM reports ORDER BY id")]
        filed = {fp.report_id: fp.opening.tobytes() for fp in store.fingerprints_of(ids)}
        with store.transaction() as db:
            db.execute("DELETE FROM story_openings")
        unfiled = {fp.report_id: fp.opening.tobytes() for fp in store.fingerprints_of(ids)}
        made = {rid: fingerprint(rid, text).opening.tobytes() for rid, text in
                store.db.execute("SELECT id, text FROM reports")}
    assert filed == unfiled == made and len(made) == 3


def test_only_stories_a_new_report_joins_are_made_again(corpus, tmp_path, monkeypatch):
    """A new report is checked against every old report it shares a band key with (here:
    all of them); the old stories it does not join stay as they are, unmade."""
    import corroborate.refresh.stories as refresh

    paths = sorted(corpus.values())
    singles = [p for p in paths if p.name.startswith("single")]
    with Store.init(tmp_path / "grown") as grown:
        _ingest(grown, [p for p in paths if p not in singles[-1:]])
        before = _partition(grown)
        monkeypatch.setattr(type(grown), "band_partners",
                            lambda self, keys: {r[0] for r in self.db.execute(
                                "SELECT id FROM reports")})
        made: list[list[str]] = []
        real = refresh._rebuild
        monkeypatch.setattr(refresh, "_rebuild", lambda store, groups, outlets: (
            made.extend(groups), real(store, groups, outlets))[1])
        new = _report_ids(singles[-1:])[singles[-1].name]
        _ingest(grown, singles[-1:])
        assert made == [[new]]
        assert _partition(grown) == before | {frozenset([new])}


def test_partners_the_screen_refuses_are_not_read_whole(corpus, tmp_path, monkeypatch):
    """A new report's partners are screened on their MinHashes (story_prints): the rows of
    those that cannot join are never read, and one whose screen is missing is checked
    exactly (so the stories are the same)."""
    paths = sorted(corpus.values())
    singles = [p for p in paths if p.name.startswith("single")]
    rest = [p for p in paths if p not in singles]
    with Store.init(tmp_path / "grown") as grown:
        _ingest(grown, rest + singles[:-2])
        everyone = {r[0] for r in grown.db.execute("SELECT id FROM reports")}
        monkeypatch.setattr(type(grown), "band_partners", lambda self, keys: everyone)
        monkeypatch.setattr(type(grown), "band_members", lambda self, keys, most: None)
        read: list[str] = []
        real = type(grown).fingerprints_of
        monkeypatch.setattr(type(grown), "fingerprints_of", lambda self, ids: (
            fp for fp in real(self, ids) if not read.append(fp.report_id)))
        _ingest(grown, singles[-2:-1])
        assert not everyone & set(read)  # word salad of its own: no old report passes
        story0 = _report_ids([p for p in rest if p.name.startswith("story0-")][:1])
        with grown.transaction() as db:  # a partner without a screen: read, and checked
            db.execute("DELETE FROM story_prints WHERE report_id = ?", (*story0.values(),))
        read.clear()
        _ingest(grown, singles[-1:])
        assert everyone & set(read) == set(story0.values())
        assert _partition(grown) == {frozenset(m.report_id for m in s.members)
                                     for s in cluster(grown.fingerprints())}


def test_a_batchs_band_keys_read_at_once_give_each_reports_partners(corpus, tmp_path):
    from corroborate.stories import band_keys

    with Store.init(tmp_path / "c") as store:
        _ingest(store, sorted(corpus.values()))
        prints = [fp for fp in store.fingerprints() if len(fp.shingles)]
        every = [k for fp in prints for k in band_keys(fp)]
        members = store.band_members(every, len(every))
        assert members is not None
        for fp in prints:
            keys = band_keys(fp)
            assert set().union(*(members[k] for k in keys)) == store.band_partners(keys)
        assert sum(map(len, members.values())) == len(every)
        assert store.band_members(every, len(every) - 1) is None


def test_an_ingest_stores_each_reports_opening_and_the_refresh_reads_no_text_for_it(
        corpus, tmp_path, monkeypatch):
    """The workers' opening MinHash is stored with the report (rows.insert_rows): the
    stories refresh files it as stored, never working it out again from the text."""
    import corroborate.store.storytables as storytables
    from corroborate.stories import opening_minhash

    def worked_out_again(text: str) -> object:
        raise AssertionError("an opening worked out again from a stored report's text")

    monkeypatch.setattr(storytables, "opening_minhash", worked_out_again)
    with Store.init(tmp_path / "c") as store:
        _ingest(store, sorted(corpus.values())[:12])
        texts = dict(store.db.execute("SELECT id, text FROM reports").fetchall())
        openings = dict(store.db.execute(
            "SELECT report_id, opening FROM story_openings").fetchall())
        assert texts and openings.keys() == texts.keys()
        for rid, text in texts.items():
            assert openings[rid] == opening_minhash(text).astype("<u4").tobytes()
