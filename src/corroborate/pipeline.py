"""Ingest: inputs -> capture -> clean -> extract -> store, then stories.

The per-report work (:func:`process`) is a pure function of a document, so it can run in
any worker; only :func:`ingest` talks to the store. A broken input is reported with its
origin and reason and the batch goes on.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from .capture import CaptureOptions, Input, capture_bytes, iter_inputs, read_input
from .clean import clean
from .errors import EmptyInput, InputError, TooLarge
from .extract import extract
from .model import Document, Incident, Report
from .overlay import applying
from .refresh import refresh_events, refresh_stories
from .search import refresh_index, update_index
from .store import Store
from .store.driver import ERRORS
from .stories import Fingerprint, fingerprint

__all__ = ["IngestResult", "ingest", "process", "refresh_events", "refresh_stories",
           "reprocess"]

log = logging.getLogger(__name__)

Processed = tuple[Report, Fingerprint, list[Incident]]


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


def process(doc: Document) -> Processed:
    """Clean, fingerprint and extract one document: no I/O, same input same output."""
    report = clean(doc)
    return report, fingerprint(report.id, report.text, report.published), extract(report)


def _process_all(docs: list[Document]) -> tuple[list[Processed], list[InputError]]:
    done: list[Processed] = []
    errors: list[InputError] = []
    for doc in docs:
        try:
            done.append(process(doc))
        except InputError as exc:
            errors.append(exc)
        except Exception as exc:  # a bug or a parser crash on one document must not stop a batch
            log.exception("failed to process %s", doc.origin)
            errors.append(InputError(doc.origin, f"internal error while processing "
                                                 f"({type(exc).__name__}: {exc})"))
    return done, errors


def _index(store: Store, sha: str, processed: list[Processed]) -> tuple[int, list[InputError]]:
    added, errors = 0, []
    for report, fp, incidents in processed:
        if store.has_report(report.id):
            continue
        try:
            store.add_report(report, fp, incidents)
        except ERRORS as exc:  # never leave a capture that every ingest retries
            errors.append(InputError(report.origin, f"cannot be stored ({exc})"))
            continue
        added += 1
    store.mark_indexed(sha)
    return added, errors


def _recorded(options: CaptureOptions) -> dict[str, Any]:
    """The capture options that differ from the defaults: what re-deriving needs."""
    default = CaptureOptions()
    return {k: v for k, v in asdict(options).items()
            if k != "max_bytes" and v != getattr(default, k)}


def _take(store: Store, origin: str, data: bytes, options: CaptureOptions,
          captured_at: str | None = None) -> tuple[str | None, int, list[InputError]]:
    """Capture, process, archive and index one input: (its hash if archived, reports
    added, errors). Archiving an already logged capture keeps its first origin and time."""
    try:
        capture, docs, errors = capture_bytes(origin, data, options, captured_at)
    except InputError as exc:
        return None, 0, [exc]
    done, more = _process_all(docs)
    errors += more
    if not done:
        return None, 0, errors
    store.archive_capture(capture, data, _recorded(options))
    added, failed = _index(store, capture.sha256, done)
    return capture.sha256, added, errors + failed


@applying  # the collection's vocabulary overlay (overlay.py)
def ingest(store: Store, names: Iterable[str], options: CaptureOptions | None = None,
           progress: Callable[[str], None] | None = None,
           follow_symlinks: bool = False,
           uploads: Iterable[tuple[str, bytes]] = ()) -> IngestResult:
    """Ingest every input named; finish captures an interrupted ingest left pending.

    Holds the collection's write lock throughout. Every input gets a custody entry:
    ``captured`` or ``received`` when taken, ``refused`` (with the reason) when not, and
    each record refused inside a container gets one too. ``uploads`` are inputs received
    as bytes, each with the origin to record (the workbench's uploaded files).
    """
    options = options or CaptureOptions()
    result = IngestResult()
    with store.writing():
        _resume(store, options, result)
        for item in iter_inputs(names, follow_symlinks=follow_symlinks):
            if progress:
                progress(item.origin)
            _ingest_one(store, item, options, result)
        for origin, data in uploads:
            if progress:
                progress(origin)
            _ingest_upload(store, origin, data, options, result)
        if result.reports or store.stories_stale():
            refresh_stories(store)
        refresh_events(store)
        update_index(store)
    return result


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


def _ingest_one(store: Store, item: Input, options: CaptureOptions,
                result: IngestResult) -> None:
    if item.hidden and item.refused:
        # named and recorded, but passed over on purpose: not a failure
        store.refused(item.origin, item.refused)
        result.skipped.append(InputError(item.origin, item.refused))
        return
    if item.refused:
        _refuse(store, result, InputError(item.origin, item.refused))
        return
    try:
        data = read_input(item, options.max_bytes)
    except InputError as exc:
        _refuse(store, result, exc)
        return
    _ingest_data(store, item.origin, data, options, result)


def _ingest_upload(store: Store, origin: str, data: bytes, options: CaptureOptions,
                   result: IngestResult) -> None:
    if len(data) > options.max_bytes:
        _refuse(store, result, TooLarge(origin, f"more than the limit of {options.max_bytes} "
                                                "bytes"))
    elif not data:
        _refuse(store, result, EmptyInput(origin, "empty file (0 bytes)"))
    else:
        _ingest_data(store, origin, data, options, result)


def _ingest_data(store: Store, origin: str, data: bytes, options: CaptureOptions,
                 result: IngestResult) -> None:
    sha = hashlib.sha256(data).hexdigest()
    if store.capture_status(sha) == "indexed":
        store.received(sha, origin)
        result.unchanged.append(origin)
        return
    archived, added, errors = _take(store, origin, data, options)
    if archived is not None:
        result.captures.append(archived)
        result.reports += added
    for error in errors:
        _refuse(store, result, error, sha, None if archived else len(data))


def _refuse(store: Store, result: IngestResult, error: InputError, sha: str | None = None,
            size: int | None = None) -> None:
    store.refused(error.origin, error.reason, sha, size)
    result.failures.append(error)


@applying  # the collection's vocabulary overlay (overlay.py)
def reprocess(store: Store, progress: Callable[[str], None] | None = None) -> IngestResult:
    """Derive every capture's reports again from its archived bytes (after an upgrade or a
    vocabulary change), recording the new digests in the custody log."""
    result = IngestResult()
    with store.writing() as custody:
        store.backfill_receipts()
        for sha, entry in list(custody.entries.items()):
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
