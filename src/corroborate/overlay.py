"""A collection's vocabulary overlay: aliases and terms an admin adds to the shipped data.

An entry is either an alias added to an existing term ("Hyeasun" for Hyesan) or a new term
(a unit name the shipped organisations lack), each with who added it, when and why. The
entries are kept, in order, as one JSON document in the collection's ``meta`` table;
removing one marks it removed (the history stays). docs/vocabularies.md tells the story.

The overlay applies to extraction in a context: :func:`applied` (or :func:`applying`, on
the pipeline's functions) reads the collection's overlay and makes it the active one for
``vocab`` in the current thread or task only, so the vocabularies, every cache derived from
them and the ``vocab_digest`` stamped on derived rows all reflect it there.

    add_alias(store, "places", "KP:KP-10:Hyesan", "Hyeasun", by="ana")
    with applied(store):
        ...  # extraction sees shipped + overlay
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache, wraps
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from . import vocab
from .errors import CorroborateError

if TYPE_CHECKING:
    from .store import Store

__all__ = ["META_KEY", "VOCABULARIES", "Overlay", "OverlayEntry", "add_alias", "add_term",
           "applied", "applying", "current", "entries", "find_terms", "may_edit_vocabulary",
           "remove"]

log = logging.getLogger(__name__)

META_KEY = "vocabulary_overlay"
_FORMAT = 1
_MAX_PHRASE = 120  # characters: a name, not a sentence


@dataclass(frozen=True)
class _Shape:
    """Where a vocabulary's entries live in the data files and what a new one holds."""

    file: str
    section: str
    id_key: str  # "" for places, whose id is COUNTRY:REGION:NAME
    label_key: str
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    alias_key: str = "aliases"
    new_terms: bool = True


_GAZETTEER = ("places", "regions", "countries", "demonyms")
_SHAPES = {
    "violations": _Shape("violations", "violations", "id", "label"),
    "organisations": _Shape("organisations", "organisations", "id", "name",
                            required=("kind", "actor_type"), optional=("country",)),
    "punishments": _Shape("punishments", "punishments", "id", "label"),
    "outlets": _Shape("outlets", "outlets", "id", "name", required=("kind",),
                      optional=("domains",)),
    "groups": _Shape("groups", "groups", "id", "label"),
    "charges": _Shape("charges", "charges", "id", "label"),
    "countries": _Shape("places", "countries", "code", "name", new_terms=False),
    "demonyms": _Shape("places", "countries", "code", "name", alias_key="demonyms",
                       new_terms=False),
    "regions": _Shape("places", "regions", "code", "name", required=("country",),
                      optional=("lat", "lon")),
    "places": _Shape("places", "places", "", "name", required=("country", "kind"),
                     optional=("region", "lat", "lon")),
}
VOCABULARIES = tuple(_SHAPES)


@dataclass(frozen=True)
class OverlayEntry:
    """One change: an alias of an existing term (``alias``) or a new term (``label``,
    ``aliases``, ``attrs``). ``number`` counts from 1 in the order they were made."""

    number: int
    kind: str  # "alias" or "term"
    vocabulary: str
    term_id: str
    by: str
    at: str
    note: str = ""
    alias: str | None = None
    label: str | None = None
    aliases: tuple[str, ...] = ()
    attrs: dict[str, Any] = field(default_factory=dict)
    removed_by: str | None = None
    removed_at: str | None = None

    @property
    def active(self) -> bool:
        return self.removed_at is None

    def content(self) -> dict[str, Any]:
        """What the entry changes in the vocabularies (not who, when or why)."""
        if self.kind == "alias":
            return {"kind": "alias", "vocabulary": self.vocabulary, "term_id": self.term_id,
                    "alias": self.alias}
        return {"kind": "term", "vocabulary": self.vocabulary, "term_id": self.term_id,
                "label": self.label, "aliases": list(self.aliases), "attrs": self.attrs}

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["aliases"] = list(self.aliases)
        return {k: v for k, v in out.items() if v not in (None, [], {})}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> OverlayEntry:
        return cls(**{**raw, "aliases": tuple(raw.get("aliases") or ())})


class Overlay:
    """The active entries of a collection's overlay, as ``vocab`` merges them into the
    shipped data (:class:`vocab.DataOverlay`)."""

    def __init__(self, entries: Iterable[OverlayEntry]) -> None:
        self.entries = tuple(e for e in entries if e.active)
        text = json.dumps([e.content() for e in self.entries], sort_keys=True,
                          ensure_ascii=False)
        self.digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def merge(self, file: str, data: Any) -> Any:
        mine = [e for e in self.entries if _SHAPES[e.vocabulary].file == file]
        if not mine:
            return data
        out = dict(data)
        for section in dict.fromkeys(_SHAPES[e.vocabulary].section for e in mine):
            out[section] = _merged(section, list(out.get(section) or []),
                                   [e for e in mine if _SHAPES[e.vocabulary].section == section])
        return out


def _merged(section: str, rows: list[dict[str, Any]],
            changes: list[OverlayEntry]) -> list[dict[str, Any]]:
    """A data section with the changes made, in order (an alias may name a term added
    before it). A change the shipped data now contradicts is skipped, and logged."""
    where = {_row_id(section, row): i for i, row in enumerate(rows)}
    for entry in changes:
        shape = _SHAPES[entry.vocabulary]
        i = where.get(entry.term_id)
        if entry.kind == "term":
            if i is not None:
                log.warning("overlay entry %d: %s already has %s", entry.number, section,
                            entry.term_id)
                continue
            where[entry.term_id] = len(rows)
            rows.append(_new_row(shape, entry))
        elif i is None:
            log.warning("overlay entry %d: %s has no %s", entry.number, section,
                        entry.term_id)
        else:
            row = dict(rows[i])
            row[shape.alias_key] = [*(row.get(shape.alias_key) or []), entry.alias]
            rows[i] = row
    return rows


def _row_id(section: str, row: dict[str, Any]) -> str:
    if section == "places":
        return vocab.place_id(row)
    return str(row.get("code") if section in ("countries", "regions") else row.get("id"))


def _new_row(shape: _Shape, entry: OverlayEntry) -> dict[str, Any]:
    row: dict[str, Any] = {shape.id_key: entry.term_id} if shape.id_key else {}
    row[shape.label_key] = entry.label
    if shape.section == "places":
        row.setdefault("region", None)
    row.update(entry.attrs)
    row["aliases"] = list(entry.aliases)
    return row


# --- reading and applying ------------------------------------------------------------------

def entries(store: Store) -> list[OverlayEntry]:
    """Every entry ever made, removed ones too, in order."""
    row = store.db.execute("SELECT value FROM meta WHERE key = ?", (META_KEY,)).fetchone()
    return list(_parsed(row[0])) if row else []


@lru_cache(maxsize=16)
def _parsed(raw: str) -> tuple[OverlayEntry, ...]:
    try:
        doc = json.loads(raw)
        if doc.get("format", _FORMAT) > _FORMAT:
            raise CorroborateError("the collection's vocabulary overlay was written by a "
                                   "newer corroborate: upgrade to read it")
        return tuple(OverlayEntry.from_dict(e) for e in doc["entries"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CorroborateError(f"the collection's vocabulary overlay is damaged ({exc})") \
            from exc


def current(store: Store) -> Overlay | None:
    """The collection's overlay, or None when it adds nothing."""
    return _overlay_of(entries(store))


def _overlay_of(found: list[OverlayEntry]) -> Overlay | None:
    overlay = Overlay(found)
    return overlay if overlay.entries else None


@contextmanager
def applied(store: Store) -> Iterator[Overlay | None]:
    """Extract with the collection's overlay in this context (thread, task) only."""
    found = current(store)
    with vocab.overlaid(found):
        yield found


P = ParamSpec("P")
R = TypeVar("R")


def applying(fn: Callable[Concatenate[Store, P], R]) -> Callable[Concatenate[Store, P], R]:
    """Run a function of a store (``pipeline.ingest``) with the store's overlay applied."""

    @wraps(fn)
    def run(store: Store, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with applied(store):
            return fn(store, *args, **kwargs)

    return run


def find_terms(store: Store, vocabulary: str, query: str = "",
               limit: int = 20) -> list[vocab.Term]:
    """Terms of a vocabulary (shipped + overlay) whose id or label holds ``query``, or that
    ``query`` names: how to find the id an alias is added to."""
    _shape(vocabulary)
    needle = query.strip().casefold()
    with applied(store):
        found = vocab.load(vocabulary)
        named = found.named_by(query) if needle else None
        hits = [t for t in found if needle in t.id.casefold() or needle in t.label.casefold()]
    if named is not None and named not in hits:
        hits.insert(0, named)
    return hits[:limit]


# --- changing ----------------------------------------------------------------------------

def may_edit_vocabulary(store: Store, name: str) -> bool:
    """Whether ``name`` may change the overlay: anyone while the collection has no
    accounts (one person at a laptop), else admins only."""
    from .users import user

    if not store.db.execute("SELECT 1 FROM users LIMIT 1").fetchone():
        return True
    found = user(store, name)
    return found is not None and found.role == "admin"


def add_alias(store: Store, vocabulary: str, term_id: str, alias: str, by: str,
              note: str = "") -> OverlayEntry:
    """Add ``alias`` to an existing term; the next extraction finds the term by it."""
    with _editing(store, by) as (made, stamp):
        _shape(vocabulary)
        term_id = _required(term_id, "a term id")
        alias = _phrase(alias, "an alias")
        with vocab.overlaid(_overlay_of(made)):
            _existing(vocabulary, term_id)
            _unclaimed(vocabulary, [alias], term_id)
        entry = OverlayEntry(len(made) + 1, "alias", vocabulary, term_id, by.strip(), stamp,
                             note.strip(), alias=alias)
        made.append(entry)
    return entry


def add_term(store: Store, vocabulary: str, term_id: str, label: str,
             aliases: Iterable[str], attrs: dict[str, Any], by: str,
             note: str = "") -> OverlayEntry:
    """Add a new term, with the attributes the vocabulary's entries need (a place its
    country and kind, an organisation its kind and actor type; docs/vocabularies.md)."""
    with _editing(store, by) as (made, stamp):
        shape = _shape(vocabulary)
        if not shape.new_terms:
            raise CorroborateError(f"{vocabulary} takes aliases only, not new terms")
        term_id = _required(term_id, "a term id")
        label = _phrase(label, "a label")
        names = list(dict.fromkeys(_phrase(a, "an alias") for a in aliases))
        with vocab.overlaid(_overlay_of(made)):
            clean = _attrs(vocabulary, shape, attrs)
            _new_id(vocabulary, term_id, label, clean)
            _unclaimed(vocabulary, [label, *names], None)
        entry = OverlayEntry(len(made) + 1, "term", vocabulary, term_id, by.strip(), stamp,
                             note.strip(), label=label, aliases=tuple(names), attrs=clean)
        made.append(entry)
    return entry


def remove(store: Store, number: int, by: str) -> OverlayEntry:
    """Mark entry ``number`` removed: the next extraction no longer uses it."""
    with _editing(store, by) as (made, stamp):
        if not 1 <= number <= len(made):
            raise CorroborateError(f"the overlay has no entry {number}")
        entry = made[number - 1]
        if not entry.active:
            raise CorroborateError(f"entry {number} was removed by {entry.removed_by} at "
                                   f"{entry.removed_at}")
        if entry.kind == "term":
            leaning = [e.number for e in made if e.active and e.kind == "alias"
                       and (e.vocabulary, e.term_id) == (entry.vocabulary, entry.term_id)]
            if leaning:
                raise CorroborateError(f"entry {number} is a term that entries "
                                       f"{', '.join(map(str, leaning))} add aliases to: "
                                       f"remove them first")
        made[number - 1] = replace(entry, removed_by=by.strip(), removed_at=stamp)
    return made[number - 1]


@contextmanager
def _editing(store: Store, by: str) -> Iterator[tuple[list[OverlayEntry], str]]:
    """The entries to change, under the collection's write lock, written back unless the
    change raised (an ingest under way finishes with the overlay it began with)."""
    if not by.strip():
        raise CorroborateError("say who makes the change (the user's name)")
    with store.locked():
        if not may_edit_vocabulary(store, by.strip()):
            raise CorroborateError(f"{by.strip()!r} may not change the vocabularies: once "
                                   f"the collection has accounts, only an admin may")
        made = entries(store)
        yield made, datetime.now(UTC).isoformat(timespec="seconds")
        doc = {"format": _FORMAT, "entries": [e.to_dict() for e in made]}
        with store.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                       (META_KEY, json.dumps(doc, ensure_ascii=False, sort_keys=True)))


# --- checks ------------------------------------------------------------------------------

def _shape(vocabulary: str) -> _Shape:
    if vocabulary not in _SHAPES:
        raise CorroborateError(f"unknown vocabulary {vocabulary!r}: one of "
                               f"{', '.join(VOCABULARIES)}")
    return _SHAPES[vocabulary]


def _required(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise CorroborateError(f"{what} may not be empty")
    if any(unicodedata.category(c).startswith("C") for c in value):
        raise CorroborateError(f"{what} may not hold control characters: {value!r}")
    return value


def _phrase(value: str, what: str) -> str:
    """A name as a report would write it: some words, on one line, not too long."""
    value = " ".join(_required(value, what).split())
    if len(value) > _MAX_PHRASE:
        raise CorroborateError(f"{what} is at most {_MAX_PHRASE} characters: {value[:40]!r}…")
    if not vocab.phrase_key(value):
        raise CorroborateError(f"{what} must hold a word: {value!r}")
    return value


def _existing(vocabulary: str, term_id: str) -> None:
    # a country without demonyms is not in the demonyms vocabulary until it has one
    found = vocab.load("countries" if vocabulary == "demonyms" else vocabulary)
    if term_id in found.terms:
        return
    hint = found.lookup(term_id)
    raise CorroborateError(f"{vocabulary} has no term {term_id!r}"
                           + (f" (did you mean {hint.id!r}, {hint.label}?)" if hint else ""))


def _unclaimed(vocabulary: str, phrases: list[str], owner: str | None) -> None:
    """Each phrase must be new: an alias claimed twice is an error, as in the shipped
    data. Places, regions, countries and demonyms are one namespace: a report's place
    names are looked up in all four."""
    family = _GAZETTEER if vocabulary in _GAZETTEER else (vocabulary,)
    for phrase in phrases:
        for name in family:
            term = vocab.load(name).named_by(phrase)
            if term is None:
                continue
            if name == vocabulary and term.id == owner:
                raise CorroborateError(f"{phrase!r} is already a name of {term.label} "
                                       f"({vocabulary} {term.id})")
            raise CorroborateError(f"{phrase!r} already names {term.label} ({name} "
                                   f"{term.id}): an alias names one term only")


_ID = re.compile(r"[a-z][a-z0-9_]{1,62}")
_REGION_ID = re.compile(r"[A-Z]{2}-[A-Z0-9]{1,3}")


def _new_id(vocabulary: str, term_id: str, label: str, attrs: dict[str, Any]) -> None:
    if vocabulary == "places":
        expected = vocab.place_id({**attrs, "name": label})
        if term_id != expected:
            raise CorroborateError(f"a place's id is COUNTRY:REGION:NAME, here {expected!r}")
    elif vocabulary == "regions":
        if not _REGION_ID.fullmatch(term_id) or not term_id.startswith(f"{attrs['country']}-"):
            raise CorroborateError(f"a region's id is its ISO 3166-2 code, beginning with "
                                   f"its country: {attrs['country']}-…, not {term_id!r}")
    elif not _ID.fullmatch(term_id):
        raise CorroborateError(f"a term id is lower-case letters, digits and _, beginning "
                               f"with a letter: {term_id!r}")
    if term_id in vocab.load(vocabulary).terms:
        raise CorroborateError(f"{vocabulary} already has a term {term_id!r}")


def _attrs(vocabulary: str, shape: _Shape, given: dict[str, Any]) -> dict[str, Any]:
    allowed = shape.required + shape.optional
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise CorroborateError(f"{vocabulary} terms take no {', '.join(unknown)} (they take "
                               f"{', '.join(allowed) or 'no attributes'})")
    missing = [k for k in shape.required if given.get(k) in (None, "")]
    if missing:
        raise CorroborateError(f"a new {vocabulary} term needs {', '.join(missing)}")
    out: dict[str, Any] = {}
    for key in allowed:
        if given.get(key) not in (None, ""):
            check: _Check = _ATTR_CHECKS.get(key, _choice)
            out[key] = check(vocabulary, key, given[key], out)
    return out


_Check = Callable[[str, str, Any, dict[str, Any]], Any]


def _choice(vocabulary: str, key: str, value: Any, _done: dict[str, Any]) -> str:
    """One of the values the shipped entries use (a place's kind, an actor type)."""
    shape = _SHAPES[vocabulary]
    rows = vocab.read_data(shape.file)[shape.section]
    choices = sorted({str(r[key]) for r in rows if r.get(key)})
    text = str(value).strip()
    if text not in choices:
        raise CorroborateError(f"{key} of {vocabulary} is one of {', '.join(choices)}, "
                               f"not {text!r}")
    return text


def _country(_vocabulary: str, _key: str, value: Any, _done: dict[str, Any]) -> str:
    code = str(value).strip().upper()
    if code not in vocab.load("countries").terms:
        raise CorroborateError(f"unknown country {value!r}: an ISO 3166-1 code (KP, CN)")
    return code


def _region(_vocabulary: str, _key: str, value: Any, done: dict[str, Any]) -> str:
    code = str(value).strip().upper()
    term = vocab.load("regions").terms.get(code)
    if term is None or term.attrs.get("country") != done.get("country"):
        raise CorroborateError(f"unknown region {value!r} of {done.get('country')}: an ISO "
                               f"3166-2 code (KP-10)")
    return code


def _coordinate(_vocabulary: str, key: str, value: Any, _done: dict[str, Any]) -> float:
    bound = 90.0 if key == "lat" else 180.0
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not -bound <= number <= bound:
        raise CorroborateError(f"{key} is a number of degrees from {-bound:g} to {bound:g}, "
                               f"not {value!r}")
    return number


_DOMAIN = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+")


def _domains(_vocabulary: str, _key: str, value: Any, _done: dict[str, Any]) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value)
    found = [str(d).strip().lower() for d in items if str(d).strip()]
    bad = [d for d in found if not _DOMAIN.fullmatch(d)]
    if bad or not found:
        raise CorroborateError(f"domains are registrable domains (rfa.org), comma separated:"
                               f" not {', '.join(bad) or repr(value)}")
    return found


# country before region: a region is checked against the country (allowed order is kept)
_ATTR_CHECKS: dict[str, _Check] = {
    "country": _country, "region": _region, "lat": _coordinate, "lon": _coordinate,
    "domains": _domains,
}
