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
headline are read as metadata: docs/clean.md.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from dataclasses import replace
from functools import lru_cache
from typing import Any
from urllib.parse import urlparse

from . import vocab
from .dates import normalise_date
from .errors import EmptyInput
from .metadata import header_date, read_metadata, read_text_header
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
    texts = [source[s:e] for s, e, _ in lines]

    zones = [_zone(text) for text in texts]
    # the head: the lines before the first that reads as body text
    head = next((i for i, t in enumerate(texts) if zones[i] is None and _words(t) > 12
                 and _is_sentence(t)), len(texts))
    dates = [(_dateline(texts[i]) if i < head else None) for i in range(len(texts))]

    def meta(i: int) -> bool:
        return i < len(texts) and (zones[i] == "credit" or dates[i] is not None)

    # a headline: a first line that is short and stands alone (see _headline)
    if (len(lines) > 1 and zones[0] is None and dates[0] is None
            and _headline(texts[0], lines[1][2], meta(1), doc.title or header.title)):
        title = title or texts[0]
        keep[0] = False
    for i, text in enumerate(texts):
        if dates[i] is not None:
            published = published or dates[i]
            keep[i] = False
        elif zones[i] == "related":
            keep[i] = False
            if not _RELATED.match(text)["rest"]:  # type: ignore[index]
                for j in _related_items(texts, lines, i):
                    keep[j] = False
        elif zones[i] is not None:
            keep[i] = False
            if zones[i] == "credit":
                bylines.extend(_credit_bylines(text) or ())
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


def _related_items(texts: list[str], lines: list[tuple[int, int, bool]], head: int
                   ) -> list[int]:
    """The links listed under a "Related stories" head: the short lines after it (at most
    15), up to the first long line, or the first line after a blank that is neither a
    list item nor headline-sized."""
    items: list[int] = []
    for j in range(head + 1, min(len(texts), head + 1 + _RELATED_MAX_ITEMS)):
        text = texts[j]
        if _words(text) > _RELATED_ITEM_WORDS or _zone(text) == "related":
            break
        if lines[j][2] and items and not _LIST_ITEM.match(text) and _is_sentence(text) \
                and not _headline_shaped(text):
            break
        items.append(j)
    return items


def _headline_shaped(line: str) -> bool:
    return (not _is_sentence(line) or bool(_HEADLINE_ABBR.search(line)) or _title_case(line)
            or bool(_LIST_ITEM.match(line)))


def _header_byline(value: str) -> tuple[Byline, ...]:
    """A ``Byline:`` header value: "Reported by X for Y", "By X", or a name."""
    credits = _credit_bylines(value)
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
    import trafilatura
    from trafilatura.utils import load_html

    tree = load_html(doc.content)
    if tree is None:
        raise EmptyInput(doc.origin, "the HTML could not be parsed")
    meta = read_metadata(tree, doc.url)  # before trafilatura, which prunes the tree
    removed, bylines = _prune_zones(tree)
    # fast=True skips the fallback extractors: faster, and better on the article benchmark
    # (F1 0.962 against 0.953 for the defaults, benchmarks/README.md)
    result = trafilatura.bare_extraction(
        tree, url=doc.url, fast=True, with_metadata=False, include_comments=False,
        include_tables=True)
    text = getattr(result, "text", None) if result is not None else None
    if not text or not text.strip():
        raise EmptyInput(doc.origin, "no article text found in the HTML")
    paras = re.sub(r"\n(?=[^\n])", "\n\n", text.strip()).split("\n\n")
    kept = _zone_paragraphs(paras, removed, bylines)
    text = "\n\n".join(kept)
    if not text.strip():
        raise EmptyInput(doc.origin, "nothing left after removing captions and credits")
    segments = _locate(text, doc.content)
    report = _report(doc, text, segments, doc.title or meta.title,
                     normalise_date(doc.published) or meta.published, tuple(removed),
                     sitename=meta.sitename, url=doc.url or meta.url, bylines=tuple(bylines))
    if meta.language and report.language is None:
        report = replace(report, language=meta.language)
    if meta.author and not report.bylines:
        names = tuple(Byline("author", n.strip()) for n in meta.author.split(";") if n.strip())
        report = replace(report, bylines=names)
    return report


_ZONE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:wp-)?(?:(?:fig|img|image|photo|pic)?caption|credits?|photos?|related"
    r"|bylines?|masthead)(?=$|[\s_-])", re.I)
_ZONE_TAGS = {"figcaption"}
# an element of a zone class with more text than this is a container, not the zone
# (a "photo-story" article body), unless it is mostly links (a related stories list)
_ZONE_MAX_CHARS = 600
_NEVER_ZONES = {"html", "body", "article", "main"}


_ZONE_WORD = re.compile("caption|credit|photo|related|byline|masthead", re.I)


def _prune_zones(tree: Any) -> tuple[list[str], list[Byline]]:
    """Drop captions, credits, bylines, mastheads and related-stories lists from the tree
    (``<figcaption>``, or a class or id naming one); return their texts and the bylines
    read from them."""
    removed: list[str] = []
    bylines: list[Byline] = []
    doomed: list[tuple[Any, str]] = []
    for el in tree.iter():
        # a cheap test first: this loop sees every element of the page
        if el.tag not in _ZONE_TAGS:
            classes, ident = el.get("class"), el.get("id")
            if not ((classes and _ZONE_WORD.search(classes))
                    or (ident and _ZONE_WORD.search(ident))):
                continue
            if (not isinstance(el.tag, str) or el.tag in _NEVER_ZONES
                    or not _ZONE_CLASS.search(f"{classes or ''} {ident or ''}")):
                continue
        text = " ".join(el.text_content().split())
        if len(text) > _ZONE_MAX_CHARS and not _link_dense(el, text):
            continue
        if el.find(".//article") is not None or el.find(".//main") is not None:
            continue
        doomed.append((el, text))
    chosen = {el for el, _ in doomed}
    for el, text in doomed:
        if any(ancestor in chosen for ancestor in el.iterancestors()):
            continue  # inside one removed already
        if text:
            removed.append(text)
            names = f"{el.get('class')} {el.get('id')}"
            if re.search(r"byline|author", names, re.I):
                bylines.extend(_element_bylines(text))
            elif re.search(r"credit", names, re.I):
                bylines.extend(_credit_bylines(text) or ())
        _drop(el)
    return removed, bylines


def _link_dense(el: Any, text: str) -> bool:
    linked = sum(len(" ".join(a.text_content().split())) for a in el.iterfind(".//a"))
    return linked >= 0.5 * len(text)


def _element_bylines(text: str) -> tuple[Byline, ...]:
    """The people of a byline element: "By X", "Reporter X", or a short name alone."""
    credits = _credit_bylines(text)
    if credits:
        return credits
    if _words(text) <= 4 and re.fullmatch(_NAMES, text) and _plausible_names(text):
        return _named("author", text, None)
    return ()


def _drop(el: Any) -> None:
    """Remove an element, keeping its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _zone_paragraphs(paras: list[str], removed: list[str], bylines: list[Byline]
                     ) -> list[str]:
    """The paragraphs that are the report's own: captions, credits, related-stories lists
    and datelines left out (their text added to ``removed``, bylines read)."""
    kept: list[str] = []
    skip = 0
    for i, para in enumerate(paras):
        if skip:
            skip -= 1
            removed.append(para)
            continue
        zone = _zone(para)
        if zone is None:
            kept.append(para)
            continue
        removed.append(para)
        if zone == "credit":
            bylines.extend(_credit_bylines(para) or ())
        elif zone == "related" and not _RELATED.match(para)["rest"]:  # type: ignore[index]
            skip = sum(1 for _ in _related_items(paras, [(0, 0, True)] * len(paras), i))
    return kept

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


# --- zones: what is said about a report, not by it ------------------------------------------
#
# Captions, photo and copyright credits, bylines, datelines and "related stories" lists
# are not the report's statements: a caption's date was read as the incident's, an editor
# as a victim. They are recognised by the shape of a whole line (a paragraph of HTML), left
# out of the text and listed in ``Report.removed``; bylines and datelines are read.

_NAME = r"[A-Z][\w.’'-]*(?:\s+(?:[A-Z][\w.’'-]*|de|van|von|bin|al-\w+)){0,4}"
_NAMES = rf"{_NAME}(?:\s*(?:,|&|\band\b)\s*{_NAME})*"
_CAPTION = re.compile(
    r"^[(\[]?\s*(?:photos?|images?|pictures?|photograph|graphics?|illustration|file photo"
    r"|video|caption|사진|자료사진)\s*(?:[:=|/]|by\b|credits?\b|courtesy\b|[-–—]\s)"
    r"|^photo\s+courtesy\b|^(?:photo|image)\s+credit\b", re.I)
# "... in Hyesan. (Photo: Daily NK)": a caption that ends in its credit
_CAPTION_TAIL = re.compile(
    r"[(\[]\s*(?:photos?|images?|pictures?|사진)\s*(?:[:=|/]|by\b|courtesy\b)[^()\[\]]*[)\]]"
    r"\s*$", re.I)
_CAPTION_WORDS = 40
_COPYRIGHT = re.compile(r"^(?:copyright\b|©|\(c\)\s|all rights reserved)|all rights reserved\W*$",
                        re.I)
_CREDIT_WORDS = 30
_MAX_NAMES = 6
# "By Kim Ji-eun", "By Kim Ji-eun, Daily NK", "By Kim Ji-eun | 2024-03-05"
_BY_LINE = re.compile(rf"^(?i:by)\s+(?P<names>{_NAMES})(?:\s*(?:[,|/–—]|\s-|\bfor\b|\bof\b|\bat\b)"
                      r"\s*(?P<aff>[^\n]{2,80}?))?\s*\.?$")
# "Reporter Lee Min-ho", "Reporter: Lee Min-ho (lee@example.org)", "Translated: ..."
_ROLE_LINE = re.compile(
    rf"^(?P<role>(?i:(?:staff\s+|senior\s+|special\s+)?(?:reporter|correspondent|editor"
    rf"|translator|writer|author|photographer|contributor)s?))\s*[:：]?\s+(?P<names>{_NAMES})"
    r"(?:\s*(?:[,|/–—]|\s-)\s*(?P<aff>[^\n]{2,80}?))?\s*(?:\(?[\w.+-]+@[\w.-]+\)?)?\s*\.?$")
# "Jang Seul-gi | Daily NK": a name and a known outlet
_NAME_BAR = re.compile(rf"^(?P<names>{_NAMES})\s*[|/]\s*(?P<aff>[^|\n]{{2,60}})$")
_KOREAN_BYLINE = re.compile(r"^(?P<names>[\uac00-\ud7a3]{2,4})\s*(?:기자|특파원)\b")
_RELATED = re.compile(
    r"^[\W_]*(?:related(?:\s+(?:stories|story|articles?|news|content|coverage|posts|links"
    r"|reading))?|read\s+(?:more|also|next)|see\s+also|also\s+read|more\s+on\s+this(?:\s+story)?"
    r"|further\s+reading|you\s+may\s+also\s+like|recommended(?:\s+(?:stories|articles))?"
    r"|more\s+stories|most\s+read|관련\s*기사)\b\s*[:：»>|–—-]*\s*(?P<rest>.*)$", re.I)
_LIST_ITEM = re.compile(r"^(?:[-•*·▶►→▷>]|\d+[.)])\s")
_RELATED_ITEM_WORDS = 20
_RELATED_MAX_ITEMS = 15
_DATELINE = re.compile(
    r"^(?:(?:published|posted|updated|last\s+updated|date[ds]?|filed)\s*(?:on|:)?\s*)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    r"(?P<date>(?:19|20)\d{2}[-./]\d{1,2}[-./]\d{1,2}\.?"
    r"|[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+(?:19|20)\d{2}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?,?\s+"
    r"(?:19|20)\d{2})"
    r"(?:[\s,|·-]+(?:\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4}|UTC|GMT)?"
    r"(?:[+-]\d{1,2}(?::?\d{2})?)?|updated.*))?\s*$", re.I)
# news-headline abbreviations a body sentence spells out
_HEADLINE_ABBR = re.compile(r"\b(?:N\.\s?Korea|S\.\s?Korea|N\.K\.|N\.\s?Korean|S\.\s?Korean"
                            r"|N\.\s?Koreans|S\.\s?Koreans)\b")
_ATTRIBUTION = re.compile(r"\b(?:said|says|told|according|reported|added)\b|[\"“”]", re.I)


def _zone(line: str) -> str | None:
    """What a whole line is when it is not a statement of the report: "caption",
    "credit" (a byline, a credit or a copyright line), "related" (the head of a related
    stories list, or one such link); else None."""
    words = _words(line)
    if words <= _CAPTION_WORDS and (_CAPTION.match(line) or _CAPTION_TAIL.search(line)):
        return "caption"
    if words <= _CREDIT_WORDS and (_COPYRIGHT.search(line) or _credit_bylines(line)
                                   is not None):
        return "credit"
    if words <= _RELATED_ITEM_WORDS and _RELATED.match(line):
        return "related"
    return None


@lru_cache(maxsize=4096)  # a credit line repeated on every page of a crawl is read once
def _credit_bylines(line: str) -> tuple[Byline, ...] | None:
    """The bylines of a line that is nothing but credits ("By X", "Reporter X", "X | Daily
    NK", "Reported by X for Y. Translated by Z."), or None for any other line."""
    line = line.strip()
    if _words(line) > _CREDIT_WORDS:
        return None
    m = _BY_LINE.match(line) or _ROLE_LINE.match(line) or _NAME_BAR.match(line)
    if m and len(re.split(r",|&|\band\b", m["names"])) > _MAX_NAMES:
        return None  # a list of names, not a byline
    m = _BY_LINE.match(line)
    if m and _plausible_names(m["names"]):
        return _named("author", m["names"], _affiliation(m["aff"]))
    m = _ROLE_LINE.match(line)
    if m and _plausible_names(m["names"]):
        role = " ".join(m["role"].lower().split()).rstrip("s")
        return _named(role, m["names"], _affiliation(m["aff"]))
    m = _NAME_BAR.match(line)
    if m and _plausible_names(m["names"]) and vocab.load("outlets").find(m["aff"]):
        return _named("author", m["names"], m["aff"].strip())
    m = _KOREAN_BYLINE.match(line)
    if m and _words(line) <= 4:
        return (Byline("reporter", m["names"]),)
    found = list(_BYLINE.finditer(line))
    if found:
        rest = _BYLINE.sub("", line)
        if not re.sub(r"[\W_]+|\band\b", "", rest):
            return find_bylines(line)
    return None


def _plausible_names(names: str) -> bool:
    """Not a date, an outlet or a time word taken for a name ("By March 2024")."""
    first = names.split()[0].rstrip(".,").lower()
    return (first not in _NOT_NAMES and not any(c.isdigit() for c in names))


_NOT_NAMES = {"the", "this", "that", "these", "then", "now", "contrast", "comparison",
              "january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december", "monday", "tuesday",
              "wednesday", "thursday", "friday", "saturday", "sunday", "far", "law", "order",
              "decree", "way", "mid", "late", "early", "end"}


def _affiliation(aff: str | None) -> str | None:
    if not aff:
        return None
    aff = aff.strip().rstrip(".")
    return None if header_date(aff) else aff or None


def _named(role: str, names: str, aff: str | None) -> tuple[Byline, ...]:
    """One byline per name; a name that is an outlet ("By Kim Ji-eun, Daily NK") is the
    affiliation."""
    parts = [n.strip().rstrip(".") for n in re.split(r",|&|\band\b", names) if n.strip()]
    outlets = vocab.load("outlets")
    people = [n for n in parts if not outlets.find(n) or len(parts) == 1]
    aff = aff or next((n for n in parts if n not in people), None)
    return tuple(Byline(role, n, aff) for n in people if n)


def _dateline(line: str) -> str | None:
    """The date of a line that is nothing but a date ("March 5, 2024", "2024.03.05 14:20",
    "Published: 5 March 2024"), as ``YYYY-MM-DD``."""
    if _words(line) > 10:
        return None
    m = _DATELINE.match(line.strip())
    return header_date(m["date"]) if m else None


def _headline(line: str, standalone: bool, next_is_meta: bool, given: str | None) -> bool:
    """Whether the first line of a text is its headline: short, standing alone (a blank
    line or a byline or dateline under it), and either not shaped as a sentence or shaped
    as a headline with a full stop ("N. Korea executes two in Hyesan.": an abbreviation
    body text spells out, title case, or a byline or dateline under it). With a title
    given, only the given title or an unpunctuated line is taken."""
    if _words(line) > 25 or not (standalone or next_is_meta):
        return False
    if not _is_sentence(line):
        return True
    if given is not None:
        return " ".join(line.split()).casefold() == " ".join(given.split()).casefold()
    if line.rstrip(_CLOSERS)[-1:] != "." or _ATTRIBUTION.search(line):
        return next_is_meta
    return next_is_meta or bool(_HEADLINE_ABBR.search(line)) or _title_case(line)


def _title_case(line: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_][\w’'-]*", line) if len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


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

