"""Huge reports go through ``process`` in time linear in their size, with the same results.

Speed is measured in ``benchmarks/huge_input.py``; these tests only feed 10 MB reports
through the pipeline (before the loops were made linear, 5 MB of capitalised words took
over ten minutes) and check what comes out. The matchers rewritten to stay linear on long
words are checked against the regular expressions they stand for.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from corroborate.attribution import _LONG_SOURCE_WORD, _SOURCE, _source_matches
from corroborate.clean import _SENTENCE_END, _is_sentence
from corroborate.model import Document
from corroborate.pipeline import process
from corroborate.victims import _LONG_LOWER_RUN, _LOWER, _lower_words

MB = 1_000_000

_CAPITALISED = """Police Arrested Kim Park Hyesan Ryanggang Province State Security Agents
    Detained Traders Chinese Phones Source Told Musan Chongjin Lee Choi Killed Shot Soldiers
    Border Guards Tortured Beaten Sentenced Years Prison Camp March Court Ministry Officers
    Abducted Journalist Said Market Smugglers Students Farmers Defector Family Released
    Executed Public Trial North Korea Pyongyang Sinuiju Residents Inspection Team Radio
    Charged With Murder By Gunmen Army Party Committee Jang Song Ri Han Yun""".split()

_REPORT = ("Agents of the state security department detained {n} market traders in {city} "
           "in {month} 2022 for calling relatives abroad on Chinese mobile phones, a source "
           "in the province told the outlet. The traders were beaten during interrogation "
           "and later sentenced to {years} years in a labour camp, the source said.\n\n")
_CITIES = ["Hyesan", "Musan", "Hoeryong", "Sinuiju", "Onsong"]
_MONTHS = ["January", "February", "March", "April", "May", "June"]


def _document(text: str) -> Document:
    return Document("0" * 64, "", "huge.txt", "text/plain", text, published="2023-01-20")


def _capitalised(size: int) -> str:
    rng = random.Random(7)
    paragraphs = []
    total = 0
    while total < size:
        paragraphs.append(" ".join(rng.choice(_CAPITALISED) for _ in range(100)))
        total += len(paragraphs[-1]) + 2
    return "\n\n".join(paragraphs)


def _repeated(size: int) -> tuple[str, int]:
    """Whole copies of one short report (place, month and figures vary), and how many. No
    copy is the same as the one before it (clean drops a line repeated, as a caption)."""
    rng = random.Random(7)
    copies = [""]
    total = 0
    while total < size:
        copy = _REPORT.format(n=rng.randint(3, 30), city=rng.choice(_CITIES),
                              month=rng.choice(_MONTHS), years=rng.randint(2, 12))
        if copy != copies[-1]:
            copies.append(copy)
            total += len(copy)
    return "".join(copies), len(copies) - 1


def test_ten_megabytes_of_capitalised_words() -> None:
    text = _capitalised(10 * MB)
    report, fingerprint, incidents = process(_document(text))
    assert len(report.text) == len(text.strip())
    assert len(fingerprint.shingles) > 100_000
    [incident] = incidents
    fields = {f.field for f in incident.facts}
    assert {"violation", "perpetrator", "place", "date"} <= fields
    violations = {f.value for f in incident.values("violation")}
    assert {"arbitrary_detention", "killing", "torture"} <= violations
    assert all(report.text[f.evidence.start:f.evidence.end] == f.evidence.quote
               for f in incident.facts)


def test_ten_megabytes_of_one_report_repeated() -> None:
    text, copies = _repeated(10 * MB)
    report, _, incidents = process(_document(text))
    assert len(report.text) == len(text.strip())
    [incident] = incidents
    values = {(f.field, f.value): f for f in incident.facts}
    # every copy counts: "detained" and "sentenced to N years", "beaten", and the agents
    # named just before "detained"
    assert values["violation", "arbitrary_detention"].attrs["mentions"] == 2 * copies
    assert values["violation", "torture"].attrs["mentions"] == copies
    assert values["perpetrator", "kp_mss"].attrs["mentions"] == copies
    assert values["perpetrator", "kp_mss"].attrs["agent"] == copies
    assert ("victim", "market_traders") in values
    assert ("place", "KP-10:Hyesan") in values
    assert any(k[0] == "source" for k in values)
    [when] = [f for f in incident.values("date") if f.attrs.get("role") == "when"]
    assert when.value.startswith("2022-") and when.evidence.start < len(_REPORT) * 2
    terms = {f.label for f in incident.values("punishment") if f.value == "prison_term"}
    assert terms == {f"prison term of {n} years" for n in range(2, 13)}


# long words with a boundary at every other character, once quadratic in three matchers
def test_long_words_full_of_boundaries() -> None:
    for word in ("a'" * 100_000, "x." * 100_000, "al-" * 70_000, "source-x'" * 20_000):
        text = f"Police detained Kim Park, a journalist, on Monday. {word}9 sources said (x (y"
        report, _, [incident] = process(_document(text))
        assert report.text == text
        assert ("violation", "arbitrary_detention") in {(f.field, f.value)
                                                          for f in incident.facts}


_LONG_WORD = " " + "long-" * 20  # sends the matchers down their path for long words

_LINE = st.text(alphabet='.!?:;()"\'”’»] \t\u00a0xa\n,', max_size=14)
_SOURCE_TEXT = st.lists(st.sampled_from(
    ["source", "sources", "informant", "insiders", "the", "a", "an", "several", "x", "ab",
     "in", "from", "based", "near", "who", "spoke", "with", "knowledge", "Source", " ", " ",
     "  ", "\t", "-", "'", "’", ",", ".", "\n", "9"]), max_size=24).map("".join)
_LOWER_TEXT = st.text(alphabet="ab'’-  \t\n(“\"‘,.;9X”)", max_size=24)


@settings(max_examples=1000, deadline=None)
@given(_LINE)
def test_is_sentence_says_what_the_sentence_end_regex_says(line: str) -> None:
    assert _is_sentence(line) == bool(_SENTENCE_END.search(line.rstrip()))


@settings(max_examples=1000, deadline=None)
@given(_SOURCE_TEXT)
def test_source_matches_are_the_source_regex_matches(text: str) -> None:
    for value in (text, text + _LONG_WORD, _LONG_WORD + text):
        assert ([m.span() for m in _source_matches(value)]
                == [m.span() for m in _SOURCE.finditer(value)])


@settings(max_examples=1000, deadline=None)
@given(_LOWER_TEXT)
def test_lower_words_are_the_lower_regex_words(text: str) -> None:
    for value in (text, text + _LONG_WORD, _LONG_WORD + text):
        assert _lower_words(value) == set(_LOWER.findall(value))


def test_the_long_word_sends_the_matchers_down_their_long_word_path() -> None:
    assert _LONG_SOURCE_WORD.search(_LONG_WORD)
    assert _LONG_LOWER_RUN.search(_LONG_WORD)
