"""Background dates (a person's past, the making of a law, an earlier act) are kept as facts
with ``role: background`` and are never the incident's ``when``.

The reports are written for these tests.
"""

from __future__ import annotations

import pytest

from corroborate.extract import extract
from corroborate.model import Fact

from .helpers import text_report


def _dates(text: str, published: str = "2023-06-20") -> list[Fact]:
    [incident] = extract(text_report(text, published=published, id="r-background"))
    return [f for f in incident.facts if f.field == "date"]


def _when(text: str) -> str | None:
    return next((f.value for f in _dates(text) if f.attrs.get("role") == "when"), None)


def _background(text: str) -> dict[str, str]:
    return {f.value: f.attrs["background"] for f in _dates(text)
            if f.attrs.get("role") == "background"}


def test_the_year_a_law_was_revised_is_not_the_date_of_the_arrests():
    text = ("Under the criminal law, revised in 2015, smuggling phones carries up to five "
            "years. Security agents arrested eleven traders in Hyesan in March 2023.")
    assert _when(text) == "2023-03"
    assert _background(text) == {"2015": "a law made"}


def test_the_year_an_activist_defected_is_background():
    text = ("Choi, who defected in 2009, said her nephew was detained by the bowibu in "
            "Musan after a phone call to Seoul.")
    assert _when(text) is None  # the detention is undated: no date is the incident's
    assert _background(text) == {"2009": "past of a person"}


def test_an_earlier_arrest_is_background_and_the_new_one_is_the_incident():
    text = ("Police in Hoeryong detained the broker in April 2023 for smuggling; he had been "
            "arrested once before in 2017.")
    assert _when(text) == "2023-04"
    assert _background(text) == {"2017": "an earlier act"}


def test_a_background_date_stated_first_does_not_win_the_fallback():
    # no date shares a sentence with the act: without the rule the first date would win
    text = ("Kim, who fled to South Korea in 2014, founded a rescue group. "
            "Her brother was detained. It happened in January 2023 near Hyesan.")
    assert _when(text) == "2023-01"


@pytest.mark.parametrize(("text", "reason"), [
    ("In 2015, the criminal law was revised to add the death penalty. Agents arrested "
     "nine smugglers in Hyesan in May 2023.", "a law made"),
    ("In 2009 Lee defected to South Korea. Her father was arrested in Musan in May 2023.",
     "past of a person"),
    ("Since escaping in 2011, Park has sought news of her sister. The sister was detained "
     "in Onsong in May 2023.", "past of a person"),
    ("Police in Hyesan detained the trader in May 2023. The decree took effect in "
     "2020.", "a law made"),
    ("Agents detained the preacher in Sinuiju in May 2023; he was previously jailed in "
     "2016.", "an earlier act"),
])
def test_background_clauses_of_each_kind(text, reason):
    assert _when(text) == "2023-05"
    assert reason in _background(text).values()


@pytest.mark.parametrize(("text", "when"), [
    ("Police in Hyesan arrested the trader earlier in May, a source said.", "2023-05"),
    ("Police in Hyesan arrested the trader earlier this month, a source said.", "2023-06"),
    ("A source said five students had been detained in Hamhung in early April.", "2023-04"),
    ("The father of the woman who fled was arrested in Musan in 2021.", "2021"),
])
def test_the_incidents_own_date_is_not_background(text, when):
    assert _when(text) == when
    assert _background(text) == {}


def test_a_date_both_background_and_the_incidents_keeps_its_when():
    text = ("Ri, who defected in 2021, told us her mother was detained in Musan in "
            "2021.")
    [fact] = [f for f in _dates(text) if f.value == "2021"]
    assert fact.attrs.get("role") == "when"


def test_a_year_after_the_publication_is_never_the_incidents():
    # the nearest date to the first violent act is a later year than the report: the
    # incident is the relocation of the lead, dated on its own
    text = ("On 16 January, state security agents forcibly relocated five families from "
            "Pyongsong to a farm, a local source said.\n\n"
            "Former detainees interviewed in 2024 described torture in the county's "
            "holding centre as routine.")
    dates = _dates(text, published="2023-01-18")
    assert [f.value for f in dates if f.attrs.get("role") == "when"] == ["2023-01-16"]
    # with a publication date in 2024 the interview year could be the incident's
    later = _dates(text, published="2024-03-02")
    assert [f.value for f in later if f.attrs.get("role") == "when"] == ["2024"]


def test_a_date_later_in_the_publications_year_can_still_be_the_incidents():
    # publication dates run a day off (time zones) or keep an updated article's first date
    text = "Security agents detained the two traders in Hyesan on 29 December 2022."
    dates = _dates(text, published="2022-12-28")
    assert [f.value for f in dates if f.attrs.get("role") == "when"] == ["2022-12-29"]
