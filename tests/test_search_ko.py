"""Korean in full-text search (corroborate.textsearch, schema migration 6).

Korean words are found inside inflected and compounded forms, by ``Store.search`` and by
the workbench's ``search.search``; English queries give what ``reports_fts`` alone gives.
Expected hits are computed here from the report texts, never from the index."""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from corroborate import search as workbench
from corroborate import textsearch
from corroborate.errors import CollectionError
from corroborate.pipeline import ingest, reprocess
from corroborate.search import MARK_END, MARK_START, BadQuery, SearchQuery
from corroborate.store import Store
from corroborate.store.schema import MIGRATIONS, migrate

from .conftest import POSTGRES

# Reports written for these tests (the facts are of the kind North Korea reporting carries).
KOREAN = [
    ("k1", "데일리NK", "2023-05-12", "양강도 혜산시 보위부, 주민 세 명 체포",
     "양강도 혜산시에서 지난 7일 보위부가 중국산 휴대전화를 쓰던 주민 세 명을 체포했다고 "
     "내부 소식통이 10일 전했다. 소식통에 따르면 이들은 시 보위부 구류장에 갇혀 조사를 받고 "
     "있으며 가족들의 면회도 허락되지 않았다."),
    ("k2", "자유아시아방송", "2023-06-20", "회령 장마당 단속 강화",
     "함경북도 회령시 장마당에서 이달 15일 보안원들이 밀수품을 팔던 상인들을 단속했다. "
     "혜산에서 넘어온 상인 두 명도 붙잡혀 노동단련대로 보내졌다고 현지 주민이 말했다."),
    ("k3", "아시아프레스", "2022-12-02", "무산군 일가족 국경에서 붙잡혀",
     "무산군에서 지난해 11월 두만강을 건너려던 일가족이 국경경비대에 붙잡혔다. 한 소식통은 "
     "이들이 보위부가 아닌 안전부로 넘겨졌으며 강제노동을 하게 될 것이라고 말했다."),
    ("k4", "데일리NK", "2022-04-01", "혜산 비행장 공개처형",
     "지난달 양강도의 혜산 비행장에서 밀수 혐의를 받은 남성 두 명이 공개처형됐다. 주민 "
     "수백 명이 동원돼 처형 장면을 지켜봐야 했으며, 이 소식은 RFA 영어판에도 executed 라는 "
     "표현으로 실렸다."),
    ("k5", "자유아시아방송", "2023-02-09", "신의주 보위원 뇌물 혐의로 구속",
     "평안북도 신의주에서 보위원 한 명이 밀수꾼에게서 뇌물을 받은 혐의로 구속됐다. 이 사실은 "
     "5일에 열린 당 회의에서 알려졌고, 탈북 시도를 눈감아 준 일도 드러났다고 한다."),
]
ENGLISH = [
    ("e1", "Daily NK", "2023-05-13", "Three Hyesan residents arrested over Chinese phones",
     "State security agents arrested three residents of Hyesan, Ryanggang province, for using "
     "Chinese mobile phones, a source in the city said. Their families may not visit them."),
    ("e2", "Radio Free Asia", "2023-06-21", "Hoeryong market traders sent to labour camp",
     "Police in Hoeryong cracked down on market traders selling smuggled goods. Two traders "
     "from Hyesan were caught and sent to a labour training camp, a resident said."),
    ("e3", "NK News", "2022-04-03", "Public execution at Hyesan airfield",
     "Two men accused of smuggling were publicly executed at the Hyesan airfield last month, "
     "and hundreds of residents were made to watch, according to a source."),
    ("e4", "AsiaPress", "2022-12-05", "Family caught at the border in Musan",
     "A family trying to cross the Tumen river from Musan county was caught by border guards "
     "in November, a source said. The guards handed them to the police, not to state "
     "security."),
    ("e5", "Daily NK", "2021-08-30", "Smugglers beaten in Sinuiju detention centre",
     "Smugglers held at a detention centre in Sinuiju were beaten during questioning, a former "
     "detainee said. Guards also took the money their relatives sent."),
    ("e6", "NK News", "2020-10-11", "Students questioned in Chongjin over foreign films",
     "Security officials in Chongjin questioned students caught watching foreign films on "
     "memory cards, a source in North Hamgyong province said."),
]

ENGLISH_QUERIES = [
    "arrested", "Hyesan", '"labour training camp"', "Hyesan OR Chongjin", "source NOT Hyesan",
    "smuggl*", "NEAR(source province, 6)", "title: execution", "(traders OR smugglers) AND "
    "Hyesan", "guards NOT police", "^Two", "security + agents", "{title}: hyesan",
    "executed OR RFA", "nothinglikethis",
]


def _write(path: Path, reports: list[tuple[str, str, str, str, str]]) -> Path:
    path.write_text("".join(json.dumps(
        {"id": key, "url": f"https://example.org/{key}", "title": title, "date": day,
         "outlet": outlet, "text": text}, ensure_ascii=False) + "\n"
        for key, outlet, day, title, text in reports), encoding="utf-8")
    return path


def _collection(root: Path, *batches: list[tuple[str, str, str, str, str]]) -> Store:
    store = Store.init(root / "collection")
    for i, batch in enumerate(batches):
        result = ingest(store, [str(_write(root / f"batch-{i}.jsonl", batch))])
        assert result.ok, result.failures
    return store


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory):
    store = _collection(tmp_path_factory.mktemp("mixed"), KOREAN, ENGLISH)
    yield store
    store.close()


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory):
    store = _collection(tmp_path_factory.mktemp("english"), ENGLISH)
    yield store
    store.close()


def _texts(store: Store) -> dict[str, str]:
    """Report id -> its title and text, as stored."""
    return {r["id"]: f"{r['title'] or ''}\n{r['text']}"
            for r in store.db.execute("SELECT id, title, text FROM reports")}


def _holding(store: Store, word: str) -> set[str]:
    """The reports whose title or text has ``word`` (Hangul) anywhere in a word."""
    return {rid for rid, text in _texts(store).items() if word in text}


def _english_word(store: Store, word: str) -> set[str]:
    return {rid for rid, text in _texts(store).items()
            if re.search(rf"\b{word}\b", text, re.I)}


def _marked(snippet: str, start: str = MARK_START, end: str = MARK_END) -> list[str]:
    return re.findall(f"{re.escape(start)}(.*?){re.escape(end)}", snippet)


def _unmarked(snippet: str) -> str:
    return re.sub(f"[{MARK_START}{MARK_END}]", "", snippet).strip(" …")


def _workbench(store: Store, text: str, **options) -> list:
    return workbench.search(store, SearchQuery(text=text, per_page=100, **options)).hits


# -- the form indexed and the queries rewritten ---------------------------------------------

def test_hangul_runs_are_indexed_as_overlapping_pairs_of_syllables():
    assert textsearch.hangul_form("혜산시에서").split() == ["혜산", "산시", "시에", "에서"]
    # a lone syllable is kept; what is not Hangul stays as it was, split off
    assert textsearch.hangul_form("시 109상무는 NK").split() == [
        "시", "109", "상무", "무는", "NK"]
    # decomposed Hangul (as some systems write it) is indexed composed
    assert textsearch.hangul_form(unicodedata.normalize("NFD", "보위부")).split() == [
        "보위", "위부"]
    assert not textsearch.has_hangul("Hyesan, Ryanggang") and textsearch.has_hangul("x 혜 y")


@pytest.mark.parametrize("query", [*ENGLISH_QUERIES, '"kim\'s"', "a -b", "x*"])
def test_a_query_without_hangul_is_never_rewritten(query):
    assert textsearch.rewrite(query).hangul == query
    assert not textsearch.has_hangul(query)


@pytest.mark.parametrize(("query", "rewritten"), [
    ("혜산", '"혜산"'),
    ("보위부 AND arrest*", '"보위 위부" AND arrest*'),
    ('"양강도 혜산시"', '"양강 강도 혜산 산시"'),
    ("5일", '"5 일"*'),
    ("북*", '"북"*'),
    ("title: 혜산 OR source", 'title: "혜산" OR source'),
    ("NEAR(혜산 보위부, 10)", 'NEAR("혜산" "보위 위부", 10)'),
    ("^혜산 + 비행장", '^"혜산" + "비행 행장"'),
])
def test_hangul_terms_become_phrases_and_the_syntax_around_them_stays(query, rewritten):
    assert textsearch.rewrite(query).hangul == rewritten


# -- finding Korean words ----------------------------------------------------------------------

@pytest.mark.parametrize("word", ["혜산", "보위부", "회령", "체포", "무산", "공개처형",
                                  "국경경비대"])
def test_korean_words_are_found_inside_longer_words_by_both_searches(mixed, word):
    wanted = _holding(mixed, word)
    assert wanted  # each word is in some report, inflected or compounded
    assert {h["id"] for h in mixed.search(word, limit=100)} == wanted
    hits = _workbench(mixed, word)
    assert {h.report_id for h in hits} == wanted
    for hit in hits:
        assert _marked(hit.snippet) and set(_marked(hit.snippet)) == {word}
        assert _unmarked(hit.snippet).split(" … ")[0] in _texts(mixed)[hit.report_id]


def test_the_forms_the_issue_names(mixed):
    texts = _texts(mixed)
    found = {h["id"] for h in mixed.search("혜산")}
    assert any("혜산시" in texts[r] for r in found) and any("혜산에서" in texts[r] for r in found)
    assert any("보위부가" in texts[h["id"]] for h in mixed.search("보위부"))
    for hit in mixed.search("혜산"):
        assert "[혜산]" in hit["snippet"]


def test_a_korean_phrase_needs_its_words_side_by_side(mixed):
    wanted = _holding(mixed, "양강도 혜산시")
    assert wanted and wanted < _holding(mixed, "양강도")  # k4 writes 양강도의 혜산
    assert {h["id"] for h in mixed.search('"양강도 혜산시"')} == wanted


def test_a_last_syllable_alone_is_a_prefix(mixed):
    # 5일 finds 5일에, not 15일 nor 7일
    wanted = {r for r, t in _texts(mixed).items() if re.search(r"(?<![0-9])5일", t)}
    assert wanted and wanted != {r for r, t in _texts(mixed).items() if "5일" in t}
    assert {h["id"] for h in mixed.search("5일")} == wanted


@pytest.mark.parametrize(("query", "expect"), [
    ("혜산 AND executed", lambda ko, en, title: ko("혜산") & en("executed")),
    ("혜산 OR arrested", lambda ko, en, title: ko("혜산") | en("arrested")),
    ("혜산 NOT 보위부", lambda ko, en, title: ko("혜산") - ko("보위부")),
    ("source NOT 혜산", lambda ko, en, title: en("source") - ko("혜산")),
    ("(회령 OR Musan) AND 상인*", lambda ko, en, title: (ko("회령") | en("Musan")) & ko("상인")),
    ("title: 혜산 OR title: Hyesan", lambda ko, en, title: title("혜산") | title("Hyesan")),
])
def test_korean_and_english_terms_combine_as_fts5_operators_say(mixed, query, expect):
    texts = _texts(mixed)

    def title(word: str) -> set[str]:
        return {r for r, t in texts.items() if word in t.split("\n")[0]}

    wanted = expect(lambda w: _holding(mixed, w), lambda w: _english_word(mixed, w), title)
    assert wanted
    assert {h["id"] for h in mixed.search(query, limit=100)} == wanted
    hits = _workbench(mixed, query)
    assert {h.report_id for h in hits} == wanted
    for hit in hits:  # an English report found by an English branch: FTS5's own snippet
        if not (POSTGRES or textsearch.has_hangul(texts[hit.report_id])):
            assert hit.snippet == _fts_snippet(mixed, hit.report_id, query)


def _fts_snippet(store: Store, report_id: str, query: str) -> str:
    return store.db.execute(
        "SELECT snippet(reports_fts, 1, ?, ?, ' … ', 24) FROM reports_fts JOIN reports r ON "
        "r.rowid = reports_fts.rowid WHERE reports_fts MATCH ? AND r.id = ?",
        (MARK_START, MARK_END, query, report_id)).fetchone()[0]


def test_relevance_facets_and_order_work_for_korean(mixed):
    page = workbench.search(mixed, SearchQuery(text="혜산", per_page=1))
    assert page.total == len(_holding(mixed, "혜산")) and len(page.hits) == 1
    outlets = Counter(o for r, o in mixed.db.execute("SELECT id, outlet FROM reports")
                      if r in _holding(mixed, "혜산"))
    assert {f.value: f.count for f in page.facets["outlet"]} == dict(outlets)
    newest = [h.published for h in _workbench(mixed, "혜산", order="newest")]
    assert newest == sorted(newest, reverse=True)


@pytest.mark.parametrize("query", ['"혜산', "제목: 혜산", "{제목}: 혜산"])
def test_what_cannot_be_rewritten_is_refused_with_its_reason(mixed, query):
    with pytest.raises(BadQuery, match="cannot search"):
        workbench.search(mixed, SearchQuery(text=query))
    with pytest.raises(CollectionError, match="bad search query") as caught:
        mixed.search(query)
    assert "quote" in str(caught.value) or "not a column" in str(caught.value)


def test_a_snippet_marks_nothing_when_the_text_holds_the_markers():
    marks = textsearch.rewrite("혜산").marks
    text = f"양강도 혜산시 {MARK_START}에서{MARK_END} 주민이"
    made = textsearch.snippet(text, marks, MARK_START, MARK_END, 24)
    assert MARK_START not in made and MARK_END not in made and "혜산시" in made
    long = " ".join(["앞말"] * 40 + ["혜산에서"] + ["뒷말"] * 40)
    cut = textsearch.snippet(long, marks, "[", "]", 12)
    assert cut.startswith(" … ") and cut.endswith(" … ") and "[혜산]에서" in cut
    assert len(cut.strip(" …").split()) == 12


# -- English unchanged -------------------------------------------------------------------------

def _direct(store: Store, query: str, start: str, end: str, size: int) -> list[tuple[str, str]]:
    """What reports_fts alone answers: ids best first, with FTS5's snippets."""
    return [(r[0], r[1]) for r in store.db.execute(
        "SELECT r.id, snippet(reports_fts, 1, ?, ?, ' … ', ?) FROM reports_fts JOIN reports r "
        "ON r.rowid = reports_fts.rowid WHERE reports_fts MATCH ? ORDER BY rank",
        (start, end, size, query))]


@pytest.mark.sqlite_only(reason="compares with FTS5's own rank and snippet()")
@pytest.mark.parametrize("which", ["english", "mixed"])
def test_english_queries_give_what_reports_fts_alone_gives(which, request):
    store = request.getfixturevalue(which)
    for query in ENGLISH_QUERIES:
        direct = _direct(store, query, "[", "]", 12)
        assert [(h["id"], h["snippet"]) for h in store.search(query, limit=100)] == direct
        direct = _direct(store, query, MARK_START, MARK_END, 24)
        hits = _workbench(store, query)
        assert [(h.report_id, h.snippet) for h in hits] == direct, query
    assert store.search("Hyesan")  # the queries do find things


def test_an_english_collection_has_no_hangul_rows(english):
    assert english.db.execute("SELECT count(*) FROM reports_hangul").fetchone()[0] == 0
    assert english.search("혜산") == [] and len(english.search("혜산 OR Hyesan")) == len(
        english.search("Hyesan"))


# -- the index kept in step --------------------------------------------------------------------

def _pieces(store: Store) -> Counter[str]:
    """Pieces -> reports holding them, computed from the stored texts."""
    counts: Counter[str] = Counter()
    for _rid, text in _texts(store).items():
        found = set()
        for run in re.findall("[가-힣]+", unicodedata.normalize("NFC", text)):
            found |= {run} if len(run) == 1 else {run[i:i + 2] for i in range(len(run) - 1)}
        counts.update(found)
    return counts


def _indexed(store: Store) -> Counter[str]:
    """Pieces -> reports, as reports_hangul holds them."""
    if POSTGRES:  # its words and the number of rows holding each
        return Counter({t: d for t, d in store.db.execute(
            "SELECT word, ndoc FROM ts_stat('SELECT doc FROM reports_hangul')")
            if re.fullmatch("[가-힣]+", t)})
    store.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.hangul_vocab USING "
                     "fts5vocab(main, 'reports_hangul', 'row')")
    return Counter({t: d for t, d in store.db.execute("SELECT term, doc FROM temp.hangul_vocab")
                    if re.fullmatch("[가-힣]+", t)})


def test_reprocess_and_removal_keep_the_hangul_index_in_step(tmp_path):
    store = _collection(tmp_path, KOREAN, ENGLISH)
    with store:
        assert _indexed(store) == _pieces(store) and _pieces(store)["혜산"] >= 3
        before = {w: {h["id"] for h in store.search(w)} for w in ("혜산", "보위부")}
        assert reprocess(store).ok  # every report removed and derived again
        assert _indexed(store) == _pieces(store)
        assert {w: {h["id"] for h in store.search(w)} for w in before} == before
        sha = store.db.execute("SELECT capture_sha256 FROM reports WHERE id = "
                               "(SELECT min(id) FROM reports WHERE title LIKE '%혜산%')"
                               ).fetchone()[0]
        with store.writing():
            store.remove_reports(sha)
        assert store.search("혜산") == [] and _indexed(store) == _pieces(store) == Counter()
        # FTS5 raises on an index whose structure is damaged
        store.db.execute("INSERT INTO reports_hangul (reports_hangul) VALUES ('integrity-check')")
        assert ingest(store, [str(tmp_path / "batch-0.jsonl")]).ok
        assert {h["id"] for h in store.search("혜산")} == before["혜산"]
        assert [p for p in store.verify(deep=True) if p.fatal] == []


def test_a_collection_made_before_migration_6_finds_korean_words_after_upgrading(tmp_path):
    store = _collection(tmp_path, KOREAN, ENGLISH)
    wanted = _holding(store, "보위부")
    store.db.executescript("DROP TABLE reports_hangul; PRAGMA user_version = 5;")
    with pytest.raises(sqlite3.OperationalError):
        store.db.execute("SELECT count(*) FROM reports_hangul")
    store.close()
    with Store.open(tmp_path / "collection") as again:
        assert again.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert {h["id"] for h in again.search("보위부")} == wanted
        assert {h.report_id for h in _workbench(again, "보위부")} == wanted
        assert _indexed(again) == _pieces(again)
        korean = {r for r, t in _texts(again).items() if textsearch.has_hangul(t)}
        assert again.db.execute("SELECT count(*) FROM reports_hangul").fetchone()[0] == len(
            korean) == len(KOREAN)
        # run again (a version number set back): filled anew, not twice
        again.db.execute("PRAGMA user_version = 5")
    with Store.open(tmp_path / "collection") as third:
        assert _indexed(third) == _pieces(third)


def test_removing_a_report_the_hangul_index_lacks_leaves_the_index_whole(tmp_path):
    with _collection(tmp_path, KOREAN[:2]) as store:
        row = store.db.execute("SELECT rowid, title, text, capture_sha256 FROM reports "
                               "ORDER BY rowid LIMIT 1").fetchone()
        # as if the report had been written into the database without its Hangul row
        textsearch.delete_row(store.db, row[0], row[1], row[2])
        with store.writing():
            store.remove_reports(row[3])
        store.db.execute("INSERT INTO reports_hangul (reports_hangul) VALUES ('integrity-check')")
        assert _indexed(store) == _pieces(store) == Counter()


@pytest.mark.parametrize(("query", "found"), [
    ("북", {"북한", "함경북도", "탈북을", "북"}),  # alone, or followed by a syllable
    # inside any run (the price of finding it inflected), never across a space
    ("혜산", {"혜산시에서", "은혜산업", "양강도 혜산시", "양강도의 혜산시"}),
    ("5일", {"5일에"}),
    ('"양강도 혜산시"', {"양강도 혜산시"}),
])
def test_what_a_korean_term_matches_in_a_run(query, found):
    texts = ["북한", "함경북도", "탈북을", "북", "탈북", "혜산시에서", "은혜산업", "5일에", "15일",
             "양강도 혜산시", "양강도의 혜산시", "혜 산"]
    db = sqlite3.connect(":memory:")
    migrate(db)
    for rowid, text in enumerate(texts, 1):
        textsearch.index_row(db, rowid, None, text)
    hits = db.execute("SELECT rowid FROM reports_hangul WHERE reports_hangul MATCH ?",
                      (textsearch.rewrite(query).hangul,)).fetchall()
    assert {texts[r[0] - 1] for r in hits} == found


@pytest.mark.sqlite_only(reason="the model is FTS5's own rank of each table's matches")
def test_relevance_ranks_windows_of_both_tables_merged(mixed, monkeypatch):
    query = "혜산 OR Hyesan"
    korean = [(rowid, rank, 0) for rowid, rank in mixed.db.execute(
        "SELECT rowid, rank FROM reports_hangul WHERE reports_hangul MATCH ?",
        (textsearch.rewrite(query).hangul,))]
    english = [(rowid, rank, 1) for rowid, rank in mixed.db.execute(
        "SELECT rowid, rank FROM reports_fts WHERE reports_fts MATCH ? AND rowid NOT IN "
        "(SELECT rowid FROM reports_hangul)", (query,))]
    ids = dict(mixed.db.execute("SELECT rowid, id FROM reports"))
    newest_first = sorted(korean + english, reverse=True)
    assert len(korean) >= 3 and len(english) >= 3
    monkeypatch.setattr(textsearch, "RANK_WINDOW", 2)
    model = [ids[rowid] for begin in range(0, len(newest_first), 2)
             for rowid, _, _ in sorted(newest_first[begin:begin + 2],
                                       key=lambda f: (f[1], f[2], f[0]))]
    assert [h.report_id for h in _workbench(mixed, query)] == model
    assert [h["id"] for h in mixed.search(query, limit=2)] == model[:2]
