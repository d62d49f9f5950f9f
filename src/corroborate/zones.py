"""Zones: the lines and elements of a page that are not the report's statements — captions,
credits, bylines, mastheads, related-stories lists, datelines, headlines.

They are what is said about a report, not by it: a caption's date was read as the incident's,
an editor as a victim. They are recognised by the shape of a whole line (a paragraph of
HTML), or in HTML by the element (``<figcaption>``, or a class or id naming one), left out of
the text and listed in ``Report.removed``; bylines and datelines are read. :mod:`.clean`
applies these rules (docs/clean.md); the sentence-shape tests they rest on
(``is_sentence``, ``word_count``) are here, and clean's furniture rules use them too.
"""

from __future__ import annotations

import re
from typing import Any

from . import vocab
from .metadata import header_date
from .model import Byline

__all__ = ["RELATED", "credit_bylines", "dateline", "find_bylines", "headline", "is_sentence",
           "prune_zones", "related_items", "word_count", "zone", "zone_paragraphs"]

# what is_sentence decides, as a regex (its specification: tests/test_linear.py checks both
# agree); the regex itself takes quadratic time on a long line of full stops
_SENTENCE_END = re.compile(r"""[.!?:;]["'”’»)\]]*$|[.!?]["'”’»]?\s*\(?[^()]*\)?$""")
_CLOSERS = "\"'”’»)]"
_QUOTES = "\"'”’»"


def word_count(line: str) -> int:
    return len(line.split())


def is_sentence(line: str) -> bool:
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


# --- line rules ---------------------------------------------------------------------------

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
RELATED = re.compile(
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


def zone(line: str) -> str | None:
    """What a whole line is when it is not a statement of the report: "caption",
    "credit" (a byline, a credit or a copyright line), "related" (the head of a related
    stories list, or one such link); else None."""
    words = word_count(line)
    if words <= _CAPTION_WORDS and (_CAPTION.match(line) or _CAPTION_TAIL.search(line)):
        return "caption"
    if words <= _CREDIT_WORDS and (_COPYRIGHT.search(line) or credit_bylines(line)
                                   is not None):
        return "credit"
    if words <= _RELATED_ITEM_WORDS and RELATED.match(line):
        return "related"
    return None


# a credit line repeated on every page of a crawl is read once; outlets may be overlaid
@vocab.per_overlay(maxsize=4096)
def credit_bylines(line: str) -> tuple[Byline, ...] | None:
    """The bylines of a line that is nothing but credits ("By X", "Reporter X", "X | Daily
    NK", "Reported by X for Y. Translated by Z."), or None for any other line."""
    line = line.strip()
    if word_count(line) > _CREDIT_WORDS:
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
    if m and word_count(line) <= 4:
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


def dateline(line: str) -> str | None:
    """The date of a line that is nothing but a date ("March 5, 2024", "2024.03.05 14:20",
    "Published: 5 March 2024"), as ``YYYY-MM-DD``."""
    if word_count(line) > 10:
        return None
    m = _DATELINE.match(line.strip())
    return header_date(m["date"]) if m else None


def headline(line: str, standalone: bool, next_is_meta: bool, given: str | None) -> bool:
    """Whether the first line of a text is its headline: short, standing alone (a blank
    line or a byline or dateline under it), and either not shaped as a sentence or shaped
    as a headline with a full stop ("N. Korea executes two in Hyesan.": an abbreviation
    body text spells out, title case, or a byline or dateline under it). With a title
    given, only the given title or an unpunctuated line is taken."""
    if word_count(line) > 25 or not (standalone or next_is_meta):
        return False
    if not is_sentence(line):
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


def related_items(texts: list[str], lines: list[tuple[int, int, bool]], head: int
                  ) -> list[int]:
    """The links listed under a "Related stories" head: the short lines after it (at most
    15), up to the first long line, or the first line after a blank that is neither a
    list item nor headline-sized."""
    items: list[int] = []
    for j in range(head + 1, min(len(texts), head + 1 + _RELATED_MAX_ITEMS)):
        text = texts[j]
        if word_count(text) > _RELATED_ITEM_WORDS or zone(text) == "related":
            break
        # a sentence after a blank is the body again, even straight after the head: a
        # stray "Read more" must not take the paragraph under it
        if lines[j][2] and not _LIST_ITEM.match(text) and is_sentence(text) \
                and not _headline_shaped(text):
            break
        items.append(j)
    return items


def _headline_shaped(line: str) -> bool:
    return (not is_sentence(line) or bool(_HEADLINE_ABBR.search(line)) or _title_case(line)
            or bool(_LIST_ITEM.match(line)))


# --- HTML elements ------------------------------------------------------------------------

_ZONE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:wp-)?(?:(?:fig|img|image|photo|pic)?caption|credits?|photos?|related"
    r"|bylines?|masthead)(?=$|[\s_-])", re.I)
_ZONE_TAGS = {"figcaption"}
# an element of a zone class with more text than this is a container, not the zone
# (a "photo-story" article body), unless it is mostly links (a related stories list)
_ZONE_MAX_CHARS = 600
_NEVER_ZONES = {"html", "body", "article", "main"}


_ZONE_WORD = re.compile("caption|credit|photo|related|byline|masthead", re.I)


def prune_zones(tree: Any) -> tuple[list[str], list[Byline]]:
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
                bylines.extend(credit_bylines(text) or ())
        _drop(el)
    return removed, bylines


def _link_dense(el: Any, text: str) -> bool:
    linked = sum(len(" ".join(a.text_content().split())) for a in el.iterfind(".//a"))
    return linked >= 0.5 * len(text)


def _element_bylines(text: str) -> tuple[Byline, ...]:
    """The people of a byline element: "By X", "Reporter X", or a short name alone."""
    credits = credit_bylines(text)
    if credits:
        return credits
    if word_count(text) <= 4 and re.fullmatch(_NAMES, text) and _plausible_names(text):
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


def zone_paragraphs(paras: list[str], removed: list[str], bylines: list[Byline]
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
        kind = zone(para)
        if kind is None:
            kept.append(para)
            continue
        removed.append(para)
        if kind == "credit":
            bylines.extend(credit_bylines(para) or ())
        elif kind == "related" and not RELATED.match(para)["rest"]:  # type: ignore[index]
            skip = sum(1 for _ in related_items(paras, [(0, 0, True)] * len(paras), i))
    return kept
