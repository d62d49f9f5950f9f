"""Pages that show the record: events, an event's claims, a report with its evidence,
stories with their versions side by side."""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from .. import review
from ..incidents import main_values
from ..store import Store
from .common import render, signed_in, store
from .errors import WebError
from .render import Span, highlight, original_html, original_text

__all__ = ["EVENTS_PER_PAGE", "event_status", "events_listing", "routes"]

log = logging.getLogger(__name__)

EVENTS_PER_PAGE = 50


def _int(request: Request, name: str, default: int, low: int = 1, high: int = 10**6) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise WebError(400, f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise WebError(400, f"{name} must be between {low} and {high}")
    return value


def event_status(collection: Store, report_ids: list[str]) -> str:
    """``reviewed`` when every field of every report was decided, ``partly`` when some
    were, else ``unreviewed``."""
    if not report_ids:
        return "unreviewed"
    marks = ",".join("?" * len(report_ids))
    decided = int(collection.db.execute(
        f"SELECT count(DISTINCT report_id || ' ' || field) FROM review_log "
        f"WHERE report_id IN ({marks})", report_ids).fetchone()[0])
    if decided == 0:
        return "unreviewed"
    return "reviewed" if decided >= len(report_ids) * len(review.FIELDS) else "partly"


def events_listing(collection: Store, page: int, min_origins: int
                   ) -> tuple[int, list[dict[str, Any]]]:
    """(how many events, one page of their records with their review status), most
    corroborated first (the ``events_rank`` index)."""
    total = int(collection.db.execute("SELECT count(*) FROM events WHERE origins >= ?",
                                      (min_origins,)).fetchone()[0])
    rows = collection.db.execute(
        "SELECT record FROM events WHERE origins >= ? "
        "ORDER BY origins DESC, reports DESC, first_published LIMIT ? OFFSET ?",
        (min_origins, EVENTS_PER_PAGE, (page - 1) * EVENTS_PER_PAGE)).fetchall()
    events = []
    for row in rows:
        record = json.loads(row[0])
        ids = [r["id"] for r in record.get("reports", [])]
        events.append({**record, "status": event_status(collection, ids)})
    return total, events


def events_page(request: Request) -> Response:
    signed_in(request)
    page = _int(request, "page", 1)
    min_origins = _int(request, "min_origins", 1, 1, 1000)
    total, events = events_listing(store(request), page, min_origins)
    return render(request, "events.html", {
        "page_title": "Events", "events": events, "total": total, "page": page,
        "pages": max(1, -(-total // EVENTS_PER_PAGE)), "min_origins": min_origins})


def event_page(request: Request) -> Response:
    signed_in(request)
    collection = store(request)
    record = collection.event(request.path_params["event_id"])
    if record is None:
        raise WebError(404, "no such event")
    report_ids = [r["id"] for r in record.get("reports", [])]
    titles = {r["id"]: r.get("title") or r["id"] for r in record.get("reports", [])}
    decided = []
    for report_id in dict.fromkeys(report_ids):
        for decision in review.decisions(collection, report_id).values():
            decided.append(decision)
    decided.sort(key=lambda d: (d.report_id, review.FIELDS.index(d.field)))
    return render(request, "event.html", {
        "page_title": record.get("title") or "Event", "event": record, "titles": titles,
        "decided": decided, "review_status": event_status(collection, report_ids)})


def _spans(incidents: list[Any]) -> list[Span]:
    return [Span(f.evidence.start, f.evidence.end, f.field, f.label)
            for incident in incidents for f in incident.facts]


def _original(collection: Store, report: Any) -> dict[str, Any]:
    """The capture the report came from, made safe to show."""
    try:
        data = collection.archive.read(report.capture_sha256)
    except Exception:  # a missing or damaged archive file: say so, show the rest
        # the reason names files on the server: logged there, not shown in the page
        log.warning("capture %s of %s unreadable", report.capture_sha256, report.id,
                    exc_info=True)
        return {"error": "the archived capture cannot be read (missing or damaged: "
                         "`corroborate verify` on the server tells which)"}
    if "html" in report.media_type:
        return {"html": original_html(data), "size": len(data)}
    text, cut = original_text(data)
    return {"text": text, "cut": cut, "size": len(data)}


def review_rows(collection: Store, report_id: str, published: str | None) -> list[dict[str, Any]]:
    """Each reviewable field of a report: the machine's value, the decision standing (if
    any), the revision to send with a decision, and the confidence."""
    incidents = collection.incidents(report_id)
    machine: dict[str, Any] = dict.fromkeys(review.FIELDS)
    confidence: dict[str, float | None] = {}
    if incidents:
        values = main_values(incidents[0], published)
        machine = review.shown_values(values)
        confidence = dict(values.get("confidence") or {})
        per_violation = (values.get("confidences") or {}).get("violation") or []
        # a set of violations is as sure as its least sure member
        confidence["violations"] = min(per_violation) if per_violation else None
    standing = review.decisions(collection, report_id)
    rows = []
    for field in review.FIELDS:
        decision = standing.get((report_id, field))
        rows.append({"field": field, "machine": machine[field], "decision": decision,
                     "shown": decision.after if decision else machine[field],
                     "revision": decision.revision if decision else 0,
                     "confidence": confidence.get(field)})
    return rows


def report_page(request: Request) -> Response:
    signed_in(request)
    collection = store(request)
    report = collection.report(request.path_params["report_id"])
    if report is None:
        raise WebError(404, "no such report")
    incidents = collection.incidents(report.id)
    story = collection.db.execute("SELECT story_id FROM story_members WHERE report_id = ?",
                                  (report.id,)).fetchone()
    return render(request, "report.html", {
        "page_title": report.title or report.id, "report": report,
        "text": highlight(report.text, _spans(incidents)), "incidents": incidents,
        "original": _original(collection, report),
        "fields": review_rows(collection, report.id, report.published),
        "history": review.history(collection, report.id),
        "story_id": story[0] if story else None,
        "events": sorted(set(collection.events_of_story(story[0]).values()))
        if story else [],
        "decided": request.query_params.get("decided")})


def stories_page(request: Request) -> Response:
    signed_in(request)
    collection = store(request)
    page = _int(request, "page", 1)
    rows = collection.db.execute(
        "SELECT s.id, r.title, r.outlet, r.published, "
        "(SELECT count(*) FROM story_members m WHERE m.story_id = s.id) AS versions "
        "FROM stories s JOIN reports r ON r.id = s.canonical_report_id "
        "ORDER BY versions DESC, r.published DESC, s.id LIMIT ? OFFSET ?",
        (EVENTS_PER_PAGE, (page - 1) * EVENTS_PER_PAGE)).fetchall()
    total = int(collection.db.execute("SELECT count(*) FROM stories").fetchone()[0])
    return render(request, "stories.html", {
        "page_title": "Stories", "stories": [dict(r) for r in rows], "page": page,
        "pages": max(1, -(-total // EVENTS_PER_PAGE)), "total": total})


def story_page(request: Request) -> Response:
    signed_in(request)
    collection = store(request)
    story_id = request.path_params["story_id"]
    members = collection.db.execute(
        "SELECT * FROM story_members WHERE story_id = ? ORDER BY canonical DESC, report_id",
        (story_id,)).fetchall()
    if not members:
        merged = collection.story_alias(story_id)
        if merged is not None:  # merged into another story as the collection grew
            return RedirectResponse(f"/stories/{merged}", status_code=301)
        raise WebError(404, "no such story")
    versions = []
    for member in members:
        report = collection.report(member["report_id"])
        if report is not None:
            versions.append({"report": report, "canonical": bool(member["canonical"]),
                             "containment": member["containment"],
                             "jaccard": member["jaccard"],
                             "adds": json.loads(member["adds"]),
                             "lacks": json.loads(member["lacks"])})
    return render(request, "story.html", {
        "page_title": "Story " + story_id, "story_id": story_id, "versions": versions})


def home(request: Request) -> Response:
    return RedirectResponse("/events", 303)


def routes() -> list[BaseRoute]:
    return [Route("/", home), Route("/events", events_page),
            Route("/events/{event_id}", event_page),
            Route("/reports/{report_id}", report_page),
            Route("/stories", stories_page), Route("/stories/{story_id}", story_page)]
