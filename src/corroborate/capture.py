"""Capture: read inputs byte for byte, hash them, and split them into documents.

A capture is the exact bytes of one input (a file, or stdin). Container formats (JSON
Lines, CSV, WARC) hold several reports; each becomes a :class:`Document` with a locator
inside the capture (the readers are in :mod:`corroborate.readers`). Nothing here writes:
archiving is the store's job.

Hostile input gets a clear :class:`InputError` in bounded time and memory: only regular
files are read, never more than ``max_bytes + 1`` bytes of one, and gzip data (every
member of it) is inflated to at most ``max_bytes`` in total.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import io
import logging
import os
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import __version__
from .errors import (
    CorruptInput,
    EmptyInput,
    InputError,
    MalformedInput,
    TooLarge,
    UndecodableInput,
)
from .model import Capture, Document
from .mojibake import damage
from .readers import (
    CSV,
    HTML,
    JSON,
    JSONL,
    TEXT,
    WARC,
    _Errors,
    _refuse_binary,
    jsonl_records,
    read_csv,
    read_html,
    read_json,
    read_jsonl,
    read_text,
    read_warc,
)
from .readers import (
    decode as decode,  # importable from here, as it always was
)

__all__ = ["STREAM_BYTES", "CaptureOptions", "Input", "Records", "Streamed", "capture_bytes",
           "iter_inputs", "nothing_read", "read_input", "receive_input"]

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# a JSON Lines file larger than this is received into a file and read record by record
STREAM_BYTES = 4 * 1024 * 1024

_EXTENSIONS = {
    ".html": HTML, ".htm": HTML, ".xhtml": HTML, ".txt": TEXT, ".text": TEXT, ".md": TEXT,
    ".jsonl": JSONL, ".ndjson": JSONL, ".json": JSON, ".csv": CSV, ".warc": WARC,
}

_READERS = {
    HTML: read_html, TEXT: read_text, JSONL: read_jsonl, JSON: read_json,
    CSV: read_csv, WARC: read_warc,
}


@dataclass(frozen=True)
class CaptureOptions:
    """How to read inputs: the size limit and the field names of record formats."""

    max_bytes: int = DEFAULT_MAX_BYTES
    text_field: str = "text"
    title_field: str = "title"
    date_field: str = "date"
    url_field: str = "url"
    outlet_field: str = "outlet"


@dataclass(frozen=True)
class Input:
    """One input named by the user: a file path, or ``-`` for stdin.

    ``origin`` names it in valid UTF-8 text (a byte of a file name that is not UTF-8 shows
    as ``\\xe9``); ``path`` is the real path. ``refused`` says, in plain words, why an
    entry found in a folder is not read (a named pipe, a dangling link, a hidden file...);
    :func:`read_input` raises it. ``hidden`` marks a hidden entry: passed over on purpose
    (``.git``, ``.DS_Store``), so callers name it without counting it as a failure.
    """

    origin: str
    path: Path | None
    refused: str | None = None
    hidden: bool = False


def iter_inputs(names: Iterable[str], follow_symlinks: bool = False) -> Iterator[Input]:
    """Expand the names given on the command line: folders recursively, in sorted order.

    Every entry of a folder is yielded: those that are not read come with ``refused`` set.
    Hidden entries (a name starting with a dot) are refused, a hidden folder once, without
    descending it. A symbolic link is followed only to a target inside the folder, unless
    ``follow_symlinks``; a link to a folder already listed is refused, so loops end.
    """
    for name in names:
        if name == "-":
            yield Input("-", None)
        elif os.path.isdir(name):
            yield from _walk(Path(name), follow_symlinks)
        else:
            yield Input(_origin(name), Path(name))


def _origin(path: str | os.PathLike[str]) -> str:
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _walk(root: Path, follow_symlinks: bool) -> Iterator[Input]:
    top = os.path.realpath(root)
    seen: set[tuple[int, int]] = set()
    listing = _list_folder(root, seen, via_link=False)
    if isinstance(listing, Input):
        yield listing
        return
    # a stack, not recursion: a hostile tree can be deeper than Python's recursion limit
    stack = [(root, iter(listing))]
    while stack:
        folder, entries = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        path = folder / entry.name  # as rglob named it: "x", not "./x"
        found = _classify(entry, path, top, follow_symlinks)
        if isinstance(found, Input):
            yield found
            continue
        listing = _list_folder(path, seen, via_link=found)
        if isinstance(listing, Input):
            yield listing
        else:
            stack.append((path, iter(listing)))


def _list_folder(
    folder: Path, seen: set[tuple[int, int]], via_link: bool,
) -> list[os.DirEntry[str]] | Input:
    """The folder's entries sorted by name, or why it is not listed."""
    try:
        info = os.stat(folder)
        key = (info.st_dev, info.st_ino)
        if via_link and key in seen:
            return Input(_origin(folder), folder,
                         "symbolic link to a folder already listed (a loop, or a second way in)")
        seen.add(key)
        with os.scandir(folder) as entries:
            return sorted(entries, key=lambda entry: entry.name)
    except OSError as exc:
        return Input(_origin(folder), folder, f"cannot list folder: {exc.strerror}")


def _classify(
    entry: os.DirEntry[str], path: Path, top: str, follow_symlinks: bool,
) -> Input | bool:
    """The input for a folder entry; for a folder to descend, whether a link led to it."""
    origin = _origin(path)
    if entry.name.startswith("."):
        kind = "folder" if _is_dir(entry) else "file"
        return Input(origin, path, f"hidden {kind} skipped (name starts with a dot)",
                     hidden=True)
    try:
        mode = entry.stat(follow_symlinks=False).st_mode
    except OSError as exc:
        return Input(origin, path, f"cannot read: {exc.strerror}")
    linked = stat.S_ISLNK(mode)
    if linked:
        followed = _follow_link(entry.path, top, follow_symlinks)
        if isinstance(followed, str):
            return Input(origin, path, followed)
        mode = followed
    if stat.S_ISDIR(mode):
        return linked
    return Input(origin, path, None if stat.S_ISREG(mode) else _kind(mode))


def _follow_link(link: str, top: str, follow_symlinks: bool) -> int | str:
    """The mode of the link's target, or why the link is not followed."""
    try:
        mode = os.stat(link).st_mode
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return "dangling symbolic link"
        if exc.errno == errno.ELOOP:
            return "symbolic link loop"
        return f"cannot read: {exc.strerror}"
    if not follow_symlinks and os.path.commonpath([top, os.path.realpath(link)]) != top:
        what = "folder" if stat.S_ISDIR(mode) else "file"
        return f"symbolic link to a {what} outside the folder; use --follow-symlinks"
    return mode


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a folder"),
)


def _kind(mode: int) -> str:
    name = next((name for test, name in _KINDS if test(mode)), "a special file")
    return f"{name}, not a regular file"


def read_input(item: Input, max_bytes: int, stdin: io.BufferedIOBase | None = None) -> bytes:
    """The exact bytes of an input, refusing anything over ``max_bytes``.

    Only a regular file is read (a named pipe would block, a device never end), and at
    most ``max_bytes + 1`` bytes of it, however its size changes while it is read.
    """
    if item.refused is not None:
        raise InputError(item.origin, item.refused)
    if item.path is None:
        stream = stdin if stdin is not None else _stdin()
        data = stream.read(max_bytes + 1)
    else:
        data = _read_file(item.origin, item.path, max_bytes)
    if len(data) > max_bytes:
        raise TooLarge(item.origin, f"more than the limit of {max_bytes} bytes")
    if not data:
        raise EmptyInput(item.origin, "empty file (0 bytes)")
    return data


_OPEN_FLAGS: int = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                    | getattr(os, "O_CLOEXEC", 0))


def _read_file(origin: str, path: Path, max_bytes: int) -> bytes:
    fd = _open_regular(origin, path, max_bytes)
    try:
        return _read_at_most(fd, max_bytes + 1)
    except OSError as exc:
        raise InputError(origin, f"cannot read: {exc.strerror}") from exc
    finally:
        os.close(fd)


def _open_regular(origin: str, path: Path, max_bytes: int) -> int:
    """A descriptor of a regular file within the limit, opened without blocking."""
    try:
        _check_regular(origin, os.stat(path), max_bytes)  # before open: opening can block
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise InputError(origin, f"cannot read: {exc.strerror}") from exc
    try:
        _check_regular(origin, os.fstat(fd), max_bytes)  # it may have changed since
    except OSError as exc:
        os.close(fd)
        raise InputError(origin, f"cannot read: {exc.strerror}") from exc
    except BaseException:  # refused (not regular, too large): the descriptor is not kept
        os.close(fd)
        raise
    return fd


def _check_regular(origin: str, info: os.stat_result, max_bytes: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise InputError(origin, _kind(info.st_mode))
    if info.st_size > max_bytes:
        raise TooLarge(origin, f"{info.st_size} bytes is over the limit of {max_bytes}")


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    while limit > 0 and (chunk := os.read(fd, min(_CHUNK, limit))):
        chunks.append(chunk)
        limit -= len(chunk)
    return b"".join(chunks)


def _stdin() -> io.BufferedIOBase:
    import sys

    return sys.stdin.buffer  # type: ignore[return-value]


def capture_bytes(
    origin: str, data: bytes, options: CaptureOptions | None = None,
    captured_at: str | None = None,
) -> tuple[Capture, list[Document], list[InputError]]:
    """Hash ``data`` and read the documents in it.

    Returns the capture, its documents and the errors of single records that could not be
    read (a bad line in a JSON Lines file does not lose the good ones). Raises
    :class:`InputError` when nothing in the input can be read.
    """
    options = options or CaptureOptions()
    sha = hashlib.sha256(data).hexdigest()
    media_type, payload, compressed = _unwrap(origin, data, options.max_bytes)
    capture = Capture(
        sha256=sha, origin=origin, size=len(data),
        media_type=media_type + ("; compression=gzip" if compressed else ""),
        captured_at=captured_at or datetime.now(UTC).isoformat(timespec="microseconds"),
        tool_version=__version__,
    )
    reader = _READERS[media_type]
    documents, errors = reader(capture, payload, options)
    if not documents:
        raise nothing_read(origin, errors)
    return capture, documents, errors


def nothing_read(origin: str, errors: list[InputError]) -> InputError:
    """Why an input none of whose records can be read is refused whole."""
    if len(errors) == 1:
        return errors[0]
    if errors:
        return MalformedInput(origin, f"no readable record ({errors[0].reason}, ...)")
    return EmptyInput(origin, "no report text in it")


def _unwrap(origin: str, data: bytes, max_bytes: int) -> tuple[str, bytes, bool]:
    """The media type and the uncompressed payload of an input."""
    name = origin.lower()
    compressed = data[:2] == b"\x1f\x8b"
    if name.endswith(".gz"):
        name = name[:-3]
    media_type = _EXTENSIONS.get(Path(name).suffix) if origin != "-" else None
    if media_type == WARC and compressed:
        if _count_gzip_members(origin, data) > 1:
            return WARC, data, False  # warcio reads gzipped WARC record by record
        return WARC, _gunzip(origin, data, max_bytes), False  # gzipped whole: warcio cannot
    if compressed:
        data = _gunzip(origin, data, max_bytes)
    if media_type is None:
        media_type = _sniff(data)
    return media_type, data, compressed


_CHUNK = 1 << 20
_OUTPUT = 1 << 22


def _gunzip(origin: str, data: bytes, max_bytes: int) -> bytes:
    """Every gzip member of ``data``, inflated to at most ``max_bytes`` in all."""
    out = bytearray()
    pending, members = memoryview(data), 0
    while pending:
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            while not decoder.eof:
                room = max_bytes + 1 - len(out)  # never 0, which would mean no limit
                piece = decoder.decompress(pending, room)
                out += piece
                if len(out) > max_bytes:
                    raise TooLarge(
                        origin, f"decompresses to more than the limit of {max_bytes} bytes")
                pending = memoryview(decoder.unconsumed_tail)
                if not piece and not pending:
                    break
        except zlib.error as exc:
            raise CorruptInput(origin, _gzip_damage(exc, members)) from exc
        if not decoder.eof:
            raise CorruptInput(origin, "truncated gzip file (the compressed stream ends early)")
        members += 1
        pending = memoryview(decoder.unused_data.lstrip(b"\x00"))  # padding, as gzip allows
    return bytes(out)


def _gzip_damage(exc: zlib.error, members: int) -> str:
    if members and "header" in str(exc):
        return f"data after gzip member {members} is not gzip"
    return f"damaged gzip data ({exc})"


def _count_gzip_members(origin: str, data: bytes) -> int:
    """A WARC is a series of gzip members; warcio stops quietly at a cut one, we do not."""
    view, pos, members = memoryview(data), 0, 0
    while pos < len(data):
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            while pos < len(data) and not decoder.eof:
                chunk = view[pos:pos + _CHUNK]
                pos += len(chunk)
                decoder.decompress(chunk, _OUTPUT)  # bounded output: a bomb costs no memory
                while decoder.unconsumed_tail and not decoder.eof:
                    decoder.decompress(decoder.unconsumed_tail, _OUTPUT)
        except zlib.error as exc:
            raise CorruptInput(origin, f"damaged gzip data ({exc})") from exc
        if not decoder.eof:
            raise CorruptInput(origin, "truncated WARC (the last gzip member ends early)")
        members += 1
        pos -= len(decoder.unused_data)  # the next member began inside this chunk
    return members


def _sniff(data: bytes) -> str:
    head = data[:2048].lstrip().lower()
    if head.startswith(b"warc/"):
        return WARC
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml")):
        return HTML
    if head.startswith(b"{"):
        return JSONL
    return TEXT


# --- large JSON Lines, record by record ----------------------------------------------------

_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)
_DAMAGE_CHARS = 65536  # what readers.decode checks for damage: the first 64 K characters


@dataclass(frozen=True)
class Streamed:
    """A large JSON Lines input received into a file while it was hashed: its records are
    read from there (:class:`Records`), the input never held in memory whole."""

    capture: Capture
    path: Path


def receive_input(item: Input, options: CaptureOptions,
                  keep: Callable[[Iterator[bytes]], Path] | None = None) -> bytes | Streamed:
    """The bytes of an input (as :func:`read_input`), or a large JSON Lines file received.

    With ``keep`` (writes blocks to a new file as they come and returns its path: the
    archive's staging), a regular file over :data:`STREAM_BYTES` that would be read as
    JSON Lines in UTF-8 is passed to it block by block while hashed. Anything the
    streamed reading could read otherwise than :func:`capture_bytes` (compressed, a byte
    order mark, bytes that are not UTF-8 further on) is read whole, as before.
    """
    if keep is None or item.path is None or item.refused is not None:
        return read_input(item, options.max_bytes)
    fd = _open_regular(item.origin, item.path, options.max_bytes)
    try:
        head = _read_at_most(fd, min(_CHUNK, options.max_bytes + 1))
        if os.fstat(fd).st_size <= STREAM_BYTES or not _streams(item.origin, head):
            data = head + _read_at_most(fd, options.max_bytes + 1 - len(head))
            return _whole(item.origin, data, options.max_bytes)
        watch = _Watch()
        path = keep(watch.blocks(item.origin, fd, head, options.max_bytes))
    except OSError as exc:
        raise InputError(item.origin, f"cannot read: {exc.strerror}") from exc
    finally:
        os.close(fd)
    if not watch.clean():  # read whole: refused (or decoded) exactly as before
        data = path.read_bytes()
        path.unlink()
        return data
    capture = Capture(sha256=watch.hash.hexdigest(), origin=item.origin, size=watch.size,
                      media_type=JSONL,
                      captured_at=datetime.now(UTC).isoformat(timespec="microseconds"),
                      tool_version=__version__)
    return Streamed(capture, path)


def _whole(origin: str, data: bytes, max_bytes: int) -> bytes:
    if len(data) > max_bytes:
        raise TooLarge(origin, f"more than the limit of {max_bytes} bytes")
    if not data:
        raise EmptyInput(origin, "empty file (0 bytes)")
    return data


def _streams(origin: str, head: bytes) -> bool:
    """Whether :func:`capture_bytes` would read these bytes as plain JSON Lines."""
    if head[:2] == b"\x1f\x8b" or head.startswith(_BOMS):
        return False
    name = origin.lower().removesuffix(".gz")
    if (_EXTENSIONS.get(Path(name).suffix) or _sniff(head)) != JSONL:
        return False
    try:
        _refuse_binary(origin, head[:8192])
    except UndecodableInput:
        return False
    return True


class _Watch:
    """Hashes an input's blocks as they pass, and checks that they are the UTF-8 text that
    ``readers.decode`` takes as it is (valid throughout, the first 64 K characters not
    damaged)."""

    def __init__(self) -> None:
        self.hash = hashlib.sha256()
        self.size = 0
        self.utf8 = True
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._head: list[str] = []
        self._chars = 0

    def blocks(self, origin: str, fd: int, head: bytes, max_bytes: int) -> Iterator[bytes]:
        block = head
        while block:
            self.size += len(block)
            if self.size > max_bytes:
                raise TooLarge(origin, f"more than the limit of {max_bytes} bytes")
            self._see(block)
            yield block
            block = os.read(fd, min(_CHUNK, max_bytes + 1 - self.size))

    def _see(self, block: bytes) -> None:
        self.hash.update(block)
        if not self.utf8:
            return
        try:
            text = self._decoder.decode(block)
        except UnicodeDecodeError:
            self.utf8 = False
            return
        if self._chars < _DAMAGE_CHARS:
            self._head.append(text[:_DAMAGE_CHARS - self._chars])
            self._chars += len(self._head[-1])

    def clean(self) -> bool:
        if self.utf8:
            try:
                self._decoder.decode(b"", final=True)
            except UnicodeDecodeError:  # cut inside a character
                self.utf8 = False
        return self.utf8 and damage("".join(self._head)) is None


class Records:
    """The documents of a streamed capture, read from its file one line at a time.

    The file is opened at once: it is renamed into the archive while it is read. Bad
    records are kept as :func:`readers.read_jsonl` keeps them (:meth:`errors`); iterating
    raises :class:`InputError` when the file is refused whole (its first records all bad).
    """

    def __init__(self, streamed: Streamed, options: CaptureOptions) -> None:
        self.capture = streamed.capture
        self.options = options
        self._file = open(streamed.path, "rb")  # closed once read to its end
        self._errors = _Errors(streamed.capture.origin)

    def __iter__(self) -> Iterator[Document]:
        with self._file:
            lines = (line.removesuffix(b"\n").decode("utf-8") for line in self._file)
            yield from jsonl_records(self.capture, lines, self.options, self._errors)

    def errors(self) -> list[InputError]:
        """The bad records, once every record has been read."""
        return self._errors.listed()

    def close(self) -> None:
        self._file.close()
