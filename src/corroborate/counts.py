"""Victim counts: how many people a violation was done to, as the report states it.

A report that says "nine people were publicly executed" documents nine victims, not one
incident with an unnamed victim; a record that drops the figure loses what a reader would
quote first. The figure is kept as written ("more than 10", "dozens") with the bounds it
states, never a guess: ``min`` and ``max`` (``None`` when open), ``exact`` for a plain
figure, ``approx`` for "about", "some", "dozens".

Only people a violation was done to are counted: the number phrase and a person noun
("residents", "smugglers", "a woman") stand in the same sentence as a violation (a
violation fact of the report, or a participle such as "arrested", "executed", "sent to"),
at most ``_REACH`` characters from it.
Not counted: sources ("two sources said"), terms and durations ("10 years", "five days"),
places ("three provinces"), decades, ages ("a 35-year-old woman" is one woman), sums of
money, officers and agents, people doing the act ("dozens of officials raided") and
spectators ("hundreds of residents were forced to watch").

Every repetition in the patterns is bounded, phrases are only tried where a word that can
start one stands, and only near a violation: the finder is linear in the text length
(about two seconds for 10 MB of reports whose every sentence states a violation).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from . import clause_ko
from .model import Evidence, Fact, Report

__all__ = ["Count", "act_windows", "bounded", "count_facts", "find_victim_counts"]

_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
          "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_WORDS = {**_UNITS, **_TEENS, **_TENS}


def _words(words: Iterable[str], cap: bool = True) -> str:
    """An alternation of phrases grouped by first letter ("[Nn](?:ineteen|ine)") that may
    start a sentence (``cap``: the first letter in either case); spaces match white space.

    The patterns are matched case-sensitively: the regex engine then skips an alternative
    on its first character, where ``re.I`` or one flat alternation of a hundred nouns made
    every word try them all.
    """
    groups: dict[str, list[str]] = {}
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        tail = r"\s{1,4}".join(re.escape(part) for part in word[1:].split(" "))
        groups.setdefault(word[0], []).append(tail)
    return "(?:" + "|".join(
        (f"[{first.upper()}{first}]" if cap else re.escape(first)) + f"(?:{'|'.join(tails)})"
        for first, tails in sorted(groups.items())) + ")"


# one figure: digits ("12", "2,000"), words ("twenty-five", "a hundred", "a dozen")
_QTY = (rf"(?:\d{{1,3}}(?:,\d{{3}})+(?![\d,])|\d{{1,6}}(?![\d,.]?\d)"
        rf"|{_words(_TENS)}(?:[\s-]{_words(_UNITS, cap=False)})?"
        rf"|{_words(['a', *_UNITS])}\s{{1,4}}hundred|(?:[Hh]alf\s{{1,4}}a|[Aa])\s{{1,4}}dozen"
        rf"|{_words([*_TEENS, *_UNITS])})(?![\w-])")
_RANGE = (rf"[Bb]etween\s{{1,4}}{_QTY}\s{{1,4}}and\s{{1,4}}{_QTY}"
          rf"|{_QTY}(?:\s{{0,2}}(?:-|–|to|or)\s{{0,2}}{_QTY})?")
# what a figure says about its bounds, by the words before it
_PREFIX_KIND = {words: kind for kind, group in (
    ("more", "more than|over|upwards of"),
    ("least", "at least|no fewer than|no less than|a minimum of"),
    ("about", "about|around|approximately|roughly|some|nearly|almost|close to|an estimated|"
              "estimated|as many as"),
    ("upto", "up to"), ("fewer", "fewer than|less than"))
    for words in group.split("|")}
# the people counted; officers, agents, guards and sources are left out
_PLURAL = """people persons individuals men women boys girls children kids minors teenagers
    teens youths youngsters adolescents students pupils residents villagers citizens civilians
    traders merchants vendors sellers smugglers brokers dealers farmers workers labourers
    laborers miners fishermen defectors escapees refugees returnees deportees migrants koreans
    christians believers worshippers missionaries pastors members relatives users housewives
    mothers fathers sons daughters wives husbands siblings brothers sisters teachers doctors
    nurses drivers soldiers officials cadres prisoners inmates detainees victims viewers
    listeners others""".split()
_SINGULAR = """person individual man woman boy girl child kid minor teenager youth student
    pupil resident villager citizen civilian trader merchant vendor smuggler broker dealer
    farmer worker labourer laborer miner fisherman defector escapee refugee returnee deportee
    migrant christian believer missionary pastor member housewife mother father teacher
    doctor nurse driver soldier official cadre prisoner inmate detainee victim""".split()
_PERSON = _words([*_PLURAL, *_SINGULAR])
_MONTHS = _words("""january february march april may june july august september october
    november december monday tuesday wednesday thursday friday saturday sunday""".split())
_ADJECTIVES = """other more additional young elderly old older female male local innocent
    ordinary teenage underage pregnant unarmed alleged suspected fellow poor foreign married
    adult market drug phone mobile university college school high middle church family party
    factory farm border underground religious""".split()
# words between a figure and its noun: "three other women", "two North Korean defectors",
# "five market traders", "a 35-year-old woman"
_MOD = (rf"(?:(?=[A-Z])(?!{_MONTHS}\b)(?!{_PERSON}(?![\w-]))[A-Z][A-Za-z’']{{0,20}}"
        r"|\d{1,3}-years?-old|[a-z]{1,20}-[a-z]{1,20}(?:-[a-z]{1,20})?"
        rf"|{_words(_ADJECTIVES, cap=False)})")
_MODS = rf"(?:{_MOD}\s{{1,4}}){{0,3}}"
_RELATIVE = _words("""wife husband son daughter mother father brother sister child sons
    daughters children brothers sisters parents""".split(), cap=False)
_ACTS = """arrested detained executed shot sentenced repatriated banished beaten tortured
    killed imprisoned jailed deported exiled expelled interrogated questioned punished fined
    caught hanged purged abducted kidnapped relocated evicted""".split()
_PARTICIPLE = _words([*_ACTS, "sent to", "sent back", "taken away", "taken to", "rounded up",
                      "forcibly returned", "handed over", "dragged away", "locked up"],
                     cap=False)
_VAGUE = ["tens of thousands", "hundreds of thousands", "dozens", "hundreds", "thousands",
          "scores"]
# the words a count phrase starts with: only there is the rest of the pattern tried
_OPENERS = [*_WORDS, *(w.split()[0] for w in _PREFIX_KIND), "a", "an", "the", "his", "her",
            "their", "between", "half", "tens", "hundreds", "dozens", "thousands", "scores",
            "several", "husband", "mother", "father"]
_COUNT = re.compile(
    rf"(?=[0-9A-Za-z])(?<![\w'’.,-])(?={_words(_OPENERS)}\b|\d)(?:"
    # a family of four
    rf"{_words(['a', 'the', 'his', 'her', 'their'])}\s{{1,4}}family\s{{1,4}}of\s{{1,4}}"
    rf"(?P<family>{_QTY})"
    # a woman, a 35-year-old trader, a man and his wife, a woman and her two children
    rf"|(?:[Aa]n?|[Oo]ne)\s{{1,4}}{_MODS}(?P<one>{_words(_SINGULAR)})(?![\w-])"
    rf"(?:\s{{1,4}}and\s{{1,4}}(?:his|her|their)\s{{1,4}}(?:(?P<kin_n>{_QTY})\s{{1,4}})?"
    rf"(?P<kin>{_RELATIVE})(?![\w-]))?"
    # the couple, husband and wife
    r"|(?P<couple>(?:[Aa]|[Tt]he)\s{1,4}(?:(?:young|elderly|old|married|middle-aged)"
    r"\s{1,4})?couple(?!\s{1,4}of\b)|(?:(?:[Aa]|[Tt]he)\s{1,4})?(?:[Hh]usband|[Mm]other|"
    r"[Ff]ather)\s{1,4}and\s{1,4}(?:(?:his|her)\s{1,4})?(?:wife|son|daughter|husband))(?![\w-])"
    # dozens of residents, several students
    rf"|(?P<vague>{_words(_VAGUE)})\s{{1,4}}of\s{{1,4}}(?:(?:the|other|their)\s{{1,4}})?"
    rf"{_MODS}(?P<noun_vague>{_PERSON})(?![\w-])"
    rf"|(?P<several>[Ss]everal)\s{{1,4}}{_MODS}(?P<noun_several>{_PERSON})(?![\w-])"
    # more than 10 people, two to three women, nine were executed
    rf"|(?:(?P<prefix>{_words(_PREFIX_KIND)})\s{{1,4}})?(?P<num>{_RANGE})"
    rf"(?:\s{{1,4}}{_MODS}(?P<noun>{_PERSON})(?![\w-])"
    rf"|(?=\s{{1,4}}(?:(?:more|others|of\s{{1,4}}them)\s{{1,4}})?"
    rf"(?:were|was|have\s{{1,4}}been|had\s{{1,4}}been)\s{{1,4}}(?:[a-z]{{1,20}}ly\s{{1,4}})?"
    rf"(?:{_PARTICIPLE})\b))"
    r")")
_QTY_RE = re.compile(_QTY)
_WORD = re.compile(r"[a-z]+", re.I)
_YEAR = re.compile(r"(?:19|20)\d\d")
# the acts that make a sentence one in which something was done to people ("handed eight
# women over to"), not a threat ("could be executed"): lower case, so that the regex engine
# skips to their first letters; where the word starts is checked by ``_starts_word``
_ACT = re.compile(rf"(?:{_PARTICIPLE}|handed(?=(?:\s{{1,4}}\S{{1,40}}){{0,8}}?\s{{1,4}}over"
                  r"\s{1,4}to\b))\b")
# how far from a violation a count is looked for, and the longest a count phrase can be
_REACH = 400
_LONGEST = 300
_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)]{0,3}\s|\n")
# the words before a count that is not of victims: a source, an agent, the crowd watching
_NOT_AFTER = {("by",), ("no",), ("any",), ("every",), ("each",), ("according", "to"),
              ("watched", "by"), ("crowd", "of"), ("audience", "of"), ("attended", "by"),
              ("presence", "of"), ("in", "front", "of")}
_NUMBER_WORD = "|".join(_WORDS)
# after a count that is not of victims: a source speaking, people doing the act, spectators
_NOT_BEFORE = re.compile(
    r"(?:\s{1,4}(?:in|from|of|living|based|now|near|inside|at|with)\b[^,.;!?\n]{0,60})?,?"
    r"\s{1,4}(?:told|said|says|tell|reported|explained|added|claimed|confirmed|revealed|"
    r"noted|stated)\b"
    r"|\s{1,4}(?:(?:also|then|later|reportedly|allegedly|had|have|has)\s{1,4})?(?:"
    r"(?:raided|stormed|searched|cracked\s+down|carried\s+out|conducted|launched|ordered|"
    r"inspected|patrolled|watched|witnessed|attended|looked\s+on|gathered\s+to)\b"
    r"|(?:arrested|detained|beat|executed|shot|tortured|killed|took|dragged|rounded\s+up|"
    r"interrogated|seized|abducted|kidnapped|punished|caught|sent|reported|informed\s+on)"
    rf"\s{{1,4}}(?:the|a|an|his|her|their|them|him|its|some|several|dozens|hundreds|\d|"
    rf"{_NUMBER_WORD})\b)"
    r"|\s{1,4}(?:were|was|had\s+been|have\s+been)\s{1,4}(?:(?:mobili[sz]ed|gathered|"
    r"assembled|present)\b|(?:[a-z]{1,20}\s{1,4})?(?:forced|made|ordered|mobili[sz]ed|called|"
    r"summoned|brought|gathered|assembled)\s{1,4}(?:[a-z]{1,20}\s{1,4})?to\s{1,4}(?:watch|"
    r"witness|attend|see|observe|gather)\b)", re.I)
_OPEN = {"dozens": 24, "hundreds": 200, "thousands": 2000, "scores": 40,
         "tens of thousands": 20_000, "hundreds of thousands": 200_000, "several": 3}


@dataclass(frozen=True)
class Count:
    """How many people a phrase counts: ``value`` as written in facts ("3", "~10",
    "5+", "<=8", "dozens"), its bounds, and the noun counted."""

    value: str
    low: int
    high: int | None
    exact: bool
    approx: bool
    noun: str | None


def _quantity(words: str) -> tuple[int, bool]:
    """The number one figure states, and whether it is a round figure ("a dozen")."""
    words = words.lower().replace(",", "")
    if words.isdigit():
        return int(words), False
    parts = _WORD.findall(words)
    if parts[-1] == "dozen":
        return (6 if parts[0] == "half" else 12), True
    if parts[-1] == "hundred":
        return 100 * _UNITS.get(parts[0], 1), False
    return sum(_WORDS[p] for p in parts), False


def bounded(low: int, high: int, kind: str | None, approx: bool, noun: str | None,
            high_round: int | None = None) -> Count | None:
    """The count of a figure from ``low`` to ``high`` with the bounds its qualifier sets
    (``kind``: more, least, upto, fewer, about), in English and Korean alike; a round
    figure's own upper bound is ``high_round`` ("10여 명": 10-19)."""
    if low < 1 or low > high:
        return None  # "0", "5 to 3"
    tilde = "~" if approx else ""
    if low != high:
        return Count(f"{tilde}{low}-{high}", low, high, False, approx, noun)
    if kind == "more":
        return Count(f"{low}+", low + 1, None, False, False, noun)
    if kind == "least":
        return Count(f"{low}+", low, None, False, False, noun)
    if kind == "upto":
        return Count(f"<={low}", 1, low, False, False, noun)
    if kind == "fewer":
        return None if low < 2 else Count(f"<{low}", 1, low - 1, False, False, noun)
    return Count(f"{tilde}{low}", low, high_round or low, not approx, approx, noun)


def _figure(prefix: str | None, figure: str, noun: str | None) -> Count | None:
    """The count a figure states, with the bounds its prefix sets."""
    numbers = [_quantity(m.group(0)) for m in _QTY_RE.finditer(figure)]
    low, round_low = numbers[0]
    high, round_high = numbers[-1]
    if len(numbers) == 1 and _YEAR.fullmatch(figure):
        return None  # a year
    kind = _PREFIX_KIND.get(" ".join(prefix.lower().split())) if prefix else None
    return bounded(low, high, kind, kind == "about" or round_low or round_high, noun)


@lru_cache(maxsize=1 << 12)
def _count(groups: tuple[str | None, ...]) -> Count | None:
    """What one count phrase counts, from the groups ``_COUNT`` matched in it."""

    def group(name: str) -> str | None:
        return groups[_COUNT.groupindex[name] - 1]

    family, one, kin, kin_n = group("family"), group("one"), group("kin"), group("kin_n")
    if family:
        number, round_figure = _quantity(family)
        return Count(f"{'~' if round_figure else ''}{number}", number, number,
                      not round_figure, round_figure, "family")
    if one and kin:
        kin = kin.lower()
        if not kin_n and (kin.endswith("s") or kin == "children"):
            return None  # "a woman and her children": how many is not said
        total = 1 + (_quantity(kin_n)[0] if kin_n else 1)
        return Count(str(total), total, total, True, False, f"{one.lower()} and {kin}")
    if one:
        return Count("1", 1, 1, True, False, one.lower())
    if group("couple"):
        return Count("2", 2, 2, True, False, "couple")
    found = group("noun") or group("noun_vague") or group("noun_several")
    noun = found.lower() if found else None
    vague = group("vague") or group("several")
    if vague:
        key = " ".join(vague.lower().split())
        return Count(key, _OPEN[key], None, False, True, noun)
    num = group("num")
    return _figure(group("prefix"), num, noun) if num else None


def _starts_word(text: str, i: int) -> bool:
    """Whether a word found at ``i`` starts there ("shot" in "gunshot" does not)."""
    return i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_'’.,-")


def act_windows(length: int, breaks: list[int], acts: Iterable[int],
                reach: int = _REACH) -> list[tuple[int, int, int]]:
    """Where counts are looked for: the words of a sentence within ``reach`` characters of
    an act stated in it, as (start, end, end of the sentence); overlaps joined. ``breaks``
    are where sentences end. The reach bounds the work on a run-on "sentence" of megabytes
    with one act in it."""
    spans: list[tuple[int, int, int]] = []
    for act in sorted(set(acts)):
        i = bisect_right(breaks, act)
        sentence_end = breaks[i] if i < len(breaks) else length
        begin = max(breaks[i - 1] if i else 0, act - reach)
        end = min(sentence_end, act + reach)
        if spans and begin <= spans[-1][1] and spans[-1][2] == sentence_end:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]), sentence_end)
        else:
            spans.append((begin, end, sentence_end))
    return spans


def _near_acts(text: str, violations: list[Fact]) -> list[tuple[int, int, int]]:
    """Where counts are looked for near a violation or a participle ("arrested")."""
    breaks = [m.end() for m in _SENTENCE_BREAK.finditer(text)]
    acts = {f.evidence.start for f in violations}
    acts.update(m.start() for m in _ACT.finditer(text)
                if _starts_word(text, m.start()) and text[max(0, m.start() - 3):m.start()]
                != "be ")
    return act_windows(len(text), breaks, acts)


def _phrases(text: str, violations: list[Fact]) -> Iterator[re.Match[str]]:
    """The count phrases that start near a violation, in order, none overlapping."""
    last = 0
    for begin, end, sentence_end in _near_acts(text, violations):
        for m in _COUNT.finditer(text, max(begin, last), min(sentence_end, end + _LONGEST)):
            if m.start() >= end:
                break
            last = m.end()
            yield m


def _not_of_victims(text: str, start: int, end: int) -> bool:
    """Whether the words around a count say it is not of victims: a source ("according
    to two residents"), an agent ("by three officers"), the act's doers or spectators."""
    before = tuple(text[max(0, start - 30):start].lower().split()[-4:])
    if before[-1:] == ("the",):
        before = before[:-1]
    return (before[-1:] in _NOT_AFTER or before[-2:] in _NOT_AFTER or before[-3:] in _NOT_AFTER
            or _NOT_BEFORE.match(text, end, min(len(text), end + 120)) is not None)


def find_victim_counts(report: Report, violations: list[Fact]) -> list[Fact]:
    """How many people the report says a violation was done to: one fact per distinct
    count (its first mention, with the number of ``mentions``), in order of position.

    A count is only taken from a sentence that states a violation (one of ``violations``
    or a participle such as "arrested", "executed", "sent to"); the first of them is the
    main count and comes first. A Korean report is read by :mod:`counts_ko`.
    """
    if clause_ko.is_korean(report.text):
        from . import counts_ko  # which imports this module

        return counts_ko.find_victim_counts(report, violations)
    found = []
    for m in _phrases(report.text, violations):
        start, stop = m.span()
        count = None if _not_of_victims(report.text, start, stop) else _count(m.groups())
        if count is not None:
            found.append((start, stop, count))
    return count_facts(report, found)


def count_facts(report: Report, found: Iterable[tuple[int, int, Count]]) -> list[Fact]:
    """One fact per distinct count of ``found`` ((start, end, count), in order): its first
    mention, with the number of ``mentions``."""
    seen: dict[str, Fact] = {}
    mentions: dict[str, int] = {}
    for start, stop, count in found:
        mentions[count.value] = mentions.get(count.value, 0) + 1
        if count.value not in seen:
            quote = report.text[start:stop]
            seen[count.value] = Fact(
                "victim_count", count.value, " ".join(quote.split()),
                Evidence(report.id, start, stop, quote),
                {"min": count.low, "max": count.high, "exact": count.exact,
                 "approx": count.approx, "noun": count.noun, "role": "victims"})
    return [Fact(f.field, f.value, f.label, f.evidence,
                 {**f.attrs, "mentions": mentions[f.value]}) for f in seen.values()]
