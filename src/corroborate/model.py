"""The records passed between pipeline stages.

Each stage is a function from one kind of record to the next; nothing here touches disk.
Ids are hashes of normalised content, so the same input always yields the same ids and
fragments from parallel workers merge deterministically.

    bytes --capture--> Capture + Document --clean--> Report --extract--> Incident
    Reports --stories--> Story;  Story + Incidents --incidents--> StoryIncident
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from dataclasses import field as _field
from typing import Any

__all__ = [
    "Byline",
    "Capture",
    "Document",
    "Evidence",
    "Fact",
    "Incident",
    "Report",
    "Segment",
    "Story",
    "StoryMember",
    "fact_at",
    "make_id",
]

FIELDS = ("violation", "perpetrator", "victim", "place", "date", "punishment", "source",
          "victim_count")


def make_id(prefix: str, *parts: str) -> str:
    """A stable id: ``prefix`` and the first 20 hex digits of SHA-256 over ``parts``."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"{prefix}-{digest[:20]}"


@dataclass(frozen=True)
class Capture:
    """The exact bytes of one input, as received: the unit of custody."""

    sha256: str
    origin: str
    size: int
    media_type: str
    captured_at: str
    tool_version: str


@dataclass(frozen=True)
class Document:
    """One report as read out of a capture, before cleaning.

    ``locator`` is empty when the capture is the report; inside a container it says where
    (``line:3`` of JSON Lines, ``row:2`` of CSV, ``record:1024`` at a WARC byte offset).
    """

    capture_sha256: str
    locator: str
    origin: str
    media_type: str
    content: str
    url: str | None = None
    title: str | None = None
    published: str | None = None
    outlet: str | None = None

    @property
    def report_id(self) -> str:
        return make_id("r", self.capture_sha256, self.locator)


@dataclass(frozen=True)
class Byline:
    role: str
    name: str
    affiliation: str | None = None


@dataclass(frozen=True)
class Segment:
    """``text[start:end]`` of the cleaned report equals ``source[source_start:...]``.

    The source is the decoded document content (the capture's bytes, or a record inside
    them), so every evidence span can be followed back to the archived bytes.
    """

    start: int
    end: int
    source_start: int


@dataclass(frozen=True)
class Report:
    """A cleaned report: main text without page furniture, and its metadata."""

    id: str
    capture_sha256: str
    locator: str
    origin: str
    media_type: str
    text: str
    url: str | None = None
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    language: str | None = None
    bylines: tuple[Byline, ...] = ()
    segments: tuple[Segment, ...] = ()
    removed: tuple[str, ...] = ()

    def source_offset(self, offset: int) -> int | None:
        """Where character ``offset`` of the cleaned text stands in the document source."""
        for seg in self.segments:
            if seg.start <= offset < seg.end:
                return seg.source_start + offset - seg.start
        return None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        data = dict(data)
        data["bylines"] = tuple(Byline(**b) for b in data.get("bylines", ()))
        data["segments"] = tuple(Segment(**s) for s in data.get("segments", ()))
        data["removed"] = tuple(data.get("removed", ()))
        return cls(**data)


@dataclass(frozen=True)
class Evidence:
    """The exact words of a report that support a value: ``text[start:end] == quote``."""

    report_id: str
    start: int
    end: int
    quote: str


@dataclass(frozen=True)
class Fact:
    """One value of one incident field, tied to the words it came from.

    ``field`` is one of ``FIELDS``; ``value`` is the normalised value (a vocabulary id, an
    ISO code, an ISO date of stated precision); ``attrs`` holds field-specific detail such
    as a date's precision or a place's coordinates.
    """

    field: str
    value: str
    label: str
    evidence: Evidence
    attrs: dict[str, Any] = _field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Fact:
        data = dict(data)
        data["evidence"] = Evidence(**data["evidence"])
        return cls(**data)


@dataclass(frozen=True)
class Incident:
    """What one report states happened, every field a list of sourced facts."""

    id: str
    report_id: str
    facts: tuple[Fact, ...]

    def values(self, field_name: str) -> list[Fact]:
        return [f for f in self.facts if f.field == field_name]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "report_id": self.report_id,
                "facts": [f.to_dict() for f in self.facts]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Incident:
        return cls(id=data["id"], report_id=data["report_id"],
                   facts=tuple(Fact.from_dict(f) for f in data["facts"]))


@dataclass(frozen=True)
class StoryMember:
    """One version of a story and how it compares with the canonical version."""

    report_id: str
    canonical: bool
    containment: float
    jaccard: float
    adds: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Story:
    """Reports that are versions of one story (syndication, revisions, reposts)."""

    id: str
    canonical_report_id: str
    members: tuple[StoryMember, ...]


def fact_at(field: str, value: str, label: str, report: Report, start: int, end: int,
            **attrs: object) -> Fact:
    """A fact whose evidence is ``report.text[start:end]``."""
    return Fact(field, value, label, Evidence(report.id, start, end, report.text[start:end]),
                dict(attrs))
