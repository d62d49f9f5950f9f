"""Events: one incident across outlets, its independent origins, its claims and conflicts.

The fixtures (tests/fixtures/events/README.md lists their facts) are one family written for
these tests: a Daily NK report of nine executed in Hyesan on 30 August 2023 (a), RFA's own
account of seven executed in "Hyeson", "Ryanggang", on 31 August (b), an aggregator's
reworded copy of a that cites Daily NK (c), another arrest by the same agency in the same
city and month (d, the hard negative), and an unrelated repatriation (e).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate import events
from corroborate.cli import main
from corroborate.pipeline import ingest, refresh_events
from corroborate.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "events"
FILES = {name: FIXTURES / f"{name}.txt"
         for name in ("a-dailynk", "b-rfa", "c-rewrite", "d-negative", "e-unrelated")}


def _ingest(store: Store, *names: str) -> None:
    result = ingest(store, [str(FILES[n]) for n in names])
    assert result.ok, result.failures


def _by_origin(store: Store) -> dict[str, str]:
    """fixture name -> the id of the event its report is in."""
    out = {}
    for record in store.events():
        for report in record["reports"]:
            out[Path(report["origin"]).stem] = record["id"]
    return out


@pytest.fixture
def family(store: Store) -> Store:
    _ingest(store, *FILES)
    return store


def _event_of(store: Store, name: str) -> dict:
    event_id = _by_origin(store)[name]
    record = store.event(event_id)
    assert record is not None
    return record


def test_independent_accounts_and_a_rewrite_are_one_event_and_the_negatives_stay_apart(family):
    events = _by_origin(family)
    assert events["a-dailynk"] == events["b-rfa"] == events["c-rewrite"]
    assert len({events["a-dailynk"], events["d-negative"], events["e-unrelated"]}) == 3


def test_the_rewrite_shares_the_origin_it_cites_so_the_event_has_two_origins(family):
    record = _event_of(family, "a-dailynk")
    assert record["origins"] == 2
    origin_of = {Path(r["origin"]).stem: r["origin_of"] for r in record["reports"]}
    ids = {Path(r["origin"]).stem: r["id"] for r in record["reports"]}
    assert origin_of["c-rewrite"] == origin_of["a-dailynk"] == ids["a-dailynk"]
    assert origin_of["b-rfa"] == ids["b-rfa"]
    cited = next(o for o in record["origin_list"] if o["id"] == ids["a-dailynk"])
    assert any("Daily NK" in why.get("cites", "") for why in cited["repeats"].values())


def test_disagreements_are_kept_side_by_side_and_spellings_are_not_conflicts(family):
    record = _event_of(family, "a-dailynk")
    conflicts = {c["field"]: c for c in record["conflicts"]}
    assert {"victim_count", "date"} <= set(conflicts)
    counts = {v["value"]: len(v["origins"]) for v in conflicts["victim_count"]["values"]}
    assert counts == {"9": 1, "7": 1}
    days = {v["value"] for v in conflicts["date"]["values"]}
    assert days == {"2023-08-30", "2023-08-31"}
    # Hyesan / Hyeson and Yanggang / Ryanggang are one value each, stated by both origins
    for field, value in (("place", "KP-10:Hyesan"), ("region", "KP-10")):
        assert field not in conflicts
        values = record["fields"][field]["values"]
        assert [v["value"] for v in values] == [value]
        assert len(values[0]["origins"]) == 2
    quotes = {e["quote"] for v in record["fields"]["place"]["values"] for e in v["evidence"]}
    assert {"Hyesan", "Hyeson"} <= quotes


def test_every_claim_quotes_the_words_of_its_report(family):
    record = _event_of(family, "a-dailynk")
    for entry in record["fields"].values():
        for value in entry["values"]:
            for ev in value["evidence"]:
                report = family.report(ev["report_id"])
                assert report.text[ev["start"]:ev["end"]] == ev["quote"]


def test_every_link_says_why(family):
    record = _event_of(family, "a-dailynk")
    assert len(record["links"]) >= 2
    for link in record["links"]:
        why = link["why"]
        assert 0.5 <= why["probability"] <= 1.0 and why["violations"]
        fired = [k for k in why if k not in ("probability", "violations")]
        assert fired and all({"said", "weight"} <= set(why[k]) for k in fired)


def _summary(store: Store) -> list[tuple[str, int, tuple[str, ...], tuple[str, ...]]]:
    return sorted((r["id"], r["origins"], tuple(sorted(x["id"] for x in r["reports"])),
                   tuple(sorted(x["origin_of"] for x in r["reports"])))
                  for r in store.events())


@pytest.mark.parametrize("batches", [
    [["a-dailynk", "b-rfa"], ["c-rewrite", "d-negative", "e-unrelated"]],
    [["e-unrelated", "c-rewrite"], ["d-negative"], ["b-rfa", "a-dailynk"]],
])
def test_adding_reports_gives_the_events_of_one_ingest_whatever_the_order(family, tmp_path,
                                                                          batches):
    with Store.init(tmp_path / "grown") as grown:
        for batch in batches:
            _ingest(grown, *batch)
        assert sorted(s[1:] for s in _summary(grown)) == sorted(s[1:] for s in _summary(family))


@pytest.mark.parametrize("batches", [
    [["a-dailynk", "b-rfa"], ["c-rewrite", "d-negative", "e-unrelated"]],
    [["e-unrelated", "c-rewrite"], ["d-negative"], ["b-rfa", "a-dailynk"]],
])
def test_an_event_keeps_its_id_as_reports_join_it(tmp_path, batches):
    """Issue 12: ids stay stable as a collection grows (a link in a note or a decision keeps
    pointing at the event); one whose reports join another event is named by the oldest."""
    with Store.init(tmp_path / "grown") as grown:
        seen: dict[str, set[str]] = {}  # event id -> its reports when it was first seen
        for batch in batches:
            _ingest(grown, *batch)
            now = {r["id"]: {x["id"] for x in r["reports"]} for r in grown.events()}
            for old_id, reports in seen.items():
                holder = [eid for eid, found in now.items() if reports <= found]
                assert len(holder) == 1
                assert holder[0] == old_id or holder[0] in seen
            for eid, reports in now.items():
                seen.setdefault(eid, reports)
        final = {r["id"]: {x["id"] for x in r["reports"]} for r in grown.events()}
        assert any(final.get(eid, set()) > reports for eid, reports in seen.items())


def test_a_collection_filed_before_provinces_is_linked_again_on_opening(tmp_path):
    """Migration 9: accounts filed under the keys of before (no province) are dropped and
    linked again by the first command that opens the collection; events keep their ids."""
    path = tmp_path / "old"
    with Store.init(path) as store:
        _ingest(store, *FILES)
        before = _summary(store)
        with store.writing(), store.transaction() as db:
            # the ids a first ingest gives are its smallest accounts': rename one event so
            # only event_former can bring its name back
            db.execute("UPDATE accounts SET event_id = 'e-renamed' WHERE event_id = ?",
                       (before[0][0],))
            db.execute("UPDATE events SET id = 'e-renamed' WHERE id = ?", (before[0][0],))
            db.execute("UPDATE account_keys SET key = 'old:' || key")
            # an ingest killed before its events refresh left one story queued: every
            # story is linked again all the same
            db.execute("INSERT INTO events_pending (story_id) SELECT id FROM stories LIMIT 1")
            db.execute("PRAGMA user_version = 8")
    result = CliRunner().invoke(main, ["events", "-c", str(path), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    listed = {json.loads(line)["id"] for line in result.output.splitlines()}
    with Store.open(path) as store:
        after = _summary(store)
        keys = [r[0] for r in store.db.execute("SELECT key FROM account_keys")]
    assert sorted(s[1:] for s in after) == sorted(s[1:] for s in before)
    assert "e-renamed" in listed and {s[0] for s in after} == listed
    assert keys and not any(k.startswith("old:") for k in keys)
    assert any(k.startswith("KP|KP-10|") for k in keys)  # Ryanggang: the province is a key


def _canonical_dates(store: Store) -> dict[str, str]:
    """story id -> the date its canonical report was published."""
    return {r[0]: r[1] or "" for r in store.db.execute(
        "SELECT s.id, r.published FROM stories s JOIN reports r ON r.id = s.canonical_report_id")}


def test_a_refresh_takes_the_stories_in_order_of_publication(family, tmp_path, monkeypatch):
    """Issue 12: an events refresh takes the pending stories in order of the date their
    canonical report was published, then of id (not of id: each batch of a large ingest
    then touched events all over the collection); a story a batch, the same events."""
    import corroborate.refresh.events as refresh

    monkeypatch.setattr(refresh, "_READ_BATCH", 1)
    taken: list[str] = []
    planned = refresh._Batch.__init__

    def noted(self, store, story_ids, pool):
        taken.extend(story_ids)
        planned(self, store, story_ids, pool)

    monkeypatch.setattr(refresh._Batch, "__init__", noted)
    with Store.init(tmp_path / "one-a-batch") as store:
        _ingest(store, *FILES)
        dates = _canonical_dates(store)
        assert sorted(s[1:] for s in _summary(store)) == sorted(s[1:] for s in _summary(family))
    assert sorted(taken) == sorted(dates) and len(dates) >= 4
    assert taken == sorted(dates, key=lambda story: (dates[story], story))
    assert taken != sorted(taken)  # these stories' ids are not in order of their dates


def test_pending_stories_are_read_by_date_then_id_a_page_at_a_time(family):
    with family.writing(), family.transaction() as db:
        # a story taken apart is pending with no date: its accounts are removed first
        family.take_apart(db, [next(iter(_canonical_dates(family)))])
        family.mark_all_pending(db)
    dates = _canonical_dates(family)
    pending = family.pending_stories()
    gone = [story for _, story in pending if story not in dates]
    assert pending == sorted(pending) and len(gone) == 1 and pending[0] == ("", gone[0])
    assert pending[1:] == sorted((date, story) for story, date in dates.items())
    paged, after = [], ("", "")
    while page := family.pending_stories(after, 2):
        paged += page
        after = page[-1]
    assert paged == pending and family.pending_stories(most=1) == pending[:1]


def test_stories_pending_before_their_dates_were_kept_get_them_on_opening(tmp_path):
    """Migration 14: the stories an older collection left pending keep their place in the
    queue and gain their canonical report's date."""
    path = tmp_path / "old"
    with Store.init(path) as store:
        _ingest(store, *FILES)
        dates = _canonical_dates(store)
        with store.writing(), store.transaction() as db:
            db.execute("DROP TABLE events_pending")
            db.execute("CREATE TABLE events_pending (story_id TEXT PRIMARY KEY) WITHOUT ROWID")
            db.execute("INSERT INTO events_pending SELECT id FROM stories")
            db.execute("INSERT INTO events_pending VALUES ('s-gone')")
            db.execute("PRAGMA user_version = 13")
    with Store.open(path) as store:
        pending = store.pending_stories()
    assert pending == [("", "s-gone"), *sorted((d, s) for s, d in dates.items())]


def test_refreshing_again_changes_nothing_and_compares_nothing(family, monkeypatch):
    before = _summary(family)
    calls = []
    import corroborate.linking as linking

    monkeypatch.setattr(linking, "compare", lambda a, b: calls.append((a, b)))
    with family.writing():
        refresh_events(family)
    assert _summary(family) == before and calls == []


def test_an_event_written_again_moves_only_accounts_not_in_it_already(family):
    """put_events updates an account's row only when its event changes: an update writes
    the row whole again (its data, several KB) and notes its story for the search index."""
    from corroborate.store.events import EventRow

    event_id = _by_origin(family)["a-dailynk"]
    accounts = sorted(family.account_ids_in([event_id]))
    assert len(accounts) > 1
    row = EventRow(accounts, event_id, 2, 3, 0, None, json.dumps({"id": event_id}))

    def written(event: EventRow) -> set[tuple[str, str]]:
        with family.writing(), family.transaction() as db:
            db.execute("DELETE FROM search_pending")
            family.put_events(db, [], [event])
        return {tuple(r) for r in family.db.execute("SELECT * FROM search_pending")}

    assert written(row) == {("event", event_id)}
    moved = row._replace(id="e-elsewhere")
    assert written(moved) == {("event", "e-elsewhere")} | {
        ("story", r[0]) for r in family.db.execute(
            "SELECT DISTINCT story_id FROM accounts WHERE event_id = 'e-elsewhere'")}
    assert family.account_ids_in(["e-elsewhere"]) == set(accounts)


def test_a_removed_report_leaves_its_event(family):
    record = _event_of(family, "b-rfa")
    rfa = next(r for r in record["reports"] if Path(r["origin"]).stem == "b-rfa")
    sha = family.report(rfa["id"]).capture_sha256
    with family.writing():
        family.remove_reports(sha)
        from corroborate.pipeline import refresh_stories

        refresh_stories(family)
        refresh_events(family)
    after = _event_of(family, "a-dailynk")
    assert after["origins"] == 1 and "b-rfa" not in {Path(r["origin"]).stem
                                                      for r in after["reports"]}
    assert all(r["conflicts"] == [] or r["id"] != after["id"] for r in family.events())


def test_incident_exports_carry_the_event_and_its_origins(family):
    from corroborate.export import write_jsonl

    out = io.StringIO()
    write_jsonl(family, out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    event = _event_of(family, "a-dailynk")
    mine = [r for r in records if r["event_id"] == event["id"]]
    assert len(mine) == 3 and {r["origins"] for r in mine} == {2}


# -- the command line ----------------------------------------------------------------------

@pytest.fixture
def collection(tmp_path: Path) -> str:
    root = str(tmp_path / "c")
    runner = CliRunner()
    assert runner.invoke(main, ["init", root]).exit_code == 0
    result = runner.invoke(main, ["ingest", "-q", "-c", root, *map(str, FILES.values())])
    assert result.exit_code == 0, result.output
    return root


def test_events_lists_the_most_corroborated_first(collection):
    result = CliRunner().invoke(main, ["events", "-c", collection])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert "2 origin(s)" in first and "Hyesan" in first and "victim_count" in first


def test_events_jsonl_has_the_documented_keys(collection):
    result = CliRunner().invoke(main, ["events", "-c", collection, "--format", "jsonl",
                                       "--min-origins", "2"])
    records = [json.loads(line) for line in result.output.splitlines()]
    assert len(records) == 1
    record = records[0]
    assert record["id"].startswith("e-") and record["origins"] == 2
    for report in record["reports"]:
        assert {"id", "origin", "url", "story", "outlet", "published", "origin_of"} <= set(report)
    assert {"violation", "place", "date", "victim_count"} <= set(record["fields"])


def test_show_prints_each_claim_with_its_support_and_quotes(collection):
    runner = CliRunner()
    listed = runner.invoke(main, ["events", "-c", collection]).output
    event_id = listed.split()[0]
    shown = runner.invoke(main, ["show", "-c", collection, event_id])
    assert shown.exit_code == 0, shown.output
    assert "victim_count  CONFLICT" in shown.output and "“Hyeson”" in shown.output
    assert "linked because" in shown.output
    missing = runner.invoke(main, ["show", "-c", collection, "e-" + "0" * 20])
    assert missing.exit_code != 0 and "no event" in missing.output


def test_event_csv_is_one_row_per_event_with_a_byte_order_mark_on_request(collection, tmp_path):
    target = tmp_path / "events.csv"
    result = CliRunner().invoke(main, ["export", "-c", collection, "--level", "event",
                                       "--format", "csv", "--bom", "-o", str(target)])
    assert result.exit_code == 0, result.output
    raw = target.read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 3
    top = rows[0]
    assert top["origins"] == "2" and top["place"] == "Hyesan" and top["victim_count"]
    assert "victim_count: 9" in top["conflicts"] and " vs 7" in top["conflicts"]


def test_reprocess_links_every_account_again(family, monkeypatch):
    """New linking weights come with a new version: reprocess compares every pair again."""
    from corroborate.pipeline import reprocess

    before = _summary(family)
    import corroborate.linking as linking

    calls = []
    real = linking.compare

    def counting(a, b):
        calls.append((a.id, b.id))
        return real(a, b)

    monkeypatch.setattr(linking, "compare", counting)
    assert reprocess(family).ok
    assert calls and _summary(family) == before


def test_bounded_reads_give_the_same_events(family, tmp_path, monkeypatch):
    """An events refresh keeps at most _ACCOUNTS_KEPT candidates decoded, asks for links
    _CANDIDATES_SENT candidates at a time, and reads whole the accounts of events
    _ACCOUNTS_READ accounts at a time, and groups again _GROUPED_AT_ONCE accounts at a
    time (whole link-joined components): at one each, the same events."""
    import corroborate.refresh.events as refresh

    monkeypatch.setattr(refresh, "_ACCOUNTS_KEPT", 1)
    monkeypatch.setattr(refresh, "_CANDIDATES_SENT", 1)
    monkeypatch.setattr(refresh, "_ACCOUNTS_READ", 1)
    monkeypatch.setattr(refresh, "_GROUPED_AT_ONCE", 1)
    split = refresh.joined_parts
    parts: list[list[str]] = []
    monkeypatch.setattr(refresh, "joined_parts", lambda *args: parts.extend(found := split(
        *args)) or found)
    with Store.init(tmp_path / "small") as small:
        _ingest(small, *FILES)
        assert _summary(small) == _summary(family)
        assert [e["reports"] for e in small.events()] == [e["reports"] for e in family.events()]
    assert any(len(p) > 1 for p in parts)  # a component of linked accounts, grouped whole
    assert len(parts) > len({frozenset(p) for p in parts if len(p) > 1})


def test_the_candidate_cache_forgets_what_was_read_least_recently():
    from corroborate.refresh.events import _Recent

    kept = _Recent(2)
    kept["a"], kept["b"] = "A", "B"
    assert kept["a"] == "A"  # read: now the most recent
    kept["c"] = "C"
    assert list(kept) == ["a", "c"]


def test_where_links_join_too_many_only_the_touched_events_are_grouped_again(family, tmp_path,
                                                                             monkeypatch,
                                                                             caplog):
    """Past _JOINED_MOST accounts joined by links, a refresh groups again only the events
    its new links touch; here (a cap of none) that still gives one ingest's events."""
    import corroborate.refresh.events as refresh

    monkeypatch.setattr(refresh, "_JOINED_MOST", 0)
    with Store.init(tmp_path / "bounded") as bounded:
        _ingest(bounded, "a-dailynk", "d-negative")
        with caplog.at_level("INFO", logger="corroborate.refresh.events"):
            _ingest(bounded, "b-rfa", "c-rewrite", "e-unrelated")
        assert "only the" in caplog.text
        assert sorted(s[1:] for s in _summary(bounded)) == sorted(s[1:] for s in
                                                                 _summary(family))


def test_linked_with_follows_chains_of_links_up_to_a_limit(family):
    start = next(r[0] for r in family.db.execute("SELECT a FROM links ORDER BY a"))
    joined = family.linked_with({start})
    assert joined is not None and len(joined) >= 3  # the three accounts of a, b and c
    assert family.linked_with({start}, most=len(joined)) == joined
    assert family.linked_with({start}, most=len(joined) - 1) is None


def test_candidates_are_read_without_their_claims_and_reports(family):
    """Linking reads neither; decoding them was most of the cost of reading candidates."""
    stored = family.accounts_by_id(r[0] for r in family.db.execute("SELECT id FROM accounts"))
    light = family.accounts_by_id(stored, whole=False)
    assert light.keys() == stored.keys() and all(a.claims for a in stored.values())
    for aid, acc in stored.items():
        assert light[aid] == replace(acc, claims=(), reports=())
    probes = [json.loads(r[0]) for r in family.db.execute("SELECT probe FROM account_probes")]
    assert len(probes) == len(stored)
    assert all(isinstance(p["words"], str) and "claims" not in p for p in probes)


def test_linking_reads_the_wording_figures_and_places_of_an_account_s_opening(tmp_path):
    """What a report says in its opening paragraphs is what its account is compared by
    (wording, figures, places); its background paragraphs, which an outlet repeats in
    reports of other incidents, count only for its whole words (origins)."""
    report = tmp_path / "opening.txt"
    report.write_text(
        "date 2023-09-04\nNine publicly executed in Hyesan\n\n"
        "State security agents executed nine residents of Hyesan, Yanggang province, on "
        "30 August for dealing drugs, a source told Daily NK.\n\n"
        "They were shot by firing squad before a crowd of residents.\n\n"
        "Some 120,000 people are held in political prison camps, and 1,500 soldiers "
        "guard the border bridges at Musan and Hoeryong, according to estimates.\n",
        encoding="utf-8")
    with Store.init(tmp_path / "c") as store:
        assert ingest(store, [str(report)]).ok
        (data,) = [json.loads(r[0]) for r in store.db.execute("SELECT data FROM accounts")]
        acc = events.Account.from_dict(data)
        text = store.report(acc.report_id).text
    background = set(events._words("camps soldiers bridges"))
    assert "120,000" in text and acc.figures == ()
    assert acc.words == events._words(text) and background <= set(acc.words)
    assert acc.opening_words and not background & set(acc.opening_words)
    assert set(acc.opening_words) < set(acc.words)
    assert any("Hyesan" in p for p in acc.places)  # its places: those the opening names
    assert not any("Musan" in p or "Hoeryong" in p for p in acc.places)


def test_accounts_stored_before_probes_get_them_from_the_whole_account(family):
    """Migration 10 made the probe of an account stored before probes from the whole
    account less its claims and reports (its words a list): linking reads the same
    account from it."""
    rows = family.db.execute("SELECT id, data FROM accounts").fetchall()
    light = family.accounts_by_id([r[0] for r in rows], whole=False)
    assert rows and light.keys() == {r[0] for r in rows}
    for aid, data in rows:
        whole = {k: v for k, v in json.loads(data).items() if k not in ("claims", "reports")}
        assert isinstance(whole["words"], list)
        assert events.Account.from_probe(whole) == light[aid]


def test_accounts_are_made_again_when_linking_reads_their_opening(tmp_path):
    """Migration 15: linking compares the wording and figures of an account's opening, so
    every story's accounts are made and linked anew by the next refresh, and the events
    keep their names."""
    with Store.init(tmp_path / "old") as store:
        _ingest(store, *FILES)
        before = dict(store.db.execute("SELECT id, event_id FROM accounts").fetchall())
        with store.writing(), store.transaction() as db:
            db.execute("PRAGMA user_version = 14")
    assert len(set(before.values())) < len(before)  # some event holds two accounts
    with Store.open(tmp_path / "old") as again:
        assert again.db.execute("SELECT count(*) FROM accounts").fetchone()[0] == 0
        with again.writing():
            refresh_events(again)
        assert dict(again.db.execute("SELECT id, event_id FROM accounts").fetchall()) == before


def test_an_accounts_probe_keeps_every_field_linking_reads():
    from corroborate.events import Account

    acc = Account(id="a1", story_id="s1", incident_id="i1", report_id="r1", title="T",
                  published="2023-09-01", outlet="dailynk", country="KP", region="KP-10",
                  city="Hyesan", places=("Hyesan",), when="2023-08-30", precision="day",
                  violations=("execution",), acts=("execution", "arrest"), perpetrator="mss",
                  perpetrators=("mss",), groups=("smugglers",), named=(), count=(7, 9),
                  punishments=("public_execution",), terms=(), sources=("a source said",),
                  quotes=("q",), figures=("12",), charges=("smuggling",),
                  words=(0, 7, 2**32 - 1, 123456789), claims=(), reports=(),
                  cites=(("rfa", "told RFA"),), own_reporting=True)
    again = Account.from_probe(json.loads(acc.probe()))
    assert again == acc and hash(again) == hash(acc)
    assert again.word_set == frozenset(acc.words)
    assert all(type(getattr(again, f)) is type(getattr(acc, f)) for f in acc.__dict__)
    # a probe written before a field was added gets the field's default, as from_dict
    older = json.loads(acc.probe())
    del older["own_reporting"]
    assert Account.from_probe(older) == replace(acc, own_reporting=False)
    with pytest.raises(TypeError):  # a field nobody declared is an error, not ignored
        Account.from_probe({**json.loads(acc.probe()), "unknown_field": 1})


def test_an_ingests_workers_make_the_accounts_and_the_event_records(family, monkeypatch):
    """With a started pool, the workers make the accounts, compare them with their
    candidates and make the events' records, the next batch's accounts while the writer
    links the one before: the events the writer alone made. (The writer's own account,
    compare and event_record raise here; the workers' do not.)"""
    import corroborate.linking as linking
    import corroborate.refresh.events as refresh
    from corroborate.workers import Pool

    whole = [e for e in family.events()]
    with family.writing(), family.transaction() as db:
        for table in ("links", "account_keys", "events", "event_former", "accounts"):
            db.execute(f"DELETE FROM {table}")
        family.mark_all_pending(db)

    def in_the_writer(*args, **kwargs):
        raise AssertionError("made in the writer")

    monkeypatch.setattr(refresh, "account", in_the_writer)
    monkeypatch.setattr(refresh, "event_record", in_the_writer)
    monkeypatch.setattr(linking, "compare", in_the_writer)
    monkeypatch.setattr(refresh, "_READ_BATCH", 2)  # several batches: one planned ahead
    monkeypatch.setattr(refresh, "_LINKED_AT_ONCE", 3)
    monkeypatch.setattr(refresh, "_LINKS_SENT", 1)  # links asked for and written by turns
    monkeypatch.setattr(refresh, "_ACCOUNTS_READ", 1)
    with Pool(2, start_after=1) as pool, family.writing():
        pool.submit(len, [[1]], str).result()
        assert pool.started
        refresh_events(family, pool)
    assert [e for e in family.events()] == whole


def test_an_accounts_figures_leave_out_years_and_days() -> None:
    text = ("On 12 August 2019, 35 people were held; by August 14 there were 1,200. The 3rd "
            "trial, in 1998, named 2019 traders and 77 guards in the 2020s (item 20190).")
    assert events._figures(text) == ("1,200", "20190", "35", "77")


_BITS = ["12", "2019", "1998", "2020s", "1,200", "August", "the", "3rd", "of", "May", "35",
         "20190", "x2019", "Sept", "14th", "(", ")", "-"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_BITS), st.sampled_from([" ", ", ", "", "."])),
                max_size=14))
def test_an_accounts_figures_are_the_texts_numbers_less_the_years_it_states(
        parts: list[tuple[str, str]]) -> None:
    text = "".join(a + b for a, b in parts)
    stated_years = set(re.findall(r"\b(?:19|20)\d\d\b", text))  # the obvious reading
    numbers = set(re.findall(r"\b\d{1,3}(?:,\d{3})+\b|\b\d{2,}\b", events._DAY.sub(" ", text)))
    assert events._figures(text) == tuple(sorted(numbers - stated_years))
