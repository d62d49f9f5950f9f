"""Korean: Hangul helpers and the suffix grammar that finds a name inside a run of Hangul.

Korean writes a name and what follows it as one word: 혜산시에서 is 혜산 (Hyesan), the
administrative suffix 시 (city) and the particle 에서 (in); 보위부가 is 보위부 and 가;
체포됐다 is the stem 체포 (arrest) and a verb ending. A name is therefore found where a run
of Hangul *starts* with it and the rest of the run is something the grammar knows:

    run   = [prefix] piece
    piece = name [suffix] (tail | piece)      the second piece: a compound (양강도보위국)
    tail  = "" | particles | verb particles | noun particles
    particles = up to three particles (에서 + 는, 들 + 이)

Suffixes, particles, verb endings, nouns and prefixes are data (``data/ko/endings.yaml``),
each listed for the vocabularies it applies to; :func:`load_grammar` checks the file. The
evidence span of a name covers the name and its administrative suffix (혜산시), never a
particle, noun or ending. A name in the middle of a run (북한 in 남북한) is not found.

This module knows nothing of the vocabularies' terms: ``vocab`` builds a :class:`Lexicon`
of every vocabulary's names and asks it where they are. docs/korean.md tells the rules.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, Generic, TypeVar

from .errors import CorroborateError

__all__ = ["VOCABULARIES", "Grammar", "KoreanNames", "Lexicon", "Name", "SourceWords", "fold",
           "grammar", "hangul_runs", "has_hangul", "is_hangul", "load_grammar", "read_names",
           "source_words", "strip_particles", "with_names"]

# the vocabularies a Korean data file may name (vocab.load's names)
VOCABULARIES = ("violations", "organisations", "punishments", "outlets", "groups", "charges",
                "countries", "demonyms", "regions", "places")
_ALL = "all"  # in endings.yaml: every vocabulary

# syllables, jamo, compatibility jamo and the extended jamo blocks
_HANGUL_CHARS = "\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\ud7b0-\ud7ff"
_HANGUL = re.compile(f"[{_HANGUL_CHARS}]")
_ALL_HANGUL = re.compile(f"[{_HANGUL_CHARS}]+")
_RUN = re.compile(rf"\w*[{_HANGUL_CHARS}]\w*")
_MAX_PARTICLES = 3
_LONGEST_PARTICLE = 6  # characters: 에서부터는 and the like
_MAX_PIECES = 4  # names in one compound run: a long run is not read further


def has_hangul(text: str) -> bool:
    """Whether ``text`` holds any Hangul (a syllable or a jamo)."""
    return _HANGUL.search(text) is not None


def is_hangul(text: str) -> bool:
    """Whether ``text`` is Hangul and nothing else (no digits, spaces or Latin letters)."""
    return _ALL_HANGUL.fullmatch(text) is not None


def hangul_runs(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every word of ``text`` that holds Hangul (``혜산시에서``, ``109상무``)."""
    for m in _RUN.finditer(text):
        yield m.start(), m.end()


def fold(text: str) -> str:
    """The matching key of Korean text: composed (NFC) and lower case. Unlike
    ``vocab.normalise`` it keeps Hangul syllables whole, so a name is a prefix of a word."""
    composed = text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize(
        "NFC", text)
    return composed.lower()


# --- the grammar ---------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Grammar:
    """What may follow (or precede) a name inside a run, by vocabulary."""

    particles: frozenset[str]
    suffixes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    nouns: Mapping[str, frozenset[str]] = field(default_factory=dict)
    prefixes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    verb_forms: frozenset[str] = frozenset()
    verb_vocabularies: frozenset[str] = frozenset()
    _memo: dict[tuple[str, frozenset[str]], bool] = field(default_factory=dict, repr=False,
                                                          compare=False)
    _suffix_memo: dict[frozenset[str], tuple[str, ...]] = field(default_factory=dict,
                                                                repr=False, compare=False)

    def suffixes_of(self, vocabularies: frozenset[str]) -> tuple[str, ...]:
        """The administrative suffixes a name of these vocabularies may take, longest first,
        and "" (none) last."""
        found = self._suffix_memo.get(vocabularies)
        if found is None:
            given = {s for v in (*vocabularies, _ALL) for s in self.suffixes.get(v, ())}
            found = self._suffix_memo[vocabularies] = (
                *sorted(given, key=len, reverse=True), "")
        return found

    def prefixes_of(self, vocabularies: frozenset[str]) -> frozenset[str]:
        return frozenset(p for v in (*vocabularies, _ALL) for p in self.prefixes.get(v, ()))

    def all_prefixes(self) -> frozenset[str]:
        return frozenset(p for found in self.prefixes.values() for p in found)

    def is_tail(self, tail: str, vocabularies: frozenset[str]) -> bool:
        """Whether ``tail`` may end a run after a name of these vocabularies: nothing,
        particles, or a verb ending or a noun of theirs followed by particles."""
        if not tail:
            return True
        if len(tail) > self.longest_tail:  # a run that goes on: no ending of ours is so long
            return False
        if self.is_particles(tail):
            return True
        key = (tail, vocabularies)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._headed_tail(tail, vocabularies)
        return found

    @cached_property
    def longest_tail(self) -> int:
        """The longest ending the grammar can read: a noun or verb form, then particles."""
        heads = [*self.verb_forms, *(n for found in self.nouns.values() for n in found)]
        return max(map(len, heads), default=0) + _MAX_PARTICLES * _LONGEST_PARTICLE

    def _headed_tail(self, tail: str, vocabularies: frozenset[str]) -> bool:
        nouns = {n for v in (*vocabularies, _ALL) for n in self.nouns.get(v, ())}
        verbs = self.verb_forms if vocabularies & self.verb_vocabularies else frozenset()
        for n in range(len(tail), 0, -1):
            head = tail[:n]
            if (head in nouns or head in verbs) and self.is_particles(tail[n:]):
                return True
        return False

    def is_particles(self, text: str, most: int = _MAX_PARTICLES) -> bool:
        """Whether ``text`` is nothing or a chain of at most ``most`` particles."""
        if not text:
            return True
        if most == 0:
            return False
        return any(text[:n] in self.particles and self.is_particles(text[n:], most - 1)
                   for n in range(min(len(text), _LONGEST_PARTICLE), 0, -1))

    def strip_particles(self, word: str) -> str:
        """``word`` less the longest particle chain that ends it, if what remains is not
        empty (혜산에서는 → 혜산; 주민들이 → 주민)."""
        for n in range(1, len(word)):
            if self.is_particles(word[n:]):
                return word[:n]
        return word


_GRAMMAR_KEYS = {"particles", "suffixes", "nouns", "prefixes", "verbs"}
_VERB_KEYS = {"vocabularies", "forms", "past"}
_PAST_KEYS = {"stems", "tails"}


def load_grammar(path: Path | Traversable | None = None) -> Grammar:
    """The grammar in ``path`` (the shipped ``data/ko/endings.yaml`` by default), checked:
    an unknown key or vocabulary, a string that is not Hangul or a string listed twice is
    an error naming the file and the list."""
    source = path or _data("endings.yaml")
    raw = _read_yaml(source)
    where = str(source)
    if not isinstance(raw, dict):
        raise CorroborateError(f"{where}: a mapping of {', '.join(sorted(_GRAMMAR_KEYS))}")
    _known_keys(where, "the file", raw, _GRAMMAR_KEYS)
    verbs = raw.get("verbs") or {}
    _known_keys(where, "verbs", verbs, _VERB_KEYS)
    past = verbs.get("past") or {}
    _known_keys(where, "verbs.past", past, _PAST_KEYS)
    forms = _strings(where, "verbs.forms", verbs.get("forms"))
    stems = _strings(where, "verbs.past.stems", past.get("stems"))
    tails = _strings(where, "verbs.past.tails", past.get("tails"))
    return Grammar(
        particles=frozenset(_strings(where, "particles", raw.get("particles"))),
        suffixes=_by_vocabulary(where, "suffixes", raw.get("suffixes")),
        nouns={k: frozenset(v) for k, v in _by_vocabulary(where, "nouns",
                                                          raw.get("nouns")).items()},
        prefixes=_by_vocabulary(where, "prefixes", raw.get("prefixes")),
        verb_forms=frozenset([*forms, *(s + t for s in stems for t in tails)]),
        verb_vocabularies=frozenset(_vocabulary_names(where, "verbs.vocabularies",
                                                      verbs.get("vocabularies") or [])))


@cache
def grammar() -> Grammar:
    """The shipped grammar (``data/ko/endings.yaml``)."""
    return load_grammar()


def strip_particles(word: str) -> str:
    """``word`` less the particles that end it, by the shipped grammar (혜산에서 → 혜산)."""
    return grammar().strip_particles(fold(word))


def _by_vocabulary(where: str, key: str, value: Any) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CorroborateError(f"{where}: {key}: a mapping of vocabulary names to lists")
    _vocabulary_names(where, key, [*value], allow_all=True)
    return {str(v): _strings(where, f"{key}.{v}", items) for v, items in value.items()}


def _vocabulary_names(where: str, key: str, names: Iterable[Any],
                      allow_all: bool = False) -> list[str]:
    allowed = (*VOCABULARIES, _ALL) if allow_all else VOCABULARIES
    unknown = [str(n) for n in names if n not in allowed]
    if unknown:
        raise CorroborateError(f"{where}: {key}: unknown vocabulary {unknown[0]!r} (one of "
                               f"{', '.join(allowed)})")
    return [str(n) for n in names]


def _strings(where: str, key: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise CorroborateError(f"{where}: {key}: a list of Hangul strings")
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, str) or not is_hangul(item):
            raise CorroborateError(f"{where}: {key}: {item!r} is not a Hangul string")
        if item in seen:
            raise CorroborateError(f"{where}: {key}: {item!r} is listed twice")
        seen.add(item)
    return tuple(str(v) for v in value)


def _known_keys(where: str, what: str, value: Any, keys: Collection[str]) -> None:
    if not isinstance(value, dict):
        raise CorroborateError(f"{where}: {what}: a mapping of {', '.join(sorted(keys))}")
    unknown = sorted(str(k) for k in value if k not in keys)
    if unknown:
        raise CorroborateError(f"{where}: {what}: unknown key {unknown[0]!r} (known: "
                               f"{', '.join(sorted(keys))})")


def _data(name: str) -> Traversable:
    return resources.files("corroborate.data").joinpath("ko", name)


def _read_yaml(path: Path | Traversable) -> Any:
    import yaml  # here, not at the top: commands that read no vocabulary skip it

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with path.open("r", encoding="utf-8") as fh:
            return yaml.load(fh, Loader=loader)
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CorroborateError(f"{path}: cannot be read ({exc})") from exc


# --- the Korean names of a vocabulary's terms ----------------------------------------------

@dataclass(frozen=True)
class KoreanNames:
    """A term's names in a Korean data file."""

    aliases: tuple[str, ...] = ()
    contextual: tuple[str, ...] = ()


_ENTRY_KEYS = {"id", "aliases", "contextual_aliases"}
_MIN_HANGUL = 2  # syllables: a one-syllable name would begin too many words


def read_names(path: Path | Traversable, ids: Collection[str],
               claimed: Mapping[Hashable, str], key: Callable[[str], Hashable],
               contextual: bool = True) -> dict[str, KoreanNames]:
    """The names of one vocabulary's Korean data file, checked against its terms.

    The file maps a term id to its aliases (``kp_mss: [국가보위성, 보위부]``), or to
    ``{aliases: [...], contextual_aliases: [...]}``; or it is a list of ``{id, aliases,
    contextual_aliases}``. ``ids`` are the vocabulary's term ids, ``claimed`` the owner of
    each name the vocabulary already has (by ``key``). An unknown id or key, a name claimed
    twice (in the file, or by another term) or a name of one Hangul syllable is an error
    naming the file and the entry."""
    raw = _read_yaml(path)
    where = str(path)
    entries = _entries(where, raw)
    mine: dict[Hashable, str] = {}
    out: dict[str, KoreanNames] = {}
    for term_id, value in entries:
        at = f"{where}: entry {term_id!r}"
        if term_id not in ids:
            raise CorroborateError(f"{at}: no such term in the vocabulary")
        if term_id in out:
            raise CorroborateError(f"{at}: the term is listed twice")
        names = _entry_names(at, value, contextual)
        for name in (*names.aliases, *names.contextual):
            _check_name(at, name, key(name), claimed, mine, term_id)
        out[term_id] = names
    return out


def with_names(data: dict[str, Any], section: str, alias_key: str,
               names: Mapping[str, KoreanNames],
               id_of: Callable[[dict[str, Any]], str]) -> dict[str, Any]:
    """A copy of a data file's contents with ``names`` appended to the names (under
    ``alias_key``) and contextual aliases of the terms of ``section`` (the shipped data is
    cached and shared: never changed in place)."""
    if not names:
        return data
    rows = []
    for entry in data[section]:
        found = names.get(id_of(entry))
        if found is not None:
            entry = {**entry, alias_key: [*(entry.get(alias_key) or []), *found.aliases]}
            if found.contextual:
                entry["contextual_aliases"] = [*(entry.get("contextual_aliases") or []),
                                               *found.contextual]
        rows.append(entry)
    return {**data, section: rows}


def _entries(where: str, raw: Any) -> list[tuple[str, Any]]:
    if raw is None:
        return []
    if isinstance(raw, dict):
        return [(str(k), v) for k, v in raw.items()]
    if isinstance(raw, list):
        found = []
        for i, item in enumerate(raw):
            if not isinstance(item, dict) or "id" not in item:
                raise CorroborateError(f"{where}: entry {i + 1}: a mapping with an id")
            found.append((str(item["id"]), item))
        return found
    raise CorroborateError(f"{where}: a mapping of term ids to names, or a list of entries")


def _entry_names(at: str, value: Any, contextual: bool) -> KoreanNames:
    if isinstance(value, list):
        value = {"aliases": value}
    if not isinstance(value, dict):
        raise CorroborateError(f"{at}: a list of names or a mapping of aliases")
    allowed = _ENTRY_KEYS if contextual else _ENTRY_KEYS - {"contextual_aliases"}
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        raise CorroborateError(f"{at}: unknown key {unknown[0]!r} (known: "
                               f"{', '.join(sorted(allowed - {'id'}))})")
    lists = []
    for k in ("aliases", "contextual_aliases"):
        items = value.get(k) or []
        if not isinstance(items, list) or not all(isinstance(i, str) and i.strip()
                                                  for i in items):
            raise CorroborateError(f"{at}: {k}: a list of names")
        lists.append(tuple(" ".join(i.split()) for i in items))
    return KoreanNames(lists[0], lists[1])


def _check_name(at: str, name: str, name_key: Hashable, claimed: Mapping[Hashable, str],
                mine: dict[Hashable, str], term_id: str) -> None:
    if has_hangul(name) and len(_HANGUL.findall(name)) < _MIN_HANGUL:
        raise CorroborateError(f"{at}: {name!r} is one syllable: it would begin too many "
                               f"words")
    keys: list[Hashable] = [name_key]
    checks = list(keys)
    if has_hangul(name):
        # 공개 처형 is also found written 공개처형: listing both is claiming it twice
        joined = fold(name).replace(" ", "")
        spaced = " " in name
        keys.append(("spaced" if spaced else "solid", joined))
        checks.append(("solid" if spaced else "spaced", joined))
    for found in checks:
        owner = mine.get(found) or claimed.get(found)
        if owner is not None:
            whose = "it" if owner == term_id else repr(owner)
            raise CorroborateError(f"{at}: {name!r} is claimed twice ({whose} already has "
                                   f"it)")
    mine.update(dict.fromkeys(keys, term_id))


# --- finding names in text -----------------------------------------------------------------

T = TypeVar("T")


@dataclass(frozen=True)
class Name(Generic[T]):
    """A name to find: its folded words, its vocabulary and what the caller makes of it."""

    words: tuple[str, ...]
    vocabulary: str
    ref: T


_WORDS = re.compile(r"\w+")
_GAP = re.compile(r"[\s\-‐–]*")
Found = tuple[int, int, "Name[T]"]


class Lexicon(Generic[T]):
    """Names of every vocabulary, found in text by the grammar (see the module docstring).

    A run is read once for all vocabularies: at each position the longest name after which
    the run parses is taken, so 조선인민군 is the army, not the country 조선 before 인민군.
    Names of several words (내부 소식통) are found where the words are separate and, for
    Hangul names, written together (내부소식통)."""

    def __init__(self, names: Iterable[Name[T]], rules: Grammar | None = None) -> None:
        self.grammar = rules or grammar()
        self._single: dict[str, list[Name[T]]] = {}
        self._multi: dict[str, list[Name[T]]] = {}
        for name in names:
            if len(name.words) == 1:
                self._single.setdefault(name.words[0], []).append(name)
                continue
            self._multi.setdefault(name.words[0], []).append(name)
            if any(has_hangul(w) for w in name.words):
                # Korean spacing varies: 내부 소식통 is also written 내부소식통
                self._single.setdefault("".join(name.words), []).append(name)
        self._vocabularies = {w: frozenset(n.vocabulary for n in found)
                              for w, found in self._single.items()}
        self._longest = max((len(w) for w in self._single), default=0)
        self._prefixes = self.grammar.all_prefixes()
        self._prefix_lengths = sorted({len(p) for p in self._prefixes}, reverse=True)

    @staticmethod
    def words(phrase: str) -> tuple[str, ...]:
        """The folded words of a name, as the lexicon keys them."""
        return tuple(_WORDS.findall(fold(phrase)))

    def find(self, text: str, spans: Sequence[tuple[int, int]]) -> list[Found[T]]:
        """(start, end, name) of the names in ``text``, whose words are at ``spans``; in
        text order, overlaps left for the caller to resolve (every vocabulary apart)."""
        folded = [fold(text[s:e]) for s, e in spans]
        found: list[Found[T]] = []
        for i, (start, end) in enumerate(spans):
            word = folded[i]
            if len(word) != end - start:
                continue  # folding changed its length: offsets would not hold
            if word in self._multi:
                found += self._multi_at(text, spans, folded, i)
            if has_hangul(word):
                for p, q, names in self._segment(word, 0, 0) or ():
                    found += [(start + p, start + q, n) for n in names]
        return found

    def named(self, phrase: str) -> list[Name[T]]:
        """The names written as ``phrase``, without an ending (a Hangul name also with its
        words run together: 공개처형 is 공개 처형)."""
        words = self.words(phrase)
        if not words:
            return []
        found = [n for n in self._multi.get(words[0], ()) if n.words == words]
        if len(words) == 1 or any(has_hangul(w) for w in words):
            found += [n for n in self._single.get("".join(words), ()) if n not in found]
        return found

    def match(self, phrase: str) -> list[Name[T]]:
        """The names ``phrase`` is, with an ending the grammar allows (혜산시에서: Hyesan)."""
        word = fold(phrase)
        pieces = self._segment(word, 0, 0) if _WORDS.fullmatch(word) else None
        if pieces and len(pieces) == 1 and pieces[0][0] == 0:
            return list(pieces[0][2])
        return []

    def _multi_at(self, text: str, spans: Sequence[tuple[int, int]], folded: list[str],
                  i: int) -> list[Found[T]]:
        found: list[Found[T]] = []
        for name in self._multi[folded[i]]:
            n = len(name.words)
            if i + n > len(spans) or not all(
                    folded[i + j] == name.words[j] and _GAP.fullmatch(
                        text[spans[i + j][1]:spans[i + j + 1][0]]) is not None
                    for j in range(n - 1)):
                continue
            last, (at, end) = name.words[-1], spans[i + n - 1]
            word = folded[i + n - 1]
            if not word.startswith(last) or len(word) != end - at:
                continue
            if not has_hangul(word) and not any(has_hangul(w) for w in name.words):
                continue  # no Hangul in the name or after it: the word matcher's
            rest = self._after(word, len(last), frozenset([name.vocabulary]), 1)
            if rest is not None:
                q, pieces = rest
                found.append((spans[i][0], at + q, name))
                found += [(at + p, at + e, m) for p, e, names in pieces for m in names]
        return found

    def _segment(self, word: str, p: int,
                 depth: int) -> list[tuple[int, int, list[Name[T]]]] | None:
        """The names that make up ``word`` from ``p``, each (start, end of span, names),
        or None where the run does not parse."""
        for k in range(min(len(word) - p, self._longest), 0, -1):
            head = word[p:p + k]
            names = self._single.get(head)
            if names is None:
                continue
            rest = self._after(word, p + k, self._vocabularies[head], depth)
            if rest is not None:
                q, pieces = rest
                return [(p, q, names), *pieces]
        if p == 0 and depth == 0:
            return self._after_prefix(word)
        return None

    def _after(self, word: str, q: int, vocabularies: frozenset[str],
               depth: int) -> tuple[int, list[tuple[int, int, list[Name[T]]]]] | None:
        """Where the span of a name ending at ``q`` ends (after its suffix), and the names
        compounded after it, if the rest of the run parses."""
        for suffix in self.grammar.suffixes_of(vocabularies):
            if not word.startswith(suffix, q):
                continue
            end = q + len(suffix)
            if self.grammar.is_tail(word[end:], vocabularies):
                return end, []
            if depth + 1 < _MAX_PIECES and end < len(word):
                pieces = self._segment(word, end, depth + 1)
                if pieces is not None:
                    return end, pieces
        return None

    def _after_prefix(self, word: str) -> list[tuple[int, int, list[Name[T]]]] | None:
        """A name after a prefix its vocabulary allows (긴급 + 체포): the span is the name."""
        for n in self._prefix_lengths:
            prefix = word[:n]
            if n >= len(word) or prefix not in self._prefixes:
                continue
            pieces = self._segment(word, n, 1)
            if pieces and prefix in self.grammar.prefixes_of(
                    frozenset(n.vocabulary for n in pieces[0][2])):
                return pieces
        return None


# --- who is speaking -----------------------------------------------------------------------

@dataclass(frozen=True)
class SourceWords:
    """Korean words for an anonymous source (소식통) and for reporting (전했다): data for
    the clause reader, as ``data/ko/sources.yaml`` lists them."""

    nouns: tuple[str, ...]
    modifiers: tuple[str, ...]
    reporting: tuple[str, ...]


_SOURCE_KEYS = {"nouns", "modifiers", "reporting"}


def source_words(path: Path | Traversable | None = None) -> SourceWords:
    """The words of ``data/ko/sources.yaml`` (or ``path``), checked like the grammar."""
    source = path or _data("sources.yaml")
    raw = _read_yaml(source)
    where = str(source)
    _known_keys(where, "the file", raw, _SOURCE_KEYS)
    phrases = {k: _phrases(where, k, raw.get(k)) for k in sorted(_SOURCE_KEYS)}
    return SourceWords(phrases["nouns"], phrases["modifiers"], phrases["reporting"])


def _phrases(where: str, key: str, value: Any) -> tuple[str, ...]:
    """Phrases of one or more Hangul words, each listed once."""
    if value is not None and not isinstance(value, list):
        raise CorroborateError(f"{where}: {key}: a list of Hangul phrases")
    items = [" ".join(str(v).split()) for v in value or []]
    for item in items:
        if not item or not all(is_hangul(w) for w in item.split()):
            raise CorroborateError(f"{where}: {key}: {item!r} is not a Hangul phrase")
    _strings(where, key, [i.replace(" ", "") for i in items])  # none twice
    return tuple(items)
