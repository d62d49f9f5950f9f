"""The JSON API under ``/api``: what the pages show, for scripts and other tools.

Every answer is JSON; every error has the one shape of :mod:`corroborate.web.errors`.
Writes need a signed-in analyst or admin and the session's CSRF token in
``X-CSRF-Token``. ``/api/openapi.json`` describes it all (pinned by a test against the
routes).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .. import __version__, review
from ..errors import CollectionBusy, CorroborateError, ReviewConflict
from .common import check_csrf, may_change, signed_in, store
from .errors import WebError
from .pages import EVENTS_PER_PAGE, _int, events_listing, review_rows
from .work import decide

__all__ = ["openapi", "routes"]


def me(request: Request) -> Response:
    who = signed_in(request)
    return JSONResponse({"user": who.user, "role": who.role, "may_change": who.may_change,
                         "csrf": who.csrf})


def events(request: Request) -> Response:
    signed_in(request)
    # bounded as on the page: a number past SQLite's integers is a 400, not a 500
    page = _int(request, "page", 1)
    total, found = events_listing(store(request), page, _int(request, "min_origins", 1, 1,
                                                              1000))
    out = [{k: e.get(k) for k in ("id", "title", "origins", "place", "date",
                                  "first_published", "outlets", "status")}
           | {"reports": len(e.get("reports", [])), "conflicts": len(e.get("conflicts", []))}
           for e in found]
    return JSONResponse({"page": page, "per_page": EVENTS_PER_PAGE, "total": total,
                         "events": out})


def event(request: Request) -> Response:
    signed_in(request)
    record = store(request).event(request.path_params["event_id"])
    if record is None:
        raise WebError(404, "no such event")
    return JSONResponse(record)


def _decision(decision: review.Decision | None) -> dict[str, Any] | None:
    return decision.to_dict() if decision is not None else None


def report(request: Request) -> Response:
    signed_in(request)
    collection = store(request)
    found = collection.report(request.path_params["report_id"])
    if found is None:
        raise WebError(404, "no such report")
    fields = [{**row, "decision": _decision(row["decision"])}
              for row in review_rows(collection, found.id, found.published)]
    return JSONResponse({
        "report": found.to_dict(),
        "incidents": [i.to_dict() for i in collection.incidents(found.id)],
        "review": fields})


async def decide_json(request: Request) -> Response:
    who = may_change(request)
    check_csrf(request, who)
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise WebError(400, "the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise WebError(400, "the body must be a JSON object")
    fields = {k: str(v) for k, v in body.items() if isinstance(v, str | int)}
    try:
        decision = await run_in_threadpool(decide, request, fields)
    except ReviewConflict:
        raise
    except CollectionBusy:
        raise
    except CorroborateError as exc:
        raise WebError(400, str(exc)) from exc
    return JSONResponse(decision.to_dict(), 201)


def spec(request: Request) -> Response:
    return JSONResponse(openapi())


_ERROR = {"$ref": "#/components/schemas/Error"}


def _op(summary: str, params: tuple[str, ...] = (), write: bool = False,
        ok: int = 200) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": {
        str(ok): {"description": "OK", "content": {"application/json": {}}},
        "default": {"description": "An error",
                    "content": {"application/json": {"schema": _ERROR}}}}}
    if params:
        op["parameters"] = [{"name": p.strip("{}"), "in": "path" if p.startswith("{") else
                             "query", "required": p.startswith("{"),
                             "schema": {"type": "string"}} for p in params]
    if write:
        csrf = {"name": "X-CSRF-Token", "in": "header", "required": True,
                "schema": {"type": "string"}}
        op["parameters"] = [*op.get("parameters", []), csrf]
    return op


PATHS: dict[str, dict[str, Any]] = {
    "/api/me": {"get": _op("Who is signed in, their role and CSRF token")},
    "/api/events": {"get": _op("Events, most corroborated first", ("page", "min_origins"))},
    "/api/events/{event_id}": {"get": _op("One event: claims, origins, quotes",
                                          ("{event_id}",))},
    "/api/reports/{report_id}": {"get": _op("A report, its incidents and review state",
                                            ("{report_id}",))},
    "/api/reports/{report_id}/review/{field}": {"post": _op(
        "Accept, edit or reject a main value (409 if another decision came first)",
        ("{report_id}", "{field}"), write=True, ok=201)},
    "/api/jobs/{job_id}": {"get": _op("An ingest job's progress and per-file errors",
                                      ("{job_id}",))},
}


def openapi() -> dict[str, Any]:
    from .finding import API_PATHS

    return {
        "openapi": "3.1.0",
        "info": {"title": "corroborate workbench", "version": __version__},
        "paths": {**PATHS, **API_PATHS},
        "components": {
            "schemas": {"Error": {"type": "object", "required": ["error"], "properties": {
                "error": {"type": "object", "required": ["status", "code", "message"],
                          "properties": {"status": {"type": "integer"},
                                         "code": {"type": "string"},
                                         "message": {"type": "string"},
                                         "current": {"type": "object"}}}}}},
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie",
                                            "name": "corroborate_session"}}},
        "security": [{"session": []}],
    }


def routes() -> list[BaseRoute]:
    return [Route("/api/openapi.json", spec), Route("/api/me", me),
            Route("/api/events", events), Route("/api/events/{event_id}", event),
            Route("/api/reports/{report_id}", report),
            Route("/api/reports/{report_id}/review/{field}", decide_json, methods=["POST"])]
