from __future__ import annotations

import base64
import io
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("cryptography")

from corroborate.errors import CollectionError
from corroborate.store import crypto
from corroborate.store.crypto import (
    DEFAULT_SCRYPT,
    Keys,
    ScryptParams,
    SealError,
    blind_name,
    connect_encrypted,
    create_keyfile,
    seal,
    seal_line,
    seal_stream,
    sqlcipher_key_pragma,
    unlock,
    unseal,
    unseal_line,
    unseal_stream,
)

FAST = ScryptParams(n=2**4, r=8, p=1)
KEY = bytes(range(32))
OTHER = bytes(range(1, 33))
AAD = b"a" * 64
SEG = 64


def sealed(data: bytes, aad: bytes = AAD, segment_size: int = SEG) -> bytes:
    out = io.BytesIO()
    written = seal_stream(KEY, io.BytesIO(data), out, aad, segment_size=segment_size)
    assert written == len(out.getvalue())
    return out.getvalue()


def opened(blob: bytes, key: bytes = KEY, aad: bytes = AAD) -> bytes:
    out = io.BytesIO()
    assert unseal_stream(key, io.BytesIO(blob), out, aad) == len(out.getvalue())
    return out.getvalue()


def segments(blob: bytes, size: int = SEG) -> tuple[bytes, list[bytes]]:
    body = blob[24:]
    return blob[:24], [body[i:i + size + 16] for i in range(0, len(body), size + 16)]


# -- keys ------------------------------------------------------------------------------------

def test_default_scrypt_is_the_documented_one() -> None:
    assert DEFAULT_SCRYPT == ScryptParams(n=2**17, r=8, p=1)
    assert "n\": 131072, \"r\": 8, \"p\": 1" in (crypto.__doc__ or "")


def test_keyfile_round_trip_and_separate_subkeys(tmp_path: Path) -> None:
    path = tmp_path / crypto.KEYFILE_NAME
    keys = create_keyfile(path, "correct horse", FAST)
    assert unlock(path, "correct horse") == keys
    subkeys = [keys.archive, keys.log, keys.database, keys.names]
    assert len(set(subkeys)) == 4 and all(len(k) == 32 for k in subkeys)
    text = path.read_text()
    for k in subkeys:
        assert k.hex() not in text and base64.b64encode(k).decode() not in text
    assert KEY.hex() not in repr(Keys(KEY, KEY, KEY, KEY))
    doc = json.loads(text)
    assert doc["kdf"]["n"] == 16 and len(base64.b64decode(doc["kdf"]["salt"])) == 16


def test_passphrase_is_normalised_to_nfc(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    keys = create_keyfile(path, "caf\u00e9", FAST)
    assert unlock(path, "cafe\u0301") == keys


def test_default_parameters_are_written(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    create_keyfile(path, "pw")
    kdf = json.loads(path.read_text())["kdf"]
    assert (kdf["name"], kdf["n"], kdf["r"], kdf["p"]) == ("scrypt", 2**17, 8, 1)


def test_wrong_passphrase_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    create_keyfile(path, "correct horse", FAST)
    with pytest.raises(CollectionError, match="wrong passphrase"):
        unlock(path, "correct horse ")


@pytest.mark.parametrize("passphrase", ["", "  \n"])
def test_empty_passphrase_is_refused(tmp_path: Path, passphrase: str) -> None:
    with pytest.raises(CollectionError, match="empty passphrase"):
        create_keyfile(tmp_path / "k.json", passphrase, FAST)
    assert not (tmp_path / "k.json").exists()


def test_existing_keyfile_is_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    create_keyfile(path, "one", FAST)
    with pytest.raises(CollectionError, match="already exists"):
        create_keyfile(path, "two", FAST)
    unlock(path, "one")


def test_bad_parameters_are_refused_at_creation(tmp_path: Path) -> None:
    with pytest.raises(CollectionError, match="power of 2"):
        create_keyfile(tmp_path / "k.json", "pw", ScryptParams(n=1000))


EDITS: dict[str, tuple[Callable[[dict[str, Any]], object], str]] = {
    "unknown top key": (lambda d: d.update(extra=1), "unknown key.*extra"),
    "missing check": (lambda d: d.pop("check"), "missing key.*check"),
    "unknown kdf key": (lambda d: d["kdf"].update(maxmem=1), "unknown key.*kdf.*maxmem"),
    "version is a string": (lambda d: d.update(version="1"), "version must be of type int"),
    "version is a bool": (lambda d: d.update(version=True), "version must be of type int"),
    "newer version": (lambda d: d.update(version=2), "version 2"),
    "foreign format": (lambda d: d.update(format="age"), "format is 'age'"),
    "other kdf": (lambda d: d["kdf"].update(name="argon2id"), "unknown key derivation"),
    "n not power of 2": (lambda d: d["kdf"].update(n=1000), "power of 2"),
    "n too large": (lambda d: d["kdf"].update(n=2**24), "1 GiB"),
    "r is zero": (lambda d: d["kdf"].update(r=0), "r must be"),
    "salt not base64": (lambda d: d["kdf"].update(salt="!!"), "salt is not base64"),
    "short salt": (lambda d: d["kdf"].update(salt="AAAA"), "salt must be 16 bytes"),
    "short check": (lambda d: d.update(check="AAAA"), "check must be 32 bytes"),
    "kdf not object": (lambda d: d.update(kdf=[]), "kdf must be of type dict"),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_malformed_keyfile_is_refused_with_its_reason(tmp_path: Path, name: str) -> None:
    path = tmp_path / "k.json"
    create_keyfile(path, "pw", FAST)
    doc = json.loads(path.read_text())
    edit, reason = EDITS[name]
    edit(doc)
    path.write_text(json.dumps(doc))
    with pytest.raises(CollectionError, match=rf"not a valid key file: .*{reason}"):
        unlock(path, "pw")


@pytest.mark.parametrize("text", ["", "{", "[]", "\xff"])
def test_unreadable_keyfile_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "k.json"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(CollectionError, match="not a valid key file"):
        unlock(path, "pw")


def test_missing_keyfile(tmp_path: Path) -> None:
    with pytest.raises(CollectionError, match="is missing"):
        unlock(tmp_path / "k.json", "pw")


def test_altered_kdf_parameters_fail_the_check(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    create_keyfile(path, "pw", FAST)
    doc = json.loads(path.read_text())
    doc["kdf"]["n"] = 32
    path.write_text(json.dumps(doc))
    with pytest.raises(CollectionError, match="wrong passphrase"):
        unlock(path, "pw")


def test_blind_name_is_keyed() -> None:
    sha = "ab" * 32
    assert blind_name(KEY, sha) == blind_name(KEY, sha) != blind_name(OTHER, sha) != sha


# -- blobs and lines -------------------------------------------------------------------------

@pytest.mark.parametrize("data", [b"", b"x", os.urandom(1000)])
def test_seal_round_trip(data: bytes) -> None:
    blob = seal(KEY, data, AAD)
    assert unseal(KEY, blob, AAD) == data
    assert len(blob) == len(data) + 32 and blob != seal(KEY, data, AAD)


def test_unseal_refuses_wrong_key_aad_tampering_truncation() -> None:
    blob = seal(KEY, b"the prison at Yodok", AAD)
    with pytest.raises(SealError, match="wrong key"):
        unseal(OTHER, blob, AAD)
    with pytest.raises(SealError, match="swapped"):
        unseal(KEY, blob, b"b" * 64)
    for i in range(len(blob)):
        bad = bytearray(blob)
        bad[i] ^= 1
        with pytest.raises(SealError):
            unseal(KEY, bytes(bad), AAD)
    with pytest.raises(SealError):
        unseal(KEY, blob[:-1], AAD)
    with pytest.raises(SealError, match="truncated"):
        unseal(KEY, blob[:20], AAD)
    assert issubclass(SealError, CollectionError)


def test_sealed_line_stays_one_line_and_round_trips() -> None:
    text = '{"origin": "a\\nb", "note": "line\nbreak \u2028 and \u00e9"}'
    line = seal_line(KEY, text, b"seq 1")
    assert "\n" not in line and "\r" not in line and line.isascii()
    assert line.startswith("sealed1:")
    assert unseal_line(KEY, line + "\n", b"seq 1") == text
    with pytest.raises(SealError):
        unseal_line(KEY, line, b"seq 2")
    with pytest.raises(SealError, match="not base64"):
        unseal_line(KEY, line[:-3] + "*==", b"seq 1")
    with pytest.raises(SealError, match="not a sealed line"):
        unseal_line(KEY, text, b"seq 1")


def test_keys_must_be_32_bytes() -> None:
    with pytest.raises(ValueError):
        seal(KEY[:16], b"x", AAD)
    with pytest.raises(ValueError):
        sqlcipher_key_pragma(KEY[:31])


# -- streams ---------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [0, 1, SEG - 1, SEG, SEG + 1, 3 * SEG, 3 * SEG + 5])
def test_stream_round_trip(size: int) -> None:
    data = os.urandom(size)
    blob = sealed(data)
    assert opened(blob) == data
    assert len(blob) == 24 + size + 16 * max(1, -(-size // SEG))


def test_stream_round_trip_a_few_megabytes_with_the_default_segment() -> None:
    data = os.urandom(3 * 2**20 + 17)
    out = io.BytesIO()
    seal_stream(KEY, io.BytesIO(data), out, AAD)
    assert opened(out.getvalue()) == data


class Trickle(io.RawIOBase):
    """A source that returns at most 7 bytes a read, like a pipe."""

    def __init__(self, data: bytes) -> None:
        self.data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self.data.read(min(size, 7))


def test_stream_handles_short_reads() -> None:
    data = os.urandom(5 * SEG + 3)
    blob = sealed(data)
    out = io.BytesIO()
    seal_stream(KEY, Trickle(data), out, AAD, segment_size=SEG)  # type: ignore[arg-type]
    assert len(out.getvalue()) == len(blob)
    assert opened(out.getvalue()) == data
    sink = io.BytesIO()
    unseal_stream(KEY, Trickle(blob), sink, AAD)  # type: ignore[arg-type]
    assert sink.getvalue() == data


def test_stream_refuses_wrong_key_and_swapped_aad() -> None:
    blob = sealed(b"x" * 200)
    with pytest.raises(SealError, match=r"segment 0 .*wrong key"):
        opened(blob, key=OTHER)
    with pytest.raises(SealError, match="segment 0"):
        opened(blob, aad=b"b" * 64)


@pytest.mark.parametrize("where", [0, 5, 10, 24, 24 + SEG + 3, 24 + SEG + 16 + 10, -1])
def test_stream_refuses_a_tampered_byte(where: int) -> None:
    """Magic, segment size, salt, first segment body, first tag, second body, last tag."""
    bad = bytearray(sealed(os.urandom(3 * SEG)))
    bad[where] ^= 0x80
    with pytest.raises(SealError):
        opened(bytes(bad))


def test_stream_refuses_truncation() -> None:
    header, segs = segments(sealed(os.urandom(3 * SEG + 5)))
    assert len(segs) == 4
    with pytest.raises(SealError, match="segment 2"):
        opened(header + b"".join(segs[:3]))  # the last segment dropped
    with pytest.raises(SealError):
        opened(header + b"".join(segs)[:-1])
    with pytest.raises(SealError):
        opened(header)  # every segment dropped
    with pytest.raises(SealError, match="incomplete header"):
        opened(header[:10])


def test_stream_refuses_a_dropped_empty_tail_and_full_last_segments() -> None:
    header, segs = segments(sealed(os.urandom(2 * SEG)))
    assert len(segs) == 2  # a full last segment, no empty one after it
    with pytest.raises(SealError, match="segment 0"):
        opened(header + segs[0])


def test_stream_refuses_reordered_duplicated_appended_segments() -> None:
    header, segs = segments(sealed(os.urandom(3 * SEG + 5)))
    for order in ([1, 0, 2, 3], [0, 2, 1, 3], [0, 1, 1, 2, 3], [0, 1, 2, 3, 3]):
        with pytest.raises(SealError):
            opened(header + b"".join(segs[i] for i in order))


def test_stream_refuses_segments_from_another_stream() -> None:
    data = os.urandom(2 * SEG + 5)
    h1, s1 = segments(sealed(data))
    _h2, s2 = segments(sealed(data))
    with pytest.raises(SealError, match="segment 1"):
        opened(h1 + s1[0] + s2[1] + s1[2])


def test_stream_refuses_a_foreign_or_damaged_header() -> None:
    blob = sealed(b"data")
    with pytest.raises(SealError, match="not a sealed stream"):
        opened(seal(KEY, b"data", AAD))
    with pytest.raises(SealError, match="segment size 0"):
        opened(blob[:4] + b"\0\0\0\0" + blob[8:])
    with pytest.raises(ValueError):
        seal_stream(KEY, io.BytesIO(b""), io.BytesIO(), AAD, segment_size=0)


# -- the database ----------------------------------------------------------------------------

SECRET = "Kim Chol-su was taken from Hyesan"


def test_pragma_is_the_raw_key_form() -> None:
    assert sqlcipher_key_pragma(KEY) == f"PRAGMA key = \"x'{KEY.hex()}'\""


def test_encrypted_database_hides_text_reopens_and_searches(tmp_path: Path) -> None:
    pytest.importorskip("sqlcipher3")
    path = tmp_path / "corroborate.sqlite"
    db = connect_encrypted(path, KEY, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(text)")
    db.execute("INSERT INTO fts(text) VALUES (?)", (SECRET,))
    for name in (path.name, path.name + "-wal"):
        raw = (tmp_path / name).read_bytes() if (tmp_path / name).exists() else b""
        assert SECRET.encode() not in raw and b"Hyesan" not in raw and b"SQLite" not in raw
    db.close()
    db = connect_encrypted(path, KEY)
    rows = db.execute("SELECT text FROM fts WHERE fts MATCH 'hyesan'").fetchall()
    assert [r[0] for r in rows] == [SECRET]
    db.close()
    with pytest.raises(CollectionError, match="wrong key"):
        connect_encrypted(path, OTHER)


def test_a_plain_database_is_not_opened_as_encrypted(tmp_path: Path) -> None:
    pytest.importorskip("sqlcipher3")
    import sqlite3

    path = tmp_path / "plain.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(CollectionError, match="cannot open the encrypted database"):
        connect_encrypted(path, KEY)


def test_missing_sqlcipher_is_a_clear_error(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sqlcipher3", None)
    monkeypatch.setitem(sys.modules, "sqlcipher3.dbapi2", None)
    with pytest.raises(CollectionError, match=r"corroborate\[encrypt\]"):
        connect_encrypted(tmp_path / "x.sqlite", KEY)
