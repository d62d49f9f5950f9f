"""Victim counts in Korean: each form of figure with the bounds it states.

Every sentence here is written for these tests.
"""

from __future__ import annotations

import pytest

from corroborate.counts import find_victim_counts
from corroborate.extract import extract
from corroborate.model import Fact

from .helpers import text_report


def _counts(text: str) -> list[Fact]:
    facts = find_victim_counts(text_report(text, language="ko"), [])
    for fact in facts:
        assert fact.field == "victim_count"
        assert text[fact.evidence.start:fact.evidence.end] == fact.evidence.quote
        assert fact.attrs["role"] == "victims"
    return facts


def _one(text: str) -> Fact:
    facts = _counts(text)
    assert len(facts) == 1, [(f.value, f.evidence.quote) for f in facts]
    return facts[0]


def _bounds(fact: Fact) -> tuple[object, ...]:
    a = fact.attrs
    return fact.value, a["min"], a["max"], a["exact"], a["approx"], a["noun"]


@pytest.mark.parametrize(("text", "quote", "expected"), [
    # a noun, then the figure; the figure, then 의 and the noun
    ("지난주 혜산시에서 주민 3명이 보위부에 체포됐다.",
     "주민 3명", ("3", 3, 3, True, False, "주민")),
    ("도 보위국은 밀수에 가담한 7명의 주민을 연행했다.",
     "7명의 주민", ("7", 7, 7, True, False, "주민")),
    # native numerals
    ("장마당에서 옷을 팔던 여성 세 명이 단속에 걸려 구류됐다.",
     "여성 세 명", ("3", 3, 3, True, False, "여성")),
    ("국경 근처에서 밀수꾼 두 명이 붙잡혔다고 한다.",
     "밀수꾼 두 명", ("2", 2, 2, True, False, "밀수꾼")),
    ("열다섯 명의 학생이 한국 드라마를 본 혐의로 조사를 받았다.",
     "열다섯 명의 학생", ("15", 15, 15, True, False, "학생")),
    ("농장원 스무 명이 식량을 빼돌렸다는 이유로 노동단련대에 보내졌다.",
     "농장원 스무 명", ("20", 20, 20, True, False, "농장원")),
    # a modifier before the noun, and a noun without a figure
    ("시장 관리소 앞에서 40대 여성 5명이 끌려갔다.",
     "40대 여성 5명", ("5", 5, 5, True, False, "여성")),
    ("한 40대 남성이 손전화 사용 혐의로 체포됐다.",
     "한 40대 남성", ("1", 1, 1, True, False, "남성")),
    ("이 사건으로 한 명이 공개처형됐다.",
     "한 명", ("1", 1, 1, True, False, None)),
    ("처형된 두 사람은 석 달 동안 구류장에 갇혀 있었다.",
     "두 사람", ("2", 2, 2, True, False, None)),
    # one person of an age
    ("밀수 조직을 이끈 40대 남성이 총살됐다.",
     "40대 남성", ("1", 1, 1, True, False, "남성")),
    ("보위부는 35세 여성을 간첩 혐의로 체포했다.",
     "35세 여성", ("1", 1, 1, True, False, "여성")),
    # families and couples
    ("탈북을 준비하던 일가족 4명이 국경에서 붙잡혔다.",
     "일가족 4명", ("4", 4, 4, True, False, "family")),
    ("중국에서 돌아온 젊은 부부가 보위부에 끌려갔다.",
     "부부", ("2", 2, 2, True, False, "부부")),
])
def test_a_figure_with_its_noun(text: str, quote: str, expected: tuple[object, ...]) -> None:
    fact = _one(text)
    assert fact.evidence.quote == quote
    assert _bounds(fact) == expected


@pytest.mark.parametrize(("text", "value", "low", "high", "exact", "approx"), [
    # N여 명: N and some, up to the next step of its last digit
    ("주민 10여 명이 한꺼번에 체포된 것으로 알려졌다.", "~10", 10, 19, False, True),
    ("100여명이 강제북송돼 집결소에 수감됐다.", "~100", 100, 199, False, True),
    ("십여 명이 밤사이 보안서에 연행됐다.", "~10", 10, 19, False, True),
    # vague figures
    ("검열 기간에 수십 명이 조사를 받고 일부는 구속됐다.", "dozens", 20, 99, False, True),
    ("국경 지역에서 수백 명이 추방됐다는 말이 돈다.", "hundreds", 200, 999, False, True),
    ("여러 명이 한밤중에 끌려갔다.", "several", 2, None, False, True),
    ("몇몇 주민들이 구타를 당했다.", "several", 2, None, False, True),
    ("그날 몇 명이 체포됐는지는 알려지지 않았다.", "several", 2, 9, False, True),
    # ranges
    ("주민 두세 명이 보위부에 구속됐다.", "2-3", 2, 3, False, False),
    ("서너 명의 상인이 단속에 걸려 처벌됐다.", "3-4", 3, 4, False, False),
    ("2~3명이 집결소에 구금됐다.", "2-3", 2, 3, False, False),
    # bounds before and after the figure
    ("최소 5명이 총살됐다고 소식통은 말했다.", "5+", 5, None, False, False),
    ("적어도 4명이 끌려갔다.", "4+", 4, None, False, False),
    ("20명 이상이 구류장에 갇혔다.", "20+", 20, None, False, False),
    ("30명이 넘는 주민이 단속에 걸려 체포됐다.", "30+", 31, None, False, False),
    ("약 50명이 노동교양 처벌을 받았다.", "~50", 50, 50, False, True),
    ("50명 가량이 체포됐다.", "~50", 50, 50, False, True),
    ("최대 8명이 처형됐을 수 있다는 얘기다.", "<=8", 1, 8, False, False),
    ("10명 미만이 석방되고 나머지는 구속됐다.", "<10", 1, 9, False, False),
    ("1만 명이 넘는 주민이 산간 지역으로 추방됐다.", "10000+", 10001, None, False, False),
    ("1,200명이 강제북송됐다는 보고가 있다.", "1200", 1200, 1200, True, False),
])
def test_bounds(text: str, value: str, low: int, high: int | None, exact: bool,
                approx: bool) -> None:
    fact = _one(text)
    assert (fact.value, fact.attrs["min"], fact.attrs["max"], fact.attrs["exact"],
            fact.attrs["approx"]) == (value, low, high, exact, approx)


def test_two_groups_in_one_sentence_are_two_counts_in_order() -> None:
    facts = _counts("시장에서 장사하던 여성 세 명과 그 남편 두 명이 한밤중에 끌려갔다.")
    assert [(f.value, f.attrs["noun"]) for f in facts] == [("3", "여성"), ("2", "남편")]


def test_a_count_repeated_is_one_fact_with_its_mentions() -> None:
    facts = _counts("주민 4명이 체포됐다. 체포된 4명은 모두 밀수꾼이었다. 4명은 곧 구속됐다.")
    assert [(f.value, f.attrs["mentions"]) for f in facts] == [("4", 3)]
    assert facts[0].evidence.quote == "주민 4명"


@pytest.mark.parametrize("text", [
    # sources, the people doing the act, spectators, people speaking
    "소식통 2명에 따르면 주민이 체포됐다.",
    "두 명의 소식통은 주민들이 체포됐다고 전했다.",
    "군인 5명이 길에서 주민을 구타했다.",
    "보위원 3명이 들이닥쳐 집을 수색하고 주민을 연행했다.",
    "두 명의 보위원이 주민을 끌고 갔다.",
    "주민 수백 명이 동원돼 공개처형을 지켜봤다.",
    "공개재판에는 주민 천여 명이 참석했다.",
    "주민 2명은 체포 소식에 놀랐다고 말했다.",
    # no figure of people: years, days, money, a lifespan, nobody
    "그는 교화소 10년형을 선고받고 3일 만에 이송됐다.",
    "벌금 300위안을 내고 풀려났다는 주민이 구타를 당했다.",
    "수명이 다한 기계를 팔았다는 이유로 체포됐다.",
    "체포된 사람은 한 명도 없다.",
    "40대 여성들이 한꺼번에 끌려갔다.",  # of an age, but how many is not said
    # an act that did not or may not happen
    "주민 세 명이 체포될 수 있다는 소문이 돌았다.",
    "여성 두 명은 다행히 끌려가지 않았다.",
    # a figure far from any act
    "올해 장마당에는 상인 200명이 새로 자리를 잡았다.",
])
def test_not_a_count_of_victims(text: str) -> None:
    assert _counts(text) == []


def test_a_count_needs_an_act_in_its_sentence() -> None:
    facts = _counts("마을에 주민 30명이 산다. 그중 3명이 체포됐다.")
    assert [f.value for f in facts] == ["3"]


def test_english_reports_are_read_as_before() -> None:
    facts = find_victim_counts(text_report("Nine people were executed in 혜산 on Tuesday."), [])
    assert [(f.value, f.attrs["noun"]) for f in facts] == [("9", "people")]


def test_an_extracted_korean_report_states_its_count() -> None:
    text = ("양강도 혜산시에서 보위부가 밀수를 한 주민 다섯 명을 체포했다고 현지 소식통이 "
            "전해왔다. 소식통은 체포된 주민들이 모두 구류장에 갇혔다고 말했다.")
    [incident] = extract(text_report(text, published="2024-03-14", language="ko"))
    counts = [f for f in incident.facts if f.field == "victim_count"]
    assert [(f.value, f.evidence.quote) for f in counts] == [("5", "주민 다섯 명")]


def _best_time(text: str) -> float:
    """The fastest of three runs, in this process's CPU time: other work on a busy machine
    does not count."""
    import time

    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        _counts(text)
        best = min(best, time.process_time() - started)
    return best


def test_counting_is_linear_in_the_text() -> None:
    sentence = "주민 3명이 보위부에 체포됐고 여성 두 명이 끌려갔다. "
    small, big = sentence * 200, sentence * 2000
    assert [f.attrs["mentions"] for f in _counts(big)] == [2000, 2000]
    # ten times the text: about ten times the time, far from the hundred of a quadratic
    assert _best_time(big) < 30 * max(_best_time(small), 2e-3)
