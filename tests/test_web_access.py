# ruff: noqa: F811  (pytest fixtures are imported from web_fixtures and named as arguments)
"""Who may do what on the workbench: headers, sessions, CSRF, sign-in throttling, roles,
and where a sign-in may send the browser; all against the real app over a real collection."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from corroborate import Store, overlay
from corroborate.web import create_app
from corroborate.web.access import LoginLimiter, Sessions
from corroborate.web.common import SESSION_COOKIE
from corroborate.web.security import CSP

from .helpers import report_text
from .web_fixtures import (  # noqa: F401  (fixtures)
    MUSAN,
    PASSWORD,
    SECURITY,
    FakeClock,
    TestClient,
    analyst,
    assert_error,
    client,
    client_of,
    collection,
    csrf_of,
    login_token,
    report_id,
    review_log,
    sign_in,
    template,
    viewer,
)


def assert_secure_headers(response: Any, cached: bool = False) -> None:
    policy = response.headers["content-security-policy"]
    assert policy == CSP and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    for name, value in SECURITY.items():
        assert response.headers[name] == value, name
    assert ("no-store" in response.headers.get("cache-control", "")) is not cached


@pytest.mark.parametrize("path", ["/events", "/api/me", "/api/events", "/export", "/nope",
                                  "/api/nope", "/api/events/e-none", "/reports/r-none"])
def test_pages_api_answers_and_errors_carry_the_security_headers(analyst, path):
    assert_secure_headers(analyst.get(path))


def test_signed_out_answers_and_static_files_carry_them_too(client):
    assert_secure_headers(client.get("/login"))
    assert_secure_headers(client.get("/api/me"))  # 401
    assert_secure_headers(client.get("/events"))  # the redirect to sign in
    static = client.get("/static/app.css")
    assert static.status_code == 200
    assert_secure_headers(static, cached=True)  # no collection data: may be cached


# -- the session cookie -------------------------------------------------------------------

def _set_cookie(response: Any, name: str) -> str:
    found = [c for c in response.headers.get_list("set-cookie") if c.startswith(name + "=")]
    assert len(found) == 1, response.headers.get_list("set-cookie")
    return found[0]


@pytest.mark.parametrize("secure", [False, True])
def test_the_session_cookie_is_httponly_strict_and_secure_when_asked(collection, secure):
    app = create_app(collection, secure_cookies=secure)
    browser = client_of(app, https=secure)  # a Secure cookie goes back over HTTPS only
    form_cookie = _set_cookie(browser.get("/login"), "corroborate_login")
    response = sign_in(browser, "ana")
    assert response.status_code == 303
    cookie = _set_cookie(response, SESSION_COOKIE)
    for flags in (cookie, form_cookie):
        parts = {p.strip().lower() for p in flags.split(";")}
        assert "httponly" in parts and "samesite=strict" in parts and "path=/" in parts
        assert ("secure" in parts) is secure


def _clocked(collection: Path, clock: FakeClock, **sessions: float) -> TestClient:
    return client_of(create_app(collection, sessions=Sessions(clock=clock, **sessions)))


def test_a_session_ends_after_the_idle_time(collection):
    clock = FakeClock()
    browser = _clocked(collection, clock, idle=60, lifetime=10_000)
    assert sign_in(browser, "ana").status_code == 303
    for _ in range(3):  # each request restarts the idle clock
        clock.advance(59)
        assert browser.get("/api/me").status_code == 200
    clock.advance(61)
    assert_error(browser.get("/api/me"), 401, "unauthenticated")
    clock.advance(-61)  # gone for good: not revived by a clock that seems to go back
    assert browser.get("/api/me").status_code == 401


def test_a_session_ends_at_its_lifetime_however_busy(collection):
    clock = FakeClock()
    browser = _clocked(collection, clock, idle=60, lifetime=200)
    assert sign_in(browser, "ana").status_code == 303
    for _ in range(4):
        clock.advance(50)
        assert browser.get("/api/me").status_code == 200
    clock.advance(1)  # 201 s after sign-in, 1 s after the last request
    assert browser.get("/api/me").status_code == 401
    page = browser.get("/events")
    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Fevents"


def test_signing_out_ends_the_session_on_the_server(client):
    assert sign_in(client, "ana").status_code == 303
    token = client.cookies[SESSION_COOKIE]
    out = client.post("/logout", data={"csrf": csrf_of(client)})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert 'corroborate_session=""' in out.headers["set-cookie"]
    replay = client_of(client.app)
    replay.cookies.set(SESSION_COOKIE, token)  # the old cookie, kept by a thief
    assert_error(replay.get("/api/me"), 401, "unauthenticated")


def test_signing_out_without_the_token_is_refused_and_the_session_stays(analyst):
    assert_error(analyst.post("/api/me"), 405, "method_not_allowed")
    refused = analyst.post("/logout", data={"csrf": "not-the-token"})
    assert refused.status_code == 403
    assert analyst.get("/api/me").json()["user"] == "ana"


def test_a_forged_or_stale_token_is_refused(collection, analyst):
    stale = analyst.cookies[SESSION_COOKIE]
    forged = client_of(analyst.app)
    forged.cookies.set(SESSION_COOKIE, stale[:-4] + "AAAA")
    assert_error(forged.get("/api/me"), 401, "unauthenticated")
    restarted = client_of(create_app(collection))  # sessions live in one server's memory
    restarted.cookies.set(SESSION_COOKIE, stale)
    assert_error(restarted.get("/api/me"), 401, "unauthenticated")


def test_signing_in_gives_a_new_token_not_one_planted_before(collection):
    app = create_app(collection)
    attacker = client_of(app)
    assert sign_in(attacker, "vic").status_code == 303
    planted = attacker.cookies[SESSION_COOKIE]
    victim = client_of(app)
    victim.cookies.set(SESSION_COOKIE, planted)
    response = sign_in(victim, "ana")
    assert response.status_code == 303
    fresh = _set_cookie(response, SESSION_COOKIE).split(";")[0].split("=", 1)[1]
    assert fresh and fresh != planted


# -- CSRF on every write ------------------------------------------------------------------

def _login(browser: TestClient, token: str | None, _: str) -> Any:
    browser.get("/login")  # the double-submit cookie is set
    return browser.post("/login", data={"name": "ana", "password": PASSWORD}
                        | ({"csrf": token} if token is not None else {}))


def _logout(browser: TestClient, token: str | None, _: str) -> Any:
    sign_in(browser, "ana")
    return browser.post("/logout", data={} if token is None else {"csrf": token})


def _review_form(browser: TestClient, token: str | None, report: str) -> Any:
    sign_in(browser, "ana")
    return browser.post(f"/reports/{report}/review/country",
                        data={"action": "accept", "revision": "0"}
                        | ({"csrf": token} if token is not None else {}))


def _review_json(browser: TestClient, token: str | None, report: str) -> Any:
    sign_in(browser, "ana")
    return browser.post(f"/api/reports/{report}/review/country",
                        json={"action": "accept", "revision": 0},
                        headers={} if token is None else {"x-csrf-token": token})


def _upload(browser: TestClient, token: str | None, _: str) -> Any:
    sign_in(browser, "ana")
    return browser.post("/ingest", data={} if token is None else {"csrf": token},
                        files=[("files", ("new.txt", report_text(3).encode(), "text/plain"))])


def _vocabulary(browser: TestClient, token: str | None, _: str) -> Any:
    sign_in(browser, "ada")
    return browser.post("/vocabulary/alias", data={
        "vocabulary": "regions", "term_id": "KP-10", "alias": "Hyesan uplands"}
        | ({"csrf": token} if token is not None else {}))


WRITES: dict[str, Callable[[TestClient, str | None, str], Any]] = {
    "login": _login, "logout": _logout, "review form": _review_form,
    "review json": _review_json, "upload": _upload, "vocabulary": _vocabulary}


def overlay_entries(collection: Path) -> list[Any]:
    with Store.open(collection) as store:
        return overlay.entries(store)


@pytest.mark.parametrize("token", [None, "", "forged-token-of-the-right-length-0123456789"])
@pytest.mark.parametrize("write", sorted(WRITES))
def test_every_write_needs_the_csrf_token(collection, client, write, token):
    report = report_id(collection, MUSAN)
    response = WRITES[write](client, token, report)
    assert response.status_code == 403, response.text
    if write == "login":
        assert SESSION_COOKIE not in client.cookies
    else:
        assert client.get("/api/me").status_code == 200  # still signed in, nothing done
    assert review_log(collection) == [] and overlay_entries(collection) == []
    assert client.app.state.workbench.jobs.get("j1") is None


def test_the_login_form_token_must_match_its_cookie(client):
    token = login_token(client.get("/login").text)
    elsewhere = client_of(client.app)  # a page on another site cannot read the cookie
    refused = elsewhere.post("/login", data={"csrf": token, "name": "ana",
                                             "password": PASSWORD})
    assert refused.status_code == 403 and SESSION_COOKIE not in elsewhere.cookies
    elsewhere.cookies.set("corroborate_login", "a-cookie-of-its-own")
    refused = elsewhere.post("/login", data={"csrf": token, "name": "ana",
                                             "password": PASSWORD})
    assert refused.status_code == 403
    ok = client.post("/login", data={"csrf": token, "name": "ana", "password": PASSWORD})
    assert ok.status_code == 303 and SESSION_COOKIE in client.cookies


# -- throttled sign-in --------------------------------------------------------------------

def test_five_failures_for_a_name_hold_off_the_sixth_attempt(collection):
    clock = FakeClock()
    app = create_app(collection, limiter=LoginLimiter(clock=clock))
    guesser = client_of(app, "127.0.0.2")
    for attempt in range(5):
        assert sign_in(guesser, "ana", f"guess number {attempt}").status_code == 401
        clock.advance(10)
    held = sign_in(guesser, "ana")  # the right password, too late
    assert held.status_code == 429 and SESSION_COOKIE not in guesser.cookies
    wait = int(held.headers["retry-after"])
    assert 900 - 50 <= wait <= 900 - 40 + 1
    other_place = client_of(app, "127.0.0.3")
    assert sign_in(other_place, "ana").status_code == 429  # the name is held everywhere
    assert sign_in(other_place, "vic").status_code == 303  # other names are not
    clock.advance(wait)
    assert sign_in(guesser, "ana").status_code == 303


def test_five_failures_from_one_address_hold_off_every_name_from_it(collection):
    clock = FakeClock()
    app = create_app(collection, limiter=LoginLimiter(clock=clock))
    sprayer = client_of(app, "127.0.0.4")
    for name in ("ana", "vic", "ada", "nobody", "root"):
        assert sign_in(sprayer, name, "summer of twenty").status_code == 401
    assert sign_in(sprayer, "vic").status_code == 429
    assert sign_in(client_of(app, "127.0.0.5"), "vic").status_code == 303
    clock.advance(901)
    assert sign_in(sprayer, "vic").status_code == 303


# -- roles ----------------------------------------------------------------------------------

def test_a_viewer_reads_but_changes_nothing(collection, viewer):
    report = report_id(collection, MUSAN)
    csrf = csrf_of(viewer)
    assert viewer.get(f"/reports/{report}").status_code == 200
    assert 'action="/reports/' not in viewer.get(f"/reports/{report}").text
    form = viewer.post(f"/reports/{report}/review/country",
                       data={"csrf": csrf, "action": "edit", "value": "China", "revision": "0"})
    assert form.status_code == 403
    assert_error(viewer.post(f"/api/reports/{report}/review/country",
                             json={"action": "reject", "revision": 0},
                             headers={"x-csrf-token": csrf}), 403, "forbidden")
    upload = viewer.post("/ingest", data={"csrf": csrf},
                         files=[("files", ("new.txt", report_text(5).encode(), "text/plain"))])
    assert upload.status_code == 403 and viewer.get("/ingest").status_code == 403
    alias = viewer.post("/vocabulary/alias", data={"csrf": csrf, "vocabulary": "regions",
                                                   "term_id": "KP-10", "alias": "Uplands"})
    assert alias.status_code == 403
    assert review_log(collection) == [] and overlay_entries(collection) == []
    assert viewer.app.state.workbench.jobs.get("j1") is None


def test_an_analysts_decisions_are_recorded(collection, analyst):
    report = report_id(collection, MUSAN)
    csrf = csrf_of(analyst)
    form = analyst.post(f"/reports/{report}/review/country",
                        data={"csrf": csrf, "action": "accept", "revision": "0"})
    assert form.status_code == 303
    done = analyst.post(f"/api/reports/{report}/review/city", json={
        "action": "reject", "revision": 0, "note": "the town is not named"},
        headers={"x-csrf-token": csrf})
    assert done.status_code == 201 and done.json()["reviewer"] == "ana"
    assert [(r[0], r[2], r[3]) for r in review_log(collection)] == [
        ("ana", "country", "accept"), ("ana", "city", "reject")]
    alias = analyst.post("/vocabulary/alias", data={"csrf": csrf, "vocabulary": "regions",
                                                    "term_id": "KP-10", "alias": "Uplands"})
    assert alias.status_code == 403 and overlay_entries(collection) == []  # admins only


# -- where signing in sends the browser ---------------------------------------------------

@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example",
                                    "\\\\evil.example", "javascript:alert(1)",
                                    "/\t/evil.example", "/\n/evil.example", " //evil.example"])
def test_next_never_leads_to_another_host(client, target):
    form = client.get("/login", params={"next": target}).text
    shown = re.search(r'name="next" value="([^"]*)"', form)
    assert shown and not shown.group(1).startswith(("//", "/\\")) and ":" not in shown.group(1)
    response = sign_in(client, "ana", next_=target)
    assert response.status_code == 303
    location = response.headers["location"]
    browser_sees = "".join(c for c in location if c not in "\t\n\r")  # as a URL parser does
    assert browser_sees.startswith("/") and not browser_sees.startswith(("//", "/\\"))
    assert urlsplit(browser_sees).netloc == ""


def test_next_keeps_a_path_on_this_server(client):
    response = sign_in(client, "ana", next_="/events?min_origins=2")
    assert response.headers["location"] == "/events?min_origins=2"
