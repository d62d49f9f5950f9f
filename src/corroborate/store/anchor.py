"""Anchors: the custody log's head, signed with an Ed25519 key kept outside the collection.

An anchor file is JSON::

    {"format": "corroborate-anchor/1", "collection": <id>, "seq": N, "hash": <entry N's
     hash>, "log_bytes": <length of the log up to entry N>, "log_sha256": <SHA-256 of those
     bytes>, "signed_at": <UTC time>, "public_key": <base64 raw key>, "signature": <base64>}

signed over the canonical JSON of every field but ``signature``. Since each entry's hash
covers the one before, entry N's hash pins entries 1..N; the hash of the log's bytes pins
the very bytes of those lines. ``verify --anchor`` shows that neither changed since the
anchor was signed. What that proves, and what it does not, is in docs/custody.md.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import CollectionError
from .archive import file_sha256
from .custody import Problem, now

__all__ = ["FORMAT", "check_anchor", "fingerprint", "generate_key", "sign_anchor"]

FORMAT = "corroborate-anchor/1"
_FIELDS = {"format", "collection", "seq", "hash", "log_bytes", "log_sha256", "signed_at",
           "public_key", "signature"}


def fingerprint(public_key: bytes) -> str:
    """How a person compares keys: SHA-256 of the raw public key, 32 hex digits in groups."""
    digest = hashlib.sha256(public_key).hexdigest()[:32]
    return ":".join(digest[i:i + 4] for i in range(0, 32, 4))


def generate_key(path: Path, collection: Path | None = None) -> str:
    """Write a new Ed25519 private key (0600) and ``<path>.pub``; return its fingerprint."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _outside(path, collection)
    if path.exists():
        raise CollectionError(f"{path} already exists: a key is never overwritten")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    raw = key.public_key().public_bytes(serialization.Encoding.Raw,
                                        serialization.PublicFormat.Raw)
    Path(f"{path}.pub").write_text(base64.b64encode(raw).decode() + "\n", encoding="ascii")
    return fingerprint(raw)


def sign_anchor(key_path: Path, collection: Path, collection_id: str, seq: int,
                head: str, log_bytes: int, log_sha256: str) -> dict[str, Any]:
    """An anchor of the log's head (entry ``seq`` with hash ``head``, the log's first
    ``log_bytes`` bytes hashing to ``log_sha256``), signed."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _outside(key_path, collection)
    try:
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise CollectionError(f"cannot read the signing key {key_path}: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise CollectionError(f"{key_path} is not an Ed25519 key (`corroborate keygen`)")
    raw = key.public_key().public_bytes(serialization.Encoding.Raw,
                                        serialization.PublicFormat.Raw)
    anchor: dict[str, Any] = {"format": FORMAT, "collection": collection_id, "seq": seq,
                              "hash": head, "log_bytes": log_bytes, "log_sha256": log_sha256,
                              "signed_at": now(), "public_key": base64.b64encode(raw).decode()}
    anchor["signature"] = base64.b64encode(key.sign(_signed(anchor))).decode()
    return anchor


def check_anchor(anchor: Any, collection_id: str, hash_at: Callable[[int], str | None],
                 trusted_key: str | None, log: Path) -> list[Problem]:
    """Problems with an anchor against a log (``hash_at`` gives the hash of its entry
    numbered seq); one non-fatal line saying what it proved."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    where = "anchor"
    if not isinstance(anchor, dict) or set(anchor) != _FIELDS or anchor["format"] != FORMAT:
        return [Problem(where, f"is not a {FORMAT} file")]
    try:
        raw = base64.b64decode(anchor["public_key"], validate=True)
        Ed25519PublicKey.from_public_bytes(raw).verify(
            base64.b64decode(anchor["signature"], validate=True), _signed(anchor))
    except (InvalidSignature, ValueError):
        return [Problem(where, "has a signature that does not match its content (the "
                               "anchor was edited, or signed by another key)")]
    problems = []
    if trusted_key is not None and trusted_key.strip() != anchor["public_key"]:
        problems.append(Problem(where, f"was signed by key {fingerprint(raw)}, not by the "
                                       f"trusted key given"))
    if anchor["collection"] != collection_id:
        problems.append(Problem(where, f"is of another collection ({anchor['collection']})"))
    pinned = hash_at(anchor["seq"])
    if pinned is None:
        problems.append(Problem(where, f"pins entry {anchor['seq']}, which the log no "
                                       f"longer has: entries were removed"))
    elif pinned != anchor["hash"]:
        problems.append(Problem(where, f"pins entry {anchor['seq']} with another hash: "
                                       f"entries up to it were rewritten since "
                                       f"{anchor['signed_at']}"))
    elif prefix_sha256(log, anchor["log_bytes"]) != anchor["log_sha256"]:
        problems.append(Problem(where, f"pins the log's first {anchor['log_bytes']} bytes, "
                                       f"which changed since {anchor['signed_at']}: lines up "
                                       f"to entry {anchor['seq']} were edited"))
    if not problems:
        pinned = "a trusted key" if trusted_key else "a key you must check is yours"
        problems.append(Problem(where, f"entries 1..{anchor['seq']} are as signed at "
                                       f"{anchor['signed_at']} by {pinned} "
                                       f"({fingerprint(raw)})", fatal=False))
    return problems


def prefix_sha256(path: Path, size: int) -> str | None:
    """SHA-256 of a file's first ``size`` bytes; None if it is shorter or unreadable."""
    try:
        return file_sha256(path, size)
    except OSError:
        return None


def _signed(anchor: dict[str, Any]) -> bytes:
    body = {k: v for k, v in anchor.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _outside(path: Path, collection: Path | None) -> None:
    if collection is None:
        return
    inside = path.resolve().is_relative_to(collection.resolve())
    if inside:
        raise CollectionError(f"{path} is inside the collection: keep the signing key "
                              f"elsewhere (whoever can change the collection must not "
                              f"hold the key that vouches for it)")
