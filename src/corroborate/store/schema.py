"""The database schema, as numbered migrations (``PRAGMA user_version`` holds the number)."""

from __future__ import annotations

import sqlite3

from ..errors import CollectionError

__all__ = ["MIGRATIONS", "migrate"]

MIGRATIONS: list[str] = [
    # 1: captures, reports with full-text search, incidents and their facts, stories
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE captures (
        sha256 TEXT PRIMARY KEY,
        origin TEXT NOT NULL,
        size INTEGER NOT NULL,
        media_type TEXT NOT NULL,
        captured_at TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'indexed'))
    );
    CREATE TABLE reports (
        id TEXT PRIMARY KEY,
        capture_sha256 TEXT NOT NULL REFERENCES captures(sha256),
        locator TEXT NOT NULL,
        origin TEXT NOT NULL,
        media_type TEXT NOT NULL,
        url TEXT,
        title TEXT,
        published TEXT,
        outlet TEXT,
        language TEXT,
        text TEXT NOT NULL,
        detail TEXT NOT NULL,
        shingles BLOB NOT NULL,
        minhash BLOB NOT NULL
    );
    CREATE INDEX reports_capture ON reports(capture_sha256);
    CREATE VIRTUAL TABLE reports_fts USING fts5(
        title, text, content='reports', content_rowid='rowid',
        tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE
    );
    CREATE INDEX incidents_report ON incidents(report_id);
    CREATE TABLE facts (
        incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        label TEXT NOT NULL,
        report_id TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        quote TEXT NOT NULL,
        attrs TEXT NOT NULL,
        PRIMARY KEY (incident_id, position)
    );
    CREATE INDEX facts_field_value ON facts(field, value);
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        canonical_report_id TEXT NOT NULL REFERENCES reports(id)
    );
    CREATE TABLE story_members (
        report_id TEXT PRIMARY KEY REFERENCES reports(id),
        story_id TEXT NOT NULL REFERENCES stories(id),
        canonical INTEGER NOT NULL,
        containment REAL NOT NULL,
        jaccard REAL NOT NULL,
        adds TEXT NOT NULL,
        lacks TEXT NOT NULL
    );
    CREATE INDEX story_members_story ON story_members(story_id);
    """,
]


def migrate(db: sqlite3.Connection) -> int:
    """Bring the schema up to date; returns the version. Refuses a newer database."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > len(MIGRATIONS):
        raise CollectionError(
            f"the database has schema version {version}, newer than this corroborate "
            f"knows ({len(MIGRATIONS)}): upgrade corroborate")
    for number in range(version, len(MIGRATIONS)):
        with db:
            db.executescript("BEGIN;" + MIGRATIONS[number]
                             + f"; PRAGMA user_version = {number + 1}; COMMIT;")
    return len(MIGRATIONS)
