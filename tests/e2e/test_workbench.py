"""The workbench end to end, in real headless Chromium against `corroborate serve`.

One analyst's day: sign in, upload the bundled sample reports, find an incident by a
facet, accept one value and edit another, see both on the event page and in
`export --reviewed-only`, upload the same reports again and see the edit kept; a viewer's
edit is refused by the server; two analysts deciding on one value: the second is told.
Every page is checked for requests to other hosts and for serious accessibility
violations; screenshots go to artifacts/.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from corroborate import Store
from corroborate.users import add_user

from .harness import assert_local_only, check_accessibility, screenshot

SAMPLES = Path(__file__).resolve().parents[2] / "src" / "corroborate" / "samples"
PASSWORD = "a long enough passphrase"


@pytest.fixture
def collection(tmp_path: Path) -> Path:
    root = tmp_path / "case"
    with Store.init(root) as store:
        add_user(store, "ana", "analyst", PASSWORD)
        add_user(store, "ben", "analyst", PASSWORD)
        add_user(store, "vic", "viewer", PASSWORD)
        add_user(store, "ada", "admin", PASSWORD)
    return root


def sign_in(page: Any, base: str, name: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/events$"))


def upload_samples(page: Any, base: str) -> None:
    page.goto(base + "/ingest")
    files = sorted(p for p in SAMPLES.iterdir() if p.suffix != ".md")
    page.get_by_label("Files").set_input_files([str(p) for p in files])
    page.get_by_role("button", name="Upload and ingest").click()
    page.wait_for_url(re.compile(r".*/ingest/jobs/j\d+$"))
    page.wait_for_selector("text=: done.", timeout=60_000)


def field_row(page: Any, report_id: str, field: str) -> Any:
    return page.locator(f"#field-{report_id}-{field}")


def export_reviewed(collection: Path) -> list[dict[str, Any]]:
    out = subprocess.run([sys.executable, "-m", "corroborate", "export", "--reviewed-only",
                          "-c", str(collection)], capture_output=True, text=True, check=True)
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def test_an_analysts_review_reaches_the_event_and_the_export(
        serve: Any, page: Any, request_log: Any, fresh_page: Any, collection: Path) -> None:
    base = serve(collection)
    sign_in(page, base, "ana")
    upload_samples(page, base)
    assert "reports" in page.locator("main").inner_text()

    # find an incident by a facet: the reports placed in Ryanggang province
    page.goto(base + "/search")
    page.get_by_role("checkbox", name=re.compile(r"Ryanggang \(\d+\)")).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r".*region=KP-10.*"))
    check_accessibility(page, "search")
    hits = page.locator("ol.hits > li")
    assert hits.count() >= 1
    assert "Ryanggang" in hits.first.inner_text()
    hits.first.locator("a").first.click()
    page.wait_for_url(re.compile(r".*/reports/r-[0-9a-f]+$"))
    report_id = page.url.rsplit("/", 1)[1]

    # accept the country, correct the date
    field_row(page, report_id, "country").get_by_role("button", name="Accept").click()
    page.wait_for_selector("text=Decision on country recorded")
    row = field_row(page, report_id, "when")
    row.get_by_label("New when").fill("2019-03-05")
    row.get_by_label("Note on when").fill("the court date the source gives")
    row.get_by_role("button", name="Edit").click()
    page.wait_for_selector("text=Decision on when recorded")
    assert "2019-03-05" in field_row(page, report_id, "when").inner_text()
    check_accessibility(page, "report")
    screenshot(page, "report")

    # both decisions on the event page
    page.locator("a.event-link").first.click()
    page.wait_for_url(re.compile(r".*/events/e-[0-9a-f]+$"))
    reviewed = page.locator("tr.decision")
    text = " | ".join(reviewed.all_inner_texts())
    assert "country" in text and "accept" in text
    assert "when" in text and "edit" in text and "2019-03-05" in text
    check_accessibility(page, "event")
    screenshot(page, "event")

    # and in `export --reviewed-only`
    def reviewed_values() -> dict[str, Any]:
        records = [r for r in export_reviewed(collection) if r["report_id"] == report_id]
        assert records, "the reviewed incident is missing from the reviewed-only export"
        return {field: r["main"][field] for r in records for field in r["reviews"]}

    decided = reviewed_values()
    assert decided["country"]["review"]["action"] == "accept"
    assert decided["when"]["review"]["action"] == "edit"
    assert decided["when"]["value"] == "2019-03-05"

    # the same reports again: nothing new, the edit stands
    upload_samples(page, base)
    page.goto(f"{base}/reports/{report_id}")
    assert "2019-03-05" in field_row(page, report_id, "when").inner_text()
    assert reviewed_values()["when"]["value"] == "2019-03-05"

    for name, path in (("review", "/review"), ("timeline", "/timeline"), ("map", "/map")):
        page.goto(base + path)
        check_accessibility(page, name)
        screenshot(page, name)
    assert_local_only(request_log, base)

    # a viewer sees no decision form, and the server refuses one sent anyway
    viewer, viewer_log = fresh_page()
    sign_in(viewer, base, "vic")
    viewer.goto(f"{base}/reports/{report_id}")
    assert field_row(viewer, report_id, "city").get_by_role("button").count() == 0
    token = viewer.request.get(base + "/api/me").json()["csrf"]
    refused = viewer.request.post(f"{base}/api/reports/{report_id}/review/city",
                                  data={"action": "accept", "revision": 0},
                                  headers={"x-csrf-token": token})
    assert refused.status == 403
    assert refused.json()["error"]["code"] == "forbidden"
    assert "city" not in reviewed_values()
    assert_local_only(viewer_log, base)


def test_two_analysts_deciding_on_one_value_the_second_is_told(
        serve: Any, page: Any, fresh_page: Any, collection: Path) -> None:
    base = serve(collection)
    sign_in(page, base, "ana")
    upload_samples(page, base)
    page.goto(base + "/search?region=KP-10")
    page.locator("ol.hits > li a").first.click()
    page.wait_for_url(re.compile(r".*/reports/r-[0-9a-f]+$"))
    report_id = page.url.rsplit("/", 1)[1]

    other, _ = fresh_page()
    sign_in(other, base, "ben")
    other.goto(f"{base}/reports/{report_id}")
    # ben decides first, while ana's page still shows the value as it was
    field_row(other, report_id, "perpetrator").get_by_role("button", name="Reject").click()
    other.wait_for_selector("text=Decision on perpetrator recorded")

    field_row(page, report_id, "perpetrator").get_by_role("button", name="Accept").click()
    page.wait_for_selector("text=Someone decided first")
    body = page.locator("main").inner_text()
    assert "ben" in body and "reject" in body
    assert "was not recorded" in body
    check_accessibility(page, "conflict")


def test_an_admins_alias_is_used_by_the_next_upload(
        serve: Any, page: Any, request_log: Any, collection: Path, tmp_path: Path) -> None:
    # a report of our own that spells Hyesan in a way no vocabulary knows
    report = tmp_path / "hyesaan.txt"
    report.write_text(
        "Title: Two women detained in Hyesaan\nDate: 2021-05-10\n\n"
        "Agents of the Ministry of State Security detained two women in Hyesaan on 4 May "
        "2021 for calling relatives in South Korea, a source in the city told this outlet.\n",
        encoding="utf-8")
    base = serve(collection)
    sign_in(page, base, "ada")
    page.goto(base + "/vocabulary?vocabulary=places&find=Hyesan")
    assert "KP:KP-10:Hyesan" in page.locator("main").inner_text()
    page.get_by_label("Term id (look it up above)").fill("KP:KP-10:Hyesan")
    page.get_by_label("New alias (the spelling reports use)").fill("Hyesaan")
    page.get_by_label("Why", exact=True).first.fill("a spelling seen in reposts")
    page.get_by_role("button", name="Add the alias").click()
    page.wait_for_selector("text=alias 'Hyesaan' added")
    check_accessibility(page, "vocabulary")

    page.goto(base + "/ingest")
    page.get_by_label("Files").set_input_files([str(report)])
    page.get_by_role("button", name="Upload and ingest").click()
    page.wait_for_selector("text=: done.", timeout=60_000)
    page.goto(base + "/search?q=Hyesaan")
    hit = page.locator("ol.hits > li").first
    assert "Ryanggang" in hit.inner_text()
    assert_local_only(request_log, base)
