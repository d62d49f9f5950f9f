"""Faceted search, timeline, map counts and the review queue (corroborate.search).

Expected figures are computed here from the machine's main values (review.machine_values),
the decisions and the report texts, never from the index the module reads."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from corroborate import review
from corroborate.errors import CorroborateError
from corroborate.pipeline import ingest, reprocess
from corroborate.search import (
    FACETS,
    MARK_END,
    MARK_START,
    BadQuery,
    SearchError,
    SearchQuery,
    by_region,
    refresh_index,
    review_queue,
    search,
    timeline,
)
from corroborate.store import Store

# Reports written for these tests. The first two tell one arrest (two outlets, two origins).
REPORTS = [
    ("a", "Daily NK", "2021-03-09", "Security agents detain five traders in Hyesan",
     "Agents of the Ministry of State Security arrested five traders in Hyesan, Ryanggang "
     "province, on March 3, a source in the province told Daily NK. The traders had sold "
     "Chinese mobile phones at the market. The source said the five are being held at the "
     "city's detention centre and that their families have not been allowed to visit."),
    ("b", "Radio Free Asia", "2021-03-12", "Five Hyesan market traders arrested over phones",
     "Five women who traded at the Hyesan market in Ryanggang province were arrested on "
     "March 3 by the Ministry of State Security for selling Chinese mobile phones, a resident "
     "told Radio Free Asia. The resident said the women were taken to a detention centre in "
     "Hyesan."),
    ("c", "NK News", "2020-07-20", "Public execution held in Chongjin stadium",
     "Authorities publicly executed two men accused of smuggling copper at a stadium in "
     "Chongjin, North Hamgyong province, on July 14, according to a source. Residents were "
     "ordered by the Ministry of Social Security to watch the execution by firing squad."),
    ("d", "Daily NK", "2019-11-25", "Detainees beaten at Onsong holding centre",
     "Guards at a holding centre in Onsong county, North Hamgyong province, tortured "
     "detainees caught trying to cross the border in November, a former detainee told Daily "
     "NK. The detainees were beaten during interrogation by agents of the Ministry of State "
     "Security."),
    ("e", "AsiaPress", "2022-05-02", "Families banished from Pyongyang to the countryside",
     "Three families were banished from Pyongyang to a remote village in South Hamgyong "
     "province in April 2022 after a relative defected, a source said. The Ministry of "
     "Social Security ordered the families to leave within a day."),
    ("f", "NK News", "2023-01-15", "Smugglers sent to labour camp in Sinuiju",
     "Police in Sinuiju, North Pyongan province, arrested a group of smugglers and sent them "
     "to a labour training camp, a source said. Smuggling across the Yalu river has been "
     "punished harshly since the border was closed, and smuggling gangs were broken up."),
    ("g", "Radio Free Asia", "2018-06-04", "Chinese police return defectors from Dandong",
     "Chinese police in Dandong, Liaoning province, detained four North Korean women who had "
     "crossed the border and forcibly repatriated them, a church worker in China said. The "
     "women were handed to border guards last week."),
]


def _write(path: Path) -> Path:
    path.write_text("".join(json.dumps(
        {"id": key, "url": f"https://example.org/{key}", "title": title, "date": day,
         "outlet": outlet, "text": text}) + "\n" for key, outlet, day, title, text in REPORTS),
        encoding="utf-8")
    return path


@pytest.fixture
def filled(store: Store, tmp_path: Path) -> Store:
    result = ingest(store, [str(_write(tmp_path / "reports.jsonl"))])
    assert result.ok, result.failures
    return store


def _model(store: Store) -> dict[str, dict]:
    """Each report's facet values, computed from the machine values and decisions."""
    out = {}
    for row in store.db.execute("SELECT id, outlet, published, text, title FROM reports"):
        values = review.machine_values(store, row["id"])
        standing = {f: d for (_, f), d in review.decisions(store, row["id"]).items()}
        for field, decision in standing.items():
            values[field] = decision.after
        out[row["id"]] = {
            "outlet": row["outlet"], "published": row["published"],
            "text": f"{row['title']} {row['text']}",
            "country": (values["country"] or {}).get("value"),
            "region": (values["region"] or {}).get("value"),
            "perpetrator": (values["perpetrator"] or {}).get("value"),
            "violation": sorted({v["value"] for v in values["violations"] or []}),
            "when": (values["when"] or {}).get("value"),
            "status": ("unreviewed" if not standing else
                       "reviewed" if len(standing) == len(review.FIELDS) else "partly")}
    return out


def _counts(model: dict[str, dict], facet: str, keep) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for values in model.values():
        if keep(values):
            chosen = values[facet] if facet == "violation" else [values[facet]]
            counts.update(v for v in chosen if v)
    return dict(counts)


def _facets(page) -> dict[str, dict[str, int]]:
    return {f: {v.value: v.count for v in values} for f, values in page.facets.items()}


def _all_hits(store: Store, **options) -> list:
    hits, page = [], 1
    while True:
        found = search(store, SearchQuery(page=page, per_page=2, **options))
        hits += found.hits
        if not found.hits:
            return hits
        page += 1


def test_facets_are_counted_under_the_other_facets_filters(filled):
    model = _model(filled)
    region = Counter(v["region"] for v in model.values()).most_common(1)[0][0]
    violation = Counter(x for v in model.values() for x in v["violation"]).most_common(1)[0][0]
    page = search(filled, SearchQuery(region=(region,), violation=(violation,)))
    facets = _facets(page)
    # a facet's own filter does not narrow its counts; every other filter does
    assert facets["region"] == _counts(model, "region", lambda v: violation in v["violation"])
    assert facets["violation"] == _counts(model, "violation", lambda v: v["region"] == region)
    both = [rid for rid, v in model.items() if v["region"] == region
            and violation in v["violation"]]
    assert facets["outlet"] == _counts(model, "outlet", lambda v: v["region"] == region
                                       and violation in v["violation"])
    assert page.total == len(both) and sorted(h.report_id for h in page.hits) == sorted(both)
    assert set(page.facets) == set(FACETS)


def test_values_within_a_facet_are_or_and_facets_are_and(filled):
    model = _model(filled)
    outlets = sorted({v["outlet"] for v in model.values()})[:2]
    wanted = {rid for rid, v in model.items() if v["outlet"] in outlets}
    assert {h.report_id for h in search(filled, SearchQuery(outlet=outlets)).hits} == wanted
    region = next(v["region"] for v in model.values() if v["outlet"] == outlets[0])
    both = {rid for rid in wanted if model[rid]["region"] == region}
    found = search(filled, SearchQuery(outlet=outlets, region=(region,)))
    assert {h.report_id for h in found.hits} == both and both < wanted


def test_text_search_finds_the_reports_with_the_word_and_marks_it(filled):
    model = _model(filled)
    wanted = {rid for rid, v in model.items() if re.search(r"\bsmuggl", v["text"], re.I)}
    page = search(filled, SearchQuery(text="smuggl*"))
    assert {h.report_id for h in page.hits} == wanted and page.total == len(wanted)
    for hit in page.hits:
        marked = re.findall(f"{MARK_START}(.*?){MARK_END}", hit.snippet)
        assert marked and all(m.lower().startswith("smuggl") for m in marked)
    assert _facets(page)["outlet"] == _counts(model, "outlet", lambda v: re.search(
        r"\bsmuggl", v["text"], re.I) is not None)


def test_pages_cover_every_hit_once(filled):
    total = search(filled, SearchQuery()).total
    hits = _all_hits(filled, order="newest")
    assert len(hits) == total == len({h.report_id for h in hits}) == len(REPORTS)
    last = search(filled, SearchQuery(page=total // 2 + 5, per_page=2))
    assert last.hits == [] and last.total == total


def test_orders(filled):
    newest = [h.published for h in _all_hits(filled, order="newest")]
    assert newest == sorted(newest, reverse=True)
    weakest = [h.confidence for h in _all_hits(filled, order="confidence")]
    known = [c for c in weakest if c is not None]
    assert known == sorted(known) and weakest[:len(known)] == known


@pytest.mark.sqlite_only(reason="relevance is FTS5's bm25 rank, read here from FTS5 itself")
def test_relevance_is_the_order_fts5_ranks_in(filled):
    # relevance: the order FTS5 ranks in, among the reports the filters keep
    outlet = REPORTS[0][1]
    ranked = [r[0] for r in filled.db.execute(
        "SELECT r.id FROM reports_fts JOIN reports r ON r.rowid = reports_fts.rowid "
        "WHERE reports_fts MATCH 'source OR detention OR detainees' ORDER BY rank")]
    kept = [rid for rid in ranked if _model(filled)[rid]["outlet"] == outlet]
    found = _all_hits(filled, text="source OR detention OR detainees", outlet=(outlet,))
    assert [h.report_id for h in found] == kept and len(kept) >= 2


def test_a_report_added_is_found_by_the_next_search(filled, tmp_path):
    before = {h.report_id for h in _all_hits(filled, text="smuggl*")}
    extra = tmp_path / "more.jsonl"
    extra.write_text(json.dumps({
        "id": "h", "url": "https://example.org/h", "title": "Smuggling ring broken up in Manpo",
        "date": "2023-02-01", "outlet": "Daily NK",
        "text": "Police in Manpo, Chagang province, arrested smugglers who carried copper "
                "across the river, a source said."}) + "\n", encoding="utf-8")
    assert ingest(filled, [str(extra)]).ok
    after = {h.report_id for h in _all_hits(filled, text="smuggl*")}
    assert before < after and len(after - before) == 1


def test_date_range_reads_the_incident_date_then_the_publication_date(filled):
    model = _model(filled)

    def day(v):  # incident date if any, else publication date (first day of the period)
        return (v["when"] or v["published"])[:7]

    wanted = {rid for rid, v in model.items() if "2020-01" <= day(v) <= "2021-12"
              and len(v["when"] or v["published"]) >= 7}
    found = search(filled, SearchQuery(date_from="2020-01-01", date_to="2021-12-31"))
    assert {h.report_id for h in found.hits} == wanted and wanted
    undated = [rid for rid, v in model.items() if not v["when"]]
    assert undated  # a report whose incident has no date is found by its publication date
    published = model[undated[0]]["published"]
    on_day = search(filled, SearchQuery(date_from=published, date_to=published))
    assert undated[0] in {h.report_id for h in on_day.hits}


def test_min_origins_keeps_corroborated_events(filled):
    found = search(filled, SearchQuery(min_origins=2)).hits
    events = {e["id"]: e["origins"] for e in filled.events()}
    assert found and all(events[h.event_id] >= 2 for h in found)
    assert len(found) == sum(1 for h in _all_hits(filled) if h.event_id
                             and events[h.event_id] >= 2)


def test_status_follows_decisions_and_the_review_queue(filled):
    rid = next(iter(_model(filled)))
    assert _hit(filled, rid).status == "unreviewed"
    queued = [h.report_id for h in review_queue(filled, per_page=100).hits]
    assert rid in queued
    review.decide(filled, rid, "country", "accept", "ana")
    assert _hit(filled, rid).status == "partly"
    assert _facets(search(filled, SearchQuery()))["status"] == {"partly": 1,
                                                               "unreviewed": len(REPORTS) - 1}
    mine = review_queue(filled, reviewer="ana", per_page=100)
    assert rid not in [h.report_id for h in mine.hits] and mine.total == len(REPORTS) - 1
    theirs = review_queue(filled, reviewer="ben", per_page=100)
    assert rid in [h.report_id for h in theirs.hits] and theirs.total == len(REPORTS)
    for field in review.FIELDS:
        if field != "country":
            review.decide(filled, rid, field, "accept", "ana")
    assert _hit(filled, rid).status == "reviewed"
    queue = review_queue(filled, per_page=100)
    assert rid not in [h.report_id for h in queue.hits] and queue.total == len(REPORTS) - 1
    assert [h.report_id for h in search(filled, SearchQuery(status=("reviewed",))).hits] == [
        rid]


def test_rows_rewritten_by_decisions_are_patched_in_as_a_whole_read_would_give(filled):
    from corroborate import search_arrays as module

    search(filled, SearchQuery())  # the arrays, cached
    ids = list(_model(filled))
    review.decide(filled, ids[0], "country", "edit", "ana",
                  value={"value": "MN", "label": "Mongolia"})
    review.decide(filled, ids[1], "violations", "edit", "ana",
                  value=[{"value": "forced_labour", "label": "forced labour"}])
    review.decide(filled, ids[2], "when", "reject", "ana")
    query = SearchQuery(order="confidence", per_page=100)
    patched = search(filled, query)
    cached = module.CACHE[(str(filled.root.resolve()), filled.collection_id)]
    assert cached.base < cached.generation  # patched, not read again
    module.CACHE.clear()
    assert search(filled, query) == patched
    assert {v.value: v.count for v in patched.facets["country"]}["MN"] == 1
    assert timeline(filled, SearchQuery()) == timeline(filled, SearchQuery())


def _hit(store: Store, rid: str):
    return next(h for h in _all_hits(store) if h.report_id == rid)


def test_review_queue_puts_low_confidence_and_grave_violations_first(filled):
    queue = review_queue(filled, per_page=100).hits
    bands = [int(h.confidence * 10) if h.confidence is not None else 10 for h in queue]
    assert bands == sorted(bands) and len(queue) == len(REPORTS)
    # within one band a killing comes before any lesser violation
    from corroborate.search import SEVERITY

    for band in set(bands):
        grave = [max((SEVERITY.get(v, 1) for v, _ in h.violations), default=0)
                 for h, b in zip(queue, bands, strict=True) if b == band]
        assert grave == sorted(grave, reverse=True)
    paged = review_queue(filled, page=2, per_page=3).hits
    assert [h.report_id for h in paged] == [h.report_id for h in queue[3:6]]


def test_an_edited_country_moves_the_report_and_outlives_reprocess_and_reingest(
        filled, tmp_path):
    rid = next(r for r, v in _model(filled).items() if v["country"] == "KP")
    before = _facets(search(filled, SearchQuery()))["country"]
    review.decide(filled, rid, "country", "edit", "ana",
                  value={"value": "MN", "label": "Mongolia"}, note="a test edit")

    def where() -> tuple[set[str], set[str], dict[str, int]]:
        mn = {h.report_id for h in search(filled, SearchQuery(country=("MN",))).hits}
        kp = {h.report_id for h in search(filled, SearchQuery(country=("KP",))).hits}
        return mn, kp, _facets(search(filled, SearchQuery()))["country"]

    expected = {**before, "KP": before["KP"] - 1, "MN": 1}
    mn, kp, counts = where()
    assert mn == {rid} and rid not in kp and counts == expected
    assert _hit(filled, rid).country == ("MN", "Mongolia")
    reprocess(filled)
    assert where()[0::2] == ({rid}, expected)
    assert ingest(filled, [str(_write(tmp_path / "reports.jsonl"))]).ok
    assert where()[0::2] == ({rid}, expected)


def test_timeline_and_map_count_distinct_events(filled):
    hits = _all_hits(filled)
    months: dict[tuple[str, str], set[str]] = {}
    regions: dict[str, set[str]] = {}
    for h in hits:
        event = h.event_id or h.report_id
        day = h.when[0] if h.when else h.published
        if len(day) >= 7 and not day.startswith("X"):
            for v, _ in h.violations:
                months.setdefault((day[:7], v), set()).add(event)
        if h.region:
            regions.setdefault(h.region[0], set()).add(event)
    rows = timeline(filled, SearchQuery())
    assert {(m, v): n for m, v, _, n in rows} == {k: len(s) for k, s in months.items()}
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
    assert by_region(filled, SearchQuery()) == {k: len(s) for k, s in regions.items()}
    # the two reports of the Hyesan arrest are one event: counted once in their region
    hyesan = [h for h in hits if h.title and "Hyesan" in h.title]
    assert len(hyesan) == 2 and hyesan[0].event_id == hyesan[1].event_id
    assert by_region(filled, SearchQuery())[hyesan[0].region[0]] == len(
        {h.event_id or h.report_id for h in hits if h.region == hyesan[0].region})
    only = by_region(filled, SearchQuery(outlet=(hyesan[0].outlet,), text="Hyesan"))
    assert only == {hyesan[0].region[0]: 1}


@pytest.mark.parametrize("options", [
    {"order": "best"}, {"page": 0}, {"per_page": 0}, {"per_page": 101},
    {"date_from": "yesterday"}, {"date_to": "2020-13-01"}, {"date_from": "2020-02-30"},
    {"date_from": "2021-01-01", "date_to": "2020-01-01"}, {"status": ("done",)},
    {"min_origins": 0}, {"text": " ".join(["word"] * 65)}, {"violation": (3,)},
])
def test_malformed_queries_are_refused(options):
    with pytest.raises(SearchError):
        SearchQuery(**options)


@pytest.mark.parametrize("text", ['"never closed', "AND", "NEAR(", "kim's"])
def test_text_fts5_cannot_read_is_a_bad_query(filled, text):
    with pytest.raises(BadQuery, match="cannot search"):
        search(filled, SearchQuery(text=text))
    assert issubclass(BadQuery, CorroborateError)


def test_a_collection_made_before_the_index_gets_it_on_its_first_query(filled):
    filled.db.executescript(
        "DROP TABLE search_violations; DROP TABLE search_labels; DROP TABLE search_index; "
        "DROP TABLE search_touched; "
        "DROP INDEX search_reports; DROP INDEX search_members; DROP INDEX search_accounts; "
        "DROP INDEX search_events; PRAGMA user_version = 4;")
    filled.close()
    with Store.open(filled.root) as again:
        assert search(again, SearchQuery()).total == len(REPORTS)
        assert refresh_index(again, ["no-such-report"]) == 0
        assert refresh_index(again) == len(REPORTS)
