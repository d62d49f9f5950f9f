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
from bisect import bisect_left
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
    """Find each paragraph of the extracted text in the HTML source, where it stands verbatim:
    its first occurrence at or after the end of the last paragraph found."""
    paras = text.split("\n\n")
    finder = _Finder(source, paras)
    segments: list[Segment] = []
    cursor = 0
    offset = 0
    for para in paras:
        found = finder.find(para, cursor)
        if found >= 0:
            segments.append(Segment(offset, offset + len(para), found))
            cursor = found + len(para)
        offset += len(para) + 2
    return tuple(segments)


# A paragraph with an entity or an inline tag inside is not in the source verbatim, and
# str.find looked for it up to the end of the source: quadratic on big pages of such
# paragraphs (1.6 MB, 16k paragraphs: 5.4 s). Plain searches go on until they have scanned
# _PLAIN_BUDGET times the source, about what building the index costs (on the benchmark
# pages a failed str.find takes 0.3 ns a character, the index 80 ns), so ordinary pages
# never build one; then the index answers what str.find would, and a plain search is left
# to paragraphs without an anchor and to anchors too common to be cheaper.
_PLAIN_BUDGET = 300
# checking a candidate in Python (~100 ns) costs about as much as this many characters of
# str.find
_CANDIDATE_COST = 300
_WORD_START = re.compile(r"(?<!\w)\w")
_LONG_KEY = 16
_MIN_KEY = 3  # a shorter key (a figure, an initial) stands almost everywhere


class _Finder:
    """``source.find(para, start)`` for the paragraphs given, searched in any order but with
    ``start`` never decreasing. ``budget``: how many times the source plain searches may scan
    before the index is built (0: at the first search)."""

    def __init__(self, source: str, paras: list[str], budget: int = _PLAIN_BUDGET) -> None:
        self._source = source
        self._paras = paras
        self._budget = budget * len(source)
        self._index: _AnchorIndex | None = None
        # para -> (start, answer): the first occurrence from start is the first from any
        # later start not past it, and none from start is none later (a caption, list item
        # or table cell repeated down the page is searched once)
        self._answers: dict[str, tuple[int, int]] = {}

    def find(self, para: str, start: int) -> int:
        known = self._answers.get(para)
        if known is not None and known[0] <= start and (known[1] < 0 or known[1] >= start):
            return known[1]
        found = self._search(para, start)
        self._answers[para] = (start, found)
        return found

    def _search(self, para: str, start: int) -> int:
        if self._index is None and self._budget <= 0:
            self._index = _AnchorIndex(self._source, self._paras)
        if self._index is not None:
            found = self._index.find(para, start)
            if found is not None:
                return found
        found = self._source.find(para, start)
        self._budget -= (found if found >= 0 else len(self._source)) - start
        return found


def _anchors(para: str) -> list[tuple[int, str]]:
    """Where a paragraph's keys stand in it, as (offset, key): a key is text from the start
    of a word. Three keys of 16 characters (the first, middle and last that fit: few keys
    keep the index small, and one of three is likely rare), or in a short paragraph (a list
    item, a table cell) its longest key, from its first word start to its end.

    Whether a word starts at offset j > 0 depends on characters j - 1 and j only, both in
    the paragraph, so wherever the paragraph stands in the source a word starts at j there
    too, with the same key. (At offset 0 the source may continue a word.)
    """
    starts = [m.start() for m in _WORD_START.finditer(para) if m.start()]
    fits = [j for j in starts if j + _LONG_KEY <= len(para)]
    if fits:
        picks = sorted({fits[0], fits[len(fits) // 2], fits[-1]})
        return [(j, para[j:j + _LONG_KEY]) for j in picks]
    if starts and len(para) - starts[0] >= _MIN_KEY:
        return [(starts[0], para[starts[0]:])]
    return []


def _key_positions(source: str, keys: dict[str, list[int]]) -> None:
    """Append to each key's list where it stands in the source at a word start: one pass in
    order, so every list comes out sorted. Keys shorter than 16 are looked up by their
    first three characters, to try only the lengths that some key of that head has."""
    sizes: dict[str, set[int]] = {}
    for key in keys:
        if len(key) < _LONG_KEY:
            sizes.setdefault(key[:_MIN_KEY], set()).add(len(key))
    for m in _WORD_START.finditer(source):
        q = m.start()
        text = source[q:q + _LONG_KEY]
        found = keys.get(text)
        if found is not None and len(text) == _LONG_KEY:
            found.append(q)
        for size in sizes.get(text[:_MIN_KEY], ()):
            found = keys.get(text[:size])
            if found is not None and len(text) >= size:
                found.append(q)


class _AnchorIndex:
    """For each paragraph, its anchors as (offset, sorted source positions of the key)."""

    def __init__(self, source: str, paras: list[str]) -> None:
        self._source = source
        keyed = {para: _anchors(para) for para in set(paras)}
        keys: dict[str, list[int]] = {k: [] for anchors in keyed.values() for _, k in anchors}
        _key_positions(source, keys)
        self._anchors = {para: [(j, keys[k]) for j, k in anchors]
                         for para, anchors in keyed.items()}

    def find(self, para: str, start: int) -> int | None:
        """``source.find(para, start)``, or None when a plain search is the cheaper way (no
        anchor, or too many candidates).

        Every occurrence of the paragraph at p >= start has each anchor's key at p + j, so
        the positions of the rarest key from start + j, in order, are the candidates."""
        choices = [(j, positions, bisect_left(positions, start + j))
                   for j, positions in self._anchors.get(para, ())]
        if not choices:
            return None
        j, positions, i = min(choices, key=lambda c: len(c[1]) - c[2])
        if (len(positions) - i) * _CANDIDATE_COST > len(self._source) - start:
            return None
        for k in range(i, len(positions)):
            if self._source.startswith(para, positions[k] - j):
                return positions[k] - j
        return -1


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

