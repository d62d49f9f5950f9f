"""An encrypted collection (`corroborate init --encrypt`): nothing in clear on disk, and
everything else (search, verify, repair, resuming) as in a plain one."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("sqlcipher3")

from corroborate.cli import main
from corroborate.errors import CollectionError
from corroborate.pipeline import ingest
from corroborate.store import Store
from corroborate.store.crypto import ScryptParams, unseal_line
from corroborate.store.custody import LINE_AAD, LogDamaged, entry_hash

from .conftest import sample_files
from .helpers import flip_byte

pytestmark = pytest.mark.sqlite_only(reason="encryption at rest is SQLCipher's")

FAST = ScryptParams(n=2**4, r=8, p=1)
PASS = "correct horse battery staple"
# words of the sample reports, as written and as the full-text index keeps them
WORDS = [b"Hyesan", b"hyesan", b"smuggling", b"Musan", b"Tumen", b"tumen", b"defectors",
         b"political prison camp", b"Radio Free Asia", b"Daily NK", b"border-guards.csv",
         b"seed-story-record"]
SHAS = {hashlib.sha256(p.read_bytes()).hexdigest() for p in sample_files()}


def _files(root: Path) -> Iterator[Path]:
    return (p for p in sorted(root.rglob("*")) if p.is_file())


def _leaks(root: Path) -> list[str]:
    found = []
    for path in _files(root):
        if path.name == "encryption.json":
            continue
        data = path.read_bytes()
        found += [f"{path.relative_to(root)} holds {w!r}" for w in WORDS if w in data]
        found += [f"{path.relative_to(root)} holds a sample's hash" for s in SHAS
                  if s.encode() in data]
        if any(s in path.name for s in SHAS):
            found.append(f"{path.relative_to(root)} is named by a sample's hash")
    return found


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in _files(root)}


def _fatal(store: Store, deep: bool = False) -> list[str]:
    return [str(p) for p in store.verify(deep=deep) if p.fatal]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    path = tmp_path / "c"
    with Store.init(path, PASS, scrypt=FAST) as store:
        result = ingest(store, [str(p) for p in sample_files()])
        assert result.ok, result.failures
        # while it is open the write-ahead log holds pages too: they must be sealed
        assert (path / "corroborate.sqlite-wal").exists()
        assert _leaks(path) == []
    return path


@pytest.fixture
def store(root: Path) -> Iterator[Store]:
    with Store.open(root, PASS) as opened:
        yield opened


def test_nothing_in_clear_on_disk(root: Path) -> None:
    assert _leaks(root) == []
    assert (root / "encryption.json").exists()
    names = {p.name for p in _files(root / "archive")}
    assert len(names) == len(SHAS) and not names & SHAS


def test_read_and_verified_with_the_passphrase(store: Store) -> None:
    assert store.counts()["captures"] == len(SHAS)
    assert set(store.archive) == SHAS  # plaintext hashes, through the blind names
    hits = store.search("Hyesan")
    assert hits and any("Hyesan" in (h["title"] or "") for h in hits)
    assert store.incidents()
    assert _fatal(store) == []
    assert _fatal(store, deep=True) == []
    for sha in SHAS:
        assert hashlib.sha256(store.archive.read(sha)).hexdigest() == sha
        assert store.archive.digest(sha) == sha


def test_read_only_with_the_passphrase(root: Path) -> None:
    before = _snapshot(root)
    with Store.open_read_only(root, PASS) as store:
        assert _fatal(store) == [] and store.receipts()
        assert store.search("Tumen")
    assert _snapshot(root) == before


def test_the_chain_is_computed_over_the_plaintext(root: Path) -> None:
    with Store.open(root, PASS) as store:
        keys = store.keys
    assert keys is not None
    prev = "0" * 64
    for line in (root / "custody.log").read_text(encoding="ascii").splitlines():
        assert line.startswith("sealed1:")
        entry = json.loads(unseal_line(keys.log, line, LINE_AAD))
        assert entry["hash"] == entry_hash(entry) and entry["prev"] == prev
        prev = entry["hash"]


def test_a_writer_reads_each_captures_entry_back_from_the_sealed_log(store: Store) -> None:
    keys = store.keys
    assert keys is not None
    first: dict[str, dict] = {}
    for line in (store.root / "custody.log").read_text(encoding="ascii").splitlines():
        entry = json.loads(unseal_line(keys.log, line, LINE_AAD))
        if entry["event"] == "captured":
            first.setdefault(entry["sha256"], entry)
    with store.writing() as custody:
        assert list(custody.captures()) == list(first) and set(first) == SHAS
        assert [custody.captured_entry(sha) for sha in first] == list(first.values())
        assert custody.captured_entry("0" * 64) is None


@pytest.mark.parametrize("read_only", [False, True])
def test_a_wrong_passphrase_is_refused_and_nothing_changes(root: Path, read_only: bool) -> None:
    before = _snapshot(root)
    opener = Store.open_read_only if read_only else Store.open
    with pytest.raises(CollectionError, match="wrong passphrase"):
        opener(root, "not the passphrase")
    assert _snapshot(root) == before


@pytest.mark.parametrize("read_only", [False, True])
def test_no_passphrase_is_refused(root: Path, read_only: bool) -> None:
    before = _snapshot(root)
    opener = Store.open_read_only if read_only else Store.open
    with pytest.raises(CollectionError, match="this collection is encrypted: give its "
                                              r"passphrase \(CORROBORATE_PASSPHRASE"):
        opener(root)
    assert _snapshot(root) == before


def test_a_plain_collection_takes_no_passphrase(tmp_path: Path) -> None:
    Store.init(tmp_path / "plain").close()
    assert not Store.is_encrypted(tmp_path / "plain")
    with pytest.raises(CollectionError, match="not encrypted"):
        Store.open(tmp_path / "plain", PASS)


def test_a_lost_key_file_is_named(root: Path) -> None:
    assert Store.is_encrypted(root)
    os.rename(root / "encryption.json", root.parent / "elsewhere.json")
    with pytest.raises(CollectionError, match=r"encryption\.json is missing"):
        Store.open(root)


def test_a_flipped_byte_in_a_sealed_archive_file_is_named(store: Store) -> None:
    sha = sorted(SHAS)[0]
    path = store.archive.path(sha)
    flip_byte(path)
    problems = _fatal(store)
    assert len(problems) == 1
    assert path.name in problems[0] and sha in problems[0] and "altered" in problems[0]
    assert _fatal(store, deep=True) == problems  # deep skips what it cannot open


def test_a_missing_and_an_extra_sealed_file_are_named(store: Store) -> None:
    first, second = sorted(SHAS)[:2]
    os.rename(store.archive.path(first), store.archive.path(first).with_name("x"))
    extra = store.archive.path(second).read_bytes()
    stray = store.root / "archive" / "ab" / "cd" / ("ab" + "cd" + "0" * 60)
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(extra)
    problems = _fatal(store)
    assert any(first in p and "missing" in p for p in problems)
    assert sum("has no custody log entry" in p for p in problems) == 2  # x and the stray


def test_a_flipped_byte_in_a_sealed_log_line_is_named(store: Store) -> None:
    log = store.root / "custody.log"
    lines = log.read_text(encoding="ascii").splitlines()
    line = lines[2]
    middle = len(line) // 2
    lines[2] = line[:middle] + ("A" if line[middle] != "A" else "B") + line[middle + 1:]
    log.write_text("\n".join(lines) + "\n", encoding="ascii")
    problems = _fatal(store)
    assert problems[0].startswith("custody.log line 3: cannot be opened")
    assert any("line 4: breaks the chain" in p for p in problems)
    with pytest.raises(LogDamaged, match="line 3 cannot be opened"), store.writing():
        pass


def test_a_plaintext_line_slipped_into_a_sealed_log_is_damage(store: Store) -> None:
    log = store.root / "custody.log"
    with open(log, "a", encoding="utf-8") as out:
        out.write(json.dumps({"seq": 999, "hash": "0" * 64}) + "\n")
    assert any("not a sealed line" in p for p in _fatal(store))


def test_repair_moves_a_damaged_sealed_tail_aside(store: Store) -> None:
    log = store.root / "custody.log"
    with open(log, "ab") as out:
        out.write(b"sealed1:AAAA")  # a write cut short
    entry = store.repair()
    assert entry is not None and entry["removed_bytes"] == 12
    assert log.read_bytes().splitlines()[-1].startswith(b"sealed1:")
    assert _fatal(store) == []
    assert _leaks(store.root) == []


def test_a_re_ingest_is_idempotent(store: Store) -> None:
    before = (store.counts(), {p.name for p in _files(store.root / "archive")})
    result = ingest(store, [str(p) for p in sample_files()])
    assert result.ok and result.captures == [] and result.reports == 0
    assert len(result.unchanged) == len(sample_files())
    assert (store.counts(), {p.name for p in _files(store.root / "archive")}) == before
    assert _fatal(store) == []


@pytest.mark.parametrize("step", ["staged", "report"])
def test_a_killed_ingest_leaves_nothing_in_clear_and_resumes(tmp_path: Path,
                                                             step: str) -> None:
    root = tmp_path / "c"
    Store.init(root, PASS, scrypt=FAST).close()
    env = {**os.environ, "CORROBORATE_KILL_AT": step, "CORROBORATE_PASSPHRASE": PASS}
    code = "import sys; from corroborate.cli import main; main(sys.argv[1:])"
    proc = subprocess.run([sys.executable, "-c", code, "ingest", "-q", "-c", str(root),
                           *[str(p) for p in sample_files()]], env=env, capture_output=True,
                          timeout=120, check=False)
    assert proc.returncode == -9, proc.stderr
    if step == "staged":
        staged = {p.name for p in (root / "archive" / ".staging").iterdir()}
        assert staged and not any(s in n for s in SHAS for n in staged)
    assert _leaks(root) == []
    with Store.open(root, PASS) as store:
        assert ingest(store, [str(p) for p in sample_files()]).ok
        assert _fatal(store) == []
        assert set(store.archive) == SHAS
    assert _leaks(root) == []


def test_the_command_line_end_to_end(tmp_path: Path) -> None:
    root = str(tmp_path / "c")
    runner = CliRunner()
    env = {"CORROBORATE_PASSPHRASE": PASS}

    def run(*args: str, env: dict[str, str] | None = env, input: str | None = None,
            code: int = 0) -> str:
        result = runner.invoke(main, list(args), env=env, input=input)
        assert result.exit_code == code, result.output
        return result.output

    assert "created collection" in run("init", "--encrypt", root)
    run("ingest", "-q", "-c", root, *[str(p) for p in sample_files()])
    assert "Hyesan" in run("search", "-c", root, "Hyesan")
    assert "incident i-" in run("incidents", "-c", root)
    captures = len(sample_files())
    assert f"verified {captures} capture(s)" in run("verify", "-c", root, "--deep")
    assert "captured" in run("receipts", "-c", root)
    assert _leaks(Path(root)) == []
    # asked for, hidden, when the environment does not give it
    assert f"verified {captures}" in run("verify", "-c", root, env={"CORROBORATE_PASSPHRASE": ""},
                               input=PASS + "\n")
    assert "wrong passphrase" in run("verify", "-c", root,
                                     env={"CORROBORATE_PASSPHRASE": "nope"}, code=1)


def test_init_asks_for_the_passphrase_twice(tmp_path: Path) -> None:
    root = tmp_path / "c"
    result = CliRunner().invoke(main, ["init", "--encrypt", str(root)],
                                env={"CORROBORATE_PASSPHRASE": ""},
                                input=f"{PASS}\n{PASS}\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("Passphrase") == 1 and "Repeat" in result.output
    assert PASS not in result.output
    Store.open(root, PASS).close()


def test_what_verify_reads_from_the_log_is_kept_sealed_and_then_deleted(
        store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from corroborate.store.verify import read_log

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    with read_log(store) as found:
        assert found.capture_count() == len(SHAS)
        assert all(found.captured(sha) is not None for sha in SHAS)
        assert [p for p in scratch.rglob("*") if p.is_file()]
        assert _leaks(scratch) == []
    assert list(scratch.iterdir()) == []
