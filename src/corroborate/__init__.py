"""corroborate: a sourced, deduplicated, corroborated record of incidents from reports.

The library is the product; the ``corroborate`` command is a thin skin over it::

    from corroborate import Store, ingest
    with Store.init("case") as store:
        result = ingest(store, ["reports/"])

The public names load on first use (PEP 562): ``import corroborate`` and a command that
needs none of them (``corroborate --version``) do not pay for numpy, trafilatura and the
vocabularies.
"""

from __future__ import annotations

import importlib
import logging
import sys
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from .capture import CaptureOptions, capture_bytes
    from .clean import clean
    from .errors import (
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
    from .events import Account
    from .export import write_csv, write_event_csv, write_event_jsonl, write_jsonl
    from .extract import extract
    from .incidents import StoryIncident, assemble
    from .linking import compare
    from .model import (
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
    from .pipeline import (
        IngestResult,
        ingest,
        process,
        refresh_events,
        refresh_stories,
        reprocess,
    )
    from .store import Store
    from .stories import cluster, fingerprint

_SOURCES = {
    "capture": ("CaptureOptions", "capture_bytes"),
    "clean": ("clean",),
    "errors": ("CollectionError", "CorroborateError", "CorruptInput", "EmptyInput",
               "InputError", "LogDamaged", "MalformedInput", "SealError", "TooLarge",
               "UndecodableInput"),
    "events": ("Account",),
    "export": ("write_csv", "write_event_csv", "write_event_jsonl", "write_jsonl"),
    "extract": ("extract",),
    "incidents": ("StoryIncident", "assemble"),
    "linking": ("compare",),
    "model": ("Byline", "Capture", "Document", "Evidence", "Fact", "Incident", "Report",
              "Segment", "Story", "StoryMember"),
    "pipeline": ("IngestResult", "ingest", "process", "refresh_events", "refresh_stories",
                 "reprocess"),
    "store": ("Store",),
    "stories": ("cluster", "fingerprint"),
}
_LAZY = {name: module for module, names in _SOURCES.items() for name in names}

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


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # once loaded, a plain attribute: no second lookup
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(types.ModuleType):
    """Keeps ``corroborate.clean`` and ``corroborate.extract`` the functions.

    Importing a submodule binds it on its package, and two submodules share their name
    with the function they export; the eager imports this package once had left the
    function bound, and callers rely on that.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _LAZY.get(name) == name:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
