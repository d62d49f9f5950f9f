"""The crosswalk: corroborate's vocabularies mapped to other schemes (``data/crosswalk.yaml``).

    label("violations", "arbitrary_detention", "acled") == "Arrests"
"""

from __future__ import annotations

from functools import cache
from typing import Any

__all__ = ["SCHEMES", "label"]

SCHEMES = ("hrdsattack", "acled", "plover", "huridocs")


@cache
def _table() -> dict[str, dict[str, dict[str, str]]]:
    from .vocab import read_data  # here: SCHEMES alone (`corroborate --help`) needs no vocab

    data: dict[str, Any] = read_data("crosswalk")
    return {section: {str(k): dict(v or {}) for k, v in entries.items()}
            for section, entries in data.items()}


def label(section: str, value: str, scheme: str) -> str | None:
    """The scheme's label for one of our values, or None where the scheme has none."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}: one of {', '.join(SCHEMES)}")
    return _table().get(section, {}).get(value, {}).get(scheme)
