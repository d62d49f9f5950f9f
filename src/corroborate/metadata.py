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

__all__ = ["HtmlMetadata", "TextHeader", "header_date", "korean_labelled_date", "read_metadata",
           "read_text_header"]

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


# Korean pages state their date in a labelled line: "입력 2017.06.15 10:31", "등록일 :
# 2017-06-15", "기사입력 2017/06/15"; "수정" (updated) dates are not the publication date
KO_DATE = (r"(?:19|20)\d{2}\s*(?:[-./]\s?|년\s*)\d{1,2}\s*(?:[-./]\s?|월\s*)\d{1,2}(?!\d)"
           r"(?:\s*일|\.)?(?:\s*\(?[월화수목금토일](?:요일)?\)?)?")
KO_TIME = (r"(?:(?:오전|오후|AM|PM)\s*)?\d{1,2}(?::\d{2}(?::\d{2})?|\s*시(?:\s*\d{1,2}\s*분)?)"
           r"(?:\s*(?:KST|\(KST\)))?")
KO_PUBLISHED = (r"기사\s*입력|최초\s*입력|입력|최초\s*등록|등록일(?:시)?|등록"
                r"|발행일|발행|게재일|게재|승인|작성일(?:시)?|작성|송고|발표일|일자|날짜|보도일")
KO_UPDATED = r"최종\s*수정|기사\s*수정|수정일(?:시)?|수정|업데이트|갱신|편집"
_KO_LABELLED = re.compile(rf"(?<![\uac00-\ud7a3])(?:{KO_PUBLISHED})\s*(?:일시)?\s*[:：|]?\s*"
                          rf"({KO_DATE})")


def korean_labelled_date(text: str) -> str | None:
    """The first date labelled as the publication date in a Korean text ("입력
    2017.06.15"), as ``YYYY-MM-DD``."""
    for m in _KO_LABELLED.finditer(text):
        found = header_date(m[1])
        if found:
            return found
    return None


@dataclass(frozen=True)
class HtmlMetadata:
    title: str | None = None
    published: str | None = None
    author: str | None = None
    sitename: str | None = None
    language: str | None = None
    url: str | None = None


# the elements metadata is read from, found in one walk of the tree (a walk costs about
# 0.15 ms on a news page, and there were up to five)
_READ_TAGS = ("meta", "script", "link", "time", "title")


def _elements(tree: Any) -> dict[str, list[Any]]:
    """The page's ``meta``, ``script``, ``link``, ``time`` and ``title`` elements, each
    tag's in document order (what ``tree.iterfind(".//meta")`` and the like give)."""
    found: dict[str, list[Any]] = {tag: [] for tag in _READ_TAGS}
    for el in tree.iterdescendants(*_READ_TAGS):
        found[el.tag].append(el)
    return found


def _meta(elements: list[Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for el in elements:
        key = (el.get("property") or el.get("name") or el.get("itemprop")
               or el.get("http-equiv") or "").strip().lower()
        value = (el.get("content") or el.get("datetime") or "").strip()
        if key and value and key not in found:
            found[key] = value
    return found


def _jsonld(scripts: list[Any]) -> dict[str, Any]:
    """The first schema.org article-like object in the page's JSON-LD, flattened a little."""
    for script in scripts:
        if script.get("type") != "application/ld+json":
            continue
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
    elements = _elements(tree)
    meta = _meta(elements["meta"])
    ld = _jsonld(elements["script"])
    title = _first(meta, _TITLE_KEYS) or _name(ld.get("headline"))
    if not title and elements["title"]:
        title = elements["title"][0].text_content().strip()
    url = url or meta.get("og:url") or _link(elements["link"], "canonical")
    published = _published(tree, elements["time"], meta, ld, url)
    author = _first(meta, _AUTHOR_KEYS) or _name(ld.get("author"))
    if author and author.startswith("http"):
        author = _name(ld.get("author"))
    sitename = _first(meta, _SITE_KEYS) or _name(ld.get("publisher"))
    if title and _HANGUL.search(title):
        title = _korean_title(tree, title, sitename)
    language = tree.get("lang") or _first(meta, _LANG_KEYS)
    if language:
        language = language.replace("_", "-").split("-")[0].lower() or None
    return HtmlMetadata(title, published, author, sitename, language, url)


def _published(tree: Any, times: list[Any], meta: dict[str, str], ld: dict[str, Any],
               url: str | None) -> str | None:
    """The date declared (meta tags, JSON-LD, ``<time>``), else in the URL, else a Korean
    labelled date in the text, else htmldate's guess."""
    published = (normalise_date(_first(meta, _DATE_KEYS))
                 or normalise_date(_name(ld.get("datePublished"))))
    if not published:
        for el in times:
            published = normalise_date(el.get("datetime"))
            if published:
                break
    if not published and url and (m := _URL_DATE.search(url)):
        published = normalise_date(f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}")
    return published or _korean_date(tree) or _htmldate(tree)


def _link(links: list[Any], rel: str) -> str | None:
    for el in links:
        if (el.get("rel") or "").lower() == rel and el.get("href"):
            return str(el.get("href"))
    return None


_HANGUL = re.compile("[\uac00-\ud7a3]")
_TEXT_SKIP = {"script", "style", "noscript", "template"}
# Korean CMS titles: "제목 - 매체", "제목 | 매체", "제목 < 북한 < 기사본문 - 매체"
_KO_TITLE_TAIL = re.compile(r"\s+(?:<\s+[^<]{1,30}\s+)*<\s*기사본문\s*[-|]\s*[^<>]{1,40}$")
_SITE_TAIL = re.compile(r"\s+(?:[-|:·]|::)\s+([^-|:·]{1,40})$")


def _korean_date(tree: Any) -> str | None:
    """The publication date a Korean page states in its text ("입력 2017.06.15 10:31"):
    read before htmldate guesses, only when no date is declared. Scripts are not text."""
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in _TEXT_SKIP:
            continue
        for piece in (el.text, el.tail):
            if piece and _HANGUL.search(piece):
                found = korean_labelled_date(piece)
                if found:
                    return found
    return None


def _korean_title(tree: Any, title: str, sitename: str | None) -> str:
    """A Korean title without the site's name after it: the page's ``<h1>`` when the title
    starts with it, else the title less a "< 기사본문 - 매체" tail or " - 매체" naming the
    declared site (a " - " inside a headline stays: "김정은 - 시진핑 회담")."""
    h1 = tree.find(".//h1")
    heading = " ".join(h1.text_content().split()) if h1 is not None else ""
    flat = " ".join(title.split())
    if heading and flat != heading and flat.startswith(heading):
        return heading
    tail = _KO_TITLE_TAIL.search(flat)
    site = _SITE_TAIL.search(flat)
    if not tail and site and sitename and site[1].strip() == " ".join(sitename.split()):
        tail = site
    return flat[:tail.start()] if tail and tail.start() >= 4 else title


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
# Korean keys: a value that reads as a sentence ends the block ("기자: 네, 그렇습니다.")
_KO_HEADER_KEYS = {
    "제목": "title", "기사 제목": "title", "기사제목": "title", "헤드라인": "title",
    "주소": "url", "링크": "url", "원문": "url", "원문 주소": "url", "기사 주소": "url",
    "출처": "outlet", "언론사": "outlet", "매체": "outlet", "매체명": "outlet",
    "날짜": "date", "일자": "date", "등록일": "date", "입력": "date", "기사입력": "date",
    "발행일": "date", "작성일": "date", "보도일": "date", "게재일": "date",
    "기자": "byline", "글": "byline", "작성자": "byline", "필자": "byline", "글쓴이": "byline",
}
_HEADER_LINE = re.compile(
    r"[ \t]*([A-Za-z\uac00-\ud7a3][A-Za-z\uac00-\ud7a3 ]{0,19}?)[ \t]*[:：](.*)")
_HEADER_MAX_LINES = 20
_UNKNOWN_VALUE_WORDS = 12
_URL = re.compile(r"https?://\S+$", re.I)
# "2017.06.15", "2017/06/15", "2017. 6. 15.", "2017년 6월 15일"
_DOTTED_DATE = re.compile(r"((?:19|20)\d{2})(?:[./]\s?|\s*년\s*)(\d{1,2})(?:[./]\s?|\s*월\s*)"
                          r"(\d{1,2})(?!\d)")


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
    """A date as stated in a header or dateline: ISO, ``2024.03.05``, ``2024년 3월 5일`` or
    written out."""
    dotted = _DOTTED_DATE.search(value)
    if dotted:
        value = f"{dotted[1]}-{int(dotted[2]):02d}-{int(dotted[3]):02d}"
    return normalise_date(value)


def _header_names(key: str, value: str) -> list[str]:
    """The people of a byline line; a name under "기자" is read as "<name> 기자" (a
    reporter), and Korean keys also separate names by "," and "·"."""
    if key not in _KO_HEADER_KEYS:
        return [n.strip() for n in re.split(r";|\band\b|&", value) if n.strip()]
    names = [n.strip() for n in re.split(r"[;,·&]|\band\b", value) if n.strip()]
    if key == "기자":
        names = [n if n.endswith(("기자", "특파원")) else f"{n} 기자" for n in names]
    return names


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
    separated by ``;`` or `` and ``. Korean keys (``제목``, ``날짜``, ``출처``, ``기자``...)
    are read the same way; one whose value is a sentence ends the block.
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
        field = _HEADER_KEYS.get(key) or _KO_HEADER_KEYS.get(key)
        if field is not None and key in _KO_HEADER_KEYS and _SENTENCE_VALUE.search(value):
            break  # "기자: 네, 그렇습니다.": a radio transcript's body
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
                bylines.extend(_header_names(key, value))
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
