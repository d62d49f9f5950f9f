"""Victim counts in Korean: 주민 3명, 3명의 주민, 세 명, 수십 명, 10여 명, 일가족 4명.

The same record as the English reader (:mod:`counts`): the figure as written, with the
bounds it states (``min``, ``max`` or ``None`` when open), ``exact`` for a plain figure and
``approx`` for a round or hedged one, and the person noun as written (``주민``). Values read
like the English ones ("3", "2-3", "~10", "10+", "<=10", "dozens", "several"), so that a
Korean report and its English translation state comparable counts.

What Korean figures say:

- digits (``3명``, ``1,200명``, ``2만 명``) and native numerals before 명 (``한 명``, ``세
  명``, ``스무 명``, ``열다섯 명``); ``한 주민``, ``한 40대 여성`` and a person of an age
  (``40대 남성이``, ``35세 여성을``: singular, as Korean news writes one person) are one;
- native ranges: ``두세 명`` 2-3, ``서너 명`` 3-4, ``대여섯 명`` 5-6; ``2~3명`` 2-3;
- ``N여 명`` ("N and some"): N up to the next step of N's last digit, ``10여 명`` 10-19,
  ``100여 명`` 100-199, approximate (value ``~10``);
- ``수십 명`` dozens (20-99), ``수백`` hundreds (200-999), ``수천``, ``수만``; ``여러 명``,
  ``몇몇`` several (2 or more), ``몇 명``, ``수 명`` a few (2-9);
- before the figure ``최소``/``적어도`` at least, ``약``/``대략``/``거의`` about, ``최대`` up
  to; after it ``이상`` at least, ``넘는``/``넘게`` more than, ``가량``/``정도``/``안팎``/
  ``내외``/``남짓``/``가까이`` about, ``미만`` fewer than, ``이하`` up to;
- ``일가족 4명`` is four people (noun ``family``); ``부부`` and ``모녀`` are two.

Counted only in a sentence that states an act done to people (a violation fact, or a
Korean violation word: 체포, 처형, 끌려갔다, 교화소…; not one that did not or may not
happen, 체포될 수 있다), within ``_REACH`` characters of it.
Not counted: sources (``소식통 2명``), people doing the act (``군인 5명이 주민을
구타했다``), spectators (``주민 수백 명이 동원돼 지켜봤다``), people who speak (``주민 2명은
…고 말했다``), per-head figures (``1명당``), and ``한 명도 없다``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from . import clause_ko
from .counts import Count, act_windows, bounded, count_facts
from .model import Fact, Report

__all__ = ["find_victim_counts"]


def _alternation(words: Iterable[str]) -> str:
    """An alternation grouped by first character, longest first: the regex engine then
    skips an alternative on its first character."""
    groups: dict[str, list[str]] = {}
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "(?:" + "|".join(f"{re.escape(first)}(?:{'|'.join(tails)})"
                            for first, tails in sorted(groups.items())) + ")"


_UNITS = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8,
          "아홉": 9}
_TENS = {"열": 10, "스물": 20, "서른": 30, "마흔": 40, "쉰": 50}
_NATIVE = {**_UNITS, **{t: v for t, v in _TENS.items() if t != "스물"}, "스무": 20,
           **{t + u: tv + uv for t, tv in _TENS.items() for u, uv in _UNITS.items()}}
_NATIVE_RANGES = {"한두": (1, 2), "두세": (2, 3), "두서너": (2, 4), "서너": (3, 4),
                  "너덧": (4, 5), "네댓": (4, 5), "너댓": (4, 5), "너더댓": (4, 5),
                  "대여섯": (5, 6), "대엿": (5, 6), "예닐곱": (6, 7), "일고여덟": (7, 8),
                  "일여덟": (7, 8)}
# vague figures: value as in English, bounds as the Korean word states them
_VAGUE = {"수십만": ("hundreds of thousands", 200_000, 999_999),
          "수백만": ("millions", 2_000_000, 9_999_999),
          "수십": ("dozens", 20, 99), "수백": ("hundreds", 200, 999),
          "수천": ("thousands", 2000, 9999), "수만": ("tens of thousands", 20_000, 99_999),
          "여러": ("several", 2, None), "몇": ("several", 2, 9), "수": ("several", 2, 9)}
_ROUND = {"십": 10, "백": 100, "천": 1000, "만": 10_000}
_BIG = {"만": 10_000, "천": 1000, "백": 100}
_PERSONS = """주민 사람 여성 남성 여자 남자 부녀자 주부 학생 대학생 중학생 고등학생 청년
    청소년 어린이 아이 아동 미성년자 노인 장사꾼 상인 밀수꾼 밀수업자 밀수자 브로커 중개인
    거간꾼 농민 농장원 노동자 근로자 광부 어부 어민 탈북민 탈북자 도강자 월경자 송환자
    귀국자 기독교인 신자 종교인 가족 일가족 어머니 아버지 아들 딸 남편 아내 부인 형제 자매
    교원 교사 의사 간호원 운전수 운전사 군인 병사 간부 일꾼 관료 죄수 수감자 수용자 피해자
    대상자 청취자 시청자 사용자 이용자 가담자 연루자 관련자 혐의자 용의자 주동자 당원
    제대군인 꽃제비 돈주 장교 대원 선교사 목사 가정주부 젊은이 여대생 노동자들""".split()
_PERSON = _alternation(_PERSONS)
# what may stand before the person noun: an age, a sex, another person noun (여성 장사꾼)
_MOD = (rf"(?:\d{{1,2}}대(?:\s?(?:초반|중반|후반))?|\d{{1,3}}(?:세|살)|젊은|어린|나이\s?든|"
        rf"늙은|중국인|조선족|{_PERSON})")
_MODS = rf"(?:{_MOD}\s){{0,2}}"
# a person noun ends its word, or a particle follows it
_NOUN_END = (r"(?:들)?(?=[^가-힣]|$|(?:이|가|은|는|을|를|의|도|과|와|에게|에|만|까지|로|으로|"
             r"이나|마저|조차|께서)(?![가-힣]))")
_ONE_END = (r"(?=[^가-힣\d]|$|(?:이|가|은|는|을|를|의|도|과|와|에게|만|까지|마저|조차|께서)"
            r"(?![가-힣]))")
_DIGITS_BIG = r"(?:\d{1,3}(?:,\d{3})+|\d{1,6})(?:\s?[만천백])?"
_NUMBER = (rf"(?P<a>{_DIGITS_BIG})\s?[~∼〜\-–]\s?(?P<b>{_DIGITS_BIG})"
           rf"|(?P<digits>{_DIGITS_BIG})"
           rf"|(?P<nrange>{_alternation(_NATIVE_RANGES)})"
           rf"|(?P<native>{_alternation(_NATIVE)})"
           rf"|(?P<vague>{_alternation(_VAGUE)})"
           rf"|(?P<round>[십백천만])")
_PRE = {"최소": "least", "적어도": "least", "약": "about", "대략": "about", "거의": "about",
        "최대": "upto", "무려": None}
_POST = {"이상": "least", "넘는": "more", "넘게": "more", "넘어": "more", "초과": "more",
         "가량": "about", "정도": "about", "안팎": "about", "내외": "about", "쯤": "about",
         "남짓": "about", "가까이": "about", "가까운": "about", "달하는": "about",
         "이르는": "about", "미만": "fewer", "이하": "upto"}
_QTY = (rf"(?:(?P<pre>{_alternation(_PRE)})\s)?(?:{_NUMBER})(?P<yeo>여)?"
        r"(?:\s?명(?!령|단|목|절|예|칭|확|시|문|소|성|함|복|분|당|의(?=\s?(?:로|으로)))"
        r"|(?<![\d,])\s사람(?!들?\s?(?:마다|당)))"
        r"(?:\s?(?:이|을|에)?\s?(?P<post>" + _alternation(_POST) + r"))?")
_COUNT = re.compile(
    r"(?<![가-힣\w])(?:"
    # 한 주민, 한 40대 여성; not 하다's 한 (밀수를 한 주민)
    rf"(?<!을 |를 |게 |히 )(?P<one>한)\s{_MODS}(?P<one_noun>{_PERSON}){_NOUN_END}"
    # 몇몇 주민, 여러 여성
    rf"|(?P<some>몇몇|여러)\s{_MODS}(?P<some_noun>{_PERSON}){_NOUN_END}"
    # 부부, 모녀
    r"|(?P<couple>부부|모녀|부녀)(?=[^가-힣]|$|(?:가|는|를|의|도|와|에게)(?![가-힣]))"
    # 주민 3명, 여성 장사꾼 세 명, 일가족 4명, 3명, 3명의 주민
    rf"|(?:{_MODS}(?P<head>{_PERSON})(?:들)?\s?)?{_QTY}"
    rf"(?:(?:의|(?<=넘는|까운|하는|르는))\s{_MODS}(?P<tail>{_PERSON}){_NOUN_END})?"
    # 40대 여성이, 35세 남성을: one person of that age
    rf"|(?P<aged>\d{{1,2}}대(?:\s?(?:초반|중반|후반))?|\d{{1,3}}(?:세|살))\s"
    rf"(?P<aged_noun>{_PERSON}){_ONE_END}"
    r")")
_NOT_ONE = re.compile(r"도\s?(?:없|안|않|못)")
# the words before or after a count that make it not of victims: a source, a witness
_SOURCES = r"(?:소식통|취재협력자|제보자|기자|관계자|전문가|목격자|통신원)"
_SOURCE_BEFORE = re.compile(_SOURCES + r"(?:들)?\s?$")
_SOURCE_AFTER = re.compile(r"의\s(?:[가-힣]{1,6}\s)?" + _SOURCES)
# people who speak: a subject, then a verb of saying with no act between
_SPEAKS = re.compile(r"[은는이가]\s[^.!?]{0,40}?(?:말했|전했|밝혔|증언했|설명했|주장했|"
                     r"말한다|전한다)")
_WATCHES = re.compile(r"동원|지켜보|지켜봤|참관|모였|모인|모여|구경|참석|보는\s?앞|군중")
_SUBJECT = re.compile(r"\s?(?:이|가|은|는|도)(?![가-힣])")
_OF_NOUN = re.compile(r"의\s[가-힣]{1,8}?(?:들)?(?=(?:이|가|은|는|도)\s)")
# what makes a sentence one in which something was done to people, besides violation facts
_SENT_TO = re.compile(r"교화소|단련대|관리소|수용소|집결소|구류장|교도소|감옥|교화형|노동교양|"
                      r"징역|보내졌|보내진|보내져")
_REACH = 400
_LONGEST = 120


def _digits(words: str) -> int:
    """2만 -> 20000, 1,200 -> 1200."""
    words = words.replace(",", "").replace(" ", "")
    big = _BIG.get(words[-1], 1)
    return int(words.rstrip("만천백")) * big


def _figure(low: int, high: int, kind: str | None, approx: bool, noun: str | None,
            high_round: int | None = None) -> Count | None:
    return bounded(low, high, kind, approx or kind == "about", noun, high_round)


def _count(m: re.Match[str]) -> Count | None:
    """What one count phrase counts."""
    g = m.group
    if g("one") or g("aged"):
        return Count("1", 1, 1, True, False, g("one_noun") or g("aged_noun"))
    if g("some"):
        return Count("several", 2, None, False, True, g("some_noun"))
    if g("couple"):
        return Count("2", 2, 2, True, False, g("couple"))
    noun = g("tail") or g("head")
    if noun == "일가족":
        noun = "family"
    kind = _PRE.get(g("pre")) if g("pre") else None
    kind = _POST[g("post")] if g("post") else kind
    if g("vague"):
        if g("vague") == "수" and "수 " not in m.group(0):
            return None  # 수명: a lifespan
        value, low, high = _VAGUE[g("vague")]
        return Count(value, low, high, False, True, noun)
    if g("nrange"):
        low, high = _NATIVE_RANGES[g("nrange")]
        return _figure(low, high, kind, False, noun)
    if g("a"):
        return _figure(_digits(g("a")), _digits(g("b")), kind, False, noun)
    number = _digits(g("digits")) if g("digits") else (
        _NATIVE[g("native")] if g("native") else _ROUND[g("round")])
    if g("yeo"):  # N and some: up to the next step of its last digit (10여 -> 10-19)
        zeros = len(str(number)) - len(str(number).rstrip("0"))
        return _figure(number, number, kind or "about", True, noun,
                       number + 10 ** zeros - 1 if zeros else number)
    return _figure(number, number, kind, False, noun)


def _not_of_victims(text: str, m: re.Match[str], ceiling: int) -> bool:
    """Whether the words around a count say it is not of victims (see the module notes)."""
    start, end = m.span()
    if _SOURCE_BEFORE.search(text, max(0, start - 12), start) or _SOURCE_AFTER.match(
            text, end):
        return True
    if m.group("native") == "한" and _NOT_ONE.match(text, end, end + 6):
        return True
    stop = clause_ko.clause_end(text, end, min(ceiling, end + 80))
    if _WATCHES.search(text, end, stop):
        return True
    speaks = _SPEAKS.match(text, end, stop)
    if speaks is not None and all(a.voice == "noun" for a in clause_ko.acts(
            text, (), end, speaks.end())):
        return True  # "체포 소식에 놀랐다고 말했다": no act done to them between
    of = _OF_NOUN.match(text, end, stop)  # "두 명의 보위원이": the noun counted is theirs
    if of is not None:
        end = of.end()
    if _SUBJECT.match(text, end, stop):
        # the subject of an active act: people doing it ("군인 5명이 주민을 구타했다")
        first = next(iter(clause_ko.acts(text, (), end, stop)), None)
        return first is not None and first.voice == "active" and not first.investigating
    return False


def _near_acts(text: str, violations: list[Fact]) -> list[tuple[int, int, int]]:
    """Where counts are looked for: within ``_REACH`` of an act in its sentence, as
    (start, end, end of the sentence); overlaps joined."""
    found = {f.evidence.start for f in violations}
    found.update(a.start for a in clause_ko.acts(text, ()) if a.voice != "unreal")
    found.update(m.start() for m in _SENT_TO.finditer(text))
    return act_windows(len(text), clause_ko.sentence_breaks(text), found, _REACH)


def _phrases(text: str, violations: list[Fact]) -> Iterator[tuple[re.Match[str], int]]:
    """The count phrases that start near an act, in order, none overlapping, each with
    the end of its sentence."""
    last = 0
    for begin, end, sentence_end in _near_acts(text, violations):
        for m in _COUNT.finditer(text, max(begin, last), min(sentence_end, end + _LONGEST)):
            if m.start() >= end:
                break
            last = m.end()
            yield m, sentence_end


def find_victim_counts(report: Report, violations: list[Fact]) -> list[Fact]:
    """How many people a Korean report says a violation was done to: one fact per
    distinct count (its first mention, with the number of ``mentions``), in order."""
    text = report.text
    found = []
    for m, sentence_end in _phrases(text, violations):
        count = None if _not_of_victims(text, m, sentence_end) else _count(m)
        if count is not None:
            start = m.start()
            found.append((start, start + len(m.group(0).rstrip()), count))
    return count_facts(report, found)
