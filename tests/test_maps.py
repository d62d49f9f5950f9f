"""Shipped region outlines and the SVG map of event counts drawn from them."""

from __future__ import annotations

import copy
import json
import re
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from corroborate import maps, vocab
from corroborate.errors import CorroborateError, MalformedInput
from corroborate.places import find_places

from .helpers import text_report

SVG = "{http://www.w3.org/2000/svg}"
SHIPPED = resources.files("corroborate.data").joinpath("outlines/outlines.json")


def _gazetteer(country: str | None = None) -> dict[str, dict[str, Any]]:
    return {str(r["code"]): r for r in vocab.read_data("places")["regions"]
            if country is None or r["country"] == country}


def _shipped_doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(SHIPPED.read_text("utf-8"))
    return doc


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _by_region(root: ET.Element) -> dict[str, ET.Element]:
    """The <g> or <a> of each region, by its code."""
    return {el.attrib["data-region"]: el for el in root.iter()
            if "data-region" in el.attrib}


def _luminance(fill: str) -> float:
    r, g, b = (int(fill[i:i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b


def _rings(path: str) -> list[list[tuple[float, float]]]:
    out = []
    for ring in re.findall(r"M([^MZ]*)Z", path):
        n = [float(v) for v in ring.split()]
        out.append(list(zip(n[::2], n[1::2], strict=True)))
    return out


def _inside(point: tuple[float, float], path: str) -> bool:
    x, y = point
    inside = False
    for ring in _rings(path):
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
    return inside


# --- the shipped file ---------------------------------------------------------------------

def test_every_outline_is_a_region_of_the_gazetteer_of_its_country() -> None:
    gazetteer = _gazetteer()
    outlines = maps.load_outlines()
    assert outlines
    for country, shapes in outlines.items():
        for region in shapes.regions:
            assert region.code in gazetteer, region.code
            assert gazetteer[region.code]["country"] == country


def test_north_korea_has_an_outline_for_every_province_but_nampo_and_kaesong() -> None:
    # Natural Earth folds Nampo into South Pyongan and Kaesong into North Hwanghae: the map
    # marks those two as points (tested below). Any other gap is a regression.
    outlined = {code for code, _ in maps.regions_with_outlines("KP")}
    assert set(_gazetteer("KP")) - outlined == {"KP-14", "KP-15"}
    assert outlined <= set(_gazetteer("KP"))


@pytest.mark.parametrize("country", ["KR", "CN"])
def test_neighbours_are_covered_whole(country: str) -> None:
    assert {code for code, _ in maps.regions_with_outlines(country)} == set(_gazetteer(country))


def test_regions_with_outlines_names_them_as_the_file_does() -> None:
    doc = _shipped_doc()["countries"]["KP"]["regions"]
    assert maps.regions_with_outlines("KP") == [(r["code"], r["name"]) for r in doc]
    assert maps.regions_with_outlines("ZZ") == []


def test_each_province_holds_its_own_gazetteer_point_and_label() -> None:
    # Checks the projection and the name matching together: the gazetteer's centre of a
    # province must fall inside the outline given that province's code.
    shapes = maps.load_outlines()["KP"]
    gazetteer = _gazetteer("KP")
    for region in shapes.regions:
        entry = gazetteer[region.code]
        assert _inside(shapes.project(entry["lat"], entry["lon"]), region.path), region.code
        assert _inside(region.label, region.path), region.code


def test_the_shipped_file_is_small() -> None:
    assert len(SHIPPED.read_bytes()) < 150_000


# --- drawing -------------------------------------------------------------------------------

def test_the_svg_parses_with_one_path_per_outlined_region() -> None:
    root = _parse(maps.region_map_svg({"KP-09": 4}))
    assert root.tag == f"{SVG}svg"
    assert root.attrib["role"] == "img"
    paths = list(root.iter(f"{SVG}path"))
    assert len(paths) == len(maps.regions_with_outlines("KP"))
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None


def test_counts_appear_in_titles_labels_and_description() -> None:
    counts = {"KP-09": 17, "KP-10": 4, "KP-01": 1}
    root = _parse(maps.region_map_svg(counts))
    regions = _by_region(root)
    titles = {code: el.find(f"{SVG}path/{SVG}title") for code, el in regions.items()}
    assert titles["KP-09"] is not None and titles["KP-09"].text == "North Hamgyong: 17 events"
    assert titles["KP-01"] is not None and titles["KP-01"].text == "Pyongyang: 1 event"
    assert titles["KP-05"] is not None and titles["KP-05"].text == "South Hwanghae: 0 events"
    for code, n in counts.items():
        assert [t.text for t in regions[code].iter(f"{SVG}text")] == [str(n)]
    assert not list(regions["KP-05"].iter(f"{SVG}text"))
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text is not None
    assert desc.text.startswith("North Hamgyong: 17 events; Ryanggang: 4 events")


def test_a_region_with_events_is_darker_than_one_without() -> None:
    regions = _by_region(_parse(maps.region_map_svg({"KP-09": 3})))
    busy = regions["KP-09"].find(f"{SVG}path")
    quiet = regions["KP-02"].find(f"{SVG}path")
    assert busy is not None and quiet is not None
    assert _luminance(busy.attrib["fill"]) < _luminance(quiet.attrib["fill"])


def test_more_events_never_means_a_lighter_fill() -> None:
    codes = [code for code, _ in maps.regions_with_outlines("KP")]
    steps = [0, 1, 2, 5, 10, 20, 50, 100, 200, 400, 700]  # classes: 1-4 5-18 19-51 52-189 ...
    counts = dict(zip(codes, steps, strict=True))
    regions = _by_region(_parse(maps.region_map_svg(counts)))
    fills = []
    for code in codes:
        path = regions[code].find(f"{SVG}path")
        assert path is not None
        fills.append(_luminance(path.attrib["fill"]))
    assert fills == sorted(fills, reverse=True)
    assert len(set(fills)) == 6  # plain grey and all five classes of the ramp


@pytest.mark.parametrize("top", [1, 2, 4, 30])
def test_the_busiest_region_is_as_dark_whatever_its_count(top: int) -> None:
    def busiest_fill(counts: dict[str, int]) -> str:
        path = _by_region(_parse(maps.region_map_svg(counts)))["KP-09"].find(f"{SVG}path")
        assert path is not None
        return path.attrib["fill"]

    assert busiest_fill({"KP-09": top, "KP-01": 1}) == busiest_fill({"KP-09": 700})


def test_the_legend_covers_the_highest_count() -> None:
    root = _parse(maps.region_map_svg({"KP-09": 250, "KP-03": 1}))
    legend = next(el for el in root.iter() if el.attrib.get("class") == "region-map-legend")
    texts = [t.text or "" for t in legend.iter(f"{SVG}text")]
    assert texts[:3] == ["Events", "none", "1\u20133"]
    assert texts[-2].endswith("\u2013250")


def test_with_no_events_every_region_is_plain() -> None:
    root = _parse(maps.region_map_svg({}))
    fills = {p.attrib["fill"] for p in root.iter(f"{SVG}path")}
    assert len(fills) == 1
    assert not [t for t in root.iter(f"{SVG}text") if t.text and t.text.isdigit()]


def test_provinces_without_an_outline_are_marked_points_with_their_count() -> None:
    regions = _by_region(_parse(maps.region_map_svg({"KP-14": 6})))
    nampo, kaesong = regions["KP-14"], regions["KP-15"]
    title = nampo.find(f"{SVG}circle/{SVG}title")
    assert title is not None and title.text == "Nampo: 6 events"
    assert [t.text for t in nampo.iter(f"{SVG}text")] == ["6"]
    assert kaesong.find(f"{SVG}circle") is not None
    # Natural Earth puts Nampo inside South Pyongan: the point must land there.
    shapes = maps.load_outlines()["KP"]
    circle = nampo.find(f"{SVG}circle")
    assert circle is not None
    south_pyongan = next(r for r in shapes.regions if r.code == "KP-02")
    assert _inside((float(circle.attrib["cx"]), float(circle.attrib["cy"])), south_pyongan.path)


def test_counts_the_map_cannot_show_are_summed_in_the_description() -> None:
    root = _parse(maps.region_map_svg({"KP-09": 2, "KP": 5, "CN-JL": 4}))
    desc = root.find(f"{SVG}desc")
    assert desc is not None and desc.text == (
        "North Hamgyong: 2 events. 9 events in places this map does not show.")


def test_links_are_escaped_and_the_map_becomes_a_group() -> None:
    def href(code: str) -> str:
        return f'/search?region={code}&q="<b>"'

    svg = maps.region_map_svg({"KP-01": 2}, href=href)
    assert '"<b>"' not in svg and "&amp;q=" in svg
    root = _parse(svg)
    assert root.attrib["role"] == "group"  # links inside role="img" are hidden from readers
    links = [el for el in root.iter(f"{SVG}a")]
    assert len(links) == len(_gazetteer("KP"))
    by_code = {a.attrib["data-region"]: a for a in links}
    assert by_code["KP-01"].attrib["href"] == '/search?region=KP-01&q="<b>"'
    assert by_code["KP-01"].attrib["aria-label"] == "Pyongyang: 2 events"


@pytest.mark.parametrize("bad", ["javascript:alert(1)", " JavaScript:alert(1)",
                                 "java\tscript:alert(1)", "data:text/html,x"])
def test_links_that_run_code_are_refused(bad: str) -> None:
    with pytest.raises(CorroborateError, match="refusing map link"):
        maps.region_map_svg({}, href=lambda code: bad)


def test_titles_and_names_are_escaped(tmp_path: Path) -> None:
    doc = _shipped_doc()
    doc["countries"]["KP"]["regions"][0]["name"] = 'Pyong<yang> & "co"'
    path = tmp_path / "outlines.json"
    path.write_text(json.dumps(doc), "utf-8")
    svg = maps.region_map_svg({"KP-01": 1}, title="Events <2024> & after",
                              outlines=maps.load_outlines(path))
    root = _parse(svg)
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "Events <2024> & after"
    region = _by_region(root)["KP-01"].find(f"{SVG}path/{SVG}title")
    assert region is not None and region.text == 'Pyong<yang> & "co": 1 event'


def test_no_inline_style_or_script_anywhere() -> None:
    svg = maps.region_map_svg({"KP-09": 3, "KP-14": 1}, href=lambda c: f"/search?region={c}")
    for el in _parse(svg).iter():
        assert "style" not in el.attrib, el.tag
        assert el.tag not in (f"{SVG}style", f"{SVG}script", f"{SVG}foreignObject")
        assert not [a for a in el.attrib if a.startswith("on")], el.tag


def test_ids_are_prefixed_for_pages_with_several_maps() -> None:
    root = _parse(maps.region_map_svg({}, id_prefix="kp-map"))
    assert root.attrib["aria-labelledby"] == "kp-map-title"
    with pytest.raises(CorroborateError, match="id prefix"):
        maps.region_map_svg({}, id_prefix='x" onload="y')


def test_bad_counts_and_unknown_countries_are_refused() -> None:
    with pytest.raises(CorroborateError, match="whole numbers"):
        maps.region_map_svg({"KP-01": -1})
    with pytest.raises(CorroborateError, match="no region outlines"):
        maps.region_map_svg({}, country="ZZ")


def test_other_countries_draw_too() -> None:
    root = _parse(maps.region_map_svg({"CN-JL": 3, "CN-LN": 1}, country="CN"))
    regions = _by_region(root)
    title = regions["CN-JL"].find(f"{SVG}path/{SVG}title")
    assert title is not None and title.text == "Jilin: 3 events"
    assert len(list(root.iter(f"{SVG}path"))) == len(_gazetteer("CN"))


def test_regions_found_in_reports_are_drawn_with_their_counts() -> None:
    # From extraction to the map: the region codes places.py gives are the map's codes.
    texts = ["Border guards in Hyesan detained four traders last week, a source said.",
             "Police in Hyesan confiscated phones from students, a resident reported.",
             "Security agents in Chongjin questioned two workers about a video."]
    counts: dict[str, int] = {}
    for i, text in enumerate(texts):
        facts = find_places(text_report(text, id=f"r{i}"))
        for code in {f.attrs["region"] for f in facts if f.attrs.get("region")}:
            counts[code] = counts.get(code, 0) + 1
    assert counts == {"KP-10": 2, "KP-09": 1}
    regions = _by_region(_parse(maps.region_map_svg(counts)))
    for code, n in counts.items():
        assert [t.text for t in regions[code].iter(f"{SVG}text")] == [str(n)]


# --- a damaged outline file is refused ------------------------------------------------------

def _region(doc: dict[str, Any], i: int = 0) -> dict[str, Any]:
    region: dict[str, Any] = doc["countries"]["KP"]["regions"][i]
    return region


def _spoil_unknown_key(doc: dict[str, Any]) -> None:
    _region(doc)["colour"] = "red"


def _spoil_missing_key(doc: dict[str, Any]) -> None:
    del _region(doc)["path"]


def _spoil_unknown_code(doc: dict[str, Any]) -> None:
    _region(doc)["code"] = "KP-99"


def _spoil_other_country(doc: dict[str, Any]) -> None:
    _region(doc)["code"] = "CN-JL"


def _spoil_duplicate(doc: dict[str, Any]) -> None:
    doc["countries"]["KP"]["regions"].append(copy.deepcopy(_region(doc)))


def _spoil_path(doc: dict[str, Any]) -> None:
    _region(doc)["path"] = 'M0 0 10 10Z" onload="alert(1)'


def _spoil_outside(doc: dict[str, Any]) -> None:
    _region(doc)["label"] = [5000, 10, 3]


def _spoil_top(doc: dict[str, Any]) -> None:
    doc["licence"] = "?"


def _spoil_projection(doc: dict[str, Any]) -> None:
    doc["countries"]["KP"]["projection"]["kx"] = "wide"


@pytest.mark.parametrize(("spoil", "message"), [
    (_spoil_unknown_key, "unknown keys \\['colour'\\]"),
    (_spoil_missing_key, "missing keys \\['path'\\]"),
    (_spoil_unknown_code, "'KP-99': not a region of KP in places.yaml"),
    (_spoil_other_country, "'CN-JL': not a region of KP"),
    (_spoil_duplicate, "duplicate region KP-01"),
    (_spoil_path, "'path' must be SVG data"),
    (_spoil_outside, "outside the 1000 x"),
    (_spoil_top, "file: missing keys \\[\\], unknown keys \\['licence'\\]"),
    (_spoil_projection, "projection kx: must be a finite number"),
])
def test_a_malformed_outline_file_is_refused(tmp_path: Path, spoil: Any, message: str) -> None:
    doc = _shipped_doc()
    maps.load_outlines(_write(tmp_path, doc))  # the unspoilt copy loads
    spoil(doc)
    path = _write(tmp_path, doc)
    with pytest.raises(MalformedInput, match=message) as caught:
        maps.load_outlines(path)
    assert caught.value.origin == str(path)


def test_an_outline_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "outlines.json"
    path.write_text('{"format": 1, "countries": {', "utf-8")
    with pytest.raises(MalformedInput, match="cannot read outlines"):
        maps.load_outlines(path)
    with pytest.raises(MalformedInput, match="cannot read outlines"):
        maps.load_outlines(tmp_path / "absent.json")


def _write(tmp_path: Path, doc: dict[str, Any]) -> Path:
    path = tmp_path / "outlines.json"
    path.write_text(json.dumps(doc), "utf-8")
    return path
