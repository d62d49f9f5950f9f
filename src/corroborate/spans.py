"""Spans of text found by several matchers, reduced to the ones a reader would keep."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar

__all__ = ["without_overlaps"]


class _Span(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


S = TypeVar("S", bound=_Span)


def without_overlaps(spans: Iterable[S]) -> list[S]:
    """Left to right, the longest span at each start, dropping spans that overlap a kept one."""
    kept: list[S] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return kept
