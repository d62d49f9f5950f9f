"""Clean: the main text of a report without page furniture, and its metadata.

HTML goes through trafilatura. Text copied off a web page loses its furniture by rules
about the shape of lines, not by lists of known lines: short lines without sentence
punctuation at the head or tail of the page, short lines that name a page action (share,
print, email, subscribe ...), and a line repeated straight after itself (a photo caption
shown twice). Every kept line is recorded as a :class:`Segment`, so offsets in the cleaned
text map back to the captured document.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from urllib.parse import urlparse

from . import vocab
from .dates import normalise_date
from .errors import EmptyInput
from .metadata import read_metadata
from .model import Byline, Document, Report, Segment

__all__ = ["clean", "clean_html", "clean_text", "detect_language", "find_bylines"]

log = logging.getLogger(__name__)

_LEADING_DATE = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*\n?[ \t]*", re.I)
# what _is_sentence decides, as a regex (its specification: tests/test_linear.py checks both
# agree); the regex itself takes quadratic time on a long line of full stops
_SENTENCE_END = re.compile(r"""[.!?:;]["'”’»)\]]*$|[.!?]["'”’»]?\s*\(?[^()]*\)?$""")
_CLOSERS = "\"'”’»)]"
_QUOTES = "\"'”’»"
_ACTIONS = re.compile(
    r"\b(?:e-?mail|share|print|comment|comments|tweet|facebook|twitter|whatsapp|telegram"
    r"|linkedin|subscribe|newsletter|listen|listening|podcast|download|view|site|menu|home"
    r"|related|copyright|advertisement|login|log in|sign in|sign up|follow us|back to top"
    r"|next|previous|cookies?|options|more stories|read more|donate|rss)\b|©", re.I)
_FURNITURE_WORDS = 7


def clean(doc: Document) -> Report:
    """Clean one document into a report. Raises :class:`EmptyInput` if no text is left."""
    if doc.media_type == "text/html":
        return clean_html(doc)
    return clean_text(doc)


def _words(line: str) -> int:
    return len(line.split())


def _is_sentence(line: str) -> bool:
    """Whether a line ends as a sentence: in sentence punctuation and closing quotes or
    brackets, or in a full stop and a parenthesis ("... said. (Reuters)").

    What ``_SENTENCE_END`` matches, decided from the end of the line in time linear in its
    length: the regex tried every full stop against the rest of the line, so a long line
    of full stops and parentheses took quadratic time.
    """
    line = line.rstrip()
    closed = line.rstrip(_CLOSERS)
    if closed and closed[-1] in ".!?:;":
        return True
    # a full stop followed by no parenthesis but a last ")", or by an optional quote, white
    # space and the "(" that opens the last parenthesis
    body = line[:-1] if line.endswith(")") else line
    paren = max(body.rfind("("), body.rfind(")"))
    if any(c in body[paren + 1:] for c in ".!?"):
        return True
    if paren < 0 or body[paren] != "(":
        return False
    before = body[:paren].rstrip()
    if before and before[-1] in _QUOTES:
        before = before[:-1]
    return bool(before) and before[-1] in ".!?"


def _is_short_bare(line: str) -> bool:
    return _words(line) <= _FURNITURE_WORDS and not _is_sentence(line)


def clean_text(doc: Document) -> Report:
    """Clean plain text: leading ``date`` line, title, furniture, bylines."""
    source = doc.content
    published = normalise_date(doc.published)
    cursor = 0
    m = _LEADING_DATE.match(source)
    if m:
        published = published or m.group(1)
        cursor = m.end()
    lines = _lines(source, cursor)
    if not lines:
        raise EmptyInput(doc.origin, "no report text in it")
    title = doc.title
    removed: list[str] = []
    keep = [True] * len(lines)

    # a headline: a first line that is short, unpunctuated and stands alone
    first_start, first_end, _ = lines[0]
    first = source[first_start:first_end]
    if (_words(first) <= 25 and not _is_sentence(first) and len(lines) > 1
            and lines[1][2]):
        title = title or first
        keep[0] = False
        removed.append(first)
    texts = [source[s:e] for s, e, _ in lines]
    for i, text in enumerate(texts):
        if keep[i] and _words(text) <= _FURNITURE_WORDS and _ACTIONS.search(text):
            keep[i] = False
        if i and texts[i - 1] == text and _words(text) > 0:  # a caption shown twice
            keep[i] = keep[i - 1] = False
    # runs of short unpunctuated lines at the head and tail of the page
    body = [i for i in range(len(lines)) if keep[i] and not _is_short_bare(texts[i])]
    if body:
        for i in range(0, body[0]):
            keep[i] = False
        for i in range(body[-1] + 1, len(lines)):
            keep[i] = False
    removed += [texts[i] for i in range(len(lines)) if not keep[i] and texts[i] not in removed]

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
    return _report(doc, text, tuple(segments), title, published, tuple(removed))


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
    """Clean HTML: one lxml parse, our metadata reader, then trafilatura on the same tree."""
    import trafilatura
    from trafilatura.utils import load_html

    tree = load_html(doc.content)
    if tree is None:
        raise EmptyInput(doc.origin, "the HTML could not be parsed")
    meta = read_metadata(tree, doc.url)  # before trafilatura, which prunes the tree
    # fast=True skips the fallback extractors: faster, and better on the article benchmark
    # (F1 0.962 against 0.953 for the defaults, benchmarks/README.md)
    result = trafilatura.bare_extraction(
        tree, url=doc.url, fast=True, with_metadata=False, include_comments=False,
        include_tables=True)
    text = getattr(result, "text", None) if result is not None else None
    if not text or not text.strip():
        raise EmptyInput(doc.origin, "no article text found in the HTML")
    text = re.sub(r"\n(?=[^\n])", "\n\n", text.strip())
    segments = _locate(text, doc.content)
    report = _report(doc, text, segments, doc.title or meta.title,
                     normalise_date(doc.published) or meta.published, (),
                     sitename=meta.sitename, url=doc.url or meta.url)
    if meta.language and report.language is None:
        report = replace(report, language=meta.language)
    if meta.author and not report.bylines:
        names = tuple(Byline("author", n.strip()) for n in meta.author.split(";") if n.strip())
        report = replace(report, bylines=names)
    return report


def _locate(text: str, source: str) -> tuple[Segment, ...]:
    """Find each paragraph of the extracted text in the HTML source, where it stands verbatim."""
    segments: list[Segment] = []
    cursor = 0
    offset = 0
    for para in text.split("\n\n"):
        found = source.find(para, cursor)
        if found >= 0:
            segments.append(Segment(offset, offset + len(para), found))
            cursor = found + len(para)
        offset += len(para) + 2
    return tuple(segments)


_BYLINE = re.compile(
    r"\b(?P<role>Reported|Translated|Written in English|Written|Edited|Produced|Photographed"
    r"|Compiled)\s+by\s+(?P<name>[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,4})"
    r"(?:\s+(?:for|of|at)\s+(?P<aff>[^.;\n]{2,60}))?(?=[.;,\n]|$)")


def find_bylines(text: str) -> tuple[Byline, ...]:
    """Byline roles as stated: "Reported by X for Y. Translated by Z. Written in English by W."."""
    return tuple(
        Byline(f"{m['role'].lower()} by", m["name"].strip().rstrip("."),
               m["aff"].strip() if m["aff"] else None)
        for m in _BYLINE.finditer(text)
    )


_LETTER = re.compile(r"[^\W\d_]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_ENGLISH = re.compile(r"\b(?:the|and|of|to|in|that|is|was|for|with|said)\b", re.I)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code by script and function words; None when unsure."""
    sample = text[:4000]
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
    outlets = vocab.load("outlets")
    for candidate in (doc_outlet, sitename, *(b.affiliation for b in bylines)):
        if candidate:
            hits = outlets.find(candidate)
            if hits:
                return hits[0].term.label
    if url:
        host = urlparse(url).hostname or ""
        for term in outlets:
            for domain in term.attrs.get("domains") or []:
                if host == domain or host.endswith("." + domain):
                    return term.label
    return doc_outlet or sitename


def _report(doc: Document, text: str, segments: tuple[Segment, ...], title: str | None,
            published: str | None, removed: tuple[str, ...], sitename: str | None = None,
            url: str | None = None) -> Report:
    bylines = find_bylines(text)
    url = url or doc.url
    return Report(
        id=doc.report_id, capture_sha256=doc.capture_sha256, locator=doc.locator,
        origin=doc.origin, media_type=doc.media_type, text=text, url=url,
        title=title.strip() if title else None, published=published,
        outlet=find_outlet(doc.outlet, bylines, url, sitename),
        language=detect_language(text), bylines=bylines, segments=segments, removed=removed,
    )

