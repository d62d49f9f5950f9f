"""The cheaper HTML path of clean gives what the plain one gave (benchmarks/html_pages.py):
trafilatura on our tree without its copy, zones found with each class value tested once,
metadata read in one walk, the language told without counting letters when there is no
CJK script, outlets looked up once per name and host (per vocabulary overlay)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import trafilatura
from trafilatura.utils import load_html

from corroborate import vocab
from corroborate.clean import _sequence_text, clean, detect_language, find_outlet
from corroborate.metadata import read_metadata
from corroborate.model import Byline, Document
from corroborate.zones import prune_zones

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted([*(ROOT / "src" / "corroborate" / "samples").glob("*.html"),
                *(ROOT / "tests" / "fixtures" / "ko").glob("*.html")])
PARA = ("Border guards in Hyesan detained four traders last week, a source in Yanggang "
        "province told our reporter, adding that the traders were beaten. ")


def _page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


NAV = "<nav><ul>" + "".join(f"<li><a href='/{i}'>Section {i}</a></li>" for i in range(9)) + \
      "</ul></nav>"
ODD_PAGES = [
    _page(f"<article><p>{PARA * 3}</p><p>{PARA}</p></article>"),
    _page(NAV),  # nothing but links
    _page("<div>x</div>"),  # next to nothing: trafilatura finds no text
    _page(f"<main><div>{PARA}</div><table><tr><td>{PARA}</td></tr></table></main>"),
]


@pytest.mark.parametrize("source", [p.read_text(encoding="utf-8") for p in PAGES] + ODD_PAGES)
def test_trafilatura_on_our_tree_gives_what_bare_extraction_gives(source: str) -> None:
    # also run with a trafilatura release not yet checked: a difference here means
    # _CHECKED in clean.py must not list it
    tree = load_html(source)
    prune_zones(tree)
    result = trafilatura.bare_extraction(tree, url="https://example.org/a", fast=True,
                                         with_metadata=False, include_comments=False,
                                         include_tables=True)
    expected = getattr(result, "text", None) if result is not None else None
    assert _sequence_text(tree, "https://example.org/a") == expected


def test_trafilatura_is_run_on_our_tree_itself() -> None:
    tree = load_html(_page(f"<article><p>{PARA * 3}</p></article>"
                           "<div id='comments'><p>A reader's comment.</p></div>"))
    assert _sequence_text(tree, None)
    # trafilatura prunes the tree it is given (here the comments): no copy was made, and
    # clean reads all it needs from the tree before
    assert tree.find(".//div[@id='comments']") is None


def test_zone_elements_are_found_whatever_their_case_and_however_often_repeated() -> None:
    caption = "<div class='{c}'>Border guards at the river, 2004.</div>"
    body = "".join([
        f"<p>{PARA}</p>", caption.format(c="wp-caption"), f"<p>{PARA}</p>",
        caption.format(c="wp-caption"), caption.format(c="WP-Caption"),
        "<div id='photo-credit'>Photo: Daily NK</div>",
        "<div class='captionless'>Kept: the class names no zone.</div>",
        f"<div class='photo-story'><p>{PARA * 6}</p></div>",  # a container, not a zone
        "<figcaption>A figure's caption</figcaption>"])
    tree = load_html(_page(f"<div class='story-body'>{body}</div>"))
    removed, _ = prune_zones(tree)
    assert removed == ["Border guards at the river, 2004."] * 3 + [
        "Photo: Daily NK", "A figure's caption"]
    left = " ".join(tree.itertext())
    assert "Kept: the class names no zone." in left and "Border guards at the" not in left
    assert PARA.strip() in left


def test_metadata_takes_the_first_of_each_as_the_page_states_it() -> None:
    head = ("<meta property='og:site_name' content='Daily NK'>"
            "<meta name='author' content='Kim Ji-eun'><meta name='author' content='Other'>"
            "<script type='text/javascript'>{\"headline\": \"Not JSON-LD\"}</script>"
            "<script type='application/ld+json'>{\"datePublished\": \"2024-03-05\"}</script>"
            "<title>Two shot at Hyesan airfield</title><title>Second title</title>"
            "<link rel='stylesheet' href='/s.css'>"
            "<link rel='canonical' href='https://www.dailynk.com/english/two-shot/'>")
    meta = read_metadata(load_html(_page(f"<p>{PARA}</p>", head)))
    assert (meta.title, meta.published, meta.author, meta.sitename, meta.url) == (
        "Two shot at Hyesan airfield", "2024-03-05", "Kim Ji-eun", "Daily NK",
        "https://www.dailynk.com/english/two-shot/")
    dated = read_metadata(load_html(_page(
        f"<time>soon</time><time datetime='2023-11-02T10:00'>2 Nov</time><p>{PARA}</p>")))
    assert dated.published == "2023-11-02" and dated.title is None


@pytest.mark.parametrize(("text", "language"), [
    ("北朝鮮の国境警備隊が恵山で商人を拘束したと関係者が話した。", "ja"),
    ("朝鲜边防部队在惠山拘留了四名商人，消息人士说。", "zh"),
    ("북한 당국은 혜산에서 상인 네 명을 구금했다고 소식통이 전했다.", "ko"),
    ("The police said that the men (惠山) were held in the camp.", "en"),
    ("Les gardes-frontières ont arrêté quatre commerçants.", None),
])
def test_language_by_script_then_function_words(text: str, language: str | None) -> None:
    assert detect_language(text) == language


class _ExtraOutlet:
    """A vocabulary overlay adding one outlet, with a domain."""

    digest = "test-extra-outlet"

    def merge(self, file: str, data: Any) -> Any:
        if file != "outlets":
            return data
        row = {"id": "hyesan_herald", "name": "Hyesan Herald", "aliases": ["Hyesan Herald"],
               "domains": ["hyesanherald.example"], "kind": "news outlet"}
        return {**data, "outlets": [*data["outlets"], row]}


def test_outlets_are_looked_up_per_overlay() -> None:
    url = "https://news.hyesanherald.example/2024/a"
    assert find_outlet(None, (), url, "Hyesan Herald") == "Hyesan Herald"  # as declared
    assert find_outlet(None, (), url, None) is None
    assert find_outlet(None, (), "https://www.dailynk.com/x", None) == "Daily NK"
    by = (Byline("author", "Kim Ji-eun", "RFA"),)
    assert find_outlet(None, by, None, None) == "Radio Free Asia"
    with vocab.overlaid(_ExtraOutlet()):
        assert find_outlet(None, (), url, None) == "Hyesan Herald"
        assert find_outlet(None, (), url, "The Herald of Hyesan") == "Hyesan Herald"
    assert find_outlet(None, (), url, None) is None  # the shipped lookups were kept apart


def test_clean_of_a_page_reads_all_it_needs_before_trafilatura_prunes_it() -> None:
    head = ("<meta property='og:title' content='Four traders held in Hyesan'>"
            "<meta property='article:published_time' content='2024-03-05T08:00:00Z'>")
    body = (f"<article><h1>Four traders held in Hyesan</h1>"
            f"<div class='article-byline'>By Kim Ji-eun</div><p>{PARA * 2}</p>"
            f"<p>{PARA}</p><figure><figcaption>Photo: the Yalu river</figcaption></figure>"
            f"</article>{NAV}")
    report = clean(Document("0" * 64, "", "page.html", "text/html", _page(body, head)))
    assert report.title == "Four traders held in Hyesan"
    assert report.published == "2024-03-05"
    assert [b.name for b in report.bylines] == ["Kim Ji-eun"]
    assert "Photo: the Yalu river" in report.removed and "Yalu river" not in report.text
    assert report.text.startswith("Four traders held in Hyesan\n\nBorder guards in Hyesan")
    assert "Section 1" not in report.text and report.language == "en"
