# ruff: noqa: F811  (pytest fixtures are imported from web_fixtures and named as arguments)
"""The JSON API under /api: one error shape for every status, review decisions with
conflicts and names read through the vocabularies, exports of reviewed values that outlive
re-extraction, the OpenAPI description against the routes, and the app served for real."""

from __future__ import annotations

import csv
import io
import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.requests import Request
from starlette.routing import Route

from corroborate import Store, ingest
from corroborate.pipeline import reprocess
from corroborate.web import create_app
from corroborate.web.errors import WebError

from .conftest import sample_files
from .web_fixtures import (  # noqa: F401  (fixtures)
    MUSAN,
    PASSWORD,
    SECURITY,
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


def _review(browser: Any, report: str, field: str, body: dict[str, Any],
            token: str | None = None) -> Any:
    return browser.post(f"/api/reports/{report}/review/{field}", json=body,
                        headers={"x-csrf-token": token or csrf_of(browser)})


# -- one error shape ------------------------------------------------------------------------

def test_400_for_a_bad_query_or_body(collection, analyst):
    assert "page" in assert_error(analyst.get("/api/events?page=many"), 400,
                                  "bad_request")["message"]
    for past_sqlite in ("page", "min_origins"):  # once an OverflowError: a 500
        assert_error(analyst.get("/api/events", params={past_sqlite: "9" * 24}), 400,
                     "bad_request")
    report = report_id(collection, MUSAN)
    token = csrf_of(analyst)
    for body in (b"{not json", b"[1, 2]", b'"accept"'):
        response = analyst.post(f"/api/reports/{report}/review/country", content=body,
                                headers={"x-csrf-token": token,
                                         "content-type": "application/json"})
        assert "JSON object" in assert_error(response, 400, "bad_request")["message"]
    wrong = _review(analyst, report, "country", {"action": "shrug", "revision": 0}, token)
    assert "shrug" in assert_error(wrong, 400, "bad_request")["message"]
    assert review_log(collection) == []


def test_401_without_a_session(collection, client):
    assert "sign in" in assert_error(client.get("/api/me"), 401, "unauthenticated")["message"]
    report = report_id(collection, MUSAN)
    assert_error(client.post(f"/api/reports/{report}/review/country",
                             json={"action": "accept", "revision": 0}), 401, "unauthenticated")
    assert_error(client.get("/api/jobs/j1"), 401, "unauthenticated")


def test_403_for_a_viewer_or_a_missing_token(collection, viewer):
    report = report_id(collection, MUSAN)
    refused = _review(viewer, report, "country", {"action": "accept", "revision": 0})
    assert "viewer" in assert_error(refused, 403, "forbidden")["message"]
    viewer.post("/logout", data={"csrf": csrf_of(viewer)})
    assert sign_in(viewer, "ana").status_code == 303
    no_token = viewer.post(f"/api/reports/{report}/review/country",
                           json={"action": "accept", "revision": 0})
    assert "CSRF" in assert_error(no_token, 403, "forbidden")["message"]


@pytest.mark.parametrize("path", ["/api/events/e-0000", "/api/reports/r-0000", "/api/jobs/j99",
                                  "/api/no/such/thing"])
def test_404_for_what_is_not_there(analyst, path):
    assert_error(analyst.get(path), 404, "not_found")


def test_405_for_the_wrong_method(collection, analyst):
    assert_error(analyst.delete("/api/me"), 405, "method_not_allowed")
    report = report_id(collection, MUSAN)
    assert_error(analyst.get(f"/api/reports/{report}/review/country"), 405,
                 "method_not_allowed")


def test_409_tells_the_decision_that_stands(collection, analyst):
    report = report_id(collection, MUSAN)
    first = _review(analyst, report, "perpetrator", {"action": "edit", "value": "bowibu",
                                                     "revision": 0, "note": "named later"})
    assert first.status_code == 201
    late = _review(analyst, report, "perpetrator", {"action": "reject", "revision": 0})
    error = assert_error(late, 409, "conflict")
    assert error["current"] == first.json()
    assert error["current"]["after"]["value"] == "kp_mss"
    assert [r[3] for r in review_log(collection)] == ["edit"]
    row = next(r for r in analyst.get(f"/api/reports/{report}").json()["review"]
               if r["field"] == "perpetrator")
    assert row["shown"]["value"] == "kp_mss" and row["revision"] == 1


def _big(browser: Any) -> Any:
    return browser.post("/ingest", data={"csrf": csrf_of(browser)},
                        files=[("files", ("big.txt", b"x" * 4096, "text/plain"))],
                        headers={"accept": "application/json"})


def test_413_and_429_answer_a_script_in_the_same_shape(collection):
    small = client_of(create_app(collection, max_upload_bytes=1024))
    assert sign_in(small, "ana").status_code == 303
    assert "limit" in assert_error(_big(small), 413, "too_large")["message"]
    for attempt in range(5):
        sign_in(small, "vic", f"wrong guess {attempt}")
    token = login_token(small.get("/login").text)
    held = small.post("/login", data={"csrf": token, "name": "vic", "password": PASSWORD},
                      headers={"accept": "application/json"})
    assert_error(held, 429, "too_many_attempts")
    assert int(held.headers["retry-after"]) > 0


@pytest.mark.parametrize("status,code", [(400, "bad_request"), (413, "too_large"),
                                         (429, "too_many_attempts"), (409, "conflict")])
def test_every_status_on_an_api_path_has_the_shape(collection, status, code):
    def refuse(request: Request) -> Any:
        raise WebError(status, f"refused with {status}", retry_after=7)

    app = create_app(collection)
    app.router.routes.append(Route("/api/refuse", refuse))
    response = client_of(app).get("/api/refuse")
    error = assert_error(response, status, code)
    assert error["message"] == f"refused with {status}"
    assert (response.headers.get("retry-after") == "7") is (status == 429)
    for name, value in SECURITY.items():
        assert response.headers[name] == value


# -- review decisions -----------------------------------------------------------------------

@pytest.mark.parametrize("field,typed,stored", [
    ("region", "Ryanggang", {"value": "KP-10", "label": "Ryanggang"}),
    ("perpetrator", "bowibu", {"value": "kp_mss", "label": "Ministry of State Security"}),
    ("country", "China", {"value": "CN", "label": "China"}),
    ("violations", "torture; forced labour", [
        {"value": "torture", "label": "torture or ill-treatment"},
        {"value": "forced_labour", "label": "forced labour"}]),
])
def test_a_name_typed_is_stored_as_the_vocabulary_id(collection, analyst, field, typed,
                                                      stored):
    report = report_id(collection, MUSAN)
    machine = analyst.get(f"/api/reports/{report}").json()["review"]
    before = next(r for r in machine if r["field"] == field)["machine"]
    done = _review(analyst, report, field, {"action": "edit", "value": typed, "revision": 0})
    assert done.status_code == 201
    assert done.json()["after"] == stored != before
    assert done.json()["before"] == before
    (entry,) = review_log(collection)
    assert entry[2:4] == (field, "edit") and json.loads(entry[4]) == stored and entry[5] == 1


def test_accept_then_edit_then_reject(collection, analyst):
    report = report_id(collection, MUSAN)
    accepted = _review(analyst, report, "city", {"action": "accept", "revision": 0})
    assert accepted.status_code == 201 and accepted.json()["after"] == accepted.json()["before"]
    edited = _review(analyst, report, "city", {"action": "edit", "value": "Hyesan",
                                               "revision": 1})
    assert edited.json()["after"]["value"] == "KP-10:Hyesan" and edited.json()["revision"] == 2
    rejected = _review(analyst, report, "city", {"action": "reject", "revision": "2"})
    assert rejected.json()["after"] is None and rejected.json()["before"]["value"] == \
        "KP-10:Hyesan"
    assert [r[3] for r in review_log(collection)] == ["accept", "edit", "reject"]


def test_an_unknown_name_says_how_to_add_an_alias(collection, analyst):
    report = report_id(collection, MUSAN)
    refused = _review(analyst, report, "region", {"action": "edit", "value": "Gondwana",
                                                  "revision": 0})
    message = assert_error(refused, 400, "bad_request")["message"]
    assert "Gondwana" in message and "alias" in message and "corroborate vocab" in message
    late_date = _review(analyst, report, "when", {"action": "edit", "value": "March 2019",
                                                  "revision": 0})
    assert "YYYY-MM" in assert_error(late_date, 400, "bad_request")["message"]
    assert review_log(collection) == []


def test_an_alias_an_admin_adds_is_read_in_a_review(collection, client):
    assert sign_in(client, "ada").status_code == 303
    report = report_id(collection, MUSAN)
    body = {"action": "edit", "value": "the Yalu uplands", "revision": 0}
    assert_error(_review(client, report, "region", body), 400, "bad_request")
    added = client.post("/vocabulary/alias", data={
        "csrf": csrf_of(client), "vocabulary": "regions", "term_id": "KP-10",
        "alias": "the Yalu uplands", "note": "what our sources call it"})
    assert added.status_code == 303 and "KP-10" in added.headers["location"]
    taught = _review(client, report, "region", body)
    assert taught.status_code == 201 and taught.json()["after"]["value"] == "KP-10"


@pytest.mark.parametrize("path", ["/api/search?page=two", "/api/search?q=%22open",
                                  "/api/search?min_origins=x", "/api/review/queue?page=x"])
def test_a_bad_search_is_a_400_in_the_shape(analyst, path):
    assert_error(analyst.get(path), 400, "bad_request")


# -- exports of reviewed values -------------------------------------------------------------

def _export(browser: Any) -> tuple[str, list[dict[str, str]]]:
    response = browser.get("/export", params={"kind": "incidents-csv", "reviewed_only": "1",
                                              "bom": "1"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    text = response.content.decode("utf-8")
    return text, list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_reviewed_export_holds_the_reviewed_values(collection, analyst):
    report = report_id(collection, MUSAN)
    assert _export(analyst)[1] == []
    assert _review(analyst, report, "country", {"action": "edit", "value": "China",
                                                "revision": 0}).status_code == 201
    text, rows = _export(analyst)
    assert text.startswith("\ufeffincident_id,")
    assert [r["report_id"] for r in rows] == [report]
    assert (rows[0]["country"], rows[0]["country_id"]) == ("China", "CN")
    assert "country:edit" in rows[0]["reviewed"]
    everything = analyst.get("/export", params={"kind": "incidents-csv"}).text
    assert not everything.startswith("\ufeff") and everything.count("\n") > len(rows) + 1


def test_a_reviewed_value_outlives_reprocess_and_reingest(collection, analyst):
    report = report_id(collection, MUSAN)
    assert _review(analyst, report, "region", {"action": "edit", "value": "Ryanggang",
                                               "revision": 0}).status_code == 201
    with Store.open(collection) as store:
        reprocess(store)
        again = ingest(store, [str(p) for p in sample_files()])
        assert again.reports == 0 and again.unchanged
    _, rows = _export(analyst)
    assert [(r["report_id"], r["region_id"]) for r in rows] == [(report, "KP-10")]
    row = next(r for r in analyst.get(f"/api/reports/{report}").json()["review"]
               if r["field"] == "region")
    assert row["machine"]["value"] == "KP-09" and row["shown"]["value"] == "KP-10"
    assert row["revision"] == 1


# -- the API described ----------------------------------------------------------------------

def test_openapi_lists_every_api_route_and_its_error_shape(analyst):
    spec = analyst.get("/api/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    served: dict[str, set[str]] = {}
    for route in analyst.app.routes:
        if isinstance(route, Route) and route.path.startswith("/api/") \
                and route.path != "/api/openapi.json":
            methods = {m.lower() for m in (route.methods or {"GET"}) if m != "HEAD"}
            served.setdefault(route.path, set()).update(methods)
    assert served and {p: set(ops) for p, ops in paths.items()} == served
    error = {"$ref": "#/components/schemas/Error"}
    for path, operations in paths.items():
        for method, operation in operations.items():
            default = operation["responses"]["default"]
            assert default["content"]["application/json"]["schema"] == error, (path, method)
            names = {p["name"] for p in operation.get("parameters", [])}
            assert set(re_params(path)) <= names, (path, method)
            if method == "post":
                assert "X-CSRF-Token" in names
    schema = spec.json()["components"]["schemas"]["Error"]["properties"]["error"]
    assert set(schema["required"]) == {"status", "code", "message"}


def re_params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


# -- served for real ------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def served(collection: Path, tmp_path: Path) -> Any:
    """``corroborate serve`` in its own process on a loopback port."""
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "corroborate", "serve", "-c", str(collection), "--port",
         str(port)], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                httpx.get(base + "/login", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, (tmp_path / "serve.log").read_text()
                assert time.monotonic() < deadline, "the server did not start in 60 s"
                time.sleep(0.1)  # polling a process that is starting, with a deadline
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_the_workbench_served_by_uvicorn(collection, served):
    with httpx.Client(base_url=served, follow_redirects=False, timeout=30) as browser:
        form = browser.get("/login")
        assert form.status_code == 200 and "server" not in form.headers
        signed = browser.post("/login", data={"csrf": login_token(form.text), "name": "ana",
                                               "password": PASSWORD, "next": "/events"})
        assert signed.status_code == 303 and signed.headers["location"] == "/events"
        me = browser.get("/api/me").json()
        assert me["user"] == "ana" and me["role"] == "analyst"
        events = browser.get("/api/events")
        assert events.json()["events"] and "no-store" in events.headers["cache-control"]
        assert "unsafe-inline" not in events.headers["content-security-policy"]
        report = report_id(collection, MUSAN)
        done = browser.post(f"/api/reports/{report}/review/country", json={
            "action": "accept", "revision": 0}, headers={"x-csrf-token": me["csrf"]})
        assert done.status_code == 201
        assert_error(browser.get("/api/events/e-none"), 404, "not_found")
        browser.post("/logout", data={"csrf": me["csrf"]})
        assert_error(browser.get("/api/me"), 401, "unauthenticated")
    assert [r[:4] for r in review_log(collection)] == [("ana", report, "country", "accept")]
