"""Errors at the web edge: one JSON shape for the API, friendly pages for people.

Every API error is ``{"error": {"status": 404, "code": "not_found", "message": "..."}}``
(a review conflict adds ``"current"``: the decision that stands). A page error shows the
status and a message written for the reader; an unexpected error is logged on the server
and shows neither its type nor its traceback.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from ..errors import CollectionBusy, CorroborateError, ReviewConflict
from .security import HEADERS

__all__ = ["CODES", "WebError", "error_body", "handlers"]

log = logging.getLogger(__name__)

CODES: dict[int, str] = {
    400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 411: "length_required", 413: "too_large",
    415: "unsupported_type", 422: "invalid", 429: "too_many_attempts", 500: "internal",
    503: "busy",
}

_PAGE_MESSAGES: dict[int, str] = {
    401: "Please sign in first.",
    403: "Your account may not do this.",
    404: "There is nothing at this address.",
    405: "This page does not take that kind of request.",
    429: "Too many attempts. Wait a while and try again.",
    503: "The collection is busy (an ingest is writing to it). Try again in a minute.",
    500: "Something went wrong on the server. It has been logged; nothing you sent was lost.",
}


class WebError(Exception):
    """An error meant for the person or program at the other end."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


def error_body(status: int, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"status": status, "code": CODES.get(status, "error"),
                      "message": message, **extra}}


def _wants_json(request: Request) -> bool:
    # the upload form's script asks for JSON on /ingest and shows error.message
    return (request.url.path.startswith("/api/")
            or request.headers.get("accept", "").startswith("application/json"))


def _respond(request: Request, status: int, message: str, headers: dict[str, str] | None = None,
             **extra: Any) -> Response:
    if _wants_json(request):
        return JSONResponse(error_body(status, message, **extra), status, headers=headers)
    if status == 401:  # a page asked for before signing in: sign in, then come back
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}), 303)
    templates = request.app.state.workbench.templates
    response: Response = templates.TemplateResponse(request, "error.html", {
        "status": status, "message": message, "page_title": f"Error {status}"},
        status_code=status, headers=headers)
    return response


async def _web_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebError)
    headers = {}
    if exc.status == 429 and "retry_after" in exc.extra:
        headers["retry-after"] = str(exc.extra["retry_after"])
    return _respond(request, exc.status, exc.message, headers or None, **exc.extra)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = _PAGE_MESSAGES.get(exc.status_code, str(exc.detail))
    return _respond(request, exc.status_code, message)


async def _library_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, CollectionBusy):
        return _respond(request, 503, _PAGE_MESSAGES[503])
    if isinstance(exc, ReviewConflict):
        to_dict = getattr(exc.current, "to_dict", None)
        current = to_dict() if callable(to_dict) else None
        return _respond(request, 409, str(exc), current=current)
    return _respond(request, 400, str(exc))


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    response = _respond(request, 500, _PAGE_MESSAGES[500])
    # Starlette answers this from its outermost middleware, outside SecurityHeaders
    response.headers.update({**HEADERS, "cache-control": "no-store"})
    return response


def handlers() -> dict[Any, Any]:
    return {WebError: _web_error, HTTPException: _http_error,
            CorroborateError: _library_error, Exception: _unexpected}
