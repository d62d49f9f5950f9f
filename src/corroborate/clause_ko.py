"""Korean clauses: what the readers of roles, sources and counts share for Korean text.

Korean marks a noun's part in its clause with a particle written onto it (보위부**가** the
subject, 주민**을** the object, 보위부**에 의해** the agent of a passive) and a verb's voice
with its ending (체포**했다** active, 체포**됐다** / 체포**당했다** passive). The readers here
work on those marks over a bounded window of text, not on a parse.

Sentences end at a full stop, question or exclamation mark followed by white space or the
end (the ``다.`` and ``요.`` of written Korean), or at a line break. Inside a sentence a
clause, for a subject's reach, runs on over the connective endings that keep the subject
(-고, -며, -면서, -아서/-어서, -자, -ㄴ 뒤): Korean does not repeat it. It stops at the
endings that turn to another matter (-지만, -(으)나, -는데/-ㄴ데) and where a quotation
closes (``…"고 말했다``: the speaker is someone else).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from . import vocab

__all__ = ["ACT", "OTHER_SUBJECT", "Act", "acts", "clause_end", "is_korean", "sentence_bounds",
           "sentence_breaks", "term_of", "voice"]

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_LATIN = re.compile(r"[A-Za-z]")
_SENTENCE_BREAK = re.compile(r"[.!?。](?:[\"'”’)\]]{0,3})(?=\s|$)|\n")
_CLAUSE_STOP = re.compile(r"(?:지만|는데|은데|었는데|았는데|했는데|으나)(?=[\s,])|"
                          r"[\"”’'](?:\s?(?:라고|이라고|고|며|라며|면서|하고))?(?=[\s,.])")

# Sino-Korean verbal nouns of violations (with 하다 / 되다 / 당하다) and native verbs, each
# with the violation it names: the reader of roles and counts needs them whether or not the
# Korean vocabularies list the word
_STEMS = {
    "arbitrary_detention": "체포 구속 구류 구금 연행 검거 수감 감금 투옥 압송",
    "killing": "공개처형 비공개처형 처형 총살 사형 살해 교수형",
    "torture": "고문",
    "physical_assault": "구타 폭행",
    "forced_repatriation": "강제북송 강제송환 북송 송환",
    "banishment": "추방",
    "kidnapping": "납치",
    "enforced_disappearance": "실종 행방불명",
    "raid_and_search": "단속 적발 가택수색",
    "other": "처벌 숙청 선고",
    # investigating, not a violation (Act.investigating)
    "investigation": "조사 수사 취조 심문 예심",
}
_STEM_OF = {stem: kind for kind, stems in _STEMS.items() for stem in stems.split()}
_STEM = re.compile("|".join(sorted(_STEM_OF, key=lambda s: (-len(s), s))))
# native verbs, which carry their voice in the stem: 끌고 갔다 / 끌려갔다
_NATIVE_ACTIVE = re.compile(r"끌고\s?(?:가|갔|간|갈)|끌어\s?(?:가|갔|간)|잡아\s?(?:가|갔|간|들|넣)|"
                            r"붙잡아|붙들어|가두|가뒀|가둔|때리|때렸|때린|두들겨\s?(?:패|팼)")
_NATIVE_PASSIVE = re.compile(r"끌려\s?(?:가|갔|간|갈|와|왔|온|나)|잡혀\s?(?:가|갔|간|들어|와|왔)?|"
                             r"잡혔|잡힌|붙잡혀|붙잡혔|붙잡힌|붙들려|붙들렸|붙들린|갇혀|갇혔|갇힌|"
                             r"얻어맞|두들겨\s?맞|매를\s?맞")
_NATIVE_KIND = {"때": "physical_assault", "두": "physical_assault", "얻": "physical_assault",
                "매": "physical_assault"}
ACT = re.compile(f"{_STEM.pattern}|{_NATIVE_PASSIVE.pattern}|{_NATIVE_ACTIVE.pattern}")

# the ending after a verbal noun: passive (되다, 당하다, 받다) before active (하다), so that
# 집행됐다 is passive; 하라고 / 하도록 is an order to do it
_PASSIVE = re.compile(r"\s?(?:되|됐|된|돼|됨|될|당하|당했|당한|당해|당함|받|(?:을|를|이|가)\s?"
                      r"(?:당하|당했|당한|당해|받)|(?:이|가)\s?(?:이뤄|이루어|진행되|진행됐|"
                      r"집행되|집행됐|단행되|단행됐|실시되|실시됐))")
_ORDER = re.compile(r"\s?(?:하|시키)?(?:라고|라는|라며|도록|하라|할\s?것을|시키라)")
_ACTIVE = re.compile(r"\s?(?:하|했|한|해|합|할|함|시키|시켰|시킨|시켜|중|(?:을|를|에)\s?"
                     r"(?:했|하|한|해|가했|가하|가한|단행|집행|진행|실시|벌였|벌이|벌인|자행|나섰|"
                     r"나서|착수|돌입|들어갔|감행))")
# forms of an act that did not or may not happen: negation, future, condition, intent
_UNREAL = re.compile(r"\s?(?:(?:되|하|당하|시키)(?:지\s?(?:않|못|말|는\s?않)|면|려|기\s?전)|될|할|"
                     r"당할|(?:을|를)\s?(?:당하|받)(?:지\s?(?:않|못)|을|면)|(?:을|를)\s?피)")
# another subject before a passive act: the passive is that one's (보위부는 주민들이
# 체포됐다고 밝혔다): a word ending as person nouns and bodies do, with a subject particle
OTHER_SUBJECT = re.compile(r"(?:들|명|민|자|인|성|꾼|원|생|부|족|국)(?:이|가|은|는)(?=\s)")
# an adnominal passive that only describes the noun after it ("체포된 주민"), unless that
# noun is one of those that make it the clause's verb ("체포된 뒤", "체포된 것으로")
_ADNOMINAL = re.compile(r"(?:된|당한|받은|붙잡힌|잡힌|끌려간|끌려온|잡혀간|갇힌|붙들린)\s"
                        r"(?!것|뒤|후|다음|이후|가운데|상태|사실|까닭|탓|때문|(?:바|채|지)(?![가-힣]))")


@dataclass(frozen=True, slots=True)
class Act:
    """One act stated in a Korean clause: where its word is, the violation it names (the
    vocabulary's hit, if one covers the word), and its voice (:func:`voice`)."""

    start: int
    end: int
    kind: str
    hit: vocab.Hit | None
    voice: str

    @property
    def investigating(self) -> bool:
        return self.kind == "investigation"


def is_korean(text: str) -> bool:
    """Whether a text is written in Korean: Hangul syllables are at least half as many as
    Latin letters (a syllable is one character, an English word about five). An English
    report quoting a Korean word stays English."""
    if _HANGUL.search(text) is None:
        return False
    return 2 * len(_HANGUL.findall(text)) >= len(_LATIN.findall(text))


def sentence_breaks(text: str) -> list[int]:
    return [m.end() for m in _SENTENCE_BREAK.finditer(text)]


def sentence_bounds(breaks: Sequence[int], pos: int, length: int) -> tuple[int, int]:
    i = bisect_right(breaks, pos)
    return (breaks[i - 1] if i else 0), (breaks[i] if i < len(breaks) else length)


def clause_end(text: str, start: int, ceiling: int) -> int:
    """Where the clause that runs on from ``start`` stops (see the module's notes)."""
    stop = _CLAUSE_STOP.search(text, start, ceiling)
    return stop.start() if stop else ceiling


def voice(text: str, at: int) -> str:
    """The voice of the verbal noun ending at ``at``: ``passive``, ``active``, ``order``
    (an order to do it: 체포하라고 지시했다), ``adnominal`` (a passive describing the noun
    after it: 체포된 주민), ``unreal`` (not done, or not yet: 체포되지 않았다, 체포될 수
    있다, 체포하면) or ``noun`` (a plain noun: 체포 소식, 보위부의 체포)."""
    tail = text[at:at + 24]
    if _UNREAL.match(tail):
        return "unreal"
    if _ORDER.match(tail) and re.search(r"지시|명령|지령|포치|방침|요구", tail):
        return "order"
    if _PASSIVE.match(tail):
        # the passive verb's own word: after at most one space ("조사를 받은 주민")
        form = _ADNOMINAL.search(text, at, min(len(text), at + 24))
        if form is not None and text.count(" ", at, form.start()) <= 1:
            return "adnominal"
        return "passive"
    return "active" if _ACTIVE.match(tail) else "noun"


def _native(text: str, m: re.Match[str]) -> tuple[str, str]:
    """The violation and voice of a native verb: 끌려간 주민 is adnominal, 끌려갈 and
    끌려가지 않았다 unreal."""
    kind = _NATIVE_KIND.get(m.group(0)[0], "arbitrary_detention")
    if m.group(0)[-1] in "갈할" or re.match(r"(?:지\s?(?:않|못)|면|려)", text[m.end():m.end() + 4]):
        return kind, "unreal"
    if _NATIVE_PASSIVE.fullmatch(m.group(0)):
        return kind, "adnominal" if _ADNOMINAL.match(text, m.start()) else "passive"
    return kind, "active"


@lru_cache(maxsize=1)
def _violations() -> dict[str, vocab.Term]:
    return {t.id: t for t in vocab.load("violations")}


def acts(text: str, hits: Iterable[vocab.Hit], begin: int = 0,
         end: int | None = None) -> list[Act]:
    """The acts stated in ``text[begin:end]``: each violation word, with the vocabulary's
    hit where one covers it (its term is the violation), else the violation the word
    names, and its voice. Vocabulary hits without a known word are kept as acts of
    unknown voice (``noun``)."""
    stop = len(text) if end is None else end
    by_start = sorted((h for h in hits if begin <= h.start < stop), key=lambda h: h.start)
    starts = [h.start for h in by_start]
    out: list[Act] = []
    used: set[int] = set()
    for m in ACT.finditer(text, begin, stop):
        if _STEM.fullmatch(m.group(0)) is not None:
            kind = _STEM_OF[m.group(0)]
            form = voice(text, m.end())
        else:
            kind, form = _native(text, m)
        # the hit covering the word: among the last few that start at or before it
        i = bisect_right(starts, m.start())
        hit = next((h for h in reversed(by_start[max(0, i - 4):i]) if m.start() < h.end), None)
        if hit is not None:
            used.add(id(hit))
        out.append(Act(m.start(), max(m.end(), hit.end if hit else 0), kind, hit, form))
    for hit in by_start:
        if id(hit) not in used:
            out.append(Act(hit.start, hit.end, hit.term.id, hit, voice(text, hit.end)))
    return sorted(out, key=lambda a: a.start)


def term_of(act: Act) -> vocab.Term | None:
    """The violation an act names: the vocabulary's term, else the one its word names."""
    if act.hit is not None:
        return act.hit.term
    return _violations().get(act.kind)
