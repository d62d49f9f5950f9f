"""Reports written for the tests: varied, unique, in the project's own words."""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import Any

from corroborate.model import Report

PLACES = ["Hyesan", "Musan", "Hoeryong", "Sinuiju", "Chongjin", "Onsong", "Kanggye", "Wonsan"]
ACTS = ["detained", "questioned", "fined", "sent to a labour training camp",
        "banished to a mountain village"]
GROUPS = ["traders", "smugglers", "students", "farmers", "mobile phone users"]


def text_report(text: str, published: str | None = None, **fields: Any) -> Report:
    """A cleaned plain-text report, as extraction receives one."""
    return Report(**{"id": "r-test", "capture_sha256": "0" * 64, "locator": "",
                     "origin": "t.txt", "media_type": "text/plain", "text": text,
                     "published": published, **fields})


def report_text(i: int) -> str:
    place = PLACES[i % len(PLACES)]
    act = ACTS[i % len(ACTS)]
    group = GROUPS[(i // 2) % len(GROUPS)]
    return (
        f"date 2019-{1 + i % 12:02d}-{1 + i % 27:02d}\n"
        f"Police in {place} {act} {3 + i} {group} during an inspection numbered {i}, "
        f"a source in the city said.\n\n"
        f"The inspection team number {i * 7 + 1} searched {10 + i} homes and took away "
        f"{i + 2} radios, according to the source.\n\n"
        f"Residents of district {i} were told to attend a meeting on the case, the source "
        f"added, and {i % 5 + 1} officials lost their posts.\n"
    )


def write_good_reports(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"report-{i:03d}.txt"
        path.write_text(report_text(i), encoding="utf-8")
        paths.append(path)
    return paths


def write_broken_files(folder: Path) -> dict[str, str]:
    """Five broken inputs and the word their failure reason must contain."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "photo.txt").write_bytes(bytes(range(256)) * 64)
    (folder / "cut.html.gz").write_bytes(
        gzip.compress(b"<html><body><p>" + b"words " * 500 + b"</p></body></html>")[:-30])
    (folder / "broken.csv").write_bytes(b"date,text\n2020-01-01,\"never closed\n")
    (folder / "huge.txt").write_bytes(b"a long report. " * 20_000)
    return {"empty.txt": "empty", "photo.txt": "binary", "cut.html.gz": "truncated",
            "broken.csv": "CSV", "huge.txt": "limit"}


def flip_byte(path: Path) -> None:
    """Change one bit in the middle of a (read-only) archived file, as tampering would."""
    os.chmod(path, 0o600)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def logged_captures(store: Any) -> list[str]:
    """The captures a collection's custody log records, in log order (as verify reads it)."""
    from corroborate.store.verify import read_log

    with read_log(store) as found:
        return [sha for sha, _line in found.captures()]
