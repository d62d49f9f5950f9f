"""HTML pages from many real templates: the whole pipeline against trafilatura alone.

At run time, takes the pages of ../shared/benchmarks/article-extraction as templates (their
head, navigation, sidebars and footers stay) and puts generated article text
(``event_families.py``: invented North Korea incidents, every sentence written for that
file) in place of each article body: the ``<p>`` children of the element holding most of
the body's words are replaced, up to as many words as the real article had (a template
whose body is not in such paragraphs is left out: 140 of 181 are used). Nothing of the
shared pages is copied into the project. ``--pages`` pages (default 2,000), seeded.

Then, in one process and on one core, after a warm-up, it times side by side (in
alternating chunks, so the machine's noise falls on both evenly):

* ``trafilatura``: ``trafilatura.extract`` with the options clean.py uses (``fast=True``,
  no comments, tables) on the decoded page;
* ``trafilatura-defaults``: ``trafilatura.extract`` with its defaults (what a user who
  calls it on a page gets, and what ``article_extraction.py`` compares with: the fallback
  extractors compared, comments kept);
* ``pipeline``: ``capture_bytes`` and ``pipeline.process`` (clean, fingerprint, extract) on
  the page's bytes, as one ingest worker does (no archive, log or database writes);

and prints pages per second for each by the wall clock and by CPU time (on a machine
shared with other work the CPU figures are the steadier), the pipeline's ratio to each
trafilatura (issue 12 asks >= 0.70; held to the first, trafilatura with clean's own
options, the stricter), and from one more pass what each stage of the pipeline costs (CPU
ms per page).

    .venv/bin/python benchmarks/html_pages.py [--pages 2000] [--seed 0] [--rounds 3] \
        [--write DIR]
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from random import Random
from typing import Any

import event_families
from lxml import html as lxml_html

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "article-extraction"
_MIN_PARA_WORDS = 8
_MAX_WORDS = 1500
_COVER = 0.7
_CHUNK = 25


# --- pages ----------------------------------------------------------------------------------

def _body_paragraphs(root: Any) -> list[Any]:
    """The article body's paragraphs: the ``<p>`` children of the element holding the most
    words of sentence-length ``<p>`` children (the classic body-container rule)."""
    words: dict[Any, int] = defaultdict(int)
    for p in root.iter("p"):
        n = len(p.text_content().split())
        parent = p.getparent()
        if n >= _MIN_PARA_WORDS and parent is not None:
            words[parent] += n
    if not words:
        return []
    container = max(words, key=lambda el: words[el])
    return [p for p in container.iterchildren("p") if p.text_content().strip()]


def _set_text(el: Any, text: str) -> None:
    tail = el.tail
    for child in list(el):
        el.remove(child)
    el.text, el.tail = text, tail


class Template:
    """One real page with its body paragraphs found; ``fill`` puts other text in them."""

    def __init__(self, name: str, raw: bytes, body: str) -> None:
        self.name = name
        self.source = raw.decode("utf-8", errors="replace")
        self.body_words = min(max(len(body.split()), 150), _MAX_WORDS)
        found = _body_paragraphs(lxml_html.document_fromstring(self.source))
        # a body not (mostly) in <p> children of one element (<br> lines, nested <div>s), or
        # a comments list taken for it, would keep real text beside ours: left out
        flat = " ".join(body.split())
        inside = sum(len(p.text_content().split()) for p in found
                     if " ".join(p.text_content().split())[:60] in flat)
        self.usable = inside >= _COVER * len(body.split())

    def fill(self, title: str, paras: list[str]) -> str:
        root = lxml_html.document_fromstring(self.source)
        slots = _body_paragraphs(root)
        for p, text in zip(slots, paras, strict=False):
            _set_text(p, text)
        for p in slots[len(paras):]:
            p.getparent().remove(p)
        last = slots[min(len(paras), len(slots)) - 1]
        for text in reversed(paras[len(slots):]):
            new = lxml_html.Element("p")
            new.text = text
            last.addnext(new)
        for el in root.iter("title", "h1"):
            _set_text(el, title)
        for meta in root.iter("meta"):
            key = (meta.get("property") or meta.get("name") or "").lower()
            if key.endswith("title"):
                meta.set("content", title)
            if meta.get("charset") or (meta.get("http-equiv") or "").lower() == "content-type":
                meta.getparent().remove(meta)  # the page is written back as UTF-8
        head = root.find("head")
        if head is not None:
            head.insert(0, lxml_html.Element("meta", charset="utf-8"))
        return "<!DOCTYPE html>\n" + lxml_html.tostring(root, encoding="unicode")


def templates(data: Path) -> list[Template]:
    truth = json.loads((data / "ground-truth.json").read_text())
    found = []
    for path in sorted((data / "html").glob("*.html.gz")):
        key = path.name.split(".")[0]
        body = truth.get(key, {}).get("articleBody", "")
        t = Template(key, gzip.decompress(path.read_bytes()), body)
        if t.usable:
            found.append(t)
    return found


def _texts(seed: int) -> Iterator[tuple[str, list[str]]]:
    """Generated articles (title, paragraphs), endlessly: seed after seed."""
    while True:
        for record in event_families.generate(seed, 60):
            yield record["title"], record["text"].split("\n\n")
        seed += 1000


def pages(data: Path, n: int, seed: int) -> list[tuple[str, bytes]]:
    """``n`` pages: a template chosen at random, its body made of generated articles up to
    the real article's length (the first article's title is the page's)."""
    rng = Random(seed)
    pool = templates(data)
    texts = _texts(seed)
    out = []
    for i in range(n):
        template = rng.choice(pool)
        title, paras = next(texts)
        body = list(paras)
        while sum(len(p.split()) for p in body) < template.body_words:
            body.extend(next(texts)[1])
        page = template.fill(title, body)
        out.append((f"page-{i:05d}-{template.name[:12]}.html", page.encode("utf-8")))
    return out


# --- timing ---------------------------------------------------------------------------------

def _trafilatura(options: dict[str, bool]) -> Callable[[list[tuple[str, bytes]]], None]:
    """``trafilatura.extract`` with ``options`` on each decoded page."""
    def run(items: list[tuple[str, bytes]]) -> None:
        import trafilatura

        for _, data in items:
            trafilatura.extract(data.decode("utf-8"), **options)

    return run


def _pipeline(items: list[tuple[str, bytes]]) -> None:
    from corroborate.capture import capture_bytes
    from corroborate.errors import InputError
    from corroborate.pipeline import process

    for origin, data in items:
        _, docs, _ = capture_bytes(origin, data)
        for doc in docs:
            try:
                process(doc)
            except InputError:
                pass  # counted as work done: an ingest refuses such a page after the same work


TARGET = 0.70  # issue 12: the pipeline's throughput against trafilatura's, at least
PHASES: dict[str, Callable[[list[tuple[str, bytes]]], None]] = {
    "trafilatura": _trafilatura({"fast": True, "include_comments": False,
                                 "include_tables": True}),  # clean's options
    "trafilatura-defaults": _trafilatura({}),
    "pipeline": _pipeline}
CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}


def side_by_side(items: list[tuple[str, bytes]], rounds: int
                 ) -> dict[tuple[str, str], list[float]]:
    """Pages per second of each phase per round, by the wall clock and by this process's
    CPU time (other processes on a shared machine stretch the first, hardly the second).
    Each round runs every chunk of pages through both phases one after the other, the
    first phase alternating by chunk."""
    found: dict[tuple[str, str], list[float]] = {
        (name, clock): [] for name in PHASES for clock in CLOCKS}
    for _ in range(rounds):
        spent = dict.fromkeys(found, 0.0)
        for c, start in enumerate(range(0, len(items), _CHUNK)):
            chunk = items[start:start + _CHUNK]
            for name in list(PHASES) if c % 2 == 0 else list(reversed(PHASES)):
                t0 = {clock: tick() for clock, tick in CLOCKS.items()}
                PHASES[name](chunk)
                for clock, tick in CLOCKS.items():
                    spent[name, clock] += tick() - t0[clock]
        for key, seconds in spent.items():
            found[key].append(len(items) / seconds)
    return found


# --- stages ---------------------------------------------------------------------------------

# stage: the functions timed for it, the first one found (clean's trafilatura call moved
# into _main_text; before, clean called bare_extraction); clean's own are indented
STAGES: list[tuple[str, list[tuple[str, str]]]] = [
    ("capture (hash, decode)", [("capture", "capture_bytes")]),
    ("clean", [("pipeline", "clean")]),
    ("  parse (lxml, trafilatura's load_html)", [("trafilatura.utils", "load_html")]),
    ("  metadata", [("clean", "read_metadata")]),
    ("  zones: elements pruned", [("clean", "prune_zones")]),
    ("  trafilatura (its extraction)", [("clean", "_main_text"),
                                        ("trafilatura", "bare_extraction")]),
    ("  zones: paragraphs", [("clean", "zone_paragraphs")]),
    ("  locate (offsets)", [("clean", "locate")]),
    ("  report (outlet, language, bylines)", [("clean", "_report")]),
    ("fingerprint", [("pipeline", "fingerprint")]),
    ("extraction", [("pipeline", "extract")])]


@contextmanager
def _timed(spent: dict[str, float]) -> Iterator[None]:
    """Wrap the stage functions so each call adds the CPU time it takes to ``spent``."""
    patched: list[tuple[Any, str, Any]] = []

    def wrap(owner: Any, attr: str, stage: str) -> None:
        inner = getattr(owner, attr)

        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[stage] += time.process_time() - t0

        patched.append((owner, attr, inner))
        setattr(owner, attr, timed)

    for stage, functions in STAGES:
        for module, attr in functions:
            # the modules, not the functions of the same names that corroborate exports
            owner = importlib.import_module(module if "trafilatura" in module
                                            else f"corroborate.{module}")
            if hasattr(owner, attr):
                wrap(owner, attr, stage)
                break
    try:
        yield
    finally:
        for owner, attr, inner in reversed(patched):
            setattr(owner, attr, inner)


def stages(items: list[tuple[str, bytes]]) -> dict[str, float]:
    """CPU milliseconds per page of each stage (one pass, wrapped: not for the ratio)."""
    spent: dict[str, float] = defaultdict(float)
    with _timed(spent):
        t0 = time.process_time()
        _pipeline(items)
        spent["whole (capture_bytes + process)"] = time.process_time() - t0
    return {k: 1000 * v / len(items) for k, v in spent.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds (median shown)")
    parser.add_argument("--write", type=Path, help="also write the pages to this folder")
    args = parser.parse_args()
    t0 = time.perf_counter()
    items = pages(args.data, args.pages, args.seed)
    used = len({name.split("-", 2)[2] for name, _ in items})
    size = statistics.mean(len(d) for _, d in items) / 1024
    print(f"{len(items)} pages from {used} templates, mean {size:.0f} KB, seed {args.seed} "
          f"(made in {time.perf_counter() - t0:.1f} s)")
    if args.write:
        args.write.mkdir(parents=True, exist_ok=True)
        for name, data in items:
            (args.write / name).write_bytes(data)
    for run in PHASES.values():
        run(items[:10])  # warm-up: imports, vocabularies, caches
    found = side_by_side(items, args.rounds)
    for clock in CLOCKS:
        for name in PHASES:
            values = found[name, clock]
            print(f"{name:<20} {clock:>4} {statistics.median(values):7.1f} pages/s  (rounds: "
                  f"{', '.join(f'{v:.1f}' for v in values)})")
    for baseline, held in (("trafilatura", f"; target >= {TARGET:.2f}"),
                           ("trafilatura-defaults", "; not the one held to the target")):
        for clock in CLOCKS:
            ratios = [p / t for p, t in zip(found["pipeline", clock], found[baseline, clock],
                                            strict=True)]
            print(f"pipeline / {baseline} throughput ({clock}): "
                  f"{statistics.median(ratios):.2f} (rounds: "
                  f"{', '.join(f'{r:.2f}' for r in ratios)}{held})")
    print("stages, CPU ms per page (one more pass, each stage wrapped in a timer):")
    spent = stages(items)
    for stage in [s for s, _ in STAGES] + ["whole (capture_bytes + process)"]:
        print(f"  {stage:<40} {spent.get(stage, 0.0):7.2f}")
    # what the target is missed by: the pipeline less incident extraction, against
    # trafilatura alone's CPU time a page (side by side above)
    alone_ms = 1000 / statistics.median(found["trafilatura", "cpu"])
    rest_ms = spent["whole (capture_bytes + process)"] - spent.get("extraction", 0.0)
    print(f"without incident extraction: {rest_ms:.2f} ms a page against trafilatura "
          f"alone's {alone_ms:.2f}: {alone_ms / rest_ms:.2f}x; extraction within "
          f"{TARGET:.2f}x needs <= {alone_ms / TARGET - rest_ms:.2f} ms a page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
