"""Roles in Korean: who did what to whom, from the particles and verb endings of a clause.

The roles are the English ones (:mod:`roles`), read from what Korean marks on the words:

- ``perpetrator``: the body is the subject of an active act (보위부**가** 주민을
  체포**했다**, 도 보위국**에서** 세 명을 연행**했다**, 보위원**들이** 끌고 갔다), the agent of
  a passive one (보위부**에 의해** 체포**됐다**, 보위부**에** 끌려**갔다**, 보위원**에게**
  구타를 당**했다**), owns a nominal act (보위부**의** 단속에 걸려, 보위부 단속), or led it
  (보위부 **주도로** 공개처형이 진행됐다);
- ``ordering``: the act was done on its orders (중앙당**의 지시로**, 도당 **지시에 따라**,
  중앙당은 체포**하라고 지시했다**);
- ``investigating``: it investigates (보위부가 사건을 **조사하고 있다**, 검찰**에서** **조사를
  받았다**, 보위부**의 조사**, 보위부가 **조사 중**);
- ``employer``: a victim works for it (보위부 **소속 직원이** 체포됐다, 안전부 **간부가**,
  안전부**에서 일하던** 간부가, 보위원**인** 김모 씨가);
- ``patient``: it suffered the act itself (보위원**이** 체포**됐다**, 보위부가 보위원**을**
  체포했다, 보위원이 **조사를 받았다**);
- ``mentioned``: anything else (보위부에 신고했다).

A word that names a person of the body (보위원, 보안원, 경비대원, 보위부원) is the person:
what is done to it is done to a patient; a body followed by a person noun (보위부 간부) is
an employer when the person suffers. A subject's act is the first one after it in its
clause (:mod:`clause_ko`), past a passive that only describes a noun after it (체포된
주민): the subject of 보위부가 체포된 주민들을 고문했다 tortured. The main perpetrator is
never a patient, employer or investigating body (:func:`incidents.rule_values`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import clause_ko, vocab
from .clause_ko import Act
from .model import Fact
from .perpetrators import GRAVE
from .roles import Role

__all__ = ["find_roles"]

_WINDOW = 100  # how far a clause rule looks, in characters
_PERSON_NOUNS = frozenset("""간부 직원 요원 성원 관계자 일꾼 책임자 지도원 부장 과장 소장 국장 반장
    처장 실장 대장 중대장 소대장 분대장 군관 군인 병사 대원 보위원 보안원 안전원 담당자 담당관
    수사관 예심원 검사 판사 위원장 비서 당비서 지배인 정치지도원 경비병 구성원 근무자 장교
    하전사 초소장 부원 종업원 노동자 교원 간부들""".split())
# a body of a body: "도 보위국 반탐과", "보안서 수사과"
_SUB_UNIT = re.compile(r"[가-힣]{1,5}(?:과|국|처|실|지부|분소|분주소|청사|본부|소조|그루빠)")
_NAME = re.compile(r"[가-힣]{1,3}모(?:\(\d{1,3}\))?(?:씨)?|[가-힣]{1,2}씨|씨|\(\d{1,3}\)")
_HOW_MANY = re.compile(r"(?:\d{1,4}|한|두|세|네|다섯|여섯|일곱|여덟|아홉|열)명")
_DETERMINER = frozenset("한 두 세 일부 여러 모든 모 전직 전 현직".split())
_APPOSITION = re.compile(r"인|이던|였던|이었던|출신인?|출신의")
_WORKS = re.compile(r"(?:일하|근무하|복무하|일했|근무했|복무했)(?:던|는|고|다가|다)")
_PARTICLES = (r"(?P<plural>들)?(?P<p>에의해서?|에의한|에게서|에게|한테|에서는|에서도|에서|께서|"
              r"으로|로|에는|에|이나|이|가|은|는|을|를|의|와|과|하고|및|도|까지|마저|조차)?")
_PARTICLE = re.compile(_PARTICLES)
_ENDING_PARTICLE = re.compile(_PARTICLES + "$")
_BY_WHOM = re.compile(r"\s?의(해서|해|한)(?![가-힣])")  # 에 의해: the particle's second word
_WORD = re.compile(r"[^\s,.!?“”\"'‘’\[\]·]+")
_BRACKETS = re.compile(r"\([^()]{1,20}\)")  # 국가보위성(보위부)이

_SUBJECT = frozenset("이 가 은 는 께서 도 이나 까지 마저 조차".split())
_ALSO = frozenset("도 까지 마저 조차".split())  # subject or object: what comes before decides
_OBJECT = frozenset("을 를".split())
_AT = frozenset("에서 에서는 에서도".split())
_AGENT = frozenset("에의해 에의해서 에의한 에게 한테 에게서".split())
_TO = frozenset("에 에는 로 으로".split())  # the agent only right before a passive act
_AND = frozenset("와 과 하고 및".split())
# a word between 에 and a passive act that ends a clause or opens another: 보위부에
# 신고했고 그 주민은 체포됐다 (reported to the body; someone else arrested)
_ENDED = re.compile(r"(?:고|며|서|다|은|는|이|가|을|를)(?=\s)")
_ORDER_NOUN = re.compile(r"(?:지시|명령|지령|방침|포치|승인|결정)"
                         r"(?:로|으로|에\s?따라|에\s?의해|를\s?받|하에|아래|에\s?의한|대로)")
_ORDER_VERB = re.compile(r"지시했|명령했|지시를\s?(?:내렸|하달|내린)|지령을\s?내렸|포치했|"
                         r"지시가\s?내려|하달했")
_EARLIER_AGENT = re.compile(r"[가-힣](?:이|가|은|는|까지|마저|조차)(?=\s)")
_LED = re.compile(r"(?:주도|주관|주최|지휘)(?:로|으로|하에|아래|해|한|했|하여)")


@dataclass(frozen=True)
class _Unit:
    """The noun phrase an organisation mention heads, and its particle."""

    end: int  # where the phrase and its particle end
    particle: str
    person: bool  # it names a person of the body: "보위부 간부"
    apposition: bool  # a person described as of the body: "보위원인 김모 씨"


def _words_after(text: str, pos: int, stop: int) -> Iterable[re.Match[str]]:
    return _WORD.finditer(text, pos, stop)


def _split(word: str) -> tuple[str, str]:
    """A word's stem and particle: "간부들이" -> ("간부", "이"); a word that is itself a
    person noun, a sub-unit or a name keeps its last syllable ("반탐과" is not "반탐" and
    "과")."""
    if word in _PERSON_NOUNS or _SUB_UNIT.fullmatch(word) or _NAME.fullmatch(word):
        return word, ""
    m = _ENDING_PARTICLE.search(word, 1)
    if m is None or not m.group(0):
        return word, ""
    return word[:m.start()], m.group("p") or ""


def _closed(text: str, pos: int, particle: str, person: bool, apposition: bool) -> _Unit:
    """A phrase ending at ``pos`` with its particle, "에" read on to "에 의해" ."""
    if particle == "에":
        by = _BY_WHOM.match(text, pos, pos + 6)
        if by is not None:
            return _Unit(by.end(), "에의" + by.group(1), person, apposition)
    return _Unit(pos, particle, person, apposition)


def _unit(text: str, fact: Fact, ceiling: int) -> _Unit:
    end = fact.evidence.end
    brackets = _BRACKETS.match(text, end)
    if brackets is not None:
        end = brackets.end()
    word = _WORD.match(text, end, min(len(text), end + 24))  # a word, not a run of megabytes
    rest = word.group(0) if word else ""
    person = False
    if rest.startswith("원") and not rest.startswith("원회"):
        rest, person = rest[1:], True  # 보위부원: a person of the body
    after = end + len(rest)
    particles = _PARTICLE.fullmatch(rest)
    particle = (particles.group("p") or "") if particles else ""
    if _APPOSITION.fullmatch(rest) or (particle in (*_AT, "로", "으로")
                                       and _WORKS.match(text, _skip(text, after))):
        return _extend(text, after, ceiling, person, True, "")  # 보위원인, 안전부에서 일하던
    if particles is None:
        return _Unit(after, "", person, False)  # a compound word: 보위부청사
    if particle in _AND:
        return _conjunct(text, after, ceiling, person)
    if particle and particle != "의":
        return _closed(text, after, particle, person, False)
    return _extend(text, after, ceiling, person, False, particle)


def _conjunct(text: str, pos: int, ceiling: int, person: bool) -> _Unit:
    """A body listed with others shares the particle of the last: 보위부와 안전부가."""
    for i, m in enumerate(_words_after(text, pos, min(ceiling, pos + 40))):
        if i >= 3:
            break
        if _LED.match(m.group(0)) or _ORDER_NOUN.match(m.group(0)):
            return _Unit(m.start(), "", person, False)  # 검찰소와 보위국 주관으로
        _, particle = _split(m.group(0))
        if not particle:
            continue
        if particle not in _AND:
            return _closed(text, m.end(), particle, person, False)
    return _Unit(pos, "", person, False)


def _extend(text: str, pos: int, ceiling: int, person: bool, apposition: bool,
            particle: str) -> _Unit:
    """Words after a body that belong to its phrase: a sub-unit, 소속, a person noun, a
    name; the phrase takes the particle of its last word (``particle`` if none)."""
    last_end, named = pos, False
    for i, m in enumerate(_words_after(text, pos, min(ceiling, pos + 60))):
        if i >= 5:
            break
        stem, p = _split(m.group(0))
        if _WORKS.match(m.group(0)) or stem in ("소속", "출신") or stem in _DETERMINER:
            apposition = apposition or _WORKS.match(m.group(0)) is not None
        elif stem in _PERSON_NOUNS or (stem.endswith("들") and stem[:-1] in _PERSON_NOUNS):
            person, named = True, True
        elif named and (_NAME.fullmatch(stem) or _HOW_MANY.fullmatch(stem)):
            pass  # 간부 김모 씨가, 직원 1명도
        elif not named and not apposition and _SUB_UNIT.fullmatch(stem):
            pass
        elif apposition and _NAME.fullmatch(stem):
            named = True
        else:
            break
        last_end, particle = m.end(), p
        if p and p != "의":
            break
    if last_end == pos:
        return _Unit(pos, particle, person, apposition)
    return _closed(text, last_end, particle, person or apposition, apposition)


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _is_person(surface: str) -> bool:
    """Whether a body's name as written names one of its people (보위원, 경비대원)."""
    return (surface.endswith(("원", "군인", "병사", "경비병", "간부", "일꾼", "반장", "판사",
                              "검사"))
            and not surface.endswith("위원회"))


class _Acts:
    def __init__(self, acts: list[Act]) -> None:
        self.acts = acts
        self.starts = [a.start for a in acts]

    def between(self, start: int, end: int) -> list[Act]:
        return self.acts[bisect_left(self.starts, start):bisect_left(self.starts, end)]


def _weight(act: Act) -> int:
    term = clause_ko.term_of(act)
    return GRAVE.get(term.id, 1) if term is not None else 1


def _did(fact: Fact, act: Act) -> Role:
    return Role(fact, "perpetrator", act.hit, _weight(act))


def _role_of(text: str, fact: Fact, acts: _Acts, breaks: Sequence[int]) -> Role:
    _, ceiling = clause_ko.sentence_bounds(breaks, fact.evidence.start, len(text))
    unit = _unit(text, fact, ceiling)
    one_of_them = _is_person(fact.evidence.quote)  # 보위원: the person is the mention
    suffered = ("employer" if unit.apposition or (unit.person and not one_of_them)
                else "patient")
    body = not (unit.person or one_of_them or unit.apposition)
    after = _skip(text, unit.end)
    clause = clause_ko.clause_end(text, after, min(ceiling, after + _WINDOW))
    following = acts.between(after, clause)
    p = unit.particle
    if p in ("의", ""):
        floor, _ = clause_ko.sentence_bounds(breaks, fact.evidence.start, len(text))
        earlier = acts.between(max(floor, fact.evidence.start - _WINDOW), fact.evidence.start)
        return _nominal(text, fact, after, following, earlier[-1] if earlier else None, body,
                        suffered)
    if p in _AGENT or p in _TO:
        reach = clause if p in _AGENT else min(clause, after + 12)
        for act in following:
            if act.start >= reach or (p in _TO and _ENDED.search(text, after, act.start)):
                break
            if act.voice in ("passive", "adnominal"):
                return Role(fact, "investigating") if act.investigating else _did(fact, act)
        return Role(fact, "mentioned")
    if p in _AT:
        return _at(text, fact, after, clause, following)
    if p in _ALSO and _earlier_agent(text, fact, breaks):
        p = "을"  # "간부들까지 내려와 … 직원 1명도 구속했다": also the object
    if p in _OBJECT:
        first = next((a for a in following if a.voice != "adnominal"), None)
        if first is not None and first.voice == "active":
            return Role(fact, suffered, first.hit)
        return Role(fact, "mentioned")
    if p in _SUBJECT:
        return _subject(text, fact, after, clause, following, suffered)
    return Role(fact, "employer" if unit.apposition else "mentioned")


def _earlier_agent(text: str, fact: Fact, breaks: Sequence[int]) -> bool:
    """Whether the clause has a subject before a body marked with 도 ("also"), so that
    the body is a second object: from the sentence start or the quotation it is in."""
    floor, _ = clause_ko.sentence_bounds(breaks, fact.evidence.start, len(text))
    floor = max(floor, fact.evidence.start - _WINDOW)
    opened = max(text.rfind("“", floor, fact.evidence.start),
                 text.rfind('"', floor, fact.evidence.start))
    return _EARLIER_AGENT.search(text, max(floor, opened + 1), fact.evidence.start) is not None


def _nominal(text: str, fact: Fact, after: int, following: list[Act], before: Act | None,
             body: bool, suffered: str) -> Role:
    """A body before a noun: 보위부의 지시로, 보위부 주도로, 보위부의 조사, 보위부 단속에."""
    if _ORDER_NOUN.match(text, after):
        return Role(fact, "ordering")
    if _LED.match(text, after):
        # the act it led: after it in the clause, or the subject before it (처형은 보위국
        # 주관으로 진행됐다)
        act = next((a for a in following if a.start > after), None) or before
        return _did(fact, act) if act is not None else Role(fact, "mentioned")
    act = following[0] if following and following[0].start == after else None
    if act is None:
        return Role(fact, "mentioned")
    if not body:  # 보위원 체포: the arrest of an officer
        return Role(fact, suffered, act.hit)
    return Role(fact, "investigating") if act.investigating else _did(fact, act)


def _at(text: str, fact: Fact, after: int, clause: int, following: list[Act]) -> Role:
    """A body with 에서: where an act was done is who did it (도 보위국에서 연행했다,
    보위부에서 조사를 받았다)."""
    for act in following:
        if act.voice == "order":
            return Role(fact, "ordering")
        if act.voice == "adnominal":
            continue
        return Role(fact, "investigating") if act.investigating else _did(fact, act)
    order = _ORDER_VERB.search(text, after, clause)
    return Role(fact, "ordering" if order else "mentioned")


def _subject(text: str, fact: Fact, after: int, clause: int, following: list[Act],
             suffered: str) -> Role:
    """A body as subject or topic: the voice of its act decides."""
    order = _ORDER_VERB.search(text, after, clause)
    investigates: Act | None = None
    for act in following:
        if order is not None and act.start > order.start() and investigates is None:
            return Role(fact, "ordering")
        if act.voice == "adnominal":
            continue  # describes the noun after it: 체포된 주민
        if act.voice == "order":
            return Role(fact, "ordering")
        if act.investigating:
            if act.voice == "passive" and investigates is None:
                if clause_ko.OTHER_SUBJECT.search(text, after, act.start):
                    continue
                return Role(fact, suffered)  # 조사를 받았다
            investigates = investigates or act
            continue
        if act.voice == "active":
            return _did(fact, act)
        if act.voice == "passive":
            if clause_ko.OTHER_SUBJECT.search(text, after, act.start):
                continue  # another subject's: 보위부는 주민들이 체포됐다고 밝혔다
            if investigates is None:
                return Role(fact, suffered, act.hit)
            break
    if investigates is not None:
        return Role(fact, "investigating")
    return Role(fact, "ordering" if order else "mentioned")


def find_roles(text: str, organisations: Sequence[Fact],
               violations: Iterable[vocab.Hit]) -> list[Role]:
    """One role per organisation mention of a Korean report (``organisations``, in their
    order)."""
    acts = _Acts([a for a in clause_ko.acts(text, violations) if a.voice != "unreal"])
    breaks = clause_ko.sentence_breaks(text)
    return [_role_of(text, fact, acts, breaks) for fact in organisations]
