"""Attribution: who said so, as the report states it.

The chain runs from the people who saw or heard (usually anonymous: "a source in North
Hamgyong province") through intermediaries (AsiaPress and its editor) to the outlet that
published. Each link is a ``source`` fact with its evidence and an ``order`` (0 source,
1 intermediary, 2 outlet). Anonymous sources are recorded exactly as described and never
narrowed further: corroborate does not try to identify anyone who spoke in confidence.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator

from . import clause_ko, vocab
from .model import Evidence, Fact, Report
from .vocab_index import Required

__all__ = ["find_sources"]

_SOURCE = re.compile(
    r"\b(?:(?:a|an|one|two|three|four|five|several|multiple|many|other|the|his|her|its|"
    r"their|our)[ \t]+)?(?:[\w’'-]+[ \t]+){0,3}?(?:sources?|informants?|insiders?)\b"
    r"(?:[ \t]+(?:in|from|inside|based[ \t]+in|living[ \t]+in|near|familiar[ \t]+with|"
    r"close[ \t]+to|who[ \t]+spoke|with[ \t]+knowledge)\b[^,.;“”\"\n]{0,70})?")
_SOURCE_NAMED = Required(_SOURCE)
# what a match of _SOURCE can begin with, for _source_matches
_SOURCE_NOUN = re.compile(r"(?=\b(?:sources?|informants?|insiders?)\b)")
_SOURCE_WORD = re.compile(r"[\w’'-]+")
_BLANKS = re.compile(r"[ \t]+")
_BOUNDARY = re.compile(r"\b")
_DETERMINER_WIDTH = 8  # "multiple", the longest determiner _SOURCE allows
_TAIL_END = re.compile(r"\s+(?:said|says|say|told|tells|tell|reported|added|explained|claimed"
                       r"|noted|confirmed|according|had|has|have|was|were|is|are|would|will)"
                       r"\b.*$", re.S)
_DETERMINERS = {"a", "an", "one", "two", "three", "four", "five", "several", "multiple", "many",
                "other", "the", "his", "her", "its", "their", "our", "that", "this", "these",
                "those"}
_NOT_MODIFIERS = {"told", "said", "says", "to", "of", "had", "has", "was", "and", "who",
                  "which", "by", "from", "with", "for", "on", "in", "at", "as", "rfa"}


def _trim_head(quote: str) -> int:
    """How many leading characters of a match are not part of the source's description."""
    words = list(re.finditer(r"\S+", quote))
    noun = next(i for i, w in enumerate(words)
                if re.match(r"(?:sources?|informants?|insiders?)\b", w.group(0), re.I))
    first = noun
    while first > 0:
        word = words[first - 1].group(0).lower()
        if word in _NOT_MODIFIERS:
            break
        first -= 1
        if word in _DETERMINERS:
            break
    return words[first].start() if words else 0
_REPORTING = re.compile(r"\b(?:said|says|say|told|tells|tell|reported|reports|added|explained"
                        r"|claimed|noted|confirmed|according\s+to|spoke)\b", re.I)
_ACCORDING = re.compile(r"according\s+to\s+$", re.I)
_NOT_A_SOURCE = re.compile(r"\b(?:open|power|energy|water|light|data|income|revenue|"
                           r"food|heat|main|primary|key|single)\s+sources?\b", re.I)
_PERSON_BEFORE = re.compile(
    r"(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){1,2}),\s+(?:a|an|the)\s+[^.;]{0,120}$")
_PERSON_WINDOW = 2000
_PERSON_TAIL = 122  # what "[^.;]{0,120}$" may cover at the end of a match, and one more
_NOT_BEFORE_TAIL = re.compile(r"[^A-Za-z\s,]")
_CAPITAL = re.compile(r"[A-Z]")


def _source_matches(text: str) -> Iterator[re.Match[str]]:
    """What ``_SOURCE.finditer(text)`` yields, in time linear in the text.

    The regex tries every word boundary; from one inside a word it reads the rest of the
    word as the first of three words before "source", so a long word with many boundaries
    ("a-a-a-...", "x'x'x'...") takes quadratic time. Here it is tried only where a match
    can begin: at a noun ("source"), in the three words before one (where every boundary
    begins a match: the first one at or after the last match's end is tried), and in the
    last characters of the fourth word before one (a determiner: "the" in "the two
    anonymous local sources"). On ordinary reports too that is half the time the regex
    takes over every boundary (0.19 against 0.41 ms a report).
    """
    if not _SOURCE_NAMED.may_match(text):
        return  # no "source", "informant" or "insider": nothing to scan for
    words = [m.span() for m in _SOURCE_WORD.finditer(text)]
    starts = [start for start, _ in words]
    nouns = [m.start() for m in _SOURCE_NOUN.finditer(text)]
    fixed = set(nouns)
    leading: set[int] = set()  # words whose every boundary begins a match
    for noun in nouns:
        if noun == 0 or text[noun - 1] not in " \t":
            continue
        i = bisect_right(starts, noun) - 1  # the word the noun begins
        for back in range(1, 5):
            j = i - back
            if j < 0 or not _BLANKS.fullmatch(text, words[j][1], words[j + 1][0]):
                break
            if back < 4:
                leading.add(j)
            else:
                start, end = words[j]
                fixed.update(range(max(start, end - _DETERMINER_WIDTH), end))
    for j in leading:
        start, end = words[j]
        first = _BOUNDARY.search(text, start)
        if first is not None and first.start() < end:
            fixed.add(first.start())
    candidates = sorted(fixed)
    lead_starts = sorted(words[j][0] for j in leading)
    lead_ends = {words[j][0]: words[j][1] for j in leading}
    pos = 0
    while True:
        # a match that ended inside one of the leading words: its next boundary may begin one
        inside = bisect_right(lead_starts, pos) - 1
        extra = None
        if inside >= 0 and pos < lead_ends[lead_starts[inside]]:
            found = _BOUNDARY.search(text, pos)
            if found is not None and found.start() < lead_ends[lead_starts[inside]]:
                extra = found.start()
        index = bisect_left(candidates, pos)
        match = None
        while match is None:
            nxt = candidates[index] if index < len(candidates) else None
            if extra is not None and (nxt is None or extra <= nxt):
                at, extra = extra, None
                if at == nxt:
                    index += 1
            elif nxt is not None:
                at, index = nxt, index + 1
            else:
                return
            match = _SOURCE.match(text, at)
        yield match
        pos = match.end()


def _person_before(text: str, begin: int, end: int) -> re.Match[str] | None:
    """``_PERSON_BEFORE.search(text[begin:end])``, reading only the last ``_PERSON_WINDOW``
    characters of a longer sentence when no match can begin before them (a sentence of a
    megabyte is otherwise read again for every outlet it names).

    A match ends at ``end`` (or before a last newline): whatever it covers before its last
    ``_PERSON_TAIL`` characters is a name of at most three capitalised words, a comma, white
    space and an article. A window whose part before the tail holds anything else, a
    fourth capital or a second comma, holds every match."""
    window = max(begin, end - _PERSON_WINDOW)
    if window > begin:
        part = text[window:max(window, end - _PERSON_TAIL)]
        if not (_NOT_BEFORE_TAIL.search(part) or part.count(",") > 1
                or len(_CAPITAL.findall(part)) > 3):
            window = begin
    return _PERSON_BEFORE.search(text[window:end])


def source_fact(report: Report, value: str, label: str, start: int, end: int,
                **attrs: object) -> Fact:
    return Fact("source", value, label, Evidence(report.id, start, end, report.text[start:end]),
                dict(attrs))


def place_named(quote: str) -> str | None:
    """The region or country a source's description names ("a source in Ryanggang")."""
    for name in ("regions", "countries"):
        hits = vocab.load(name).find(quote)
        if hits:
            return hits[0].term.id
    return None


def _anonymous_sources(report: Report) -> list[Fact]:
    text = report.text
    facts: list[Fact] = []
    seen: set[str] = set()
    for m in _source_matches(text):
        head = _trim_head(m.group(0))
        quote = _TAIL_END.sub("", m.group(0)[head:]).rstrip()
        start = m.start() + head
        if _NOT_A_SOURCE.search(quote):
            continue
        after = text[m.end():m.end() + 60]
        before = text[max(0, m.start() - 20):m.start()]
        if not (_REPORTING.search(after) or _REPORTING.search(m.group(0))
                or _ACCORDING.search(before)):
            continue
        key = quote.lower()
        if key in seen:
            continue
        seen.add(key)
        facts.append(source_fact(report, f"source:{key}", quote, start, start + len(quote),
                                 order=0, role="source", anonymous=True,
                                 place=place_named(quote)))
    # "the source", "a source" refer back to a source described elsewhere: keep them only
    # when the report describes no source at all
    described = [f for f in facts if len(f.evidence.quote.split()) > 2
                 or not re.match(r"(?:\w+\s+)?(?:sources?|informants?|insiders?)$",
                                 f.evidence.quote, re.I)]
    return described or facts[:1]


def find_sources(report: Report, named: list[vocab.Hit] | None = None) -> list[Fact]:
    """The attribution chain as stated: sources, intermediaries, the outlet.

    ``named`` are the outlets the report's text names (``vocab.load("outlets").find``), if
    the caller has them already. A Korean report is read by :mod:`attribution_ko`."""
    outlets = vocab.load("outlets")
    korean = clause_ko.is_korean(report.text)
    if korean:
        from . import attribution_ko  # which imports this module

        facts = attribution_ko.anonymous_sources(report, outlets)
    else:
        facts = _anonymous_sources(report)
    own = outlets.lookup(report.outlet) if report.outlet else None
    seen: set[str] = set()
    for hit in outlets.find(report.text) if named is None else named:
        term = hit.term
        if term.id in seen:
            continue
        seen.add(term.id)
        if own is not None and term.id == own.id:
            facts.append(source_fact(report, f"outlet:{term.id}", term.label, hit.start, hit.end,
                               order=2, role="outlet"))
            continue
        attrs: dict[str, object] = {"order": 1, "role": "intermediary",
                                    "kind": term.attrs.get("kind")}
        sentence_start = max(report.text.rfind(". ", 0, hit.start) + 2, 0)
        person = None if korean else _person_before(report.text, sentence_start, hit.start)
        if person:
            attrs["person"] = person.group("name")
        facts.append(source_fact(report, f"intermediary:{term.id}", term.label, hit.start, hit.end,
                           **attrs))
    return sorted(facts, key=lambda f: (f.attrs["order"], f.evidence.start))
