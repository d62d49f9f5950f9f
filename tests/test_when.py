"""Which stated date is the incident's own (``role: when``)."""

from __future__ import annotations

from corroborate.extract import extract
from corroborate.model import Report
from corroborate.when import find_dates_facts

from .helpers import text_report


def _report(text: str, published: str | None = "2021-06-01") -> Report:
    return text_report(text, published=published, id="r-when")


def _when(text: str, published: str | None = "2021-06-01") -> tuple[str, str]:
    [incident] = extract(_report(text, published))
    [when] = [f for f in incident.facts if f.field == "date" and f.attrs.get("role") == "when"]
    return when.value, when.evidence.quote


def test_the_date_of_the_violent_act_beats_the_news_hook_stated_first():
    text = ("Prosecutors on Thursday charged three officers. The journalist was killed "
            "on March 3, 2019 near his home.")
    assert _when(text) == ("2019-03-03", "March 3, 2019")


def test_the_date_nearest_the_act_in_its_sentence():
    text = ("The activist, who founded the group in 2005, was arrested on Tuesday "
            "in the capital.")
    assert _when(text) == ("2021-05-25", "on Tuesday")


def test_a_date_in_a_sentence_about_a_trial_alone_does_not_count():
    text = ("The court heard the case in 2020. Police detained him in May and beat him "
            "in custody.")
    assert _when(text) == ("2021-05", "May")


def test_without_a_dated_act_the_first_date_is_kept():
    text = ("Since 2015 the group has faced threats. On Friday the police were "
            "criticised for their silence about the attack.")
    assert _when(text) == ("2015", "Since 2015")


def test_no_violations_given_keeps_the_first_dated_expression():
    facts = find_dates_facts(_report("In recent years and in May 2018 little changed."))
    assert [f.evidence.quote for f in facts if f.attrs.get("role") == "when"] == ["May 2018"]


def test_the_year_of_a_law_is_not_the_incidents_date():
    text = ("Under the Cybercrimes Act of 2016, police in Abuja arrested the blogger, "
            "who was charged in May 2021.")
    assert _when(text) == ("2021-05", "May 2021")


def test_the_day_an_outlet_reported_is_not_the_incidents_date():
    text = ("NK News reported on Sunday that seven students were detained by agents in "
            "Hamhung on 20 February.")
    assert _when(text, "2021-03-25") == ("2021-02-20", "20 February")
    # without an outlet before "reported", the date stays a candidate
    text = "Residents reported on Sunday that seven students were detained in Hamhung."
    assert _when(text, "2021-03-25") == ("2021-03-21", "on Sunday")


def test_a_forced_repatriation_dates_the_incident():
    text = ("In 2019 the UN criticised the policy again. Chinese police forcibly repatriated "
            "sixty women from Dandong on 9 October, a source in Sinuiju said.")
    assert _when(text) == ("2020-10-09", "9 October")


def test_a_background_year_is_marked_and_passed_over():
    text = ("The broker, who escaped from Hoeryong in 2012, was detained by Chinese police "
            "in Yanji on 2 May.")
    assert _when(text) == ("2021-05-02", "2 May")
    [background] = [f for f in find_dates_facts(_report(text)) if f.value == "2012"]
    assert background.attrs["role"] == "background"
    assert background.attrs["background"] == "past of a person"
