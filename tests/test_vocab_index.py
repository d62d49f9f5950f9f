"""The one-pass index of several vocabularies finds exactly what the slow, obvious readings
find: every pattern scanned over the whole text, each vocabulary's patterns tried word by
word as they were before the index, and each alias tried at every word; a text is skipped
for a regex only where no match of it can be (:class:`vocab_index.Required`).

Texts are made by hypothesis from words the patterns and aliases hold, joined the ways
reports join them, with the letters that case folding treats apart (İ, ı, ſ, the Kelvin
sign, a final sigma) and curly apostrophes mixed in.
"""

from __future__ import annotations

import importlib
import re
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corroborate import dates, vocab
from corroborate.attribution import _SOURCE
from corroborate.perpetrators import _ACCUSATION
from corroborate.spans import without_overlaps
from corroborate.vocab_index import (
    _WORD_START,
    PatternIndex,
    PatternScan,
    Required,
    gap,
    required,
)

PATTERNED = ("violations", "groups", "punishments", "charges")
NAMED = ("violations", "organisations", "groups", "punishments", "outlets", "places",
         "regions", "countries", "demonyms", "charges")
extract = importlib.import_module("corroborate.extract")  # the package names a function so

# words the patterns and aliases are made of, and words around them
_WORDS = sorted({w for name in PATTERNED for p in vocab.load(name).patterns.sources
                 for w in re.findall(r"[A-Za-z]{2,}", p)}
                | {w for name in NAMED for alias, _, _ in vocab.load(name).names
                   for w in re.findall(r"\w+", alias)}
                | set("the a of in on by and police were was arrested detained said source "
                      "North Korea Hyesan 2019 1990s March 3 May years ago".split()))
_ODD = ["İ", "ı", "ſ", "\u212a", "Σ", "ΟΔΟΣ", "’s", "'", "don't", "Ch'ongjin", "-", "Ü"]
_GAPS = [" ", " ", " ", ", ", ". ", "-", "\n", " — ", "’s ", "'s ", "  ", "/"]


@st.composite
def texts(draw: st.DrawFn, most: int = 40) -> str:
    words = draw(st.lists(st.one_of(st.sampled_from(_WORDS), st.sampled_from(_ODD)),
                          min_size=1, max_size=most))
    out = []
    for word in words:
        case = draw(st.sampled_from(["as is", "as is", "lower", "upper", "title"]))
        out.append({"as is": word, "lower": word.lower(), "upper": word.upper(),
                    "title": word.title()}[case])
        out.append(draw(st.sampled_from(_GAPS)))
    return "".join(out)


# --- references ------------------------------------------------------------------------------


def _naive_patterns(name: str, text: str) -> list[tuple[str, int, int]]:
    """Every pattern on its own over the whole text: the slow, obvious reference."""
    v = vocab.load(name)
    hits = [vocab.Hit(v.pattern_terms[i], m.start(), m.end(), m.group(0), "pattern")
            for i, p in enumerate(v.patterns.sources)
            for m in re.finditer(p, text, re.IGNORECASE) if m.end() > m.start()]
    return [(h.term.id, h.start, h.end) for h in without_overlaps(hits)]


def _word_by_word(index: PatternIndex, text: str) -> list[tuple[int, int, int]]:
    """One vocabulary's patterns as they were tried before the merged scan: at each word
    start not inside the last match, the patterns of its head, one by one."""
    hits, reach = [], 0
    for w in _WORD_START.finditer(text):
        start = w.start()
        if start < reach:
            continue
        for i, regex in index.lookup(text[start:start + 3].lower()):
            m = regex.match(text, start)
            if m is not None and m.end() > start:
                hits.append((i, start, m.end()))
                reach = m.end()
                break
    if index.anywhere is not None:
        hits += [(int((m.lastgroup or "p0")[1:]), m.start(), m.end())
                 for m in index.anywhere.regex.finditer(text) if m.end() > m.start()]
    return hits


def _alias_at_every_word(name: str, text: str) -> list[tuple[str, int, int, str]]:
    """The longest alias at each word, tried by building every key it could have."""
    v = vocab.load(name)
    toks = vocab.tokens(text)
    hits, reach = [], 0
    for i, (start, _, word) in enumerate(toks):
        longest = min(v._longest.get(word, 0), len(toks) - i)
        if start < reach or not longest:
            continue
        for n in range(longest, 0, -1):
            key: list[str] = [toks[i][2]]
            for j in range(i + 1, i + n):
                key += [gap(text[toks[j - 1][1]:toks[j][0]]), toks[j][2]]
            term = v._by_key.get(tuple(key))
            if term is not None:
                end = toks[i + n - 1][1]
                via = "context" if tuple(key) in v._contextual else "alias"
                hits.append((term.id, start, end, via))
                reach = end
                break
    return hits


# --- patterns --------------------------------------------------------------------------------

_SCAN = PatternScan([vocab.load(name).patterns for name in PATTERNED])
_SETTINGS = settings(max_examples=150, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(texts())
def test_one_scan_finds_what_each_vocabulary_finds_word_by_word(text: str) -> None:
    merged = _SCAN.find(text)
    for index, found in zip(_SCAN.indexes, merged, strict=True):
        assert found == _word_by_word(index, text)


@_SETTINGS
@given(texts())
def test_the_patterns_found_are_those_of_scanning_every_pattern(text: str) -> None:
    found = vocab.find_all(text, PATTERNED)
    for name in PATTERNED:
        patterns = [h for h in found[name] if h.via == "pattern"]
        alone = without_overlaps(vocab.load(name).find_patterns(text))
        assert [(h.term.id, h.start, h.end) for h in alone] == _naive_patterns(name, text)
        assert set(patterns) <= set(alone)


def test_the_scan_finds_the_patterns_in_report_sized_texts() -> None:
    text = ("They were ARRESTED, then sent to a Kyohwaso; 3 were shot dead. Guards beat "
            "detainees. Relatives were banished to remote villages. They were accused of "
            "using Chinese phones and of receiving money from a brother. The defectors were "
            "forcibly repatriated from China, and people who watched South Korean dramas "
            "were sentenced to ten years of hard labour. ") * 3
    found = 0
    for name in PATTERNED:
        hits = without_overlaps(vocab.load(name).find_patterns(text))
        assert [(h.term.id, h.start, h.end) for h in hits] == _naive_patterns(name, text)
        found += len(hits)
    assert found > 10


@pytest.mark.parametrize("patterns", [
    [r"\bab(c)\1", r"\babx", r"\babc"],  # a numbered reference: tried one by one
    [r"\b(?P<x>ab)c", r"\b(?P<x>ab)d", r"\babe"],  # one name twice: tried one by one
    [r"\bab(?=c)|\bx", r"\babc?", r"\bab"],
    [r"\babc", r"\b(?:ab)?", r"\babd"],  # one may match nothing: skipped where it does
])
def test_patterns_that_cannot_be_joined_are_tried_one_by_one(patterns: list[str]) -> None:
    index = PatternIndex(patterns)
    for text in ["abc abd abe abx ab abcc", "xabc ab-c ABC Abd", "ab ab ab", "x abcab"]:
        assert PatternScan([index]).find(text)[0] == _word_by_word(index, text)


@pytest.mark.parametrize("before", ["İzmir: ", "ΟΔΟΣ ", "\u212aim ", "ſo "])
def test_letters_whose_lower_case_differs_do_not_shift_the_heads(before: str) -> None:
    text = before + "Residents were arrested and tortured; families were banished."
    found = _SCAN.find(text)
    assert found[0]  # violations
    for index, hits in zip(_SCAN.indexes, found, strict=True):
        assert hits == _word_by_word(index, text)


def test_the_first_pattern_that_matches_wins_in_each_vocabulary() -> None:
    first, second = PatternIndex([r"\bthe police", r"\bthe police arrested"]), \
        PatternIndex([r"\bthe pol", r"\bthe police arrested them"])
    [a, b] = PatternScan([first, second]).find("Then the police arrested them.")
    assert a == [(0, 5, 15)]  # file order, not the longest
    assert b == [(0, 5, 12)]


# --- aliases ---------------------------------------------------------------------------------


def _walked(text: str) -> dict[str, list[tuple[str, int, int, str]]]:
    """Each vocabulary's aliases, from one walk for all and from its own walk (the same)."""
    toks = vocab.tokens(text)
    merged = vocab._merged_index(NAMED)[0].find(text, toks)
    out = {}
    for name, found in zip(NAMED, merged, strict=True):
        alone = vocab.load(name)._index[0].find(text, toks)[0]
        assert alone == found
        out[name] = [(t.id, s, e, "context" if c else "alias") for t, s, e, c in found]
    return out


@_SETTINGS
@given(texts())
def test_one_walk_finds_each_vocabularys_longest_aliases(text: str) -> None:
    for name, found in _walked(text).items():
        assert found == _alias_at_every_word(name, text)


def test_aliases_of_several_words_and_the_punctuation_between_them() -> None:
    text = ("Agents of the State-Security Department and N. Korea's Ministry of People’s "
            "Security met in North Hamgyŏng; the Workers' Party of Korea said. Police in "
            "Hyesan, Ryanggang Province detained traders.")
    walked = _walked(text)
    for name, found in walked.items():
        assert found == _alias_at_every_word(name, text)
    assert {h[0] for h in walked["organisations"]} >= {"kp_mss", "kp_mps", "kp_wpk"}
    assert "KP-09" in {h[0] for h in walked["regions"]}
    assert any(h[3] == "context" for h in walked["organisations"])  # "Police" in context


# --- date patterns that begin with their first character ------------------------------------

_MONTH = dates._MONTH
_YEAR = dates._YEAR
# the patterns as they were written before they began with a character (dates.py)
_AS_WRITTEN = {
    "dmy": rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTH})(?:,?\s+{_YEAR})?",
    "mdy": rf"\b(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)"
           rf"(?:,?\s+{_YEAR})?",
    "iso": r"\b(?P<year>(?:19|20)\d{2})-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b",
}
_DATE_BITS = ["1", "12", "3rd", "21st", "2019", "1990", "2020-05-14", "19-05-01", "May",
              "March", "Sept.", "Jan.", "December", "aMay", "x12", "_3", "é4", "Σ", "of",
              "2019,", "15th", "٣"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_DATE_BITS),
                          st.sampled_from([" ", "", ", ", "\n", "-", "."])), max_size=12))
def test_date_patterns_find_what_they_found_with_a_leading_boundary(
        parts: list[tuple[str, str]]) -> None:
    text = "".join(a + b for a, b in parts)
    for kind, regex in dates._PATTERNS:
        if kind in _AS_WRITTEN:
            assert [(m.span(), m.groupdict()) for m in regex.finditer(text)] == \
                [(m.span(), m.groupdict()) for m in re.finditer(_AS_WRITTEN[kind], text)]


# --- what a match must contain ---------------------------------------------------------------

_CHECKED = [Required(regex) for regex in [
    *[re.compile(p, re.IGNORECASE) for name in PATTERNED
      for p in vocab.load(name).patterns.sources],
    *[r for _, r in dates._PATTERNS], _SOURCE, _ACCUSATION, extract._TERM]]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts(most=25))
def test_a_text_is_skipped_only_where_the_regex_finds_nothing(text: str) -> None:
    for checked in _CHECKED:
        if not checked.may_match(text):
            assert checked.regex.search(text) is None, checked.regex.pattern


def test_strings_a_match_holds() -> None:
    assert required(r"(?<!voluntary )\b(?:forcibly )?repatriat(?:ed|ion)\b", re.I) == {
        "repatriated", "repatriation"}
    assert required(r"\b(?:on|last)\s+(?P<day>Monday|Friday)\b") == {"monday", "friday"}
    assert required(r"\d+") is None  # no literal: every text is scanned
    assert required(r"\b(?:a|the)?\s*x") == {"x"}
    assert required(r"(?:ab)*c|d") == {"c", "d"}


@pytest.mark.parametrize("text", ["REPATRİATED", "repatrıated", "ſentenced", "repatriated"])
def test_letters_that_fold_to_ascii_are_never_skipped(text: str) -> None:
    checked = Required(re.compile(r"\brepatriated|\bsentenced", re.IGNORECASE))
    assert checked.may_match(text)
    assert not checked.may_match("nothing of the kind")


def test_only_four_letters_outside_ascii_match_an_ascii_letter_or_digit() -> None:
    """What ``Required`` and the head table assume of Python's case folding."""
    folds = [c for c in map(chr, range(128, sys.maxunicode + 1))
             if re.fullmatch("[a-z0-9]", c, re.IGNORECASE)]
    assert folds == ["\u0130", "\u0131", "\u017f", "\u212a"]
    assert [c for c in map(chr, range(sys.maxunicode + 1)) if len(c.lower()) != 1] == ["\u0130"]


@pytest.mark.parametrize("text", ["They were forcıbly returned.", "were forcibly ſent back",
                                  "They were forcibly returned."])
def test_a_text_with_letters_that_fold_to_ascii_is_not_read_off_the_lower_case(
        text: str) -> None:
    hits = without_overlaps(vocab.load("violations").find_patterns(text))
    assert [(h.term.id, h.start, h.end) for h in hits] == _naive_patterns("violations", text)
    assert hits
