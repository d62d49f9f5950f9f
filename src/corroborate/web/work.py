"""Signing in and out, review decisions, and exports: what a person does, not reads."""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from .. import overlay, review, users
from ..corrections import read_value
from ..errors import CollectionBusy, CorroborateError, ReviewConflict
from .access import same_token
from .common import SESSION_COOKIE, bench, check_csrf, may_change, render, session, signed_in, store
from .errors import WebError

__all__ = ["routes", "safe_next"]

LOGIN_COOKIE = "corroborate_login"


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this server only (never ``//host``)."""
    if (not target or not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target)):
        return "/events"
    return target


def _cookie(response: Response, request: Request, name: str, value: str,
            max_age: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True,
                        samesite="strict", secure=bench(request).secure_cookies)


def login_form(request: Request, error: str = "", status: int = 200) -> Response:
    token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
    response = render(request, "login.html", {
        "page_title": "Sign in", "login_token": token, "error": error,
        "next": safe_next(request.query_params.get("next")),
        "no_accounts": not users.users(store(request))}, status)
    _cookie(response, request, LOGIN_COOKIE, token, 1800)
    return response


async def login(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    # before a session exists, the form's token must match the cookie set with it
    token = form.get("csrf")
    if not same_token(token if isinstance(token, str) else None,
                      request.cookies.get(LOGIN_COOKIE)):
        return await run_in_threadpool(
            login_form, request, "The form had expired. Please sign in again.", 403)
    name = str(form.get("name") or "").strip()
    password = str(form.get("password") or "")
    address = request.client.host if request.client else "unknown"
    limiter = bench(request).limiter
    keys = (f"name:{name.casefold()}", f"address:{address}")
    wait = limiter.wait(*keys)
    if wait > 0:
        raise WebError(429, f"too many failed sign-ins: try again in {int(wait) + 1} s",
                       retry_after=int(wait) + 1)
    # argon2 is slow on purpose: checked off the event loop
    user = await run_in_threadpool(
        lambda: users.check_password(store(request), name, password)) if name else None
    if user is None:
        limiter.failed(*keys)
        return await run_in_threadpool(login_form, request, "Wrong name or password.", 401)
    limiter.succeeded(keys[0])
    # whatever session this browser had ends: one sign-in, one session
    bench(request).sessions.end(request.cookies.get(SESSION_COOKIE))
    started = bench(request).sessions.start(user.name, user.role)
    response = RedirectResponse(safe_next(str(form.get("next") or "")), 303)
    _cookie(response, request, SESSION_COOKIE, started.token, None)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


async def logout(request: Request) -> Response:
    who = session(request)
    if who is not None:
        check_csrf(request, who, await request.form(max_files=0, max_fields=5))
        bench(request).sessions.end(who.token)
    response = RedirectResponse("/login", 303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def decide(request: Request, fields: dict[str, str]) -> review.Decision:
    """Record what the person decided (form or JSON fields: action, value, note, revision)
    on the report's ``field``; a conflict or a bad value raises for the caller to show."""
    who = may_change(request)
    report_id, field = request.path_params["report_id"], request.path_params["field"]
    action = fields.get("action", "")
    try:
        revision = int(fields.get("revision") or 0)
    except ValueError:
        raise WebError(400, "revision must be a whole number") from None
    value: Any = None
    collection = store(request)
    if action == "edit":
        with overlay.applied(collection):  # a name the team taught is a name too
            value = read_value(field, fields.get("value", ""))
    return review.decide(collection, report_id, field, action, who.user, value=value,
                         note=fields.get("note", "").strip(), revision=revision)


async def decide_form(request: Request) -> Response:
    who = may_change(request)
    form = await request.form(max_files=0, max_fields=20)
    check_csrf(request, who, form)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    back = safe_next(fields.get("next") or f"/reports/{request.path_params['report_id']}")
    try:
        decision = await run_in_threadpool(decide, request, fields)
    except ReviewConflict as exc:
        return render(request, "conflict.html", {
            "page_title": "Someone decided first", "message": str(exc),
            "current": exc.current, "back": back}, 409)
    except CollectionBusy:
        raise
    except CorroborateError as exc:
        raise WebError(400, str(exc)) from exc
    sep = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{sep}decided={decision.field}#review-{decision.report_id}",
                            303)


_EXPORTS = {  # name: (media type, extension, what it writes)
    "incidents-csv": ("text/csv", "csv"),
    "incidents-jsonl": ("application/x-ndjson", "jsonl"),
    "events-csv": ("text/csv", "csv"),
    "events-jsonl": ("application/x-ndjson", "jsonl"),
}


def _write_export(kind: str, reviewed_only: bool, out: Any, request: Request) -> None:
    from ..export import write_event_csv, write_event_jsonl, write_jsonl, write_main_csv

    collection = store(request)
    if kind == "incidents-csv":
        write_main_csv(collection, out, reviewed_only)
    elif kind == "incidents-jsonl":
        write_jsonl(collection, out, reviewed_only=reviewed_only)
    elif kind == "events-csv":
        write_event_csv(collection, out)
    else:
        write_event_jsonl(collection, out)


def export(request: Request) -> Response:
    signed_in(request)
    kind = request.query_params.get("kind", "")
    if kind not in _EXPORTS:
        return render(request, "export.html", {"page_title": "Export"})
    reviewed_only = request.query_params.get("reviewed_only") == "1"
    if reviewed_only and kind.startswith("events"):
        raise WebError(400, "reviewed-only exports are of incidents (one row per incident)")
    media, extension = _EXPORTS[kind]
    # written to a private temporary file first: a collection can be larger than memory
    spool = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")
    if request.query_params.get("bom") == "1" and extension == "csv":
        spool.write("\ufeff")
    _write_export(kind, reviewed_only, spool, request)
    spool.seek(0)

    def chunks() -> Iterator[bytes]:
        with spool:
            while block := spool.read(1 << 16):
                yield block.encode("utf-8")

    name = f"{kind}{'-reviewed' if reviewed_only else ''}.{extension}"
    return StreamingResponse(chunks(), media_type=f"{media}; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="{name}"'})


def routes() -> list[BaseRoute]:
    return [Route("/login", login_form, methods=["GET"]),
            Route("/login", login, methods=["POST"]),
            Route("/logout", logout, methods=["POST"]),
            Route("/reports/{report_id}/review/{field}", decide_form, methods=["POST"]),
            Route("/export", export)]
