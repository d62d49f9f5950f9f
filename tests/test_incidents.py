from __future__ import annotations

from corroborate.extract import extract
from corroborate.incidents import main_values

from .helpers import text_report

_LEAD = ("Police in Harare, Zimbabwe, detained the reporter Tendai Moyo on Tuesday after she "
         "filmed a protest outside the courts. Her lawyer said she was held overnight at a "
         "central station and released on Wednesday without charge. ")
_FILLER = ("The station has a long record of complaints from residents. Local editors met on "
           "Thursday to discuss the arrests of journalists this year. ")


def _violations(text: str) -> list[str]:
    report = text_report(text, published="2022-03-01", id="r-i")
    [incident] = extract(report)
    return [f.value for f in main_values(incident)["violations"]]


def test_torture_named_once_at_the_back_of_a_report_is_background():
    late = _LEAD + _FILLER * 3 + "Rights groups have long accused the force of torture."
    assert "arbitrary_detention" in _violations(late)
    assert "torture" not in _violations(late)


def test_torture_in_the_lead_or_stated_twice_is_the_incidents():
    early = ("Police tortured the reporter Tendai Moyo in Harare, Zimbabwe, on Tuesday. "
             + _LEAD + _FILLER * 3)
    twice = (_LEAD + _FILLER * 3 + "Her lawyer said she was tortured. Doctors confirmed "
             "she had been tortured in the cells.")
    assert "torture" in _violations(early)
    assert "torture" in _violations(twice)
