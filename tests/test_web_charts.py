"""The timeline SVG: bars stacked in proportion, the commonest violations coloured, the
rest as "other", month labels that do not overlap, nothing when nothing is dated."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from corroborate.web.charts import OTHER, PALETTE, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"


def _bars(svg: str) -> list[tuple[str, float]]:
    root = ET.fromstring(svg)
    return [(rect.get("fill") or "", float(rect.get("height") or 0))
            for rect in root.iter(f"{SVG}rect")]


def test_bars_are_stacked_in_proportion_to_their_counts() -> None:
    svg, legend = timeline_svg([("2019-03", "killing", "killing", 3),
                                ("2019-03", "torture", "torture", 1),
                                ("2019-05", "torture", "torture", 2)])
    bars = _bars(str(svg))
    heights = {fill: h for fill, h in bars if fill == PALETTE[0]}
    assert len(bars) == 3
    killing = next(h for fill, h in bars if fill == PALETTE[0])
    torture = sorted(h for fill, h in bars if fill == PALETTE[1])
    assert heights and abs(killing - 3 * torture[0]) < 0.5
    assert abs(torture[1] - 2 * torture[0]) < 0.5
    # the commonest violation over the whole span gets the first colour
    assert legend[0] == ("killing", PALETTE[0])


def test_violations_past_the_palette_are_drawn_as_other() -> None:
    rows = [("2020-01", f"v{i}", f"violation {i}", 10 - i) for i in range(len(PALETTE) + 2)]
    _, legend = timeline_svg(rows)
    assert legend[-1] == ("other violations", OTHER)
    assert len(legend) == len(PALETTE) + 1


def test_month_labels_do_not_crowd_the_first_january() -> None:
    svg, _ = timeline_svg([("2014-11", "a", "A", 1), ("2020-09", "a", "A", 1)])
    labels = re.findall(r">(\d{4}-\d\d)</text>", str(svg))
    assert labels[0] == "2015-01" and "2014-11" not in labels
    svg, _ = timeline_svg([("2014-03", "a", "A", 1), ("2020-09", "a", "A", 1)])
    assert re.findall(r">(\d{4}-\d\d)</text>", str(svg))[0] == "2014-03"


def test_nothing_dated_draws_nothing_and_text_is_escaped() -> None:
    assert timeline_svg([("", "a", "A", 1)]) == ("", [])
    svg, legend = timeline_svg([("2019-01", "x", "<script>", 1)])
    assert "<script>" not in str(svg)
    assert legend == [("<script>", PALETTE[0])]  # escaped by the template that shows it
