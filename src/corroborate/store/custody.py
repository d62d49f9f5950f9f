"""The custody log: every input received, hash-chained, appended and never rewritten.

``custody.log`` holds one JSON object per line. Each entry carries ``seq`` (its number,
counting entries from 1), ``prev`` (the hash of the entry before, or 64 zeros) and ``hash``
(SHA-256 of its own canonical JSON without ``hash``). Events::

    captured   first receipt of some bytes: sha256, origin, size, media_type, captured_at,
               the capture options when not the defaults
    received   the same bytes again from another origin: sha256, origin, received_at
    refused    an input or record not taken: origin, reason, sha256 and size when read
    indexed    the reports derived from a capture: {report id: digest}, tool version,
               vocabulary digest (a later ``indexed`` entry supersedes an earlier one)
    repaired   a damaged tail moved aside by ``corroborate repair``: where, how much, why

A writer checks the log's chain to its end before it appends (:class:`CustodyLog`): every
entry the first time, then only the entries its index (``custody_index.py``) does not
cover, once the bytes it covers hash as they did; a damaged log stops it with
:class:`LogDamaged`. Only :func:`repair` moves a damaged tail
aside, keeping the bytes it removed and logging what it did.

In an encrypted collection (``keys`` given) each line is the entry's JSON sealed with
``crypto.seal_line(keys.log, json, aad=LINE_AAD)``; hashes and the chain are computed over
the plaintext entry as before, so the chain proves the same thing. A line that does not
open is damage like a line that is not JSON.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import CollectionError, LogDamaged
from ..faults import checkpoint
from .archive import file_hasher, file_sha256, fsync_dir
from .crypto import Keys, SealError, seal_line, unseal_line
from .custody_index import LogIndex, Mark, index_path
from .driver import ERRORS

__all__ = [
    "GENESIS",
    "LOG_NAME",
    "CustodyLog",
    "Link",
    "LogDamaged",
    "LogLine",
    "Problem",
    "chain_problems",
    "entries",
    "entry_hash",
    "now",
    "read_entry",
    "read_lines",
    "receipt_row",
    "repair",
    "walk",
]

GENESIS = "0" * 64
LOG_NAME = "custody.log"
LINE_AAD = b"custody.log"
EVENTS = ("captured", "received", "refused", "indexed", "repaired")


@dataclass(frozen=True)
class Problem:
    """One thing ``verify`` found wrong (or, when not fatal, worth knowing), naming where."""

    where: str
    what: str
    fatal: bool = True

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


@dataclass
class LogLine:
    """One line of the log as read: its number, byte offset, entry (None if not JSON, or
    if sealed and it does not open: then ``damage`` says why)."""

    number: int
    offset: int
    raw: bytes
    entry: dict[str, Any] | None
    damage: str | None = None


# the database mirrors these entries as receipts: (seq, event, sha256, origin, at, size,
# reason), ``at`` read from the entry's own time field
_RECEIPT_TIME = {"captured": "captured_at", "received": "received_at",
                 "refused": "received_at"}


def receipt_row(seq: int, entry: dict[str, Any]) -> tuple[Any, ...] | None:
    """The database receipt an entry is mirrored as; None for entries that have none."""
    event = entry.get("event", "captured")
    if event not in _RECEIPT_TIME:
        return None
    return (seq, event, entry.get("sha256"), entry.get("origin", ""),
            entry.get(_RECEIPT_TIME[event]), entry.get("size"), entry.get("reason"))


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def entry_hash(entry: dict[str, Any]) -> str:
    return _digest({k: v for k, v in entry.items() if k != "hash"}).hex()


def _digest(value: Any) -> bytes:
    """SHA-256 of a JSON value's canonical form: equal for equal values."""
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).digest()


def read_lines(path: Path, keys: Keys | None = None, offset: int = 0,
               lines: int = 0) -> Iterator[LogLine]:
    """Every line of the log (a last line without its newline included), streamed; with
    ``keys``, each line opened (a blank one is left as it is). From ``offset``, when given,
    where the ``lines`` before end."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        for number, raw in enumerate(fh, start=lines + 1):
            entry: dict[str, Any] | None = None
            damage = None
            try:
                text = _opened(raw, keys)
                value = json.loads(text, object_pairs_hook=_unique)
                entry = value if isinstance(value, dict) else None
                if entry is not None and _text(text) != _canonical(entry):
                    # the hash covers the parsed entry: only the one form of it we write
                    # makes the line's bytes as fixed as its content
                    damage = "is not written the way corroborate writes entries (edited)"
            except _DuplicateKey as exc:
                damage = f"holds the key {exc} twice (two readings of one line)"
            except SealError as exc:
                damage = f"cannot be opened ({exc})"
            except ValueError:  # not JSON, or not ASCII where a sealed line is
                if keys is not None:
                    damage = "cannot be opened (not a sealed line)"
            yield LogLine(number, offset, raw, entry, damage)
            offset += len(raw)


def entries(path: Path, keys: Keys | None = None) -> Iterator[dict[str, Any]]:
    """Every entry of the log (a JSON object with a hash), streamed, the chain unchecked:
    for a reader that needs a few fields of each and not the whole log in memory."""
    if not path.exists():
        return
    for line in read_lines(path, keys):
        if line.entry is not None and isinstance(line.entry.get("hash"), str):
            yield line.entry


def read_entry(fh: BinaryIO, offset: int, keys: Keys | None = None) -> dict[str, Any]:
    """The entry on the line at ``offset`` of an open log, a line read and checked before
    (so it is not checked again)."""
    fh.seek(offset)
    entry: dict[str, Any] = json.loads(_opened(fh.readline(), keys))
    return entry


def _opened(raw: bytes, keys: Keys | None) -> str | bytes:
    """A line's text: unsealed with ``keys`` (a blank line left as it is)."""
    if keys is not None and raw.strip():
        return unseal_line(keys.log, raw.decode("ascii"), LINE_AAD)
    return raw


class _DuplicateKey(ValueError):
    pass


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(repr(key))
        out[key] = value
    return out


def _canonical(entry: dict[str, Any]) -> str:
    return json.dumps(entry, sort_keys=True, ensure_ascii=False)


def _text(raw: str | bytes) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    return text.rstrip("\n")


def format_line(entry: dict[str, Any], keys: Keys | None) -> bytes:
    """An entry as one line of the log (sealed with ``keys``)."""
    text = _canonical(entry)
    if keys is not None:
        text = seal_line(keys.log, text, LINE_AAD)
    return (text + "\n").encode("utf-8")


def chain_problems(line: LogLine, seq: int, prev: str) -> list[str]:
    """What is wrong with one entry as the ``seq``-th link after ``prev``."""
    entry = line.entry
    if line.damage is not None:
        return [line.damage]
    if entry is None or not isinstance(entry.get("hash"), str):
        return ["is not a valid entry (not a JSON object with a hash)"]
    found = []
    if entry_hash(entry) != entry["hash"]:
        found.append("was altered: its hash does not match its content")
    if entry.get("seq") != seq:
        found.append(f"is out of order: it says seq {entry.get('seq')}, expected {seq}")
    if entry.get("prev") != prev:
        found.append("breaks the chain: an entry before it was removed, changed or moved")
    if entry.get("event", "captured") not in EVENTS:
        found.append(f"has an unknown event {entry.get('event')!r}")
    return found


@dataclass(frozen=True)
class Link:
    """One line as a link of the chain: what is wrong with it (empty for a good link or a
    blank line), the entry number it should carry and the hash it should follow."""

    line: LogLine
    wrong: list[str]
    seq: int
    prev: str

    @property
    def blank(self) -> bool:
        return not self.line.raw.strip() and self.line.raw.endswith(b"\n")


def walk(path: Path, keys: Keys | None = None, start: Mark | None = None) -> Iterator[Link]:
    """Every line of the log checked as the next link of the chain, streamed. Past a bad
    line the walk goes on from it (so later lines are judged against what they follow);
    the one walk behind the writer's check, ``verify`` and ``repair``. From ``start``
    (lines checked before) when given."""
    start = start or Mark()
    count, prev = start.entries, start.last_hash
    for line in read_lines(path, keys, start.end, start.lines):
        link = Link(line, [], count + 1, prev)
        if link.blank:
            yield link
            continue
        link.wrong.extend(chain_problems(line, count + 1, prev))
        if not line.raw.endswith(b"\n"):
            link.wrong.append("is incomplete (the log ends mid-entry: a write was cut short)")
        yield link
        entry = line.entry
        if entry is None or not isinstance(entry.get("hash"), str):
            prev = ""  # whatever follows cannot link to a line that is not an entry
            continue
        count, prev = count + 1, entry["hash"]


class CustodyLog:
    """The log as a writer sees it: its chain checked to the end, ready to append.

    What the writer looks up is kept in the log's index (:mod:`.custody_index`): only the
    lines the index does not cover yet are read and checked entry by entry. Raises
    :class:`LogDamaged` when any line is not a valid link of the chain, naming the line
    and the command that repairs a damaged tail.
    """

    def __init__(self, path: Path, keys: Keys | None = None) -> None:
        self.path = path
        self.keys = keys
        self.checked = 0  # entries read and checked when opened (the rest were trusted)
        self._index = LogIndex(index_path(path), keys)
        self._failed: str | None = None  # why this writer may append no more
        try:
            try:
                self._mark, self._hasher = self._load()
            except ERRORS as exc:  # a damaged index (never the log: that raises
                self._index.remake(exc)  # LogDamaged): made again, every entry checked
                self.checked = 0
                self._mark, self._hasher = self._load()
        except BaseException:
            self._index.close()
            raise

    def close(self) -> None:
        self._index.close()

    def _load(self) -> tuple[Mark, Any]:
        """The mark after the last line, and the SHA-256 of the log up to it, to go on."""
        trusted = self._covered()
        if trusted is None:
            # not the bytes the index was made from: made again, every entry checked
            self._index.clear()
        mark, hasher = trusted or (Mark(), hashlib.sha256())
        if not self.path.exists():
            self._index.commit(mark)
            return mark, hasher
        end, lines, entries, last_hash = mark.end, mark.lines, mark.entries, mark.last_hash
        for link in walk(self.path, self.keys, mark):
            line = link.line
            if link.wrong:
                raise LogDamaged(
                    f"{self.path.name} line {line.number} {link.wrong[0]}; nothing more is "
                    f"written until it is dealt with: `corroborate verify` shows every "
                    f"problem, and `corroborate repair` moves a damaged end of the log "
                    f"aside (keeping its bytes and logging what it did)")
            if line.entry is not None:  # a blank line links nothing; verify names it
                self._remember(line.entry, line.offset)
                self.checked += 1
                entries, last_hash = line.entry["seq"], line.entry["hash"]
            hasher.update(line.raw)
            end, lines = line.offset + len(line.raw), line.number
        mark = Mark(end, lines, entries, last_hash, hasher.digest())
        self._index.commit(mark, settle=trusted is None)
        return mark, hasher

    def _covered(self) -> tuple[Mark, Any] | None:
        """The index's mark and the log's SHA-256 up to it, if the log's bytes up to it
        are those the index was made from."""
        mark = self._index.mark() if self.path.exists() else None
        hasher = file_hasher(self.path, mark.end) if mark is not None else None
        if mark is None or hasher is None or hasher.digest() != mark.digest:
            return None
        return mark, hasher

    def _remember(self, entry: dict[str, Any], offset: int) -> None:
        index = self._index
        event = entry.get("event", "captured")
        sha = str(entry.get("sha256"))
        if event == "captured":
            index.captured(sha, entry["seq"], offset)
        elif event == "indexed":
            index.indexed(sha, _digest(entry.get("reports")))
        if event in ("captured", "received"):
            index.seen(_seen_key(sha, entry.get("origin", ""), ""))
        elif event == "refused":
            index.seen(_seen_key(entry.get("sha256"), entry.get("origin", ""),
                                 entry.get("reason", "")))

    @property
    def count(self) -> int:
        return self._mark.entries

    @property
    def last_hash(self) -> str:
        return self._mark.last_hash

    def captures(self) -> Iterator[str]:
        """The SHA-256 of every capture logged, in the order of their first entries."""
        return self._index.captures()

    def capture_count(self) -> int:
        return self._index.capture_count()

    def has_capture(self, sha256: str) -> bool:
        return self._index.offset(sha256) is not None

    def captured_entry(self, sha256: str) -> dict[str, Any] | None:
        """A capture's first ``captured`` entry, read back from the log (the chain was
        checked when the log was loaded, and only this writer appends to it)."""
        offset = self._index.offset(sha256)
        if offset is None:
            return None
        with open(self.path, "rb") as fh:
            return read_entry(fh, offset, self.keys)

    def indexed_with(self, sha256: str, reports: dict[str, str]) -> bool:
        """Whether the capture's last ``indexed`` entry names these reports and digests."""
        return self._index.indexed_digest(sha256) == _digest(reports)

    def has_seen(self, sha256: str | None, origin: str, reason: str = "") -> bool:
        return self._index.has_seen(_seen_key(sha256, origin, reason))

    def append(self, event: str, **fields: Any) -> dict[str, Any]:
        """Append one entry, fsynced; a write that fails leaves the log as it was."""
        if self._failed is not None:
            raise CollectionError(self._failed)
        entry: dict[str, Any] = {"seq": self.count + 1, "event": event, **fields,
                                 "prev": self.last_hash}
        entry["hash"] = entry_hash(entry)
        line = format_line(entry, self.keys)
        mark = self._mark
        _append_checked(self.path, line, mark.end)
        self._hasher.update(line)
        self._mark = Mark(mark.end + len(line), mark.lines + 1, entry["seq"], entry["hash"],
                          self._hasher.digest())
        try:
            self._remember(entry, mark.end)
            self._index.commit(self._mark)
        except ERRORS as exc:
            # the entry is logged; the index is not: the next writer reads it from the log
            self._failed = (f"{self._index.path.name} could not be written ({exc}); the "
                            f"custody log holds every entry, and the next writer reads "
                            f"what the index lacks from it (or makes it again)")
            raise CollectionError(self._failed) from exc
        checkpoint(f"log-{event}")
        return entry


def _seen_key(sha256: str | None, origin: str, reason: str) -> bytes:
    """16 bytes for what an entry took or refused (a tuple of its three strings cost ~300
    bytes a capture held)."""
    text = json.dumps([sha256, origin, reason], ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def _append_checked(path: Path, line: bytes, expected_end: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        end = os.fstat(fd).st_size
        if end != expected_end:
            raise LogDamaged(f"{path.name} changed under this writer ({end} bytes, expected "
                             f"{expected_end}): another process wrote to it without the lock")
        try:
            written = os.write(fd, line)  # one write call: a line is whole or absent
            if written != len(line):
                raise OSError(f"only {written} of {len(line)} bytes written")
            os.fsync(fd)
        except OSError as exc:
            # our own unfinished line, at an offset we know: take it back, then stop
            os.ftruncate(fd, end)
            os.fsync(fd)
            raise CollectionError(f"could not write to {path.name} ({exc}); the log is "
                                  f"unchanged and nothing was recorded") from exc
    finally:
        os.close(fd)


def repair(path: Path, keep_dir: Path, keys: Keys | None = None) -> dict[str, Any] | None:
    """Move a damaged end of the log aside and log the repair; None if nothing to repair.

    The damaged tail starts at the first line that is not a valid link of the chain (or
    an incomplete last line). Its bytes are kept in ``keep_dir`` under their SHA-256 (and
    read back to check); then the log is replaced, in one rename, by its whole entries
    followed by a ``repaired`` entry recording what was cut: it is either as it was or
    repaired, never cut without the record. An entry numbered past the damage means the
    damage is inside the log's history: that is refused, left for ``verify`` to show, not
    for a repair to rewrite. With ``keys`` (an encrypted log), a line that does not open is
    damage too.
    """
    damage: Link | None = None
    for link in walk(path, keys) if path.exists() else iter(()):
        if damage is None:
            damage = link if link.wrong else None
            continue
        later = link.line.entry
        if (later is not None and later.get("hash") == entry_hash(later)
                and isinstance(later.get("seq"), int) and later["seq"] >= damage.seq):
            raise LogDamaged(
                f"{path.name} line {link.line.number} is entry {later['seq']}, after damage "
                f"at byte {damage.line.offset}: the damage is inside the log's history, not "
                f"at its end; repair does not rewrite history (see `corroborate verify`)")
    if damage is None:
        return None
    cut, count, prev = damage.line.offset, damage.seq - 1, damage.prev
    kept, size, digest = _keep_tail(path, cut, keep_dir)
    entry = {
        "seq": count + 1, "event": "repaired", "removed_offset": cut, "removed_bytes": size,
        "removed_sha256": digest, "kept_at": str(kept.relative_to(path.parent)),
        "reason": "the end of the log was not a whole, chained entry",
        "repaired_at": now(), "prev": prev}
    entry["hash"] = entry_hash(entry)
    _replace_tail(path, cut, format_line(entry, keys))
    return entry


def _keep_tail(path: Path, cut: int, keep_dir: Path) -> tuple[Path, int, str]:
    """Copy the log's bytes from ``cut`` into ``keep_dir``, durably, checked."""
    keep_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = keep_dir / f".tail.{os.getpid()}.tmp"
    h, size = hashlib.sha256(), 0
    with open(path, "rb") as src, open(tmp, "wb") as dst:
        os.chmod(tmp, 0o600)
        src.seek(cut)
        while chunk := src.read(1 << 20):
            dst.write(chunk)  # buffered writes raise on a short write
            h.update(chunk)
            size += len(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    digest = h.hexdigest()
    kept = keep_dir / f"{digest}.bin"
    if file_sha256(tmp) != digest or tmp.stat().st_size != size:
        raise CollectionError(f"could not keep the damaged end of {path.name} whole in "
                              f"{keep_dir}: nothing was changed")
    os.replace(tmp, kept)
    fsync_dir(keep_dir)
    return kept, size, digest


def _replace_tail(path: Path, cut: int, line: bytes) -> None:
    """The log's first ``cut`` bytes and ``line``, put in place by one rename."""
    tmp = path.with_name(f".{path.name}.repair.tmp")
    with open(path, "rb") as src, open(tmp, "wb") as dst:
        os.chmod(tmp, 0o600)
        left = cut
        while left and (chunk := src.read(min(left, 1 << 20))):
            dst.write(chunk)
            left -= len(chunk)
        dst.write(line)
        dst.flush()
        os.fsync(dst.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)
