"""What the workbench does when the collection is busy, the Host is foreign, a role
changes, or a sign-in lands on a browser that had a session."""
# ruff: noqa: F811

from __future__ import annotations

import threading
from pathlib import Path

from starlette.testclient import TestClient

from corroborate import Store
from corroborate.web import create_app
from corroborate.web.app import Workbench
from corroborate.web.common import SESSION_COOKIE
from corroborate.web.ingest import upload_origin
from corroborate.web.work import safe_next

from .web_fixtures import (
    MUSAN,
    analyst,  # noqa: F401
    assert_error,
    client,  # noqa: F401
    client_of,
    collection,  # noqa: F401
    csrf_of,
    report_id,
    review_log,
    sign_in,
    template,  # noqa: F401
)


def test_a_decision_while_a_writer_holds_the_collection_is_told_to_wait(
        collection: Path) -> None:
    rid = report_id(collection, MUSAN)
    held, release = threading.Event(), threading.Event()
    failed: list[BaseException] = []

    def writer() -> None:
        try:
            with Store.open(collection) as other, other.locked():
                held.set()
                release.wait(10)
        except BaseException as exc:  # shown by the assertion below
            failed.append(exc)
            held.set()

    with client_of(create_app(collection, write_wait=0.2)) as analyst:
        assert sign_in(analyst, "ana").status_code == 303
        thread = threading.Thread(target=writer)
        thread.start()
        try:
            assert held.wait(10) and not failed, failed
            answer = analyst.post(f"/api/reports/{rid}/review/country",
                                  json={"action": "accept", "revision": 0},
                                  headers={"x-csrf-token": csrf_of(analyst)})
        finally:
            release.set()
            thread.join()
    body = assert_error(answer, 503, "busy")
    assert str(collection) not in body["message"]
    assert review_log(collection) == []


def test_a_host_the_server_does_not_answer_to_is_refused(collection: Path) -> None:
    app = create_app(collection, allowed_hosts=["127.0.0.1", "localhost"])
    with client_of(app) as stranger:
        refused = stranger.get("/login", headers={"host": "rebound.example"})
        assert refused.status_code == 400
        assert stranger.get("/login", headers={"host": "127.0.0.1:8000"}).status_code == 200


def test_hsts_only_with_secure_cookies(collection: Path) -> None:
    with client_of(create_app(collection, secure_cookies=True), https=True) as secure:
        assert secure.get("/login").headers["strict-transport-security"].startswith("max-age")
    with client_of(create_app(collection)) as plain:
        assert "strict-transport-security" not in plain.get("/login").headers


def test_a_role_taken_away_takes_effect_on_the_next_write(
        analyst: TestClient, collection: Path) -> None:
    with Store.open(collection) as store:
        store.db.execute("UPDATE users SET role = 'viewer' WHERE name = 'ana'")
    rid = report_id(collection, MUSAN)
    answer = analyst.post(f"/api/reports/{rid}/review/country",
                          json={"action": "accept", "revision": 0},
                          headers={"x-csrf-token": csrf_of(analyst)})
    assert_error(answer, 403, "forbidden")
    assert review_log(collection) == []


def test_signing_in_again_ends_the_session_the_browser_had(client: TestClient) -> None:
    assert sign_in(client, "ana").status_code == 303
    first = client.cookies[SESSION_COOKIE]
    assert sign_in(client, "vic").status_code == 303
    assert client.cookies[SESSION_COOKIE] != first
    workbench: Workbench = client.app.state.workbench  # type: ignore[attr-defined]
    assert workbench.sessions.get(first) is None


def test_an_uploaded_name_loses_folders_and_control_characters() -> None:
    assert upload_origin("../../etc/pass\x1b[2Jwd\n.html") == "upload:pass[2Jwd.html"
    assert upload_origin("C:\\Users\\x\\report.txt") == "upload:report.txt"
    assert upload_origin("\x00\x01") == "upload:unnamed"
    assert len(upload_origin("a" * 1000)) == len("upload:") + 200


def test_where_to_go_after_sign_in_is_a_plain_local_path() -> None:
    assert safe_next("/search?q=x") == "/search?q=x"
    for hostile in ("//evil.example", "https://evil.example", "/\\evil", "/a\tb", "/a\nb",
                    "", None):
        assert safe_next(hostile) == "/events"
