"""The Dask engine on a real cluster: a LocalCluster of two worker processes on loopback.

The same inputs go into one collection through the normal ingest and into another through
the Dask engine; the two collections must be equal apart from timestamps.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import dask
import pytest
from click.testing import CliRunner
from distributed import Client, LocalCluster

from corroborate import dask_engine, overlay, pipeline
from corroborate.cli import main
from corroborate.dask_engine import DaskIngestResult, DaskPool, ingest_dask
from corroborate.errors import CorroborateError, InputError
from corroborate.pipeline import IngestResult, ingest
from corroborate.store import Store
from corroborate.stories import candidate_pairs

from .helpers import write_broken_files, write_good_reports

HYESAN = "KP:KP-10:Hyesan"
MISSPELT = "Hyeasun"
# a spelling only the collection's overlay knows: read right only if workers apply it
OVERLAY_REPORT = (
    "date 2021-04-02\n"
    "Police in Hyeasun detained four traders during an inspection of the market, "
    "a source in the city said.\n\n"
    "The traders were sent to a labour training camp for selling Chinese phones, "
    "according to the source.\n")
# two clusters at once (pytest-xdist) both ask for the HTTP server's default port
pytestmark = pytest.mark.filterwarnings("ignore:Port 8787 is already in use")
# what differs between two runs of the same ingest: when, and the chain hashes over it
TIMES = {"captured_at", "received_at", "indexed_at", "prev", "hash"}


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, host="127.0.0.1") as made:
        yield made


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled samples, generated reports, broken files, a copy, a hidden file."""
    folder = tmp_path_factory.mktemp("inputs")
    samples = resources.files("corroborate") / "samples"
    for item in samples.iterdir():
        if item.name != "README.md":
            (folder / "samples").mkdir(exist_ok=True)
            (folder / "samples" / item.name).write_bytes(item.read_bytes())
    write_good_reports(folder / "generated", 7)
    write_broken_files(folder / "broken")
    shutil.copy(folder / "generated" / "report-002.txt", folder / "generated" / "copy.txt")
    (folder / "generated" / ".notes.txt").write_text("hidden\n")
    (folder / "overlay.txt").write_text(OVERLAY_REPORT, encoding="utf-8")
    return folder


def _collection(path: Path) -> Store:
    store = Store.init(path)
    overlay.add_alias(store, "places", HYESAN, MISSPELT, by="ada")
    return store


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, cluster: LocalCluster,
         inputs: Path) -> Iterator[dict[str, Any]]:
    """Both collections, each ingested twice (the second time everything is held)."""
    root = tmp_path_factory.mktemp("collections")
    local, dasked = _collection(root / "local"), _collection(root / "dask")
    address = cluster.scheduler_address
    with pytest.MonkeyPatch.context() as patch:
        # small tasks: several on both workers; inputs over 2 kB read here and their
        # documents sent in chunks (as files over a megabyte are)
        patch.setattr(pipeline, "CHUNK_ITEMS", 3)
        patch.setattr(pipeline, "SPLIT_BYTES", 2000)
        out = {
            "local": local, "dask": dasked,
            "local_results": [ingest(local, [str(inputs)]) for _ in range(2)],
            "dask_results": [ingest_dask(dasked, [str(inputs)], scheduler=address)
                             for _ in range(2)],
        }
    yield out
    local.close()
    dasked.close()


def _rows(store: Store, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in store.db.execute(sql)]


def _custody(store: Store) -> list[dict[str, Any]]:
    lines = (store.root / "custody.log").read_text(encoding="utf-8").splitlines()
    return [{k: v for k, v in json.loads(line).items() if k not in TIMES} for line in lines]


def _summary(result: IngestResult) -> dict[str, Any]:
    return {"captures": result.captures, "reports": result.reports,
            "unchanged": result.unchanged, "resumed": result.resumed,
            "failures": [(f.origin, f.reason, type(f)) for f in result.failures],
            "skipped": [(f.origin, f.reason) for f in result.skipped]}


def test_the_same_reports_with_the_same_digests(runs):
    sql = ("SELECT rowid, id, capture_sha256, locator, origin, title, published, outlet, "
           "language, text, shingles, minhash, tool_version, vocab_digest, digest "
           "FROM reports ORDER BY rowid")
    local = _rows(runs["local"], sql)
    assert len(local) >= 20
    assert _rows(runs["dask"], sql) == local


def test_the_same_incidents_and_facts(runs):
    for sql in ("SELECT * FROM incidents ORDER BY id",
                "SELECT * FROM facts ORDER BY incident_id, position"):
        local = _rows(runs["local"], sql)
        assert local
        assert _rows(runs["dask"], sql) == local


def test_the_same_stories_with_their_members_and_canonical_versions(runs):
    for sql in ("SELECT * FROM stories ORDER BY id",
                "SELECT * FROM story_members ORDER BY report_id"):
        assert _rows(runs["dask"], sql) == _rows(runs["local"], sql)
    versions = _rows(runs["dask"], "SELECT story_id FROM story_members GROUP BY story_id "
                                   "HAVING count(*) > 1")
    assert versions  # the samples hold versions of one story: they were joined


def test_the_same_events_with_their_origins(runs):
    for sql in ("SELECT id, origins, reports, conflicts, first_published, record "
                "FROM events ORDER BY id",
                "SELECT id, story_id, event_id, data FROM accounts ORDER BY id",
                "SELECT * FROM links ORDER BY a, b"):
        assert _rows(runs["dask"], sql) == _rows(runs["local"], sql)
    assert _rows(runs["dask"], "SELECT 1 FROM events WHERE origins > 1")


def test_the_same_custody_entries_and_receipts_apart_from_times(runs):
    local = _custody(runs["local"])
    assert {e["event"] for e in local} >= {"captured", "received", "refused", "indexed"}
    assert _custody(runs["dask"]) == local
    sql = "SELECT seq, event, sha256, origin, size, reason FROM receipts ORDER BY seq"
    assert _rows(runs["dask"], sql) == _rows(runs["local"], sql)


def test_the_same_results_failures_and_second_run(runs):
    local = [_summary(r) for r in runs["local_results"]]
    assert local[0]["failures"] and local[0]["skipped"] and local[0]["unchanged"]
    assert local[1]["reports"] == 0
    assert [_summary(r) for r in runs["dask_results"]] == local


def test_the_workers_apply_the_collections_vocabulary_overlay(runs):
    quoted = [(f.label, f.attrs.get("region")) for inc in runs["dask"].incidents()
              for f in inc.values("place") if f.evidence.quote == MISSPELT]
    assert quoted == [("Hyesan", "KP-10")]


def test_the_shuffle_gives_the_candidate_pairs_of_the_fingerprints(runs):
    first: DaskIngestResult = runs["dask_results"][0]
    expected = candidate_pairs(runs["dask"].fingerprints())
    assert expected  # versions of one story share bands
    assert first.candidates == expected
    assert runs["dask_results"][1].candidates == set()  # nothing new the second time


def test_the_command_line_ingests_through_a_scheduler(cluster, inputs, tmp_path, runs):
    path = tmp_path / "cli"
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(path)]).exit_code == 0
    result = runner.invoke(main, ["ingest", "-q", "-c", str(path), "--engine", "dask",
                                  "--scheduler", cluster.scheduler_address,
                                  str(inputs / "samples")])
    assert result.exit_code == 0, result.output
    with Store.open(path) as store:
        ids = {r[0] for r in store.db.execute("SELECT id FROM reports")}
    held = {r[0] for r in runs["local"].db.execute(
        "SELECT id FROM reports WHERE origin LIKE ?", (f"{inputs / 'samples'}%",))}
    assert ids == held


def test_the_local_engine_takes_no_scheduler(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(tmp_path / "c")]).exit_code == 0
    result = runner.invoke(main, ["ingest", "-c", str(tmp_path / "c"), "--scheduler",
                                  "tcp://127.0.0.1:1", str(tmp_path)])
    assert result.exit_code == 2
    assert "--engine dask" in result.output


def test_workers_with_other_code_are_refused_before_anything_is_written(cluster, inputs,
                                                                         tmp_path,
                                                                         monkeypatch):
    monkeypatch.setattr(dask_engine, "tool_version", lambda: "elsewhere")
    with Store.init(tmp_path / "c") as store:
        with pytest.raises(CorroborateError, match="elsewhere"):
            ingest_dask(store, [str(inputs / "samples")], scheduler=cluster.scheduler_address)
        assert not store.db.execute("SELECT 1 FROM receipts").fetchone()


def _story_groups(store: Store, prefix: str) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for story_id, origin in store.db.execute(
            "SELECT m.story_id, r.origin || '#' || r.locator FROM story_members m "
            "JOIN reports r ON r.id = m.report_id WHERE r.origin LIKE ?", (f"{prefix}%",)):
        groups.setdefault(story_id, set()).add(origin)
    return {frozenset(g) for g in groups.values()}


def test_reports_an_earlier_run_left_in_no_story_are_still_joined(cluster, inputs, tmp_path):
    samples = str(inputs / "samples")
    with Store.init(tmp_path / "c") as store:
        ingest(store, [samples])
        joined = _story_groups(store, samples)
        assert any(len(g) > 1 for g in joined)
        with store.transaction() as db:  # as if that ingest stopped before its refresh
            db.execute("DELETE FROM story_members")
            db.execute("DELETE FROM stories")
        ingest_dask(store, [str(inputs / "generated")], scheduler=cluster.scheduler_address)
        assert not store.unassigned_reports()
        assert _story_groups(store, samples) == joined


def refusals(items: list[str]) -> list[InputError]:
    """A pool task for the tests below: "die" kills its worker, "raise" raises on one."""
    from distributed import get_worker

    if "die" in items:
        os._exit(1)
    try:
        get_worker()
        on_worker = True
    except ValueError:
        on_worker = False
    if "raise" in items and on_worker:
        raise RuntimeError("only on the cluster")
    return [InputError(item, "seen") for item in items]


def _crashed(item: str, reason: str) -> InputError:
    return InputError(item, reason)


def test_a_task_that_kills_its_worker_costs_one_item_and_one_that_raises_runs_here():
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                         dashboard_address=None, host="127.0.0.1") as one, \
            Client(one) as client:
        pool = DaskPool(client, None)
        dies = pool.submit(refusals, ["a", "die", "b"], _crashed)
        assert [(e.origin, e.reason) for e in dies.result()] == [
            ("a", "seen"), ("die", "the Dask worker died while processing it"),
            ("b", "seen")]
        raises = pool.submit(refusals, ["raise", "c"], _crashed)
        assert [(e.origin, e.reason) for e in raises.result()] == [
            ("raise", "seen"), ("c", "seen")]
        # each task's band keys are there for the shuffle, though its first run failed
        assert [f.result()[0][0] for f in pool.bands] == [[], []]
