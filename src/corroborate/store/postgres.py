"""A collection's derived tables on PostgreSQL, behind the ``sqlite3`` interface.

``corroborate init DIR --database postgresql://USER@HOST:PORT/DB`` makes a collection whose
folder still holds the archive, the custody log and the lock (the primary data, on disk and
hashed), and whose database tables live in a schema of their own on that server
(``corroborate_<random>``), so that many collections (and parallel test runs) share one
database. The folder's ``database.json`` records the server and the schema, never a
password: libpq takes it from ``PGPASSWORD``, ``~/.pgpass`` or the URL given to ``init``.

:class:`Connection` has the part of the ``sqlite3.Connection`` API the store uses:
``execute``, ``executemany``, ``executescript``, cursors with ``fetchone``/``fetchall``,
iteration, ``rowcount`` and ``lastrowid``, rows read by index and by name, explicit
transactions (autocommit otherwise, as ``isolation_level=None``) and ``in_transaction``.
Statements are translated from SQLite's dialect by :mod:`.pgsql`, once per connection;
errors are raised as ``sqlite3``'s exception classes, so code that catches the driver's
errors (``driver.ERRORS``) catches these too. psycopg is imported only here, only when a
collection on PostgreSQL is opened.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast
from urllib.parse import urlsplit, urlunsplit

from ..errors import CollectionError
from . import pgsql
from .driver import DATABASE_ENV, DATABASE_FILE

if TYPE_CHECKING:
    import psycopg

__all__ = ["Connection", "Row", "as_sqlite", "check_url", "connect", "create", "is_url",
           "open_collection", "public_url", "read_settings"]

log = logging.getLogger(__name__)

SCHEMA_PREFIX = "corroborate_"
_PLANS = 4096  # translations kept per connection
_SCHEMA = re.compile(r"corroborate_[0-9a-f]{16}")

# made with the schema: what SQLite keeps in its file header and catalogue
_SETUP = (
    "CREATE TABLE sqlite_pragma (version BIGINT NOT NULL, application_id BIGINT NOT NULL)",
    "INSERT INTO sqlite_pragma VALUES (0, 0)",
    """CREATE VIEW sqlite_master AS
    SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'i' THEN 'index' ELSE 'view' END AS type,
           c.relname::text AS name, coalesce(t.relname, c.relname)::text AS tbl_name,
           NULL::text AS sql
    FROM pg_class c LEFT JOIN pg_index x ON x.indexrelid = c.oid
    LEFT JOIN pg_class t ON t.oid = x.indrelid
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'i', 'v')
      AND c.relname NOT LIKE 'sqlite\\_%'
    UNION ALL
    SELECT 'trigger', g.tgname::text, c.relname::text, NULL FROM pg_trigger g
    JOIN pg_class c ON c.oid = g.tgrelid
    WHERE c.relnamespace = current_schema()::regnamespace AND NOT g.tgisinternal""",
)


def is_url(database: str) -> bool:
    return database.startswith(("postgresql://", "postgres://"))


def public_url(url: str) -> str:
    """``url`` without its password (the one thing never written to the folder)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = (f"{parts.username}@" if parts.username else "") + (
        f"[{host}]" if ":" in host else host) + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def read_settings(root: Path) -> dict[str, str]:
    """The server and schema a collection's tables live in (its ``database.json``)."""
    try:
        settings = json.loads((root / DATABASE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CollectionError(f"cannot read {root / DATABASE_FILE}: {exc}") from exc
    if not (isinstance(settings, dict) and is_url(str(settings.get("url", "")))
            and _SCHEMA.fullmatch(str(settings.get("schema", "")))):
        raise CollectionError(f"{root / DATABASE_FILE} does not name a PostgreSQL database "
                              f"and a corroborate schema")
    return {"url": str(settings["url"]), "schema": str(settings["schema"])}


def check_url(database: str, passphrase: str | None) -> None:
    """Refuses a ``database`` that is not a PostgreSQL URL, or one with encryption."""
    if not is_url(database):
        raise CollectionError(f"the database must be a postgresql:// URL, not {database!r}")
    if passphrase is not None:
        raise CollectionError(
            "encryption at rest (--encrypt) is for collections in SQLite: on PostgreSQL the "
            "server's own protections apply (docs/postgresql.md); leave out one of the two")


def open_collection(root: Path, read_only: bool = False) -> sqlite3.Connection:
    """The connection to a collection's schema (its database.json). The password, never
    written there, comes from PGPASSWORD, ~/.pgpass, or $CORROBORATE_DATABASE when that
    names the same server and database."""
    settings = read_settings(root)
    url, given = settings["url"], os.environ.get(DATABASE_ENV, "")
    if given and is_url(given) and public_url(given) == url:
        url = given
    return as_sqlite(connect(url, settings["schema"], read_only))


def new_schema_name() -> str:
    return SCHEMA_PREFIX + uuid.uuid4().hex[:16]


def create(root: Path, url: str) -> Connection:
    """A new schema on the server at ``url`` for the collection at ``root``, recorded in
    its ``database.json`` (owner-only, no password); the connection to it."""
    schema = new_schema_name()
    db = connect(url, None)
    try:
        with _errors():
            db.raw.execute("BEGIN")
            db.raw.execute(f"CREATE SCHEMA {schema}")
            db.raw.execute(f"SET search_path = {schema}")  # this session's, kept
            for statement in _SETUP:
                db.raw.execute(statement)
            db.raw.execute("COMMIT")
        fd = os.open(root / DATABASE_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"url": public_url(url), "schema": schema}, out, indent=1)
            out.write("\n")
    except BaseException:
        db.close()
        raise
    db.schema = schema
    return db


def connect(url: str, schema: str | None, read_only: bool = False) -> Connection:
    """A connection to ``schema`` on the server at ``url``; ``read_only``: refuses writes."""
    import psycopg

    options = [f"-c search_path={schema}"] if schema else []
    if read_only:
        options.append("-c default_transaction_read_only=on")
    try:
        raw = psycopg.connect(url, autocommit=True, cursor_factory=psycopg.ClientCursor,
                              options=" ".join(options), application_name="corroborate",
                              connect_timeout=30)
    except psycopg.Error as exc:
        raise CollectionError(f"cannot connect to the PostgreSQL database at "
                              f"{public_url(url)}: {str(exc).strip()}") from exc
    _adapt(raw)
    raw.row_factory = _rows
    db = Connection(raw, schema)
    if schema and not db.schema_exists():
        db.close()
        raise CollectionError(f"the PostgreSQL database at {public_url(url)} has no schema "
                              f"{schema}: the collection's tables were dropped, or "
                              f"database.json names another server")
    return db


def _adapt(raw: psycopg.Connection[Any]) -> None:
    """Values as sqlite3 gives and takes them: numbers from sums and averages as int or
    float (not Decimal), booleans written as 0 and 1 (columns are integers)."""
    from psycopg.adapt import Dumper, Loader
    from psycopg.pq import Format

    class Number(Loader):
        def load(self, data: Any) -> int | float:
            text = bytes(data)
            return int(text) if text.lstrip(b"-").isdigit() else float(text)

    class Flag(Dumper):
        oid = raw.adapters.types["int8"].oid
        format = Format.TEXT

        def dump(self, obj: Any) -> bytes:
            return b"1" if obj else b"0"

    raw.adapters.register_loader("numeric", Number)
    raw.adapters.register_dumper(bool, Flag)


# -- rows and cursors ------------------------------------------------------------------

class Row(tuple[Any, ...]):
    """A row read by index or by (case-insensitive) column name, like ``sqlite3.Row``."""

    _index: ClassVar[dict[str, int]] = {}
    _names: ClassVar[tuple[str, ...]] = ()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                key = self._index[key.lower()]
            except KeyError:
                raise IndexError("No item with that key") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


@lru_cache(maxsize=4096)
def _row_class(names: tuple[str, ...]) -> type[Row]:
    index: dict[str, int] = {}
    for i, name in enumerate(names):
        index.setdefault(name.lower(), i)
    return type("Row", (Row,), {"_index": index, "_names": names})


def _rows(cursor: Any) -> Any:
    description = cursor.description
    if description is None:
        return tuple
    cls = _row_class(tuple(d.name for d in description))
    return lambda values: tuple.__new__(cls, values)


class Cursor:
    """The result of one statement, read as a sqlite3 cursor's."""

    def __init__(self, cursor: Any = None, lastrowid: int | None = None) -> None:
        self._cursor = cursor
        self.lastrowid = lastrowid
        self.rowcount = cursor.rowcount if cursor is not None else -1

    @property
    def description(self) -> Any:
        return None if self._cursor is None else self._cursor.description

    def _results(self) -> bool:
        return self._cursor is not None and self._cursor.description is not None

    def fetchone(self) -> Any:
        return self._cursor.fetchone() if self._results() else None

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall()) if self._results() else []

    def fetchmany(self, size: int = 1) -> list[Any]:
        return list(self._cursor.fetchmany(size)) if self._results() else []

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cursor) if self._results() else iter(())

    def close(self) -> None:
        if self._cursor is not None:
            self._cursor.close()


# -- the connection -------------------------------------------------------------------

class Connection:
    """A PostgreSQL connection speaking the store's SQLite (see the module's doc)."""

    dialect = "postgresql"

    def __init__(self, raw: psycopg.Connection[Any], schema: str | None) -> None:
        self.raw = raw
        self.schema = schema
        self.row_factory: Any = None  # rows always read by index and by name
        self._plans: dict[tuple[str, bool], pgsql.Plan] = {}
        self._catalog: _Catalog | None = None

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def schema_exists(self) -> bool:
        return self.raw.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s",
                                (self.schema,)).fetchone() is not None

    def _plan(self, sql: str, many: bool = False) -> pgsql.Plan:
        plan = self._plans.get((sql, many))
        if plan is None:
            if self._catalog is None:
                self._catalog = _Catalog(self.raw, self.schema)
            try:
                plan = pgsql.translate(sql, self._catalog, many)
            except pgsql.Unsupported as exc:
                raise sqlite3.OperationalError(f"not translated for PostgreSQL: {exc}") from exc
            if len(self._plans) >= _PLANS:  # statements with values written into them
                self._plans.clear()
            self._plans[(sql, many)] = plan
        return plan

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        plan = self._plan(sql)
        if not plan.statements:
            return Cursor()
        with _errors():
            for statement in plan.statements[:-1]:
                self.raw.execute(statement)
            cursor = self.raw.cursor()
            cursor.execute(plan.statements[-1], plan.bind(params) if params else None)
        if plan.changes:
            self._forget(plan.changes)
        if not plan.returning:
            return Cursor(cursor)
        row = cursor.fetchone()
        return _Inserted(cursor, None if row is None else int(row[0]))

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> Cursor:
        plan = self._plan(sql, many=True)
        rows = [plan.bind(params) for params in seq]
        cursor = self.raw.cursor()
        if rows and plan.statements:
            with _errors():
                cursor.executemany(plan.statements[-1], rows)
        return Cursor(cursor)

    def executescript(self, script: str) -> Cursor:
        if self.in_transaction:  # as sqlite3 does before a script
            self.execute("COMMIT")
        for statement in pgsql.split(script):
            self.execute(statement)
        return Cursor()

    def _forget(self, table: str) -> None:
        """A table's columns changed ("*": any table's): translations are made again."""
        if self._catalog is not None:
            self._catalog.forget(table)
        self._plans.clear()

    def commit(self) -> None:
        if self.in_transaction:
            self.execute("COMMIT")

    def rollback(self) -> None:
        if self.in_transaction:
            self.execute("ROLLBACK")

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self.rollback() if kind is not None else self.commit()


class _Inserted(Cursor):
    """An INSERT that returned its row's id (read as ``lastrowid``): no rows to fetch."""

    def _results(self) -> bool:
        return False


class _Catalog:
    """The columns of the schema's tables, each table read when a translation first asks
    (and again after DDL changed it)."""

    def __init__(self, raw: psycopg.Connection[Any], schema: str | None) -> None:
        self._raw = raw
        self._schema = schema or "public"
        self._tables: dict[str, list[pgsql.Column]] = {}

    def forget(self, table: str) -> None:
        if table == "*":
            self._tables.clear()
        self._tables.pop(table, None)

    def columns(self, table: str) -> list[pgsql.Column]:
        if table not in self._tables:
            # to_regclass: the catalogue's index on names, not a scan of every relation
            self._tables[table] = [pgsql.Column(*row) for row in self._raw.execute(
                "SELECT a.attname, a.attnotnull, a.attidentity <> '', "
                "coalesce(a.attnum = ANY(i.indkey), false) FROM pg_attribute a "
                "LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary "
                "WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 AND NOT a.attisdropped "
                "ORDER BY a.attnum", (f"{self._schema}.{table}",)).fetchall()]
        return self._tables[table]


class _errors:
    """psycopg's errors raised as sqlite3's (the classes the store's callers catch)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: object) -> None:
        import psycopg

        if exc is None or not isinstance(exc, psycopg.Error):
            return
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise _sqlite_class(exc)(message) from exc


def _sqlite_class(exc: Exception) -> type[sqlite3.Error]:
    import psycopg
    from psycopg import errors

    if isinstance(exc, (psycopg.IntegrityError, errors.RaiseException)):
        return sqlite3.IntegrityError
    if isinstance(exc, psycopg.DataError):
        return sqlite3.DataError
    if isinstance(exc, (psycopg.OperationalError, psycopg.ProgrammingError,
                        errors.ReadOnlySqlTransaction)):
        return sqlite3.OperationalError
    if isinstance(exc, psycopg.InterfaceError):
        return sqlite3.InterfaceError
    return sqlite3.DatabaseError


def as_sqlite(db: Connection) -> sqlite3.Connection:
    """``db`` typed as the sqlite3 connection whose API it has (what the store's code is
    written against)."""
    return cast(sqlite3.Connection, db)
