"""The database drivers: ``sqlite3``, ``sqlcipher3`` for an encrypted collection, and
PostgreSQL (:mod:`.postgres`) for a collection whose tables are on a server.

sqlcipher3 has the ``sqlite3`` API but its own exception and ``Row`` classes, so code that
catches a database error catches :data:`ERRORS` (or :data:`OPERATIONAL_ERRORS`), never
``sqlite3.Error`` alone, and a connection gets its row class from :func:`use_rows`. The
PostgreSQL connection has the same API and raises ``sqlite3``'s exception classes; the few
places that cannot be said in SQLite's SQL (full-text search) ask :func:`is_postgres`.
"""

from __future__ import annotations

import importlib
import sqlite3
from types import ModuleType

__all__ = ["DATABASE_ENV", "DATABASE_FILE", "ERRORS", "OPERATIONAL_ERRORS", "is_postgres",
           "use_rows"]

# a collection on PostgreSQL: the file in its folder naming the server and schema, and the
# environment variable giving new collections' database (``init --database``'s default)
DATABASE_FILE = "database.json"
DATABASE_ENV = "CORROBORATE_DATABASE"


def _sqlcipher() -> ModuleType | None:
    try:
        return importlib.import_module("sqlcipher3.dbapi2")
    except ImportError:
        return None


_CIPHER = _sqlcipher()

ERRORS: tuple[type[Exception], ...] = (
    (sqlite3.Error,) if _CIPHER is None else (sqlite3.Error, _CIPHER.Error))
OPERATIONAL_ERRORS: tuple[type[Exception], ...] = (
    (sqlite3.OperationalError,) if _CIPHER is None
    else (sqlite3.OperationalError, _CIPHER.OperationalError))


def is_postgres(db: object) -> bool:
    """Whether ``db`` is a connection to PostgreSQL (store.postgres.Connection)."""
    return getattr(db, "dialect", "") == "postgresql"


def use_rows(db: sqlite3.Connection) -> sqlite3.Connection:
    """Rows that read by column name, from whichever driver ``db`` belongs to."""
    if _CIPHER is not None and isinstance(db, _CIPHER.Connection):
        db.row_factory = _CIPHER.Row
    else:
        db.row_factory = sqlite3.Row
    return db
