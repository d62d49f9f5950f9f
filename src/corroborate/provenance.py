"""What made a derived row: the tool's version and a digest of the vocabularies it used.

Every report, incident and story row carries both, so a team can tell which rows an
upgrade or a vocabulary change would re-derive (``corroborate reprocess``).
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata, resources

from . import __version__, vocab

__all__ = ["made", "tool_version", "vocabulary_digest"]


@cache
def tool_version() -> str:
    """The installed package's version (package metadata), else the source's."""
    try:
        return metadata.version("corroborate")
    except metadata.PackageNotFoundError:
        return __version__


def made() -> tuple[str, str]:
    """(Tool version, vocabulary digest): the provenance a row made now carries."""
    return tool_version(), vocabulary_digest()


def vocabulary_digest() -> str:
    """The shipped vocabularies' digest, or, with a collection's overlay active
    (``overlay.applied``), a digest of both: rows made with and without it differ."""
    overlay = vocab.active_overlay()
    shipped = _shipped_digest()
    if overlay is None:
        return shipped
    return hashlib.sha256(f"{shipped}\x1f{overlay.digest}".encode()).hexdigest()[:16]


@cache
def _shipped_digest() -> str:
    """SHA-256 over the shipped vocabulary files, by name, in name order (16 hex digits)."""
    h = hashlib.sha256()
    folder = resources.files("corroborate.data")
    # the Korean names (data/ko/) are vocabulary data too
    files = sorted([(p.name, p) for p in folder.iterdir() if p.name.endswith(".yaml")]
                   + [(f"ko/{p.name}", p) for p in folder.joinpath("ko").iterdir()
                      if p.name.endswith(".yaml")], key=lambda item: item[0])
    for name, path in files:
        data = path.read_bytes()
        h.update(f"{name}\x1f{len(data)}\x1f".encode())
        h.update(data)
    return h.hexdigest()[:16]
