"""The store on PostgreSQL: SQLite's SQL translated (no server needed), FTS5 queries as
tsqueries, and (with CORROBORATE_TEST_DATABASE) collections on a real server."""

from __future__ import annotations

import json
import os
import sqlite3
from typing import ClassVar

import pytest

from corroborate.errors import CollectionError
from corroborate.pipeline import ingest
from corroborate.store import Store
from corroborate.store.pgsql import Column, Unsupported, split, translate
from corroborate.store.pgtext import document, tsquery
from corroborate.store.postgres import _row_class, public_url, read_settings

from .conftest import POSTGRES, sample_files


class Catalog:
    """Tables as the translation sees them: name -> [(column, not null, identity, pk)]."""

    TABLES: ClassVar[dict[str, list[tuple[str, bool, bool, bool]]]] = {
        "meta": [("key", True, False, True), ("value", True, False, False)],
        "links": [("a", True, False, True), ("b", True, False, True),
                  ("score", True, False, False), ("why", True, False, False)],
        "review_log": [("seq", True, True, True), ("at", True, False, False)],
        "events": [("id", True, False, True), ("first_published", False, False, False),
                   ("origins", True, False, False), ("rowid", True, True, False)],
        "marks": [("a", True, False, True)],
    }

    def columns(self, table: str) -> list[Column]:
        return [Column(*c) for c in self.TABLES.get(table, [])]


def sql(statement: str, many: bool = False) -> str:
    return " ".join(" ".join(translate(statement, Catalog(), many).statements).split())


def test_placeholders_become_psycopgs_and_a_percent_is_doubled_only_beside_them():
    assert sql("SELECT * FROM t WHERE a = ? AND b LIKE '5%'") == \
        "SELECT * FROM t WHERE a = %s AND b ILIKE '5%%'"
    assert sql("SELECT 5 % 2, '?'") == "SELECT 5 % 2, '?'"


def test_insert_or_ignore_and_or_replace_become_on_conflict():
    assert sql("INSERT OR IGNORE INTO marks VALUES (?)") == \
        "INSERT INTO marks VALUES (%s) ON CONFLICT DO NOTHING"
    assert sql("INSERT OR REPLACE INTO links VALUES (?, ?, ?, ?)") == (
        'INSERT INTO links VALUES (%s, %s, %s, %s) ON CONFLICT (a, b) DO UPDATE SET '
        '"score" = EXCLUDED."score", "why" = EXCLUDED."why"')
    # an identity rowid is kept, as the row's other columns are replaced
    assert sql("INSERT OR REPLACE INTO events (id, origins) VALUES (?, ?)").endswith(
        'ON CONFLICT (id) DO UPDATE SET "first_published" = EXCLUDED."first_published", '
        '"origins" = EXCLUDED."origins" RETURNING rowid')
    with pytest.raises(Unsupported):
        translate("INSERT OR REPLACE INTO nowhere VALUES (1)", Catalog())


def test_an_upserts_unqualified_column_is_the_row_already_there():
    assert sql("INSERT INTO meta VALUES ('g', '1') ON CONFLICT(key) DO UPDATE SET "
               "value = CAST(value AS INTEGER) + 1") == (
        "INSERT INTO meta VALUES ('g', '1') ON CONFLICT(key) DO UPDATE SET "
        "value = CAST(meta.value AS BIGINT) + 1")


def test_an_insert_returns_its_identity_for_lastrowid_but_not_in_executemany():
    plan = translate("INSERT INTO review_log (at) VALUES (?)", Catalog())
    assert plan.returning and plan.statements[-1].endswith("RETURNING seq")
    assert not translate("INSERT INTO review_log (at) VALUES (?)", Catalog(), many=True).returning
    assert not translate("INSERT INTO marks VALUES (?)", Catalog()).returning


def test_transactions_and_pragmas():
    assert translate("BEGIN IMMEDIATE", Catalog()).statements == (
        "BEGIN", "SELECT pg_advisory_xact_lock(hashtext(current_schema()))")
    assert sql("BEGIN") == "BEGIN ISOLATION LEVEL REPEATABLE READ"
    assert sql("END") == "COMMIT"
    assert sql("PRAGMA user_version") == "SELECT version AS user_version FROM sqlite_pragma"
    assert sql("PRAGMA user_version = 7") == "UPDATE sqlite_pragma SET version = 7"
    assert translate("PRAGMA journal_mode = WAL", Catalog()).statements == ()
    assert translate("PRAGMA foreign_keys = ON", Catalog()).statements == ()


def test_sqlite_functions_and_operators():
    assert sql("SELECT group_concat(x), group_concat(DISTINCT y, ';') FROM t") == (
        "SELECT string_agg((x)::text, ','), string_agg(DISTINCT (y)::text, ';') FROM t")
    assert sql("SELECT json_extract(a.data, '$.incident_id') FROM accounts a") == (
        "SELECT ((a.data)::jsonb #>> '{incident_id}') FROM accounts a")
    assert sql("SELECT json_remove(data, '$.claims', '$.reports') FROM accounts") == (
        "SELECT (((data)::jsonb #- '{claims}' #- '{reports}')::text) FROM accounts")
    assert sql("SELECT hex(shingles), max(a, b), min(c), ifnull(d, 0) FROM t") == (
        "SELECT upper(encode(shingles, 'hex')), GREATEST(a, b), min(c), coalesce(d, 0) FROM t")
    assert sql("SELECT 1 FROM s WHERE s.x IS NOT m.x OR s.y IS m.y OR s.z IS NOT NULL") == (
        "SELECT 1 FROM s WHERE s.x IS DISTINCT FROM m.x OR s.y IS NOT DISTINCT FROM m.y "
        "OR s.z IS NOT NULL")
    assert sql("SELECT r.id FROM reports r INDEXED BY by_id WHERE (1) AND r.x IN ()") == (
        "SELECT r.id FROM reports r WHERE (TRUE) AND r.x IN (NULL)")
    assert sql("SELECT count(*) FROM (SELECT 1 FROM t)") == \
        "SELECT count(*) FROM (SELECT 1 FROM t) AS _q0"
    with pytest.raises(Unsupported, match="MATCH"):
        translate("SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?", Catalog())


def test_nulls_sort_first_as_in_sqlite_unless_the_column_cannot_hold_one():
    assert sql("SELECT id FROM events ORDER BY origins DESC, first_published, id LIMIT 5") == (
        "SELECT id FROM events ORDER BY origins DESC, first_published NULLS FIRST, id LIMIT 5")
    assert sql("SELECT id FROM events ORDER BY first_published DESC") == \
        "SELECT id FROM events ORDER BY first_published DESC NULLS LAST"
    assert sql("CREATE INDEX e ON events(origins DESC, first_published)") == \
        "CREATE INDEX e ON events(origins DESC, first_published NULLS FIRST)"


def test_tables_get_postgresqls_types_and_the_rowid_the_code_reads():
    made = sql("CREATE TABLE events (id TEXT PRIMARY KEY, text TEXT NOT NULL, n INTEGER, "
               "score REAL, data BLOB, CHECK (n > 0))")
    assert made == ('CREATE TABLE events (id TEXT COLLATE "C" PRIMARY KEY, text TEXT COLLATE "C" '
                    'NOT NULL, n BIGINT, score DOUBLE PRECISION, data BYTEA, CHECK (n > 0), '
                    'rowid BIGINT GENERATED BY DEFAULT AS IDENTITY UNIQUE)')
    assert sql("CREATE TABLE k (seq INTEGER PRIMARY KEY, a TEXT) WITHOUT ROWID") == (
        'CREATE TABLE k (seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, '
        'a TEXT COLLATE "C")')
    assert sql("ALTER TABLE r ADD COLUMN digest TEXT NOT NULL DEFAULT ''") == \
        "ALTER TABLE r ADD COLUMN digest TEXT COLLATE \"C\" NOT NULL DEFAULT ''"
    assert translate("CREATE TABLE k (a TEXT)", Catalog()).changes == "k"
    assert translate("CREATE INDEX i ON k(a)", Catalog()).changes is None


def test_fts5_tables_become_tsvectors_written_from_the_text():
    made = translate("CREATE VIRTUAL TABLE reports_fts USING fts5(title, text, "
                     "content='reports', content_rowid='rowid', tokenize='unicode61')",
                     Catalog()).statements
    assert made == ("CREATE TABLE reports_fts (rowid BIGINT PRIMARY KEY REFERENCES "
                    "reports(rowid) ON DELETE CASCADE, doc TSVECTOR NOT NULL)",
                    "CREATE INDEX reports_fts_doc ON reports_fts USING GIN (doc)")
    plan = translate("INSERT INTO reports_fts(rowid, title, text) VALUES (?, ?, ?)", Catalog())
    assert "setweight(to_tsvector('simple', %s), 'A')" in plan.statements[0]
    assert plan.bind([7, "Hyesan Market", "Traders in Hyésan"]) == \
        [7, "hyesan market", "traders in hyesan"]
    gone = translate("INSERT INTO reports_hangul (reports_hangul, rowid, title, text) "
                     "VALUES ('delete', ?, ?, ?)", Catalog())
    assert gone.statements == ("DELETE FROM reports_hangul WHERE rowid = %s",)
    assert gone.bind([7, "t", "x"]) == [7]
    assert sql("INSERT INTO reports_hangul (reports_hangul) VALUES ('delete-all')") == \
        "DELETE FROM reports_hangul"
    with pytest.raises(Unsupported):
        translate("CREATE VIRTUAL TABLE other USING fts5(a)", Catalog())


def test_triggers_become_plpgsql_functions():
    body, trigger = translate(
        "CREATE TRIGGER kept BEFORE UPDATE ON review_log "
        "BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END", Catalog()).statements
    assert "RAISE EXCEPTION USING MESSAGE = 'the review log is append-only'" in body
    assert "RETURN NEW" in body
    assert trigger == ("CREATE TRIGGER kept BEFORE UPDATE ON review_log FOR EACH ROW "
                       "EXECUTE FUNCTION kept()")
    body, trigger = translate(
        "CREATE TRIGGER IF NOT EXISTS added AFTER INSERT ON t BEGIN "
        "INSERT OR IGNORE INTO marks VALUES (NEW.id); END", Catalog()).statements
    assert "INSERT INTO marks VALUES (NEW.id) ON CONFLICT DO NOTHING; RETURN NULL" in body
    assert trigger.startswith("CREATE OR REPLACE TRIGGER added AFTER INSERT ON t")


def test_a_script_splits_into_statements_keeping_a_triggers_body_whole():
    parts = split("CREATE TABLE a (x TEXT DEFAULT ';'); CREATE TRIGGER t AFTER INSERT ON a "
                  "BEGIN INSERT INTO b VALUES (1); INSERT INTO c VALUES (2); END; "
                  "PRAGMA user_version = 2;")
    assert len(parts) == 3 and parts[0].endswith("DEFAULT ';')")
    assert parts[1].count("INSERT INTO") == 2 and parts[1].endswith("END")


# -- FTS5 queries as tsqueries ----------------------------------------------------------

@pytest.mark.parametrize(("query", "expected"), [
    ("executed", "(('executed'))"),
    ('"political prison camp"', "((('political' <-> 'prison' <-> 'camp')))"),
    ('x NOT "security agents"', "((('x' & !('security' <-> 'agents'))))"),
    ("arrest* OR detain", "(('arrest':*) | ('detain'))"),
    ("traders NOT Hyesan", "((('traders' & !'hyesan')))"),
    ("title:Musan guards", "(('musan':A & 'guards'))"),
    ("-title:Musan", "(('musan':B))"),
    ("NEAR(border guards, 5)", "((('border' & 'guards')))"),
    ("Chosŏn ÉCOLE", "(('choson' & 'ecole'))"),
    ("혜산 보위부", "(('혜산' & '보위부'))"),
])
def test_fts5_queries_become_tsqueries(query, expected):
    assert tsquery(query) == expected


@pytest.mark.parametrize("bad", ['"unbalanced', "kim AND", "(open", "a:b", "x ? y"])
def test_queries_fts5_refuses_are_refused_as_sqlite_errors(bad):
    with pytest.raises(sqlite3.OperationalError):
        tsquery(bad)


def test_a_document_is_its_folded_words():
    assert document("Kim Jong-un's “Chosŏn” 혜산시에서, 2019") == \
        "kim jong un s choson 혜산시에서 2019"


# -- the connection's parts that need no server -------------------------------------------

def test_rows_read_by_index_and_by_name_like_sqlite3_rows():
    row = tuple.__new__(_row_class(("id", "Title")), ("r-1", "A title"))
    assert row[0] == "r-1" and row["title"] == "A title" and row["TITLE"] == "A title"
    assert dict(zip(row.keys(), row, strict=True)) == {"id": "r-1", "Title": "A title"}
    assert dict(row) == {"id": "r-1", "Title": "A title"}  # type: ignore[call-overload]
    with pytest.raises(IndexError):
        row["missing"]


def test_no_password_is_ever_written_to_the_folder(tmp_path):
    assert public_url("postgresql://ana:s3cret@db.example:5432/cases") == \
        "postgresql://ana@db.example:5432/cases"
    assert public_url("postgresql://db.example/cases") == "postgresql://db.example/cases"
    (tmp_path / "database.json").write_text(json.dumps({"url": "mysql://x", "schema": "s"}))
    with pytest.raises(CollectionError, match="does not name"):
        read_settings(tmp_path)


def test_init_refuses_encryption_or_another_url_on_a_server(tmp_path):
    with pytest.raises(CollectionError, match="encryption"):
        Store.init(tmp_path / "a", "passphrase", database="postgresql://127.0.0.1:1/x")
    with pytest.raises(CollectionError, match="postgresql://"):
        Store.init(tmp_path / "b", database="/var/lib/db.sqlite")
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


# -- on a server -----------------------------------------------------------------------

server = pytest.mark.skipif(not POSTGRES, reason="needs CORROBORATE_TEST_DATABASE")


@server
def test_a_collection_on_postgresql_keeps_its_primary_data_in_the_folder(tmp_path):
    url = str(POSTGRES).replace("postgresql://", "postgresql://postgres:never-kept@", 1) \
        if "@" not in str(POSTGRES) else str(POSTGRES)
    with Store.init(tmp_path / "c", database=url) as store:
        assert ingest(store, [str(p) for p in sample_files()]).ok
        counts = store.counts()
    root = tmp_path / "c"
    assert {p.name for p in root.iterdir()} >= {"archive", "custody.log", "database.json"}
    assert not (root / "corroborate.sqlite").exists()
    assert "never-kept" not in (root / "database.json").read_text()
    with Store.open(root) as again:
        assert again.counts() == counts and not [p for p in again.verify() if p.fatal]
    with Store.open_read_only(root) as reader:
        assert reader.counts() == counts
        with pytest.raises(sqlite3.OperationalError, match="read-only"):
            reader.db.execute("DELETE FROM meta")


@server
def test_the_connection_behaves_as_sqlite3s(store):
    db = store.db
    cur = db.execute("INSERT INTO review_log (at, reviewer, report_id, field, action, note, "
                     "revision) VALUES ('t', 'ana', 'r-1', 'country', 'accept', '', 1)")
    assert cur.lastrowid == 1 and cur.fetchall() == []
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM review_log")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO meta VALUES ('collection_id', 'again')")
    assert not db.in_transaction
    db.execute("BEGIN IMMEDIATE")
    assert db.in_transaction
    db.execute("INSERT OR REPLACE INTO meta VALUES ('k', ?)", (5,))
    db.execute("ROLLBACK")
    assert db.execute("SELECT value FROM meta WHERE key = 'k'").fetchone() is None
    assert db.execute("SELECT sum(revision), avg(revision) FROM review_log").fetchone() == (1, 1.0)


@server
def test_a_writing_transaction_holds_the_collections_lock(store):
    other = Store.attach(store.root)
    try:
        store.db.execute("BEGIN IMMEDIATE")
        held = other.db.execute(
            "SELECT pg_try_advisory_lock(hashtext(current_schema()))").fetchone()[0]
        store.db.execute("COMMIT")
        free = other.db.execute(
            "SELECT pg_try_advisory_lock(hashtext(current_schema()))").fetchone()[0]
    finally:
        other.close()
    assert held is False and free is True


@server
def test_two_collections_on_one_server_do_not_see_each_other(tmp_path):
    with Store.init(tmp_path / "a") as a, Store.init(tmp_path / "b") as b:
        assert ingest(a, [str(sample_files()[0])]).ok
        assert a.counts()["captures"] == 1 and b.counts()["captures"] == 0
        assert read_settings(a.root)["schema"] != read_settings(b.root)["schema"]


def test_the_switch_puts_the_suites_collections_on_postgresql(tmp_path):
    with Store.init(tmp_path / "c") as store:
        on_server = (tmp_path / "c" / "database.json").exists()
        assert on_server == bool(POSTGRES) == bool(os.environ.get("CORROBORATE_DATABASE"))
        assert store.db.execute("SELECT count(*) FROM meta").fetchone()[0] == 1
