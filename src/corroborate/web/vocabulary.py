"""The vocabularies page: the collection's overlay on the shipped vocabularies.

Everyone signed in sees the overlay and can look terms up; only an admin adds an alias or
a term, or withdraws one (corroborate.overlay checks it again). Changes apply to the next
extraction (an ingest, or ``corroborate reprocess`` for what is already held).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from .. import overlay
from ..errors import CollectionBusy, CorroborateError
from .common import check_csrf, render, signed_in, store
from .errors import WebError

__all__ = ["routes"]


def page(request: Request) -> Response:
    signed_in(request)
    collection = store(request)
    vocabulary = request.query_params.get("vocabulary", "places")
    if vocabulary not in overlay.VOCABULARIES:
        raise WebError(400, f"unknown vocabulary {vocabulary!r}")
    looked_for = request.query_params.get("find", "").strip()
    found = overlay.find_terms(collection, vocabulary, looked_for) if looked_for else []
    return render(request, "vocabulary.html", {
        "page_title": "Vocabularies", "entries": overlay.entries(collection),
        "vocabularies": overlay.VOCABULARIES, "vocabulary": vocabulary,
        "find": looked_for, "found": found, "done": request.query_params.get("done")})


def _attrs(text: str) -> dict[str, Any]:
    """``key=value`` lines (or ``;``-separated pairs) as attributes."""
    attrs: dict[str, Any] = {}
    for pair in text.replace(";", "\n").splitlines():
        if not pair.strip():
            continue
        key, sep, value = pair.partition("=")
        if not sep:
            raise WebError(400, f"attributes are key=value pairs, not {pair.strip()!r}")
        attrs[key.strip()] = value.strip()
    return attrs


async def change(request: Request) -> Response:
    who = signed_in(request)
    form = await request.form(max_files=0, max_fields=20)
    check_csrf(request, who, form)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    if not who.is_admin:
        raise WebError(403, f"{who.user} is a {who.role}: only admins change vocabularies")
    what = request.path_params["what"]

    def apply() -> str:
        collection = store(request)  # this thread's connection
        if what == "alias":
            entry = overlay.add_alias(collection, fields.get("vocabulary", ""),
                                      fields.get("term_id", ""), fields.get("alias", ""),
                                      who.user, fields.get("note", ""))
            return f"alias {entry.alias!r} added to {entry.term_id}"
        if what == "term":
            aliases = [a.strip() for a in fields.get("aliases", "").split(",") if a.strip()]
            entry = overlay.add_term(collection, fields.get("vocabulary", ""),
                                     fields.get("term_id", ""), fields.get("label", ""),
                                     aliases, _attrs(fields.get("attrs", "")), who.user,
                                     fields.get("note", ""))
            return f"term {entry.term_id} added"
        try:
            number = int(fields.get("number", ""))
        except ValueError:
            raise WebError(400, "which entry? (its number)") from None
        entry = overlay.remove(collection, number, who.user)
        return f"entry {entry.number} withdrawn"

    if what not in ("alias", "term", "remove"):
        raise WebError(404, "no such change")
    try:
        done = await run_in_threadpool(apply)
    except CollectionBusy:
        raise
    except CorroborateError as exc:
        raise WebError(400, str(exc)) from exc
    return RedirectResponse("/vocabulary?" + _query(done), 303)


def _query(done: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"done": done})


def routes() -> list[BaseRoute]:
    return [Route("/vocabulary", page),
            Route("/vocabulary/{what}", change, methods=["POST"])]
