"""Dates in Korean: each form resolved against the publication date, with its precision and
its quote (particles left out), background dates kept out of ``when``.

The sentences and the report are written for these tests.
"""

from __future__ import annotations

import pytest

from corroborate import vocab
from corroborate.incidents import anchored
from corroborate.model import Fact, Incident, Report
from corroborate.when import find_dates_facts

from .helpers import text_report


def _report(text: str, published: str | None) -> Report:
    return text_report(text, published=published, id="r-dates-ko", language="ko")


def _dates(text: str, published: str | None = "2017-06-15") -> list[Fact]:
    report = _report(text, published)
    facts = find_dates_facts(report)
    for fact in facts:  # every evidence span quotes the text it stands on
        assert text[fact.evidence.start:fact.evidence.end] == fact.evidence.quote
    return facts


def _one(text: str, published: str | None = "2017-06-15") -> tuple[str, str, str]:
    [fact] = _dates(text, published)
    return fact.value, fact.attrs["precision"], fact.evidence.quote


# (sentence, publication date, value, precision, quote); 2017-06-15 is a Thursday
FORMS = [
    # absolute
    ("보위부는 2017년 5월 15일에 그를 체포했다.", "2017-06-15", "2017-05-15", "day",
     "2017년 5월 15일"),
    ("단속은 2016년 5월에 시작됐다.", "2017-06-15", "2016-05", "month", "2016년 5월"),
    ("2015년부터 국경 경비가 강화됐다.", "2017-06-15", "2015", "year", "2015년"),
    ("5월 15일 혜산에서 주민이 체포됐다.", "2017-06-15", "2017-05-15", "day", "5월 15일"),
    # a month after the publication month is last year's, as "in July" is in English
    ("7월 3일 무산에서 주민이 체포됐다.", "2017-06-15", "2016-07-03", "day", "7월 3일"),
    ("그는 '16년 가을 체포됐다.", "2018-02-01", "2016", "year", "'16년 가을"),
    ("그는 '98년 중국으로 건너갔다.", "2018-02-01", "1998", "year", "'98년"),
    ("2017.5.15 공개처형이 있었다.", "2017-06-15", "2017-05-15", "day", "2017.5.15"),
    ("2017.05.16 공개처형이 있었다.", "2017-06-15", "2017-05-16", "day", "2017.05.16"),
    ("2017. 5. 17. 공개재판이 열렸다.", "2017-06-15", "2017-05-17", "day", "2017. 5. 17"),
    ("처형은 2017-05-18 혜산에서 집행됐다.", "2017-06-15", "2017-05-18", "day", "2017-05-18"),
    ("4월 초 단속이 시작됐다.", "2017-06-15", "2017-04", "month", "4월 초"),
    ("4월 초순께 단속이 시작됐다.", "2017-06-15", "2017-04", "month", "4월 초순"),
    ("3월 중순에 검열이 있었다.", "2017-06-15", "2017-03", "month", "3월 중순"),
    ("8월 하순 주민들이 끌려갔다.", "2017-06-15", "2016-08", "month", "8월 하순"),
    ("5월 말까지 검열이 이어졌다.", "2017-06-15", "2017-05", "month", "5월 말"),
    ("2016년 하반기 처형이 늘었다.", "2017-06-15", "2016", "year", "2016년 하반기"),
    ("올해 상반기 체포가 이어졌다.", "2017-06-15", "2017", "year", "올해 상반기"),
    ("하반기에 체포가 늘었다.", "2017-03-10", "2016", "year", "하반기"),  # not yet begun
    ("상반기에 체포가 늘었다.", "2017-09-10", "2017", "year", "상반기"),
    ("올해 봄 검열이 있었다.", "2017-06-15", "2017", "year", "올해 봄"),
    ("올봄에 검열이 있었다.", "2017-06-15", "2017", "year", "올봄"),
    ("지난해 겨울 단속이 있었다.", "2017-06-15", "2016", "year", "지난해 겨울"),
    ("지난봄 단속이 있었다.", "2017-06-15", "2017", "year", "지난봄"),
    ("지난봄 단속이 있었다.", "2017-04-20", "2016", "year", "지난봄"),  # spring not over
    ("지난 겨울 단속이 있었다.", "2018-03-05", "2017", "year", "지난 겨울"),  # Dec 2017-Feb
    # relative
    ("지난달 주민 3명이 체포됐다.", "2017-06-15", "2017-05", "month", "지난달"),
    ("지난달 주민 3명이 체포됐다.", "2017-01-03", "2016-12", "month", "지난달"),
    ("이달 주민 3명이 체포됐다.", "2017-06-15", "2017-06", "month", "이달"),
    ("이번 달 주민 3명이 체포됐다.", "2017-06-15", "2017-06", "month", "이번 달"),
    ("이달 초 주민이 체포됐다.", "2017-06-15", "2017-06", "month", "이달 초"),
    ("이달 중순 주민이 체포됐다.", "2017-06-25", "2017-06", "month", "이달 중순"),
    ("이달 말 주민이 체포됐다.", "2017-06-30", "2017-06", "month", "이달 말"),
    ("지난달 하순 주민이 체포됐다.", "2017-01-05", "2016-12", "month", "지난달 하순"),
    ("지난해 단속이 강화됐다.", "2017-06-15", "2016", "year", "지난해"),
    ("작년 단속이 강화됐다.", "2017-06-15", "2016", "year", "작년"),
    ("올해 단속이 강화됐다.", "2017-06-15", "2017", "year", "올해"),
    ("지난해 11월 그가 체포됐다.", "2017-06-15", "2016-11", "month", "지난해 11월"),
    ("작년 11월 그가 체포됐다.", "2017-01-10", "2016-11", "month", "작년 11월"),
    ("지난해 12월 28일 그가 체포됐다.", "2017-06-15", "2016-12-28", "day", "지난해 12월 28일"),
    ("지난달 28일 그가 체포됐다.", "2017-01-03", "2016-12-28", "day", "지난달 28일"),
    ("지난 7일 그가 체포됐다.", "2017-06-15", "2017-06-07", "day", "지난 7일"),
    # the 28th after the 3rd: the previous month's, over a year's end too
    ("지난 28일 그가 체포됐다.", "2017-06-03", "2017-05-28", "day", "지난 28일"),
    ("지난 28일 그가 체포됐다.", "2017-01-03", "2016-12-28", "day", "지난 28일"),
    ("지난 31일 그가 체포됐다.", "2017-03-05", "2017-01-31", "day", "지난 31일"),  # no Feb 31
    ("13일 그가 체포됐다.", "2017-06-15", "2017-06-13", "day", "13일"),
    ("13일 그가 체포됐다.", "2017-06-10", "2017-05-13", "day", "13일"),
    ("오는 20일 공개재판이 열린다.", "2017-06-15", "2017-06-20", "day", "오는 20일"),
    ("어제 그가 체포됐다.", "2017-03-01", "2017-02-28", "day", "어제"),
    ("그제 그가 체포됐다.", "2017-06-15", "2017-06-13", "day", "그제"),
    ("그저께 그가 체포됐다.", "2017-01-01", "2016-12-30", "day", "그저께"),
    ("지난주 그가 체포됐다.", "2017-06-03", "2017-05", "month", "지난주"),
    ("이번 주 그가 체포됐다.", "2017-06-15", "2017-06", "month", "이번 주"),
    # the weekend of the week before: Saturday 27 May for Friday 2 June
    ("지난 주말 그가 체포됐다.", "2017-06-02", "2017-05", "month", "지난 주말"),
    ("지난 주말 그가 체포됐다.", "2017-06-15", "2017-06", "month", "지난 주말"),
    ("지난주 금요일 그가 체포됐다.", "2017-06-15", "2017-06-09", "day", "지난주 금요일"),
    ("화요일 그가 체포됐다.", "2017-06-15", "2017-06-13", "day", "화요일"),
    ("사흘 전 그가 체포됐다.", "2017-06-15", "2017-06-12", "day", "사흘 전"),
    ("두 달 전 그가 체포됐다.", "2017-06-15", "2017-04", "month", "두 달 전"),
    ("5년 전 그가 체포됐다.", "2017-06-15", "2012", "year", "5년 전"),
    ("1990년대 처형이 잦았다.", "2017-06-15", "199X", "decade", "1990년대"),
    ("90년대 중반 처형이 잦았다.", "2017-06-15", "199X", "decade", "90년대 중반"),
    ("고난의 행군 시기 처형이 잦았다.", "2017-06-15", "199X", "decade", "고난의 행군 시기"),
]


@pytest.mark.parametrize(("text", "published", "value", "precision", "quote"), FORMS)
def test_each_form_resolves_against_the_publication_date(text, published, value, precision,
                                                         quote):
    assert _one(text, published) == (value, precision, quote)


@pytest.mark.parametrize(("text", "quote"), [
    ("최근 주민 3명이 체포됐다.", "최근"),
    ("며칠 전 주민 3명이 체포됐다.", "며칠 전"),
    ("최근 몇 년 사이 단속이 강화됐다.", "최근 몇 년 사이"),
])
def test_vague_words_are_kept_without_a_date(text, quote):
    [fact] = _dates(text)
    assert (fact.value, fact.attrs["precision"], fact.evidence.quote) == (quote, "unknown", quote)
    assert fact.attrs.get("role") != "when"


@pytest.mark.parametrize(("text", "quote"), [
    ("그는 5월에 체포됐다.", "5월"),
    ("지난달부터 단속이 시작됐다.", "지난달"),
    ("13일에는 공개재판이 열렸다.", "13일"),
    ("2015년부터 국경 경비가 강화됐다.", "2015년"),
    ("지난해 11월께 체포됐다.", "지난해 11월"),
    ("이달 초까지 검열이 이어졌다.", "이달 초"),
])
def test_a_particle_after_the_date_is_left_out_of_the_quote(text, quote):
    assert _one(text)[2] == quote


@pytest.mark.parametrize("text", [
    "구류된 지 13일째 되는 날 풀려났다.",
    "그는 15일 동안 조사를 받았다.",
    "보위부는 그에게 구류 15일 처분을 내렸다.",
    "그는 그제서야 사실을 알았다.",
    "어제오늘 일이 아니다.",
    "그는 노동단련대 6개월과 교화 5년형을 받았다.",
    "그는 3일 만에 풀려났다.",
    "그들은 1일 2회 사상 강연을 들어야 했다.",
    "매주 금요일 생활총화가 열린다.",
])
def test_counts_of_days_and_words_that_hold_date_syllables_are_not_dates(text):
    assert _dates(text) == []


def test_without_a_publication_date_the_story_date_resolves_them_later():
    text = ("지난 28일 보위원들이 그를 체포했고 지난해 11월에도 검열이 있었다. "
            "그는 5월 하순 풀려났다.")
    facts = _dates(text, published=None)
    assert [(f.value, f.attrs["precision"], f.attrs["anchored"]) for f in facts] == [
        ("지난 28일", "unknown", False), ("XXXX-11", "month", False),
        ("XXXX-05", "month", False)]
    incident = anchored(Incident("i-ko", "r-dates-ko", tuple(facts)), "2017-06-03")
    assert [f.value for f in incident.facts] == ["2017-05-28", "2016-11", "2017-05"]


def _when(facts: list[Fact]) -> tuple[str, str] | None:
    found = [(f.value, f.evidence.quote) for f in facts if f.attrs.get("role") == "when"]
    assert len(found) <= 1
    return found[0] if found else None


def _background(facts: list[Fact]) -> dict[str, str]:
    return {f.evidence.quote: f.attrs["background"] for f in facts
            if f.attrs.get("role") == "background"}


@pytest.mark.parametrize(("text", "quote", "reason"), [
    ("2012년 탈북한 김씨의 동생이 지난달 보위부에 체포됐다.", "2012년", "past of a person"),
    ("2012년 중국을 거쳐 탈북한 김씨의 동생이 지난달 체포됐다.", "2012년", "past of a person"),
    ("탈북하기 전인 2010년 그는 교원이었다. 그의 동생이 지난달 체포됐다.", "2010년",
     "past of a person"),
    ("1985년생인 그의 동생이 지난달 체포됐다.", "1985년", "past of a person"),
    ("2015년 개정된 형법에 따라 지난달 밀수꾼들이 체포됐다.", "2015년", "a law made"),
    ("2020년 12월 채택된 반동사상문화배격법으로 지난달 청년들이 처벌됐다.", "2020년 12월",
     "a law made"),
    ("그는 과거에도 2016년 구류된 적이 있으며 지난달 다시 체포됐다.", "2016년",
     "an earlier act"),
    ("그는 2016년 밀수 혐의로 구류된 적이 있는데 지난달 다시 체포됐다.", "2016년",
     "an earlier act"),
    ("그는 3년 전에도 체포된 바 있으며 지난달 다시 체포됐다.", "3년 전", "an earlier act"),
    ("그는 2018년 체포된 바 있으며 지난달 다시 체포됐다.", "2018년", "an earlier act"),
    ("고난의 행군 시기 부모를 잃은 그가 지난달 체포됐다.", "고난의 행군 시기", "a past period"),
    ("2010년 당시 그는 보위부 초급 간부였고 지난달 체포됐다.", "2010년", "an earlier act"),
])
def test_background_dates_are_marked_and_never_the_incidents(text, quote, reason):
    facts = _dates(text)
    assert _background(facts) == {quote: reason}
    assert _when(facts) == ("2017-05", "지난달")


@pytest.mark.parametrize("text", [
    "지난달 탈북을 시도하다 국경경비대에 체포됐다.",  # the attempt is the incident
    "지난달 보위부에 체포된 김씨는 2012년 탈북한 어머니를 두었다.",
    "지난달 체포된 주민들은 사흘 뒤 풀려났다.",
    "지난달 체포된 주민은 예전에 밀수로 처벌받은 적이 있다.",
    # defectors (탈북민, 탈북자) are people the act befell, not a person's past
    "지난달 탈북민 5명이 중국 공안에 체포돼 강제북송됐다.",
    "지난달 탈북자 가족 3명이 보위부에 체포됐다.",
])
def test_the_incidents_own_date_is_not_background(text):
    facts = _dates(text)
    assert "지난달" not in _background(facts)
    assert _when(facts) == ("2017-05", "지난달")


@pytest.mark.parametrize("told", ["13일 데일리NK에 \"", "13일 데일리NK와의 통화에서 \"",
                                  "13일 RFA에 이같이 말했다. \""])
def test_the_day_a_source_spoke_is_not_the_incidents_date(told):
    text = f"양강도 소식통은 {told}지난 7일 혜산시 보위부가 주민 3명을 체포했다\"고 전했다."
    assert _when(_dates(text)) == ("2017-06-07", "지난 7일")


def test_the_date_nearest_the_first_violent_act_wins():
    text = ("보위부는 올해 1월부터 국경 단속을 강화했다. 회령시에서는 지난 7일 주민 3명이 "
            "보위부에 체포됐다.")
    report = _report(text, "2017-06-15")
    assert _when(find_dates_facts(report)) == ("2017-01", "올해 1월")  # no act: the first
    term = vocab.load("violations").terms["arbitrary_detention"]
    at = text.index("체포")
    act = vocab.Hit(term, at, at + 2, "체포", "alias")
    assert _when(find_dates_facts(report, [act])) == ("2017-06-07", "지난 7일")


# A report of our own: a source's call (the 20th), the arrests (early this month), a
# defection (2014) and an earlier penalty (2019) in the past of one of them, the start of
# the crackdown (last November) and the famine years.
REPORT = (
    "양강도 소식통은 20일 데일리NK에 \"혜산시 보위부가 이달 초 중국 손전화기를 쓰던 주민 "
    "다섯 명을 체포했다\"고 전했다. 체포된 주민 가운데 한 명은 2014년 탈북한 여성의 언니로, "
    "과거에도 2019년 밀수 혐의로 노동단련대에 보내진 적이 있다고 한다. 보위부는 지난해 "
    "11월부터 국경 지역 통제를 강화해 왔다. 소식통은 \"고난의 행군 시기에도 이렇게까지 "
    "단속하지는 않았다\"고 말했다."
)


def test_a_korean_report_dates_its_incident_among_several_dates():
    facts = _dates(REPORT, "2023-06-21")
    assert [(f.evidence.quote, f.value, f.attrs["precision"]) for f in facts] == [
        ("20일", "2023-06-20", "day"), ("이달 초", "2023-06", "month"),
        ("2014년", "2014", "year"), ("2019년", "2019", "year"),
        ("지난해 11월", "2022-11", "month"), ("고난의 행군 시기", "199X", "decade")]
    assert _when(facts) == ("2023-06", "이달 초")
    assert _background(facts) == {"2014년": "past of a person", "2019년": "an earlier act",
                                  "고난의 행군 시기": "a past period"}
    act_at = REPORT.index("체포했다")
    act = vocab.Hit(vocab.load("violations").terms["arbitrary_detention"], act_at,
                    act_at + 2, "체포", "alias")
    assert _when(find_dates_facts(_report(REPORT, "2023-06-21"), [act])) == (
        "2023-06", "이달 초")
