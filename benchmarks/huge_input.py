"""Huge-input benchmark: does ``pipeline.process`` stay linear in the size of one report?

Builds synthetic plain-text reports, in the project's own words and deterministically, at
several sizes and of several shapes, and times ``process(Document(...))`` (clean,
fingerprint, extract) on each, printing seconds, seconds per MB and CPU seconds per MB
(steadier than wall time on a busy machine). Time per MB that stays flat as the size
doubles is linear work; time per MB that doubles with the size is a quadratic loop.
Shapes:

* ``capitalised``: capitalised words only, no sentence punctuation ("Police Arrested Kim
  Park Hyesan ..."), in paragraphs of 120 words: every word a possible name, many
  organisation, violation and place hits;
* ``repeated``: one short report of an arrest in North Korea, repeated;
* ``sentence``: one giant sentence of ordinary words with commas and no full stop, on one
  line;
* ``lines``: many short lines of three to six words, no sentence punctuation;
* ``longwords``: a short report and three huge words, each on a line of its own, with a
  word boundary at every other character ("x.x.x. ...", "a'a'a'...", "al-al-al-..."): three
  regexes used to try each boundary against the rest of the word (quadratic);
* ``html``: one HTML article of many short paragraphs of ordinary words, most with an entity
  (``&amp;``, ``&#8217;``, ``&nbsp;`` ...) or an inline tag inside, with a heading and a
  short list now and then: paragraphs of the cleaned text that do not stand verbatim in the
  source, which ``locate.locate`` used to search for to the end of the source (quadratic).
  Its size is that of the HTML.

Columns: seconds and s/MB of ``process`` (clean, fingerprint, extract), CPU s/MB, then s/MB
of the clean stage alone (a separate ``clean`` call) and of ``locate`` within it
(timed by wrapping it).

    .venv/bin/python benchmarks/huge_input.py                      # every shape, 0.25-4 MB
    .venv/bin/python benchmarks/huge_input.py --sizes 1 2 4 10     # up to 10 MB
    .venv/bin/python benchmarks/huge_input.py --shapes capitalised --sizes 0.5 1 2
    .venv/bin/python benchmarks/huge_input.py --shapes html           # HTML, 0.25-4 MB
    .venv/bin/python benchmarks/huge_input.py --profile capitalised:1   # cProfile, top 25

Vocabulary loading is done once before timing (a warm-up report).
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import pstats
import random
import sys
import time
from collections.abc import Callable

from corroborate.clean import clean
from corroborate.model import Document
from corroborate.pipeline import process

MB = 1_000_000

# capitalised words: perpetrators, violations, places, months, names, sources, filler
_CAPITALISED = """Police Arrested Kim Park Hyesan Ryanggang Province State Security Agents
    Detained Traders Chinese Phones Source Told Daily Musan Chongjin Lee Choi Killed Shot
    Soldiers Border Guards Tortured Beaten Sentenced Years Prison Camp March April Court
    Ministry People Safety Officers Abducted Kidnapped Journalist Reporter Said Market
    Smugglers Students Farmers Women Defector Family Released Executed Public Trial
    North Korea Korean Pyongyang Sinuiju Hoeryong Onsong Residents Inspection Team Radio
    Charged With Murder Accused Of Killing By Gunmen Army Party Committee Jang Song Ri
    Han Yun Oh Seo Kang Cho Yoon Jang Lim Shin""".split()

# one short report in our own words; copies differ in place, numbers and month (clean
# drops a line repeated straight after itself, as a caption shown twice)
_REPORT = ("State security agents arrested at least {n} traders in {city}, {province} "
           "province, in {month} 2023 for using Chinese mobile phones to call relatives "
           "abroad, a source in the province told the outlet. The traders were held at the "
           "city state security department for {weeks} weeks and beaten during questioning, "
           "the source said. Two of them, a woman in her forties and her nephew, were later "
           "sentenced to {years} years in a labour camp, according to the source.\n\n")
_CITIES = [("Hyesan", "Ryanggang"), ("Musan", "North Hamgyong"), ("Sinuiju", "North Pyongan"),
           ("Hoeryong", "North Hamgyong"), ("Kanggye", "Jagang")]
_MONTHS = "January February March April May June July August September October".split()


def _report(rng: random.Random) -> str:
    city, province = rng.choice(_CITIES)
    return _REPORT.format(n=rng.randint(2, 40), city=city, province=province,
                          month=rng.choice(_MONTHS), weeks=rng.randint(2, 9),
                          years=rng.randint(2, 15))


_WORDS = """the a of and to in was were said that police agents traders market province
    city county border phone phones call calls family relatives money fine fines week
    weeks month year years officials inspection team homes radio radios arrested detained
    questioned released beaten held sent camp labour court trial public residents source
    sources told outlet reported meeting district village farm farmers students women men
    children school factory smuggling smugglers goods rice corn price prices""".split()


def capitalised(size: int, rng: random.Random) -> str:
    out: list[str] = []
    total = 0
    while total < size:
        para = " ".join(rng.choice(_CAPITALISED) for _ in range(120))
        out.append(para)
        total += len(para) + 2
    return "\n\n".join(out)[:size]


def repeated(size: int, rng: random.Random) -> str:
    out: list[str] = []
    total = 0
    while total < size:
        out.append(_report(rng))
        total += len(out[-1])
    return "".join(out)[:size]


def sentence(size: int, rng: random.Random) -> str:
    out: list[str] = []
    total = 0
    while total < size:
        word = rng.choice(_WORDS) + ("," if rng.random() < 0.08 else "")
        out.append(word)
        total += len(word) + 1
    return "Reports " + " ".join(out)[:size]


def lines(size: int, rng: random.Random) -> str:
    out: list[str] = []
    total = 0
    while total < size:
        line = " ".join(rng.choice(_WORDS + _CAPITALISED) for _ in range(rng.randint(3, 6)))
        out.append(line)
        total += len(line) + 1
    return "\n".join(out)[:size]


def longwords(size: int, rng: random.Random) -> str:
    third = size // 3
    return ("Police detained Kim Park, a journalist, on Monday, a source said.\n"
            + ("x." * third)[:third] + " (a (b\n" + ("a'" * third)[:third] + "9\n"
            + ("al-" * third)[:third] + "x sources said.\n")


_ENTITIES = ["&amp;", "&#8217;", "&nbsp;", "&quot;", "&#x2014;", "&eacute;", "&lt;"]


def _html_word(word: str, rng: random.Random) -> str:
    """A word with an entity after it or an inline tag around it, now and then."""
    roll = rng.random()
    if roll < 0.12:
        return word + rng.choice(_ENTITIES)
    if roll < 0.16:
        return f"<b>{word}</b>"
    if roll < 0.19:
        return f'<a href="/news/{rng.randint(1, 9999)}">{word}</a>'
    return word


def _html_block(rng: random.Random) -> str:
    """A paragraph of 8-30 words; every 40th block a heading and a list of short items."""
    words = [_html_word(rng.choice(_WORDS + _CAPITALISED), rng)
             for _ in range(rng.randint(8, 30))]
    text = " ".join(words)
    block = f"<p>{text[0].upper()}{text[1:]}.</p>\n"
    if rng.random() < 1 / 40:
        city, province = rng.choice(_CITIES)
        items = "".join(f"<li>{_html_word(rng.choice(_CAPITALISED), rng)} "
                        f"{rng.randint(1, 99)}</li>" for _ in range(3))
        block += f"<h2>{city} &amp; {province}</h2>\n<ul>{items}</ul>\n"
    return block


def html(size: int, rng: random.Random) -> str:
    head = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            "<title>Reports from the border</title></head><body><article>"
            "<h1>Reports from the border</h1>\n")
    out = [head]
    total = len(head)
    while total < size:
        out.append(_html_block(rng))
        total += len(out[-1])
    return "".join(out) + "</article></body></html>\n"


SHAPES: dict[str, Callable[[int, random.Random], str]] = {
    "capitalised": capitalised, "repeated": repeated, "sentence": sentence, "lines": lines,
    "longwords": longwords, "html": html}


def document(text: str, name: str = "huge.txt") -> Document:
    if name.endswith(".html"):
        return Document("0" * 64, "", name, "text/html", text, published="2023-04-02")
    return Document("0" * 64, "", name, "text/plain", text, published="2023-04-02")


def build(shape: str, mb: float, seed: int = 0) -> str:
    return SHAPES[shape](int(mb * MB), random.Random(seed))


def build_document(shape: str, mb: float, seed: int = 0) -> Document:
    return document(build(shape, mb, seed), "huge.html" if shape == "html" else "huge.txt")


class _Timed:
    """Wraps a function of ``corroborate.clean`` and adds up the seconds spent in it."""

    def __init__(self, name: str) -> None:
        self.module = importlib.import_module("corroborate.clean")
        self.name = name
        self.inner = getattr(self.module, name)
        self.seconds = 0.0

    def __call__(self, *args: object) -> object:
        start = time.perf_counter()
        try:
            return self.inner(*args)
        finally:
            self.seconds += time.perf_counter() - start

    def __enter__(self) -> _Timed:
        setattr(self.module, self.name, self)
        return self

    def __exit__(self, *exc: object) -> None:
        setattr(self.module, self.name, self.inner)


def run_one(shape: str, mb: float, seed: int) -> tuple[float, float, float, float, int, int]:
    """Wall and CPU seconds of one ``process``, wall seconds of one ``clean`` alone and of
    ``locate`` within it, the input's length and the facts found."""
    doc = build_document(shape, mb, seed)
    with _Timed("locate") as locate:
        start = time.perf_counter()
        clean(doc)
        clean_wall = time.perf_counter() - start
    wall, cpu = time.perf_counter(), time.process_time()
    _, _, incidents = process(doc)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return (wall, cpu, clean_wall, locate.seconds, len(doc.content),
            sum(len(i.facts) for i in incidents))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=list(SHAPES))
    parser.add_argument("--sizes", nargs="+", type=float, default=[0.25, 0.5, 1, 2, 4],
                        help="sizes in MB (10**6 characters)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=float, default=600.0,
                        help="skip larger sizes of a shape once one run took this many s")
    parser.add_argument("--profile", metavar="SHAPE:MB",
                        help="profile one run with cProfile instead, print the top 25")
    args = parser.parse_args(argv)
    process(document(_report(random.Random(0))))  # warm-up: vocabularies loaded before timing

    if args.profile:
        shape, mb = args.profile.split(":")
        doc = build_document(shape, float(mb), args.seed)
        profiler = cProfile.Profile()
        profiler.runcall(process, doc)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        return 0

    print(f"{'shape':<12} {'MB':>6} {'seconds':>9} {'s/MB':>8} {'cpu s/MB':>9} "
          f"{'clean s/MB':>11} {'locate s/MB':>12} {'facts':>7}")
    for shape in args.shapes:
        for mb in sorted(args.sizes):
            seconds, cpu, clean_s, locate_s, chars, facts = run_one(shape, mb, args.seed)
            per_mb = MB / chars
            print(f"{shape:<12} {chars / MB:6.2f} {seconds:9.2f} {seconds * per_mb:8.2f} "
                  f"{cpu * per_mb:9.2f} {clean_s * per_mb:11.2f} {locate_s * per_mb:12.3f} "
                  f"{facts:7d}", flush=True)
            if seconds > args.limit:
                print(f"{shape:<12} larger sizes skipped (over {args.limit:.0f} s)", flush=True)
                break
    return 0


if __name__ == "__main__":
    sys.exit(main())
