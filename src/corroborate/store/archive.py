"""The archive: the exact bytes of every capture, content-addressed.

* ``archive/ab/cd/<sha256>``: written once, fsynced, renamed into place, made read-only.
* ``archive/.staging/<sha256>`` and ``<sha256>.json``: a capture received but not yet
  logged. The bytes are written first, then the metadata (origin, time of receipt), so a
  staged capture with its metadata can always be finished after a kill, and one without
  was never acknowledged and is dropped. A large input is first written to a ``.tmp``
  file there as it is read and hashed (:meth:`Archive.receive`), then renamed to its hash.

In an encrypted collection (``keys`` given), every file is named by
``crypto.blind_name(keys.names, sha256)`` instead of its hash, so the folder does not show
which known documents it holds, and holds sealed bytes: the capture as a sealed stream
(``aad`` = its SHA-256 in ASCII, so a file swapped for another fails to open), its staged
metadata as a sealed blob. :meth:`Archive.read` and :meth:`Archive.digest` give the
plaintext and its hash; :meth:`Archive.hashes` maps names back through the logged hashes.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, cast

from ..faults import checkpoint
from .crypto import Keys, SealError, blind_name, seal, seal_stream, unseal, unseal_stream

__all__ = ["Archive"]

_CHUNK = 1 << 20


def file_sha256(path: Path, size: int | None = None) -> str | None:
    """SHA-256 of a file, or of its first ``size`` bytes (None if it is shorter)."""
    h = file_hasher(path, size)
    return None if h is None else h.hexdigest()


def file_hasher(path: Path, size: int | None = None) -> Any | None:
    """:func:`file_sha256` as a hash object, to go on hashing what follows."""
    h, left = hashlib.sha256(), size
    with open(path, "rb") as fh:
        while left != 0 and (chunk := fh.read(_CHUNK if left is None else min(left, _CHUNK))):
            h.update(chunk)
            if left is not None:
                left -= len(chunk)
    return None if left else h


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file(path: Path, data: bytes, mode: int = 0o600, whole: bool = True) -> None:
    """Write ``data`` to a new file, fsynced. With ``whole``, through a temporary file
    renamed into place and the folder fsynced, so the file is whole or absent; without,
    the caller makes a later step (a renamed file in the same folder) vouch for it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp") if whole else path
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    if whole:
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        fsync_dir(path.parent)


class _Hashing:
    """A file-like sink that only hashes what is written to it."""

    def __init__(self) -> None:
        self.hash = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.hash.update(data)
        return len(data)


class Archive:
    """Content-addressed storage of captured bytes, with a staging area.

    With ``keys``, files are blind-named and sealed (see the module docstring); ``known``
    then gives the logged hashes that :meth:`__iter__` maps file names back through.
    """

    def __init__(self, root: Path, keys: Keys | None = None,
                 known: Callable[[], Iterable[str]] | None = None) -> None:
        self.root = root
        self.staging = root / ".staging"
        self.keys = keys
        self._known = known

    def name(self, sha256: str) -> str:
        """The name of a capture's files: its hash, or a keyed hash of it when encrypted."""
        return blind_name(self.keys.names, sha256) if self.keys else sha256

    def path(self, sha256: str) -> Path:
        return self._place(self.name(sha256))

    def _place(self, name: str) -> Path:
        """Where the file called ``name`` belongs."""
        return self.root / name[:2] / name[2:4] / name

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def receive(self, blocks: Iterable[bytes]) -> Path:
        """Write an input's blocks to a new file in staging as they are read, so a large
        capture is hashed and kept without being held in memory; returns the file, for
        :meth:`stage` once its hash is known. Until then it counts for nothing: a kill
        leaves a ``.tmp`` file that :meth:`staged` drops. Never in an encrypted
        collection (the bytes would lie there in clear)."""
        if self.keys:
            raise ValueError("an encrypted archive receives no bytes in clear")
        self.staging.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.staging / f".received.{os.getpid()}.{os.urandom(8).hex()}.tmp"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            for block in blocks:
                view = memoryview(block)
                while view:
                    view = view[os.write(fd, view):]
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        finally:
            os.close(fd)
        return path

    def stage(self, sha256: str, data: bytes | Path, meta: dict[str, Any]) -> None:
        """Keep received bytes (or the file :meth:`receive` wrote, moved) and their
        metadata until they are logged."""
        if not self.staging.exists():
            self.staging.mkdir(mode=0o700, parents=True, exist_ok=True)
        name = self.name(sha256)
        text = json.dumps(meta, ensure_ascii=False, sort_keys=True).encode("utf-8")
        if self.keys:
            sealed = io.BytesIO()
            with _source(data) as source:
                seal_stream(self.keys.archive, source, sealed, sha256.encode("ascii"))
            if isinstance(data, Path):
                data.unlink()  # never left in clear beside its sealed copy
            data = sealed.getvalue()
            text = seal(self.keys.archive, text, _meta_aad(name))
        # the bytes need no rename of their own: only the metadata, renamed into place
        # after them (and the folder fsync that makes both names durable), acknowledges them
        if isinstance(data, Path):
            fsync_dir(data)  # a file opens read-only the same way
            os.replace(data, self.staging / name)
        else:
            write_file(self.staging / name, data, whole=False)
        write_file(self.staging / f"{name}.json", text)
        checkpoint("staged")

    def _staged_meta(self, name: str) -> dict[str, Any]:
        raw = (self.staging / f"{name}.json").read_bytes()
        if self.keys:
            raw = unseal(self.keys.archive, raw, _meta_aad(name))
        meta: dict[str, Any] = json.loads(raw)
        return meta

    def staged(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Staged captures with their metadata; bytes never acknowledged are dropped."""
        if not self.staging.exists():
            return
        for path in sorted(self.staging.iterdir()):
            if path.name.startswith(".") or path.suffix == ".json":
                if path.name.startswith(".") and path.name.endswith(".tmp"):
                    path.unlink(missing_ok=True)  # a write cut short: it never counted
                elif path.suffix == ".json" and not (self.staging / path.stem).exists():
                    path.unlink(missing_ok=True)  # a commit cut short: bytes archived
                continue
            meta_path = self.staging / f"{path.name}.json"
            if not meta_path.exists():
                path.unlink()  # received but never acknowledged: nothing refers to it
                continue
            meta = self._staged_meta(path.name)
            yield (str(meta["sha256"]) if self.keys else path.name), meta

    def commit(self, sha256: str) -> None:
        """Move staged bytes into the archive, read-only; drop the staging copy."""
        staged = self.staging / self.name(sha256)
        target = self.path(sha256)
        if not target.exists() and staged.exists():
            if not target.parent.exists():
                target.parent.parent.mkdir(mode=0o700, exist_ok=True)
                target.parent.mkdir(mode=0o700, exist_ok=True)
            os.chmod(staged, 0o400)
            os.replace(staged, target)
            fsync_dir(target.parent)
        # metadata first: staged bytes without it are dropped, never logged again
        (self.staging / f"{self.name(sha256)}.json").unlink(missing_ok=True)
        staged.unlink(missing_ok=True)
        checkpoint("archived")

    def read(self, sha256: str) -> bytes:
        """The captured bytes (opened, when sealed: ``crypto.SealError`` if they were
        altered)."""
        if not self.keys:
            return self.path(sha256).read_bytes()
        out = io.BytesIO()
        with open(self.path(sha256), "rb") as fh:
            unseal_stream(self.keys.archive, fh, out, sha256.encode("ascii"))
        return out.getvalue()

    def digest(self, sha256: str, staged: bool = False) -> str:
        """SHA-256 of the captured bytes, archived or ``staged`` (of the plaintext, when
        sealed: a sealed file that does not open raises ``crypto.SealError``)."""
        path = self.staging / self.name(sha256) if staged else self.path(sha256)
        if not self.keys:
            return str(file_sha256(path))
        sink = _Hashing()
        with open(path, "rb") as fh:
            unseal_stream(self.keys.archive, fh, cast(BinaryIO, sink), sha256.encode("ascii"))
        return sink.hash.hexdigest()

    def _names(self) -> Iterator[str]:
        if not self.root.exists():
            return
        for path in sorted(self.root.glob("??/??/*")):
            if path.is_file() and not path.name.startswith("."):
                yield path.name

    def strays(self, logged: Callable[[str], bool]) -> list[str]:
        """Every file or folder in the archive (staging aside) that is not the file of a
        logged capture where it belongs (``logged`` says whether a file name is one such
        capture's :meth:`name`): as paths inside the archive."""
        if not self.root.exists():
            return []
        found = []
        for folder, dirs, files in os.walk(self.root):
            here = Path(folder)
            if here == self.root:
                dirs[:] = [d for d in dirs if d != self.staging.name]
            depth = len(here.relative_to(self.root).parts)
            for name in files:
                if here / name != self._place(name) or not logged(name):
                    found.append(str((here / name).relative_to(self.root)))
            if depth >= 2:  # archive/ab/cd holds files only
                found += [str((here / d).relative_to(self.root)) for d in dirs]
                dirs[:] = []
        return sorted(found)

    def hashes(self, known: Iterable[str] = ()) -> Iterator[str]:
        """The SHA-256 of every file in the archive (staging and temporary files excluded).

        Blind names are mapped back through ``known`` (the logged hashes); a file whose
        name is none of theirs is yielded under its own name, so it shows as unlogged.
        """
        if not self.keys:
            yield from self._names()
            return
        by_name = {self.name(sha): sha for sha in known}
        for name in self._names():
            yield by_name.get(name, name)

    def __iter__(self) -> Iterator[str]:
        """:meth:`hashes`, through the logged hashes the store gave as ``known``."""
        return self.hashes(self._known() if self._known and self.keys else ())

    def in_flight(self) -> list[str]:
        """Staged captures (an ingest in progress, or one a kill interrupted)."""
        if not self.staging.exists():
            return []
        names = sorted(p.stem for p in self.staging.glob("*.json")
                       if (self.staging / p.stem).is_file())
        return sorted(self._in_flight_hash(n) for n in names) if self.keys else names

    def _in_flight_hash(self, name: str) -> str:
        try:
            return str(self._staged_meta(name)["sha256"])
        except (OSError, ValueError, KeyError, SealError):  # damaged: named by its file name
            return name


def _source(data: bytes | Path) -> BinaryIO:
    return open(data, "rb") if isinstance(data, Path) else io.BytesIO(data)


def _meta_aad(name: str) -> bytes:
    return b"corroborate staged " + name.encode("ascii")
