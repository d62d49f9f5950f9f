"""Who is using the workbench: sessions, CSRF tokens, login throttling and roles.

Sessions live in the server's memory only: a token in an HttpOnly, SameSite=Strict cookie
names one; nothing about it is written to disk, and a restart signs everyone out. A session
ends after ``idle`` seconds without a request and ``lifetime`` seconds after sign-in,
whichever comes first. Each session has its own CSRF token, which every form carries and
every JSON write sends as ``X-CSRF-Token``.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["ROLES_THAT_CHANGE", "LoginLimiter", "Session", "Sessions", "same_token"]

# viewers read; analysts review and ingest; admins also edit the vocabulary overlay
ROLES_THAT_CHANGE = ("analyst", "admin")


@dataclass
class Session:
    token: str
    user: str
    role: str
    csrf: str
    started: float
    seen: float

    @property
    def may_change(self) -> bool:
        return self.role in ROLES_THAT_CHANGE

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass
class Sessions:
    """Sessions by token, expiring on idleness and on age."""

    idle: float = 3600.0
    lifetime: float = 8 * 3600.0
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    _by_token: dict[str, Session] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _now(self) -> float:
        return self.clock()

    def start(self, user: str, role: str) -> Session:
        now = self._now()
        session = Session(secrets.token_urlsafe(32), user, role, secrets.token_urlsafe(32),
                          now, now)
        with self._lock:
            self._forget_expired(now)
            self._by_token[session.token] = session
        return session

    def get(self, token: str | None) -> Session | None:
        """The live session a token names (its idle clock restarted), or None."""
        if not token:
            return None
        now = self._now()
        with self._lock:
            session = self._by_token.get(token)
            if session is None:
                return None
            if now - session.seen > self.idle or now - session.started > self.lifetime:
                del self._by_token[token]
                return None
            session.seen = now
            return session

    def end(self, token: str | None) -> None:
        with self._lock:
            self._by_token.pop(token or "", None)

    def end_user(self, user: str) -> None:
        with self._lock:
            for token in [t for t, s in self._by_token.items() if s.user == user]:
                del self._by_token[token]

    def _forget_expired(self, now: float) -> None:
        gone = [t for t, s in self._by_token.items()
                if now - s.seen > self.idle or now - s.started > self.lifetime]
        for token in gone:
            del self._by_token[token]


@dataclass
class LoginLimiter:
    """At most ``attempts`` failed sign-ins per ``window`` seconds, per name and per
    client address alike (so neither guessing one password nor spraying many names works).
    """

    attempts: int = 5
    window: float = 900.0
    max_keys: int = 10_000
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    _failures: dict[str, deque[float]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _now(self) -> float:
        return self.clock()

    def wait(self, *keys: str) -> float:
        """Seconds until another attempt is allowed for all ``keys`` (0: allowed now)."""
        now = self._now()
        longest = 0.0
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                if len(times) >= self.attempts:
                    longest = max(longest, times[0] + self.window - now)
        return longest

    def failed(self, *keys: str) -> None:
        now = self._now()
        with self._lock:
            if len(self._failures) > self.max_keys:  # names tried once, long ago
                for key in [k for k in self._failures if not self._recent(k, now)]:
                    del self._failures[key]
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, name_key: str) -> None:
        with self._lock:
            self._failures.pop(name_key, None)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times


def same_token(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison of two tokens; a missing one never matches."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())
