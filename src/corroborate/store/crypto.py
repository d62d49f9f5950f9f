"""Encryption at rest: keys from a passphrase, sealed bytes and lines, an SQLCipher database.

Building blocks of ``corroborate init --encrypt``; nothing here is wired into the store.

Keys (one per purpose; the master key is never stored nor kept)::

    passphrase (NFC, UTF-8) --scrypt(salt, n, r, p)--> master key (32 bytes)
    master --HKDF-SHA256(info=b"corroborate archive")---> Keys.archive    archive files
           |--------------(info=b"corroborate log")-----> Keys.log        custody-log lines
           |--------------(info=b"corroborate database")> Keys.database   SQLCipher raw key
           |--------------(info=b"corroborate names")---> Keys.names      blind file names
           `--------------(info=b"corroborate key check")> check key      key file only

Key file ``encryption.json`` holds no secret; every key is required and no other allowed::

    {"format": "corroborate-encryption", "version": 1,
     "kdf": {"name": "scrypt", "n": 131072, "r": 8, "p": 1, "salt": "<base64, 16 bytes>"},
     "check": "<base64 HMAC-SHA256(check key, CHECK_LABEL + canonical JSON of kdf)>"}

Sealed blob (``seal``: small things held in memory)::

    b"CRB\\x01" | nonce (12 random bytes) | AES-256-GCM(data, aad=magic+aad) | tag (16)

Sealed stream (``seal_stream``: archive files of any size; memory bounded by a segment)::

    header   b"CRS\\x01" | segment size (u32, big-endian) | salt (16 random bytes)   24 bytes
    file key HKDF-SHA256(key, salt=salt, info=b"corroborate stream")
    segment  AES-256-GCM(file key, nonce = index (11 bytes, big-endian) | last (0 or 1),
                         chunk, aad = header + aad) -> chunk + tag (16)

Every segment but the last holds exactly ``segment size`` plaintext bytes and has last = 0;
the last holds 1..size bytes (0 only when the whole plaintext is empty) and has last = 1.
So a dropped, reordered, duplicated or appended segment fails to open (as in age/STREAM).

Sealed log line (``seal_line``): ``"sealed1:" + base64(seal(key, UTF-8 text, aad))``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import json
import os
import sqlite3
import struct
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..errors import CollectionError, SealError

__all__ = [
    "DEFAULT_SCRYPT", "KEYFILE_NAME", "SEGMENT_SIZE", "Keys", "ScryptParams", "SealError",
    "blind_name", "connect_encrypted", "create_keyfile", "seal", "seal_line", "seal_stream",
    "sqlcipher_key_pragma", "unlock", "unseal", "unseal_line", "unseal_stream",
]

KEYFILE_NAME = "encryption.json"
FORMAT = "corroborate-encryption"
VERSION = 1
CHECK_LABEL = b"corroborate key check v1\n"
BLOB_MAGIC = b"CRB\x01"
STREAM_MAGIC = b"CRS\x01"
LINE_PREFIX = "sealed1:"
SEGMENT_SIZE = 64 * 1024
MAX_SEGMENT = 16 << 20
_SALT = 16
_NONCE = 12
_TAG = 16
_HEADER = struct.Struct(">4sI16s")
_DAMAGED = "wrong key, or the data was altered, truncated, reordered or swapped for other data"


@dataclass(frozen=True)
class ScryptParams:
    """scrypt costs. Memory is 128 * r * n bytes: 128 MiB, ~0.35 s here, for the default."""

    n: int = 2**17
    r: int = 8
    p: int = 1


DEFAULT_SCRYPT = ScryptParams()


@dataclass(frozen=True)
class Keys:
    """A collection's 32-byte subkeys, one per purpose. The repr never shows them."""

    archive: bytes = field(repr=False)
    log: bytes = field(repr=False)
    database: bytes = field(repr=False)
    names: bytes = field(repr=False)


# -- keys and the key file -----------------------------------------------------------------

def _hkdf(key: bytes, salt: bytes | None, info: bytes) -> bytes:
    # imported here: every command imports the store, few open an encrypted collection
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(key)


def _subkey(master: bytes, purpose: str) -> bytes:
    return _hkdf(master, None, b"corroborate " + purpose.encode("ascii"))


def _master(passphrase: str, salt: bytes, params: ScryptParams) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    secret = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return Scrypt(salt=salt, length=32, n=params.n, r=params.r, p=params.p).derive(secret)


def _check(master: bytes, kdf: dict[str, Any]) -> bytes:
    canonical = json.dumps(kdf, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hmac.new(_subkey(master, "key check"), CHECK_LABEL + canonical, hashlib.sha256).digest()


def _keys(master: bytes) -> Keys:
    return Keys(archive=_subkey(master, "archive"), log=_subkey(master, "log"),
                database=_subkey(master, "database"), names=_subkey(master, "names"))


def _params_problem(params: ScryptParams) -> str | None:
    if params.n < 2 or params.n & (params.n - 1):
        return f"scrypt n must be a power of 2 above 1, not {params.n}"
    if not (1 <= params.r <= 32 and 1 <= params.p <= 16):
        return f"scrypt r must be 1..32 and p 1..16, not r={params.r} p={params.p}"
    if 128 * params.r * params.n > 1 << 30:
        return "scrypt n and r would need more than 1 GiB of memory"
    return None


def _kdf_dict(params: ScryptParams, salt: bytes) -> dict[str, Any]:
    return {"name": "scrypt", "n": params.n, "r": params.r, "p": params.p,
            "salt": base64.b64encode(salt).decode("ascii")}


def create_keyfile(path: str | Path, passphrase: str,
                   params: ScryptParams = DEFAULT_SCRYPT) -> Keys:
    """Write a new key file at ``path`` (never over an existing one); return the keys.

    Without this file (its salt) the passphrase opens nothing: it must be backed up.
    """
    if not passphrase.strip():
        raise CollectionError("refusing an empty passphrase")
    if problem := _params_problem(params):
        raise CollectionError(problem)
    salt = os.urandom(_SALT)
    kdf = _kdf_dict(params, salt)
    master = _master(passphrase, salt, params)
    doc = {"format": FORMAT, "version": VERSION, "kdf": kdf,
           "check": base64.b64encode(_check(master, kdf)).decode("ascii")}
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise CollectionError(f"{path} already exists: refusing to replace a key file") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(json.dumps(doc, indent=2) + "\n")
            out.flush()
            os.fsync(out.fileno())
        dir_fd = os.open(Path(path).parent, os.O_RDONLY)  # the key file's name, durable too
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except BaseException:
        os.unlink(path)
        raise
    return _keys(master)


def _fields(obj: object, where: str, types: dict[str, type]) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise ValueError(f"{where} is not a JSON object")
    if unknown := sorted(set(obj) - set(types)):
        raise ValueError(f"unknown key(s) in {where}: {', '.join(map(str, unknown))}")
    if missing := sorted(set(types) - set(obj)):
        raise ValueError(f"missing key(s) in {where}: {', '.join(missing)}")
    for key, kind in types.items():
        if type(obj[key]) is not kind:  # not isinstance: a bool is no int here
            raise ValueError(f"{where}.{key} must be of type {kind.__name__}")
    return obj


def _b64(text: str, what: str, size: int) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        raise ValueError(f"{what} is not base64") from None
    if len(raw) != size:
        raise ValueError(f"{what} must be {size} bytes, not {len(raw)}")
    return raw


def _read_keyfile(path: Path) -> tuple[ScryptParams, bytes, bytes]:
    doc = _fields(json.loads(path.read_text(encoding="utf-8")), "the key file",
                  {"format": str, "version": int, "kdf": dict, "check": str})
    if doc["format"] != FORMAT:
        raise ValueError(f"format is {doc['format']!r}, not {FORMAT!r}")
    if doc["version"] != VERSION:
        raise ValueError(f"version {doc['version']} is not {VERSION}, the one this "
                         "corroborate reads (a newer corroborate may read it)")
    kdf = _fields(doc["kdf"], "kdf", {"name": str, "n": int, "r": int, "p": int, "salt": str})
    if kdf["name"] != "scrypt":
        raise ValueError(f"unknown key derivation {kdf['name']!r} (only scrypt is known)")
    params = ScryptParams(kdf["n"], kdf["r"], kdf["p"])
    if problem := _params_problem(params):
        raise ValueError(problem)
    return params, _b64(kdf["salt"], "kdf.salt", _SALT), _b64(doc["check"], "check", 32)


def unlock(path: str | Path, passphrase: str) -> Keys:
    """Check ``passphrase`` against the key file at ``path``; return the collection's keys.

    Raises ``CollectionError`` for a wrong passphrase, or a missing or malformed key file
    (with the reason), before any data is read.
    """
    path = Path(path)
    try:
        params, salt, check = _read_keyfile(path)
    except FileNotFoundError:
        raise CollectionError(f"{path} is missing: is this collection encrypted?") from None
    except (OSError, ValueError) as exc:  # JSONDecodeError and UnicodeError are ValueErrors
        raise CollectionError(f"{path} is not a valid key file: {exc}") from None
    master = _master(passphrase, salt, params)
    if not hmac.compare_digest(_check(master, _kdf_dict(params, salt)), check):
        raise CollectionError(f"wrong passphrase (checked against {path})")
    return _keys(master)


def blind_name(key: bytes, name: str) -> str:
    """A keyed hash of ``name`` (e.g. a capture's SHA-256) to name its sealed file by, so the
    folder does not show which known documents the collection holds. Use ``Keys.names``."""
    return hmac.new(key, name.encode("utf-8"), hashlib.sha256).hexdigest()


# -- sealing ---------------------------------------------------------------------------------

def _aead(key: bytes) -> AESGCM:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(key) != 32:
        raise ValueError("an AES-256 key is 32 bytes")
    return AESGCM(key)


def seal(key: bytes, data: bytes, aad: bytes) -> bytes:
    """Encrypt and authenticate ``data`` in memory, bound to ``aad`` (which is not stored)."""
    nonce = os.urandom(_NONCE)
    return BLOB_MAGIC + nonce + _aead(key).encrypt(nonce, data, BLOB_MAGIC + aad)


def unseal(key: bytes, blob: bytes, aad: bytes) -> bytes:
    """The data ``seal(key, data, aad)`` sealed, or ``SealError``."""
    if len(blob) < len(BLOB_MAGIC) + _NONCE + _TAG:
        raise SealError("sealed data is truncated")
    if blob[:4] != BLOB_MAGIC:
        raise SealError("not sealed data (unknown header)")
    from cryptography.exceptions import InvalidTag

    try:
        return _aead(key).decrypt(blob[4:4 + _NONCE], blob[4 + _NONCE:], BLOB_MAGIC + aad)
    except InvalidTag:
        raise SealError(f"sealed data cannot be opened: {_DAMAGED}") from None


def _read(src: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes, fewer only at the end of ``src`` (short reads are retried)."""
    parts, got = [], 0
    while got < size and (part := src.read(size - got)):
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def _stream_aead(key: bytes, salt: bytes) -> AESGCM:
    return _aead(_hkdf(key, salt, b"corroborate stream"))


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(_NONCE - 1, "big") + (b"\x01" if last else b"\x00")


def seal_stream(key: bytes, src: BinaryIO, dst: BinaryIO, aad: bytes,
                segment_size: int = SEGMENT_SIZE) -> int:
    """Seal ``src`` into ``dst`` segment by segment; return the bytes written."""
    if not 1 <= segment_size <= MAX_SEGMENT:
        raise ValueError(f"segment size must be 1..{MAX_SEGMENT}")
    header = _HEADER.pack(STREAM_MAGIC, segment_size, os.urandom(_SALT))
    aead, ad = _stream_aead(key, header[-_SALT:]), header + aad
    written = dst.write(header)
    chunk, index = _read(src, segment_size), 0
    while True:
        following = _read(src, segment_size) if len(chunk) == segment_size else b""
        written += dst.write(aead.encrypt(_nonce(index, not following), chunk, ad))
        if not following:
            return written
        chunk, index = following, index + 1


def unseal_stream(key: bytes, src: BinaryIO, dst: BinaryIO, aad: bytes) -> int:
    """Open a sealed stream from ``src`` into ``dst``; return the plaintext bytes written.

    Each segment is checked before it is written, but a ``SealError`` may come after some
    segments were: write to a temporary file and keep it only if this returns.
    """
    header = _read(src, _HEADER.size)
    if len(header) < _HEADER.size:
        raise SealError("sealed stream is truncated (incomplete header)")
    magic, size, salt = _HEADER.unpack(header)
    if magic != STREAM_MAGIC:
        raise SealError("not a sealed stream (unknown header)")
    if not 1 <= size <= MAX_SEGMENT:
        raise SealError(f"sealed stream header is damaged (segment size {size})")
    from cryptography.exceptions import InvalidTag

    aead, ad = _stream_aead(key, salt), header + aad
    segment, index, total = _read(src, size + _TAG), 0, 0
    while True:
        following = _read(src, size + _TAG) if len(segment) == size + _TAG else b""
        try:
            plain = aead.decrypt(_nonce(index, not following), segment, ad)
        except InvalidTag:
            raise SealError(f"segment {index} of a sealed stream cannot be opened: "
                            f"{_DAMAGED}") from None
        total += dst.write(plain)
        if not following:
            return total
        segment, index = following, index + 1


def seal_line(key: bytes, text: str, aad: bytes) -> str:
    """``text`` sealed as one line of ASCII (no newline in it)."""
    return LINE_PREFIX + base64.b64encode(seal(key, text.encode("utf-8"), aad)).decode("ascii")


def unseal_line(key: bytes, line: str, aad: bytes) -> str:
    """The text ``seal_line`` sealed (a trailing newline is ignored), or ``SealError``."""
    line = line.rstrip("\r\n")
    if not line.startswith(LINE_PREFIX):
        raise SealError(f"not a sealed line (it does not begin with {LINE_PREFIX!r})")
    try:
        blob = base64.b64decode(line[len(LINE_PREFIX):], validate=True)
    except ValueError:
        raise SealError("sealed line is damaged (not base64)") from None
    return unseal(key, blob, aad).decode("utf-8")


# -- the database ----------------------------------------------------------------------------

def sqlcipher_key_pragma(key: bytes) -> str:
    """SQLCipher's raw-key pragma for a 32-byte key (used as is: no PBKDF2 on top)."""
    if len(key) != 32:
        raise ValueError("an SQLCipher raw key is 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect_database(target: str | Path, keys: Keys | None,
                     **options: Any) -> sqlite3.Connection:
    """sqlite3, or SQLCipher keyed with the database key for an encrypted collection."""
    if keys is None:
        plain: sqlite3.Connection = sqlite3.connect(target, **options)
        return plain
    db = connect_encrypted(target, keys.database, **options)
    # sorts and temporary tables in memory, never in clear in a temporary file
    db.execute("PRAGMA temp_store = MEMORY")
    return db


def connect_encrypted(path: str | Path, key: bytes, **options: Any) -> sqlite3.Connection:
    """Open (or create) an SQLCipher database keyed with ``key`` (use ``Keys.database``).

    ``options`` go to ``connect``. The result is a ``sqlcipher3.dbapi2.Connection``: the
    ``sqlite3`` API, but its own ``Row`` and exception classes. Raises ``CollectionError``
    if sqlcipher3 is missing or cannot encrypt, or the key does not open the file.
    """
    try:
        dbapi2 = importlib.import_module("sqlcipher3.dbapi2")
    except ImportError:
        raise CollectionError("an encrypted collection needs SQLCipher: "
                              "pip install 'corroborate[encrypt]'") from None
    db = dbapi2.connect(os.fspath(path), **options)
    try:
        if not db.execute("PRAGMA cipher_version").fetchone():
            raise CollectionError("sqlcipher3 is built without encryption: refusing to "
                                  "write in clear")
        db.execute(sqlcipher_key_pragma(key))
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except dbapi2.DatabaseError as exc:
        db.close()
        raise CollectionError(f"{path}: cannot open the encrypted database: wrong key, or "
                              f"not a database encrypted by corroborate ({exc})") from None
    except CollectionError:
        db.close()
        raise
    return cast(sqlite3.Connection, db)
