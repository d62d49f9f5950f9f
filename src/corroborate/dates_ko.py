"""Dates stated in Korean report text, as :class:`dates.DateMention` values.

Korean writes a date with unit words (2017년 5월 15일), with relative words (지난달,
지난해 11월, 이달 초) and, in news, with a bare day of the month (지난 7일, 13일) that means
the current month's day or, when that day is after the publication date, the previous
month's. Mentions are resolved by :func:`dates.resolve` like the English ones; the relative
forms English lacks have their own keys there (``year:-1`` with a month, ``month:-1`` with a
day, ``day:past``, ``season:…``, ``weekend``, ``lastweek:…``).

A particle after a date (5월에, 지난달부터, 13일에는) is left out of the quote. Halves of a
year and seasons keep the year only (year precision), as "early 2017" does in English, and
the part of a month (초순, 중순, 하순, 말) keeps the month, as "late March" does.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from .dates import DateMention, mentions

__all__ = ["find_dates_ko", "has_hangul", "korean_background", "korean_told_on"]

_HANGUL = re.compile(r"[가-힣]")

# What may follow a date word directly: nothing Hangul, or a particle or time-of-day word
# (5월에, 13일부터, 13일 밤); "13일째", "어제오늘", "그제서야" are not dates.
_FOLLOW = (r"(?=$|[^가-힣]|에|엔|께|경|쯤|부터|까지|의|이|가|은|는|도|로|으로|와|과|자|생"
           r"|무렵|이후|이전|이래|만|중|밤|새벽|오전|오후|저녁|아침|낮|날|들어)")
_SHORT = r"(?=$|[^가-힣]|에|엔|께|경|쯤|부터|까지|의|무렵|이|로|으로|부)"
_D = r"(?:3[01]|[12]\d|0?[1-9])"
_YEAR = r"(?:(?P<year>(?:19|20)\d{2})|['’‘](?P<yy>\d{2}))\s*년(?!대)"
_RYEAR = (r"(?P<ryear>지난해|지난\s해(?=[에의는도부까\s,])|작년|올해|금년|재작년|지지난해"
          r"|올(?=\s*\d{1,2}\s*월|\s*[상하]반기|\s?(?:봄|여름|가을|겨울)))")
_MONTH = r"(?P<month>1[0-2]|0?[1-9])\s*월"
_DAY = rf"(?P<day>{_D})(?:\s*[~∼〜-]\s*{_D})?\s*일(?![째간])"
_MQUAL = rf"(?P<qual>초순|중순|하순|상순|(?:초|말){_SHORT})"
_YQUAL = rf"(?P<qual>상반기|하반기|초반|중반|후반|봄|여름|가을|겨울|(?:초|말){_SHORT})"
# "13일 동안" (for 13 days), "구류 15일 처분" (a penalty of 15 days), "1일 1회" (once a
# day): counts, not dates
_DURATION = (r"(?!\s*(?:째|간|동안|만|이내|이상|넘게|가량|정도|씩|이\s*지나|이\s*넘|이나"
             r"|구류|노동|단련|처분|형|\d+\s*(?:회|번|끼|차례|시간)))")
_AGO_WORDS = {"하루": (1, "day"), "이틀": (2, "day"), "사흘": (3, "day"), "나흘": (4, "day"),
              "닷새": (5, "day"), "엿새": (6, "day"), "이레": (7, "day"), "열흘": (10, "day"),
              "보름": (15, "day"), "일주일": (1, "week"), "한달": (1, "month"),
              "두달": (2, "month"), "석달": (3, "month"), "세달": (3, "month"),
              "넉달": (4, "month"), "네달": (4, "month"), "한해": (1, "year")}
_UNITS = {"일": "day", "주": "week", "주일": "week", "개월": "month", "달": "month", "년": "year"}

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("calendar", re.compile(rf"(?<![\d.가-힣])(?:지난\s+)?(?:(?:{_YEAR}|{_RYEAR})\s*)?{_MONTH}"
                            rf"(?:\s*{_DAY}|\s*{_MQUAL})?{_FOLLOW}")),
    ("month", re.compile(rf"(?<![가-힣])(?P<rmonth>지난\s?달|이달|이번\s?달|지지난달)"
                         rf"(?:\s*{_DAY}|\s*{_MQUAL})?{_FOLLOW}")),
    ("year", re.compile(rf"(?<![\d.가-힣])(?:{_YEAR}|{_RYEAR})(?:\s*{_YQUAL})?{_FOLLOW}")),
    ("decade", re.compile(r"(?<![\d.가-힣])(?:(?P<century>19|20)(?P<d>\d)|(?P<d2>\d))0\s*년대"
                          rf"(?:\s*(?P<qual>초반|중반|후반|(?:초|말){_SHORT}))?{_FOLLOW}")),
    ("numeric", re.compile(rf"(?<![\d.])(?P<year>(?:19|20)\d{{2}})\s*(?P<sep>[./-])\s*"
                           rf"(?P<month>1[0-2]|0?[1-9])\s*(?P=sep)\s*(?P<day>{_D})(?!\d|\.\d)")),
    ("day", re.compile(rf"(?<![\d.~∼〜\-/:가-힣])(?:(?P<dir>지난|오는)\s*)?(?P<day>{_D})"
                       rf"(?:\s*[~∼〜]\s*{_D})?\s*일{_DURATION}{_FOLLOW}")),
    ("ago", re.compile(r"(?<![\d.가-힣])(?:(?P<n>\d{1,3})\s*(?P<unit>일|주일?|개월|달|년)"
                       r"|(?P<word>하루|이틀|사흘|나흘|닷새|엿새|이레|열흘|보름|일주일"
                       r"|[한두석세넉네]\s?달|한\s?해))\s*전"
                       r"(?=$|[^가-힣]|에|엔|께|쯤|부터|까지|의|인|만)")),
    ("word", re.compile(r"(?<![가-힣])(?P<rel>어제|어저께|그저께|그제|지난\s?주말|지난\s?주"
                        rf"|이번\s?주){_FOLLOW}")),
    ("weekday", re.compile(r"(?<![가-힣])(?<!매주 )(?:(?P<wk>지난\s?주|이번\s?주|지난)\s*)?"
                           rf"(?P<wd>[월화수목금토일])요일{_FOLLOW}")),
    ("season", re.compile(rf"(?<![가-힣])지난\s?(?P<season>봄|여름|가을|겨울){_FOLLOW}")),
    ("half", re.compile(rf"(?<![가-힣])(?P<half>[상하])반기{_FOLLOW}")),
    ("vague", re.compile(r"(?<![가-힣])(?:최근(?:\s*(?:몇|수)\s*(?:년|해|달|개월|주|일)"
                         r"(?:\s*(?:간|새|동안|사이))?|\s*들어)?|요즘|요즈음|근래|며칠\s*전"
                         r"|얼마\s*전|몇\s*(?:년|해|달|개월|주)\s*전|수\s*(?:년|개월|주|일)\s*전"
                         rf"|엊그제){_FOLLOW}")),
    # the famine of the mid-1990s, named by its slogan: a past period, never the incident's
    ("era", re.compile(r"(?<![가-힣])고난의\s*행군(?:\s*(?:시기|시절|기간|당시|때))?")),
]

_YEAR_SHIFT = {"지난해": -1, "지난 해": -1, "작년": -1, "올해": 0, "금년": 0, "올": 0,
               "재작년": -2, "지지난해": -2}
_MONTH_SHIFT = {"지난달": -1, "지난 달": -1, "이달": 0, "이번달": 0, "이번 달": 0,
                "지지난달": -2}
_BARE_YEAR = {-1: "last year", 0: "this year", -2: "ago:2:year"}
_BARE_MONTH = {-1: "last month", 0: "this month", -2: "ago:2:month"}
_QUALIFIERS = {"초": "early", "초순": "early", "상순": "early", "초반": "early",
               "중순": "mid", "중반": "mid", "하순": "late", "말": "late", "후반": "late",
               "상반기": "first half", "하반기": "second half", "봄": "spring",
               "여름": "summer", "가을": "autumn", "겨울": "winter"}
_WEEKDAYS = dict(zip("월화수목금토일", ("monday", "tuesday", "wednesday", "thursday", "friday",
                                   "saturday", "sunday"), strict=True))
_WORDS = {"어제": "yesterday", "어저께": "yesterday", "그제": "ago:2:day",
          "그저께": "ago:2:day", "지난주말": "weekend", "지난주": "ago:1:week",
          "이번주": "this week"}


def has_hangul(text: str, start: int = 0, end: int | None = None) -> bool:
    """Whether ``text[start:end]`` holds a Hangul syllable."""
    return _HANGUL.search(text, start, len(text) if end is None else end) is not None


def find_dates_ko(text: str) -> list[DateMention]:
    """Every Korean date expression in ``text``, in order; overlaps keep the longest."""
    return mentions(text, _PATTERNS, _mention)


def _year(groups: dict[str, str | None]) -> int | None:
    if groups.get("year"):
        return int(str(groups["year"]))
    if groups.get("yy"):  # '17년; '98년
        yy = int(str(groups["yy"]))
        return 2000 + yy if yy < 50 else 1900 + yy
    return None


def _key(phrase: str | None) -> str:
    return re.sub(r"\s+", " ", phrase or "")


def _mention(kind: str, m: re.Match[str]) -> DateMention | None:
    g = m.groupdict()
    base = DateMention(m.start(), m.end(), m.group(0),
                       qualifier=_QUALIFIERS.get(g.get("qual") or ""))
    day = int(g["day"]) if g.get("day") else None
    if kind in ("calendar", "year", "numeric"):
        month = int(g["month"]) if g.get("month") else None
        year, relative = _year(g), None
        if g.get("ryear"):
            shift = _YEAR_SHIFT[_key(g["ryear"])]
            relative = f"year:{shift}" if month is not None else _BARE_YEAR[shift]
        return _with(base, year=year, month=month, day=day, relative=relative)
    if kind == "month":
        shift = _MONTH_SHIFT[_key(g["rmonth"])]
        relative = f"month:{shift}" if day is not None else _BARE_MONTH[shift]
        return _with(base, day=day, relative=relative)
    if kind == "day":
        if _counted(m.string, m.start()):
            return None
        return _with(base, day=day, relative="day:ahead" if g.get("dir") == "오는" else "day:past")
    return _other(kind, g, base)


def _other(kind: str, g: dict[str, str | None], base: DateMention) -> DateMention:
    if kind == "decade":
        tens = int(str(g["d"] or g["d2"]))
        century = int(str(g["century"])) if g.get("century") else (19 if tens >= 3 else 20)
        return _with(base, decade=century * 100 + tens * 10)
    if kind == "era":
        return _with(base, decade=1990, qualifier="arduous march")
    if kind == "ago":
        if g.get("word"):
            n, unit = _AGO_WORDS[re.sub(r"\s+", "", str(g["word"]))]
        else:
            n, unit = int(str(g["n"])), _UNITS[str(g["unit"])]
        return _with(base, relative=f"ago:{n}:{unit}")
    if kind == "word":
        return _with(base, relative=_WORDS[re.sub(r"\s+", "", str(g["rel"]))])
    if kind == "weekday":
        week = re.sub(r"\s+", "", g.get("wk") or "")
        prefix = "lastweek" if week == "지난주" else "weekday"
        return _with(base, relative=f"{prefix}:{_WEEKDAYS[str(g['wd'])]}")
    if kind == "half":  # 상반기 alone: this year's first half; 하반기: the latest begun
        return _with(base, relative="half:first" if g["half"] == "상" else "half:second")
    if kind == "season":
        return _with(base, relative=f"season:{_QUALIFIERS[str(g['season'])]}")
    return _with(base, vague=True)


def _with(base: DateMention, **parts: Any) -> DateMention:
    return replace(base, **parts)


# "구류 15일", "징역 10일": a term stated before a bare day count is a penalty, not a date
_PENALTY_BEFORE = re.compile(r"(?:구류|징역|금고|노동|단련대?|처벌|형기|매월|매달)\s*$")


def _counted(text: str, start: int) -> bool:
    return _PENALTY_BEFORE.search(text, max(0, start - 8), start) is not None


# --- the day an outlet was told, and background dates ---------------------------------------

# "소식통은 13일 데일리NK에 전했다", "13일 RFA와의 통화에서", "지난 7일 이같이 말했다"
_TOLD_VERB = r"(?:전화\s*)?(?:통화에서|통화|전했|말했|밝혔|알려\s*왔|알렸|보도했|증언했|주장했)"
_TOLD_TO = r"[가-힣A-Za-z()]{1,16}(?:에|에게|와의|과의|와|과)\s*"
_TOLD_AFTER = re.compile(
    rf"\s*(?:에는?\s*)?(?:{_TOLD_TO}[\"“'‘]|(?:{_TOLD_TO})?"
    rf"(?:(?:이같이|이렇게|다음과\s*같이|이와\s*같이)\s*)?{_TOLD_VERB})")


def korean_told_on(text: str, start: int, end: int) -> bool:
    """Whether the date at ``start:end`` is the day a source spoke to the outlet or the
    outlet reported, not the incident's."""
    return _TOLD_AFTER.match(text, end, end + 40) is not None


_CLAUSE_END = re.compile(r"[,.;!?\"“”'‘’()\n]")
# the first words after a date, up to the first predicate: "2012년 중국을 거쳐 탈북한 김씨"
_WORDS_AFTER = 3
_PREDICATE = re.compile(r"(?:다|고|며|서|는데|지만|면|니|된|한|던|됐|했|혀|려|진|은|운|인)$")
# the act of a person's life, as a verb: not the nouns made of it (탈북자, 탈북민: defectors,
# who may well be the victims of the incident the date belongs to)
_PERSON = re.compile(r"^(?:(?:탈북|귀순|망명|입국|정착|출생|결혼|졸업|제대|입당)"
                     r"(?:하|한|했|해|후|전|$)|태어)")
# "탈북하다가 체포", "탈북을 시도하다": an attempt, which is the incident itself
_ATTEMPT = re.compile(r"시도|하다가?|하려|하던")
_LAW = re.compile(r"^(?:개정|제정|공포|발효)")
_LAW_USE = re.compile(r"^(?:채택|시행|도입)")
_LAW_NOUN = re.compile(r"법|포고|규정|조례|지시")
# "구류된 적이 있다", "체포된 바 있다": has been, once
_EARLIER_AFTER = re.compile(r"(?P<between>[^,.;!?\n]{0,40}?)(?:적이\s*있|적\s*있|바\s*있"
                            r"|전력이\s*있|전과가\s*있)")
_EARLIER_BEFORE = re.compile(r"(?:과거에|예전에|이전에|전에도|한때)\S*"
                             r"(?P<between>[^,.;!?\n]{0,20})$")
_PERSON_BEFORE = re.compile(r"(?:탈북|귀순|입국)(?:하기|한|하)?\s*(?:전|이전|후|이후|뒤|당시)"
                            r"(?:인|에|의|에는)?\s*$")


def korean_background(text: str, start: int, end: int) -> str | None:
    """Why the Korean date at ``start:end`` is background (``past of a person``, ``a law
    made``, ``an earlier act``, ``a past period``), or None.

    Korean states the act after its date ("2012년 탈북한 김씨", "2015년 개정된 형법"), so
    the cue is read in the first words after the date, up to the first predicate; "과거에도",
    "탈북하기 전" are read before it, and "체포된 적이 있다" anywhere later in its clause.
    """
    if text.startswith("고난의", start):
        return "a past period"
    if text.startswith("생", end):  # 1985년생: a birth year
        return "past of a person"
    if text.startswith("전에도", end - 1):  # 3년 전에도: once before, years ago
        return "an earlier act"
    reason = _cue_after(text, start, end)
    if reason is not None:
        return reason
    before = text[max(0, start - 50):start]
    if _PERSON_BEFORE.search(before):
        return "past of a person"
    if _earlier_before(before) or _earlier_after(text, end):
        return "an earlier act"
    if text.startswith(" 당시", end) and "년" in text[start:end] and "월" not in text[start:end]:
        return "an earlier act"  # "2010년 당시": the state of things back then
    return None


def _earlier_before(before: str) -> bool:
    """"과거에도 2016년": the cue opens the date's clause (no predicate between them)."""
    found = _EARLIER_BEFORE.search(before)
    return found is not None and not any(
        _PREDICATE.search(word) for word in found["between"].split())


def _earlier_after(text: str, end: int) -> bool:
    """"2016년 밀수 혐의로 구류된 적이 있다": the verb before 적이 있다 is the date's first
    predicate ("지난 7일 체포된 주민은 예전에 처벌받은 적이 있다" dates the arrest)."""
    found = _EARLIER_AFTER.match(text, end, end + 60)
    return found is not None and not any(
        _PREDICATE.search(word) for word in found["between"].split()[:-1])


def _cue_after(text: str, start: int, end: int) -> str | None:
    stop = _CLAUSE_END.search(text, end, end + 60)
    after = text[end:stop.start() if stop else end + 60]
    words = after.split()
    if after[:1].strip():  # a particle glued to the date ("2012년에")
        words = words[1:]
    words = words[:_WORDS_AFTER]
    for i, word in enumerate(words):
        if _PERSON.search(word):
            attempt = _ATTEMPT.search(" ".join(words[i:i + 2]))
            return None if attempt else "past of a person"
        if _LAW.search(word) or (_LAW_USE.search(word) and _LAW_NOUN.search(
                text, max(0, start - 30), end + 40)):
            return "a law made"
        if _PREDICATE.search(word):
            return None
    return None
