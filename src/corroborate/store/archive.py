"""The archive (captured bytes, content-addressed) and the custody log (hash-chained).

Both are the primary record: the database is derived from them and can be rebuilt.

* ``archive/ab/cd/<sha256>``: the exact bytes of every capture, written once through a
  temporary file, fsynced, renamed into place and made read-only.
* ``custody.log``: one JSON object per line, appended and fsynced, never rewritten. Each
  entry carries ``seq`` (its line number), ``prev`` (the hash of the entry before) and
  ``hash`` (SHA-256 of its own canonical JSON without ``hash``), so any changed, removed,
  inserted or reordered line breaks the chain at a line that can be named.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import Capture

__all__ = ["GENESIS", "Archive", "CustodyLog", "Problem", "check_log"]

GENESIS = "0" * 64
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Problem:
    """One thing ``verify`` found wrong, naming where."""

    where: str
    what: str
    fatal: bool = True

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def entry_hash(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Archive:
    """Content-addressed storage of captured bytes."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def put(self, sha256: str, data: bytes) -> bool:
        """Store ``data`` under its hash; False if it was already there."""
        target = self.path(sha256)
        if target.exists():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{sha256}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o444)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
        return True

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def digest(self, sha256: str) -> str:
        h = hashlib.sha256()
        with open(self.path(sha256), "rb") as fh:
            while chunk := fh.read(_CHUNK):
                h.update(chunk)
        return h.hexdigest()

    def __iter__(self) -> Iterator[str]:
        """Hashes of every file in the archive (temporary files excluded)."""
        if not self.root.exists():
            return
        for path in sorted(self.root.glob("??/??/*")):
            if path.is_file() and not path.name.startswith("."):
                yield path.name


class CustodyLog:
    """The append-only, hash-chained custody log."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, dict[str, Any]] = {}
        self.last_hash = GENESIS
        self.count = 0
        if path.exists():
            self._load()

    def _load(self) -> None:
        with open(self.path, "rb") as fh:
            data = fh.read()
        if data and not data.endswith(b"\n"):
            # an append cut short by a crash: the entry never counted, since the database
            # commit comes after it; drop it so the chain goes on from the last whole line
            cut = data.rfind(b"\n") + 1
            with open(self.path, "r+b") as fh:
                fh.truncate(cut)
            data = data[:cut]
        for line in data.splitlines():
            entry = json.loads(line)
            self.entries.setdefault(entry["sha256"], entry)
            self.last_hash = entry["hash"]
            self.count += 1

    def append(self, capture: Capture) -> dict[str, Any]:
        """Record a capture; returns the entry. A capture already logged is not logged again."""
        if capture.sha256 in self.entries:
            return self.entries[capture.sha256]
        entry: dict[str, Any] = {
            "seq": self.count + 1,
            "event": "captured",
            "sha256": capture.sha256,
            "origin": capture.origin,
            "size": capture.size,
            "media_type": capture.media_type,
            "captured_at": capture.captured_at,
            "tool_version": capture.tool_version,
            "prev": self.last_hash,
        }
        entry["hash"] = entry_hash(entry)
        line = (json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)  # one write call: a line is whole or absent
            os.fsync(fd)
        finally:
            os.close(fd)
        self.entries[capture.sha256] = entry
        self.last_hash = entry["hash"]
        self.count += 1
        return entry


def check_log(path: Path) -> tuple[list[Problem], dict[str, int]]:
    """Walk a custody log's chain from the first line, without changing the file.

    Returns the problems found and ``{sha256: line number}``.
    """
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    if not path.exists():
        return problems, seen
    prev = GENESIS
    with open(path, "rb") as fh:
        data = fh.read()
    if data and not data.endswith(b"\n"):
        problems.append(Problem(path.name, "ends with an incomplete entry"))
    for number, raw in enumerate(data.splitlines(), start=1):
        where = f"{path.name} line {number}"
        try:
            entry = json.loads(raw)
        except ValueError:
            problems.append(Problem(where, "is not a valid entry (not JSON)"))
            prev = ""
            continue
        if not isinstance(entry, dict) or "hash" not in entry:
            problems.append(Problem(where, "is not a valid entry"))
            continue
        if entry_hash(entry) != entry["hash"]:
            problems.append(Problem(where, "was altered: its hash does not match its content"))
        if entry.get("seq") != number:
            problems.append(Problem(where, f"is out of order: it says seq {entry.get('seq')}"))
        if entry.get("prev") != prev:
            problems.append(Problem(where, "breaks the chain: an entry before it was "
                                           "removed, changed or moved"))
        prev = entry["hash"]
        seen.setdefault(str(entry.get("sha256")), number)
    return problems, seen
