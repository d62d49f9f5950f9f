"""Case-insensitive regexes read off a text's lower case, case-sensitively.

Python's regex engine, trying an alternation of words, skips at once an alternative whose
first character differs from the text's only when it compares characters exactly; ignoring
case, it enters each alternative. A case-insensitive alternation of many words is about
twice as fast as the same alternation in lower case run over the text's lower case.

The two find the same matches where the text's lower case is as long as the text (no
letter lowers to two: İ) and the text holds none of :data:`FOLDS` (letters outside ASCII
that a case-insensitive regex takes for an ASCII letter although their lower case is
another: ı, ſ), and the pattern holds no letter outside ASCII and does not tell case apart
in a part (:func:`lowered_source` checks each pattern; tests/test_folding.py checks the
matches). :class:`Folded` wraps a compiled regex so that callers need not know.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

__all__ = ["FOLDS", "Folded", "Screened", "folds", "lowered_source"]

# the letters other than A-Z that a case-insensitive regex takes for one (İ, ı, ſ; the
# Kelvin sign lowers to "k" and is found as it is)
FOLDS = "\u0130\u0131\u017f"


def folds(text: str) -> bool:
    """Whether ``text`` holds one of :data:`FOLDS`. (Three substring searches: an eighth of
    a regex's time for the three as a character set, which every reader of a report's
    text asks about.)"""
    return "\u0130" in text or "\u0131" in text or "\u017f" in text


def reads_lower(text: str, low: str) -> bool:
    """Whether ``low`` (``text.lower()``) finds what ``text`` finds ignoring case."""
    return len(low) == len(text) and not folds(text)


class Folded:
    """A case-insensitive regex (``re.IGNORECASE``, or a pattern wholly inside ``(?i:...)``)
    whose searches run over the text's lower case where that finds the same; the matches
    it gives are the regex's own, read in the text (the same span, groups in the text's
    case), so callers use it as they would the regex."""

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex
        pattern, flags = regex.pattern, regex.flags
        if not flags & re.IGNORECASE and _wholly_ignoring_case(pattern):
            pattern, flags = pattern[4:-1], flags | re.IGNORECASE
        # ignoring case in ASCII only, the Kelvin sign is not a k: its lower case is
        source = lowered_source(pattern) \
            if flags & re.IGNORECASE and not flags & _NOT_UNICODE else None
        self.lowered = None if source is None else re.compile(
            source, flags & ~(re.IGNORECASE | re.UNICODE))

    def search(self, text: str, pos: int = 0, endpos: int | None = None
               ) -> re.Match[str] | None:
        end = len(text) if endpos is None else endpos
        if self.lowered is None or not reads_lower(text, low := text.lower()):
            return self.regex.search(text, pos, end)
        found = self.lowered.search(low, pos, end)
        return None if found is None else self.regex.match(text, found.start(), end)

    def finditer(self, text: str, low: str | None = None) -> Iterator[re.Match[str]]:
        low = text.lower() if low is None and self.lowered is not None else low
        if self.lowered is None or low is None or not reads_lower(text, low):
            yield from self.regex.finditer(text)
            return
        for found in self.lowered.finditer(low):
            match = self.regex.match(text, found.start())
            if match is not None:  # always (the two find the same); typed so
                yield match


class Screened:
    """A regex tried only where a looser one, read off the text's lower case, says a match
    may begin: for a regex that ignores case in part, which :class:`Folded` cannot read
    off the lower case. ``looser`` must match (case-sensitively, in the lower case)
    wherever the regex matches, and the regex must never match an empty string; then
    :meth:`finditer` gives what the regex's own gives (each candidate tried in order, from
    where the last match ended)."""

    def __init__(self, regex: re.Pattern[str], looser: str) -> None:
        self.regex = regex
        self.looser = re.compile(f"(?=(?:{looser}))")

    def finditer(self, text: str, low: str | None = None) -> Iterator[re.Match[str]]:
        low = text.lower() if low is None else low
        if not reads_lower(text, low):
            yield from self.regex.finditer(text)
            return
        end = 0
        for candidate in self.looser.finditer(low):
            start = candidate.start()
            if start >= end and (match := self.regex.match(text, start)) is not None:
                yield match
                end = match.end()


def _wholly_ignoring_case(pattern: str) -> bool:
    """Whether a pattern is one case-insensitive group, "(?i:...)", and nothing outside."""
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    if not (pattern.startswith("(?i:") and pattern.endswith(")")):
        return False
    try:
        items = list(_parser.parse(pattern))
    except re.error:
        return False
    return len(items) == 1 and items[0][0] is c.SUBPATTERN and items[0][1][0] is None \
        and items[0][1][1] == re.IGNORECASE and not items[0][1][2]


_NAMED_GROUP = re.compile(r"\(\?P[<=][^>)]*[>)]")


@lru_cache(maxsize=4096)
def lowered_source(pattern: str) -> str | None:
    """``pattern``, meant for ``re.IGNORECASE``, as a case-sensitive pattern that finds the
    same matches in ``text.lower()`` wherever that is as long as the text and holds none of
    the letters in :data:`FOLDS`; None where it would not (a literal letter outside ASCII, a
    range that holds letters of one case only in part, a part made case-sensitive).

    Python's regex engine skips an alternative whose first character differs from the text's
    at once only when it compares characters exactly: a case-insensitive alternation of
    many words is tried word by word, about twice as slowly. The pattern is checked by
    parsing it both ways, item by item, so what is not known to be the same is refused.
    """
    from re import _parser  # type: ignore[attr-defined]

    out, at = [], 0
    while at < len(pattern):  # lower case all but escapes and group names
        group = _NAMED_GROUP.match(pattern, at)
        step = group.end() - at if group else 2 if pattern[at] == "\\" else 1
        piece = pattern[at:at + step]
        out.append(piece if group or step == 2 else piece.lower())
        at += step
    source = "".join(out)
    try:
        parsed = _parser.parse(pattern, re.IGNORECASE)
        same = not parsed.state.flags & _NOT_UNICODE and _same_lowered(
            list(parsed), list(_parser.parse(source, 0)))
    except (re.error, RecursionError):
        return None
    return source if same else None


# case folded otherwise than Unicode's simple lower case, which str.lower follows
_NOT_UNICODE = re.ASCII | re.LOCALE


def _same_lowered(items: list[Any], lowered: list[Any]) -> bool:
    """Whether ``lowered`` (parsed case-sensitively) is ``items`` (parsed ignoring case)
    with every letter in lower case."""
    from re import _constants as c  # type: ignore[attr-defined]

    if len(items) != len(lowered):
        return False
    for (op, av), (low_op, low_av) in zip(items, lowered, strict=True):
        if op is not low_op:
            return False
        if op in (c.LITERAL, c.NOT_LITERAL):
            if _lower_code(av) != low_av:
                return False
        elif op is c.IN:
            if len(av) != len(low_av) or not all(
                    o is lo and _lower_item(o, a, c) == la
                    for (o, a), (lo, la) in zip(av, low_av, strict=True)):
                return False
        elif op is c.BRANCH:
            if len(av[1]) != len(low_av[1]) or not all(
                    _same_lowered(list(a), list(b))
                    for a, b in zip(av[1], low_av[1], strict=True)):
                return False
        elif op is c.SUBPATTERN:
            if av[:3] != low_av[:3] or av[2] & re.IGNORECASE or av[1] & _NOT_UNICODE or \
                    not _same_lowered(list(av[3]), list(low_av[3])):
                return False
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            if av[:2] != low_av[:2] or not _same_lowered(list(av[2]), list(low_av[2])):
                return False
        elif op in (c.ASSERT, c.ASSERT_NOT):
            if av[0] != low_av[0] or not _same_lowered(list(av[1]), list(low_av[1])):
                return False
        elif op is c.ATOMIC_GROUP:
            if not _same_lowered(list(av), list(low_av)):
                return False
        elif op in (c.AT, c.ANY, c.CATEGORY):
            if av != low_av:
                return False
        else:  # a back-reference (Σ at a word's end lowers to ς, ignoring case to σ), a
            # conditional, or what this does not know: refused
            return False
    return True


def _lower_code(code: int) -> int | None:
    """A literal's lower case, for an ASCII letter or a character without case."""
    char = chr(code)
    if char.isascii():
        return ord(char.lower())
    return code if char.lower() == char == char.upper() else None


def _lower_item(op: Any, av: Any, c: Any) -> Any:
    """An item of a character set, its letters in lower case (None: refused)."""
    if op is c.LITERAL:
        return _lower_code(av)
    if op is c.RANGE:
        low, high = av
        if ord("A") <= low <= high <= ord("Z"):
            return low + 32, high + 32
        # else the same range, if it holds no capital and no letter outside ASCII: a
        # letter of the text matches it, ignoring case, where its lower case is in it
        if high - low > 5000 or any(chr(x).lower() != chr(x).upper()
                                    for x in range(low, high + 1)
                                    if not ord("a") <= x <= ord("z")):
            return None
    return av  # a category (\w, \s, \d) or a negation: the same either way
