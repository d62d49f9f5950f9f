"""Queries over a list of ids, in chunks: SQLite binds at most 32,766 parameters."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["CHUNK", "chunks", "marks", "select_in"]

CHUNK = 500  # well under SQLite's limit, and a statement PostgreSQL prepares once


def chunks(items: list[str]) -> Iterator[list[str]]:
    for begin in range(0, len(items), CHUNK):
        yield items[begin:begin + CHUNK]


def marks(items: list[str] | list[int]) -> str:
    """One placeholder per item, for ``IN (...)``."""
    return ",".join("?" * len(items))


def select_in(db: sqlite3.Connection, sql: str, ids: Iterable[str]) -> Iterator[Any]:
    """The rows of ``sql``, whose ``{}`` is the ``IN`` list's placeholders, for every id
    (distinct, in order, a chunk at a time)."""
    for chunk in chunks(sorted(set(ids))):
        yield from db.execute(sql.format(marks(chunk)), chunk)
