from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import corroborate
from corroborate.store import Store

SAMPLES = Path(corroborate.__file__).parent / "samples"

# CORROBORATE_TEST_DATABASE=postgresql://127.0.0.1:54329/postgres runs the suite with every
# collection's tables on that PostgreSQL server (.ci/run starts one): every Store.init and
# `corroborate init`, in this process and in the commands it starts, takes it as its
# default database (CORROBORATE_DATABASE). Tests about SQLite itself are marked sqlite_only
POSTGRES = os.environ.get("CORROBORATE_TEST_DATABASE") or None
_SCHEMAS: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): about SQLite itself (its file, SQLCipher, its "
        "pragmas); skipped when the suite runs on PostgreSQL")
    if not POSTGRES:  # a developer's own default database stays out of the suite
        os.environ.pop("CORROBORATE_DATABASE", None)
    else:
        os.environ["CORROBORATE_DATABASE"] = POSTGRES
        from corroborate.store import postgres

        made = postgres.new_schema_name

        def recorded() -> str:  # to drop when this process's tests are done
            _SCHEMAS.append(made())
            return _SCHEMAS[-1]

        postgres.new_schema_name = recorded  # type: ignore[assignment]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not POSTGRES:
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason}"))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the schemas this process's tests made on the PostgreSQL server."""
    if not (POSTGRES and _SCHEMAS):
        return
    import psycopg

    with psycopg.connect(POSTGRES, autocommit=True) as db:
        db.execute("SET lock_timeout = '5s'")
        for schema in _SCHEMAS:
            try:
                db.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            except psycopg.Error:  # a connection a test left open holds it: left behind
                pass


def database_of(root: Path) -> Any:
    """A connection of its own to a collection's database (SQLite's file, or its schema on
    PostgreSQL), to change it behind the store's back."""
    if (root / "database.json").exists():
        from corroborate.store import postgres

        settings = postgres.read_settings(root)
        return postgres.connect(POSTGRES or settings["url"], settings["schema"])
    return sqlite3.connect(root / "corroborate.sqlite")


def without_foreign_keys(db: Any) -> None:
    """Let ``db`` break the tables' references (a row deleted behind the store's back)."""
    if (POSTGRES and not isinstance(db, sqlite3.Connection)):
        db.raw.execute("SET session_replication_role = replica")  # needs a superuser
    else:
        db.execute("PRAGMA foreign_keys = OFF")


def copy_collection(template: Path, target: Path) -> Path:
    """A copy of a collection that nothing open refers to: its folder, and on PostgreSQL
    its tables copied into a schema of its own."""
    shutil.copytree(template, target)
    if not (template / "database.json").exists():
        return target
    from corroborate.store import postgres
    from corroborate.store.schema import migrate

    source = postgres.read_settings(template)["schema"]
    (target / "database.json").unlink()
    db = postgres.create(target, POSTGRES or postgres.read_settings(template)["url"])
    try:
        migrate(postgres.as_sqlite(db))
        tables = [r[0] for r in db.raw.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
            "AND relkind = 'r' ORDER BY oid")]  # made in this order: referenced ones first
        db.raw.execute("BEGIN")
        for table in tables:
            db.raw.execute(f"DELETE FROM {table}")
            db.raw.execute(f"INSERT INTO {table} OVERRIDING SYSTEM VALUE "
                           f"SELECT * FROM {source}.{table}")
        for table, column in db.raw.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE "
                "table_schema = current_schema() AND is_identity = 'YES'").fetchall():
            db.raw.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                           f"coalesce(max({column}), 0) + 1, false) FROM {table}")
        db.raw.execute("COMMIT")
    finally:
        db.close()
    return target


@pytest.fixture
def samples() -> Path:
    return SAMPLES


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.init(tmp_path / "collection")
    yield s
    s.close()


def sample_files() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.name != "README.md")
