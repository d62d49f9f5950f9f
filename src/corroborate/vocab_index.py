"""Finding the aliases and patterns of several vocabularies in one pass over a text.

Extraction looks in one report for many vocabularies. Walking the report's words once per
vocabulary, and at each word trying one by one every pattern that may begin there, was
most of its cost. Here:

- the aliases of several vocabularies are one tree of words and the gaps between them,
  walked once from each word of the text (:class:`AliasTree`);
- their patterns are one table keyed by the three characters a match can begin with, read
  once at each word start; where several patterns may begin, one regex made of all of them
  tells in a single call whether any matches, so the patterns are tried one by one only
  where one does (:class:`PatternScan`); that regex reads the text's lower case,
  case-sensitively, wherever it finds there what it finds ignoring case
  (:func:`lowered_source`).

What each vocabulary finds is exactly what it finds on its own, word by word and pattern by
pattern (tests/test_vocab_index.py checks the patterns against scanning every pattern over
the whole text, and the tree against trying every alias at every word). This module knows
nothing of terms: vocabularies hand it keys and take back whatever value they gave.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .folding import folds, lowered_source, reads_lower

__all__ = ["AliasSource", "AliasTree", "PatternIndex", "PatternScan", "Required", "Words", "gap"]

Words = list[tuple[int, int, str]]
T = TypeVar("T")

_GAP_IGNORED = re.compile(r"[\s\-‐–'’‘`]+")


def gap(text: str) -> str:
    """What separates two words, less white space, hyphens and apostrophes ("Workers'
    Party" is "Workers Party"; "N. Korea" keeps ".")."""
    return "" if text == " " else _GAP_IGNORED.sub("", text)


# --- aliases ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AliasSource(Generic[T]):
    """One vocabulary's aliases: each key (words and the gaps between them) with its value,
    the most words an alias beginning with each word has (an alias longer than that is
    never looked for), and the keys that name their term only in context."""

    keys: Mapping[tuple[str, ...], T]
    longest: Mapping[str, int]
    contextual: frozenset[tuple[str, ...]]


class _Node(Generic[T]):
    """A word or a gap of some alias: what follows it, and the aliases that end here."""

    __slots__ = ("ends", "next")

    def __init__(self) -> None:
        self.next: dict[str, _Node[T]] = {}
        self.ends: list[tuple[int, T, bool]] = []  # (vocabulary, value, contextual)


# what the tree finds: per vocabulary, (value, start, end, contextual) in text order
AliasHits = list[list[tuple[T, int, int, bool]]]


class AliasTree(Generic[T]):
    """The aliases of several vocabularies, found in one walk over a text's words.

    At each word, each vocabulary's longest alias beginning there is taken, unless the
    word is inside an alias that vocabulary took before (vocabularies do not hide each
    other's names; each resolves its own overlaps left to right)."""

    def __init__(self, sources: Sequence[AliasSource[T]]) -> None:
        self.count = len(sources)
        self.root: dict[str, _Node[T]] = {}
        for v, source in enumerate(sources):
            for key, value in source.keys.items():
                # the longest alias a word begins is as far as a vocabulary looks from it
                if (len(key) + 1) // 2 <= source.longest.get(key[0], 0):
                    self._add(key, (v, value, key in source.contextual))

    def _add(self, key: tuple[str, ...], end: tuple[int, T, bool]) -> None:
        node = self.root.setdefault(key[0], _Node())
        for part in key[1:]:
            node = node.next.setdefault(part, _Node())
        node.ends.append(end)

    def find(self, text: str, toks: Words) -> AliasHits[T]:
        hits: AliasHits[T] = [[] for _ in range(self.count)]
        reach = [0] * self.count
        root = self.root.get
        for i, (start, _, word) in enumerate(toks):
            node = root(word)
            if node is None:
                continue
            for v, (value, j, contextual) in self._longest_at(text, toks, i, node).items():
                if start >= reach[v]:
                    end = toks[j][1]
                    hits[v].append((value, start, end, contextual))
                    reach[v] = end
        return hits

    @staticmethod
    def _longest_at(text: str, toks: Words, i: int,
                    node: _Node[T]) -> dict[int, tuple[T, int, bool]]:
        """Each vocabulary's longest alias from word ``i``: its value, last word, context."""
        found: dict[int, tuple[T, int, bool]] = {}
        j, last = i, len(toks) - 1
        while True:
            for v, value, contextual in node.ends:
                found[v] = (value, j, contextual)  # deeper ends replace shallower ones
            if not node.next or j == last:
                return found
            between = node.next.get(gap(text[toks[j][1]:toks[j + 1][0]]))
            following = between.next.get(toks[j + 1][2]) if between is not None else None
            if following is None:
                return found
            node, j = following, j + 1


# --- patterns --------------------------------------------------------------------------------

_PREFIX = 3
_WORD_START = re.compile(r"\b\w")
# a group number or a conditional: a regex made of several patterns would renumber them
_NUMBERED = re.compile(r"\\[1-9]|\(\?\(")


class PatternIndex:
    """One vocabulary's regex patterns, indexed by the first three characters their
    matches can begin with.

    Trying a hundred patterns at every position of a news article costs ~20 ms; trying, at
    each word start, only the patterns that can begin with its first three letters costs
    a tenth of that. Patterns without a leading ``\\b``, or whose beginnings cannot be
    worked out (``\\d+``), are scanned the ordinary way (``anywhere``).
    """

    def __init__(self, patterns: Sequence[str]) -> None:
        self.sources = list(patterns)
        by_prefix: dict[str, set[int]] = {}
        anywhere: list[str] = []
        for index, pattern in enumerate(patterns):
            found = _prefixes(pattern) if pattern.startswith(r"\b") else None
            if found is None:
                anywhere.append(f"(?P<p{index}>{pattern})")
                continue
            for prefix in found:
                by_prefix.setdefault(prefix, set()).add(index)
        # a whole match shorter than the prefix ("UN") is also tried under the longer keys
        # that begin with it
        shorts = [k for k in by_prefix if len(k) < _PREFIX]
        for key in by_prefix:
            for short in shorts:
                if len(short) < len(key) and key.startswith(short):
                    by_prefix[key] |= by_prefix[short]
        # each pattern compiled once, tried in file order (what an alternation would do):
        # compiling one alternation per prefix group cost four times as much at load time
        compiled = {i: re.compile(patterns[i], re.IGNORECASE)
                    for members in by_prefix.values() for i in members}
        self.by_prefix: dict[str, tuple[tuple[int, re.Pattern[str]], ...]] = {
            key: tuple((i, compiled[i]) for i in sorted(members))
            for key, members in by_prefix.items()}
        self.anywhere = Required(re.compile("|".join(anywhere), re.IGNORECASE)) \
            if anywhere else None

    def lookup(self, head: str) -> tuple[tuple[int, re.Pattern[str]], ...]:
        """The patterns tried where the text begins with ``head`` (lower case): those of
        its three characters, else of its first two, else of its first."""
        get = self.by_prefix.get
        return get(head) or get(head[:2]) or get(head[:1]) or ()


# what a scan finds: per vocabulary, (pattern index, start, end) in text order
PatternHits = list[list[tuple[int, int, int]]]
_Tries = tuple[tuple[int, tuple[tuple[int, re.Pattern[str]], ...]], ...]


class _Candidates:
    """The patterns each vocabulary tries at a word start with one head, and one regex
    made of them all, in the same order, that tells in a single call where none matches
    and which one does first (built when first needed)."""

    __slots__ = ("guard", "ignoring", "lowered", "members", "sources", "tries", "unbuilt",
                 "which")

    def __init__(self, tries: _Tries) -> None:
        self.tries = tries
        self.members = tuple((v, i) for v, entries in tries for i, _ in entries)
        self.guard: re.Pattern[str] | None = None
        self.lowered = False  # whether the guard reads the text's lower case
        self.sources: list[str] = []
        self.ignoring: re.Pattern[str] | None = None  # the guard ignoring case, if needed
        self.which: dict[int | None, tuple[int, int]] = {}  # lastindex -> member
        self.unbuilt = True


class PatternScan:
    """The patterns of several vocabularies, tried in one pass over a text's word starts.

    Each vocabulary finds what :class:`PatternIndex` lookups find word by word: at each
    word start not inside its last match, the first of its patterns for the head that
    matches there (non-empty), then every match of its ``anywhere`` patterns.
    """

    def __init__(self, indexes: Sequence[PatternIndex]) -> None:
        self.indexes = list(indexes)
        keys = {key for index in indexes for key in index.by_prefix}
        # with no key shorter than a head, a head's own key is the only one to look up
        self.short = any(len(key) < _PREFIX for key in keys)
        # a text's lower case read off the whole text at once only where the keys are
        # ASCII (str.lower of a slice and of the whole differ on non-ASCII letters alone)
        self.ascii = all(key.isascii() for key in keys)
        self.table: dict[str, _Candidates] = {}
        for key in keys:
            tries = tuple((v, found) for v, index in enumerate(indexes)
                          if (found := index.lookup(key)))
            self.table[key] = _Candidates(tries)
        self.sources = [index.sources for index in indexes]

    def find(self, text: str) -> PatternHits:
        hits: PatternHits = [[] for _ in self.indexes]
        if self.table:
            self._by_word_start(text, hits)
        low = None
        for v, index in enumerate(self.indexes):
            if index.anywhere is not None:
                low = text.lower() if low is None else low
                hits[v] += [(int((m.lastgroup or "p0")[1:]), m.start(), m.end())
                            for m in index.anywhere.finditer(text, low)
                            if m.end() > m.start()]
        return hits

    def _by_word_start(self, text: str, hits: PatternHits) -> None:
        reach = [0] * len(self.indexes)
        low = text.lower()
        # one character may lower to two (İ): then only each head's own lower case holds
        whole = self.ascii and len(low) == len(text)
        # the guards read the lower case where it finds what they find in the text
        lowered = reads_lower(text, low)
        get = self.table.get
        for w in _WORD_START.finditer(text):
            start = w.start()
            head = low[start:start + _PREFIX] if whole else \
                text[start:start + _PREFIX].lower()
            found = get(head)
            if found is None and self.short:
                found = get(head[:2]) or get(head[:1])
            if found is None:
                continue
            if found.unbuilt:
                self._build_guard(found)
            if found.guard is None:
                self._try_each(text, start, found.tries, reach, hits)
                continue
            if not found.lowered:
                m = found.guard.match(text, start)
            elif lowered:
                m = found.guard.match(low, start)
            else:
                m = self._ignoring_case(found).match(text, start)
            if m is None:
                continue  # none of the patterns matches here (the common case)
            if m.end() == start:  # an empty match: the patterns skip it, one by one
                self._try_each(text, start, found.tries, reach, hits)
                continue
            first, index = found.which[m.lastindex]
            for v, entries in found.tries:
                # the vocabularies before the first that matches have no match here
                if v < first or start < reach[v]:
                    continue
                if v == first:
                    hits[v].append((index, start, m.end()))
                    reach[v] = m.end()
                else:
                    self._try_each(text, start, ((v, entries),), reach, hits)

    @staticmethod
    def _try_each(text: str, start: int, tries: _Tries, reach: list[int],
                  hits: PatternHits) -> None:
        """Each vocabulary's first pattern that matches at ``start``, non-empty."""
        for v, entries in tries:
            if start < reach[v]:
                continue
            for i, regex in entries:
                m = regex.match(text, start)
                if m is not None and m.end() > start:
                    hits[v].append((i, start, m.end()))
                    reach[v] = m.end()
                    break

    @staticmethod
    def _joined(sources: list[str], flags: int = re.IGNORECASE) -> re.Pattern[str]:
        return re.compile("|".join(f"({s})" for s in sources), flags)

    def _ignoring_case(self, found: _Candidates) -> re.Pattern[str]:
        """The guard of a head, ignoring case, for a text it cannot read off the lower case."""
        if found.ignoring is None:
            found.ignoring = self._joined(found.sources)
        return found.ignoring

    def _build_guard(self, found: _Candidates) -> None:
        """The regex of all the candidates, each in a group of its own (which one matched
        is the group that closed last), unless they cannot be joined: numbered groups or
        conditionals, names used twice, flags of their own."""
        found.unbuilt = False
        sources = [self.sources[v][i] for v, i in found.members]
        if any(_NUMBERED.search(s) for s in sources):
            return
        # read off the lower case where every candidate can be (a text with İ, ı or ſ
        # makes the guard that ignores case: compiling both for every head doubled what
        # the first reports of a process cost)
        lowered = [lowered_source(s) for s in sources]
        found.lowered = all(lowered)
        try:
            groups = [re.compile(s, re.IGNORECASE).groups for s in sources]
            found.guard = self._joined([s for s in lowered if s], 0) if found.lowered \
                else self._joined(sources)
        except re.error:
            return
        found.sources = sources
        number = 1
        for member, inner in zip(found.members, groups, strict=True):
            found.which[number] = member
            number += 1 + inner


# --- what a match must contain --------------------------------------------------------------

_MOST_STRINGS = 64


class Required:
    """A regex and strings one of which each of its matches holds, in lower case: a text
    that holds none of them is not scanned (the regex tries every position of a text,
    which is what costs, matches or not)."""

    def __init__(self, regex: re.Pattern[str]) -> None:
        self.regex = regex
        self.strings = required(regex.pattern, regex.flags)
        # one scan for all the strings: half the time of looking for each in turn
        self.holds = None if self.strings is None else re.compile("|".join(
            re.escape(s) for s in sorted(self.strings)))

    def may_match(self, text: str, low: str | None = None) -> bool:
        """False where ``text`` holds no match; ``low`` is ``text.lower()``, if the caller
        has it."""
        if self.holds is None or folds(text):
            return True
        low = text.lower() if low is None else low
        return self.holds.search(low) is not None

    def finditer(self, text: str, low: str | None = None) -> Iterator[re.Match[str]]:
        """``regex.finditer(text)``."""
        return self.regex.finditer(text) if self.may_match(text, low) else iter(())


def required(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Strings in lower case one of which every match of ``pattern`` holds (case aside),
    or None where no such set was worked out. Only literal runs on the pattern's main line
    count (and alternatives of literal runs), never what may repeat or be left out."""
    from re import _parser  # type: ignore[attr-defined]

    try:
        return _required(list(_parser.parse(pattern, flags)))
    except (re.error, RecursionError):
        return None


def _required(items: list[Any]) -> frozenset[str] | None:
    from re import _constants as c  # type: ignore[attr-defined]

    best: frozenset[str] | None = None
    run: set[str] = {""}

    def better(found: frozenset[str] | None) -> None:
        nonlocal best
        if found and "" not in found and (best is None or _selective(found) > _selective(best)):
            best = found

    for op, av in _inline(items, c):
        literals = _literal_alternatives(op, av, c)
        if literals is not None and len(run) * len(literals) <= _MOST_STRINGS:
            run = {s + t for s in run for t in literals}
        elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            continue  # takes no characters: the literals either side are adjacent
        else:
            better(frozenset(run))
            run = {""}
            if op is c.BRANCH:  # each alternative holds one of its own strings
                each = [_required(list(alternative)) for alternative in av[1]]
                if all(each):
                    better(frozenset().union(*(e for e in each if e)))
    better(frozenset(run))
    return best


def _selective(strings: frozenset[str]) -> tuple[int, float]:
    """How rarely a text holds one of ``strings``, guessed: the shortest, then the mean."""
    lengths = [len(s) for s in strings]
    return min(lengths), sum(lengths) / len(lengths)


def _inline(items: list[Any], c: Any) -> Iterator[tuple[Any, Any]]:
    """The items of a sequence, with the items of its groups in their place."""
    for op, av in items:
        if op is c.SUBPATTERN:
            yield from _inline(list(av[3]), c)
        else:
            yield op, av


def _literal_alternatives(op: Any, av: Any, c: Any) -> list[str] | None:
    """The strings an item stands for, if it is a literal or literal alternatives."""
    if op is c.LITERAL:
        return [chr(av).lower()] if _plain(chr(av)) else None
    if op is not c.BRANCH:
        return None
    strings = []
    for alternative in av[1]:
        chars = [chr(a) for o, a in alternative if o is c.LITERAL]
        if len(chars) != len(alternative) or not all(map(_plain, chars)):
            return None
        strings.append("".join(chars).lower())
    return strings


def _plain(char: str) -> bool:
    """A character whose lower case is one character that no other letter folds to."""
    return char.isascii() or (not char.isalnum() and char.lower() == char == char.upper())


class _Unknown(Exception):
    """The beginning of a pattern cannot be enumerated."""


def _prefixes(pattern: str, length: int = _PREFIX, cap: int = 2000) -> set[str] | None:
    """The lower-case strings of ``length`` characters a match can begin with (shorter where
    the whole match is shorter), or None where they cannot be enumerated."""
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    found: set[str] = set()
    steps = [0]

    def expand(items: list[Any], prefix: str) -> None:
        steps[0] += 1
        if steps[0] > 50_000 or len(found) > cap:
            raise _Unknown
        if len(prefix) >= length or not items:
            found.add(prefix[:length])
            return
        (op, av), rest = items[0], items[1:]
        if op is c.LITERAL:
            expand(rest, prefix + chr(av).lower())
        elif op is c.IN:
            for char in _charset(av, c):
                expand(rest, prefix + char)
        elif op is c.SUBPATTERN:
            expand(list(av[3]) + rest, prefix)
        elif op is c.BRANCH:
            for alternative in av[1]:
                expand(list(alternative) + rest, prefix)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, high, sub = av
            for times in range(low, min(high, length) + 1):
                expand(list(sub) * times + rest, prefix)
        elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            expand(rest, prefix)  # ignoring an assertion only widens the set
        else:
            raise _Unknown

    try:
        expand(list(_parser.parse(pattern, re.IGNORECASE)), "")
    except _Unknown:
        return None
    return found if found and "" not in found else None


def _charset(av: Any, c: Any) -> set[str]:
    chars: set[str] = set()
    for op, arg in av:
        if op is c.LITERAL:
            chars.add(chr(arg).lower())
        elif op is c.RANGE and arg[1] - arg[0] < 300:
            chars |= {chr(x).lower() for x in range(arg[0], arg[1] + 1)}
        else:
            raise _Unknown
    return chars
