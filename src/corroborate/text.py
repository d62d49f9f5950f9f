"""Text shown on a terminal: what came from an input never drives the terminal."""

from __future__ import annotations

import re

__all__ = ["safe"]

# C0 and C1 controls (ESC starts terminal escape sequences), DEL, and the bidirectional
# overrides that can make a file name read as another
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def safe(text: str) -> str:
    """``text`` with control characters escaped (``\\x1b``), lone surrogates too."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
