"""North Korean gazetteer: spellings, provinces and sentence-level region codes."""

from __future__ import annotations

from collections import defaultdict

import pytest

from corroborate import vocab
from corroborate.model import Report
from corroborate.places import find_places

from .helpers import text_report


def _kp_places() -> list[dict[str, object]]:
    return [e for e in vocab.read_data("places")["places"] if e.get("country") == "KP"]


def _kp_region_codes() -> set[str]:
    return {str(r["code"]) for r in vocab.read_data("places")["regions"]
            if r.get("country") == "KP"}


def _report(text: str) -> Report:
    return text_report(text, published="2022-03-01", id="r-kp")


def _kp_facts(text: str) -> list[tuple[str, str | None]]:
    """(quote, region) of every North Korean place named in ``text``."""
    return [(f.evidence.quote, f.attrs.get("region")) for f in find_places(_report(text))
            if f.attrs.get("country") == "KP"]


@pytest.mark.parametrize(("spellings", "region"), [
    (["Pukchong", "Pukch'ŏng", "Bukcheong", "Pukchong county", "Pukchong-gun"], "KP-08"),
    (["Hoeryong", "Hoeryŏng", "Hoeryeong", "Hoeryong City"], "KP-09"),
    (["Chaeryong", "Chaeryŏng", "Jaeryeong", "Chaeryong County"], "KP-05"),
    (["Sukchon", "Sukch'ŏn", "Sukcheon", "Sukchon-gun"], "KP-02"),
    (["Unryul", "Ŭllyul", "Eunryul", "Unryul county"], "KP-05"),
    (["Anbyon", "Anbyŏn", "Anbyeon", "Anbyon-gun"], "KP-07"),
    (["Jongpyong", "Chŏngp'yŏng", "Jeongpyeong"], "KP-08"),
    (["Yodok", "Yodŏk", "Camp 15", "Kwalliso No. 15"], "KP-08"),
])
def test_spellings_of_one_place_name_one_entry(spellings: list[str], region: str) -> None:
    places = vocab.load("places")
    terms = [places.lookup(s) for s in spellings]
    assert all(t is not None for t in terms), dict(zip(spellings, terms, strict=True))
    assert len({t.id for t in terms if t is not None}) == 1
    assert terms[0] is not None and terms[0].attrs["region"] == region


def test_every_north_korean_place_lies_in_a_north_korean_province() -> None:
    codes = _kp_region_codes()
    assert {"KP-01", "KP-09", "KP-10", "KP-13", "KP-14"} <= codes
    for entry in _kp_places():
        region = entry.get("region")
        # only rivers and the border itself span provinces
        assert region in codes or (region is None and entry["kind"] == "area"), entry["name"]


def test_north_korean_places_have_kinds_and_coordinates_inside_the_country() -> None:
    kinds = {"city", "county", "district", "town", "area", "camp", "border crossing"}
    for entry in _kp_places():
        assert entry["kind"] in kinds, entry["name"]
        lat, lon = float(entry["lat"]), float(entry["lon"])  # type: ignore[arg-type]
        assert 37.6 <= lat <= 43.1 and 124.1 <= lon <= 130.8, entry["name"]


def test_no_alias_names_two_north_korean_places() -> None:
    owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for entry in _kp_places():
        for alias in [entry["name"], *(entry.get("aliases") or [])]:  # type: ignore[misc]
            owners[vocab.phrase_key(str(alias))].add(str(entry["name"]))
    shared = {key: names for key, names in owners.items() if len(names) > 1}
    assert not shared


def test_the_gazetteer_covers_most_counties() -> None:
    counties = [e for e in _kp_places() if e["kind"] in ("city", "county")]
    assert len(counties) >= 150
    by_region = defaultdict(int)
    for entry in counties:
        by_region[entry["region"]] += 1
    # every province has its cities and counties, not just its capital
    for code in ("KP-02", "KP-03", "KP-04", "KP-05", "KP-06", "KP-07", "KP-08", "KP-09",
                 "KP-10"):
        assert by_region[code] >= 10, code


@pytest.mark.parametrize(("sentence", "quote", "region"), [
    ("Residents of Kangdong County near the capital were mobilised for road works.",
     "Kangdong County", "KP-01"),
    ("A farm manager in Maengsan was taken away by security agents in the spring.",
     "Maengsan", "KP-02"),
    ("Two smugglers were caught on the coast of Cholsan-gun last week.", "Cholsan-gun",
     "KP-03"),
    ("Workers at a munitions plant in Chonchon county have gone unpaid.",
     "Chonchon county", "KP-04"),
    ("A teacher from Chaeryŏng was sent to a labour camp for watching foreign films.",
     "Chaeryŏng", "KP-05"),
    ("Police in Koksan searched every house for mobile phones.", "Koksan", "KP-06"),
    ("Fishermen from Tongchon were detained after returning from sea.", "Tongchon", "KP-07"),
    ("A woman in Bukcheong was questioned about calls to her son in Seoul.",
     "Bukcheong", "KP-08"),
    ("Soldiers stationed in Myongchon County were punished for theft.", "Myongchon County",
     "KP-09"),
    ("Traders crossing the river from Kapsan were arrested.", "Kapsan", "KP-10"),
    ("Dock workers in Sonbong were forced to work through the holiday.", "Sonbong", "KP-13"),
    ("A factory in Waudo district closed for lack of electricity.", "Waudo district",
     "KP-14"),
    ("Market vendors in Sunam district were fined for selling rice.", "Sunam district",
     "KP-09"),
    ("A family living in Wiyon-dong was evicted by the authorities.", "Wiyon-dong", "KP-10"),
])
def test_a_county_named_in_a_sentence_gives_its_province(sentence: str, quote: str,
                                                          region: str) -> None:
    assert (quote, region) in _kp_facts(sentence)


@pytest.mark.parametrize("sentence", [
    "Anak Agung Gede was questioned by police in Bali.",
    "The Orang Asli community protested the logging of its forest.",
    "Students at Sunan Kalijaga university staged a protest.",
    "Steel workers in Pohang went on strike.",
    "Islanders in Ongjin county were evacuated after the shelling.",
    "The usi report was published on Tuesday.",
])
def test_names_shared_with_other_places_or_words_need_a_north_korean_qualifier(
        sentence: str) -> None:
    assert _kp_facts(sentence) == []


def test_kosong_county_is_marked_ambiguous() -> None:
    # Goseong/Kosong names counties on both sides of the border
    term = vocab.load("places").lookup("Kosong county")
    assert term is not None and term.attrs.get("ambiguous") is True
    assert term.attrs["region"] == "KP-07"
