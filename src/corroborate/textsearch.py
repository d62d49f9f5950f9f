"""Korean in full-text search: the Hangul index and the rewriting of queries for it.

FTS5's ``unicode61`` tokenizer (``reports_fts``) makes a Korean word with its particles and
endings one token: 혜산에서 is a token of its own, so a search for 혜산 does not find it,
and FTS5's ``trigram`` tokenizer cannot match a word of two syllables (혜산, 회령, 무산).
So the reports that hold Hangul are indexed a second time, in ``reports_hangul`` (schema
migration 6), in a form where each run of Hangul syllables is replaced by its overlapping
two-syllable pieces, a one-syllable run by itself, and everything else is left as it is::

    양강도 혜산시에서 NK      ->   양강 강도 혜산 산시 시에 에서 NK

A query's Hangul words are rewritten the same way, as phrases of their pieces (혜산 ->
혜산; 보위부 -> "보위 위부"): a phrase matches wherever the word stands inside a longer run
(혜산시, 혜산에서, 보위부가). A query without Hangul is never rewritten: it goes to
``reports_fts`` as it always did. A query with Hangul is answered by both tables: the
rewritten query over the reports that hold Hangul (``reports_hangul``), and the query as
written over the other reports (``reports_fts``), where a Hangul term matches nothing, so
``보위부 OR arrest`` finds the English reports saying "arrest" too, and ``보위부 AND arrest``
only reports with both. Matches are merged by FTS5 rank.

``reports_hangul`` is contentless: a row is deleted by giving the form it was indexed with,
which :func:`hangul_form` computes again from the report's stored text. Changing the form
therefore needs a schema migration that empties the table and fills it again.
"""

from __future__ import annotations

import re
import sqlite3
import sys
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import add
from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import CorroborateError

__all__ = ["RANK_WINDOW", "QueryError", "Rewritten", "delete_row", "fts_snippets",
           "hangul_form", "hangul_snippets", "has_hangul", "index_row", "matching", "newest",
           "ranked", "register", "rewrite", "snippet"]

_SYLLABLES = re.compile("[가-힣]+")
_RUNS = re.compile("([가-힣]+)")
_JAMO = re.compile("[\u1100-\u11ff]")  # decomposed Hangul, composed before indexing
# one FTS5 query lexeme: a "quoted string", a bareword (FTS5's bareword characters), space,
# or any other single character (operators, parentheses, a quote left open)
_LEXEME = re.compile(r'"(?:[^"]|"")*"|[0-9A-Za-z_\x1a\x80-\U0010ffff]+|\s+|.', re.S)
_BARE = re.compile(r"[0-9A-Za-z_\x1a\x80-\U0010ffff]+")
_OPERATORS = {"AND", "OR", "NOT"}
_WORD = re.compile(r"[^\W_]+")
_LAST_SYLLABLE_ALONE = re.compile(r"(?<![가-힣])[가-힣][\W_]*\Z")
# a letter or digit that is not Hangul: where an English term's match may not continue
_EDGE = "[^\\W_가-힣]"

Array = npt.NDArray[Any]


class QueryError(CorroborateError):
    """A search text with Hangul that cannot be rewritten for the Hangul index."""


def _composed(text: str) -> str:
    return unicodedata.normalize("NFC", text) if _JAMO.search(text) else text


def has_hangul(text: str | None) -> bool:
    """Whether ``text`` holds a Hangul syllable (decomposed ones counted): the reports
    that do are the ones ``reports_hangul`` indexes."""
    return bool(text) and _SYLLABLES.search(_composed(text or "")) is not None


@lru_cache(maxsize=1 << 16)
def _pieces(run: str) -> str:
    """A Hangul run's pieces, spaced off. Kept: a language's runs repeat (particles,
    endings, the words of the beat), and this is most of the cost of indexing a report."""
    return f" {run} " if len(run) == 1 else " " + " ".join(map(add, run, run[1:])) + " "


def hangul_form(text: str | None) -> str:
    """``text`` as ``reports_hangul`` indexes it: each Hangul run as its overlapping
    two-syllable pieces (a one-syllable run as itself), spaced off; the rest unchanged."""
    parts = _RUNS.split(_composed(text or ""))
    parts[1::2] = map(_pieces, parts[1::2])  # the runs, between what is not Hangul
    return "".join(parts)


def register(db: sqlite3.Connection) -> None:
    """Make :func:`has_hangul` and :func:`hangul_form` SQL functions on ``db`` (the
    migration that fills ``reports_hangul`` calls them)."""
    db.create_function("has_hangul", 1, lambda t: int(has_hangul(t)), deterministic=True)
    db.create_function("hangul_form", 1, hangul_form, deterministic=True)


def index_row(db: sqlite3.Connection, rowid: int, title: str | None, text: str) -> None:
    """Index a report in ``reports_hangul`` if it holds Hangul (in the caller's
    transaction, beside its ``reports_fts`` row)."""
    if has_hangul(title) or has_hangul(text):
        db.execute("INSERT INTO reports_hangul (rowid, title, text) VALUES (?, ?, ?)",
                   (rowid, hangul_form(title), hangul_form(text)))


def delete_row(db: sqlite3.Connection, rowid: int, title: str | None, text: str) -> None:
    """Drop a report's ``reports_hangul`` row. Contentless: the row is named by the form it
    was indexed with. Only a report that holds Hangul has one, and one written into the
    database by other means may lack it: deleting a row that is not there would damage
    the index, so it is looked up first."""
    if not (has_hangul(title) or has_hangul(text)):
        return
    if db.execute("SELECT 1 FROM reports_hangul WHERE rowid = ?", (rowid,)).fetchone():
        db.execute("INSERT INTO reports_hangul (reports_hangul, rowid, title, text) "
                   "VALUES ('delete', ?, ?, ?)", (rowid, hangul_form(title), hangul_form(text)))


# -- queries ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rewritten:
    """A query with Hangul: ``hangul`` for ``reports_hangul``; ``marks`` the patterns a
    snippet marks (each word of the query's strings, Hangul ones found anywhere in a word)."""

    hangul: str
    marks: tuple[re.Pattern[str], ...]


def _neighbour(lexemes: Sequence[str], i: int, step: int) -> str:
    """The nearest lexeme before (step -1) or after (step 1) ``i`` that is not space."""
    i += step
    while 0 <= i < len(lexemes) and lexemes[i].isspace():
        i += step
    return lexemes[i] if 0 <= i < len(lexemes) else ""


def _phrase(content: str, starred: bool) -> str:
    """The phrase of ``content``'s indexing form; a last word of one syllable is made a
    prefix (일 finds 일에, 일간), as a two-syllable piece holds it wherever it is followed."""
    quoted = '"' + " ".join(hangul_form(content).split()).replace('"', '""') + '"'
    alone = _LAST_SYLLABLE_ALONE.search(content) is not None
    return quoted + ("*" if alone and not starred else "")


def _marks(content: str, starred: bool) -> list[re.Pattern[str]]:
    words = _WORD.findall(content)
    out = []
    for i, word in enumerate(words):
        if has_hangul(word):
            out.append(re.compile(re.escape(word), re.I))
        else:
            tail = "" if starred and i == len(words) - 1 else f"(?!{_EDGE})"
            out.append(re.compile(f"(?<!{_EDGE}){re.escape(word)}{tail}", re.I))
    return out


def _syntax(lexemes: Sequence[str], i: int, braces: int) -> bool:
    """Whether bareword ``i`` is query syntax (an operator, a column name, a NEAR
    distance) rather than something to search for."""
    lex = lexemes[i]
    after, before = _neighbour(lexemes, i, 1), _neighbour(lexemes, i, -1)
    if lex in _OPERATORS or (lex == "NEAR" and after == "("):
        return True
    return braces > 0 or after == ":" or (before == "," and lex.isdigit())


def rewrite(query: str) -> Rewritten:
    """The query for ``reports_hangul``: each quoted string or bareword that holds Hangul
    replaced by the phrase of its indexing form, everything else (English words,
    operators, NEAR, column filters, ``*``, ``^``) as written."""
    lexemes = _LEXEME.findall(_composed(query))
    out: list[str] = []
    marks: list[re.Pattern[str]] = []
    braces = 0
    for i, lex in enumerate(lexemes):
        braces += {"{": 1, "}": -1}.get(lex, 0)
        if lex == '"':
            raise QueryError("a quote is not closed: close it, or leave it out")
        quoted = lex.startswith('"')
        if not quoted and not _BARE.fullmatch(lex):
            out.append(lex)
            continue
        if not quoted and _syntax(lexemes, i, braces):
            if has_hangul(lex):
                raise QueryError(f"{lex} is not a column: a search can be narrowed to "
                                 f"title: or text: only")
            out.append(lex)
            continue
        content = lex[1:-1].replace('""', '"') if quoted else lex
        starred = _neighbour(lexemes, i, 1) == "*"
        marks += _marks(content, starred)
        out.append(_phrase(content, starred) if has_hangul(content) else lex)
    return Rewritten("".join(out), tuple(marks))


# FTS5 ranks a match by bm25 (``rank``): ranking every match of a common word costs ~1.5 µs
# each (0.15 s at 100k reports), so a relevance order ranks windows of this many matches,
# the newest (last added) first: docs/search.md, "Relevance"
RANK_WINDOW = 2000


def _tables(query: str) -> list[tuple[str, str, str]]:
    """(table, query for it, condition) for each full-text table a query is asked of: a
    query without Hangul only of ``reports_fts``, as written; one with Hangul of
    ``reports_hangul`` rewritten, and of ``reports_fts`` for the reports without Hangul
    (where its Hangul terms match nothing, so only the query's other branches find them)."""
    if not has_hangul(query):
        return [("reports_fts", query, "")]
    return [("reports_hangul", rewrite(query).hangul, ""),
            ("reports_fts", query, " AND rowid NOT IN (SELECT rowid FROM reports_hangul)")]


def _postgres(db: object) -> bool:
    """Whether ``db`` is on PostgreSQL (store/pgtext.py answers there: tsvectors, not FTS5)."""
    from .store.driver import is_postgres  # here: the store imports this module

    return is_postgres(db)


def _ints(text: str | None) -> Array:
    """The numbers of a group_concat, parsed in C (no Python object per number)."""
    return np.fromstring(text, dtype=np.int64, sep=",") if text else np.zeros(0, np.int64)


def matching(db: sqlite3.Connection, query: str) -> Array:
    """The rowids of the reports ``query`` matches, ascending; read as one string per table
    (no Python object per match). Raises :class:`QueryError`, or the driver's error for a
    query FTS5 refuses."""
    if _postgres(db):
        from .store import pgtext

        return pgtext.matching(db, query)
    found = [_ints(db.execute(f"SELECT group_concat(rowid) FROM (SELECT rowid FROM {table} "
                              f"WHERE {table} MATCH ?{where})", (text,)).fetchone()[0])
             for table, text, where in _tables(query)]
    return found[0] if len(found) == 1 else np.sort(np.concatenate(found))


def newest(db: sqlite3.Connection, query: str, count: int | None = None) -> Array:
    """The rowids of the ``count`` (default RANK_WINDOW) newest (last added) reports
    ``query`` matches, ascending: FTS5 walks its matches backwards by rowid and stops, so
    this costs ``count``, not the number of matches."""
    count = RANK_WINDOW if count is None else count
    if _postgres(db):
        from .store import pgtext

        return pgtext.newest(db, query, count)
    found = [np.array([r[0] for r in db.execute(
        f"SELECT rowid FROM {table} WHERE {table} MATCH ?{where} ORDER BY rowid DESC LIMIT ?",
        (text, count))], dtype=np.int64) for table, text, where in _tables(query)]
    return np.sort(np.concatenate(found))[-count:]


def ranked(db: sqlite3.Connection, query: str, rowids: Array) -> Array:
    """``rowids`` (ascending, reports ``query`` matches, at most about RANK_WINDOW of them)
    best first by FTS5's rank (bm25; a query with Hangul: the two tables' matches merged by
    rank), a tie in rowid order (Korean reports first): the order ``ORDER BY rank`` gives.

    Only these rows are ranked: the query is read over their rowid range, and a match
    outside ``rowids`` is skipped before its rank is computed. FTS5 still reads each
    phrase's matches once to weigh it (bm25's IDF): ~8 ms for a word in all of 100k reports.
    """
    if not len(rowids):
        return rowids
    if _postgres(db):
        from .store import pgtext

        return pgtext.ranked(db, query, rowids)
    wanted = [int(r) for r in rowids]
    marks = ",".join("?" * len(wanted))
    found: list[tuple[int, float]] = []
    for table, text, where in _tables(query):
        # "+rowid": a test on each match in the range; a bare "rowid IN" would have FTS5
        # run the whole query once for each rowid listed (seconds for 2,000)
        found += db.execute(
            f"SELECT rowid, rank FROM {table} WHERE {table} MATCH ? AND rowid BETWEEN ? AND ? "
            f"AND +rowid IN ({marks}){where}", (text, wanted[0], wanted[-1], *wanted)
        ).fetchall()
    ranks = np.array([r[1] for r in found], dtype=np.float64)
    ids = np.array([r[0] for r in found], dtype=np.int64)
    return ids[np.argsort(ranks, kind="stable")]


# -- snippets -----------------------------------------------------------------------------

def _spans(text: str, marks: Sequence[re.Pattern[str]], most: int = 200
           ) -> list[tuple[int, int, int]]:
    """(start, end, which mark) of the marks' matches in ``text``, in text order."""
    found = [(m.start(), m.end(), k) for k, mark in enumerate(marks)
             for m in mark.finditer(text) if m.end() > m.start()]
    return sorted(found)[:most]


def _window(spans: Sequence[tuple[int, int, int]], starts: Sequence[int], size: int) -> int:
    """The first word of the ``size``-word window holding the most different marks (the
    earliest of the best), as FTS5's snippet chooses."""
    best, first = 0, 0
    for start, _end, _k in spans:
        lo = max(0, min(bisect_right(starts, start) - 1 - size // 4, len(starts) - size))
        hi = starts[lo + size] if lo + size < len(starts) else sys.maxsize
        score = len({k for s, _e, k in spans if starts[lo] <= s < hi})
        if score > best:
            best, first = score, lo
    return first


def snippet(text: str, marks: Sequence[re.Pattern[str]], start: str, end: str,
            size: int) -> str:
    """About ``size`` words of ``text`` around its matches of ``marks``, each match
    between ``start`` and ``end``, cut ends shown as `` … ``. A text that holds a control
    character used as a mark gets no marks (and loses those characters) rather than
    false ones."""
    words = [m.span() for m in re.finditer(r"\S+", text)]
    if not words:
        return ""
    control = [c for c in (start, end) if c and not c.isprintable() and c in text]
    spans = [] if control else _spans(text, marks)
    lo = _window(spans, [w[0] for w in words], size)
    hi = min(len(words), lo + size)
    a, b = words[lo][0], words[hi - 1][1]
    out, at = [], a
    for s, e, _k in spans:
        s, e = max(s, at), min(e, b)
        if s < e:
            out += [text[at:s], start, text[s:e], end]
            at = e
    out.append(text[at:b])
    body = "".join(out)
    for c in control:
        body = body.replace(c, "")
    return (" … " if lo > 0 else "") + body + (" … " if hi < len(words) else "")


# page rows whose rowids lie within this span are read in one statement (below)
_NARROW = 10_000


def fts_snippets(db: sqlite3.Connection, rowids: Iterable[int], query: str, start: str,
                 end: str, size: int) -> dict[int, str]:
    """FTS5's ``snippet()`` of each report of ``rowids`` that ``reports_fts`` finds
    ``query`` in, matches between ``start`` and ``end``. Reports close together (a
    relevance page lies in its window) are read in one statement over their rowid range,
    FTS5 reading the query once rather than once a report (~10x less); far apart, one at a
    time. A text that holds a non-printable mark character itself gets no marks (and loses
    those characters) rather than false ones."""
    wanted = sorted({int(r) for r in rowids})
    if not wanted:
        return {}
    columns = ("rowid, snippet(reports_fts, 1, ?, ?, ' … ', ?), "
               "snippet(reports_fts, 1, '', '', ' … ', ?)")
    if wanted[-1] - wanted[0] <= _NARROW:
        rows = db.execute(
            f"SELECT {columns} FROM reports_fts WHERE reports_fts MATCH ? AND rowid BETWEEN ? "
            f"AND ? AND +rowid IN ({','.join('?' * len(wanted))})",
            (start, end, size, size, query, wanted[0], wanted[-1], *wanted)).fetchall()
    else:
        rows = [row for rowid in wanted if (row := db.execute(
            f"SELECT {columns} FROM reports_fts WHERE reports_fts MATCH ? AND rowid = ?",
            (start, end, size, size, query, rowid)).fetchone()) is not None]
    control = [c for c in (start, end) if c and not c.isprintable()]
    out = {}
    for rowid, marked, plain in rows:
        if any(c in plain for c in control):
            marked = plain
            for c in control:
                marked = marked.replace(c, "")
        out[int(rowid)] = marked
    return out


def hangul_snippets(db: sqlite3.Connection, rowids: Iterable[int], query: str, start: str,
                    end: str, size: int) -> dict[int, str]:
    """For a query with Hangul, the snippet (:func:`snippet`) of each report of ``rowids``
    that holds Hangul, made from its text: the Hangul index holds none for FTS5's
    ``snippet()`` to show. The other reports are left to ``snippet()`` over ``reports_fts``
    (on PostgreSQL, which has no FTS5 ``snippet()``, every report's is made here)."""
    if _postgres(db):
        from .store import pgtext

        return pgtext.snippets(db, rowids, query, start, end, size)
    marks = rewrite(query).marks
    out = {}
    for rowid in rowids:
        row = db.execute("SELECT title, text FROM reports WHERE rowid = ?",
                         (int(rowid),)).fetchone()
        if row is not None and (has_hangul(row[0]) or has_hangul(row[1])):
            out[int(rowid)] = snippet(_composed(row[1]), marks, start, end, size)
    return out
