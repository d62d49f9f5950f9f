"""Full-text search on PostgreSQL: FTS5's tables and queries as tsvectors and tsqueries.

On PostgreSQL each FTS5 table (``reports_fts``, ``reports_hangul``) is a table of
``(rowid, doc tsvector)`` with a GIN index (:mod:`.pgsql`). A document is tokenised here as
FTS5's ``unicode61 remove_diacritics 2`` tokeniser does (runs of letters and digits, case
and diacritics folded), so both databases see the same words whatever the server's locale,
and PostgreSQL's ``simple`` configuration only lowercases them. Each column is a weight:
the title A, the text B.

A query keeps FTS5's syntax (:func:`tsquery`): barewords and "phrases" (``<->``), ``AND``,
``OR``, ``NOT``, parentheses, ``prefix*``, ``+`` between phrases, ``title:``/``text:``
column filters (weights) and ``NEAR(a b)`` (both phrases anywhere in the report: PostgreSQL
has no "within N words"). ``^`` (a column's first word) is read as the phrase itself.
Relevance is ``ts_rank``, not FTS5's bm25, so equally good matches may come in another order.
Snippets are made from the report's text by :func:`corroborate.textsearch.snippet`.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .. import textsearch
from .pgsql import FTS_TABLES

__all__ = ["document", "matching", "newest", "ranked", "snippets", "tsquery"]

Array = npt.NDArray[Any]

_TOKEN = re.compile(r"[^\W_]+")
_JAMO = re.compile("[\u1100-\u11ff]")
# an FTS5 query's lexemes: a "string", a bareword, or one character of syntax
_LEXEME = re.compile(r'\s+|"(?:[^"]|"")*"?|[0-9A-Za-z_\x1a\x80-\U0010ffff]+|.', re.S)
_BARE = re.compile(r"[0-9A-Za-z_\x1a\x80-\U0010ffff]+")


def _fold(text: str) -> str:
    """Lower case without diacritics (Hangul syllables come back composed)."""
    text = text.lower()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", kept)


def tokens(text: str | None) -> list[str]:
    return _TOKEN.findall(_fold(text or ""))


def document(text: str | None) -> str:
    """``text`` as its words, spaced: what ``to_tsvector('simple', ...)`` is given."""
    return " ".join(tokens(text))


# -- queries -----------------------------------------------------------------------------

def _error(near: str) -> sqlite3.OperationalError:
    return sqlite3.OperationalError(f'fts5: syntax error near "{near}"')


@dataclass
class _Parser:
    """FTS5's query grammar, read into a tsquery (None: a query that matches nothing)."""

    lexemes: list[str]
    columns: tuple[str, ...]
    at: int = 0

    def peek(self, ahead: int = 0) -> str:
        i = self.at + ahead
        return self.lexemes[i] if i < len(self.lexemes) else ""

    def take(self, expected: str | None = None) -> str:
        lex = self.peek()
        if expected is not None and lex != expected:
            raise _error(lex or expected)
        self.at += 1
        return lex

    def query(self) -> str | None:
        found = self.either()
        if self.peek():
            raise _error(self.peek())
        return found

    def either(self) -> str | None:
        parts = [self.both()]
        while self.peek() == "OR":
            self.take()
            parts.append(self.both())
        kept = [p for p in parts if p is not None]
        return "(" + " | ".join(kept) + ")" if kept else None

    def both(self) -> str | None:
        parts = [self.unless()]
        while self.peek() == "AND" or self._starts(self.peek()):
            if self.peek() == "AND":
                self.take()
            parts.append(self.unless())
        if any(p is None for p in parts):
            return None
        return "(" + " & ".join(p for p in parts if p) + ")"

    def unless(self) -> str | None:
        found = self.primary("")
        while self.peek() == "NOT":
            self.take()
            other = self.primary("")
            if found is not None and other is not None:
                found = f"({found} & !{other})"
        return found

    def _starts(self, lex: str) -> bool:
        return bool(lex) and (lex[0] in '"({-^' or (bool(_BARE.fullmatch(lex))
                                                      and lex not in ("AND", "OR", "NOT")))

    def primary(self, weights: str) -> str | None:
        lex = self.peek()
        if lex in ("-", "{") or (_BARE.fullmatch(lex) and self.peek(1) == ":"):
            return self.primary(self.colspec())
        if lex == "(":
            self.take()
            found = self.either()
            self.take(")")
            return _weigh(found, weights)
        if lex == "NEAR" and self.peek(1) == "(":
            return self.near(weights)
        if lex == "^":
            self.take()
        return self.phrase(weights)

    def colspec(self) -> str:
        negated = self.peek() == "-"
        if negated:
            self.take()
        names = []
        if self.peek() == "{":
            self.take()
            while self.peek() not in ("}", ""):
                names.append(self.take())
            self.take("}")
        else:
            names.append(self.take())
        self.take(":")
        for name in names:
            if name.lower() not in self.columns:
                raise sqlite3.OperationalError(f"no such column: {name}")
        chosen = {self.columns.index(n.lower()) for n in names}
        if negated:
            chosen = set(range(len(self.columns))) - chosen
        return "".join("ABCD"[i] for i in sorted(chosen)) or "-"

    def near(self, weights: str) -> str | None:
        self.take()
        self.take("(")
        phrases = []
        while self.peek() not in (")", ",", ""):
            phrases.append(self.phrase(weights))
        if self.peek() == ",":
            self.take()
            if not self.take().isdigit():
                raise _error(",")
        self.take(")")
        if any(p is None for p in phrases) or not phrases:
            return None
        return "(" + " & ".join(p for p in phrases if p) + ")"

    def phrase(self, weights: str) -> str | None:
        words: list[str] = []
        while True:
            lex = self.take()
            if lex.startswith('"'):
                if len(lex) < 2 or not lex.endswith('"'):
                    raise _error(lex)
                found = tokens(lex[1:-1].replace('""', '"'))
            elif _BARE.fullmatch(lex) and lex not in ("AND", "OR", "NOT"):
                found = tokens(lex)
            else:
                raise _error(lex or "end of query")
            prefix = self.peek() == "*"
            if prefix:
                self.take()
            words += [f"'{w}'" for w in found]
            if prefix and words:
                words[-1] += ":*"
            if self.peek() != "+":
                break
            self.take()
        if not words:
            return None
        return _weigh(words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")", weights)


def _weigh(found: str | None, weights: str) -> str | None:
    """Every lexeme of ``found`` not yet limited to columns limited to ``weights`` (the
    innermost filter wins); "-": a filter that leaves no column, so nothing matches."""
    if found is None or not weights:
        return found
    if weights == "-":
        return None
    return re.sub(r"('[^']*')(:\*)?(?![:A-D*])",
                  lambda m: f"{m.group(1)}:{'*' if m.group(2) else ''}{weights}", found)


def tsquery(query: str, table: str = "reports_fts") -> str | None:
    """An FTS5 query as a ``to_tsquery('simple', ...)`` text; None if it can match nothing.
    A query FTS5 would refuse raises ``sqlite3.OperationalError``."""
    lexemes = [lex for lex in _LEXEME.findall(query) if not lex.isspace()]
    return _Parser(lexemes, FTS_TABLES[table]).query()


# -- searching: textsearch's functions, on PostgreSQL --------------------------------------

def _tables(query: str) -> list[tuple[str, str | None, str]]:
    """(table, tsquery, condition) for each full-text table a query is asked of, as in
    ``textsearch._tables``: a query with Hangul goes rewritten to ``reports_hangul``, and
    as written to ``reports_fts`` for the reports without Hangul."""
    if not textsearch.has_hangul(query):
        return [("reports_fts", tsquery(query), "")]
    return [("reports_hangul", tsquery(textsearch.rewrite(query).hangul, "reports_hangul"), ""),
            ("reports_fts", tsquery(query),
             " AND rowid NOT IN (SELECT rowid FROM reports_hangul)")]


def _ints(text: str | None) -> Array:
    return np.fromstring(text, dtype=np.int64, sep=",") if text else np.zeros(0, np.int64)


def matching(db: Any, query: str) -> Array:
    """The rowids of the reports ``query`` matches, ascending (``textsearch.matching``)."""
    found = [_ints(db.execute(f"SELECT string_agg(rowid::text, ',') FROM {table} "
                              f"WHERE doc @@ to_tsquery('simple', ?){where}", (q,)).fetchone()[0])
             for table, q, where in _tables(query) if q is not None]
    return np.sort(np.concatenate(found)) if found else np.zeros(0, np.int64)


def newest(db: Any, query: str, count: int) -> Array:
    """The rowids of the ``count`` newest (last added) matches, ascending."""
    found = [np.array([r[0] for r in db.execute(
        f"SELECT rowid FROM {table} WHERE doc @@ to_tsquery('simple', ?){where} "
        f"ORDER BY rowid DESC LIMIT ?", (q, count))], dtype=np.int64)
        for table, q, where in _tables(query) if q is not None]
    return np.sort(np.concatenate(found))[-count:] if found else np.zeros(0, np.int64)


def ranked(db: Any, query: str, rowids: Array) -> Array:
    """``rowids`` (reports ``query`` matches) best first by ``ts_rank``; a tie in rowid
    order, the Korean reports' matches first (``textsearch.ranked``)."""
    if not len(rowids):
        return rowids
    wanted = [int(r) for r in rowids]
    found: list[tuple[int, float]] = []
    for table, q, where in _tables(query):
        if q is not None:
            found += db.execute(
                f"SELECT rowid, ts_rank(doc, q) FROM {table}, to_tsquery('simple', ?) AS q "
                f"WHERE rowid = ANY(?) AND doc @@ q{where} ORDER BY rowid", (q, wanted)).fetchall()
    ranks = np.array([-r[1] for r in found], dtype=np.float64)
    ids = np.array([r[0] for r in found], dtype=np.int64)
    return ids[np.argsort(ranks, kind="stable")]


def snippets(db: Any, rowids: Iterable[int], query: str, start: str, end: str,
             size: int) -> dict[int, str]:
    """The snippet of each report of ``rowids`` (``textsearch.snippet`` of its text: there
    is no FTS5 ``snippet()`` here), whatever its language."""
    wanted = [int(r) for r in rowids]
    if not wanted:
        return {}
    marks = textsearch.rewrite(query).marks
    rows = db.execute("SELECT rowid, text FROM reports WHERE rowid = ANY(?)",
                      (wanted,)).fetchall()
    return {int(r[0]): textsearch.snippet(_composed(r[1]), marks, start, end, size)
            for r in rows}


def _composed(text: str) -> str:
    return unicodedata.normalize("NFC", text) if _JAMO.search(text) else text
