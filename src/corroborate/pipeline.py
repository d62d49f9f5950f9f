"""Ingest: inputs -> capture -> clean -> extract -> store, then stories.

The per-input work is pure: :func:`parse_input` reads an input's documents and runs
:func:`process` (clean, fingerprint, extract) on each, and makes the rows the store will
write and their digest (``store.rows.report_rows``), with no I/O, so it can run in any
process: the worker pool of ``ingest --workers N`` (``workers.py``) or a Dask cluster
(``dask_engine.py``). The writing is not: this process alone writes, one input after
the other in the order they were named (:func:`store_parsed`), so a collection ingested
with several workers is the one ingested with one, custody log included. A broken input
is reported with its origin and reason and the batch goes on.

Memory is bounded by a window of inputs, not by the batch: inputs are read a few tasks
ahead of the writer, small ones sent many to a task; an input over :data:`SPLIT_BYTES`
has its documents sent in chunks and stored as they come back; a large JSON Lines file
is received into the archive's staging while hashed and read from there record by record
(``capture.receive_input``), never held whole (except in an encrypted collection, where
no byte lies in clear on disk).
"""

from __future__ import annotations

import hashlib
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from . import provenance
from .capture import (
    CaptureOptions,
    Input,
    Records,
    Streamed,
    capture_bytes,
    iter_inputs,
    nothing_read,
    receive_input,
)
from .clean import clean
from .errors import EmptyInput, InputError, TooLarge
from .extract import extract
from .model import Capture, Document, Incident, Report
from .overlay import applying
from .refresh import refresh_events, refresh_stories
from .search import refresh_index, update_index
from .search_index import machine_json
from .store import Store
from .store.rows import ReportRows, report_rows
from .stories import Fingerprint, fingerprint
from .vocab import active_overlay
from .workers import Pool, Task

__all__ = ["IngestResult", "Parsed", "finish_ingest", "ingest", "parse_input", "process",
           "process_documents", "refresh_events", "refresh_stories", "reprocess",
           "store_parsed"]

log = logging.getLogger(__name__)

Processed = tuple[Report, Fingerprint, list[Incident]]

# a task: up to this many inputs or documents, or this many bytes of them (pickling costs
# per task, and a task's results wait for the writer). A task's reports are stored in one
# transaction, and each costs the writer a full-text segment and its log frames: 64
# generated text reports a task, not 16, took the writer's CPU storing 10,000 of them into
# the 100k collection from 13.7 to 11.3 s, and all processes' from 77.9 to 73.8 s
CHUNK_ITEMS = 64
CHUNK_BYTES = 1 << 20
# an input larger than this has its documents processed in chunks, stored as they come
SPLIT_BYTES = 1 << 20
# tasks read ahead of the writer, per worker: enough that no worker waits for the reader
AHEAD_PER_WORKER = 3


@dataclass
class IngestResult:
    """What an ingest did: new captures and reports, inputs already held, failures."""

    captures: list[str] = field(default_factory=list)
    reports: int = 0
    unchanged: list[str] = field(default_factory=list)
    resumed: int = 0
    failures: list[InputError] = field(default_factory=list)
    skipped: list[InputError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


class Parsed(NamedTuple):
    """The pure work on one input (picklable): its capture (None when nothing in it could
    be read), its processed documents and the errors of the rest, in order."""

    origin: str
    sha256: str
    capture: Capture | None
    processed: list[ReportRows]
    errors: list[InputError]


def process(doc: Document) -> Processed:
    """Clean, fingerprint and extract one document: no I/O, same input same output."""
    report = clean(doc)
    return report, fingerprint(report.id, report.text, report.published), extract(report)


def _process_all(docs: list[Document]) -> tuple[list[ReportRows], list[InputError]]:
    """Each document processed and made into its rows, or its error."""
    made = provenance.made()
    done: list[ReportRows] = []
    errors: list[InputError] = []
    for doc in docs:
        try:
            report, fp, incidents = process(doc)
            done.append(report_rows(report, fp, incidents, made,
                                    machine_json(incidents, report.published)))
        except InputError as exc:
            errors.append(exc)
        except Exception as exc:  # a bug or a parser crash on one document must not stop a batch
            log.exception("failed to process %s", doc.origin)
            errors.append(_internal(doc.origin, "processing", exc))
    return done, errors


def _internal(origin: str, doing: str, exc: BaseException | str) -> InputError:
    what = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
    return InputError(origin, f"internal error while {doing} ({what})")


def process_documents(docs: list[Document]) -> list[ReportRows | InputError]:
    """:func:`process` on each document, made into its rows; a document that fails gives
    its error."""
    out: list[ReportRows | InputError] = []
    for doc in docs:
        done, errors = _process_all([doc])
        out.extend(done or errors)
    return out


def parse_input(origin: str, data: bytes, options: CaptureOptions | None = None,
                captured_at: str | None = None) -> Parsed:
    """Read an input's documents and process each: pure, the whole per-input work."""
    sha = hashlib.sha256(data).hexdigest()
    try:
        capture, docs, errors = capture_bytes(origin, data, options, captured_at)
    except InputError as exc:
        return Parsed(origin, sha, None, [], [exc])
    except Exception as exc:  # a reader's bug on one input must not stop a batch
        log.exception("failed to read %s", origin)
        return Parsed(origin, sha, None, [], [_internal(origin, "reading", exc)])
    done, more = _process_all(docs)
    return Parsed(origin, sha, capture, done, errors + more)


def parse_inputs(options: CaptureOptions, items: list[tuple[str, bytes]]) -> list[Parsed]:
    """:func:`parse_input` on each (origin, bytes): a task of the worker pool."""
    return [parse_input(origin, data, options) for origin, data in items]


def _input_crashed(item: tuple[str, bytes], reason: str) -> Parsed:
    origin, data = item
    return Parsed(origin, hashlib.sha256(data).hexdigest(), None, [],
                  [_internal(origin, "reading", reason)])


def _document_crashed(doc: Document, reason: str) -> ReportRows | InputError:
    return _internal(doc.origin, "processing", reason)


# --- the writer's side ----------------------------------------------------------------------


def store_parsed(store: Store, parsed: Parsed, data: bytes, options: CaptureOptions,
                 result: IngestResult) -> None:
    """Write one parsed input (``data``: its bytes): archived, logged and its reports
    stored, or recorded as held already, or refused with its errors. The single writer's
    side of :func:`parse_input`; call it inside ``store.writing()``, in input order."""
    if store.capture_status(parsed.sha256) == "indexed":
        store.received(parsed.sha256, parsed.origin)
        result.unchanged.append(parsed.origin)
        return
    archived, added, errors = _write(store, parsed, data, options)
    if archived is not None:
        result.captures.append(archived)
        result.reports += added
    for error in errors:
        _refuse(store, result, error, parsed.sha256, None if archived else len(data))


def _write(store: Store, parsed: Parsed, data: bytes,
           options: CaptureOptions) -> tuple[str | None, int, list[InputError]]:
    """Archive and index a parsed input: (its hash if archived, reports added, errors).
    Archiving an already logged capture keeps its first origin and time."""
    if parsed.capture is None or not parsed.processed:
        return None, 0, parsed.errors
    store.archive_capture(parsed.capture, data, _recorded(options))
    added, failed = _index(store, parsed.capture.sha256, parsed.processed)
    return parsed.capture.sha256, added, parsed.errors + failed


def _add_all(store: Store, processed: list[ReportRows]) -> list[InputError | bool]:
    """Store reports, in one transaction: for each, whether it is new, or why it cannot be
    stored (never leave a capture that every ingest retries)."""
    seen: set[str] = set()
    new = []
    for rows in processed:
        if rows.id not in seen and not store.has_report(rows.id):
            new.append(rows)
        seen.add(rows.id)
    errors = dict(zip((r.id for r in new), store.add_reports(new) if new else [],
                      strict=True))
    out: list[InputError | bool] = []
    for rows in processed:
        if rows.id not in errors:
            out.append(False)
        elif (error := errors.pop(rows.id)) is not None:
            out.append(InputError(rows.origin, f"cannot be stored ({error})"))
        else:
            out.append(True)
    return out


def _index(store: Store, sha: str, processed: list[ReportRows]) -> tuple[int, list[InputError]]:
    added, errors = 0, []
    # a batch to a transaction, as the workers' tasks are: a capture of thousands of
    # reports does not hold the write lock for all of them at once
    batches = [processed[i:i + CHUNK_ITEMS] for i in range(0, len(processed), CHUNK_ITEMS)]
    for done in (one for batch in batches for one in _add_all(store, batch)):
        if isinstance(done, InputError):
            errors.append(done)
        else:
            added += done
    store.mark_indexed(sha)
    return added, errors


def _recorded(options: CaptureOptions) -> dict[str, Any]:
    """The capture options that differ from the defaults: what re-deriving needs."""
    default = CaptureOptions()
    return {k: v for k, v in asdict(options).items()
            if k != "max_bytes" and v != getattr(default, k)}


def _take(store: Store, origin: str, data: bytes, options: CaptureOptions,
          captured_at: str | None = None) -> tuple[str | None, int, list[InputError]]:
    """Capture, process, archive and index one input, here: (its hash if archived,
    reports added, errors)."""
    return _write(store, parse_input(origin, data, options, captured_at), data, options)


def _refuse(store: Store, result: IngestResult, error: InputError, sha: str | None = None,
            size: int | None = None) -> None:
    store.refused(error.origin, error.reason, sha, size)
    result.failures.append(error)


# --- ingest ---------------------------------------------------------------------------------


@applying  # the collection's vocabulary overlay (overlay.py), passed on to the workers
def ingest(store: Store, names: Iterable[str], options: CaptureOptions | None = None,
           progress: Callable[[str], None] | None = None,
           follow_symlinks: bool = False,
           uploads: Iterable[tuple[str, bytes]] = (),
           workers: int = 1) -> IngestResult:
    """Ingest every input named; finish captures an interrupted ingest left pending.

    Holds the collection's write lock throughout. Every input gets a custody entry:
    ``captured`` or ``received`` when taken, ``refused`` (with the reason) when not, and
    each record refused inside a container gets one too. ``uploads`` are inputs received
    as bytes, each with the origin to record (the workbench's uploaded files). With
    ``workers`` over 1, the per-input work runs in that many processes (``workers.py``);
    what is written, and in what order, does not change.
    """
    options = options or CaptureOptions()
    result = IngestResult()
    with store.writing():
        _resume(store, options, result)
        with Pool(workers, active_overlay(), start_after=AHEAD_PER_WORKER * workers) as pool:
            batch = _Batch(store, options, result, pool, progress)
            batch.run(_named(names, follow_symlinks, uploads))
            finish_ingest(store, bool(result.reports), pool)
    return result


def finish_ingest(store: Store, added: bool, pool: Pool | None = None,
            candidates: set[tuple[str, str]] | None = None) -> None:
    """How every ingest ends: the stories the new reports join (``candidates``: pairs among
    them found elsewhere, see refresh_stories), the events, the search index. ``pool``
    clusters the stories and compares their versions, makes the new accounts (their text
    work as costly as extraction's) and links them, and works out the search index's main
    values: its workers start here if the reports did not start them, once as many tasks
    wait as would have (an ingest that finishes what a killed one left, with no report of
    its own, otherwise refreshed the stories and events of all it had read on one core)."""
    if added or store.stories_stale():
        refresh_stories(store, candidates, pool)
    refresh_events(store, pool)
    update_index(store, pool)


def _named(names: Iterable[str], follow_symlinks: bool,
           uploads: Iterable[tuple[str, bytes]]) -> Iterator[Input | tuple[str, bytes]]:
    yield from iter_inputs(names, follow_symlinks=follow_symlinks)
    yield from uploads


def _resume(store: Store, options: CaptureOptions, result: IngestResult) -> None:
    """Finish captures a killed ingest left pending: derived again, whole, from the archive
    with the options they were first read with (rows already stored are not trusted)."""
    for pending in store.pending():
        recorded = CaptureOptions(max_bytes=options.max_bytes,
                                  **store.recorded_options(pending.sha256))
        store.remove_reports(pending.sha256)
        data = store.archive.read(pending.sha256)
        sha, added, errors = _take(store, pending.origin, data, recorded, pending.captured_at)
        for error in errors:  # recorded once: the killed run may not have got to them
            _refuse(store, result, error, pending.sha256, None if sha else len(data))
        if sha is None:  # nothing derives from it now: say so, and never retry it forever
            store.mark_indexed(pending.sha256)
            continue
        result.reports += added
        result.resumed += 1


@dataclass
class _Entry:
    """One input of a group: bytes to parse, or an outcome known when it was read
    (refused, or bytes the collection holds already: ``data`` None)."""

    origin: str
    data: bytes | None = None
    sha: str | None = None
    refused: InputError | None = None
    size: int | None = None
    hidden: bool = False


@dataclass
class _Group:
    """Consecutive inputs, the bytes among them parsed by one task."""

    entries: list[_Entry] = field(default_factory=list)
    task: Task[tuple[str, bytes], Parsed] | None = None
    held: int = 0

    def full(self) -> bool:
        jobs = sum(1 for e in self.entries if e.data is not None)
        return jobs >= CHUNK_ITEMS or self.held >= CHUNK_BYTES or len(self.entries) >= 64


@dataclass
class _Session:
    """A large input whose documents are processed in chunks and stored as they come:
    archived with its first report, refused if none comes (as a whole input would be)."""

    capture: Capture
    data: bytes | Path  # its bytes, or the file it was received into (streamed)
    records: Records | None = None  # streamed: its bad records known once all are read
    read_errors: list[InputError] = field(default_factory=list)
    failure: InputError | None = None
    found: int = 0
    unchanged: bool = False
    archived: bool = False
    added: int = 0
    failed: list[InputError] = field(default_factory=list)
    unstored: list[InputError] = field(default_factory=list)


@dataclass
class _Part:
    """A chunk of a session's documents (the last part has none, and ends it)."""

    session: _Session
    task: Task[Document, ReportRows | InputError] | None
    first: bool = False
    last: bool = False


class _Batch:
    """One ingest's inputs: read into tasks a window ahead, written back in input order."""

    def __init__(self, store: Store, options: CaptureOptions, result: IngestResult,
                 pool: Pool, progress: Callable[[str], None] | None) -> None:
        self.store = store
        self.options = options
        self.result = result
        self.pool = pool
        self.progress = progress or (lambda _origin: None)
        self.ahead = AHEAD_PER_WORKER * pool.workers
        # received into staging while read, unless the archive is sealed
        self.keep = None if store.keys else store.archive.receive

    def run(self, inputs: Iterator[Input | tuple[str, bytes]]) -> None:
        queue: deque[_Group | _Part] = deque()
        for unit in self._units(inputs):
            queue.append(unit)
            while len(queue) > self.ahead:
                self._write(queue.popleft())
        while queue:
            self._write(queue.popleft())

    # -- reading (a window ahead of the writer) --

    def _units(self, inputs: Iterator[Input | tuple[str, bytes]]) -> Iterator[_Group | _Part]:
        group = _Group()
        for named in inputs:
            read = self._read(named)
            if isinstance(read, _Entry):
                group.entries.append(read)
                group.held += len(read.data or b"")
                if group.full():
                    yield self._send(group)
                    group = _Group()
                continue
            if group.entries:
                yield self._send(group)
                group = _Group()
            yield from self._parts(*read)
        if group.entries:
            yield self._send(group)

    def _read(self, named: Input | tuple[str, bytes]
              ) -> _Entry | tuple[_Session, Iterable[Document]]:
        if isinstance(named, tuple):
            return self._received(*named)
        if named.refused:
            return _Entry(named.origin, refused=InputError(named.origin, named.refused),
                          hidden=named.hidden)
        try:
            got = receive_input(named, self.options, self.keep)
        except InputError as exc:
            return _Entry(named.origin, refused=exc)
        if isinstance(got, Streamed):
            return self._streamed(got)
        return self._bytes(named.origin, got)

    def _received(self, origin: str, data: bytes) -> _Entry | tuple[_Session, list[Document]]:
        """An upload, checked as a file read would be."""
        if len(data) > self.options.max_bytes:
            return _Entry(origin, refused=TooLarge(
                origin, f"more than the limit of {self.options.max_bytes} bytes"))
        if not data:
            return _Entry(origin, refused=EmptyInput(origin, "empty file (0 bytes)"))
        return self._bytes(origin, data)

    def _bytes(self, origin: str, data: bytes) -> _Entry | tuple[_Session, list[Document]]:
        sha = hashlib.sha256(data).hexdigest()
        if self.store.capture_status(sha) == "indexed":  # nothing to parse
            return _Entry(origin, sha=sha)
        if len(data) <= SPLIT_BYTES:
            return _Entry(origin, data, sha)
        try:  # read here, its documents processed in chunks
            capture, docs, errors = capture_bytes(origin, data, self.options)
        except InputError as exc:
            return _Entry(origin, refused=exc, sha=sha, size=len(data))
        return _Session(capture, data, read_errors=errors), docs

    def _streamed(self, got: Streamed) -> _Entry | tuple[_Session, Records]:
        sha = got.capture.sha256
        if self.store.capture_status(sha) == "indexed":
            got.path.unlink(missing_ok=True)
            return _Entry(got.capture.origin, sha=sha)
        records = Records(got, self.options)
        return _Session(got.capture, got.path, records=records), records

    def _send(self, group: _Group) -> _Group:
        jobs = [(e.origin, e.data) for e in group.entries if e.data is not None]
        if jobs:
            group.task = self.pool.submit(partial(parse_inputs, self.options), jobs,
                                          _input_crashed)
        return group

    def _parts(self, session: _Session, docs: Iterable[Document]) -> Iterator[_Part]:
        first = True
        for chunk in _chunks(session, docs):
            task = self.pool.submit(process_documents, chunk, _document_crashed)
            yield _Part(session, task, first=first)
            first = False
        yield _Part(session, None, first=first, last=True)

    # -- writing (in input order) --

    def _write(self, unit: _Group | _Part) -> None:
        if isinstance(unit, _Part):
            self._write_part(unit)
            return
        parsed = iter(unit.task.result() if unit.task is not None else [])
        for entry in unit.entries:
            self.progress(entry.origin)
            if entry.data is not None:
                store_parsed(self.store, next(parsed), entry.data, self.options, self.result)
            elif entry.refused is None:
                assert entry.sha is not None
                self.store.received(entry.sha, entry.origin)
                self.result.unchanged.append(entry.origin)
            elif entry.hidden:  # named and recorded, but passed over on purpose
                self.store.refused(entry.origin, entry.refused.reason)
                self.result.skipped.append(entry.refused)
            else:
                _refuse(self.store, self.result, entry.refused, entry.sha, entry.size)

    def _write_part(self, part: _Part) -> None:
        session = part.session
        if part.first:
            self.progress(session.capture.origin)
            if self.store.capture_status(session.capture.sha256) == "indexed":
                self.store.received(session.capture.sha256, session.capture.origin)
                self.result.unchanged.append(session.capture.origin)
                session.unchanged = True
        done = part.task.result() if part.task is not None else []
        if not session.unchanged:
            self._store_all(session, done)
        if part.last:
            self._finish(session)

    def _store_all(self, session: _Session, done: list[ReportRows | InputError]) -> None:
        session.failed += [d for d in done if isinstance(d, InputError)]
        processed = [d for d in done if not isinstance(d, InputError)]
        if not processed:
            return
        if not session.archived:
            self.store.archive_capture(session.capture, session.data, _recorded(self.options))
            session.archived = True
        for added in _add_all(self.store, processed):
            if isinstance(added, InputError):
                session.unstored.append(added)
            else:
                session.added += added

    def _finish(self, session: _Session) -> None:
        if isinstance(session.data, Path):  # staged and archived by now, or not wanted
            session.data.unlink(missing_ok=True)
        if session.unchanged:
            return
        sha, size = session.capture.sha256, session.capture.size
        if session.records is not None:
            session.read_errors = session.records.errors()
        if session.failure is not None:
            session.read_errors.append(session.failure)
        if session.archived:
            self.store.mark_indexed(sha)
            self.result.captures.append(sha)
            self.result.reports += session.added
            errors = session.read_errors + session.failed + session.unstored
        elif not session.found:  # nothing in it could be read: refused whole
            errors = [nothing_read(session.capture.origin, session.read_errors)]
        else:
            errors = session.read_errors + session.failed
        for error in errors:
            _refuse(self.store, self.result, error, sha, None if session.archived else size)


def _chunks(session: _Session, docs: Iterable[Document]) -> Iterator[list[Document]]:
    """A session's documents in tasks; a streamed file refused whole ends them early."""
    chunk: list[Document] = []
    held = 0
    try:
        for doc in docs:
            session.found += 1
            chunk.append(doc)
            held += len(doc.content)
            if len(chunk) >= CHUNK_ITEMS or held >= CHUNK_BYTES:
                yield chunk
                chunk, held = [], 0
    except InputError as exc:
        session.failure = exc
    if chunk:
        yield chunk


@applying  # the collection's vocabulary overlay (overlay.py)
def reprocess(store: Store, progress: Callable[[str], None] | None = None) -> IngestResult:
    """Derive every capture's reports again from its archived bytes (after an upgrade or a
    vocabulary change), recording the new digests in the custody log."""
    result = IngestResult()
    with store.writing() as custody:
        store.backfill_receipts()
        for sha in custody.captures():
            entry = custody.captured_entry(sha)
            assert entry is not None, sha  # every capture the log names has an entry
            if not store.archive.has(sha):
                result.failures.append(InputError(entry["origin"], "archived file is missing"))
                continue
            if progress:
                progress(entry["origin"])
            recorded = store.recorded_options(sha)
            store.remove_reports(sha)
            done, added, errors = _take(store, entry["origin"], store.archive.read(sha),
                                        CaptureOptions(**recorded), entry["captured_at"])
            if done is None:
                store.mark_indexed(sha)  # no reports derive from it now
                result.failures.extend(errors)
                continue
            result.captures.append(sha)
            result.reports += added
        refresh_stories(store)
        with store.transaction() as db:  # new weights or vocabularies: every pair again
            store.clear_events(db)
        refresh_events(store)
        refresh_index(store)
    return result
