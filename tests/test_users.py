"""User accounts: argon2id hashes, roles, and who may decide."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from corroborate import review, users
from corroborate.cli import main
from corroborate.errors import CorroborateError
from corroborate.pipeline import ingest

from .conftest import sample_files

PASSWORD = "correct horse battery"


def test_a_password_is_stored_only_as_an_argon2id_hash(store):
    users.add_user(store, "ana", "analyst", PASSWORD)
    stored = store.db.execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert users.check_password(store, "ana", PASSWORD) == users.user(store, "ana")
    assert users.check_password(store, "ana", PASSWORD + "!") is None
    assert users.check_password(store, "nobody", PASSWORD) is None


@pytest.mark.parametrize(("name", "role", "password"), [
    ("ana", "owner", PASSWORD), ("", "viewer", PASSWORD), ("two words", "viewer", PASSWORD),
    ("ana", "viewer", "short"),
])
def test_bad_accounts_are_refused(store, name, role, password):
    with pytest.raises(CorroborateError):
        users.add_user(store, name, role, password)
    assert users.users(store) == []


def test_a_name_is_taken_once(store):
    users.add_user(store, "ana", "viewer", PASSWORD)
    with pytest.raises(CorroborateError, match="already"):
        users.add_user(store, "ana", "admin", PASSWORD)
    assert [u.role for u in users.users(store)] == ["viewer"]


def test_once_there_are_accounts_only_analysts_and_admins_decide(store):
    assert ingest(store, [str(p) for p in sample_files()]).ok
    report_id = store.incidents()[0].report_id
    users.add_user(store, "vic", "viewer", PASSWORD)
    users.add_user(store, "ana", "analyst", PASSWORD)
    for who in ("vic", "stranger"):
        with pytest.raises(CorroborateError, match="may not decide"):
            review.decide(store, report_id, "country", "accept", who)
    assert review.decide(store, report_id, "country", "accept", "ana").revision == 1


def test_user_add_reads_the_password_without_echoing_it(tmp_path):
    path = str(tmp_path / "c")
    runner = CliRunner()
    assert runner.invoke(main, ["init", path]).exit_code == 0
    added = runner.invoke(main, ["user", "add", "-c", path, "ana", "--role", "analyst"],
                          input=f"{PASSWORD}\n{PASSWORD}\n")
    assert added.exit_code == 0, added.output
    assert PASSWORD not in added.output
    piped = runner.invoke(main, ["user", "add", "-c", path, "ben", "--role", "viewer",
                                 "--password-stdin"], input=PASSWORD + "\n")
    assert piped.exit_code == 0, piped.output
    listed = runner.invoke(main, ["user", "list", "-c", path])
    assert "ana" in listed.output and "viewer" in listed.output
    assert "argon2" not in listed.output
