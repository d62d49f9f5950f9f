from datetime import date

import pytest

from corroborate.dates import find_dates, normalise_date, resolve

JUNE_15 = date(2017, 6, 15)


@pytest.mark.parametrize(("text", "anchor", "value", "precision"), [
    ("the crackdown began in May after the order", JUNE_15, "2017-05", "month"),
    ("the crackdown began in May after the order", None, "XXXX-05", "month"),
    ("arrested in July", JUNE_15, "2016-07", "month"),  # a later month is last year's
    ("sources told RFA in November 2015", JUNE_15, "2015-11", "month"),
    ("rolled out in late 2000", JUNE_15, "2000", "year"),
    ("arrested last month", JUNE_15, "2017-05", "month"),
    ("arrested last month", date(2017, 1, 3), "2016-12", "month"),
    ("executed earlier this month", JUNE_15, "2017-06", "month"),
    ("held since last year", JUNE_15, "2016", "year"),
    ("increased in recent years", JUNE_15, "", "unknown"),
    ("famines in the 1990s", JUNE_15, "199X", "decade"),
    ("detained on May 3, 2017 in Hyesan", None, "2017-05-03", "day"),
    ("detained on 14 January 2021", None, "2021-01-14", "day"),
    ("released yesterday", JUNE_15, "2017-06-14", "day"),
    ("two years ago", JUNE_15, "2015", "year"),
    ("in May 2018, police raided", JUNE_15, "2018-05", "month"),
    ("on 4 June 2019, he was held", JUNE_15, "2019-06-04", "day"),
])
def test_resolves_against_publication_date(text, anchor, value, precision):
    mentions = find_dates(text)
    assert len(mentions) == 1, mentions
    assert resolve(mentions[0], anchor) == (value, precision)
    m = mentions[0]
    assert text[m.start:m.end] == m.quote


def test_may_as_a_verb_is_not_a_date():
    assert find_dates("Officials May not allow it. He may go.") == []


def test_normalise_publication_dates():
    assert normalise_date("2019-03-18T09:00:00+09:00") == "2019-03-18"
    assert normalise_date("June 15, 2017") == "2017-06-15"
    assert normalise_date("15 June 2017") == "2017-06-15"
    assert normalise_date("2017-02-30") is None
    assert normalise_date("soon") is None
    assert normalise_date("0001-01-01") is None  # a placeholder some sites declare


def test_absurd_relative_dates_are_unknown_not_a_crash():
    mention = find_dates("it began 900000 days ago")[0]
    assert resolve(mention, date(2017, 6, 15)) == ("", "unknown")


def test_the_second_of_two_decades_is_a_decade_not_its_first_year():
    found = [(m.quote, m.year, m.decade) for m in
             find_dates("convicted of crimes from the 1970s and 1980s, and freed in 2008")]
    assert found == [("the 1970s", None, 1970), ("1980s", None, 1980), ("in 2008", 2008, None)]
