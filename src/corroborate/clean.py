"""Clean: the main text of a report without page furniture, and its metadata.

HTML goes through trafilatura. Text copied off a web page loses its furniture by rules
about the shape of lines, not by lists of known lines: short lines without sentence
punctuation at the head or tail of the page, short lines that name a page action (share,
print, email, subscribe ...), and a line repeated straight after itself (a photo caption
shown twice). Every kept line is recorded as a :class:`Segment`, so offsets in the cleaned
text map back to the captured document.

In both, captions, credits, bylines, datelines and related-stories lists are left out of
the text (their text listed in ``Report.removed``; bylines and dates read), and a text
report's header block (``Title:``, ``URL:``, ``Outlet:``, ``Date:``, ``Byline:``) and
headline are read as metadata: docs/clean.md. The rules for those zones are in
:mod:`.zones`; where HTML paragraphs stand in the source is found by :mod:`.locate`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any
from urllib.parse import urlparse

from . import vocab
from .dates import normalise_date
from .errors import EmptyInput
from .locate import locate
from .metadata import read_metadata, read_text_header
from .model import Byline, Document, Report, Segment
from .zones import (
    RELATED,
    credit_bylines,
    dateline,
    find_bylines,
    headline,
    is_sentence,
    korean_meta,
    lead_credit,
    prune_zones,
    related_items,
    word_count,
    zone,
    zone_paragraphs,
)

__all__ = ["clean", "clean_html", "clean_text", "detect_language", "find_bylines"]

log = logging.getLogger(__name__)

_LEADING_DATE = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*\n?[ \t]*", re.I)
_ACTIONS = re.compile(
    r"\b(?:e-?mail|share|print|comment|comments|tweet|facebook|twitter|whatsapp|telegram"
    r"|linkedin|subscribe|newsletter|listen|listening|podcast|download|view|site|menu|home"
    r"|related|copyright|advertisement|login|log in|sign in|sign up|follow us|back to top"
    r"|next|previous|cookies?|options|more stories|read more|donate|rss)\b|©", re.I)
_FURNITURE_WORDS = 7
# a Korean line of more words than this that ends as a sentence is body text (Korean writes
# fewer, longer words than English)
_KO_BODY_WORDS = 6


def clean(doc: Document) -> Report:
    """Clean one document into a report. Raises :class:`EmptyInput` if no text is left."""
    if doc.media_type == "text/html":
        return clean_html(doc)
    return clean_text(doc)


def _is_short_bare(line: str) -> bool:
    return word_count(line) <= _FURNITURE_WORDS and not is_sentence(line)


def clean_text(doc: Document) -> Report:
    """Clean plain text: header block, leading ``date`` line, title, furniture, zones."""
    source = doc.content
    published = normalise_date(doc.published)
    cursor = 0
    m = _LEADING_DATE.match(source)
    if m:
        published = published or m.group(1)
        cursor = m.end()
    header = read_text_header(source, cursor)
    cursor = header.end
    lines = _lines(source, cursor)
    if not lines:
        raise EmptyInput(doc.origin, "no report text in it")
    title = doc.title or header.title
    published = published or header.published
    removed: list[str] = [source[s:e] for s, e in header.lines]
    bylines: list[Byline] = [b for name in header.bylines for b in _header_byline(name)]
    keep = [True] * len(lines)
    lines = _strip_lead_credits(source, lines, removed, bylines)
    texts = [source[s:e] for s, e, _ in lines]

    zones = [zone(text) for text in texts]
    # the head: the lines before the first that reads as body text
    head = next((i for i, t in enumerate(texts) if zones[i] is None and is_sentence(t)
                 and word_count(t) > (_KO_BODY_WORDS if _HANGUL.search(t) else 12)),
                len(texts))
    dates = [(dateline(texts[i]) if i < head else None) for i in range(len(texts))]

    def meta(i: int) -> bool:
        return i < len(texts) and (zones[i] in ("credit", "meta") or dates[i] is not None)

    # a headline: a first line that is short and stands alone (see zones.headline); on a
    # Korean page, the first after the site's menu and meta lines
    first = next((i for i, z in enumerate(zones) if z not in ("meta", "comments")), 0)
    if (len(lines) > first + 1 and zones[first] is None and dates[first] is None
            and headline(texts[first], lines[first + 1][2], meta(first + 1),
                         doc.title or header.title)):
        title = title or texts[first]
        keep[first] = False
    body_seen = False
    cut = len(texts)  # where a comments section begins: it runs to the end of the page
    for i, text in enumerate(texts):
        if i >= cut:
            keep[i] = False
        elif dates[i] is not None:
            published = published or dates[i]
            keep[i] = False
        elif zones[i] == "meta":
            keep[i] = False
            date, labelled, names = korean_meta(text) or (None, False, ())
            published = published or (date if labelled or i < head else None)
            bylines.extend(names)
        elif zones[i] == "comments":
            keep[i] = False
            cut = i if body_seen else cut
        elif zones[i] == "related":
            keep[i] = False
            if not RELATED.match(text)["rest"]:  # type: ignore[index]
                for j in related_items(texts, lines, i):
                    keep[j] = False
        elif zones[i] is not None:
            keep[i] = False
            if zones[i] == "credit":
                bylines.extend(credit_bylines(text) or ())
        else:
            body_seen = body_seen or (keep[i] and is_sentence(text))
    for i, text in enumerate(texts):
        if keep[i] and word_count(text) <= _FURNITURE_WORDS and _ACTIONS.search(text):
            keep[i] = False
        if i and texts[i - 1] == text and word_count(text) > 0:  # a caption shown twice
            keep[i] = keep[i - 1] = False
    # runs of short unpunctuated lines at the head and tail of the page
    body = [i for i in range(len(lines)) if keep[i] and not _is_short_bare(texts[i])]
    if body:
        for i in range(0, body[0]):
            keep[i] = False
        for i in range(body[-1] + 1, len(lines)):
            keep[i] = False
    seen = set(removed)
    for i in range(len(lines)):
        if not keep[i] and texts[i] not in seen:
            seen.add(texts[i])
            removed.append(texts[i])

    parts: list[str] = []
    segments: list[Segment] = []
    offset = 0
    previous_kept = -2
    for i, (start, end, gap) in enumerate(lines):
        if not keep[i]:
            continue
        if parts:
            sep = "\n" if (previous_kept == i - 1 and not gap) else "\n\n"
            parts.append(sep)
            offset += len(sep)
        segments.append(Segment(offset, offset + end - start, start))
        parts.append(source[start:end])
        offset += end - start
        previous_kept = i
    text = "".join(parts)
    if not text.strip():
        raise EmptyInput(doc.origin, "nothing left after removing page furniture")
    return _report(doc, text, tuple(segments), title, published, tuple(removed),
                   url=doc.url or header.url, outlet=doc.outlet or header.outlet,
                   bylines=tuple(bylines))


def _strip_lead_credits(source: str, lines: list[tuple[int, int, bool]], removed: list[str],
                        bylines: list[Byline]) -> list[tuple[int, int, bool]]:
    """The lines less a wire credit opening them ("(서울=연합뉴스) 김한솔 기자 = "): the credit
    goes to ``removed`` and its people to ``bylines``; the rest of the line stays."""
    out = []
    for start, end, gap in lines:
        credit = lead_credit(source[start:end]) if source[start] in "([【" else None
        if credit:
            taken, names = credit
            removed.append(source[start:start + taken].strip())
            bylines.extend(names)
            start += taken
        out.append((start, end, gap))
    return out


def _header_byline(value: str) -> tuple[Byline, ...]:
    """A ``Byline:`` header value: "Reported by X for Y", "By X", or a name."""
    credits = credit_bylines(value)
    if credits:
        return credits
    return (Byline("author", value.strip()),)


def _lines(source: str, cursor: int) -> list[tuple[int, int, bool]]:
    """Non-blank lines as (start, end, preceded_by_blank), stripped of outer white space."""
    out: list[tuple[int, int, bool]] = []
    blank_before = False
    for m in re.finditer(r"[^\n]*(?:\n|$)", source[cursor:]):
        raw = m.group(0)
        if not raw:
            break
        stripped = raw.strip()
        if not stripped:
            blank_before = True
            continue
        lead = len(raw) - len(raw.lstrip())
        start = cursor + m.start() + lead
        out.append((start, start + len(stripped), blank_before))
        blank_before = False
    return out


def clean_html(doc: Document) -> Report:
    """Clean HTML: one lxml parse, our metadata reader, zones pruned, then trafilatura on
    the same tree, then the zone rules on its paragraphs."""
    from trafilatura.utils import load_html

    tree = load_html(doc.content)
    if tree is None:
        raise EmptyInput(doc.origin, "the HTML could not be parsed")
    meta = read_metadata(tree, doc.url)  # before trafilatura, which prunes the tree
    removed, bylines = prune_zones(tree)
    text = _main_text(tree, doc.url)
    if not text or not text.strip():
        raise EmptyInput(doc.origin, "no article text found in the HTML")
    paras = re.sub(r"\n(?=[^\n])", "\n\n", text.strip()).split("\n\n")
    korean = detect_language(text) == "ko"
    if korean and meta.title and len(paras) > 1 and _same(paras[0], meta.title):
        removed.append(paras.pop(0))  # the headline, repeated as the first paragraph
    dates: list[str] = []
    kept = zone_paragraphs(paras, removed, bylines, dates, korean=korean)
    text = "\n\n".join(kept)
    if not text.strip():
        raise EmptyInput(doc.origin, "nothing left after removing captions and credits")
    segments = locate(text, doc.content)
    published = normalise_date(doc.published) or meta.published or next(iter(dates), None)
    report = _report(doc, text, segments, doc.title or meta.title, published, tuple(removed),
                     sitename=meta.sitename, url=doc.url or meta.url, bylines=tuple(bylines))
    if meta.language and report.language is None:
        report = replace(report, language=meta.language)
    if meta.author and not report.bylines:
        names = tuple(Byline("author", n.strip()) for n in meta.author.split(";") if n.strip())
        report = replace(report, bylines=names)
    return report


# the trafilatura releases under which _sequence_text is checked to give bare_extraction's
# text (tests/test_clean_speed.py); under any other, bare_extraction itself runs
_CHECKED = frozenset({"2.3.1"})


def _main_text(tree: Any, url: str | None) -> str | None:
    """trafilatura's main text of the page, or None when it finds none."""
    import trafilatura

    if trafilatura.__version__ in _CHECKED:
        return _sequence_text(tree, url)
    # fast=True skips the fallback extractors: faster, and better on the article benchmark
    # (F1 0.962 against 0.953 for the defaults, benchmarks/README.md)
    result = trafilatura.bare_extraction(tree, url=url, fast=True, with_metadata=False,
                                         include_comments=False, include_tables=True)
    return getattr(result, "text", None) if result is not None else None


def _sequence_text(tree: Any, url: str | None) -> str | None:
    """What ``bare_extraction`` gives with our options, less its copy of the tree: it
    copies a tree it is given, to leave the caller's whole, and ours is not read after
    (the copy cost 0.5-0.8 ms a page, 2-3 % of the whole pipeline on HTML pages). Its
    steps that our options skip (metadata, language, deduplication) are left out."""
    from trafilatura.core import trafilatura_sequence
    from trafilatura.settings import Extractor
    from trafilatura.xml import xmltotxt

    options = Extractor(output_format="python", url=url, fast=True, comments=False,
                        tables=True)
    try:
        body, text, _, comments = trafilatura_sequence(tree, options, options.url)
    except (TypeError, ValueError):  # what bare_extraction takes for "nothing found"
        return None
    if len(text) < options.min_output_size and len(comments) < options.min_output_comm_size:
        return None
    return str(xmltotxt(body, options.formatting))


def _same(line: str, title: str) -> bool:
    return " ".join(line.split()) == " ".join(title.split())


_LETTER = re.compile(r"[^\W\d_]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7a3]")
_ENGLISH = re.compile(r"\b(?:the|and|of|to|in|that|is|was|for|with|said)\b", re.I)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code by script and function words; None when unsure."""
    sample = text[:4000]
    # without Hangul, kana or Han every share below is 0: letters need not be counted
    if _CJK.search(sample):
        letters = len(_LETTER.findall(sample)) or 1
        if len(_HANGUL.findall(sample)) / letters > 0.3:
            return "ko"
        if len(_KANA.findall(sample)) / letters > 0.1:
            return "ja"
        if len(_HAN.findall(sample)) / letters > 0.3:
            return "zh"
    if len(_ENGLISH.findall(sample)) / max(1, len(sample.split())) > 0.08:
        return "en"
    return None


def find_outlet(doc_outlet: str | None, bylines: tuple[Byline, ...], url: str | None,
                sitename: str | None) -> str | None:
    """The publishing outlet's canonical name, from what the report declares."""
    for candidate in (doc_outlet, sitename, *(b.affiliation for b in bylines)):
        if candidate:
            named = _outlet_named(candidate)
            if named:
                return named
    if url:
        found = _outlet_at(urlparse(url).hostname or "")
        if found:
            return found
    return doc_outlet or sitename


# a site's name and host come back on every page of a crawl; outlets may be overlaid
@vocab.per_overlay(maxsize=4096)
def _outlet_named(name: str) -> str | None:
    hits = vocab.load("outlets").find(name)
    return hits[0].term.label if hits else None


@vocab.per_overlay(maxsize=4096)
def _outlet_at(host: str) -> str | None:
    for term in vocab.load("outlets"):
        for domain in term.attrs.get("domains") or []:
            if host == domain or host.endswith("." + domain):
                return term.label
    return None


def _report(doc: Document, text: str, segments: tuple[Segment, ...], title: str | None,
            published: str | None, removed: tuple[str, ...], sitename: str | None = None,
            url: str | None = None, outlet: str | None = None,
            bylines: tuple[Byline, ...] = ()) -> Report:
    """The report; ``bylines`` read from removed lines come first, then those stated in
    the text ("..., the source said. Reported by X."), each name once."""
    found: dict[tuple[str, str], Byline] = {}
    for b in (*bylines, *find_bylines(text)):
        found.setdefault((b.role, b.name.casefold()), b)
    bylines = tuple(found.values())
    url = url or doc.url
    return Report(
        id=doc.report_id, capture_sha256=doc.capture_sha256, locator=doc.locator,
        origin=doc.origin, media_type=doc.media_type, text=text, url=url,
        title=title.strip() if title else None, published=published,
        outlet=find_outlet(outlet or doc.outlet, bylines, url, sitename),
        language=detect_language(text), bylines=bylines, segments=segments, removed=removed,
    )
