"""Controlled vocabularies, declared as data files in ``corroborate/data/``.

Each vocabulary is a list of terms with an id, a label, plain-phrase ``aliases`` and optional
regex ``patterns``. Aliases are matched as whole words, case-insensitively, with any run of
white space or hyphens between words and optional apostrophes, longest alias first; a
diacritic-free spelling of every alias is added so "Hamgyŏng" and "Hamgyong" both match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

__all__ = ["Hit", "Term", "Vocabulary", "load", "normalise"]


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


def _alias_regex(alias: str) -> str:
    words = re.split(r"[\s\-‐–]+", alias.strip())
    parts = []
    for word in words:
        escaped = re.escape(word.translate(_FOLD_QUOTES))
        # apostrophes optional anywhere they stood in the alias (people's, peoples, people’s)
        if any(q in word for q in "’'‘"):
            head, _, tail = word.replace("’", "'").replace("‘", "'").partition("'")
            escaped = re.escape(head) + "['’‘]?" + re.escape(tail)
        parts.append(escaped)
    return r"[\s\-‐–]+".join(parts)


class Vocabulary:
    """Terms of one kind and a fast matcher over their aliases and patterns."""

    def __init__(self, name: str, terms: list[Term], aliases: dict[str, list[str]],
                 patterns: dict[str, list[str]]) -> None:
        self.name = name
        self.terms = {t.id: t for t in terms}
        self._by_key: dict[str, Term] = {}
        forms: set[str] = set()
        for term in terms:
            for alias in [term.label, *aliases.get(term.id, [])]:
                for form in {alias, _strip_diacritics(alias)}:
                    key = normalise(form)
                    if key and key not in self._by_key:
                        self._by_key[key] = term
                    forms.add(form)
        ordered = sorted(forms, key=lambda f: (-len(f), f))
        self._alias_re = re.compile(
            r"(?<![\w])(?:" + "|".join(_alias_regex(f) for f in ordered) + r")(?![\w])",
            re.IGNORECASE,
        ) if ordered else None
        self._patterns = [
            (self.terms[tid], re.compile(p, re.IGNORECASE))
            for tid, plist in patterns.items() for p in plist
        ]

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms.values())

    def __getitem__(self, term_id: str) -> Term:
        return self.terms[term_id]

    def lookup(self, phrase: str) -> Term | None:
        """The term a phrase names, by id, label or alias."""
        if phrase in self.terms:
            return self.terms[phrase]
        return self._by_key.get(normalise(phrase))

    def find(self, text: str) -> list[Hit]:
        """Every alias or pattern match in ``text``, in order, overlaps resolved longest first."""
        hits: list[Hit] = []
        if self._alias_re is not None:
            for m in self._alias_re.finditer(text):
                term = self._by_key.get(normalise(m.group(0)))
                if term is not None:
                    hits.append(Hit(term, m.start(), m.end(), m.group(0), "alias"))
        for term, regex in self._patterns:
            for m in regex.finditer(text):
                if m.end() > m.start():
                    hits.append(Hit(term, m.start(), m.end(), m.group(0), "pattern"))
        return _without_overlaps(hits)


def _strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed
                                                 if not unicodedata.combining(c)))


def _without_overlaps(hits: list[Hit]) -> list[Hit]:
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept


def _read(name: str) -> Any:
    with resources.files("corroborate.data").joinpath(f"{name}.yaml").open(
            "r", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@cache
def load(name: str) -> Vocabulary:
    """Load a vocabulary by name: violations, organisations, outlets, groups, punishments,
    countries, regions, places."""
    if name in ("countries", "regions", "places"):
        entries = _read("places")[name]
        id_key, label_key = ("code", "name") if name != "places" else ("name", "name")
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
        terms.append(Term(term_id, str(entry[label_key]), attrs))
        aliases[term_id] = [str(a) for a in entry.get("aliases") or []]
        if name == "countries":
            aliases[term_id] += [str(d) for d in entry.get("demonyms") or []]
        if entry.get("patterns"):
            patterns[term_id] = [str(p) for p in entry["patterns"]]
    return Vocabulary(name, terms, aliases, patterns)


def _place_id(entry: dict[str, Any]) -> str:
    return f"{entry.get('country') or 'XX'}:{entry.get('region') or ''}:{entry['name']}"
