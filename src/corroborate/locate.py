"""Locate: where each paragraph of the cleaned text of an HTML page stands in its source.

``Report.segments`` map offsets in the cleaned text back to the captured document, so that
evidence can be shown where it was read. A paragraph is mapped where it stands verbatim
in the page source (one with an entity or an inline tag inside is not, and is left
unmapped); an index of word-start keys keeps the search linear on big pages of such
paragraphs.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from .model import Segment

__all__ = ["locate"]


def locate(text: str, source: str) -> tuple[Segment, ...]:
    """Find each paragraph of the extracted text in the HTML source, where it stands verbatim:
    its first occurrence at or after the end of the last paragraph found."""
    paras = text.split("\n\n")
    finder = _Finder(source, paras)
    segments: list[Segment] = []
    cursor = 0
    offset = 0
    for para in paras:
        found = finder.find(para, cursor)
        if found >= 0:
            segments.append(Segment(offset, offset + len(para), found))
            cursor = found + len(para)
        offset += len(para) + 2
    return tuple(segments)


# A paragraph with an entity or an inline tag inside is not in the source verbatim, and
# str.find looked for it up to the end of the source: quadratic on big pages of such
# paragraphs (1.6 MB, 16k paragraphs: 5.4 s). Plain searches go on until they have scanned
# _PLAIN_BUDGET times the source, about what building the index costs (on the benchmark
# pages a failed str.find takes 0.3 ns a character, the index 80 ns), so ordinary pages
# never build one; then the index answers what str.find would, and a plain search is left
# to paragraphs without an anchor and to anchors too common to be cheaper.
_PLAIN_BUDGET = 300
# checking a candidate in Python (~100 ns) costs about as much as this many characters of
# str.find
_CANDIDATE_COST = 300
_WORD_START = re.compile(r"(?<!\w)\w")
_LONG_KEY = 16
_MIN_KEY = 3  # a shorter key (a figure, an initial) stands almost everywhere


class _Finder:
    """``source.find(para, start)`` for the paragraphs given, searched in any order but with
    ``start`` never decreasing. ``budget``: how many times the source plain searches may scan
    before the index is built (0: at the first search)."""

    def __init__(self, source: str, paras: list[str], budget: int = _PLAIN_BUDGET) -> None:
        self._source = source
        self._paras = paras
        self._budget = budget * len(source)
        self._index: _AnchorIndex | None = None
        # para -> (start, answer): the first occurrence from start is the first from any
        # later start not past it, and none from start is none later (a caption, list item
        # or table cell repeated down the page is searched once)
        self._answers: dict[str, tuple[int, int]] = {}

    def find(self, para: str, start: int) -> int:
        known = self._answers.get(para)
        if known is not None and known[0] <= start and (known[1] < 0 or known[1] >= start):
            return known[1]
        found = self._search(para, start)
        self._answers[para] = (start, found)
        return found

    def _search(self, para: str, start: int) -> int:
        if self._index is None and self._budget <= 0:
            self._index = _AnchorIndex(self._source, self._paras)
        if self._index is not None:
            found = self._index.find(para, start)
            if found is not None:
                return found
        found = self._source.find(para, start)
        self._budget -= (found if found >= 0 else len(self._source)) - start
        return found


def _anchors(para: str) -> list[tuple[int, str]]:
    """Where a paragraph's keys stand in it, as (offset, key): a key is text from the start
    of a word. Three keys of 16 characters (the first, middle and last that fit: few keys
    keep the index small, and one of three is likely rare), or in a short paragraph (a list
    item, a table cell) its longest key, from its first word start to its end.

    Whether a word starts at offset j > 0 depends on characters j - 1 and j only, both in
    the paragraph, so wherever the paragraph stands in the source a word starts at j there
    too, with the same key. (At offset 0 the source may continue a word.)
    """
    starts = [m.start() for m in _WORD_START.finditer(para) if m.start()]
    fits = [j for j in starts if j + _LONG_KEY <= len(para)]
    if fits:
        picks = sorted({fits[0], fits[len(fits) // 2], fits[-1]})
        return [(j, para[j:j + _LONG_KEY]) for j in picks]
    if starts and len(para) - starts[0] >= _MIN_KEY:
        return [(starts[0], para[starts[0]:])]
    return []


def _key_positions(source: str, keys: dict[str, list[int]]) -> None:
    """Append to each key's list where it stands in the source at a word start: one pass in
    order, so every list comes out sorted. Keys shorter than 16 are looked up by their
    first three characters, to try only the lengths that some key of that head has."""
    sizes: dict[str, set[int]] = {}
    for key in keys:
        if len(key) < _LONG_KEY:
            sizes.setdefault(key[:_MIN_KEY], set()).add(len(key))
    for m in _WORD_START.finditer(source):
        q = m.start()
        text = source[q:q + _LONG_KEY]
        found = keys.get(text)
        if found is not None and len(text) == _LONG_KEY:
            found.append(q)
        for size in sizes.get(text[:_MIN_KEY], ()):
            found = keys.get(text[:size])
            if found is not None and len(text) >= size:
                found.append(q)


class _AnchorIndex:
    """For each paragraph, its anchors as (offset, sorted source positions of the key)."""

    def __init__(self, source: str, paras: list[str]) -> None:
        self._source = source
        keyed = {para: _anchors(para) for para in set(paras)}
        keys: dict[str, list[int]] = {k: [] for anchors in keyed.values() for _, k in anchors}
        _key_positions(source, keys)
        self._anchors = {para: [(j, keys[k]) for j, k in anchors]
                         for para, anchors in keyed.items()}

    def find(self, para: str, start: int) -> int | None:
        """``source.find(para, start)``, or None when a plain search is the cheaper way (no
        anchor, or too many candidates).

        Every occurrence of the paragraph at p >= start has each anchor's key at p + j, so
        the positions of the rarest key from start + j, in order, are the candidates."""
        choices = [(j, positions, bisect_left(positions, start + j))
                   for j, positions in self._anchors.get(para, ())]
        if not choices:
            return None
        j, positions, i = min(choices, key=lambda c: len(c[1]) - c[2])
        if (len(positions) - i) * _CANDIDATE_COST > len(self._source) - start:
            return None
        for k in range(i, len(positions)):
            if self._source.startswith(para, positions[k] - j):
                return positions[k] - j
        return -1
