"""Metadata of an HTML report: title, publication date, authors, site name, language.

Read from what publishers declare for machines (Open Graph and article meta tags, schema.org
JSON-LD, ``<time datetime>``, ``<html lang>``), in one pass over an already parsed tree.
Only when a page declares no date does htmldate look for one. This costs about a tenth of
trafilatura's own metadata pass, which the clean stage therefore does not use.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .dates import normalise_date

__all__ = ["HtmlMetadata", "read_metadata"]

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
