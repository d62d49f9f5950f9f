"""benchmarks/scale.py --resume: a kept run cut short goes on from what it left, and says
which figures are the resumed part's."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import scale
from generate import write

SEED, N, ADD = 5, 60, 12


def test_generated_before_refuses_reports_cut_short(tmp_path: Path) -> None:
    write(tmp_path, SEED, 20)
    assert scale.generated_before(tmp_path, 20)["folder"] == str(tmp_path / "reports")
    with pytest.raises(SystemExit, match="cut short"):
        scale.generated_before(tmp_path, 25)


@pytest.mark.sqlite_only("scale.py reads the collection's SQLite file beside the ingest")
def test_resume_after_the_base_ingest_adds_what_was_left(tmp_path: Path) -> None:
    folder = tmp_path / f"size-{N}"
    fresh = scale.run_size(N, SEED, ADD, 1, tmp_path)
    # a run cut after its base ingest: the collection holds the base reports, not the add's
    collection = folder / "collection"
    shutil.rmtree(collection)
    assert scale.run(["init", str(collection)]).returncode == 0
    scale.ingest(collection, str(folder / "base" / "reports"), 1)
    assert scale.stored(collection) == N

    resumed = scale.run_size(N, SEED, ADD, 1, tmp_path, resume=True)
    assert (fresh["resumed"], resumed["resumed"]) == (False, True)
    assert fresh["reports_per_s"] is not None and resumed["reports_per_s"] is None
    assert resumed["added"] == ADD
    assert scale.stored(collection) == N + ADD
    assert resumed["stories"] == fresh["stories"]

    # resumed again, everything was already in: nothing is added
    again = scale.run_size(N, SEED, ADD, 1, tmp_path, resume=True)
    assert again["added"] == 0
    assert scale.stored(collection) == N + ADD
