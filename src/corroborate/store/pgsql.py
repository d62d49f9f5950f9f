"""The SQLite dialect the store writes, said in PostgreSQL's.

The store, search and review code write SQLite SQL; a collection on PostgreSQL runs the
same statements through :func:`translate`, which rewrites each one once per connection
(the connection caches the :class:`Plan`):

- ``?`` placeholders as psycopg's ``%s`` (and a literal ``%`` doubled);
- ``INSERT OR IGNORE`` as ``ON CONFLICT DO NOTHING``; ``INSERT OR REPLACE`` as
  ``ON CONFLICT (primary key) DO UPDATE`` of every other column (what REPLACE leaves);
- ``BEGIN IMMEDIATE`` as a transaction holding the collection's advisory lock (SQLite's
  one writer at a time); ``BEGIN`` as a repeatable-read transaction (one snapshot);
- ``PRAGMA user_version`` and ``application_id`` as a one-row table (``sqlite_pragma``),
  every other PRAGMA as nothing; ``sqlite_master`` is a view (postgres.py);
- ``group_concat``, ``json_extract``, ``json_remove``, ``hex``, two-argument
  ``max``/``min``, ``ifnull``, ``IS [NOT]`` between values, ``LIKE`` (case-insensitive in
  SQLite), ``INDEXED BY``, ``WHERE 1``, ``IN ()``, a subquery in FROM without a name;
- NULLs first in ascending order, as SQLite sorts them, for every ORDER BY and index term
  that can be NULL (columns declared NOT NULL keep PostgreSQL's order, so their indexes
  still serve the sort);
- DDL: ``INTEGER PRIMARY KEY`` as an identity column, SQLite's types as PostgreSQL's
  (64-bit integers, double precision, bytea, text compared byte by byte like SQLite's),
  ``WITHOUT ROWID`` dropped, a ``rowid`` identity column on the tables whose rowid the
  code reads (:data:`ROWID_TABLES`), FTS5 tables as a tsvector per row with a GIN index
  (:data:`FTS_TABLES`, written through :mod:`.pgtext`), a ``RAISE(ABORT)`` trigger as a
  PL/pgSQL trigger.

What is not translated fails loudly (an FTS5 ``MATCH``, another trigger body): full-text
queries branch to :mod:`.pgtext` at their call sites instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["FTS_TABLES", "ROWID_TABLES", "Catalog", "Column", "Plan", "Unsupported",
           "split", "translate"]

# the tables whose implicit rowid the code reads (joins with the full-text tables, event
# and account keys in the search index): add a table here before reading its rowid. The
# rowid is an identity column; an INSERT without a column list gets one without it
ROWID_TABLES = frozenset({"reports", "events", "accounts"})
# FTS5 tables and their columns, weighted A, B, ... in the row's tsvector
FTS_TABLES: dict[str, tuple[str, ...]] = {"reports_fts": ("title", "text"),
                                          "reports_hangul": ("title", "text")}
WRITE_LOCK = "SELECT pg_advisory_xact_lock(hashtext(current_schema()))"

Convert = Callable[[Any], Any]


class Unsupported(Exception):
    """A statement this translation does not cover (said as the driver's error)."""


@dataclass(frozen=True)
class Column:
    name: str
    notnull: bool
    identity: bool
    pk: bool


class Catalog(Protocol):
    def columns(self, table: str) -> list[Column]: ...


def _nullable(catalog: Catalog, tables: Iterable[str]) -> Callable[[str], bool]:
    """Whether a column of one of ``tables`` can hold NULL (an unknown name can)."""
    def nullable(column: str) -> bool:
        found = [c for t in tables for c in catalog.columns(t) if c.name == column]
        return not found or not all(c.notnull for c in found)

    return nullable


@dataclass(frozen=True)
class Plan:
    """What to send for one SQLite statement: ``statements`` in order (only the last takes
    parameters); ``args``: which given parameters to bind and how to convert each (None:
    all as given); ``returning``: the last statement returns the new row's id;
    ``changes``: the table whose columns it makes, alters or drops ("*": unknown)."""

    statements: tuple[str, ...] = ()
    args: tuple[tuple[int, Convert | None], ...] | None = None
    returning: bool = False
    changes: str | None = None

    def bind(self, params: Sequence[Any]) -> Sequence[Any]:
        if self.args is None:
            return params
        return [params[i] if f is None else f(params[i]) for i, f in self.args]


# -- lexing ----------------------------------------------------------------------------

_LITERAL = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/", re.S)
_SLOT = re.compile("\x00(\\d+)\x00")


@dataclass
class _Masked:
    """A statement with its literals and quoted names set aside (``\\0n\\0``), so that
    rewriting never touches them."""

    code: str
    literals: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, sql: str) -> _Masked:
        out = cls("")

        def keep(m: re.Match[str]) -> str:
            if m.group(0).startswith(("--", "/*")):
                return " "
            out.literals.append(m.group(0))
            return f"\x00{len(out.literals) - 1}\x00"

        out.code = _LITERAL.sub(keep, sql)
        return out

    def literal(self, slot: str) -> str | None:
        m = _SLOT.fullmatch(slot.strip())
        return self.literals[int(m.group(1))] if m else None

    def text(self, code: str | None = None, escape: bool = False) -> str:
        def put(m: re.Match[str]) -> str:
            lit = self.literals[int(m.group(1))]
            return lit.replace("%", "%%") if escape else lit

        return _SLOT.sub(put, self.code if code is None else code)


def _close(code: str, open_at: int) -> int:
    """The index of the parenthesis closing the one at ``open_at``."""
    depth = 0
    for i in range(open_at, len(code)):
        depth += {"(": 1, ")": -1}.get(code[i], 0)
        if depth == 0:
            return i
    raise Unsupported("unbalanced parentheses")


def _split_top(code: str, sep: str = ",") -> list[str]:
    """``code`` split at ``sep`` outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(code):
        depth += {"(": 1, ")": -1}.get(c, 0)
        if c == sep and depth == 0:
            parts.append(code[start:i])
            start = i + 1
    parts.append(code[start:])
    return parts


def split(script: str) -> list[str]:
    """A script's statements (a trigger's BEGIN ... END kept whole)."""
    masked = _Masked.of(script)
    out, start, depth = [], 0, 0
    code = masked.code
    for m in re.finditer(r";|\bBEGIN\b|\bEND\b|\bCASE\b", code, re.I):
        word = m.group(0).upper()
        if word == "CASE" or (word == "BEGIN" and re.match(
                r"\s*CREATE\s+(TEMP\w*\s+)?TRIGGER\b", code[start:], re.I)):
            depth += 1
        elif word == "END" and depth:
            depth -= 1
        elif word == ";" and not depth:
            out.append(code[start:m.start()])
            start = m.end()
    out.append(code[start:])
    return [masked.text(s).strip() for s in out if s.strip()]


# -- translation ----------------------------------------------------------------------

def translate(sql: str, catalog: Catalog, many: bool = False) -> Plan:
    """The plan for one SQLite statement (``many``: for executemany, no RETURNING)."""
    masked = _Masked.of(sql.strip().rstrip(";"))
    head = masked.code.lstrip().upper()
    if head.startswith("PRAGMA"):
        return _pragma(masked.code)
    if re.match(r"(BEGIN|END|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", head):
        return _transaction(masked, head)
    if re.match(r"CREATE\s+VIRTUAL\s+TABLE\b", head):
        return _fts_table(masked)
    if re.match(r"CREATE\s+(TEMP\w*\s+)?TRIGGER\b", head):
        return _trigger(masked, catalog)
    changes = _changes(masked.code)
    if re.match(r"(CREATE\s+(TEMP\w*\s+)?TABLE|ALTER\s+TABLE)\b", head):
        masked.code = _table(masked.code)
    elif re.match(r"CREATE\s+(UNIQUE\s+)?INDEX\b", head):
        masked.code = _index(masked.code, catalog)
    insert = re.match(r"\s*(?:INSERT(?:\s+OR\s+(IGNORE|REPLACE))?|(REPLACE))\s+INTO\s+(\w+)",
                      masked.code, re.I)
    if insert and insert.group(3).lower() in FTS_TABLES:
        return _fts_write(masked, insert.group(3).lower())
    if re.search(r"\bMATCH\b", masked.code, re.I):
        raise Unsupported("an FTS5 MATCH: on PostgreSQL full-text search goes through "
                          "corroborate.store.pgtext")
    code = _dml(masked, catalog)
    returning = False
    if insert:
        code, returning = _insert(code, insert, catalog, many)
    return _finish(masked, code, returning=returning, changes=changes)


def _changes(code: str) -> str | None:
    """The table whose columns a statement changes; "*" for DDL that may change any."""
    m = re.match(r"\s*(?:CREATE\s+(?:TEMP\w*\s+|VIRTUAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"
                 r"|DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?|ALTER\s+TABLE\s+)(\w+)", code, re.I)
    if m and not re.search(r"\bRENAME\s+TO\b", code, re.I):
        return m.group(1).lower()
    if re.match(r"\s*(CREATE|DROP)\s+(UNIQUE\s+)?(INDEX|TRIGGER)\b", code, re.I):
        return None
    return "*" if re.match(r"\s*(CREATE|ALTER|DROP)\b", code, re.I) else None


def _finish(masked: _Masked, code: str, *, returning: bool = False,
            changes: str | None = None) -> Plan:
    marks = code.count("?")
    if marks:
        code = code.replace("%", "%%").replace("?", "%s")
    return Plan((masked.text(code, escape=bool(marks)),), None, returning, changes)


def _pragma(code: str) -> Plan:
    m = re.fullmatch(r"\s*PRAGMA\s+(?:\w+\.)?(\w+)\s*(?:=\s*(-?\w+)\s*|\(\s*(\w+)\s*\)\s*)?",
                     code, re.I)
    if not m:
        raise Unsupported(f"PRAGMA {code.strip()[6:]!r}")
    name = m.group(1).lower()
    column = {"user_version": "version", "application_id": "application_id"}.get(name)
    if column is None:
        return Plan()  # journal, sync, foreign keys, memory: PostgreSQL's own business
    if m.group(2) is not None:
        return Plan((f"UPDATE sqlite_pragma SET {column} = {int(m.group(2))}",))
    return Plan((f"SELECT {column} AS {name} FROM sqlite_pragma",))


def _transaction(masked: _Masked, head: str) -> Plan:
    begin = re.fullmatch(r"BEGIN(?:\s+(DEFERRED|IMMEDIATE|EXCLUSIVE))?(?:\s+TRANSACTION)?\s*",
                         head)
    if begin and begin.group(1) in ("IMMEDIATE", "EXCLUSIVE"):
        # SQLite's write lock: one writing transaction per collection at a time (read
        # committed, so it sees what the writer before it committed)
        return Plan(("BEGIN", WRITE_LOCK))
    if begin:
        return Plan(("BEGIN ISOLATION LEVEL REPEATABLE READ",))
    if re.fullmatch(r"END(\s+TRANSACTION)?\s*", head):
        return Plan(("COMMIT",))
    return Plan((masked.text(),))


_TYPES = ((re.compile(r"\bINTEGER\s+PRIMARY\s+KEY(\s+AUTOINCREMENT)?\b", re.I),
           "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"),
          (re.compile(r"\bINTEGER\b", re.I), "BIGINT"),
          (re.compile(r"\bREAL\b", re.I), "DOUBLE PRECISION"),
          (re.compile(r"\bBLOB\b", re.I), "BYTEA"),
          # SQLite compares text byte by byte, whatever the server's locale
          (re.compile(r"\bTEXT\b", re.I), 'TEXT COLLATE "C"'))


def _table(code: str) -> str:
    """CREATE TABLE and ALTER TABLE ... ADD COLUMN with PostgreSQL's types."""
    code = re.sub(r"\)\s*WITHOUT\s+ROWID\s*$", ")", code, flags=re.I)
    added = re.match(r"\s*ALTER\s+TABLE\s+\w+\s+ADD\s+(?:COLUMN\s+)?", code, re.I)
    if added:
        return code[:added.end()] + _column(code[added.end():])
    m = re.match(r"\s*CREATE\s+(?:TEMP\w*\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s*\(",
                 code, re.I)
    if not m:
        return code
    end = _close(code, m.end() - 1)
    items = [item if re.match(r"\s*(PRIMARY|UNIQUE|CHECK|FOREIGN|CONSTRAINT)\b", item, re.I)
             else _column(item) for item in _split_top(code[m.end():end])]
    if m.group(1).lower() in ROWID_TABLES:
        items.append("\n    rowid BIGINT GENERATED BY DEFAULT AS IDENTITY UNIQUE")
    return code[:m.end()] + ",".join(items) + code[end:]


def _column(definition: str) -> str:
    """A column's definition (its name, then its type and constraints) in PostgreSQL's types."""
    m = re.match(r"\s*(\w+|\x00\d+\x00)", definition)
    if not m:
        return definition
    rest = definition[m.end():]
    for pattern, new in _TYPES:
        rest = pattern.sub(new, rest)
    return definition[:m.end()] + rest


def _index(code: str, catalog: Catalog) -> str:
    m = re.match(r"\s*CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?\w+\s+ON\s+"
                 r"(\w+)\s*\(", code, re.I)
    if not m:
        return code
    table = m.group(1).lower()
    end = _close(code, m.end() - 1)
    terms = [_null_order(t, _nullable(catalog, [table])) for t in _split_top(code[m.end():end])]
    return code[:m.end()] + ",".join(terms) + code[end:]


def _null_order(term: str, nullable: Callable[[str], bool]) -> str:
    """A sort term with SQLite's place for NULLs (first when ascending), unless its
    column cannot hold one."""
    words = term.strip()
    if re.search(r"\bNULLS\b", words, re.I):
        return term
    desc = re.search(r"\s+DESC\s*$", words, re.I) is not None
    bare = re.sub(r"\s+(ASC|DESC)\s*$", "", words, flags=re.I)
    column = re.fullmatch(r"(?:\w+\.)?(\w+)", bare)
    if column and not nullable(column.group(1).lower()):
        return term
    lead, trail = term[:len(term) - len(term.lstrip())], term[len(term.rstrip()):]
    return f"{lead}{words} NULLS {'LAST' if desc else 'FIRST'}{trail}"


def _fts_table(masked: _Masked) -> Plan:
    m = re.fullmatch(r"\s*CREATE\s+VIRTUAL\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s+USING\s+"
                     r"fts5\s*\((.*)\)\s*", masked.code, re.I | re.S)
    if not m or m.group(2).lower() not in FTS_TABLES:
        raise Unsupported("a virtual table not in pgsql.FTS_TABLES")
    name, exists = m.group(2).lower(), m.group(1) or ""
    columns = tuple(a.strip().lower() for a in _split_top(m.group(3)) if "=" not in a)
    if columns != FTS_TABLES[name]:
        raise Unsupported(f"{name}'s columns are not {FTS_TABLES[name]}")
    options = {k.strip().lower(): masked.literal(v) for k, v in
               (a.split("=", 1) for a in _split_top(m.group(3)) if "=" in a)}
    content = (options.get("content") or "''").strip("'")
    owner = f" REFERENCES {content}(rowid) ON DELETE CASCADE" if content else ""
    return Plan((f"CREATE TABLE {exists}{name} (rowid BIGINT PRIMARY KEY{owner}, "
                 f"doc TSVECTOR NOT NULL)",
                 f"CREATE INDEX {exists}{name}_doc ON {name} USING GIN (doc)"), changes=name)


def _fts_write(masked: _Masked, table: str) -> Plan:
    """Writes to an FTS5 table: a row's tsvector (built from the text by pgtext), a
    deletion by rowid, or emptying it."""
    from .pgtext import document

    code = re.sub(r"\s+", " ", masked.code.strip())
    columns = FTS_TABLES[table]
    head = rf"INSERT INTO {table} ?\("
    command = re.fullmatch(head + rf"{table}\) VALUES ?\((\x00\d+\x00)\)", code, re.I)
    if command:
        what = (masked.literal(command.group(1)) or "").strip("'")
        if what == "delete-all":
            return Plan((f"DELETE FROM {table}",))
        if what in ("optimize", "integrity-check"):
            # rows are written and deleted by rowid: no index structure to fall out of step
            return Plan()
        raise Unsupported(f"the FTS5 command {what!r}")
    names = ", ?".join(columns)
    delete = re.fullmatch(head + rf"{table}, ?rowid, ?{names}\) VALUES ?\((\x00\d+\x00), ?"
                          + ", ?".join(["\\?"] * (len(columns) + 1)) + r"\)", code, re.I)
    if delete and (masked.literal(delete.group(1)) or "").strip("'") == "delete":
        return Plan((f"DELETE FROM {table} WHERE rowid = %s",), ((0, None),))
    insert = re.fullmatch(head + rf"rowid, ?{names}\) VALUES ?\("
                          + ", ?".join(["\\?"] * (len(columns) + 1)) + r"\)", code, re.I)
    if not insert:
        raise Unsupported(f"this write to the full-text table {table}")
    doc = " || ".join(f"setweight(to_tsvector('simple', %s), '{'ABCD'[i]}')"
                      for i in range(len(columns)))
    return Plan((f"INSERT INTO {table} (rowid, doc) VALUES (%s, {doc}) "
                 f"ON CONFLICT (rowid) DO UPDATE SET doc = EXCLUDED.doc",),
                ((0, None), *((i + 1, document) for i in range(len(columns)))))


def _trigger(masked: _Masked, catalog: Catalog) -> Plan:
    """A trigger as a PL/pgSQL function run for each row: its statements translated, a
    ``SELECT RAISE(ABORT, 'why')`` as an exception."""
    m = re.fullmatch(r"\s*CREATE\s+TRIGGER\s+(IF\s+NOT\s+EXISTS\s+)?(\w+)\s+(BEFORE|AFTER)\s+"
                     r"(INSERT|UPDATE|DELETE)\s+ON\s+(\w+)(?:\s+FOR\s+EACH\s+ROW)?"
                     r"(?:\s+WHEN\s+(.*?))?\s+BEGIN\b(.*);\s*END\s*", masked.code, re.I | re.S)
    if not m:
        raise Unsupported("this form of CREATE TRIGGER")
    name, when, event, table = m.group(2), m.group(3).upper(), m.group(4).upper(), m.group(5)
    body = []
    for statement in _split_top(m.group(7), ";"):
        abort = re.fullmatch(r"\s*SELECT\s+RAISE\s*\(\s*ABORT\s*,\s*(\x00\d+\x00)\s*\)\s*",
                             statement, re.I)
        if abort:
            body.append(f"RAISE EXCEPTION USING MESSAGE = {masked.text(abort.group(1))}")
        else:
            plan = translate(masked.text(statement), catalog, many=True)
            body += plan.statements
    # a BEFORE trigger lets the change go on by returning its row; AFTER ignores it
    row = "NULL" if when == "AFTER" else ("OLD" if event == "DELETE" else "NEW")
    condition = f" WHEN ({masked.text(m.group(6))})" if m.group(6) else ""
    return Plan((f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
                 f"$body$BEGIN {'; '.join(body)}; RETURN {row}; END$body$",
                 f"CREATE {'OR REPLACE ' if m.group(1) else ''}TRIGGER {name} {when} {event} "
                 f"ON {table} FOR EACH ROW{condition} EXECUTE FUNCTION {name}()"))


# -- DML ------------------------------------------------------------------------------

_FUNCTION = re.compile(r"\b(group_concat|json_extract|json_remove|hex|max|min|ifnull)\s*\(",
                       re.I)
_REWRITES = (
    (re.compile(r"\bIS\s+NOT\s+(?!NULL\b|TRUE\b|FALSE\b|DISTINCT\b)", re.I),
     "IS DISTINCT FROM "),
    (re.compile(r"\bIS\s+(?!NOT\b|NULL\b|TRUE\b|FALSE\b|DISTINCT\b)", re.I),
     "IS NOT DISTINCT FROM "),
    (re.compile(r"\s+INDEXED\s+BY\s+\w+|\s+NOT\s+INDEXED\b", re.I), ""),
    (re.compile(r"\bWHERE\s*\(\s*1\s*\)", re.I), "WHERE (TRUE)"),
    (re.compile(r"\bWHERE\s+1\b(?!\s*[-+*/=<>!.%|])", re.I), "WHERE TRUE"),
    (re.compile(r"\bIN\s*\(\s*\)", re.I), "IN (NULL)"),
    (re.compile(r"\b(NOT\s+)?LIKE\b", re.I), r"\1ILIKE"),
    (re.compile(r"\bAS\s+INTEGER\b", re.I), "AS BIGINT"),
    (re.compile(r"\bAS\s+REAL\b", re.I), "AS DOUBLE PRECISION"),
    (re.compile(r"\bAS\s+BLOB\b", re.I), "AS BYTEA"),
)


def _dml(masked: _Masked, catalog: Catalog) -> str:
    code = _functions(masked.code, masked)
    for pattern, new in _REWRITES:
        code = pattern.sub(new, code)
    code = _subquery_names(code)
    return _orders(code, catalog)


def _functions(code: str, masked: _Masked) -> str:
    """SQLite's functions as PostgreSQL's, innermost first."""
    out, at = [], 0
    for m in _FUNCTION.finditer(code):
        if m.start() < at:
            continue
        end = _close(code, m.end() - 1)
        args = [_functions(a, masked).strip() for a in _split_top(code[m.end():end])]
        out += [code[at:m.start()], _function(m.group(1).lower(), args, masked)]
        at = end + 1
    return "".join(out) + code[at:]


def _function(name: str, args: list[str], masked: _Masked) -> str:
    if name == "group_concat":
        distinct = re.match(r"DISTINCT\s+", args[0], re.I)
        value = args[0][distinct.end():] if distinct else args[0]
        sep = args[1] if len(args) > 1 else "','"
        return f"string_agg({'DISTINCT ' if distinct else ''}({value})::text, {sep})"
    if name == "json_extract":
        return f"(({args[0]})::jsonb #>> {_json_path(args[1], masked)})"
    if name == "json_remove":
        removed = "".join(f" #- {_json_path(a, masked)}" for a in args[1:])
        return f"((({args[0]})::jsonb{removed})::text)"
    if name == "hex":
        return f"upper(encode({args[0]}, 'hex'))"
    if name == "ifnull":
        return f"coalesce({', '.join(args)})"
    if len(args) > 1:  # SQLite's scalar max(a, b) and min(a, b)
        return f"{'GREATEST' if name == 'max' else 'LEAST'}({', '.join(args)})"
    return f"{name}({', '.join(args)})"


def _json_path(slot: str, masked: _Masked) -> str:
    """SQLite's JSON path ('$.a.b', '$.list[0]') as a PostgreSQL path array literal."""
    path = (masked.literal(slot) or "").strip("'")
    if not path.startswith("$"):
        raise Unsupported("json_extract with a path that is not a literal '$...'")
    keys = re.findall(r"\.(\w+)|\[(\d+)\]", path[1:])
    masked.literals.append("'{" + ",".join(a or b for a, b in keys) + "}'")
    return f"\x00{len(masked.literals) - 1}\x00"


def _subquery_names(code: str) -> str:
    """PostgreSQL 15 wants a name for every subquery in FROM or JOIN."""
    out, at, n = [], 0, 0
    for m in re.finditer(r"\b(FROM|JOIN)\s*\(", code, re.I):
        if m.start() < at:
            continue
        end = _close(code, m.end() - 1)
        after = code[end + 1:]
        named = re.match(r"\s*(AS\b|(?!(WHERE|GROUP|ORDER|LIMIT|OFFSET|JOIN|LEFT|INNER|CROSS|"
                         r"ON|UNION|EXCEPT|INTERSECT|HAVING|WINDOW)\b)[A-Za-z_])", after, re.I)
        out += [code[at:end + 1], "" if named else f" AS _q{n}"]
        at, n = end + 1, n + 1
    return "".join(out) + code[at:]


_ORDER_END = re.compile(r"(LIMIT|OFFSET|UNION|EXCEPT|INTERSECT|FOR|ROWS|RANGE|GROUPS|ON\s+CONFLICT"
                        r"|RETURNING)\b", re.I)


def _orders(code: str, catalog: Catalog) -> str:
    out, at = [], 0
    tables = {t.lower() for t in re.findall(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+(\w+)", code, re.I)}
    for m in re.finditer(r"\bORDER\s+BY\b", code, re.I):
        if m.start() < at:
            continue
        end = _term_end(code, m.end())
        terms = [_null_order(t, _nullable(catalog, sorted(tables)))
                 for t in _split_top(code[m.end():end])]
        out += [code[at:m.end()], ",".join(terms)]
        at = end
    return "".join(out) + code[at:]


def _term_end(code: str, start: int) -> int:
    """Where an ORDER BY's terms end: a clause after them, or the closing parenthesis."""
    depth = 0
    for i in range(start, len(code)):
        c = code[i]
        if c in "()":
            if c == ")" and depth == 0:
                return i
            depth += 1 if c == "(" else -1
        elif depth == 0 and c.isalpha() and not code[i - 1].isalnum() and \
                _ORDER_END.match(code, i):
            return i
    return len(code)


def _insert(code: str, insert: re.Match[str], catalog: Catalog, many: bool
            ) -> tuple[str, bool]:
    """INSERT OR IGNORE / OR REPLACE as ON CONFLICT; RETURNING the new row's id."""
    mode = (insert.group(1) or insert.group(2) or "").upper()
    table = insert.group(3).lower()
    code = re.sub(r"^\s*(INSERT\s+OR\s+\w+|REPLACE)\s+INTO", "INSERT INTO", code, flags=re.I)
    columns = catalog.columns(table)
    code = _upsert(code, table, [c.name for c in columns])
    if table in ROWID_TABLES:  # VALUES in column order: the rowid, added last, left out
        names = ", ".join(f'"{c.name}"' for c in columns if c.name != "rowid")
        code = re.sub(rf"^(\s*INSERT\s+INTO\s+{table})(\s*(?:VALUES|SELECT|WITH)\b)",
                      rf"\1 ({names})\2", code, flags=re.I)
    if mode == "IGNORE":
        code += " ON CONFLICT DO NOTHING"
    elif mode == "REPLACE":
        keys = [c.name for c in columns if c.pk]
        rest = [c.name for c in columns if not (c.pk or c.identity)]
        if not keys:
            raise Unsupported(f"INSERT OR REPLACE into {table}, which has no primary key")
        sets = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in rest)
        code += (f" ON CONFLICT ({', '.join(keys)}) "
                 + (f"DO UPDATE SET {sets}" if sets else "DO NOTHING"))
    ids = [c.name for c in columns if c.identity]
    if many or not ids or re.search(r"\bRETURNING\b", code, re.I):
        return code, False
    return f"{code} RETURNING {ids[0]}", True


def _upsert(code: str, table: str, columns: list[str]) -> str:
    """An upsert's SET values name the row already there by the table's name: SQLite reads
    an unqualified column as that row's, PostgreSQL as ambiguous with EXCLUDED."""
    m = re.search(r"\bDO\s+UPDATE\s+SET\b", code, re.I)
    if not m or not columns:
        return code
    names = re.compile(r"(?<![.\w\x00])(" + "|".join(map(re.escape, columns)) + r")\b(?!\s*\()",
                       re.I)
    qualified = table + r".\1"
    parts = []
    for assignment in _split_top(code[m.end():]):
        target, _, value = assignment.partition("=")
        parts.append(f"{target}={names.sub(qualified, value)}" if value else assignment)
    return code[:m.end()] + ",".join(parts)
