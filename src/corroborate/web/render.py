"""Turning a report into safe HTML: its text with every value's evidence marked, and its
original capture with everything that could run or reach another host taken out."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import nh3
from markupsafe import Markup, escape

__all__ = ["MAX_ORIGINAL_CHARS", "Span", "highlight", "original_html", "original_text"]

MAX_ORIGINAL_CHARS = 200_000

# structure and emphasis only: no attribute survives, so no link, image, style or handler
_KEPT_TAGS = {"p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote",
              "em", "strong", "b", "i", "u", "table", "thead", "tbody", "tr", "td", "th",
              "pre", "code", "figure", "figcaption", "span", "div", "section", "article",
              "header", "footer", "aside", "nav", "time", "small", "sup", "sub", "hr", "dl",
              "dt", "dd", "caption", "abbr", "cite", "q", "main"}


@dataclass(frozen=True)
class Span:
    """A piece of evidence: where it stands in the report's text and what it supports."""

    start: int
    end: int
    field: str
    label: str


def highlight(text: str, spans: Iterable[Span]) -> Markup:
    """The text, escaped, with each evidence span in a ``<mark>`` naming its fields.

    Overlapping spans are cut at every boundary, so each piece of text is marked once
    with all the fields it supports; spans outside the text are ignored.
    """
    kept = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in kept), *(s.end for s in kept)})
    out: list[str] = []
    for a, b in itertools.pairwise(cuts):
        covering = [s for s in kept if s.start <= a and b <= s.end]
        piece = str(escape(text[a:b]))
        if not covering:
            out.append(piece)
            continue
        fields = sorted({s.field for s in covering})
        title = "; ".join(sorted({f"{s.field}: {s.label}" for s in covering}))
        classes = " ".join(f"ev-{f}" for f in fields)
        out.append(f'<mark class="{escape(classes)}" title="{escape(title)}">{piece}</mark>')
    return Markup("".join(out).replace("\n", "<br>\n"))


def original_html(data: bytes, encoding: str = "utf-8") -> Markup:
    """An HTML capture as inert HTML: no script, style, form, frame, image, link target or
    attribute of any kind, so showing it runs nothing and asks no other host for anything.
    """
    html = data.decode(encoding, "replace")[:MAX_ORIGINAL_CHARS]
    cleaned = nh3.clean(html, tags=_KEPT_TAGS, clean_content_tags={"script", "style"},
                        attributes={}, url_schemes=set(), strip_comments=True,
                        link_rel=None)
    return Markup(cleaned)


def original_text(data: bytes, encoding: str = "utf-8") -> tuple[str, bool]:
    """A text capture to show as it is (escaped by the template); whether it was cut."""
    text = data.decode(encoding, "replace")
    return text[:MAX_ORIGINAL_CHARS], len(text) > MAX_ORIGINAL_CHARS
