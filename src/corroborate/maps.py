"""Maps of event counts by region, drawn as standalone SVG from shipped outlines.

The outlines (``data/outlines/outlines.json``, made by ``tools/outlines.py`` from Natural
Earth admin-1, public domain) are already projected and simplified, so drawing is string
building: nothing is fetched, no tile, font or script. Regions of ``places.yaml`` that the
source has no polygon for (North Korea's Nampo and Kaesong, which Natural Earth folds into
their neighbours) are drawn as marked points at the gazetteer's coordinates.

The SVG uses presentation attributes and classes only, never ``style``: the web app's
content security policy forbids inline styles.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

from . import vocab
from .errors import CorroborateError, MalformedInput

__all__ = [
    "CountryOutlines",
    "RegionOutline",
    "load_outlines",
    "region_map_svg",
    "regions_with_outlines",
]

log = logging.getLogger(__name__)

_TOP_KEYS = {"format", "source", "countries"}
_COUNTRY_KEYS = {"width", "height", "projection", "regions"}
_PROJECTION_KEYS = {"lon0", "lat0", "kx", "ky", "dx", "dy"}
_REGION_KEYS = {"code", "name", "path", "label"}
_REGION_OPTIONAL = {"source_name"}
_NUMBER = r"-?\d+(?:\.\d+)?"
_PATH = re.compile(rf"(?:M{_NUMBER}(?: {_NUMBER})+Z)+")
_ID = re.compile(r"[A-Za-z][\w-]*")

# Light to dark; the darkest class always takes the darkest colour.
_RAMP = ("#fde0c5", "#f6a57c", "#e4653f", "#b8322a", "#7a1419")
_NONE_FILL = "#eeeeee"
_STROKE = "#5a5a5a"
_LEGEND_WIDTH = 260
_BLANKS = "".join(map(chr, range(0x21)))  # C0 controls and space


@dataclass(frozen=True)
class RegionOutline:
    """One region's projected outline: SVG path data, where its number goes and how far
    that point is from the nearest edge (``room``, which sizes the number)."""

    code: str
    name: str
    path: str
    label: tuple[float, float]
    room: float


@dataclass(frozen=True)
class CountryOutlines:
    """A country's outlines in one equirectangular projection (SVG units, y down)."""

    country: str
    width: float
    height: float
    projection: Mapping[str, float]
    regions: tuple[RegionOutline, ...]

    def project(self, lat: float, lon: float) -> tuple[float, float]:
        p = self.projection
        return ((lon - p["lon0"]) * p["kx"] + p["dx"], (p["lat0"] - lat) * p["ky"] + p["dy"])


def load_outlines(path: Path | None = None) -> dict[str, CountryOutlines]:
    """Read and check an outline file (the shipped one by default), by country code.

    Raises ``MalformedInput`` naming the file and the fault: not JSON, an unknown or missing
    key, a region code ``places.yaml`` does not know for that country, a duplicate, a path
    that is not plain move/line/close data inside the frame.
    """
    if path is None:
        return dict(_shipped())
    origin = str(path)
    try:
        doc = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedInput(origin, f"cannot read outlines: {exc}") from exc
    return _parse(doc, origin)


@cache
def _shipped() -> dict[str, CountryOutlines]:
    source = resources.files("corroborate.data").joinpath("outlines/outlines.json")
    return _parse(json.loads(source.read_text("utf-8")), "corroborate.data/outlines")


def regions_with_outlines(country: str = "KP") -> list[tuple[str, str]]:
    """``(code, name)`` of every region of ``country`` that has a shipped outline."""
    outlines = _shipped().get(country)
    return [] if outlines is None else [(r.code, r.name) for r in outlines.regions]


def _parse(doc: Any, origin: str) -> dict[str, CountryOutlines]:
    def fail(reason: str) -> MalformedInput:
        return MalformedInput(origin, reason)

    if not isinstance(doc, dict):
        raise fail("outlines must be a JSON object")
    _keys(doc, _TOP_KEYS, set(), "file", fail)
    if doc["format"] != 1:
        raise fail(f"unknown outline format {doc['format']!r}")
    if not isinstance(doc["countries"], dict):
        raise fail("'countries' must be an object")
    known = _places_regions()
    return {country: _country(country, data, known, fail)
            for country, data in doc["countries"].items()}


def _country(country: str, data: Any, known: Mapping[str, str],
             fail: Callable[[str], MalformedInput]) -> CountryOutlines:
    if not isinstance(data, dict):
        raise fail(f"{country}: must be an object")
    _keys(data, _COUNTRY_KEYS, set(), country, fail)
    width, height = _number(data["width"], f"{country} width", fail), \
        _number(data["height"], f"{country} height", fail)
    projection = data["projection"]
    if not isinstance(projection, dict):
        raise fail(f"{country}: 'projection' must be an object")
    _keys(projection, _PROJECTION_KEYS, set(), f"{country} projection", fail)
    proj = {k: _number(v, f"{country} projection {k}", fail) for k, v in projection.items()}
    if not isinstance(data["regions"], list):
        raise fail(f"{country}: 'regions' must be a list")
    regions = [_region(country, r, known, (width, height), fail) for r in data["regions"]]
    codes = [r.code for r in regions]
    if len(set(codes)) != len(codes):
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        raise fail(f"{country}: duplicate region {', '.join(dupes)}")
    return CountryOutlines(country, width, height, proj, tuple(regions))


def _region(country: str, data: Any, known: Mapping[str, str], frame: tuple[float, float],
            fail: Callable[[str], MalformedInput]) -> RegionOutline:
    if not isinstance(data, dict):
        raise fail(f"{country}: every region must be an object")
    code = data.get("code")
    where = f"{country} region {code!r}"
    _keys(data, _REGION_KEYS, _REGION_OPTIONAL, where, fail)
    if known.get(str(code)) != country:
        raise fail(f"{where}: not a region of {country} in places.yaml")
    if not isinstance(data["name"], str) or not data["name"].strip():
        raise fail(f"{where}: 'name' must be a non-empty string")
    path, label = data["path"], data["label"]
    if not isinstance(path, str) or not _PATH.fullmatch(path):
        raise fail(f"{where}: 'path' must be SVG data of M ... Z rings with numbers only")
    points = [float(n) for n in re.findall(_NUMBER, path)]
    if not isinstance(label, list) or len(label) != 3:
        raise fail(f"{where}: 'label' must be [x, y, room]")
    x, y, room = (_number(v, f"{where} label", fail) for v in label)
    if not all(0 <= v <= frame[i % 2] for i, v in enumerate([*points, x, y])) or room < 0:
        raise fail(f"{where}: a point lies outside the {frame[0]:g} x {frame[1]:g} frame")
    return RegionOutline(str(code), data["name"], path, (x, y), room)


def _keys(data: Mapping[str, Any], required: set[str], optional: set[str], where: str,
          fail: Callable[[str], MalformedInput]) -> None:
    missing, unknown = required - data.keys(), data.keys() - required - optional
    if missing or unknown:
        raise fail(f"{where}: missing keys {sorted(missing)}, unknown keys {sorted(unknown)}")


def _number(value: Any, where: str, fail: Callable[[str], MalformedInput]) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise fail(f"{where}: must be a finite number, not {value!r}")
    return float(value)


def _places_regions() -> dict[str, str]:
    """Region code -> country code, from the gazetteer."""
    return {str(r["code"]): str(r["country"]) for r in vocab.read_data("places")["regions"]}


@dataclass(frozen=True)
class _Point:
    code: str
    name: str
    x: float
    y: float


def _unoutlined(outlines: CountryOutlines) -> list[_Point]:
    """Regions of the gazetteer without a polygon, at their own coordinates."""
    drawn = {r.code for r in outlines.regions}
    out = []
    for r in vocab.read_data("places")["regions"]:
        if r["country"] != outlines.country or r["code"] in drawn:
            continue
        x, y = outlines.project(float(r["lat"]), float(r["lon"]))
        out.append(_Point(str(r["code"]), str(r["name"]), x, y))
    return out


def _classes(top: int) -> list[tuple[int, int]]:
    """Inclusive count ranges of at most five classes, geometric so a few busy regions
    do not flatten the rest into one colour."""
    if top <= 0:
        return []
    if top <= len(_RAMP):
        return [(n, n) for n in range(1, top + 1)]
    steps = len(_RAMP)
    uppers = sorted({max(1, round(top ** (k / steps))) for k in range(1, steps)} | {top})
    return [(lo, hi) for lo, hi in zip([1] + [u + 1 for u in uppers], uppers, strict=False)]


def _fill(count: int, classes: list[tuple[int, int]]) -> str:
    if count <= 0:
        return _NONE_FILL
    offset = len(_RAMP) - len(classes)
    index = next(i for i, (_, hi) in enumerate(classes) if count <= hi)
    return _RAMP[offset + index]


def _ink(fill: str) -> str:
    """Dark text on light fills, white on dark ones."""
    r, g, b = (int(fill[i:i + 2], 16) for i in (1, 3, 5))
    return "#1a1a1a" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"


def _events(n: int) -> str:
    return f"{n} event" if n == 1 else f"{n} events"


def _safe_href(url: str) -> str:
    # Browsers drop tabs and newlines anywhere and blanks in front, so check what they see.
    seen = re.sub(r"[\t\n\r]", "", url).lstrip(_BLANKS)
    if urlsplit(seen).scheme.lower() not in ("", "http", "https"):
        raise CorroborateError(f"refusing map link {url!r}: only relative or http(s) links")
    return url


def region_map_svg(counts: Mapping[str, int], *, country: str = "KP",
                   href: Callable[[str], str] | None = None,
                   title: str = "Events by region", id_prefix: str = "region-map",
                   outlines: Mapping[str, CountryOutlines] | None = None) -> str:
    """A standalone, accessible SVG map of ``counts`` (region code -> events).

    Each outlined region is one ``<path>`` whose ``<title>`` reads "Name: N events",
    filled on a light-to-dark ramp (zero stays plain grey) with its count written on it;
    regions without an outline are marked circles. ``href(code)`` makes every region a
    link (only relative or http(s) URLs). ``id_prefix`` keeps ids unique when a page
    holds several maps. Counts for codes the map does not show are summed in ``<desc>``.
    """
    if not _ID.fullmatch(id_prefix):
        raise CorroborateError(f"map id prefix {id_prefix!r} is not a plain XML id")
    if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in counts.values()):
        raise CorroborateError("map counts must be whole numbers of zero or more")
    shapes = (outlines if outlines is not None else _shipped()).get(country)
    if shapes is None:
        raise CorroborateError(f"no region outlines for country {country!r}")
    points = _unoutlined(shapes)
    shown = [r.code for r in shapes.regions] + [p.code for p in points]
    classes = _classes(max((counts.get(c, 0) for c in shown), default=0))
    names = {r.code: r.name for r in shapes.regions} | {p.code: p.name for p in points}
    width = shapes.width + _LEGEND_WIDTH
    role = "group" if href is not None else "img"  # an img's links are hidden from readers
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {shapes.height:g}" '
        f'role="{role}" aria-labelledby="{id_prefix}-title" '
        f'aria-describedby="{id_prefix}-desc" class="region-map" '
        f'font-family="sans-serif">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(_describe(counts, shown, names))}</desc>',
        '<g class="region-map-regions">',
    ]
    for region in shapes.regions:
        parts += _region_svg(region, counts.get(region.code, 0), classes, href)
    for point in points:
        parts += _point_svg(point, counts.get(point.code, 0), classes, href)
    parts.append("</g>")
    parts += _legend(shapes.width + 20, classes, bool(points))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _describe(counts: Mapping[str, int], shown: list[str], names: Mapping[str, str]) -> str:
    listed = [f"{names[c]}: {_events(counts[c])}" for c in sorted(
        shown, key=lambda c: (-counts.get(c, 0), names[c])) if counts.get(c, 0)]
    text = "; ".join(listed) + "." if listed else "No events in any region shown."
    elsewhere = sum(n for c, n in counts.items() if c not in names)
    if elsewhere:
        text += f" {_events(elsewhere)} in places this map does not show."
    return text


def _linked(code: str, name: str, count: int, href: Callable[[str], str] | None,
            body: list[str]) -> Iterator[str]:
    if href is None:
        yield f'<g class="region-map-region" data-region={quoteattr(code)}>'
        yield from body
        yield "</g>"
        return
    label = quoteattr(f"{name}: {_events(count)}")
    yield (f'<a href={quoteattr(_safe_href(href(code)))} class="region-map-region" '
           f'data-region={quoteattr(code)} aria-label={label}>')
    yield from body
    yield "</a>"


def _region_svg(region: RegionOutline, count: int, classes: list[tuple[int, int]],
                href: Callable[[str], str] | None) -> list[str]:
    fill = _fill(count, classes)
    body = [f'<path d="{region.path}" fill="{fill}" stroke="{_STROKE}" stroke-width="1.5" '
            f'stroke-linejoin="round" fill-rule="evenodd">'
            f"<title>{escape(region.name)}: {_events(count)}</title></path>"]
    if count:
        # Sized to the room the region has; a halo in the region's colour keeps a number
        # that spills over a border readable.
        x, y = region.label
        size = max(16, min(30, round(region.room * 1.4)))
        body.append(f'<text x="{x:g}" y="{y:g}" text-anchor="middle" dominant-baseline="central" '
                    f'font-size="{size}" font-weight="bold" fill="{_ink(fill)}" '
                    f'stroke="{fill}" stroke-width="4" paint-order="stroke" '
                    f'aria-hidden="true">{count}</text>')
    return list(_linked(region.code, region.name, count, href, body))


def _point_svg(point: _Point, count: int, classes: list[tuple[int, int]],
               href: Callable[[str], str] | None) -> list[str]:
    body = [f'<circle cx="{point.x:.0f}" cy="{point.y:.0f}" r="11" '
            f'fill="{_fill(count, classes)}" stroke="#1a1a1a" stroke-width="3">'
            f"<title>{escape(point.name)}: {_events(count)}</title></circle>"]
    if count:
        body.append(f'<text x="{point.x + 16:.0f}" y="{point.y:.0f}" dominant-baseline="central" '
                    f'font-size="26" font-weight="bold" fill="#1a1a1a" stroke="#ffffff" '
                    f'stroke-width="5" paint-order="stroke" aria-hidden="true">{count}</text>')
    return list(_linked(point.code, point.name, count, href, body))


def _legend(x: float, classes: list[tuple[int, int]], with_points: bool) -> list[str]:
    rows = [(_NONE_FILL, "none")] + [
        (_fill(hi, classes), str(lo) if lo == hi else f"{lo}\u2013{hi}") for lo, hi in classes]
    out = ['<g class="region-map-legend" aria-hidden="true" font-size="26" fill="#1a1a1a">',
           f'<text x="{x:g}" y="40" font-weight="bold">Events</text>']
    for i, (fill, text) in enumerate(rows):
        y = 60 + i * 44
        out.append(f'<rect x="{x:g}" y="{y}" width="36" height="30" fill="{fill}" '
                   f'stroke="{_STROKE}"/>')
        out.append(f'<text x="{x + 48:g}" y="{y + 15}" dominant-baseline="central">{text}</text>')
    if with_points:
        y = 60 + len(rows) * 44 + 15
        out.append(f'<circle cx="{x + 18:g}" cy="{y}" r="11" fill="{_NONE_FILL}" '
                   f'stroke="#1a1a1a" stroke-width="3"/>')
        out.append(f'<text x="{x + 48:g}" y="{y}" dominant-baseline="central">city '
                   f'(no outline)</text>')
    out.append("</g>")
    return out
