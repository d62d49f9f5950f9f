"""Places: capitals standing for their governments, and misspelt places of a report's country."""

from __future__ import annotations

import pytest

from corroborate.model import Fact
from corroborate.places import _fuzzy_index, _FuzzyIndex, find_places, main_country

from .helpers import text_report


def _places(text: str) -> list[Fact]:
    return find_places(text_report(text, published="2023-05-02", id="r-places"))


def _regions(text: str) -> set[str]:
    return {str(f.attrs["region"]) for f in _places(text) if f.attrs.get("region")}


def _metonyms(text: str) -> dict[str, str]:
    """quote -> country of every seat of government read as its government."""
    return {f.evidence.quote: str(f.attrs["country"]) for f in _places(text)
            if f.attrs.get("kind") == "metonym"}


def _fuzzy(text: str) -> dict[str, tuple[str, str | None]]:
    """quote -> (canonical spelling, region) of every place found through a slip."""
    return {f.evidence.quote: (str(f.attrs["canonical"]), f.attrs.get("region"))
            for f in _places(text) if f.attrs.get("fuzzy")}


# --- capitals for governments -----------------------------------------------------------

def test_a_capital_that_speaks_names_its_country_but_no_region() -> None:
    text = "Beijing said it would send the eleven escapees back across the Tumen river."
    assert "CN-BJ" not in _regions(text)
    facts = [f for f in _places(text) if f.evidence.quote == "Beijing"]
    assert len(facts) == 1
    fact = facts[0]
    assert fact.attrs["kind"] == "metonym" and fact.attrs["country"] == "CN"
    assert fact.attrs["region"] is None and fact.attrs.get("lat") is None


def test_a_possessive_capital_is_its_government() -> None:
    text = "Pyongyang's attempt to hide the public trial of three farmers has failed."
    assert "KP-01" not in _regions(text)
    assert _metonyms(text) == {"Pyongyang": "KP"}


def test_something_done_in_the_capital_keeps_its_region() -> None:
    text = "A university student was arrested in Pyongyang for lending out foreign films."
    assert "KP-01" in _regions(text)
    assert _metonyms(text) == {}


@pytest.mark.parametrize(("text", "seats"), [
    ("Seoul and Washington agreed on Monday to raise the prison camps at the UN.",
     {"Seoul": "KR", "Washington": "US"}),
    ("Talks between Pyongyang and Seoul broke down over the fate of the abductees.",
     {"Pyongyang": "KP", "Seoul": "KR"}),
    ("Moscow condemned the sentence handed to the blogger.", {"Moscow": "RU"}),
    ("Pyongyang has long denied that it holds any political prisoners.",
     {"Pyongyang": "KP"}),
    ("The minister urged Beijing to stop returning women who flee across the border.",
     {"Beijing": "CN"}),
    ("A pro-Beijing newspaper called the detained editor a traitor.", {"Beijing": "CN"}),
    ("The Kremlin's response to the hunger strike was silence.", {"Kremlin": "RU"}),
    ("Activists criticised their government's close ties with Pyongyang.",
     {"Pyongyang": "KP"}),
])
def test_capitals_acting_or_party_to_talks_are_governments(text: str,
                                                           seats: dict[str, str]) -> None:
    assert _metonyms(text) == seats
    assert not {"KP-01", "KR-11", "CN-BJ"} & _regions(text)


@pytest.mark.parametrize(("text", "region"), [
    ("A noodle stall in a market in Beijing was shut after the owner spoke to reporters.",
     "CN-BJ"),
    ("Beijing residents said plain-clothes police followed the lawyer home.", "CN-BJ"),
    ("She was held in Beijing's outskirts for two weeks before her release.", "CN-BJ"),
    ("Several families were moved out of Pyongyang in the spring.", "KP-01"),
    ("Officers in Seoul said the defector had been questioned for a month.", "KR-11"),
])
def test_a_capital_as_a_place_stays_a_place(text: str, region: str) -> None:
    assert region in _regions(text)
    assert _metonyms(text) == {}


def test_a_surname_like_a_capital_is_no_government() -> None:
    assert _metonyms("The actor Denzel Washington said he would donate the award.") == {}


def test_a_government_counts_for_its_country_less_than_a_country_named() -> None:
    # a government speaks, a country is named: the country named is the incident's (as
    # a city, Beijing would have outweighed it)
    text = ("Beijing said the boat crew, stopped off the coast of North Korea, would be "
            "returned.")
    country = main_country(_places(text))
    assert country is not None and country.value == "KP"
    # alone, a government still says which country the report is about
    alone = main_country(_places("Pyongyang's attempt to silence the families failed."))
    assert alone is not None and alone.value == "KP"


# --- misspelt places --------------------------------------------------------------------

_NK = "The man was taken by security agents in North Korea last month. "


@pytest.mark.parametrize(("word", "canonical", "region"), [
    ("Hoeryoung", "Hoeryong", "KP-09"),
    ("Chongjinn", "Chongjin", "KP-09"),
    ("Musann", "Musan", "KP-09"),
    ("Kanggey", "Kanggye", "KP-04"),  # two letters swapped
    ("Wonsann", "Wonsan", "KP-07"),
])
def test_a_slip_in_a_place_of_the_reports_country_finds_the_place(
        word: str, canonical: str, region: str) -> None:
    found = _fuzzy(_NK + f"His wife was questioned in {word} the next day.")
    assert found == {word: (canonical, region)}


def test_a_fuzzy_place_counts_as_its_place() -> None:
    facts = [f for f in _places(_NK + "Traders from Hoeryoung were fined.")
             if f.attrs.get("fuzzy")]
    assert facts[0].value == "KP-09:Hoeryong" and facts[0].attrs["kind"] == "city"
    assert facts[0].label == "Hoeryong"


@pytest.mark.parametrize("text", [
    "On Sunday police seized Samsung phones from Chinese traders near the river.",
    # "Reason", "Chosen" and "Single" are one slip from Rason, Chosan and Singye
    "Reason enough, the court said. Chosen by lot, the men were sent away.",
    "Single mothers were among those detained.",
    # a word the report also writes in lower case is a word, not a place
    "They kept chasing the smugglers. Chasing them, the guards fired.",
    # a person's name is not a place
    "Ms Musann said her brother was beaten. The lawyer Hoeryoung Kim was also held.",
    # an adjective made from a place is a word of its own
    "The Kanggyei delegation left.",
])
def test_ordinary_capitalised_words_are_not_misspelt_places(text: str) -> None:
    assert _fuzzy(_NK + text) == {}


def test_no_slip_is_read_outside_the_reports_country() -> None:
    nigeria = "Soldiers detained the reporter in Lagos, Nigeria, on Friday. "
    assert _fuzzy(nigeria + "His brother was later seen in Hoeryoung.") == {}
    # and a slip of a Nigerian place means nothing in a North Korean report
    assert _fuzzy(_NK + "His brother was later seen in Abeokua.") == {}
    assert _fuzzy(nigeria + "His brother was later seen in Abeokua.") == {
        "Abeokua": ("Abeokuta", "NG-OG")}


def test_a_slip_between_two_places_names_neither() -> None:
    # Suschon is one slip from both Sunchon and Sukchon
    index = _fuzzy_index("KP")
    assert index.lookup("sunchonn") is not None
    assert index.lookup("suschon") is None
    assert _fuzzy(_NK + "He was sent to Suschon.") == {}


def test_the_index_finds_names_through_shared_deletions() -> None:
    from corroborate import vocab

    term = vocab.Term("XX::Testplace", "Testplace", {})
    from corroborate.places import _Name

    index = _FuzzyIndex([_Name("testplace", term, "places")])
    assert index.lookup("testpalce") is not None  # a swap
    assert index.lookup("testplac") is None  # a name cut short is another word
    assert index.lookup("tastplace") is not None  # a substitution
    assert index.lookup("tastplaca") is None  # two slips
    assert index.lookup("testplace") is None  # the name itself is no slip
