"""Who said so, in Korean: sources as described, the outlet they told, the chain.

Every report here is written for these tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corroborate.attribution import find_sources
from corroborate.model import Fact
from corroborate.pipeline import ingest
from corroborate.store import Store

from .helpers import text_report


def _sources(text: str, outlet: str | None = None) -> list[Fact]:
    facts = find_sources(text_report(text, outlet=outlet, language="ko"))
    for fact in facts:
        assert fact.field == "source"
        assert text[fact.evidence.start:fact.evidence.end] == fact.evidence.quote
    return facts


def _described(facts: list[Fact]) -> list[str]:
    return [f.evidence.quote for f in facts if f.attrs["role"] == "source"]


@pytest.mark.parametrize(("text", "quote"), [
    ("북한 내부 소식통은 지난 3일 “혜산에서 주민들이 체포됐다”고 전했다.", "북한 내부 소식통"),
    ("양강도의 한 소식통은 “장마당 단속이 심해졌다”고 말했다.", "양강도의 한 소식통"),
    ("보위부가 밀수꾼을 잡아갔다고 현지 소식통이 전해왔다.", "현지 소식통"),
    ("함경북도 취재협력자에 따르면 지난달 회령에서 두 명이 총살됐다.", "함경북도 취재협력자"),
    ("회령시 소식통은 이 사건을 이렇게 설명했다.", "회령시 소식통"),
    ("대북소식통은 “공개재판이 열렸다”고 밝혔다.", "대북소식통"),
    ("국경 지역이 통제되고 있다는 게 복수의 소식통의 설명이다.", "복수의 소식통"),
])
def test_a_source_as_the_report_describes_it(text: str, quote: str) -> None:
    facts = _sources(text)
    assert _described(facts) == [quote]
    [source] = facts
    assert source.value == f"source:{quote}"
    assert source.attrs["order"] == 0 and source.attrs["anonymous"] is True


def test_a_source_is_a_role_not_a_person() -> None:
    # a name given to the source is not part of it: nobody is identified
    facts = _sources("혜산시 소식통 김모 씨는 “보위원들이 집집마다 수색했다”고 말했다.")
    assert _described(facts) == ["혜산시 소식통"]
    assert "person" not in facts[0].attrs


@pytest.mark.parametrize("text", [
    "이번 사건은 소식통이 없어 확인하기 어렵다는 지적이 있다",  # no one speaks
    "보위부가 주민 세 명을 체포했다.",
])
def test_no_source_without_a_statement(text: str) -> None:
    assert _described(_sources(text)) == []


def test_referring_back_counts_only_when_nothing_is_described() -> None:
    described = _sources("평안북도 소식통은 “검열이 시작됐다”고 전했다.\n"
                         "이 소식통은 “주민들이 불안해한다”고 덧붙였다.")
    assert _described(described) == ["평안북도 소식통"]
    bare = _sources("소식통은 “주민 두 명이 끌려갔다”고 말했다.")
    assert _described(bare) == ["소식통"]


def test_two_sources_in_order() -> None:
    facts = _sources("양강도 소식통은 “검열이 시작됐다”고 전했다.\n"
                     "함경북도의 다른 소식통도 “국경 경비가 강화됐다”고 말했다.")
    assert _described(facts) == ["양강도 소식통", "함경북도의 다른 소식통"]


def test_the_chain_runs_from_the_source_to_the_outlet_it_told() -> None:
    text = ("북한 내부 소식통은 14일 데일리NK에 “혜산시 보위부가 여성 세 명을 체포했다”고 "
            "전했다.")
    facts = _sources(text, outlet="Daily NK")
    assert [(f.attrs["order"], f.attrs["role"]) for f in facts] == [(0, "source"),
                                                                    (2, "outlet")]
    assert facts[0].attrs["told"] == "daily_nk"
    assert facts[1].value == "outlet:daily_nk" and facts[1].evidence.quote == "데일리NK"


def test_an_outlet_named_in_brackets_and_before_the_verb() -> None:
    first = _sources("양강도의 한 소식통은 자유아시아방송(RFA)에 “공개처형이 있었다”고 말했다.",
                     outlet="RFA")
    assert first[0].attrs["told"] == "rfa"
    second = _sources("소식통은 “주민들이 끌려갔다”고 아시아프레스에 전했다.")
    assert second[0].attrs["told"] == "asiapress"


def test_a_source_speaking_through_an_intermediary() -> None:
    facts = _sources("함경북도의 한 소식통은 아시아프레스를 통해 “보위원들이 집집마다 "
                     "수색했다”고 말했다.", outlet="RFA")
    assert facts[0].attrs["via"] == "asiapress" and "told" not in facts[0].attrs
    assert [(f.attrs["order"], f.value) for f in facts] == [
        (0, "source:함경북도의 한 소식통"), (1, "intermediary:asiapress")]


def test_another_outlet_is_an_intermediary() -> None:
    text = ("아시아프레스 취재협력자는 아시아프레스에 “주민 두 명이 총살됐다”고 전했다. "
            "이 소식은 RFA 등 여러 매체가 보도했다.")
    facts = _sources(text, outlet="Yonhap")
    assert [(f.attrs["order"], f.value) for f in facts] == [
        (0, "source:아시아프레스 취재협력자"), (1, "intermediary:asiapress"),
        (1, "intermediary:rfa")]


def test_a_source_names_its_province() -> None:
    facts = _sources("양강도 소식통은 “혜산에서 단속이 벌어졌다”고 말했다.")
    assert facts[0].attrs["place"] == "KP-10"


def test_english_sources_are_read_as_before() -> None:
    facts = find_sources(text_report("A source in 혜산 told Daily NK that two women were "
                                     "arrested.", outlet="Daily NK"))
    assert [f.value for f in facts] == ["source:a source in 혜산", "outlet:daily_nk"]


def test_an_ingested_korean_report_keeps_its_chain(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "hoeryong.txt"
    path.write_text("회령시 소식통은 지난 5일 데일리NK에 “보위부가 밀수꾼 두 명을 "
                    "체포했다”고 전했다.\n", encoding="utf-8")
    assert ingest(store, [str(path)]).ok
    sources = [f for i in store.incidents() for f in i.facts if f.field == "source"]
    assert [(f.value, f.attrs.get("told")) for f in sources][:1] == [
        ("source:회령시 소식통", "daily_nk")]
