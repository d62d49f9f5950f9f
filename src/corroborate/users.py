"""Users: the team's accounts, with a role each, for review and the workbench.

| role | may |
|---|---|
| ``viewer`` | read |
| ``analyst`` | read, and decide on values (``review.decide``) |
| ``admin`` | all an analyst may, and manage accounts and vocabularies |

Passwords are stored only as argon2id hashes (argon2-cffi's defaults, which follow RFC
9106's recommendations); :func:`check_password` answers in the same time whether the name
exists or not, so a login form does not tell which names have accounts.

    add_user(store, "ana", "analyst", password)
    user = check_password(store, "ana", attempt)   # a User, or None
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING

from .errors import CorroborateError

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from .store import Store

__all__ = ["MIN_PASSWORD", "ROLES", "User", "add_user", "check_password", "may_decide",
           "user", "users"]

ROLES = ("admin", "analyst", "viewer")
MIN_PASSWORD = 12  # characters: long enough that a stolen hash is slow to guess


@dataclass(frozen=True)
class User:
    name: str
    role: str
    created_at: str


def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher

    return PasswordHasher()


@cache
def _dummy() -> str:
    """A real hash of a random secret, checked when a name is unknown (same work)."""
    return _hasher().hash(secrets.token_hex(16))


def add_user(store: Store, name: str, role: str, password: str) -> User:
    """Create an account; the name must be new, the role one of :data:`ROLES`."""
    name = name.strip()
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise CorroborateError("a user name is 1 to 64 characters, without spaces")
    if role not in ROLES:
        raise CorroborateError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise CorroborateError(f"a password has at least {MIN_PASSWORD} characters")
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    digest = _hasher().hash(password)
    with store.locked(), store.transaction() as db:
        if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise CorroborateError(f"there is already a user {name!r}")
        db.execute("INSERT INTO users (name, role, password_hash, created_at) "
                   "VALUES (?, ?, ?, ?)", (name, role, digest, stamp))
    return User(name, role, stamp)


def users(store: Store) -> list[User]:
    return [User(*row) for row in store.db.execute(
        "SELECT name, role, created_at FROM users ORDER BY name")]


def user(store: Store, name: str) -> User | None:
    row = store.db.execute("SELECT name, role, created_at FROM users WHERE name = ?",
                           (name,)).fetchone()
    return User(*row) if row else None


def check_password(store: Store, name: str, password: str) -> User | None:
    """The user, if the password is theirs; None otherwise (unknown names cost the same)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    row = store.db.execute("SELECT name, role, created_at, password_hash FROM users "
                           "WHERE name = ?", (name,)).fetchone()
    try:
        _hasher().verify(row[3] if row else _dummy(), password)
    except (VerificationError, InvalidHashError):
        return None
    return User(row[0], row[1], row[2]) if row else None


def may_decide(store: Store, name: str) -> bool:
    """Whether ``name`` may record review decisions: anyone while the collection has no
    accounts (one person at a laptop), else analysts and admins only."""
    if not store.db.execute("SELECT 1 FROM users LIMIT 1").fetchone():
        return True
    found = user(store, name)
    return found is not None and found.role in ("admin", "analyst")
