"""What reaches a terminal or a spreadsheet from an input is inert there."""

from __future__ import annotations

import json

import pytest

from corroborate.text import json_line, safe, spreadsheet_cell


def test_safe_escapes_controls_and_bidi_overrides():
    assert safe("a\x1b[2Jb\x9b\u202ec") == "a\\x1b[2Jb\\x9b\\u202ec"


def test_json_lines_stay_valid_json_with_controls_escaped():
    record = {"title": "a\x1b[2J\x9b\u202e\u2066 ok", "n": 1, "é": "ü"}
    line = json_line(record)
    assert "\x1b" not in line and "\x9b" not in line and "\u202e" not in line
    assert "é" in line and "ü" in line  # readable text stays readable
    assert json.loads(line) == record


@pytest.mark.parametrize(("value", "shown"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("Hyesan", "Hyesan"), ("", ""), (5, 5),
])
def test_spreadsheet_cells_never_start_a_formula(value, shown):
    assert spreadsheet_cell(value) == shown
