"""The database schema, as numbered migrations (``PRAGMA user_version`` holds the number).

The migrations are SQLite's SQL; on PostgreSQL each statement is translated (store/pgsql.py:
types, WITHOUT ROWID, FTS5 tables, triggers), and a statement that calls a Python SQL
function (``textsearch.register``) is done in Python instead (:data:`_IN_PYTHON`).
"""

from __future__ import annotations

import json
import sqlite3

from .. import textsearch
from ..errors import CollectionError
from .driver import OPERATIONAL_ERRORS, is_postgres

__all__ = ["APPLICATION_ID", "MIGRATIONS", "check", "migrate"]

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
    # 2: custody in the database (every log entry mirrored as a receipt), provenance and a
    # digest of each derived row, so verify can compare the database with the log
    """
    CREATE TABLE receipts (
        seq INTEGER PRIMARY KEY,
        event TEXT NOT NULL CHECK (event IN ('captured', 'received', 'refused')),
        sha256 TEXT,
        origin TEXT NOT NULL,
        at TEXT NOT NULL,
        size INTEGER,
        reason TEXT
    );
    CREATE INDEX receipts_sha256 ON receipts(sha256);
    ALTER TABLE reports ADD COLUMN tool_version TEXT NOT NULL DEFAULT '';
    ALTER TABLE reports ADD COLUMN vocab_digest TEXT NOT NULL DEFAULT '';
    ALTER TABLE reports ADD COLUMN digest TEXT NOT NULL DEFAULT '';
    ALTER TABLE incidents ADD COLUMN tool_version TEXT NOT NULL DEFAULT '';
    ALTER TABLE incidents ADD COLUMN vocab_digest TEXT NOT NULL DEFAULT '';
    ALTER TABLE stories ADD COLUMN tool_version TEXT NOT NULL DEFAULT '';
    ALTER TABLE stories ADD COLUMN vocab_digest TEXT NOT NULL DEFAULT '';
    """,
    # 3: events: each story's incident as an account, filed under blocking keys; links
    # between accounts with their reasons; events as the components of the links
    """
    CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        story_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        data TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        vocab_digest TEXT NOT NULL
    );
    CREATE INDEX accounts_event ON accounts(event_id);
    CREATE INDEX accounts_story ON accounts(story_id);
    CREATE TABLE account_keys (
        key TEXT NOT NULL,
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        PRIMARY KEY (key, account_id)
    ) WITHOUT ROWID;
    CREATE INDEX account_keys_account ON account_keys(account_id);
    CREATE TABLE links (
        a TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        b TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        score REAL NOT NULL,
        why TEXT NOT NULL,
        PRIMARY KEY (a, b)
    ) WITHOUT ROWID;
    CREATE INDEX links_b ON links(b);
    CREATE TABLE events (
        id TEXT PRIMARY KEY,
        origins INTEGER NOT NULL,
        reports INTEGER NOT NULL,
        conflicts INTEGER NOT NULL,
        first_published TEXT,
        record TEXT NOT NULL
    );
    CREATE INDEX events_rank ON events(origins DESC, reports DESC, first_published);
    """,
    # 4: review decisions (corroborate.review): an append-only log of who decided what about
    # a report's main value, when, from what to what and why. Human work: no foreign key to
    # reports (a reprocess or re-ingest removes and remakes reports; decisions stay). The
    # team's user accounts (corroborate.users), passwords as argon2id hashes
    """
    CREATE TABLE review_log (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        reviewer TEXT NOT NULL,
        report_id TEXT NOT NULL,
        field TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('accept', 'edit', 'reject')),
        before TEXT,
        after TEXT,
        note TEXT NOT NULL,
        revision INTEGER NOT NULL,
        UNIQUE (report_id, field, revision)
    );
    CREATE TRIGGER review_log_kept BEFORE UPDATE ON review_log
        BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
    CREATE TRIGGER review_log_never_deleted BEFORE DELETE ON review_log
        BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
    CREATE TABLE users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'viewer')),
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    """,
    # 5: the search index (corroborate.search): one row per report with what the workbench's
    # facets, timeline, map and review queue read (main values after review decisions),
    # keyed by the report's rowid so it joins with reports_fts. Derived: rebuilt from the
    # reports, incidents, decisions and events; a collection that has reports is marked for
    # its first build. The covering indexes on reports, story_members, accounts and events
    # keep the index's refresh after each ingest from reading those tables' wide rows. IF NOT
    # EXISTS: a collection whose version number was set back keeps what it has
    """
    CREATE TABLE IF NOT EXISTS search_index (
        report_rowid INTEGER PRIMARY KEY,
        report_id TEXT NOT NULL UNIQUE,
        digest TEXT NOT NULL,
        outlet TEXT,
        published TEXT,
        published_day INTEGER NOT NULL,
        country TEXT,
        region TEXT,
        perpetrator TEXT,
        when_value TEXT,
        when_precision TEXT,
        date_lo INTEGER NOT NULL,
        date_hi INTEGER NOT NULL,
        month INTEGER NOT NULL,
        reviewed TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('unreviewed', 'partly', 'reviewed')),
        confidence REAL,
        band INTEGER NOT NULL,
        severity INTEGER NOT NULL,
        story_id TEXT,
        event_id TEXT,
        event_key INTEGER NOT NULL,
        origins INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS search_outlet ON search_index(outlet);
    CREATE INDEX IF NOT EXISTS search_published ON search_index(published_day);
    CREATE INDEX IF NOT EXISTS search_country ON search_index(country);
    CREATE INDEX IF NOT EXISTS search_region ON search_index(region, event_key);
    CREATE INDEX IF NOT EXISTS search_perpetrator ON search_index(perpetrator);
    CREATE INDEX IF NOT EXISTS search_date ON search_index(date_lo, date_hi);
    CREATE INDEX IF NOT EXISTS search_month ON search_index(month, event_key);
    CREATE INDEX IF NOT EXISTS search_status ON search_index(status);
    CREATE INDEX IF NOT EXISTS search_confidence ON search_index(confidence);
    CREATE INDEX IF NOT EXISTS search_origins ON search_index(origins);
    CREATE INDEX IF NOT EXISTS search_event ON search_index(event_id);
    CREATE INDEX IF NOT EXISTS search_story ON search_index(story_id);
    CREATE INDEX IF NOT EXISTS search_queue ON search_index(
        band, severity DESC, origins DESC, confidence, report_rowid) WHERE status != 'reviewed';
    CREATE INDEX IF NOT EXISTS search_numbers ON search_index(
        report_rowid, published_day, date_lo, date_hi, month, origins, event_key, confidence);
    CREATE INDEX IF NOT EXISTS search_reports ON reports(id, digest);
    CREATE INDEX IF NOT EXISTS search_members ON story_members(report_id, story_id);
    CREATE INDEX IF NOT EXISTS search_accounts ON accounts(story_id, id, event_id);
    CREATE INDEX IF NOT EXISTS search_events ON events(id, origins);
    CREATE TABLE IF NOT EXISTS search_violations (
        report_rowid INTEGER NOT NULL REFERENCES search_index(report_rowid) ON DELETE CASCADE,
        violation TEXT NOT NULL,
        PRIMARY KEY (report_rowid, violation)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS search_violation ON search_violations(violation, report_rowid);
    CREATE TABLE IF NOT EXISTS search_touched (
        generation INTEGER PRIMARY KEY,
        report_rowid INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS search_labels (
        facet TEXT NOT NULL,
        value TEXT NOT NULL,
        label TEXT NOT NULL,
        PRIMARY KEY (facet, value)
    ) WITHOUT ROWID;
    INSERT OR REPLACE INTO meta SELECT 'search_stale', '1' WHERE EXISTS (SELECT 1 FROM reports);
    """,
    # 6: Korean in full-text search (corroborate.textsearch): the reports that hold Hangul
    # indexed a second time, each Hangul run as its overlapping two-syllable pieces, so that
    # 혜산 finds 혜산시 and 혜산에서; rowid = the report's rowid, as in reports_fts.
    # Contentless (a row is deleted by giving its indexing form again, see textsearch).
    # Filled here from the reports a collection has, by the SQL functions that
    # textsearch.register adds; emptied first, so a collection whose version number was set
    # back is filled anew rather than twice
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS reports_hangul USING fts5(
        title, text, content='', tokenize='unicode61 remove_diacritics 2'
    );
    INSERT INTO reports_hangul (reports_hangul) VALUES ('delete-all');
    INSERT INTO reports_hangul (rowid, title, text)
        SELECT rowid, hangul_form(title), hangul_form(text) FROM reports
        WHERE has_hangul(title) OR has_hangul(text);
    """,
    # 7: growing a collection without clustering all of it again (store/storytables.py):
    # each report filed under its LSH band keys (filled for the reports a collection has by
    # the next refresh, from their MinHash), the story a report was in while its story is
    # taken apart, merged stories' ids, and the stories whose accounts are to be made again
    """
    CREATE TABLE IF NOT EXISTS story_bands (
        key INTEGER NOT NULL,
        report_id TEXT NOT NULL,
        PRIMARY KEY (key, report_id)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS story_former (
        report_id TEXT PRIMARY KEY,
        story_id TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS story_aliases (
        id TEXT PRIMARY KEY,
        story_id TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS story_aliases_story ON story_aliases(story_id);
    CREATE TABLE IF NOT EXISTS events_pending (
        story_id TEXT PRIMARY KEY
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS event_former (
        story_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        PRIMARY KEY (story_id, event_id)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS reports_outlet ON reports(outlet, published);
    CREATE INDEX IF NOT EXISTS reports_languages ON reports(outlet, language);
    INSERT OR REPLACE INTO meta SELECT 'story_bands_missing', '1'
        WHERE EXISTS (SELECT 1 FROM reports);
    """,
    # 8: what the search index must catch up with (search_index.update_index), noted by
    # triggers in the transaction that makes the change: a report added or removed, a
    # report whose story membership changed, a story whose accounts changed, an event
    # written. The refresh after an ingest then reads those rows only, not the collection.
    # An index made before is checked whole once (search_recheck)
    """
    CREATE TABLE IF NOT EXISTS search_pending (
        kind TEXT NOT NULL CHECK (kind IN ('report', 'story', 'event')),
        id TEXT NOT NULL,
        PRIMARY KEY (kind, id)
    ) WITHOUT ROWID;
    CREATE TRIGGER IF NOT EXISTS search_report_added AFTER INSERT ON reports
        BEGIN INSERT OR IGNORE INTO search_pending VALUES ('report', NEW.id); END;
    CREATE TRIGGER IF NOT EXISTS search_report_removed AFTER DELETE ON reports
        BEGIN INSERT OR IGNORE INTO search_pending VALUES ('report', OLD.id); END;
    CREATE TRIGGER IF NOT EXISTS search_member_added AFTER INSERT ON story_members
        BEGIN INSERT OR IGNORE INTO search_pending VALUES ('report', NEW.report_id); END;
    CREATE TRIGGER IF NOT EXISTS search_member_removed AFTER DELETE ON story_members
        BEGIN INSERT OR IGNORE INTO search_pending VALUES ('report', OLD.report_id); END;
    CREATE TRIGGER IF NOT EXISTS search_member_moved AFTER UPDATE ON story_members
        BEGIN INSERT OR IGNORE INTO search_pending VALUES ('report', NEW.report_id); END;
    CREATE TRIGGER IF NOT EXISTS search_account_added AFTER INSERT ON accounts
        BEGIN INSERT OR IGNORE INTO search_pending VALUES ('story', NEW.story_id); END;
    CREATE TRIGGER IF NOT EXISTS search_account_removed AFTER DELETE ON accounts
        BEGIN INSERT OR IGNORE INTO search_pending VALUES ('story', OLD.story_id); END;
    CREATE TRIGGER IF NOT EXISTS search_account_moved AFTER UPDATE ON accounts
        BEGIN INSERT OR IGNORE INTO search_pending VALUES ('story', NEW.story_id); END;
    CREATE TRIGGER IF NOT EXISTS search_event_added AFTER INSERT ON events
        BEGIN INSERT OR IGNORE INTO search_pending VALUES ('event', NEW.id); END;
    CREATE TRIGGER IF NOT EXISTS search_event_removed AFTER DELETE ON events
        BEGIN INSERT OR IGNORE INTO search_pending VALUES ('event', OLD.id); END;
    CREATE TRIGGER IF NOT EXISTS search_event_changed AFTER UPDATE ON events
        BEGIN INSERT OR IGNORE INTO search_pending VALUES ('event', NEW.id); END;
    INSERT OR REPLACE INTO meta SELECT 'search_recheck', '1' WHERE EXISTS (SELECT 1 FROM reports);
    """,
    # 9: event blocking keys name the province (events.blocking_keys), so the accounts are
    # filed again: every story's accounts are made and linked anew by the next refresh, as
    # ``reprocess`` does, events keeping their names (event_former). No link is lost:
    # accounts of two provinces never linked
    """
    INSERT OR IGNORE INTO event_former SELECT story_id, event_id FROM accounts
        WHERE event_id IS NOT NULL AND event_id != id;
    DELETE FROM links;
    DELETE FROM account_keys;
    DELETE FROM accounts;
    DELETE FROM events;
    INSERT OR IGNORE INTO events_pending (story_id) SELECT id FROM stories;
    """,
    # 10: what linking reads of an account (events.Account.probe), stored beside the whole
    # account; an account stored before gets the whole one's JSON without claims and
    # reports (its words a list, not packed: Account.from_probe reads both)
    """
    CREATE TABLE IF NOT EXISTS account_probes (
        account_id TEXT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
        probe TEXT NOT NULL
    );
    INSERT OR IGNORE INTO account_probes
        SELECT id, json_remove(data, '$.claims', '$.reports') FROM accounts;
    """,
    # 11: a new report's main values for the search index (search_index.machine_json),
    # worked out where the report was (an ingest's worker) and stored with it, for the
    # index to read instead of working them out again from the incidents; the index drops
    # each once its row is written (made: the tool version and vocabulary digest that
    # worked them out)
    """
    CREATE TABLE IF NOT EXISTS search_machine (
        report_id TEXT PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
        machine TEXT NOT NULL,
        made TEXT NOT NULL
    );
    """,
    # 12: each report's shingle count and MinHash beside the band table (filed with its
    # band keys), for the stories refresh to screen a new report's candidates
    # (stories.may_join) without reading their rows whole: most do not join
    """
    CREATE TABLE IF NOT EXISTS story_prints (
        report_id TEXT PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
        size INTEGER NOT NULL,
        minhash BLOB NOT NULL
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO story_prints (report_id, size, minhash)
        SELECT id, length(shingles) / 4, minhash FROM reports WHERE length(shingles) > 0;
    """,
    # 13: event blocking keys name the city, and an account of a killing is filed under the
    # killing alone (events.blocking_keys): every account is filed again from its probe.
    # Links and events stay: whatever could link before is found as before
    """
    DELETE FROM account_keys;
    INSERT OR IGNORE INTO account_keys
        SELECT k.value, p.account_id FROM account_probes p, json_each(account_filing(p.probe)) k;
    """,
    # 14: the stories whose events are to be refreshed, with the date their canonical report
    # was published ('' when undated or gone): a refresh takes them in that order, so that
    # a batch's new accounts link to events near them in time and the events it groups
    # again stay few (in order of id, each batch of a large ingest touched events all over
    # the collection). The table is made anew, so that running this again changes nothing
    """
    CREATE TABLE IF NOT EXISTS events_pending_dated (
        story_id TEXT PRIMARY KEY,
        published TEXT NOT NULL DEFAULT ''
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO events_pending_dated
        SELECT p.story_id, coalesce(r.published, '') FROM events_pending p
        LEFT JOIN stories s ON s.id = p.story_id
        LEFT JOIN reports r ON r.id = s.canonical_report_id;
    DROP TABLE events_pending;
    ALTER TABLE events_pending_dated RENAME TO events_pending;
    CREATE INDEX IF NOT EXISTS events_pending_order ON events_pending(published, story_id);
    """,
    # 15: linking compares the wording, the figures and the places of an account's opening
    # paragraphs, not of its whole text (events._opening), so every story's accounts are
    # made and linked anew by the next refresh, as in 9, events keeping their names
    # (event_former)
    """
    INSERT OR IGNORE INTO event_former SELECT story_id, event_id FROM accounts
        WHERE event_id IS NOT NULL AND event_id != id;
    DELETE FROM links;
    DELETE FROM account_keys;
    DELETE FROM account_probes;
    DELETE FROM accounts;
    DELETE FROM events;
    INSERT OR IGNORE INTO events_pending (story_id, published)
        SELECT s.id, coalesce(r.published, '') FROM stories s
        LEFT JOIN reports r ON r.id = s.canonical_report_id;
    """,
    # 16: candidates come from two LSH indexes, the whole text's as before and the
    # opening's (stories.band_keys), so every report is filed again by the next refresh
    # (StoryTables.backfill_bands): its whole text's keys are there already, its opening's
    # MinHash is worked out from its text, kept beside its screen (not in story_prints:
    # screening reads those rows only), and filed under its keys. Stories stay as they are
    """
    CREATE TABLE IF NOT EXISTS story_openings (
        report_id TEXT PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
        opening BLOB NOT NULL
    ) WITHOUT ROWID;
    DELETE FROM story_openings;
    INSERT OR REPLACE INTO meta SELECT 'story_bands_missing', '1'
        WHERE EXISTS (SELECT 1 FROM reports);
    """,
]

# "CROB": marks a database as a corroborate collection's, so a foreign one is refused
APPLICATION_ID = 0x43524F42


def check(db: sqlite3.Connection) -> int:
    """The schema version of a corroborate database; refuses a foreign or newer one."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    app = int(db.execute("PRAGMA application_id").fetchone()[0])
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    foreign = (app not in (0, APPLICATION_ID) or (version == 0 and tables)
               or (version > 0 and not {"meta", "captures", "reports"} <= tables))
    if foreign:
        raise CollectionError(
            "the database is not a corroborate collection's (another program's SQLite "
            "file?): it was left untouched")
    if version > len(MIGRATIONS):
        raise CollectionError(
            f"the database has schema version {version}, newer than this corroborate "
            f"knows ({len(MIGRATIONS)}): upgrade corroborate")
    return version


def migrate(db: sqlite3.Connection) -> int:
    """Bring the schema up to date; returns the version. Refuses a foreign or newer one."""
    version = check(db)
    if is_postgres(db):
        _migrate_postgres(db, version)
    elif version < len(MIGRATIONS):
        textsearch.register(db)
        db.create_function("account_filing", 1, _account_filing, deterministic=True)
    for number in range(check(db), len(MIGRATIONS)):
        try:
            db.executescript("BEGIN IMMEDIATE;" + MIGRATIONS[number]
                             + f"; PRAGMA user_version = {number + 1}; COMMIT;")
        except OPERATIONAL_ERRORS:
            if db.in_transaction:
                db.execute("ROLLBACK")
            # two processes opening one old collection at once: the other one migrated it
            if int(db.execute("PRAGMA user_version").fetchone()[0]) <= number:
                raise
    if int(db.execute("PRAGMA application_id").fetchone()[0]) != APPLICATION_ID:
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    return len(MIGRATIONS)


def _fill_hangul(db: sqlite3.Connection) -> None:
    """Migration 6's filling of the Hangul index, from each report's text."""
    for rowid, title, text in db.execute("SELECT rowid, title, text FROM reports").fetchall():
        textsearch.index_row(db, rowid, title, text)


def _filing_keys(probe: str) -> list[str]:
    """The keys an account is filed under (``events.blocking_keys``), from its probe."""
    from ..events import Account, blocking_keys

    return blocking_keys(Account.from_probe(json.loads(probe)))


def _account_filing(probe: str) -> str:
    """Migration 13's SQL function on SQLite: :func:`_filing_keys` as a JSON array."""
    return json.dumps(_filing_keys(probe))


def _refile_accounts(db: sqlite3.Connection) -> None:
    """Migration 13's filing of every account under its keys, from its probe, a thousand
    accounts at a time (probes are a few KB each)."""
    after = ""
    while rows := db.execute("SELECT account_id, probe FROM account_probes WHERE account_id > ? "
                             "ORDER BY account_id LIMIT 1000", (after,)).fetchall():
        db.executemany("INSERT OR IGNORE INTO account_keys VALUES (?, ?)",
                       [(key, account_id) for account_id, probe in rows
                        for key in _filing_keys(probe)])
        after = rows[-1][0]


# statements that call the SQL functions SQLite is given for migrations: on PostgreSQL
# their work is done by a Python function
_IN_PYTHON = {"hangul_form(": _fill_hangul, "account_filing(": _refile_accounts}


def _migrate_postgres(db: sqlite3.Connection, version: int) -> None:
    """Every pending migration in one transaction (PostgreSQL's DDL is transactional)
    holding the collection's write lock: what another process did while this one waited
    is not done again."""
    from .pgsql import split

    if version >= len(MIGRATIONS):
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        for number in range(int(db.execute("PRAGMA user_version").fetchone()[0]),
                            len(MIGRATIONS)):
            for statement in split(MIGRATIONS[number]):
                python = [f for name, f in _IN_PYTHON.items() if name in statement]
                if python:
                    python[0](db)
                else:
                    db.execute(statement)
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
