"""Controlled vocabularies, declared as data files in ``corroborate/data/``.

Each vocabulary is a list of terms with an id, a label, plain-phrase ``aliases`` and optional
regex ``patterns``. Aliases are matched as whole words, longest first, ignoring case,
diacritics ("Hamgyŏng" = "Hamgyong"), apostrophes ("People’s" = "Peoples") and the white
space or hyphens between words ("State-Security Department"); other punctuation between
words must be as in the alias ("N. Korea").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml

__all__ = ["Hit", "Term", "Vocabulary", "Words", "load", "normalise", "tokens"]

Words = list[tuple[int, int, str]]


@dataclass(frozen=True)
class Term:
    id: str
    label: str
    attrs: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Hit:
    term: Term
    start: int
    end: int
    quote: str
    via: str  # "alias" or "pattern"


_FOLD_QUOTES = str.maketrans({"’": "", "'": "", "‘": "", "`": ""})


def normalise(phrase: str) -> str:
    """The matching key of a phrase: lower case, no diacritics or apostrophes, single spaces."""
    decomposed = unicodedata.normalize("NFKD", phrase)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.translate(_FOLD_QUOTES).lower()
    return re.sub(r"[\s\-‐–]+", " ", bare).strip(" .")


_TOKEN = re.compile(r"\w+(?:['’‘]\w+)*")
_GAP_IGNORED = re.compile(r"[\s\-‐–]+")


@lru_cache(maxsize=1 << 16)
def _norm_word(word: str) -> str:
    return normalise(word).replace(" ", "")


def _gap(text: str) -> str:
    """What separates two words, less white space and hyphens ("N. Korea" keeps ".")."""
    return _GAP_IGNORED.sub("", text)


def phrase_key(phrase: str) -> tuple[str, ...]:
    """Words and the punctuation between them, normalised: the key an alias is found by."""
    tokens = list(_TOKEN.finditer(phrase))
    key: list[str] = []
    for i, tok in enumerate(tokens):
        if i:
            key.append(_gap(phrase[tokens[i - 1].end():tok.start()]))
        key.append(_norm_word(tok.group(0)))
    return tuple(key)


class Vocabulary:
    """Terms of one kind and a fast matcher over their aliases and patterns."""

    def __init__(self, name: str, terms: list[Term], aliases: dict[str, list[str]],
                 patterns: dict[str, list[str]]) -> None:
        self.name = name
        self.terms = {t.id: t for t in terms}
        # aliases are found by words, not by regex: each text is tokenised once and only
        # words that begin some alias are looked at (no regex to compile at load time)
        self._by_key: dict[tuple[str, ...], Term] = {}
        self._longest: dict[str, int] = {}
        for term in terms:
            for alias in [term.label, *aliases.get(term.id, [])]:
                key = phrase_key(alias)
                if not key or key in self._by_key:
                    continue
                self._by_key[key] = term
                words = (len(key) + 1) // 2
                self._longest[key[0]] = max(self._longest.get(key[0], 0), words)
        self._patterns = _PatternIndex(
            [(self.terms[tid], p) for tid, plist in patterns.items() for p in plist])

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms.values())

    def __getitem__(self, term_id: str) -> Term:
        return self.terms[term_id]

    def lookup(self, phrase: str) -> Term | None:
        """The term a phrase names, by id, label or alias."""
        if phrase in self.terms:
            return self.terms[phrase]
        return self._by_key.get(phrase_key(phrase))

    def _find_aliases(self, text: str, toks: Words) -> list[Hit]:
        hits: list[Hit] = []
        i = 0
        while i < len(toks):
            longest = self._longest.get(toks[i][2], 0)
            matched = 0
            for n in range(min(longest, len(toks) - i), 0, -1):
                key: list[str] = [toks[i][2]]
                for j in range(i + 1, i + n):
                    key += (_gap(text[toks[j - 1][1]:toks[j][0]]), toks[j][2])
                term = self._by_key.get(tuple(key))
                if term is not None:
                    start, end = toks[i][0], toks[i + n - 1][1]
                    hits.append(Hit(term, start, end, text[start:end], "alias"))
                    matched = n
                    break
            i += matched or 1
        return hits

    def find(self, text: str, words: Words | None = None) -> list[Hit]:
        """Every alias or pattern match in ``text``, in order, overlaps resolved longest first.

        ``words`` are the text's :func:`tokens`, for callers that look in several
        vocabularies (tokenising once).
        """
        hits = self._find_aliases(text, tokens(text) if words is None else words)
        hits += self._patterns.find(text)
        return _without_overlaps(hits)


_WORD_START = re.compile(r"\b\w")


class _PatternIndex:
    """Regex patterns indexed by the characters they can start with.

    Trying a hundred patterns at every position of a text costs ~20 ms for a news article;
    trying, at each word start, only the union of patterns that can begin with its first
    letter costs ~2 ms. Patterns that do not begin at a word (no leading ``\b``), or whose
    first characters cannot be worked out, are scanned the ordinary way.
    """

    def __init__(self, patterns: list[tuple[Term, str]]) -> None:
        self.terms = [term for term, _ in patterns]
        by_char: dict[str, list[str]] = {}
        anywhere: list[str] = []
        for index, (_, pattern) in enumerate(patterns):
            group = f"(?P<p{index}>{pattern})"
            chars = _first_chars(pattern) if pattern.startswith(r"\b") else None
            if chars is None:
                anywhere.append(group)
                continue
            for char in chars:
                by_char.setdefault(char, []).append(group)
        try:
            self.by_char = {c: re.compile("|".join(g), re.IGNORECASE)
                            for c, g in by_char.items()}
        except re.error:
            for _, pattern in patterns:
                re.compile(pattern)  # raises, naming the bad pattern
            raise
        self.anywhere = re.compile("|".join(anywhere), re.IGNORECASE) if anywhere else None

    def _hit(self, m: re.Match[str]) -> Hit:
        term = self.terms[int((m.lastgroup or "p0")[1:])]
        return Hit(term, m.start(), m.end(), m.group(0), "pattern")

    def _find_aliases(self, text: str, toks: Words) -> list[Hit]:
        hits: list[Hit] = []
        i = 0
        while i < len(toks):
            longest = self._longest.get(toks[i][2], 0)
            matched = 0
            for n in range(min(longest, len(toks) - i), 0, -1):
                key: list[str] = [toks[i][2]]
                for j in range(i + 1, i + n):
                    key += (_gap(text[toks[j - 1][1]:toks[j][0]]), toks[j][2])
                term = self._by_key.get(tuple(key))
                if term is not None:
                    start, end = toks[i][0], toks[i + n - 1][1]
                    hits.append(Hit(term, start, end, text[start:end], "alias"))
                    matched = n
                    break
            i += matched or 1
        return hits

    def find(self, text: str) -> list[Hit]:
        hits: list[Hit] = []
        if self.by_char:
            reach = 0
            for w in _WORD_START.finditer(text):
                start = w.start()
                if start < reach:
                    continue
                regex = self.by_char.get(text[start].lower())
                m = regex.match(text, start) if regex is not None else None
                if m is not None and m.end() > start:
                    hits.append(self._hit(m))
                    reach = m.end()
        if self.anywhere is not None:
            hits += [self._hit(m) for m in self.anywhere.finditer(text) if m.end() > m.start()]
        return hits


def _first_chars(pattern: str) -> set[str] | None:
    """The lower-case characters a match can begin with, or None if that is not clear."""
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    def seq(items: list[Any]) -> tuple[set[str] | None, bool]:
        chars: set[str] = set()
        for op, av in items:
            found, nullable = one(op, av)
            if found is None:
                return None, False
            chars |= found
            if not nullable:
                return chars, False
        return chars, True

    def one(op: Any, av: Any) -> tuple[set[str] | None, bool]:
        if op is c.LITERAL:
            return {chr(av).lower()}, False
        if op is c.IN:
            out: set[str] = set()
            for o, a in av:
                if o is c.LITERAL:
                    out.add(chr(a).lower())
                elif o is c.RANGE and a[1] - a[0] < 300:
                    out |= {chr(x).lower() for x in range(a[0], a[1] + 1)}
                else:
                    return None, False
            return out, False
        if op is c.SUBPATTERN:
            return seq(list(av[3]))
        if op is c.BRANCH:
            out, nullable = set(), False
            for alternative in av[1]:
                found, n = seq(list(alternative))
                if found is None:
                    return None, False
                out |= found
                nullable |= n
            return out, nullable
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            found, n = seq(list(av[2]))
            return (None, False) if found is None else (found, n or av[0] == 0)
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            return set(), True
        return None, False

    chars, nullable = seq(list(_parser.parse(pattern, re.IGNORECASE)))
    return None if nullable or not chars else chars


def tokens(text: str) -> Words:
    """(start, end, normalised word) of every word of a text."""
    return [(m.start(), m.end(), _norm_word(m.group(0))) for m in _TOKEN.finditer(text)]


def _without_overlaps(hits: list[Hit]) -> list[Hit]:
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept


@cache
def _read(name: str) -> Any:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10x faster
    with resources.files("corroborate.data").joinpath(f"{name}.yaml").open(
            "r", encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)


@cache
def load(name: str) -> Vocabulary:
    """Load a vocabulary by name: violations, organisations, outlets, groups, punishments,
    countries, regions, places, demonyms."""
    if name in ("countries", "regions", "places", "demonyms"):
        entries = _read("places")["countries" if name == "demonyms" else name]
        id_key, label_key = ("name", "name") if name == "places" else ("code", "name")
    else:
        entries = _read(name)[name]
        id_key = "id"
        label_key = "label" if entries and "label" in entries[0] else "name"
    terms: list[Term] = []
    aliases: dict[str, list[str]] = {}
    patterns: dict[str, list[str]] = {}
    for entry in entries:
        term_id = str(entry[id_key]) if name != "places" else _place_id(entry)
        attrs = {k: v for k, v in entry.items() if k not in ("aliases", "patterns")}
        names = [str(a) for a in entry.get("aliases") or []]
        label = str(entry[label_key])
        if name == "demonyms":
            # a demonym names a country's people, not the country: a vocabulary of its own
            names = [str(d) for d in entry.get("demonyms") or []]
            if not names:
                continue
            label = names[0]
        terms.append(Term(term_id, label, attrs))
        aliases[term_id] = names
        if entry.get("patterns"):
            patterns[term_id] = [str(p) for p in entry["patterns"]]
    return Vocabulary(name, terms, aliases, patterns)


def _place_id(entry: dict[str, Any]) -> str:
    return f"{entry.get('country') or 'XX'}:{entry.get('region') or ''}:{entry['name']}"
