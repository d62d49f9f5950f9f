"""Attribution in Korean: who said so, as the report states it.

The chain is the English one, and :func:`attribution.find_sources` builds it: the sources
read here (order 0), then intermediaries (1) and the outlet that published (2), found the
same way in both languages. A source is a noun of the words that Korean reports use
for the people who speak in confidence (소식통, 취재협력자, 제보자, 내부자, 취재원) with
the words before it that describe it: a determiner (한, 두, 여러, 복수의, 익명의), where it
is (양강도의, 혜산시, 국경지역, 북한 내부, 현지), whose it is (본지, 아시아프레스). It is a
source only where the report has it speak: ``소식통은 … 고 전했다 / 말했다 / 밝혔다``,
``… 고 현지 소식통이 전해왔다``, ``소식통에 따르면``, ``… 는 게 소식통의 설명이다``.
Where it tells an outlet (``데일리NK에 전했다``), the outlet's id is kept as ``told``; where
it speaks through one (``아시아프레스를 통해 말했다``), as ``via``.

A source is recorded exactly as described and never narrowed further: a source is a role,
not a person, and corroborate does not try to identify anyone who spoke in confidence.
``소식통은``, ``이 소식통은`` refer back to one described before: kept only when the report
describes no source at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import korean, vocab
from .attribution import place_named, source_fact
from .model import Fact, Report

__all__ = ["anonymous_sources"]


@dataclass(frozen=True)
class _Lexicon:
    """The words a source is read by: this module's and ``data/ko/sources.yaml``'s."""

    noun: re.Pattern[str]
    modifiers: frozenset[str]
    said: re.Pattern[str]


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    data = korean.source_words()
    nouns = {*_NOUNS, *(phrase.split()[-1] for phrase in data.nouns)}
    modifiers = {*_MODIFIERS, *(w for phrase in data.modifiers for w in phrase.split()),
                 *(w for phrase in data.nouns for w in phrase.split()[:-1])}
    reports = {*_REPORTS, *(w[:-1] if w.endswith("다") else w for w in data.reporting)}
    said = "|".join(re.escape(r) for r in sorted(reports, key=lambda r: (-len(r), r)))
    return _Lexicon(
        re.compile("(?:" + "|".join(sorted(nouns, key=lambda n: (-len(n), n))) + ")(?:들)?"),
        frozenset(modifiers),
        re.compile(r"(?:고|며|라고|다고|면서|라며)?\s?(?:[가-힣A-Za-z()]{1,20}에(?:게)?\s?)?"
                   rf"(?:{said})"))

_NOUNS = ("소식통", "취재협력자", "제보자", "내부자", "취재원")
_WORD_START = re.compile(r"\S*$")
# the words that may describe a source, besides places and outlets
_MODIFIERS = frozenset("""한 두 세 여러 복수의 다른 또다른 익명의 이 그 해당 북한 북한의 내부
    현지 대북 국경 국경지역 접경지역 북중 중국 중국의 고위 고위급 정통한 밝은 사정에 본지 본사
    본지의 데일리NK 아시아프레스 RFA 자유아시아방송 평양 평양의 지방 도내 군내 시내""".split())
_BACK = frozenset({"이", "그", "해당"})
_PLACE_WORD = re.compile(r"[가-힣]{1,8}(?:도|시|군|구역|지역|지방|일대|부근|접경|국경)(?:의)?")
_WORD_BEFORE = re.compile(r"(\S+)\s+$")
_REPORTS = ("전했", "전해 왔", "전해왔", "전해온", "전해 온", "말했", "밝혔", "설명했", "덧붙였",
            "알려왔", "알려 왔", "알렸", "증언했", "주장했", "귀띔했", "강조했", "언급했", "지적했",
            "말한다", "전한다")
# a pseudonym the report gives the source (김모 씨) is passed over, never recorded
_SPEAKS = re.compile(r"(?:들)?(?:\s[가-힣A-Z]{1,3}\s?씨(?:\(\d{1,3}\))?)?(?:은|는|이|가|도)\s")
_ACCORDING = re.compile(r"(?:들)?(?:에\s?따르면|에\s?의하면|의\s?(?:말|전언|설명|주장|증언)"
                        r"(?:에\s?따르면|에\s?의하면|이다|이었다))")
_TO = re.compile(r"(?<!\S)(\S{2,24}?)에(?:게)?(?=\s)")
_THROUGH = re.compile(r"(?<!\S)(\S{2,24}?)(?:을|를)\s?통(?:해|해서|하여)(?=\s)")
_WINDOW = 600  # how far a source's statement may run on (a quotation of several sentences)


def _is_place(word: str) -> bool:
    bare = word[:-1] if word.endswith("의") and len(word) > 2 else word
    if _PLACE_WORD.fullmatch(word):
        return True
    return any(vocab.load(name).lookup(bare) is not None
               for name in ("regions", "places", "countries", "outlets"))


def _described_from(text: str, start: int, modifiers: frozenset[str]) -> int:
    """Where the description of the source whose noun begins at ``start`` begins: up to
    three words before it that describe it."""
    begin = start
    floor = max(0, start - 60, text.rfind("\n", 0, start) + 1)
    for _ in range(3):
        m = _WORD_BEFORE.search(text, floor, begin)
        if m is None or re.search(r"[.!?。,\"“”']", m.group(1)):
            break
        word = m.group(1)
        if word not in modifiers and not _is_place(word):
            break
        begin = m.start(1)
    return begin


def _speaks(text: str, end: int, said: re.Pattern[str]) -> re.Match[str] | None:
    """The statement a source at ``end`` makes, if the report has it speak."""
    limit = text.find("\n", end, end + _WINDOW)
    limit = min(len(text), end + _WINDOW) if limit < 0 else min(limit, end + _WINDOW)
    if _ACCORDING.match(text, end):
        return _ACCORDING.match(text, end)
    if _SPEAKS.match(text, end):
        return said.search(text, end, limit)
    return None


def _told(text: str, end: int, said: re.Match[str], outlets: vocab.Vocabulary) -> str | None:
    """The outlet a statement is made to: "데일리NK에 전했다", "소식통은 RFA에 “…”고
    말했다" (named after the source, or just before the verb)."""
    for begin, stop in ((end, min(said.start(), end + 30)),
                        (max(end, said.start() - 30), said.end())):
        for word in _TO.finditer(text, begin, stop):
            term = _outlet(word.group(1), outlets)
            if term is not None:
                return term
    return None


def _via(text: str, end: int, said: re.Match[str], outlets: vocab.Vocabulary) -> str | None:
    """The intermediary a statement went through: "아시아프레스를 통해 … 말했다"."""
    for word in _THROUGH.finditer(text, end, min(said.end(), end + 60)):
        term = _outlet(word.group(1), outlets)
        if term is not None:
            return term
    return None


def _outlet(word: str, outlets: vocab.Vocabulary) -> str | None:
    """The outlet a word names: 자유아시아방송(RFA) as written, without its brackets, or
    what they hold."""
    inside = re.search(r"\(([^()]+)\)", word)
    for name in (word, re.sub(r"\([^()]*\)", "", word), inside.group(1) if inside else ""):
        term = outlets.lookup(name) if name else None
        if term is not None:
            return term.id
    return None


def anonymous_sources(report: Report, outlets: vocab.Vocabulary) -> list[Fact]:
    text = report.text
    facts: list[Fact] = []
    back: list[Fact] = []
    seen: set[str] = set()
    lexicon = _lexicon()
    for m in lexicon.noun.finditer(text):
        said = _speaks(text, m.end(), lexicon.said)
        if said is None:
            continue
        glued = _WORD_START.search(text, max(0, m.start() - 10), m.start())  # 대북소식통
        start = _described_from(text, glued.start() if glued else m.start(),
                                lexicon.modifiers)
        quote = text[start:m.end()]
        key = " ".join(quote.split())
        if key in seen:
            continue
        seen.add(key)
        attrs: dict[str, object] = {"order": 0, "role": "source", "anonymous": True,
                                    "place": place_named(quote)}
        told = _told(text, m.end(), said, outlets)
        if told is not None:
            attrs["told"] = told
        via = _via(text, m.end(), said, outlets)
        if via is not None:
            attrs["via"] = via
        fact = source_fact(report, f"source:{key}", key, start, m.end(), **attrs)
        words = quote.split()
        (back if len(words) == 1 or (len(words) == 2 and words[0] in _BACK) else facts
         ).append(fact)
    return facts or back[:1]
