"""The digest of a derived report: its row, incidents and facts as stored, hashed.

Computed inside the transaction that stores a report and recorded in the custody log's
``indexed`` entry, so ``verify`` can recompute it from the database and name any report
whose text, metadata, incidents or facts were changed, added or removed since.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any

__all__ = ["REPORT_COLUMNS", "digest_of", "report_digest"]

REPORT_COLUMNS = ("id", "capture_sha256", "locator", "origin", "media_type", "url", "title",
                  "published", "outlet", "language", "text", "detail", "tool_version",
                  "vocab_digest")


def report_digest(db: sqlite3.Connection, report_id: str) -> str | None:
    """SHA-256 over one report's stored content; None if there is no such report."""
    row = db.execute(f"SELECT {', '.join(REPORT_COLUMNS)}, hex(shingles), hex(minhash) "
                     f"FROM reports WHERE id = ?", (report_id,)).fetchone()
    if row is None:
        return None
    incidents = [list(r) for r in db.execute(
        "SELECT id, tool_version, vocab_digest FROM incidents WHERE report_id = ? "
        "ORDER BY id", (report_id,))]
    facts = [list(r) for r in db.execute(
        'SELECT f.incident_id, f.position, f.field, f.value, f.label, f.report_id, f.start, '
        'f."end", f.quote, f.attrs FROM facts f JOIN incidents i ON i.id = f.incident_id '
        'WHERE i.report_id = ? ORDER BY f.incident_id, f.position', (report_id,))]
    return digest_of(list(row), incidents, facts)


def digest_of(report: list[Any], incidents: list[list[Any]], facts: list[list[Any]]) -> str:
    """SHA-256 of a report's values as :func:`report_digest` reads them (the report row,
    its blobs in upper-case hex; its incidents by id; their facts by incident and
    position): shared by the writer that works it out from the values it stores."""
    body = {"report": report, "incidents": incidents, "facts": facts}
    canonical = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
