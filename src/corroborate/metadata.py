"""Metadata of a report: what an HTML page declares, and the header block of a text report.

HTML: read from what publishers declare for machines (Open Graph and article meta tags,
schema.org JSON-LD, ``<time datetime>``, ``<html lang>``), in one pass over an already
parsed tree. Only when a page declares no date does htmldate look for one. This costs about
a tenth of trafilatura's own metadata pass, which the clean stage therefore does not use.

Text: a report saved as text may open with a header block of ``Key: value`` lines
(:func:`read_text_header`): ``Title``, ``URL``, ``Outlet``, ``Date``, ``Byline`` and a few
synonyms, case-insensitive, ended by a blank line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .dates import normalise_date

__all__ = ["HtmlMetadata", "TextHeader", "read_metadata", "read_text_header"]

_DATE_KEYS = ("article:published_time", "og:published_time", "published_time",
              "datepublished", "date", "pubdate", "publishdate", "publish-date", "dc.date",
              "dc.date.issued", "dcterms.created", "sailthru.date", "parsely-pub-date",
              "article.published", "originalpublicationdate")
_TITLE_KEYS = ("og:title", "twitter:title", "title", "dc.title", "headline")
_SITE_KEYS = ("og:site_name", "application-name", "publisher", "dc.publisher")
_AUTHOR_KEYS = ("author", "article:author", "dc.creator", "byl", "parsely-author",
                "sailthru.author")
_LANG_KEYS = ("og:locale", "content-language", "language", "dc.language")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-]([01]?\d)[/-]([0-3]?\d)(?:/|$|[-_])")


@dataclass(frozen=True)
class HtmlMetadata:
    title: str | None = None
    published: str | None = None
    author: str | None = None
    sitename: str | None = None
    language: str | None = None
    url: str | None = None


def _meta(tree: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for el in tree.iterfind(".//meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop")
               or el.get("http-equiv") or "").strip().lower()
        value = (el.get("content") or el.get("datetime") or "").strip()
        if key and value and key not in found:
            found[key] = value
    return found


def _jsonld(tree: Any) -> dict[str, Any]:
    """The first schema.org article-like object in the page's JSON-LD, flattened a little."""
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                if "@graph" in item and isinstance(item["@graph"], list):
                    stack.extend(item["@graph"])
                if "datePublished" in item or "headline" in item:
                    return item
    return {}


def _name(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _name(value.get("name"))
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value) if n]
        return "; ".join(names) or None
    return None


def _first(meta: dict[str, str], keys: tuple[str, ...]) -> str | None:
    return next((meta[k] for k in keys if meta.get(k)), None)


def read_metadata(tree: Any, url: str | None = None) -> HtmlMetadata:
    """Metadata declared by the page; a date is searched for only if none is declared."""
    meta = _meta(tree)
    ld = _jsonld(tree)
    title = _first(meta, _TITLE_KEYS) or _name(ld.get("headline"))
    if not title:
        element = tree.find(".//title")
        title = element.text_content().strip() if element is not None else None
    url = url or meta.get("og:url") or _link(tree, "canonical")
    published = (normalise_date(_first(meta, _DATE_KEYS))
                 or normalise_date(_name(ld.get("datePublished"))))
    if not published:
        for el in tree.iterfind(".//time"):
            published = normalise_date(el.get("datetime"))
            if published:
                break
    if not published and url and (m := _URL_DATE.search(url)):
        published = normalise_date(f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}")
    if not published:
        published = _htmldate(tree)
    author = _first(meta, _AUTHOR_KEYS) or _name(ld.get("author"))
    if author and author.startswith("http"):
        author = _name(ld.get("author"))
    sitename = _first(meta, _SITE_KEYS) or _name(ld.get("publisher"))
    language = tree.get("lang") or _first(meta, _LANG_KEYS)
    if language:
        language = language.replace("_", "-").split("-")[0].lower() or None
    return HtmlMetadata(title, published, author, sitename, language, url)


def _link(tree: Any, rel: str) -> str | None:
    for el in tree.iterfind(".//link"):
        if (el.get("rel") or "").lower() == rel and el.get("href"):
            return str(el.get("href"))
    return None


def _htmldate(tree: Any) -> str | None:
    from htmldate import find_date

    try:
        found = find_date(tree, extensive_search=False, original_date=True)
    except Exception:  # htmldate may fail on odd pages; a missing date is not an error
        return None
    return normalise_date(found) if found else None


# --- the header block of a text report ----------------------------------------------------

# key (lower case, inner white space as one space) -> the field it declares
_HEADER_KEYS = {
    "title": "title", "headline": "title",
    "url": "url", "link": "url", "source url": "url", "canonical": "url",
    "outlet": "outlet", "publisher": "outlet", "site": "outlet", "source": "outlet",
    "publication": "outlet", "site name": "outlet", "sitename": "outlet",
    "date": "date", "published": "date", "publication date": "date", "date published": "date",
    "byline": "byline", "author": "byline", "authors": "byline", "by": "byline",
}
_HEADER_LINE = re.compile(r"[ \t]*([A-Za-z][A-Za-z ]{0,19}?)[ \t]*:(.*)")
_HEADER_MAX_LINES = 20
_UNKNOWN_VALUE_WORDS = 12
_URL = re.compile(r"https?://\S+$", re.I)
_DOTTED_DATE = re.compile(r"((?:19|20)\d{2})[./](\d{1,2})[./](\d{1,2})\b")


@dataclass(frozen=True)
class TextHeader:
    """What a text report's header block declares. ``lines``: each line of the block as
    (start, end) in the source; ``unknown``: the lines whose key is not one of ours (left
    out of the text like the rest of the block, but not read)."""

    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    bylines: tuple[str, ...] = ()
    lines: tuple[tuple[int, int], ...] = ()
    unknown: tuple[str, ...] = ()
    end: int = 0


def header_date(value: str) -> str | None:
    """A date as stated in a header or dateline: ISO, ``2024.03.05`` or written out."""
    dotted = _DOTTED_DATE.search(value)
    if dotted:
        value = f"{dotted[1]}-{int(dotted[2]):02d}-{int(dotted[3]):02d}"
    return normalise_date(value)


# an unknown key whose value reads as a sentence is the body, not metadata
_SENTENCE_VALUE = re.compile(r"[.!?][\"'”’)]*$")


def read_text_header(source: str, start: int = 0) -> TextHeader:
    """The header block at ``source[start:]``: the ``Key: value`` lines before the first
    blank line, read only when at least one key is one we know (at most 20 lines; an
    unknown key's value at most 12 words and not a sentence). A block that runs into the
    body without a blank line ends at its last known key. Returns an empty header
    (``end == start``) when there is none.

    A value is kept as given except: a URL must be ``http(s)://...``; a date must read as
    one (ISO, dotted or written out), else the line is still part of the block but no date
    is taken; several ``Byline`` lines add up, and one line may name several people
    separated by ``;`` or `` and ``.
    """
    fields: dict[str, str] = {}
    bylines: list[str] = []
    lines: list[tuple[int, int]] = []
    unknown: list[str] = []
    known = False
    blank_ended = False
    last_known = (0, 0, start)  # lines and unknown keys so far, and where the line ends
    pos = start
    # leading blank lines belong to the block
    while pos < len(source) and source[pos] in " \t\r\n\ufeff":
        pos += 1
    end = pos
    while pos < len(source) and len(lines) < _HEADER_MAX_LINES:
        stop = source.find("\n", pos)
        stop = len(source) if stop < 0 else stop
        raw = source[pos:stop].rstrip("\r")
        if not raw.strip():
            blank_ended = True
            break
        m = _HEADER_LINE.match(raw)
        if not m:
            break
        key = " ".join(m[1].lower().split())
        value = m[2].strip()
        field = _HEADER_KEYS.get(key)
        if field is None:
            if (len(value.split()) > _UNKNOWN_VALUE_WORDS or key.count(" ") > 2
                    or _SENTENCE_VALUE.search(value)):
                break  # "Police said: five people were detained.": the body
            unknown.append(raw.strip())
        elif field in ("outlet", "byline") and len(value.split()) > _UNKNOWN_VALUE_WORDS:
            break  # "Source: a resident of Hyesan said ..." opens a body
        else:
            known = True
            if field == "byline":
                bylines.extend(n.strip() for n in re.split(r";|\band\b|&", value) if n.strip())
            elif field == "url":
                if _URL.match(value) and "url" not in fields:
                    fields["url"] = value
            elif field == "date":
                date = header_date(value)
                if date and "date" not in fields:
                    fields["date"] = date
            elif value and field not in fields:
                if field == "outlet" and _URL.match(value):
                    fields.setdefault("url", value)  # "Source: https://..."
                else:
                    fields[field] = value
        lead = len(raw) - len(raw.lstrip())
        lines.append((pos + lead, pos + len(raw.rstrip())))
        pos = stop + 1
        end = min(pos, len(source))
        if field is not None:
            last_known = (len(lines), len(unknown), end)
    if not known:
        return TextHeader(end=start)
    if not blank_ended and pos < len(source):
        # the block runs into the body: only lines up to the last known key are header
        kept, kept_unknown, end = last_known
        lines, unknown = lines[:kept], unknown[:kept_unknown]
    return TextHeader(fields.get("title"), fields.get("url"), fields.get("outlet"),
                      fields.get("date"), tuple(bylines), tuple(lines), tuple(unknown), end)
