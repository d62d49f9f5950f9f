"""corroborate: a sourced, deduplicated, corroborated record of incidents from reports.

The library is the product; the ``corroborate`` command is a thin skin over it::

    from corroborate import Store, ingest
    with Store.init("case") as store:
        result = ingest(store, ["reports/"])
"""

from __future__ import annotations

import logging

__version__ = "0.2.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

from .capture import CaptureOptions, capture_bytes  # noqa: E402
from .clean import clean  # noqa: E402
from .errors import (  # noqa: E402
    CollectionError,
    CorroborateError,
    CorruptInput,
    EmptyInput,
    InputError,
    LogDamaged,
    MalformedInput,
    SealError,
    TooLarge,
    UndecodableInput,
)
from .events import Account  # noqa: E402
from .export import write_csv, write_event_csv, write_event_jsonl, write_jsonl  # noqa: E402
from .extract import extract  # noqa: E402
from .incidents import StoryIncident, assemble  # noqa: E402
from .linking import compare  # noqa: E402
from .model import (  # noqa: E402
    Byline,
    Capture,
    Document,
    Evidence,
    Fact,
    Incident,
    Report,
    Segment,
    Story,
    StoryMember,
)
from .pipeline import (  # noqa: E402
    IngestResult,
    ingest,
    process,
    refresh_events,
    refresh_stories,
    reprocess,
)
from .store import Store  # noqa: E402
from .stories import cluster, fingerprint  # noqa: E402

__all__ = [
    "Account",
    "Byline",
    "Capture",
    "CaptureOptions",
    "CollectionError",
    "CorroborateError",
    "CorruptInput",
    "Document",
    "EmptyInput",
    "Evidence",
    "Fact",
    "Incident",
    "IngestResult",
    "InputError",
    "LogDamaged",
    "MalformedInput",
    "Report",
    "SealError",
    "Segment",
    "Store",
    "Story",
    "StoryIncident",
    "StoryMember",
    "TooLarge",
    "UndecodableInput",
    "__version__",
    "assemble",
    "capture_bytes",
    "clean",
    "cluster",
    "compare",
    "extract",
    "fingerprint",
    "ingest",
    "process",
    "refresh_events",
    "refresh_stories",
    "reprocess",
    "write_csv",
    "write_event_csv",
    "write_event_jsonl",
    "write_jsonl",
]
