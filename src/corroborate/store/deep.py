"""``verify --deep``: derive every indexed capture again from its archived bytes.

Each capture is read, cleaned and extracted again as at ingest (with the options the log
recorded), into a scratch in-memory database, and each report's digest is compared with
the one logged when it was indexed. A difference made under the same tool version and
vocabulary means the database does not hold what those bytes give; under another version
it is expected, and named as a note (``corroborate reprocess`` derives them anew).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..provenance import tool_version, vocabulary_digest
from .crypto import SealError
from .custody import Problem
from .digest import report_digest
from .rows import insert_report
from .schema import migrate

if TYPE_CHECKING:
    from . import Store
    from .log_summary import LogSummary

__all__ = ["rederive"]


def rederive(store: Store, found: LogSummary) -> Iterator[Problem]:
    """Problems found deriving each capture the log says was indexed again (with the
    options its ``captured`` entry says it was read with)."""
    now = (tool_version(), vocabulary_digest())
    for sha in found.indexed_captures():
        row = store.db.execute("SELECT origin, captured_at FROM captures "
                               "WHERE sha256 = ? AND status = 'indexed'", (sha,)).fetchone()
        entry = found.indexed(sha)
        if row is None or entry is None or not store.archive.has(sha):
            continue  # named by the other checks
        made = (str(entry.get("tool_version")), str(entry.get("vocab_digest")))
        try:
            data = store.archive.read(sha)
        except (SealError, OSError):
            continue  # altered, or not a file: named by the archive check
        try:
            captured = found.captured(sha)
            options = (captured[1].get("options") if captured else None) or {}
            digests = _derive(data, row["origin"], row["captured_at"], options, made)
        except InputError as exc:
            yield Problem(f"capture {sha}", f"cannot be derived again: {exc.reason}")
            continue
        logged = entry.get("reports") or {}
        if digests == logged:
            continue
        differ = sorted(k for k in set(digests) | set(logged) if digests.get(k) != logged.get(k))
        if made != now:
            yield Problem(f"capture {sha}", f"derives {len(differ)} report(s) differently now "
                          f"(indexed by corroborate {made[0]} with vocabularies {made[1]}, "
                          f"this is {now[0]} with {now[1]}): `corroborate reprocess`",
                          fatal=False)
        else:
            yield Problem(f"capture {sha}", f"its archived bytes do not give the reports "
                          f"indexed from them: {', '.join(differ[:5])}")


def _derive(data: bytes, origin: str, captured_at: str, options: dict[str, Any],
            made: tuple[str, str]) -> dict[str, str]:
    from ..capture import CaptureOptions, capture_bytes
    from ..pipeline import process

    _capture, documents, _errors = capture_bytes(origin, data, CaptureOptions(**options),
                                                 captured_at)
    scratch = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(scratch)
        digests: dict[str, str] = {}
        for doc in documents:
            try:
                report, fp, incidents = process(doc)
            except InputError:
                continue
            insert_report(scratch, report, fp, incidents, made)
            digest = report_digest(scratch, report.id)
            if digest is not None:
                digests[report.id] = digest
        return digests
    finally:
        scratch.close()
