"""The browser harness against the real `corroborate serve`: the sign-in page.

Besides the page itself, these show that the harness's checks can fail: a request to another
host and an unlabelled field, planted in the real page under the app's own CSP, are caught.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from corroborate import Store

from .harness import ARTIFACTS, assert_local_only, check_accessibility, screenshot

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# .invalid never resolves (RFC 2606), and the page's CSP should stop it before a lookup
ELSEWHERE = "http://tiles.example.invalid/0/0/0.png"


@pytest.fixture
def login_page(serve: Any, page: Any, tmp_path: Path) -> tuple[Any, str, Any]:
    root = tmp_path / "case"
    Store.init(root).close()
    base = serve(root)
    response = page.goto(base + "/login")
    return page, base, response


def test_login_page_loads_makes_no_outside_request_and_passes_axe(
        login_page: tuple[Any, str, Any], request_log: Any) -> None:
    page, base, response = login_page
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.get_by_label("Password").is_visible()
    # the log saw the page's own stylesheet and script, so an empty check would be no check
    own = {urlsplit(r.url).path for r in request_log.requests}
    assert any(path.startswith("/static/") for path in own), own
    assert_local_only(request_log, base)

    results = check_accessibility(page, "login")
    assert results["passes"], "axe ran no rule on the page"
    assert (ARTIFACTS / "axe-login.json").is_file()
    shot = screenshot(page, "login")
    assert shot == ARTIFACTS / "login.png"
    assert shot.read_bytes()[:8] == PNG_MAGIC


def test_a_request_to_another_host_is_caught_even_when_the_csp_blocks_it(
        login_page: tuple[Any, str, Any], request_log: Any) -> None:
    page, base, _ = login_page
    with page.expect_request(ELSEWHERE):
        page.evaluate("url => { const i = new Image(); i.alt = ''; i.src = url; "
                      "document.body.append(i); }", ELSEWHERE)
    with pytest.raises(AssertionError, match=re.escape(ELSEWHERE)):
        assert_local_only(request_log, base)


def test_axe_runs_under_the_apps_csp_and_reports_a_serious_violation(
        login_page: tuple[Any, str, Any]) -> None:
    page, _, _ = login_page
    page.evaluate("() => { const f = document.createElement('input'); f.id = 'planted'; "
                  "document.querySelector('main').append(f); }")
    with pytest.raises(AssertionError, match=r"label \(critical\).*#planted"):
        check_accessibility(page, "login-planted")
