"""Text shown on a terminal: what came from an input never drives the terminal."""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["json_line", "safe", "spreadsheet_cell"]

# C0 and C1 controls (ESC starts terminal escape sequences), DEL, and the bidirectional
# overrides that can make a file name read as another
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(text: str) -> str:
    """``text`` with control characters escaped (``\\x1b``), lone surrogates too."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def json_line(obj: Any) -> str:
    """One JSON object on one line, readable (``ensure_ascii=False``) but with the controls
    ``safe`` escapes written as JSON escapes (``\\u009b``): still valid JSON, and inert."""
    text = json.dumps(obj, ensure_ascii=False)
    return _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# what a spreadsheet program reads as the start of a formula
_FORMULA = re.compile(r"^[=+\-@\t\r]")


def spreadsheet_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: a string that would start a formula
    ("=HYPERLINK(...)", "+1", "@SUM") gets a leading apostrophe (OWASP's advice)."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value
