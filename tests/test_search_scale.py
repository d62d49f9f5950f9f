"""Search on large collections: relevance ranked in windows of the newest matches, and a
search index that catches up with an ingest by what the ingest changed (corroborate.search,
corroborate.search_index, corroborate.textsearch).

The expected orders are computed here from FTS5's own rank of every match, and the index an
ingest leaves is compared with the one a whole rebuild gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corroborate import search as module
from corroborate import search_arrays, search_index, textsearch
from corroborate.pipeline import ingest
from corroborate.refresh import refresh_events, refresh_stories
from corroborate.search import SearchQuery, refresh_index, search, update_index
from corroborate.store import Store

from .test_search import REPORTS

BY_KEY = {r[0]: r for r in REPORTS}
# c's story told again by another outlet, word for word under a line of furniture
COPY = ("c2", "Yonhap", "2020-07-21", BY_KEY["c"][3], BY_KEY["c"][4] + "\n\nShare this article")
# a joins b's arrest in the second batch (one event, two origins), c2 joins c's story in the
# third (a story with a new version, its event made again)
BATCHES = [[BY_KEY[k] for k in "acde"], [BY_KEY[k] for k in "bf"], [COPY, BY_KEY["g"]]]
QUERY = "source OR detention OR province"


def _write(path: Path, reports: list[tuple[str, str, str, str, str]]) -> Path:
    path.write_text("".join(json.dumps(
        {"id": key, "url": f"https://example.org/{key}", "title": title, "date": day,
         "outlet": outlet, "text": text}) + "\n" for key, outlet, day, title, text in reports),
        encoding="utf-8")
    return path


def _index(store: Store) -> tuple[list[tuple], ...]:
    """Everything the search index holds, in a fixed order."""
    return tuple([tuple(r) for r in store.db.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
                 for table in ("search_index", "search_violations", "search_labels"))


def _keys(store: Store) -> dict[str, str]:
    """Report id -> the key it was written with (the end of its URL)."""
    return {r[0]: r[1].rsplit("/", 1)[1] for r in store.db.execute("SELECT id, url FROM reports")}


def _of(store: Store, key: str, column: str) -> tuple:
    return tuple(store.db.execute(f"SELECT {column} FROM search_index s JOIN reports r ON "
                                  f"r.id = s.report_id WHERE r.url = ?",
                                  (f"https://example.org/{key}",)).fetchone())


def _pending(store: Store) -> int:
    return int(store.db.execute("SELECT count(*) FROM search_pending").fetchone()[0])


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The report ids whose index rows are computed (main values read) from now on."""
    seen: list[str] = []
    row = search_index._row

    def counted(store, report, standing, machine=None):
        seen.append(report["id"])
        return row(store, report, standing, machine)

    monkeypatch.setattr(search_index, "_row", counted)
    return seen


def test_each_ingest_computes_only_its_new_rows_and_leaves_what_a_rebuild_gives(
        tmp_path, computed):
    with Store.init(tmp_path / "collection") as store:
        for i, batch in enumerate(BATCHES):
            computed.clear()
            assert ingest(store, [str(_write(tmp_path / f"batch-{i}.jsonl", batch))]).ok
            keys = _keys(store)
            assert sorted(keys[c] for c in computed) == sorted(r[0] for r in batch)
            assert _pending(store) == 0
            caught_up = _index(store)
            if i == 1:  # a's row relinked, not computed again: its event now has b too
                assert _of(store, "a", "origins") == (2,)
            assert refresh_index(store) == sum(len(b) for b in BATCHES[:i + 1])
            assert _index(store) == caught_up, f"batch {i}"
        c2, c = (_of(store, k, "s.story_id, s.event_id") for k in ("c2", "c"))
        assert c2 == c and c[0] is not None


def test_an_index_catches_up_a_round_of_noted_changes_at_a_time(tmp_path, monkeypatch):
    """What an ingest noted is caught up with _PENDING_AT_ONCE changes at a time (a round
    holds those and the reports they touch): the index one round gives."""
    rounds: list[int] = []
    affected = search_index._affected
    monkeypatch.setattr(search_index, "_affected", lambda db, pending: (
        rounds.append(len(pending)), affected(db, pending))[1])

    def indexed(at_once: int) -> tuple[list[tuple], ...]:
        monkeypatch.setattr(search_index, "_PENDING_AT_ONCE", at_once)
        rounds.clear()
        with Store.init(tmp_path / f"collection-{at_once}") as store:
            for i, batch in enumerate(BATCHES):
                assert ingest(store, [str(_write(tmp_path / f"batch-{i}.jsonl", batch))]).ok
                assert _pending(store) == 0
            return _index(store)

    whole = indexed(10**6)
    assert len(rounds) == len(BATCHES)
    assert indexed(1) == whole and whole[0]
    assert len(rounds) > len(BATCHES) and set(rounds) == {1}


def test_reports_removed_leave_the_index_and_nothing_new_writes_nothing(tmp_path, computed):
    with Store.init(tmp_path / "collection") as store:
        for i, batch in enumerate(BATCHES):
            assert ingest(store, [str(_write(tmp_path / f"batch-{i}.jsonl", batch))]).ok
        generation = store.db.execute("SELECT value FROM meta WHERE key = "
                                      "'search_generation'").fetchone()[0]
        computed.clear()
        assert update_index(store) == 0 and computed == []
        assert store.db.execute("SELECT value FROM meta WHERE key = 'search_generation'"
                                ).fetchone()[0] == generation  # readers keep their arrays
        sha = _of(store, "a", "r.capture_sha256")[0]
        with store.writing():
            store.remove_reports(sha)
            refresh_stories(store)
            refresh_events(store)
            update_index(store)
        assert computed == [] and _pending(store) == 0
        left = _index(store)
        # the first batch's capture goes whole: c2 stays, its story taken apart and made again
        assert sorted(_keys(store)[r[1]] for r in left[0]) == ["b", "c2", "f", "g"]
        refresh_index(store)
        assert _index(store) == left


def test_workers_work_out_the_main_values_of_the_rows_an_ingest_adds(grown, monkeypatch):
    """An ingest's pool works out the main values of the index rows (from the incidents'
    rows as stored): the index is the one the writer alone makes."""
    from corroborate.workers import Pool

    whole = _index(grown)
    with grown.writing(), grown.transaction() as db:
        db.execute("DELETE FROM search_index")
        db.execute("INSERT OR IGNORE INTO search_pending SELECT 'report', id FROM reports")

    def in_the_writer(*args):
        raise AssertionError("main values worked out in the writer")

    monkeypatch.setattr(search_index, "_machine", in_the_writer)
    with Pool(2, start_after=1) as pool, grown.writing():
        pool.submit(len, [[1]], str).result()
        assert pool.started
        assert update_index(grown, pool) == sum(len(b) for b in BATCHES)
    assert _index(grown) == whole


def test_an_ingest_indexes_its_reports_from_the_main_values_stored_with_them(
        tmp_path, monkeypatch):
    """Each report's main values are worked out where it is made and stored with it
    (search_machine): the index reads them instead of the incidents, drops them once read,
    and is the index a rebuild from the incidents gives."""
    real = search_index._machine

    def in_the_index(*args):
        raise AssertionError("main values worked out again by the index")

    with Store.init(tmp_path / "collection") as store:
        monkeypatch.setattr(search_index, "_machine", in_the_index)
        for i, batch in enumerate(BATCHES):
            assert ingest(store, [str(_write(tmp_path / f"batch-{i}.jsonl", batch))],
                          workers=1).ok
            assert store.db.execute("SELECT count(*) FROM search_machine").fetchone()[0] == 0
        caught_up = _index(store)
        monkeypatch.setattr(search_index, "_machine", real)
        assert refresh_index(store) == sum(len(b) for b in BATCHES)
        assert _index(store) == caught_up


def test_main_values_stored_by_another_version_are_worked_out_again(tmp_path):
    """Values stored by another tool version, with other vocabularies, or damaged are not
    used: the index works them out from the incidents."""
    from corroborate.provenance import tool_version, vocabulary_digest

    with Store.init(tmp_path / "collection") as store:
        assert ingest(store, [str(_write(tmp_path / "b.jsonl", BATCHES[0]))]).ok
        whole = _index(store)
        ids = [r[0] for r in store.db.execute("SELECT id FROM reports")]
        wrong = json.dumps({**{name: None for name in search_index.FIELDS},
                            "violations": [["made_up", "Made up", 1.0]], "_when": None})
        with store.writing(), store.transaction() as db:
            db.execute("DELETE FROM search_index")
            made = [f"{tool_version()}.old {vocabulary_digest()}",
                    f"{tool_version()} {vocabulary_digest()}0", None]
            db.executemany("INSERT INTO search_machine VALUES (?, ?, ?)",
                           [(i, wrong if made[n % 3] else '{"country": null}',
                             made[n % 3] or f"{tool_version()} {vocabulary_digest()}")
                            for n, i in enumerate(ids)])
            db.executemany("INSERT OR IGNORE INTO search_pending VALUES ('report', ?)",
                           [(i,) for i in ids])
        assert search_index._stored_machines(store.db, ids) == {}
        with store.writing():
            assert update_index(store) == len(ids)
        assert _index(store) == whole
        assert store.db.execute("SELECT count(*) FROM search_machine").fetchone()[0] == 0


def test_readers_patch_their_arrays_after_an_ingest(tmp_path, monkeypatch):
    loads = []
    load = search_arrays.load
    monkeypatch.setattr(search_arrays, "load", lambda *a: loads.append(1) or load(*a))
    with Store.init(tmp_path / "collection") as store:
        assert ingest(store, [str(_write(tmp_path / "first.jsonl", BATCHES[0]))]).ok
        query = SearchQuery(text=QUERY, order="confidence", per_page=100)
        search(store, query)
        assert loads == [1]
        for i, batch in enumerate(BATCHES[1:]):
            assert ingest(store, [str(_write(tmp_path / f"more-{i}.jsonl", batch))]).ok
            patched = search(store, query)
            assert loads == [1]  # new rows appended, relinked ones re-read: no whole read
            search_arrays.CACHE.clear()
            assert search(store, query) == patched and len(loads) == 2
            loads.pop()
        assert patched.total == sum(len(b) for b in BATCHES)


def _ranked_model(store: Store, query: str, keep=lambda rid: True) -> list[str]:
    """The relevance order from FTS5's rank of every match: newest (last added) first in
    windows of RANK_WINDOW, each window best first, a tie by rowid."""
    found = sorted(((rowid, rid, rank) for rowid, rid, rank in store.db.execute(
        "SELECT r.rowid, r.id, rank FROM reports_fts JOIN reports r ON r.rowid = "
        "reports_fts.rowid WHERE reports_fts MATCH ?", (query,)) if keep(rid)), reverse=True)
    size, out = textsearch.RANK_WINDOW, []
    for begin in range(0, len(found), size):
        out += [rid for _, rid, _ in sorted(found[begin:begin + size],
                                            key=lambda f: (f[2], f[0]))]
    return out


def _pages(store: Store, **options) -> list[str]:
    ids, page = [], 1
    while hits := search(store, SearchQuery(page=page, per_page=2, **options)).hits:
        ids += [h.report_id for h in hits]
        page += 1
    return ids


@pytest.fixture
def grown(tmp_path: Path) -> Store:
    store = Store.init(tmp_path / "collection")
    for i, batch in enumerate(BATCHES):
        assert ingest(store, [str(_write(tmp_path / f"batch-{i}.jsonl", batch))]).ok
    return store


@pytest.mark.sqlite_only(reason="the model is FTS5's own rank of every match")
def test_relevance_ranks_windows_of_the_newest_matches(grown, monkeypatch):
    whole = _ranked_model(grown, QUERY)
    assert _pages(grown, text=QUERY) == whole and len(whole) >= 7
    monkeypatch.setattr(textsearch, "RANK_WINDOW", 3)
    windows = _ranked_model(grown, QUERY)
    assert windows != whole and sorted(windows) == sorted(whole)
    assert _pages(grown, text=QUERY) == windows  # pages of 2 straddle windows of 3
    outlet = BY_KEY["a"][1]
    kept = _ranked_model(grown, QUERY, lambda rid: grown.report(rid).outlet == outlet)
    assert _pages(grown, text=QUERY, outlet=(outlet,)) == kept and len(kept) >= 2
    # the command line's search: the best of the newest window
    assert [h["id"] for h in grown.search(QUERY, limit=3)] == windows[:3]
    assert [h["id"] for h in grown.search(QUERY, limit=2)] == windows[:2]


def test_the_command_line_search_reads_no_facet_arrays(grown):
    search_arrays.CACHE.clear()
    assert grown.search(QUERY) and search_arrays.CACHE == {}
    assert search(grown, SearchQuery(text=QUERY)).hits and len(search_arrays.CACHE) == 1


def test_snippets_read_together_or_one_by_one_are_fts5s_own():
    import sqlite3

    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE reports_fts USING fts5(title, text)")
    texts = {1: "a source in the province said", 2: "no such word here",
             3: "the \x02source\x03 spoke of a source", 60_000: "far away a source spoke"}
    db.executemany("INSERT INTO reports_fts (rowid, title, text) VALUES (?, '', ?)",
                   texts.items())

    marks = (module.MARK_START, module.MARK_END)

    def direct(rowid: int) -> str:
        return db.execute("SELECT snippet(reports_fts, 1, ?, ?, ' … ', 8) FROM reports_fts "
                          "WHERE reports_fts MATCH 'source' AND rowid = ?",
                          (*marks, rowid)).fetchone()[0]

    # 1 to 3: one statement over their range (2 does not match); 3 holds the marks itself
    near = textsearch.fts_snippets(db, [1, 2, 3], "source", *marks, 8)
    assert near == {1: direct(1), 3: "the source spoke of a source"}
    assert module.MARK_START in near[1]
    far = textsearch.fts_snippets(db, [1, 60_000], "source", *marks, 8)  # one by one
    assert far == {1: direct(1), 60_000: direct(60_000)}
    assert textsearch.fts_snippets(db, [1], "source", "[", "]", 8)[1] == (
        "a [source] in the province said")
