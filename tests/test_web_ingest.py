# ruff: noqa: F811  (pytest fixtures are imported from web_fixtures and named as arguments)
"""Ingest from the browser: files uploaded, ingested by a background job whose progress
and per-file errors are told, the upload limit kept, and every file's upload origin in the
custody log."""

from __future__ import annotations

import time
from typing import Any

import pytest

from corroborate import Store
from corroborate.web import create_app

from .helpers import report_text
from .web_fixtures import (  # noqa: F401  (fixtures)
    analyst,
    assert_error,
    client,
    client_of,
    collection,
    csrf_of,
    sign_in,
    template,
    viewer,
)

BINARY = bytes(range(256)) * 16  # a picture's worth of control bytes, not a report


def _upload(browser: Any, files: list[tuple[str, bytes]], json: bool = False) -> Any:
    return browser.post("/ingest", data={"csrf": csrf_of(browser)},
                        files=[("files", (name, data, "text/plain")) for name, data in files],
                        headers={"accept": "application/json"} if json else {})


def finished(browser: Any, job_id: str, within: float = 120.0) -> dict[str, Any]:
    """The job once it is done or failed, asked for as the page's script does."""
    deadline = time.monotonic() + within
    while True:
        job: dict[str, Any] = browser.get(f"/api/jobs/{job_id}").json()
        if job["state"] in ("done", "failed"):
            return job
        assert time.monotonic() < deadline, f"the job did not end in {within} s: {job}"
        time.sleep(0.05)  # polling a background thread, with a deadline


def receipts(collection: Any) -> list[dict[str, Any]]:
    with Store.open(collection) as store:
        return store.receipts()


def report_count(collection: Any) -> int:
    with Store.open(collection) as store:
        return int(store.db.execute("SELECT count(*) FROM reports").fetchone()[0])


def test_an_upload_is_ingested_by_a_job_that_tells_each_failure(collection, analyst):
    before = report_count(collection)
    started = _upload(analyst, [("musan-raid.txt", report_text(1).encode()),
                                ("onsong-fines.txt", report_text(5).encode()),
                                ("photo.txt", BINARY)], json=True)
    assert started.status_code == 202
    job_id = started.json()["job"]["id"]
    assert started.json()["url"] == f"/ingest/jobs/{job_id}"
    assert started.json()["job"]["files"] == 3
    job = finished(analyst, job_id)
    assert job["state"] == "done" and job["done"] == 3 and job["reports"] == 2
    assert [e["file"] for e in job["errors"]] == ["upload:photo.txt"]
    assert "binary" in job["errors"][0]["reason"]
    assert report_count(collection) == before + 2
    page = analyst.get(f"/ingest/jobs/{job_id}").text
    assert "Files not taken" in page and "upload:photo.txt" in page
    assert "2 new reports" in page and 'http-equiv="refresh"' not in page


def test_the_custody_log_names_each_upload(collection, analyst):
    job = _upload(analyst, [("kanggye.txt", report_text(6).encode()),
                            ("../../../etc/cron.d/wonsan.txt", report_text(7).encode()),
                            ("C:\\Users\\ana\\Desktop\\hoeryong.txt", report_text(2).encode()),
                            ("blank.txt", b"")], json=True).json()["job"]
    assert finished(analyst, job["id"])["reports"] == 3
    by_origin = {r["origin"]: r for r in receipts(collection) if r["origin"].startswith("upload:")}
    assert set(by_origin) == {"upload:kanggye.txt", "upload:wonsan.txt", "upload:hoeryong.txt",
                              "upload:blank.txt"}
    assert {by_origin[o]["event"] for o in by_origin if o != "upload:blank.txt"} == {"captured"}
    assert by_origin["upload:blank.txt"]["event"] == "refused"
    again = _upload(analyst, [("kanggye-again.txt", report_text(6).encode())],
                    json=True).json()["job"]
    done = finished(analyst, again["id"])
    assert done["reports"] == 0 and done["unchanged"] == 1
    same = [r for r in receipts(collection) if r["origin"] == "upload:kanggye-again.txt"]
    assert [r["event"] for r in same] == ["received"]
    assert same[0]["sha256"] == by_origin["upload:kanggye.txt"]["sha256"]


def test_the_form_goes_to_the_job_page(analyst):
    response = _upload(analyst, [("chongjin.txt", report_text(4).encode())])
    assert response.status_code == 303
    assert response.headers["location"] == "/ingest/jobs/j1"
    assert finished(analyst, "j1")["reports"] == 1
    page = analyst.get("/ingest/jobs/j1")
    assert page.status_code == 200 and "1 new report;" in page.text


def test_uploads_one_after_another_are_all_taken(collection, analyst):
    before = report_count(collection)
    ids = [_upload(analyst, [(f"sinuiju-{i}.txt", report_text(10 + i).encode())],
                   json=True).json()["job"]["id"] for i in range(3)]
    assert len(set(ids)) == 3
    assert [finished(analyst, i)["reports"] for i in ids] == [1, 1, 1]
    assert report_count(collection) == before + 3


def test_an_upload_over_the_limit_is_refused_whole(collection):
    browser = client_of(create_app(collection, max_upload_bytes=20_000))
    assert sign_in(browser, "ana").status_code == 303
    held = receipts(collection)
    files = [("wonsan.txt", report_text(8).encode()), ("padding.txt", b"quiet words " * 2000)]
    refused = _upload(browser, files)
    assert refused.status_code == 413
    assert "limit" in refused.text and "20,000" in refused.text
    assert_error(_upload(browser, files, json=True), 413, "too_large")
    assert receipts(collection) == held
    assert browser.app.state.workbench.jobs.get("j1") is None
    assert _upload(browser, files[:1], json=True).status_code == 202  # under it: taken


def test_an_upload_must_say_its_length_and_hold_a_file(analyst):
    token = csrf_of(analyst)
    boundary = "b0undary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}"
            f"\r\n--{boundary}--\r\n").encode()
    chunked = analyst.post("/ingest", content=iter([body]), headers={
        "content-type": f"multipart/form-data; boundary={boundary}",
        "accept": "application/json"})
    assert_error(chunked, 411, "length_required")
    empty = analyst.post("/ingest", content=body, headers={
        "content-type": f"multipart/form-data; boundary={boundary}",
        "accept": "application/json"})
    assert "at least one file" in assert_error(empty, 400, "bad_request")["message"]
    assert analyst.app.state.workbench.jobs.get("j1") is None


@pytest.mark.parametrize("json", [False, True])
def test_a_viewer_cannot_upload(collection, viewer, json):
    before = receipts(collection)
    refused = _upload(viewer, [("hyesan.txt", report_text(9).encode())], json=json)
    assert refused.status_code == 403
    if json:
        assert_error(refused, 403, "forbidden")
    assert receipts(collection) == before
    assert viewer.app.state.workbench.jobs.get("j1") is None


def test_a_job_is_private_to_signed_in_people(analyst):
    job = _upload(analyst, [("musan.txt", report_text(12).encode())], json=True).json()["job"]
    finished(analyst, job["id"])
    stranger = client_of(analyst.app)
    assert_error(stranger.get(f"/api/jobs/{job['id']}"), 401, "unauthenticated")
    page = stranger.get(f"/ingest/jobs/{job['id']}")
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")
