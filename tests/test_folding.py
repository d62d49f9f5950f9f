"""Case-insensitive regexes read off the lower case (folding.py) find what they find
ignoring case: every vocabulary pattern and some written to be awkward, over texts made by
hypothesis (tests/test_vocab_index.py's, with İ, ı, ſ, the Kelvin sign and a final sigma),
and the regexes the date and background readers wrap."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corroborate import dates, vocab, when
from corroborate.folding import Folded, Screened, lowered_source

from .test_vocab_index import PATTERNED, texts

_SETTINGS = settings(max_examples=150, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])


_TRICKY = [r"\bNorth Korea\b", r"[A-Z][\w'’.&-]*", r"[^A-Z]+x", r"\b(?P<n>[A-F0-9]+)\b",
           r"(?P<w>ab)c(?P=w)", r"\bSept?\.\s+\d", r"[ -/]+", r"(?:Ū|u)x", r"\bK\w+",
           r"[0-a]+"]


@_SETTINGS
@given(texts(most=25), st.sampled_from(
    [p for name in PATTERNED for p in vocab.load(name).patterns.sources] + _TRICKY))
def test_a_pattern_read_off_the_lower_case_finds_what_it_finds_ignoring_case(
        text: str, pattern: str) -> None:
    low = text.lower()
    source = lowered_source(pattern)
    if source is None or len(low) != len(text) or re.search("[İıſ]", text):
        return
    assert [(m.span(), m.groups()) for m in re.finditer(source, low)] == \
        [(m.span(), tuple(g and g.lower() for g in m.groups()))
         for m in re.finditer(pattern, text, re.IGNORECASE)]


def test_every_vocabulary_pattern_can_be_read_off_the_lower_case() -> None:
    sources = [p for name in PATTERNED for p in vocab.load(name).patterns.sources]
    assert all(lowered_source(p) for p in sources)


@pytest.mark.parametrize(("pattern", "lowered"), [
    (r"\bNorth Korea\b", r"\bnorth korea\b"),
    (r"[A-Z]\w+\S\B", r"[a-z]\w+\S\B"),  # escapes kept as they are
    (r"(?P<Name>X)y", r"(?P<Name>x)y"),  # and group names
    (r"[^A-Z]", r"[^a-z]"),
    (r"[0-a]", None),  # holds B but not b: ignoring case it matches b
    (r"(?-i:May)", None),  # a part that tells case apart
    (r"café", None),  # a letter outside ASCII: its case folding is not checked here
    (r"\x41b", None),  # a capital written by its code
    (r"(x)?(?(1)a|b)", None),  # a conditional: not known to this
    (r"(\w)\w\1", None),  # a back-reference: "ΣΑΣ" ignoring case, "σας" lower-cased
    (r"(?P<a>\w)\w(?P=a)", None),
    (r"(?a:k)", None),  # ASCII only: the Kelvin sign is no k, its lower case is
    (r"(?a)k", None),
])
def test_what_is_read_off_the_lower_case_and_what_is_refused(
        pattern: str, lowered: str | None) -> None:
    assert lowered_source(pattern) == lowered


_FOLDED = [f for _, f in when._BACKGROUND] + [
    f for f in dates._FINDERS.values() if isinstance(f, Folded)]
_DATE_WORDS = st.sampled_from(["last", "month", "year", "this", "ago", "three", "12", "days",
                               "Recently", "in", "the", "past", "few", "years", "lately",
                               "who", "defected", "fled", "law", "was", "revised", "in",
                               "previously", "arrested", "earlier", "İ", "ı", "ſ", "\u212a",
                               "ΟΔΟΣ", "2019", "and", "but", "laſt", "yeſterday",
                               "prevıously", "LAST"])


def test_the_date_and_background_readers_read_the_lower_case() -> None:
    assert len(_FOLDED) == 5
    assert all(f.lowered is not None for f in _FOLDED)


@_SETTINGS
@given(st.lists(st.tuples(_DATE_WORDS, st.sampled_from([" ", ", ", ".\n", "  "])),
                max_size=14), st.sampled_from(["as is", "upper", "title"]), st.data())
def test_folded_regexes_give_the_matches_of_the_regex(
        parts: list[tuple[str, str]], case: str, data: st.DataObject) -> None:
    text = "".join(w + g for w, g in parts)
    text = {"as is": text, "upper": text.upper(), "title": text.title()}[case]
    for folded in _FOLDED:
        assert [(m.span(), m.groups()) for m in folded.finditer(text)] == \
            [(m.span(), m.groups()) for m in folded.regex.finditer(text)]
        pos = data.draw(st.integers(0, len(text)))
        mine, theirs = folded.search(text, pos), folded.regex.search(text, pos)
        assert (mine and (mine.span(), mine.groups())) == \
            (theirs and (theirs.span(), theirs.groups()))


@pytest.mark.parametrize(("pattern", "flags", "lowered"), [
    (r"(?i:\bLast\s+(?P<unit>Month|Year))", 0, r"\blast\s+(?P<unit>month|year)"),
    (r"\bLast\s+Month", re.IGNORECASE, r"\blast\s+month"),
    (r"(?i:Last)\s+Month", 0, None),  # "Month" tells case apart
    (r"(?i:a)|(?i:b)", 0, None),  # two groups, not one around it all
    (r"\bMay\b", 0, None),
    (r"\bLast\s+Month", re.IGNORECASE | re.ASCII, None),
])
def test_a_regex_is_read_off_the_lower_case_only_where_it_ignores_case_whole(
        pattern: str, flags: int, lowered: str | None) -> None:
    found = Folded(re.compile(pattern, flags)).lowered
    assert (found and found.pattern) == lowered
    text = "LAST MONTH, Last Year and May"
    assert [m.group(0) for m in Folded(re.compile(pattern, flags)).finditer(text)] == \
        [m.group(0) for m in re.finditer(pattern, text, flags)]


_YEAR_WORDS = st.sampled_from(["In", "in", "IN", "since", "Since", "of", "the", "end", "early",
                               "Early", "LATE", "mid", "2019", "1998", "2019s", "1990’s",
                               "2019,5", "beginning", "-", "ſince", "İn", "by", "2021"])


@_SETTINGS
@given(st.lists(st.tuples(_YEAR_WORDS, st.sampled_from([" ", "-", "  ", ", ", "\n"])),
                max_size=12))
def test_a_screened_regex_gives_the_matches_of_the_regex(parts: list[tuple[str, str]]) -> None:
    text = "".join(w + g for w, g in parts)
    screened = dates._FINDERS["year"]
    assert isinstance(screened, Screened)
    assert [(m.span(), m.groups()) for m in screened.finditer(text)] == \
        [(m.span(), m.groups()) for m in screened.regex.finditer(text)]


def test_a_screened_regex_tries_each_candidate_from_where_the_last_match_ended() -> None:
    # the looser regex finds "ab" at 0 and 1 and "b" at 2; the regex matches "aab" at 0, so
    # the candidates inside it are not tried
    screened = Screened(re.compile("a+b|ab|b"), "a|b")
    assert [m.span() for m in screened.finditer("aab b")] == [(0, 3), (4, 5)]
