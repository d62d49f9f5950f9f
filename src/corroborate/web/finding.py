"""Finding things: search with facets, the review queue, the timeline and the map.

The page and its ``/api`` twin read the same query string: ``q``, the facets
(``violation``, ``perpetrator``, ``country``, ``region``, ``outlet``, ``status``, each
repeatable), ``min_origins``, ``from``, ``to``, ``order``, ``page``.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .. import search as finder
from ..maps import region_map_svg, regions_with_outlines
from ..vocab import load
from .charts import timeline_svg
from .common import render, signed_in, store
from .errors import WebError
from .pages import review_rows

__all__ = ["API_PATHS", "query_from", "routes"]

_FACET_TITLES = {"violation": "Violation", "perpetrator": "Perpetrator", "country": "Country",
                 "region": "Region", "outlet": "Outlet", "status": "Review status"}


def _number(request: Request, name: str, default: int | None) -> int | None:
    raw = request.query_params.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise WebError(400, f"{name} must be a whole number, not {raw!r}") from None
    if not 0 <= value <= 10**6:
        raise WebError(400, f"{name} must be between 0 and 1000000")
    return value


def query_from(request: Request, per_page: int = 25) -> finder.SearchQuery:
    """The search the query string asks for (a bad one: 400 with the reason)."""
    params = request.query_params
    try:
        return finder.SearchQuery(
            text=params.get("q", "").strip(),
            **{facet: tuple(v for v in params.getlist(facet) if v)
               for facet in finder.FACETS},
            min_origins=_number(request, "min_origins", None),
            date_from=params.get("from") or None, date_to=params.get("to") or None,
            page=_number(request, "page", 1) or 1, per_page=per_page,
            # newest first unless asked: the order a team reads what came in by (relevance
            # ranks windows of the newest 2,000 matches: docs/search.md, "Relevance")
            order=params.get("order") or "newest")
    except finder.SearchError as exc:
        raise WebError(400, str(exc)) from exc


def _marked(snippet: str) -> Markup:
    """A snippet with its matches in ``<mark>``; everything else escaped."""
    text = str(escape(snippet))
    return Markup(text.replace(finder.MARK_START, "<mark>").replace(finder.MARK_END,
                                                                    "</mark>"))


def _link(request: Request, **change: Any) -> str:
    """This page's address with some parameters changed (page reset unless given)."""
    pairs = [(k, v) for k, v in request.query_params.multi_items()
             if k not in change and k != "page"]
    for key, value in change.items():
        if isinstance(value, list | tuple):
            pairs += [(key, v) for v in value]
        elif value is not None:
            pairs.append((key, str(value)))
    return "?" + urlencode(pairs)


def _run(request: Request, query: finder.SearchQuery) -> finder.SearchPage:
    try:
        return finder.search(store(request), query)
    except finder.SearchError as exc:
        raise WebError(400, str(exc)) from exc


def search_page(request: Request) -> Response:
    signed_in(request)
    query = query_from(request)
    found = _run(request, query)
    pages = max(1, -(-found.total // query.per_page))
    return render(request, "search.html", {
        "page_title": "Search", "query": query, "found": found, "pages": pages,
        "snippets": [_marked(h.snippet) for h in found.hits],
        "titles": _FACET_TITLES, "orders": finder.ORDERS,
        "page_link": lambda n: _link(request, page=n)})


def _hit_json(hit: finder.Hit) -> dict[str, Any]:
    out = asdict(hit)
    out["snippet"] = hit.snippet.replace(finder.MARK_START, "[").replace(finder.MARK_END, "]")
    return out


def search_api(request: Request) -> Response:
    signed_in(request)
    query = query_from(request, per_page=_number(request, "per_page", 25) or 25)
    found = _run(request, query)
    return JSONResponse({
        "total": found.total, "page": found.page, "per_page": found.per_page,
        "hits": [_hit_json(h) for h in found.hits],
        "facets": {k: [asdict(v) for v in vs] for k, vs in found.facets.items()}})


def _queue(request: Request) -> finder.SearchPage:
    page = _number(request, "page", 1) or 1
    mine = request.query_params.get("mine") == "1"
    who = signed_in(request)
    try:
        return finder.review_queue(store(request), page, 10, who.user if mine else None)
    except finder.SearchError as exc:
        raise WebError(400, str(exc)) from exc


def review_page(request: Request) -> Response:
    found = _queue(request)
    collection = store(request)
    items = [{"hit": hit, "fields": review_rows(collection, hit.report_id, hit.published)}
             for hit in found.hits]
    return render(request, "review.html", {
        "page_title": "Review", "found": found, "items": items,
        "pages": max(1, -(-found.total // found.per_page)),
        "mine": request.query_params.get("mine") == "1",
        "back": "/review" + (f"?{request.url.query}" if request.url.query else ""),
        "decided": request.query_params.get("decided")})


def review_api(request: Request) -> Response:
    found = _queue(request)
    return JSONResponse({"total": found.total, "page": found.page,
                         "per_page": found.per_page,
                         "hits": [_hit_json(h) for h in found.hits]})


def timeline_page(request: Request) -> Response:
    signed_in(request)
    query = query_from(request)
    rows = finder.timeline(store(request), query)
    svg, legend = timeline_svg(rows)
    months: dict[str, int] = {}
    for month, _, _, count in rows:
        months[month] = months.get(month, 0) + count
    return render(request, "timeline.html", {
        "page_title": "Timeline", "svg": svg, "legend": legend, "rows": rows,
        "months": sorted(months.items()), "query": query})


def timeline_api(request: Request) -> Response:
    signed_in(request)
    rows = finder.timeline(store(request), query_from(request))
    return JSONResponse({"months": [{"month": m, "violation": v, "label": lab, "events": n}
                                    for m, v, lab, n in rows]})


def map_page(request: Request) -> Response:
    signed_in(request)
    query = query_from(request)
    counts = finder.by_region(store(request), query)
    country = request.query_params.get("map", "KP")
    if not regions_with_outlines(country):
        raise WebError(400, f"no outlines for {country!r}: KP, KR or CN")
    svg = region_map_svg(counts, country=country,
                         href=lambda code: "/search" + _link(request, region=code),
                         title="Events by province")
    regions = load("regions")
    names = {code: regions[code].label for code in counts if code in regions.terms}
    return render(request, "map.html", {
        "page_title": "Map", "svg": Markup(svg), "query": query, "names": names,
        "counts": sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))})


def regions_api(request: Request) -> Response:
    signed_in(request)
    return JSONResponse({"regions": finder.by_region(store(request), query_from(request))})


_QUERY = ("q", "violation", "perpetrator", "country", "region", "outlet", "status",
          "min_origins", "from", "to")


def _get(summary: str, *params: str) -> dict[str, Any]:
    from .api import _op

    return {"get": _op(summary, params)}


API_PATHS: dict[str, dict[str, Any]] = {
    "/api/search": _get("Reports by full text and facets, with facet counts",
                        *_QUERY, "order", "page", "per_page"),
    "/api/review/queue": _get("Reports with unreviewed values, lowest confidence and most "
                              "consequential first", "page", "mine"),
    "/api/timeline": _get("Events per month and violation", *_QUERY),
    "/api/regions": _get("Events per region", *_QUERY),
}


def routes() -> list[BaseRoute]:
    return [Route("/search", search_page), Route("/api/search", search_api),
            Route("/review", review_page), Route("/api/review/queue", review_api),
            Route("/timeline", timeline_page), Route("/api/timeline", timeline_api),
            Route("/map", map_page), Route("/api/regions", regions_api)]
