"""Named victims in Korean: the people a Korean report itself presents as victims, by name.

A Korean name is a surname of one syllable (two for 남궁, 선우…) and a given name of one
or two, written together; reports put a title after it (김정욱 선교사, 최철민 씨) or a role
before it (선교사 김정욱 씨). Only such a name with a title or role is read: without one,
three syllables are as often a word. A victim is the subject of a passive act
(김정욱 선교사가 체포됐다), the object of an active one (보위부는 최철민 씨를 구속했다), or
whose arrest, execution or disappearance is named (최철민 씨의 체포, 최철민 씨에 대한
처형).

The line we hold is the English reader's (:mod:`victims`): only names the report itself
presents as victims, never a guessed or completed name, never a source, and never a name
the report says is not the person's own: 김모 씨 (a name withheld) and a name marked
가명 (a pseudonym) are not names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from . import clause_ko
from .model import Evidence, Fact, Report

__all__ = ["find_named_victims"]

_SURNAMES = ("김 이 리 박 최 정 강 조 윤 장 임 림 한 오 서 신 권 황 안 송 류 유 전 홍 고 문 양 량 "
             "손 배 백 허 남 심 노 로 하 곽 성 차 주 우 구 민 진 나 지 엄 채 원 천 방 공 현 함 변 "
             "염 여 추 도 석 선 설 마 길 연 위 표 명 기 반 왕 금 옥 육 인 맹 제 탁 국 어 은 편 용 "
             "예 경 봉 황보 남궁 제갈 선우 독고 사공").split()
# titles and roles, with the role recorded (as the English reader's)
_TITLES = {"씨": None, "선교사": None, "목사": None, "전도사": None, "신부": None,
           "기자": "journalist", "교수": None, "변호사": "lawyer", "활동가": "activist",
           "운동가": "activist", "작가": None, "시인": None, "대학생": None}
_SURNAME = "|".join(sorted(_SURNAMES, key=len, reverse=True))
_TITLE = "|".join(sorted(_TITLES, key=len, reverse=True))
_NAME = re.compile(
    rf"(?<![가-힣])(?:(?P<before>{_TITLE})\s)?"
    rf"(?P<name>(?:{_SURNAME})[가-힣]{{1,2}}?)(?:\([^()\n]{{1,12}}\))?"
    rf"(?:\s?(?P<after>{_TITLE}))?(?P<particle>(?:들)?(?:이|가|은|는|을|를|의|에\s?대한|도|께서)?)"
    r"(?![가-힣])")
_WITHHELD = re.compile(r"모$")  # 김모: a name withheld
_PSEUDONYM = re.compile(r"\s?\(?[^()\n]{0,6}가명")  # 박영희(가명), 박영희(40·가명)
_SUBJECT = frozenset("이 가 은 는 도 께서".split())
_QUOTE = re.compile(r"[“\"‘']")
_OBJECT = frozenset("을 를".split())
_OF = frozenset({"의", "에대한", "에 대한"})


def _victim(text: str, m: re.Match[str], acts: list[clause_ko.Act], ceiling: int) -> bool:
    """Whether the clause makes the named person the one an act was done to."""
    particle = m.group("particle").replace(" ", "")
    stop = clause_ko.clause_end(text, m.end(), min(ceiling, m.end() + 100))
    following = [a for a in acts if m.end() <= a.start < stop and a.voice != "adnominal"]
    if not following:
        return False
    first = following[0]
    between = text[m.end():first.start]
    if _QUOTE.search(between) or clause_ko.OTHER_SUBJECT.search(between):
        return False  # what the person says, or what is done to someone else
    if particle in _OF:
        return first.start - m.end() <= 1 and not first.investigating
    if particle in _SUBJECT:
        return first.voice == "passive"
    if particle in _OBJECT:
        return first.voice == "active" and not first.investigating
    return False


def find_named_victims(report: Report, violations: Iterable[Fact]) -> list[Fact]:
    """The people a Korean report presents as victims, one fact per person (first
    mention, with the number of mentions of the name)."""
    text = report.text
    if not list(violations):
        return []
    acts = [a for a in clause_ko.acts(text, ()) if a.voice != "unreal"]
    breaks = clause_ko.sentence_breaks(text)
    bylines = {b.name for b in report.bylines}
    people: dict[str, Fact] = {}
    mentions: dict[str, int] = {}
    victims: set[str] = set()
    for m in _NAME.finditer(text):
        name = m.group("name")
        title = m.group("before") or m.group("after")
        if (title is None or _WITHHELD.search(name) or name in bylines
                or _PSEUDONYM.match(text, m.end("name"))):
            continue
        mentions[name] = mentions.get(name, 0) + 1
        if name not in people:
            start, end = m.span("name")
            people[name] = Fact("victim", "person:" + name, name,
                                Evidence(report.id, start, end, name),
                                {"kind": "person", "role": _TITLES[title]})
        _, ceiling = clause_ko.sentence_bounds(breaks, m.start(), len(text))
        if _victim(text, m, acts, ceiling):
            victims.add(name)
    return [Fact(f.field, f.value, f.label, f.evidence, {**f.attrs, "mentions": mentions[name]})
            for name, f in people.items() if name in victims]
