"""The archive: the exact bytes of every capture, content-addressed.

* ``archive/ab/cd/<sha256>``: written once, fsynced, renamed into place, made read-only.
* ``archive/.staging/<sha256>`` and ``<sha256>.json``: a capture received but not yet
  logged. The bytes are written first, then the metadata (origin, time of receipt), so a
  staged capture with its metadata can always be finished after a kill, and one without
  was never acknowledged and is dropped.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..faults import checkpoint

__all__ = ["Archive"]

_CHUNK = 1 << 20


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write ``data`` to a new file through a temporary one: whole or absent."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, mode)
    os.replace(tmp, path)
    fsync_dir(path.parent)


class Archive:
    """Content-addressed storage of captured bytes, with a staging area."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.staging = root / ".staging"

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def stage(self, sha256: str, data: bytes, meta: dict[str, Any]) -> None:
        """Keep received bytes and their metadata until they are logged."""
        self.staging.mkdir(mode=0o700, parents=True, exist_ok=True)
        write_file(self.staging / sha256, data)
        write_file(self.staging / f"{sha256}.json",
                   json.dumps(meta, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        checkpoint("staged")

    def staged(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Staged captures with their metadata; bytes never acknowledged are dropped."""
        if not self.staging.exists():
            return
        for path in sorted(self.staging.iterdir()):
            if path.name.startswith(".") or path.suffix == ".json":
                if path.name.startswith(".") and path.name.endswith(".tmp"):
                    path.unlink()  # a write cut short: it never counted
                continue
            meta_path = self.staging / f"{path.name}.json"
            if not meta_path.exists():
                path.unlink()  # received but never acknowledged: nothing refers to it
                continue
            yield path.name, json.loads(meta_path.read_bytes())

    def commit(self, sha256: str) -> None:
        """Move staged bytes into the archive, read-only; drop the staging copy."""
        staged = self.staging / sha256
        target = self.path(sha256)
        if not target.exists() and staged.exists():
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(staged, 0o400)
            os.replace(staged, target)
            fsync_dir(target.parent)
        staged.unlink(missing_ok=True)
        (self.staging / f"{sha256}.json").unlink(missing_ok=True)
        checkpoint("archived")

    def discard(self, sha256: str) -> None:
        (self.staging / sha256).unlink(missing_ok=True)
        (self.staging / f"{sha256}.json").unlink(missing_ok=True)

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def digest(self, sha256: str) -> str:
        h = hashlib.sha256()
        with open(self.path(sha256), "rb") as fh:
            while chunk := fh.read(_CHUNK):
                h.update(chunk)
        return h.hexdigest()

    def __iter__(self) -> Iterator[str]:
        """Hashes of every file in the archive (staging and temporary files excluded)."""
        if not self.root.exists():
            return
        for path in sorted(self.root.glob("??/??/*")):
            if path.is_file() and not path.name.startswith("."):
                yield path.name

    def in_flight(self) -> list[str]:
        """Staged captures (an ingest in progress, or one a kill interrupted)."""
        if not self.staging.exists():
            return []
        return sorted(p.stem for p in self.staging.glob("*.json"))
