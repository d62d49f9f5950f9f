"""Capture: read inputs byte for byte, hash them, and split them into documents.

A capture is the exact bytes of one input (a file, or stdin). Container formats (JSON
Lines, CSV, WARC) hold several reports; each becomes a :class:`Document` with a locator
inside the capture. Nothing here writes: archiving is the store's job.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import logging
import re
import zlib
from collections.abc import Iterable, Iterator
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

__all__ = ["CaptureOptions", "Input", "capture_bytes", "iter_inputs", "read_input"]

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

HTML = "text/html"
TEXT = "text/plain"
JSONL = "application/x-ndjson"
JSON = "application/json"
CSV = "text/csv"
WARC = "application/warc"

_EXTENSIONS = {
    ".html": HTML, ".htm": HTML, ".xhtml": HTML, ".txt": TEXT, ".text": TEXT, ".md": TEXT,
    ".jsonl": JSONL, ".ndjson": JSONL, ".json": JSON, ".csv": CSV, ".warc": WARC,
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
    """One input named by the user: a file path, or ``-`` for stdin."""

    origin: str
    path: Path | None
    refused: str | None = None


def iter_inputs(names: Iterable[str], follow_symlinks: bool = False) -> Iterator[Input]:
    """Expand the names given on the command line: folders recursively, in sorted order."""
    for name in names:
        if name == "-":
            yield Input("-", None)
            continue
        path = Path(name)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if not any(part.startswith(".") for part in child.relative_to(path).parts):
                    yield Input(str(child), child)
        else:
            yield Input(name, path)


def read_input(item: Input, max_bytes: int, stdin: io.BufferedIOBase | None = None) -> bytes:
    """The exact bytes of an input, refusing anything over ``max_bytes``."""
    if item.path is None:
        stream = stdin if stdin is not None else _stdin()
        data = stream.read(max_bytes + 1)
    else:
        try:
            size = item.path.stat().st_size
        except OSError as exc:
            raise InputError(item.origin, f"cannot read: {exc.strerror}") from exc
        if size > max_bytes:
            raise TooLarge(item.origin, f"{size} bytes is over the limit of {max_bytes}")
        try:
            data = item.path.read_bytes()
        except OSError as exc:
            raise InputError(item.origin, f"cannot read: {exc.strerror}") from exc
    if len(data) > max_bytes:
        raise TooLarge(item.origin, f"more than the limit of {max_bytes} bytes")
    if not data:
        raise EmptyInput(item.origin, "empty file (0 bytes)")
    return data


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
        if len(errors) == 1:
            raise errors[0]
        if errors:
            raise MalformedInput(origin, f"no readable record ({errors[0].reason}, ...)")
        raise EmptyInput(origin, "no report text in it")
    return capture, documents, errors


def _unwrap(origin: str, data: bytes, max_bytes: int) -> tuple[str, bytes, bool]:
    """The media type and the uncompressed payload of an input."""
    name = origin.lower()
    compressed = data[:2] == b"\x1f\x8b"
    if name.endswith(".gz"):
        name = name[:-3]
    media_type = _EXTENSIONS.get(Path(name).suffix) if origin != "-" else None
    if media_type == WARC:
        if compressed:
            _check_gzip_members(origin, data)
        return WARC, data, False  # warcio reads gzipped WARC record by record
    if compressed:
        data = _gunzip(origin, data, max_bytes)
    if media_type is None:
        media_type = _sniff(data)
    return media_type, data, compressed


def _gunzip(origin: str, data: bytes, max_bytes: int) -> bytes:
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = decoder.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise CorruptInput(origin, f"damaged gzip data ({exc})") from exc
    if len(out) > max_bytes:
        raise TooLarge(origin, f"decompresses to more than the limit of {max_bytes} bytes")
    if not decoder.eof:
        raise CorruptInput(origin, "truncated gzip file (the compressed stream ends early)")
    return out


_CHUNK = 1 << 20
_OUTPUT = 1 << 22


def _check_gzip_members(origin: str, data: bytes) -> None:
    """A WARC is a series of gzip members; warcio stops quietly at a cut one, we do not."""
    view, pos = memoryview(data), 0
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
        pos -= len(decoder.unused_data)  # the next member began inside this chunk


def _sniff(data: bytes) -> str:
    head = data[:2048].lstrip().lower()
    if head.startswith(b"warc/"):
        return WARC
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml")):
        return HTML
    if head.startswith(b"{"):
        return JSONL
    return TEXT


_BINARY = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def decode(origin: str, data: bytes, declared: str | None = None) -> str:
    """Bytes to text: UTF-8 first, then a declared charset; binary data is refused."""
    sample = data[:8192]
    if b"\x00" in sample or len(_BINARY.findall(sample)) > len(sample) // 100:
        raise UndecodableInput(origin, "binary data, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for charset in (declared, "cp1252"):
        if not charset:
            continue
        try:
            return data.decode(charset)
        except (UnicodeDecodeError, LookupError):
            continue
    raise UndecodableInput(origin, "not UTF-8 and no charset that decodes it")


_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.I)


def _read_html(capture: Capture, data: bytes, options: CaptureOptions) -> _Read:
    match = _META_CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii") if match else None
    text = decode(capture.origin, data, declared)
    if "<" not in text or not re.search(r"<\s*[a-zA-Z!]", text):
        raise MalformedInput(capture.origin, "no HTML markup in a file named as HTML")
    return [Document(capture.sha256, "", capture.origin, HTML, text)], []


def _read_text(capture: Capture, data: bytes, options: CaptureOptions) -> _Read:
    text = decode(capture.origin, data)
    if not text.strip():
        raise EmptyInput(capture.origin, "only white space")
    return [Document(capture.sha256, "", capture.origin, TEXT, text)], []


def _record_document(
    capture: Capture, locator: str, record: object, options: CaptureOptions,
) -> Document:
    where = f"{capture.origin}:{locator}"
    if not isinstance(record, dict):
        raise MalformedInput(where, "a record must be a JSON object")
    text = record.get(options.text_field)
    if not isinstance(text, str) or not text.strip():
        raise EmptyInput(where, f"no text in field {options.text_field!r}")

    def opt(name: str) -> str | None:
        value = record.get(name)
        return str(value).strip() or None if value not in (None, "") else None

    return Document(
        capture.sha256, locator, where, TEXT, text,
        url=opt(options.url_field), title=opt(options.title_field),
        published=opt(options.date_field), outlet=opt(options.outlet_field),
    )


def _read_jsonl(capture: Capture, data: bytes, options: CaptureOptions) -> _Read:
    text = decode(capture.origin, data)
    docs: list[Document] = []
    errors: list[InputError] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        locator = f"line:{number}"
        try:
            docs.append(_record_document(capture, locator, json.loads(line), options))
        except json.JSONDecodeError as exc:
            errors.append(MalformedInput(f"{capture.origin}:{locator}", f"bad JSON ({exc.msg})"))
        except InputError as exc:
            errors.append(exc)
    return docs, errors


def _read_json(capture: Capture, data: bytes, options: CaptureOptions) -> _Read:
    text = decode(capture.origin, data)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if "\n{" in text:  # JSON Lines saved as .json
            return _read_jsonl(capture, data, options)
        raise MalformedInput(capture.origin, f"bad JSON ({exc.msg}, line {exc.lineno})") from exc
    records = value if isinstance(value, list) else [value]
    docs: list[Document] = []
    errors: list[InputError] = []
    for index, record in enumerate(records):
        try:
            docs.append(_record_document(capture, f"item:{index}", record, options))
        except InputError as exc:
            errors.append(exc)
    return docs, errors


def _read_csv(capture: Capture, data: bytes, options: CaptureOptions) -> _Read:
    text = decode(capture.origin, data)
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    docs: list[Document] = []
    errors: list[InputError] = []
    try:
        if reader.fieldnames is None or options.text_field not in reader.fieldnames:
            raise MalformedInput(capture.origin, f"no {options.text_field!r} column in the header")
        for number, row in enumerate(reader, start=1):
            locator = f"row:{number}"
            if None in row or any(v is None for v in row.values()):
                errors.append(MalformedInput(
                    f"{capture.origin}:{locator}",
                    "row has a different number of fields than the header"))
                continue
            try:
                docs.append(_record_document(capture, locator, row, options))
            except InputError as exc:
                errors.append(exc)
    except csv.Error as exc:
        raise MalformedInput(capture.origin, f"bad CSV at line {reader.line_num} ({exc})") from exc
    return docs, errors


def _read_warc(capture: Capture, data: bytes, options: CaptureOptions) -> _Read:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    docs: list[Document] = []
    errors: list[InputError] = []
    try:
        records = ArchiveIterator(io.BytesIO(data), check_digests=False)
        for record in records:
            if record.rec_type not in ("response", "resource"):
                continue
            content_type = (record.http_headers.get_header("Content-Type")
                            if record.http_headers else
                            record.rec_headers.get_header("Content-Type")) or ""
            if "html" not in content_type and "text/plain" not in content_type:
                continue
            locator = f"record:{records.get_record_offset()}"
            body = record.content_stream().read()
            url = record.rec_headers.get_header("WARC-Target-URI")
            try:
                text = decode(f"{capture.origin}:{locator}", body)
            except InputError as exc:
                errors.append(exc)
                continue
            media = HTML if "html" in content_type else TEXT
            docs.append(Document(capture.sha256, locator, f"{capture.origin}:{locator}",
                                 media, text, url=url))
    except (ArchiveLoadFailed, EOFError, zlib.error, gzip.BadGzipFile, ValueError) as exc:
        raise CorruptInput(capture.origin, f"damaged or truncated WARC ({exc})") from exc
    return docs, errors


_Read = tuple[list[Document], list[InputError]]

_READERS = {
    HTML: _read_html, TEXT: _read_text, JSONL: _read_jsonl, JSON: _read_json,
    CSV: _read_csv, WARC: _read_warc,
}
