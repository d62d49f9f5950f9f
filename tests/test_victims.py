from __future__ import annotations

import pytest

from corroborate.model import Byline, Evidence, Fact
from corroborate.victims import find_named_victims

from .helpers import text_report

# the function only looks at whether the report states a violation at all
_VIOLATION = [Fact("violation", "arbitrary_detention", "arbitrary arrest or detention",
                   Evidence("r-test", 0, 0, ""))]


def _victims(text: str, bylines: tuple[Byline, ...] = ()) -> dict[str, Fact]:
    report = text_report(text, bylines=bylines, id="r-test")
    facts = find_named_victims(report, _VIOLATION)
    for fact in facts:
        assert fact.field == "victim" and fact.attrs["kind"] == "person"
        assert text[fact.evidence.start:fact.evidence.end] == fact.evidence.quote
        assert fact.evidence.quote == fact.label
    return {f.label: f for f in facts}


def test_role_noun_before_the_name():
    found = _victims("Police in Lagos arrested journalist Ade Bello on Monday night.")
    assert list(found) == ["Ade Bello"]
    assert found["Ade Bello"].value == "person:ade bello"
    assert found["Ade Bello"].attrs["role"] == "journalist"


def test_role_noun_after_the_name():
    found = _victims("Maria Okafor, a human rights lawyer, has not been seen since Tuesday.")
    assert list(found) == ["Maria Okafor"]
    assert found["Maria Okafor"].attrs["role"] == "lawyer"


@pytest.mark.parametrize("text", [
    "Tomas Reyes was abducted by armed men outside his home in the capital.",
    "Tomas Reyes, 34, was reportedly beaten in custody.",
    "Tomas Reyes, who leads a farmers' cooperative, was detained on Friday.",
    "Soldiers shot and killed Tomas Reyes at a checkpoint.",
    "Relatives are demanding an inquiry into the killing of Tomas Reyes.",
    "Tomas Reyes's arrest drew protests in three towns.",
])
def test_violation_verb_subject_or_object(text: str):
    found = _victims(text)
    assert list(found) == ["Tomas Reyes"]
    assert found["Tomas Reyes"].attrs["role"] is None


def test_later_mentions_by_surname_count_for_the_full_name():
    text = ("Activist Ade Bello was arrested on Monday. Bello had criticised the governor in "
            "a radio interview. Officers released Bello on bail two days later.")
    found = _victims(text)
    assert list(found) == ["Ade Bello"]
    fact = found["Ade Bello"]
    assert fact.attrs["mentions"] == 3 and fact.attrs["role"] == "activist"
    assert (fact.evidence.start, fact.evidence.end) == (9, 18)  # the first, full mention


def test_names_listed_together_share_the_cue():
    found = _victims("Teachers Ana Lima, Bruno Costa and Carla Dias were detained at dawn.")
    assert sorted(found) == ["Ana Lima", "Bruno Costa", "Carla Dias"]


def test_quoted_officials_and_perpetrators_are_not_victims():
    text = ("Security agents detained blogger Nadia Karimi at her flat in the capital. "
            "\"She broke the law,\" said John Carter, a police spokesman. "
            "President Omar Said ordered the arrests, and Colonel Victor Hale led the raid. "
            "Maxwell Ode, a spokesman for the interior ministry, said she would be charged.")
    assert list(_victims(text)) == ["Nadia Karimi"]


def test_people_merely_quoted_are_not_victims():
    text = ("Police arrested reporter Lena Park on Sunday. Her colleague Tom Reed, a "
            "photographer, said the arrest was meant to silence the newsroom. \"We are "
            "afraid,\" Reed told us.")
    assert list(_victims(text)) == ["Lena Park"]


def test_a_suspect_arrested_for_a_killing_is_not_a_victim():
    text = ("Police arrested Peter Osei for the murder of journalist Ama Boateng, whose "
            "body was found on Saturday.")
    assert list(_victims(text)) == ["Ama Boateng"]


def test_bylines_are_not_victims():
    text = ("By Sarah Jones\n\nPolice arrested activist Ade Bello in the capital on Monday."
            "\n\nReporting by Ken Watanabe; editing by Ruth Mills")
    assert list(_victims(text)) == ["Ade Bello"]
    stated = _victims("Dana Whitfield was detained while covering the march.",
                      bylines=(Byline("author", "Dana Whitfield"),))
    assert stated == {}


def test_places_and_organisations_are_not_people():
    text = ("Troops detained Boko Haram fighters near Port Harcourt. Costa Rica was accused "
            "of ill-treating migrants, and the arrests of Hong Kong activists continued.")
    assert _victims(text) == {}


def test_a_pseudonym_given_for_a_source_is_never_returned():
    text = ("Kim Soo-yeon (not her real name) was detained by security agents in March, "
            "a source in the city said.")
    assert _victims(text) == {}


def test_nothing_without_a_violation():
    report = text_report("Journalist Ade Bello was arrested.", id="r-test")
    assert find_named_victims(report, []) == []
