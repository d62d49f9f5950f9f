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

from corroborate.attribution import _SOURCE, _source_matches
from corroborate.model import Document
from corroborate.pipeline import process
from corroborate.victims import _LONG_LOWER_RUN, _LOWER, _lower_words
from corroborate.zones import _SENTENCE_END, is_sentence

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
    assert is_sentence(line) == bool(_SENTENCE_END.search(line.rstrip()))


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


def test_the_long_word_sends_the_lower_words_down_their_long_word_path() -> None:
    assert _LONG_LOWER_RUN.search(_LONG_WORD)


def test_source_matches_in_a_report_are_the_source_regex_matches() -> None:
    # the words of a report around several sources, none of them a long word
    text = ("Two informants in Hyesan said the market was shut. A local source living in the "
            "city told us that several other sources, based in Musan, and one insider close "
            "to the party saw it. Their sources who spoke on condition of anonymity agreed; "
            "open sources did not. Source: staff. The three well informed local sources "
            "from the province confirmed it.")
    found = [m.span() for m in _source_matches(text)]
    assert len(found) >= 6
    assert found == [m.span() for m in _SOURCE.finditer(text)]


# HTML whose paragraphs mostly do not stand verbatim in the source (an entity or an inline
# tag inside): clean's locate used to search for each of them to the end of the source
_ENTITIES = ["&amp;", "&#8217;", "&nbsp;", "&quot;", "&eacute;", "&#x2014;"]
_WORDS = """the a of and to in was were said that police traders market province city border
    phone family relatives money fine week month year officials team homes radio held sent
    camp court residents source told outlet village farm students women men school goods
    rice corn price Hyesan Musan Kim Park""".split()


def _html_paragraph(rng: random.Random) -> str:
    words = []
    for _ in range(rng.randint(20, 120)):
        word = rng.choice(_WORDS)
        roll = rng.random()
        if roll < 0.012:
            word += rng.choice(_ENTITIES)
        elif roll < 0.016:
            word = f"<b>{word}</b>"
        words.append(word)
    return " ".join(words) + "."


def _entity_rich_html(size: int) -> str:
    """Paragraphs, most with entities or tags, some plain, some repeated, with short list
    items and a script holding a copy of a paragraph (found there, not where it is shown)."""
    rng = random.Random(11)
    blocks = ["<!DOCTYPE html><html><head><title>Reports</title></head><body><article>"]
    total = 0
    previous = "Police Detained Traders."
    while total < size:
        roll = rng.random()
        if roll < 0.1:
            block = f"<p>{previous}</p>"  # a paragraph repeated
        elif roll < 0.15:
            block = "<ul>" + "".join(f"<li>{rng.choice(_WORDS)} &amp; {rng.randint(1, 9)}"
                                     "</li>" for _ in range(3)) + "</ul>"
        elif roll < 0.17:
            block = f'<script>var quote = "{_html_paragraph(rng)}";</script>'
        else:
            previous = _html_paragraph(rng)
            block = f"<p>{previous}</p>"
        blocks.append(block + "\n")
        total += len(blocks[-1])
    return "".join(blocks) + "</article></body></html>"


def test_four_megabytes_of_html_paragraphs_with_entities_map_back() -> None:
    source = _entity_rich_html(4 * MB)
    doc = Document("0" * 64, "", "huge.html", "text/html", source)
    report, _, _ = process(doc)
    paragraphs = report.text.split("\n\n")
    starts = {seg.start: seg for seg in report.segments}
    cursor = offset = 0
    absent = 0
    for para in paragraphs:
        seg = starts.get(offset)
        if seg is not None and seg.end - seg.start == len(para):
            # the paragraph's first occurrence after the one found before it
            assert report.text[seg.start:seg.end] == para
            assert source[seg.source_start:seg.source_start + len(para)] == para
            assert source.find(para, cursor) == seg.source_start
            cursor = seg.source_start + len(para)
        else:
            assert source.find(para, cursor) < 0
            absent += 1
        offset += len(para) + 2
    assert len(report.segments) == len(paragraphs) - absent
    assert len(report.segments) > 1000 and absent > 1000



_FINDER_TEXT = st.text(alphabet="ab c.\u00a0’-|가", max_size=60)


def _paragraphs(source: str) -> st.SearchStrategy[str]:
    """Pieces of the source (found), pieces with a character put in (mostly not), other text."""
    piece = st.tuples(st.integers(0, len(source)), st.integers(0, 30)).map(
        lambda t: source[t[0]:t[0] + t[1]])
    changed = st.tuples(piece, st.integers(0, 30), st.sampled_from("a .’~")).map(
        lambda t: t[0][:t[1]] + t[2] + t[0][t[1]:])
    return st.one_of(piece, piece, changed, _FINDER_TEXT)


@settings(max_examples=1000, deadline=None)
@given(st.data())
def test_finder_finds_what_str_find_finds(data: st.DataObject) -> None:
    """On the anchor index from the first search (budget 0), with starts that never go back.
    A long tail without words makes checking candidates cheaper than a plain search, so
    both ways are taken."""
    from corroborate.locate import _Finder

    source = data.draw(_FINDER_TEXT) + data.draw(st.sampled_from(["", "~" * 20_000]))
    paras = data.draw(st.lists(_paragraphs(source), max_size=12))
    finder = _Finder(source, paras, budget=0)
    start = 0
    for para in paras:
        found = finder.find(para, start)
        assert found == source.find(para, start)
        if found >= 0 and data.draw(st.booleans()):
            start = found + len(para)
