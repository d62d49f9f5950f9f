from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import corroborate
from corroborate.store import Store

SAMPLES = Path(corroborate.__file__).parent / "samples"


@pytest.fixture
def samples() -> Path:
    return SAMPLES


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.init(tmp_path / "collection")
    yield s
    s.close()


def sample_files() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.name != "README.md")
