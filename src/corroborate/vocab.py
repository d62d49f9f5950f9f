"""Controlled vocabularies, declared as data files in ``corroborate/data/``.

Each vocabulary is a list of terms with an id, a label, plain-phrase ``aliases`` and optional
regex ``patterns``. Aliases are matched as whole words, longest first, ignoring case,
diacritics ("Hamgyŏng" = "Hamgyong"), apostrophes ("People’s" = "Peoples") and the white
space or hyphens between words ("State-Security Department"); other punctuation between
words must be as in the alias ("N. Korea").

Korean names (``data/ko/<vocabulary>.yaml``) are aliases of the same terms, merged into the
shipped data as it is read; a name in Hangul is found by :mod:`corroborate.korean`'s
grammar instead, at the start of a run of Hangul and before a known ending (혜산시에서 names
Hyesan). Text without Hangul is matched exactly as before.

Several vocabularies are looked for in one pass over a text's words (:func:`find_all`,
:mod:`corroborate.vocab_index`): one tree of every alias, one table of every pattern.

A collection may add aliases and terms to the shipped data (``corroborate.overlay``): the
overlay active in the current context (:func:`overlaid`) is merged into what
:func:`read_data` returns, and every cache derived from the data is kept per overlay
(:func:`per_overlay`), so an ingest with one overlay never changes what another thread, or
a later call without it, finds.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache, partial, wraps
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, ParamSpec, Protocol, TypeVar, cast

from . import korean
from .errors import CorroborateError
from .spans import without_overlaps
from .vocab_index import AliasSource, AliasTree, PatternIndex, PatternScan, Words
from .vocab_index import gap as _gap

__all__ = ["DataOverlay", "Hit", "Term", "Vocabulary", "Words", "active_overlay", "find_all",
           "korean_names", "load", "normalise", "overlaid", "per_overlay", "place_id",
           "read_data", "tokens"]

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


# a possessive "'s" is a word of its own, so that "Egypt's" and "North Korea's" name
# Egypt and North Korea; other apostrophes stay inside the word ("don't", "Ch'ongjin")
_TOKEN = re.compile(r"\w+(?:['’‘](?!s\b)\w+)*")


@lru_cache(maxsize=1 << 16)
def _norm_word(word: str) -> str:
    return normalise(word).replace(" ", "")


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
                 patterns: dict[str, list[str]],
                 contextual: dict[str, list[str]] | None = None) -> None:
        self.name = name
        self.terms = {t.id: t for t in terms}
        # aliases are found by words, not by regex: each text is tokenised once and only
        # words that begin some alias are looked at (no regex to compile at load time)
        self._by_key: dict[tuple[str, ...], Term] = {}
        self._longest: dict[str, int] = {}
        # contextual aliases ("police") name a term only in reports about its country: hits
        # through them say so (via="context") and the extractor decides
        self._contextual: set[tuple[str, ...]] = set()
        # every name as written, for the Korean lexicon (a Latin name before a Korean
        # particle, RFA에, is found there too)
        self.names: list[tuple[str, Term, bool]] = []
        contextual = contextual or {}
        for term in terms:
            named = [(a, False) for a in [term.label, *aliases.get(term.id, [])]]
            for alias, in_context in named + [(a, True) for a in contextual.get(term.id, [])]:
                self._add(alias, term, in_context)
        listed = [(self.terms[tid], p) for tid, plist in patterns.items() for p in plist]
        self.pattern_terms = [term for term, _ in listed]
        self.patterns = PatternIndex([p for _, p in listed])

    def _add(self, alias: str, term: Term, in_context: bool) -> None:
        hangul = korean.has_hangul(alias)
        added = False
        # "People's Army" is also found written "Peoples Army"
        for key in dict.fromkeys([phrase_key(alias), phrase_key(alias.translate(_FOLD_QUOTES))]):
            if not key or key in self._by_key:
                continue
            self._by_key[key] = term
            added = True
            if in_context:
                self._contextual.add(key)
            if hangul:
                continue  # found by the Korean lexicon, not word by word
            words = (len(key) + 1) // 2
            self._longest[key[0]] = max(self._longest.get(key[0], 0), words)
        if added:
            self.names.append((alias, term, in_context))

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms.values())

    def __getitem__(self, term_id: str) -> Term:
        return self.terms[term_id]

    def lookup(self, phrase: str) -> Term | None:
        """The term a phrase names, by id, label or alias (a Korean phrase also with the
        ending the grammar allows: 혜산시, 보위부에서)."""
        if phrase in self.terms:
            return self.terms[phrase]
        found = self._by_key.get(phrase_key(phrase))
        if found is None and korean.has_hangul(phrase):
            names = [n for n in _korean_lexicon().match(phrase.strip())
                     if n.vocabulary == self.name]
            found = names[0].ref[0] if names else None
        return found

    def named_by(self, phrase: str) -> Term | None:
        """The term that already claims ``phrase`` as its label or an alias (contextual
        ones too), matched as the text would be; never by id."""
        for key in dict.fromkeys([phrase_key(phrase),
                                  phrase_key(phrase.translate(_FOLD_QUOTES))]):
            if key in self._by_key:
                return self._by_key[key]
        if korean.has_hangul(phrase):  # 공개처형 is the name 공개 처형, run together
            names = [n for n in _korean_lexicon().named(phrase) if n.vocabulary == self.name]
            return names[0].ref[0] if names else None
        return None

    def aliases(self) -> AliasSource[Term]:
        """The aliases as :class:`vocab_index.AliasTree` finds them."""
        return AliasSource(self._by_key, self._longest, frozenset(self._contextual))

    def alias_hits(self, text: str, found: list[tuple[Term, int, int, bool]]) -> list[Hit]:
        return [Hit(term, start, end, text[start:end], "context" if contextual else "alias")
                for term, start, end, contextual in found]

    def pattern_hits(self, text: str, found: list[tuple[int, int, int]]) -> list[Hit]:
        return [Hit(self.pattern_terms[i], start, end, text[start:end], "pattern")
                for i, start, end in found]

    def first_words(self) -> Iterator[str]:
        return iter(self._longest)

    def find_patterns(self, text: str) -> list[Hit]:
        return self.pattern_hits(text, self._index[1].find(text)[0])

    @cached_property
    def _index(self) -> tuple[AliasTree[Term], PatternScan]:
        """The vocabulary's own alias tree and pattern table, built when first used."""
        return AliasTree([self.aliases()]), PatternScan([self.patterns])

    def find(self, text: str, words: Words | None = None) -> list[Hit]:
        """Every alias or pattern match in ``text``, in order, overlaps resolved longest first.

        ``words`` are the text's :func:`tokens`, for callers that look in several
        vocabularies (tokenising once).
        """
        toks = tokens(text) if words is None else words
        tree, scan = self._index
        hits = self.alias_hits(text, tree.find(text, toks)[0])
        hits += self.pattern_hits(text, scan.find(text)[0])
        if _has_hangul(text):
            hits += _korean_hits(text).get(self.name, [])
        return without_overlaps(hits)


def tokens(text: str) -> Words:
    """(start, end, normalised word) of every word of a text."""
    out = []
    for m in _TOKEN.finditer(text):
        word = m.group(0)
        low = word.lower()
        # most words are plain ASCII letters: skip the Unicode normalisation for them
        out.append((m.start(), m.end(), low if low.isascii() and low.isalnum()
                    else _norm_word(word)))
    return out


# --- a collection's overlay ----------------------------------------------------------------

P = ParamSpec("P")
R = TypeVar("R")


class DataOverlay(Protocol):
    """Additions to the shipped data files (``corroborate.overlay.Overlay`` is one)."""

    @property
    def digest(self) -> str:
        """Names what the overlay adds: equal digests, equal data."""
        ...

    def merge(self, file: str, data: Any) -> Any:
        """The shipped contents of ``file`` with the overlay's additions (a copy)."""
        ...


# a context variable, not a global: the web server ingests in one thread while others
# read, and each thread (each asyncio task) sees only the overlay it set itself
_ACTIVE: ContextVar[DataOverlay | None] = ContextVar("vocabulary_overlay", default=None)
# overlays whose derived caches are kept: one per collection open in this process
_KEPT = 4


def active_overlay() -> DataOverlay | None:
    return _ACTIVE.get()


@contextmanager
def overlaid(overlay: DataOverlay | None) -> Iterator[None]:
    """Read the vocabularies with ``overlay`` (None: as shipped) in this context."""
    token = _ACTIVE.set(overlay)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def per_overlay(maxsize: int | None = None) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """``functools.lru_cache`` kept apart for each overlay: for functions whose result
    depends on the vocabularies. Without an overlay it is the plain cache it replaces."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        def fresh() -> Callable[P, R]:
            return cast(Callable[P, R], lru_cache(maxsize=maxsize)(fn))

        shipped = fresh()
        by_digest: OrderedDict[str, Callable[P, R]] = OrderedDict()
        lock = threading.Lock()

        def for_overlay(digest: str) -> Callable[P, R]:
            with lock:
                found = by_digest.get(digest)
                if found is None:
                    found = by_digest[digest] = fresh()
                    while len(by_digest) > _KEPT:
                        by_digest.popitem(last=False)
                else:
                    by_digest.move_to_end(digest)
                return found

        @wraps(fn)
        def cached(*args: P.args, **kwargs: P.kwargs) -> R:
            overlay = _ACTIVE.get()
            if overlay is None:
                return shipped(*args, **kwargs)
            return for_overlay(overlay.digest)(*args, **kwargs)

        return cached

    return decorate


def find_all(text: str, names: tuple[str, ...],
             words: Words | None = None) -> dict[str, list[Hit]]:
    """Hits of several vocabularies in one pass over the text's words.

    Equivalent to ``load(name).find(text)`` for each name, but each word is looked up once
    in a merged index of the words that begin some alias of some vocabulary.
    """
    vocabularies = [load(name) for name in names]
    tree, scan = _merged_index(names)
    toks = tokens(text) if words is None else words
    aliases = tree.find(text, toks)
    patterns = scan.find(text)
    found = _korean_hits(text) if _has_hangul(text) else {}
    return {name: without_overlaps(vocabularies[v].alias_hits(text, aliases[v])
                                   + vocabularies[v].pattern_hits(text, patterns[v])
                                   + found.get(name, []))
            for v, name in enumerate(names)}


# extraction looks in one report's text several times: reading it for Hangul once
_has_hangul = lru_cache(maxsize=4)(korean.has_hangul)


@per_overlay(maxsize=4)
def _korean_hits(text: str) -> dict[str, list[Hit]]:
    """Every vocabulary's names found by the Korean grammar, by vocabulary (never to be
    changed: the result is shared). Kept for the few texts last read, as extraction looks
    in one report's text for several vocabularies, in several calls."""
    out: dict[str, list[Hit]] = {}
    spans = [(s, e) for s, e, _ in tokens(text)]
    for start, end, name in _korean_lexicon().find(text, spans):
        term, in_context = name.ref
        out.setdefault(name.vocabulary, []).append(
            Hit(term, start, end, text[start:end], "context" if in_context else "alias"))
    return out


@per_overlay()
def _korean_lexicon() -> korean.Lexicon[tuple[Term, bool]]:
    """The names of every vocabulary, for the Korean grammar (one lexicon: a run of Hangul
    is read once for all vocabularies, compounds across them: 양강도보위국)."""
    names = []
    for vocabulary in korean.VOCABULARIES:
        for alias, term, in_context in load(vocabulary).names:
            words = korean.Lexicon.words(alias)
            if words:
                names.append(korean.Name(words, vocabulary, (term, in_context)))
    return korean.Lexicon(names)


@per_overlay()
def _merged_index(names: tuple[str, ...]) -> tuple[AliasTree[Term], PatternScan]:
    """One alias tree and one pattern table for several vocabularies."""
    vocabularies = [load(name) for name in names]
    return (AliasTree([v.aliases() for v in vocabularies]),
            PatternScan([v.patterns for v in vocabularies]))


_without_overlaps = without_overlaps


@per_overlay()
def read_data(name: str) -> Any:
    """A data file's contents, with the active overlay's additions (never to be changed:
    the result is shared)."""
    overlay = _ACTIVE.get()
    shipped = _shipped_data(name)
    return shipped if overlay is None else overlay.merge(name, shipped)


@cache
def _shipped_data(name: str) -> Any:
    """A data file with the Korean names of its terms (data/ko/) merged in."""
    data = _english_data(name)
    targets = [v for v, shape in _SHAPES.items() if shape[0] == name]
    for vocabulary in targets:
        _, section, id_key, alias_key = _SHAPES[vocabulary]
        data = korean.with_names(data, section, alias_key, korean_names(vocabulary),
                                 partial(_entry_id, id_key=id_key))
    return data


@cache
def _english_data(name: str) -> Any:
    import yaml  # here, not at the top: commands that read no vocabulary skip it

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10x faster
    with resources.files("corroborate.data").joinpath(f"{name}.yaml").open(
            "r", encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)


# where each vocabulary's terms are in the data files: file, section, id key ("" for a
# place: COUNTRY:REGION:NAME), the key of its names
_SHAPES = {
    **{v: (v, v, "id", "aliases") for v in ("violations", "organisations", "punishments",
                                           "outlets", "groups", "charges")},
    "countries": ("places", "countries", "code", "aliases"),
    "demonyms": ("places", "countries", "code", "demonyms"),
    "regions": ("places", "regions", "code", "aliases"),
    "places": ("places", "places", "", "aliases"),
}


def korean_names(vocabulary: str,
                 folder: Path | Traversable | None = None) -> dict[str, korean.KoreanNames]:
    """The Korean names of a vocabulary's terms, by term id, from ``folder``/<vocabulary>.yaml
    (the shipped ``data/ko`` by default), checked against the shipped English terms: an
    unknown id or key, or a name claimed twice, is an error naming the file and entry.
    A missing file is no names."""
    if vocabulary not in _SHAPES:
        raise CorroborateError(f"unknown vocabulary {vocabulary!r}")
    base = folder or resources.files("corroborate.data").joinpath("ko")
    path = base.joinpath(f"{vocabulary}.yaml")
    if not path.is_file():
        return {}
    file, section, id_key, alias_key = _SHAPES[vocabulary]
    entries = _english_data(file)[section]
    claimed: dict[Any, str] = {}
    for entry in entries:
        term_id = _entry_id(entry, id_key)
        phrases = [*(entry.get(alias_key) or [])]
        if alias_key == "aliases":
            phrases += [entry["label" if "label" in entry else "name"],
                        *(entry.get("contextual_aliases") or [])]
        for phrase in phrases:
            claimed.setdefault(phrase_key(str(phrase)), term_id)
    ids = {_entry_id(e, id_key) for e in entries}
    return korean.read_names(path, ids, claimed, phrase_key,
                             contextual=vocabulary != "demonyms")


def _entry_id(entry: dict[str, Any], id_key: str) -> str:
    return str(entry[id_key]) if id_key else place_id(entry)


@per_overlay()
def load(name: str) -> Vocabulary:
    """Load a vocabulary by name: violations, organisations, outlets, groups, punishments,
    countries, regions, places, demonyms."""
    if name in ("countries", "regions", "places", "demonyms"):
        entries = read_data("places")["countries" if name == "demonyms" else name]
        id_key, label_key = ("name", "name") if name == "places" else ("code", "name")
    else:
        entries = read_data(name)[name]
        id_key = "id"
        label_key = "label" if entries and "label" in entries[0] else "name"
    terms: list[Term] = []
    aliases: dict[str, list[str]] = {}
    patterns: dict[str, list[str]] = {}
    contextual: dict[str, list[str]] = {}
    for entry in entries:
        term_id = str(entry[id_key]) if name != "places" else place_id(entry)
        attrs = {k: v for k, v in entry.items()
                 if k not in ("aliases", "patterns", "contextual_aliases")}
        contextual[term_id] = [str(a) for a in entry.get("contextual_aliases") or []]
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
    return Vocabulary(name, terms, aliases, patterns, contextual)


def place_id(entry: dict[str, Any]) -> str:
    """A place's term id: ``COUNTRY:REGION:NAME`` (``KP:KP-10:Hyesan``)."""
    return f"{entry.get('country') or 'XX'}:{entry.get('region') or ''}:{entry['name']}"
