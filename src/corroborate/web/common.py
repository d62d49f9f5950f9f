"""What every handler needs: the workbench, the signed-in session, CSRF checks, rendering."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from .. import users
from ..store import Store
from .access import Session, same_token
from .app import Workbench
from .errors import WebError

__all__ = ["SESSION_COOKIE", "bench", "check_csrf", "may_change", "render", "session",
           "signed_in", "store"]

SESSION_COOKIE = "corroborate_session"


def bench(request: Request) -> Workbench:
    workbench: Workbench = request.app.state.workbench
    return workbench


def store(request: Request) -> Store:
    return bench(request).store()


def session(request: Request) -> Session | None:
    return bench(request).sessions.get(request.cookies.get(SESSION_COOKIE))


def signed_in(request: Request) -> Session:
    """The session of the person asking; 401 (a page: to the sign-in form) without one."""
    found = session(request)
    if found is None:
        raise WebError(401, "sign in first (POST /login)")
    return found


def may_change(request: Request) -> Session:
    """The session of an analyst or admin; a viewer is refused on the server."""
    found = signed_in(request)
    # the role as it stands now, not as it was at sign-in
    account = users.user(store(request), found.user)
    if account is None:
        bench(request).sessions.end(found.token)
        raise WebError(401, "the account no longer exists")
    found.role = account.role
    if not found.may_change:
        raise WebError(403, f"{found.user} is a {found.role}: viewers change nothing")
    return found


def check_csrf(request: Request, who: Session, form: FormData | None = None) -> None:
    """A write must carry the session's CSRF token: a form field ``csrf`` or, from a
    script, the ``X-CSRF-Token`` header."""
    given = request.headers.get("x-csrf-token")
    if given is None and form is not None:
        field = form.get("csrf")
        given = field if isinstance(field, str) else None
    if not same_token(given, who.csrf):
        raise WebError(403, "the form is stale or did not come from this workbench "
                            "(CSRF token missing or wrong): reload the page and try again")


def render(request: Request, template: str, context: dict[str, Any],
           status: int = 200) -> Response:
    who = session(request)
    full = {"who": who, "csrf": who.csrf if who else "", **context}
    response: Response = bench(request).templates.TemplateResponse(
        request, template, full, status_code=status)
    return response
