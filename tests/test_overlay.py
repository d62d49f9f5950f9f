"""The vocabulary overlay: aliases and terms an admin adds, applied by the next extraction."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborate import overlay, vocab
from corroborate.cli import main
from corroborate.errors import CorroborateError
from corroborate.extract import extract
from corroborate.pipeline import ingest, reprocess
from corroborate.provenance import _shipped_digest, vocabulary_digest
from corroborate.store import Store
from corroborate.users import add_user

from .helpers import text_report

HYESAN = "KP:KP-10:Hyesan"
MISSPELT = "Hyeasun"  # two slips from Hyesan: the fuzzy reading does not reach it
# reports of our own that name the town only by that spelling
TOWN_REPORT = (
    "North Korean border guards detained four traders in Hyeasun last week, a source "
    "inside the country told our reporter on Tuesday.\n\n"
    "The traders were taken to a holding centre and beaten during questioning, the "
    "source said.\n")
LATER_REPORT = (
    "Two women who sold Chinese cloth at the Hyeasun market were arrested by North Korean "
    "police this month, according to a relative.\n\n"
    "The relative said the women were held for ten days and questioned every night.\n")
UNIT = "kp_songbul_squad"
UNIT_REPORT = (
    "Agents of the Songbul Inspection Squad beat three women in a North Korean market town "
    "and took them away, a resident said.\n\n"
    "The Songbul Inspection Squad tortured the women for two days, the resident added.\n")
UNIT_ATTRS = {"country": "KP", "kind": "police", "actor_type": "state actor"}


def _file(folder: Path, name: str, text: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _regions(store: Store) -> set[str]:
    return {str(f.attrs.get("region")) for inc in store.incidents()
            for f in inc.values("place") if f.attrs.get("region")}


def _perpetrators(store: Store) -> set[str]:
    return {f.value for inc in store.incidents() for f in inc.values("perpetrator")}


def _row_digests(store: Store) -> set[str]:
    return {r[0] for r in store.db.execute("SELECT vocab_digest FROM reports")}


def _add_unit(store: Store, by: str = "ada") -> overlay.OverlayEntry:
    return overlay.add_term(store, "organisations", UNIT, "Songbul Inspection Squad",
                            ["Songbul squad"], UNIT_ATTRS, by=by, note="a unit new to us")


# --- applied by the next extraction ----------------------------------------------------------

def test_a_misspelt_place_alias_gives_the_region_after_reprocess(store, tmp_path):
    ingest(store, [_file(tmp_path / "in", "town.txt", TOWN_REPORT)])
    assert "KP-10" not in _regions(store)

    overlay.add_alias(store, "places", HYESAN, MISSPELT, by="ada", note="a source's spelling")
    assert "KP-10" not in _regions(store)  # rows already held change only by reprocessing

    reprocess(store)
    [place] = [f for inc in store.incidents() for f in inc.values("place")
               if f.attrs.get("region") == "KP-10"]
    assert (place.evidence.quote, place.label) == (MISSPELT, "Hyesan")


def test_a_file_ingested_after_the_alias_is_read_with_it(store, tmp_path):
    overlay.add_alias(store, "places", HYESAN, MISSPELT, by="ada")
    ingest(store, [_file(tmp_path / "in", "later.txt", LATER_REPORT)])
    assert "KP-10" in _regions(store)


def test_a_new_organisation_term_becomes_the_perpetrator(store, tmp_path):
    ingest(store, [_file(tmp_path / "in", "unit.txt", UNIT_REPORT)])
    assert UNIT not in _perpetrators(store)

    _add_unit(store)
    reprocess(store)
    [fact] = [f for inc in store.incidents() for f in inc.values("perpetrator")
              if f.value == UNIT]
    assert fact.label == "Songbul Inspection Squad"
    assert fact.attrs["actor_type"] == "state actor"


def test_an_alias_of_a_term_the_overlay_added(store):
    _add_unit(store)
    overlay.add_alias(store, "organisations", UNIT, "Songbul inspectors", by="ada")
    with overlay.applied(store):
        found = vocab.load("organisations").find("Songbul inspectors came at night")
    assert [h.term.id for h in found] == [UNIT]


def test_a_demonym_alias(store):
    overlay.add_alias(store, "demonyms", "KP", "Chosonese", by="ada")
    with overlay.applied(store):
        assert vocab.load("demonyms").named_by("Chosonese").id == "KP"
    assert vocab.load("demonyms").named_by("Chosonese") is None


def test_a_new_place_is_found_with_its_region(store, tmp_path):
    overlay.add_term(store, "places", "KP:KP-10:Kwanmo Ferry", "Kwanmo Ferry", [],
                     {"country": "KP", "region": "KP-10", "kind": "town", "lat": "41.5",
                      "lon": "128.3"}, by="ada")
    ingest(store, [_file(tmp_path / "in", "ferry.txt", TOWN_REPORT.replace(
        MISSPELT, "Kwanmo Ferry"))])
    assert "KP-10" in _regions(store)


# --- digests, and no trace without the overlay -------------------------------------------

def test_without_an_overlay_digests_are_the_shipped_ones(store, tmp_path):
    shipped = _shipped_digest()
    with overlay.applied(store) as found:
        assert found is None and vocabulary_digest() == shipped
    ingest(store, [_file(tmp_path / "in", "town.txt", TOWN_REPORT)])
    assert _row_digests(store) == {shipped}


def test_the_digest_reflects_the_overlay_and_comes_back_when_it_is_removed(store, tmp_path):
    ingest(store, [_file(tmp_path / "in", "town.txt", TOWN_REPORT)])
    entry = overlay.add_alias(store, "places", HYESAN, MISSPELT, by="ada")
    reprocess(store)
    with overlay.applied(store):
        overlaid = vocabulary_digest()
    assert overlaid != _shipped_digest()
    assert _row_digests(store) == {overlaid}

    overlay.remove(store, entry.number, by="ada")
    reprocess(store)
    assert _row_digests(store) == {_shipped_digest()}
    assert "KP-10" not in _regions(store)


def test_verify_deep_derives_again_with_the_overlay(store, tmp_path):
    ingest(store, [_file(tmp_path / "in", "town.txt", TOWN_REPORT)])
    overlay.add_alias(store, "places", HYESAN, MISSPELT, by="ada")
    reprocess(store)
    assert store.verify(deep=True) == []


def test_an_overlay_leaves_no_trace_outside_its_context(store):
    report = text_report(TOWN_REPORT + "\n" + UNIT_REPORT)
    before = [i.to_dict() for i in extract(report)]
    overlay.add_alias(store, "places", HYESAN, MISSPELT, by="ada")
    _add_unit(store)
    with overlay.applied(store):
        during = [i.to_dict() for i in extract(report)]
    after = [i.to_dict() for i in extract(report)]
    assert during != before
    assert after == before


def test_a_name_the_overlay_adds_is_no_person_under_it_and_only_under_it(store):
    # words no other test uses, read first with the overlay: a cache that kept what the
    # overlay made would hand it to the reading without it
    report = text_report("Police said Kim Ogyeol, 41, was detained in Hyesan, North Korea, "
                         "for selling phones to traders from China.\n")
    overlay.add_term(store, "organisations", "kp_ogyeol_brigade", "Ogyeol Brigade",
                     ["Ogyeol"], UNIT_ATTRS, by="ada")

    def victims() -> set[str]:
        return {f.value for i in extract(report) for f in i.values("victim")}

    with overlay.applied(store):
        overlaid = victims()
    assert "person:kim ogyeol" in victims()
    assert "person:kim ogyeol" not in overlaid


def test_a_new_place_is_read_through_a_slip_under_the_overlay_only(store):
    overlay.add_term(store, "places", "KP:KP-10:Ogryeong", "Ogryeong", [],
                     {"country": "KP", "region": "KP-10", "kind": "town"}, by="ada")
    report = text_report("North Korean police detained two smugglers in Ogryeongg on "
                         "Monday, a source in the province said.\n")

    def regions() -> set[str]:
        return {str(f.attrs.get("region")) for i in extract(report)
                for f in i.values("place") if f.attrs.get("fuzzy")}

    with overlay.applied(store):
        assert regions() == {"KP-10"}
    assert regions() == set()


def test_another_thread_does_not_see_the_overlay(store):
    overlay.add_alias(store, "places", HYESAN, MISSPELT, by="ada")
    found = overlay.current(store)  # read here: a connection serves the thread it was made in
    entered, release = threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def ingesting() -> None:
        try:
            with vocab.overlaid(found):
                seen["term"] = vocab.load("places").named_by(MISSPELT)
                seen["digest"] = vocabulary_digest()
                entered.set()
                release.wait(30)
        finally:
            entered.set()

    worker = threading.Thread(target=ingesting)
    worker.start()
    try:
        assert entered.wait(30)
        assert vocab.load("places").named_by(MISSPELT) is None
        assert vocabulary_digest() == _shipped_digest()
    finally:
        release.set()
        worker.join(30)
    assert getattr(seen["term"], "id", None) == HYESAN
    assert seen["digest"] != _shipped_digest()


# --- who may change it -----------------------------------------------------------------------

def test_anyone_may_edit_until_the_collection_has_accounts(store):
    assert overlay.may_edit_vocabulary(store, "whoever")
    add_user(store, "ada", "admin", "a long admin password")
    assert overlay.may_edit_vocabulary(store, "ada")
    assert not overlay.may_edit_vocabulary(store, "whoever")


@pytest.mark.parametrize("role", ["analyst", "viewer", None])
def test_only_an_admin_may_change_the_overlay_once_there_are_accounts(store, role):
    add_user(store, "ada", "admin", "a long admin password")
    if role:
        add_user(store, "bo", role, "a long password too")
    with pytest.raises(CorroborateError, match="only an admin"):
        overlay.add_alias(store, "places", HYESAN, MISSPELT, by="bo")
    with pytest.raises(CorroborateError, match="only an admin"):
        _add_unit(store, by="bo")
    entry = overlay.add_alias(store, "places", HYESAN, MISSPELT, by="ada")
    with pytest.raises(CorroborateError, match="only an admin"):
        overlay.remove(store, entry.number, by="bo")
    assert [e.by for e in overlay.entries(store)] == ["ada"]


# --- validation -------------------------------------------------------------------------------

_PLACE = {"country": "KP", "region": "KP-10", "kind": "town"}


@pytest.mark.parametrize(("change", "message"), [
    (lambda s: overlay.add_alias(s, "weapons", "x", "y", by="ada"), "unknown vocabulary"),
    (lambda s: overlay.add_alias(s, "places", "Hyesan", MISSPELT, by="ada"),
     "has no term 'Hyesan' \\(did you mean 'KP:KP-10:Hyesan'"),
    (lambda s: overlay.add_alias(s, "places", HYESAN, "Musan", by="ada"), "already names"),
    (lambda s: overlay.add_alias(s, "places", HYESAN, "Ryanggang", by="ada"),
     "already names Ryanggang \\(regions KP-10\\)"),
    (lambda s: overlay.add_alias(s, "places", HYESAN, "hyeson", by="ada"),
     "already a name of Hyesan"),
    (lambda s: overlay.add_alias(s, "organisations", "kp_mss", "bowibu", by="ada"),
     "already a name"),
    (lambda s: overlay.add_alias(s, "places", HYESAN, "  ", by="ada"), "may not be empty"),
    (lambda s: overlay.add_alias(s, "places", "", MISSPELT, by="ada"), "may not be empty"),
    (lambda s: overlay.add_alias(s, "places", HYESAN, MISSPELT, by=" "), "say who"),
    (lambda s: overlay.add_alias(s, "places", HYESAN, "-- ..", by="ada"), "must hold a word"),
    (lambda s: overlay.add_alias(s, "places", HYESAN, "Hye\x00san", by="ada"),
     "control characters"),
    (lambda s: overlay.add_term(s, "organisations", "kp_mss", "Some New Bureau", [],
                                UNIT_ATTRS, by="ada"), "already has a term 'kp_mss'"),
    (lambda s: overlay.add_term(s, "organisations", UNIT, "", [], UNIT_ATTRS, by="ada"),
     "label may not be empty"),
    (lambda s: overlay.add_term(s, "organisations", UNIT, "Songbul Inspection Squad",
                                ["Bowibu"], UNIT_ATTRS, by="ada"), "already names"),
    (lambda s: overlay.add_term(s, "organisations", UNIT, "Songbul Inspection Squad", [],
                                {**UNIT_ATTRS, "colour": "red"}, by="ada"),
     "take no colour"),
    (lambda s: overlay.add_term(s, "organisations", UNIT, "Songbul Inspection Squad", [],
                                {"country": "KP", "kind": "police"}, by="ada"),
     "needs actor_type"),
    (lambda s: overlay.add_term(s, "organisations", UNIT, "Songbul Inspection Squad", [],
                                {**UNIT_ATTRS, "kind": "spaceship"}, by="ada"),
     "kind of organisations is one of"),
    (lambda s: overlay.add_term(s, "organisations", "Songbul Squad", "Songbul Squad", [],
                                UNIT_ATTRS, by="ada"), "lower-case letters"),
    (lambda s: overlay.add_term(s, "places", "KP:KP-10:Kwanmo Ferry", "Kwanmo Ferry", [],
                                {**_PLACE, "country": "ZZ"}, by="ada"), "unknown country"),
    (lambda s: overlay.add_term(s, "places", "KP:CN-JL:Kwanmo Ferry", "Kwanmo Ferry", [],
                                {**_PLACE, "region": "CN-JL"}, by="ada"), "unknown region"),
    (lambda s: overlay.add_term(s, "places", "Kwanmo Ferry", "Kwanmo Ferry", [], _PLACE,
                                by="ada"), "COUNTRY:REGION:NAME, here 'KP:KP-10:Kwanmo Ferry'"),
    (lambda s: overlay.add_term(s, "places", "KP:KP-10:Kwanmo Ferry", "Kwanmo Ferry", [],
                                {**_PLACE, "lat": "91"}, by="ada"), "lat is a number"),
    (lambda s: overlay.add_term(s, "regions", "KP-99", "Sea Province", [],
                                {"country": "CN"}, by="ada"), "ISO 3166-2 code"),
    (lambda s: overlay.add_term(s, "outlets", "songbul_daily", "Songbul Daily", [],
                                {"kind": "news outlet", "domains": "not a domain"}, by="ada"),
     "registrable domains"),
    (lambda s: overlay.add_term(s, "countries", "QQ", "Qland", [], {}, by="ada"),
     "aliases only"),
    (lambda s: overlay.remove(s, 7, by="ada"), "no entry 7"),
])
def test_a_change_that_does_not_hold_is_refused_and_nothing_is_written(store, change,
                                                                       message):
    with pytest.raises(CorroborateError, match=message):
        change(store)
    assert overlay.entries(store) == []


def test_an_alias_claimed_twice_in_the_overlay_is_refused(store):
    overlay.add_alias(store, "places", HYESAN, MISSPELT, by="ada")
    with pytest.raises(CorroborateError, match="already a name of Hyesan"):
        overlay.add_alias(store, "places", HYESAN, MISSPELT.upper(), by="ada")
    with pytest.raises(CorroborateError, match="already names Hyesan"):
        overlay.add_alias(store, "places", "KP:KP-09:Chongjin", MISSPELT, by="ada")
    _add_unit(store)
    with pytest.raises(CorroborateError, match="already names Songbul Inspection Squad"):
        overlay.add_alias(store, "organisations", "kp_mss", "Songbul squad", by="ada")
    with pytest.raises(CorroborateError, match="already has a term"):
        _add_unit(store)
    assert len(overlay.entries(store)) == 2


def test_removal_keeps_the_history_and_refuses_what_does_not_hold(store):
    term = _add_unit(store)
    alias = overlay.add_alias(store, "organisations", UNIT, "Songbul inspectors", by="ada")
    with pytest.raises(CorroborateError, match=f"entries {alias.number} add aliases"):
        overlay.remove(store, term.number, by="ada")
    overlay.remove(store, alias.number, by="ada")
    with pytest.raises(CorroborateError, match="was removed by ada"):
        overlay.remove(store, alias.number, by="ada")
    overlay.remove(store, term.number, by="ada")
    history = overlay.entries(store)
    assert [(e.number, e.active, e.removed_by) for e in history] == [
        (1, False, "ada"), (2, False, "ada")]
    assert overlay.current(store) is None
    # what was removed may be added again
    assert _add_unit(store).number == 3


# --- the command line -------------------------------------------------------------------------

def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_the_vocab_commands_end_to_end(tmp_path):
    path = tmp_path / "c"
    Store.init(path).close()
    c = str(path)
    _run("ingest", "-q", "-c", c, _file(tmp_path / "in", "town.txt", TOWN_REPORT),
         _file(tmp_path / "in", "unit.txt", UNIT_REPORT))
    assert HYESAN in _run("vocab", "terms", "-c", c, "places", "Hyesan")
    assert "nothing" in _run("vocab", "list", "-c", c)

    _run("vocab", "add-alias", "-c", c, "places", HYESAN, MISSPELT, "--by", "ada",
         "--note", "a source's spelling")
    _run("vocab", "add-term", "-c", c, "organisations", UNIT, "Songbul Inspection Squad",
         "--alias", "Songbul squad", "--attr", "country=KP", "--attr", "kind=police",
         "--attr", "actor_type=state actor", "--by", "ada")
    listed = _run("vocab", "list", "-c", c).splitlines()
    assert len(listed) == 2
    assert MISSPELT in listed[0] and "a source's spelling" in listed[0]
    assert UNIT in listed[1] and "actor_type=state actor" in listed[1]

    _run("reprocess", "-c", c)
    with Store.open(path) as store:
        assert "KP-10" in _regions(store) and UNIT in _perpetrators(store)

    _run("vocab", "remove", "-c", c, "1", "--by", "ada")
    assert "[removed by ada" in _run("vocab", "list", "-c", c).splitlines()[0]


@pytest.mark.parametrize("args", [
    ["vocab", "add-alias", "places", "Hyesan", MISSPELT, "--by", "ada"],
    ["vocab", "add-term", "places", "KP:KP-10:X", "X", "--attr", "country", "--by", "ada"],
    ["vocab", "remove", "3", "--by", "ada"],
])
def test_the_vocab_commands_fail_with_the_reason(tmp_path, args):
    Store.init(tmp_path / "c").close()
    result = CliRunner().invoke(main, [*args, "-c", str(tmp_path / "c")])
    assert result.exit_code != 0
    assert any(w in result.output for w in ("did you mean", "KEY=VALUE", "no entry 3"))


@pytest.mark.parametrize("name", ["list", "add-alias", "add-term", "remove", "terms"])
def test_every_vocab_command_has_an_example(name):
    output = _run("vocab", name, "--help")
    assert "Example:" in output and f"corroborate vocab {name}" in output


@pytest.mark.parametrize(("stored", "message"), [
    ("not json", "damaged"), ('{"entries": [{"colour": "red"}]}', "damaged"),
    ('{"format": 99, "entries": []}', "newer corroborate"),
])
def test_a_damaged_or_newer_overlay_is_named_not_guessed(store, stored, message):
    with store.transaction() as db:
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (overlay.META_KEY, stored))
    with pytest.raises(CorroborateError, match=message):
        ingest(store, [])
