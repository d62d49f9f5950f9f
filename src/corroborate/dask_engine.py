"""Ingest on a Dask cluster (``corroborate ingest --engine dask``).

The ingest is the single-machine one (``pipeline.py``): this process reads the inputs and
stays the single writer, in input order. Only its worker pool changes: :class:`DaskPool`
sends each task (capture parsing, cleaning, fingerprints, extraction, with the
collection's vocabulary overlay) to the cluster instead of to local processes. So the
collection and its custody log are those of a single-machine run. The band keys of the
new fingerprints are computed on the workers and stay there until a Dask shuffle groups
them into the LSH candidate pairs (the same as :func:`stories.candidate_pairs`), which
the story refresh takes instead of asking the band table for pairs among new reports.

dask and distributed are imported inside the functions that use them: they are the
``dask`` extra, and no other command should pay for importing them.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, TypeVar
from urllib.parse import urlsplit

import numpy as np

from .capture import CaptureOptions
from .errors import CorroborateError, InputError
from .overlay import applied
from .pipeline import IngestResult, Parsed, _Batch, _named, _resume, finish_ingest
from .provenance import tool_version, vocabulary_digest
from .store import Store
from .store.rows import ReportRows
from .stories import band_keys_of, bucket_pairs
from .vocab import DataOverlay, overlaid
from .workers import Pool, Task, _here, _one_here, default_workers

__all__ = ["DaskIngestResult", "DaskPool", "ingest_dask"]

log = logging.getLogger(__name__)

In = TypeVar("In")
Out = TypeVar("Out")

# shuffle partitions per worker thread for the band keys
SHUFFLE_PER_THREAD = 4
_CRASHED = "the Dask worker died while processing it"


@dataclass
class DaskIngestResult(IngestResult):
    """An ingest's result, with the LSH candidate pairs the cluster's shuffle found
    among the reports it processed (smaller id first)."""

    candidates: set[tuple[str, str]] = field(default_factory=set)


# --- on the workers ------------------------------------------------------------------------

def run_task(fn: Callable[[list[In]], list[Out]], items: list[In],
             overlay: DataOverlay | None) -> list[Out]:
    """A pool task with the collection's vocabulary overlay applied."""
    with overlaid(overlay):
        return fn(items)


def stamp(overlay: DataOverlay | None) -> tuple[str, str]:
    """The tool version and vocabulary digest this process extracts with."""
    with overlaid(overlay):
        return tool_version(), vocabulary_digest()


def task_bands(results: list[Any]) -> list[tuple[list[str], np.ndarray]]:
    """The report ids and band keys (one row each) of a task's fingerprints, as a bag
    partition of one item: kept compact on the worker until the shuffle. A task's
    results are parsed inputs, or processed documents and errors; an empty text joins
    nothing."""
    prints = [fp for done in _processed(results) if len((fp := done.fingerprint).shingles)]
    return [([fp.report_id for fp in prints], band_keys_of(prints))]


def _processed(results: list[Any]) -> Iterator[ReportRows]:
    for one in results:
        if isinstance(one, Parsed):
            yield from one.processed
        elif not isinstance(one, InputError):
            yield one


def _band_items(bands: list[tuple[list[str], np.ndarray]]) -> list[tuple[int, str]]:
    return [(int(key), rid) for ids, keys in bands
            for rid, row in zip(ids, keys.tolist(), strict=True) for key in row]


def _buckets(groups: Iterable[tuple[int, list[tuple[int, str]]]]) -> list[tuple[str, ...]]:
    """The buckets that make pairs, each once: the same versions share many bands, and a
    bucket of n ids is far smaller than its n(n-1)/2 pairs."""
    found = {tuple(sorted({rid for _, rid in members})) for _key, members in groups}
    return [ids for ids in found if len(ids) > 1]


# --- on the client -------------------------------------------------------------------------

class DaskPool(Pool):
    """The ingest's worker pool (``workers.Pool``) on a Dask cluster: each task one Dask
    task.

    A task that raises on the cluster runs here, as the local pool does; a task whose
    worker died (Dask retried it elsewhere first) runs again item by item, and an item
    that still kills its worker gets ``on_crash``. A cluster that cannot be reached stops
    the ingest with what was written kept."""

    def __init__(self, client: Any, overlay: DataOverlay | None) -> None:
        super().__init__(max(1, sum(client.nthreads().values())), overlay)
        self.client = client
        self.bands: list[Any] = []  # futures of each task's band keys, on the cluster
        self._band_of: dict[int, int] = {}

    def submit(self, fn: Callable[[list[In]], list[Out]], items: list[In],
               on_crash: Callable[[In, str], Out]) -> Task[In, Out]:
        task = Task(self, fn, items, on_crash)
        task.future = self._dispatch(fn, items)
        self._band_of[id(task)] = len(self.bands)
        self.bands.append(self.client.submit(task_bands, task.future, pure=False))
        return task

    def _dispatch(self, fn: Callable[[list[In]], list[Out]], items: list[In]) -> Any:
        # the items travel inside the task, not scattered: a task whose worker dies is
        # run again elsewhere, where scattered data would be lost with its worker
        return self.client.submit(run_task, fn, items, self.overlay, pure=False)

    def _resolve(self, task: Task[In, Out]) -> list[Out]:
        from distributed import KilledWorker

        try:
            done: list[Out] = _result(task.future)
            return done
        except KilledWorker:
            log.warning("a Dask worker died on a task: its %d items run one by one",
                        len(task.items))
            done = [self._one_by_one(task.fn, item, task.on_crash) for item in task.items]
        except CorroborateError:
            raise
        except Exception as exc:  # raised by the task, or its result would not pickle
            log.warning("a task failed on the cluster (%s): it runs here", exc)
            done = _here(task, self.overlay)
        # its band keys as computed here: the cluster's copy failed with it
        [self.bands[self._band_of[id(task)]]] = self.client.scatter([task_bands(done)])
        return done

    def _one_by_one(self, fn: Callable[[list[In]], list[Out]], item: In,
               on_crash: Callable[[In, str], Out]) -> Out:
        from distributed import KilledWorker

        try:
            one: list[Out] = _result(self._dispatch(fn, [item]))
            return one[0]
        except KilledWorker:
            return on_crash(item, _CRASHED)
        except CorroborateError:
            raise
        except Exception as exc:
            log.warning("an item failed on the cluster (%s): it runs here", exc)
            return _one_here(fn, item, on_crash, self.overlay)

    def close(self) -> None:
        """Nothing to stop: the cluster belongs to whoever started it."""


def _result(future: Any) -> Any:
    from distributed import CancelledError
    from distributed.comm.core import CommClosedError

    try:
        return future.result()
    except (OSError, TimeoutError, CancelledError, CommClosedError) as exc:
        raise CorroborateError(f"the Dask cluster failed during the ingest ({exc}); what "
                               f"was written is kept: run the same ingest again to "
                               f"finish") from exc


def ingest_dask(store: Store, names: Iterable[str], options: CaptureOptions | None = None,
                scheduler: str | None = None,
                progress: Callable[[str], None] | None = None,
                follow_symlinks: bool = False,
                uploads: Iterable[tuple[str, bytes]] = ()) -> DaskIngestResult:
    """:func:`pipeline.ingest` with the per-input work on a Dask cluster.

    ``scheduler`` is the address of a running scheduler (``tcp://host:8786``,
    ``tls://…``); without one, a local cluster of one process per core is started for
    the run. The collection ends as :func:`pipeline.ingest` leaves it.
    """
    options = options or CaptureOptions()
    result = DaskIngestResult()
    with applied(store) as overlay, store.writing(), _client(scheduler) as client:
        _same_code(client, overlay)
        _resume(store, options, result)
        resumed = result.reports
        pool = DaskPool(client, overlay)
        _Batch(store, options, result, pool, progress).run(
            _named(names, follow_symlinks, uploads))
        result.candidates = _stored_pairs(store, _shuffle(client, pool.bands, pool.workers))
        _refresh(store, result, result.reports - resumed)
    return result


def _same_code(client: Any, overlay: DataOverlay | None) -> None:
    """Refuse workers that would extract with another version or vocabularies: the rows
    are stamped here with this process's, and would not say how they were made."""
    here = stamp(overlay)
    for worker, there in client.run(stamp, overlay).items():
        if tuple(there) != here:
            raise CorroborateError(f"the Dask worker {worker} runs corroborate {there[0]} "
                                   f"with vocabularies {there[1]}, this machine {here[0]} "
                                   f"with {here[1]}: install the same version on both")


def _shuffle(client: Any, bands: list[Any], threads: int) -> set[tuple[str, str]]:
    """Group the (band key, report id) items by key across the cluster: a task shuffle
    whose buckets give the candidate pairs."""
    if not bands:
        return set()
    import dask.bag as db

    items = db.from_delayed(bands).map_partitions(_band_items)
    parts = min(len(bands), SHUFFLE_PER_THREAD * threads)
    grouped = items.repartition(npartitions=parts).groupby(itemgetter(0), shuffle="tasks")
    return bucket_pairs(grouped.map_partitions(_buckets).compute())


def _stored_pairs(store: Store, pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The pairs whose reports are both stored (one that could not be was refused)."""
    missing = {rid for rid in {rid for pair in pairs for rid in pair}
               if not store.has_report(rid)}
    return {p for p in pairs if p[0] not in missing and p[1] not in missing}


def _refresh(store: Store, result: DaskIngestResult, written: int) -> None:
    """As :func:`pipeline.ingest` ends. The shuffle's pairs stand in for the band table's
    among the reports in no story yet only when those are all this run's writing (not
    reports resumed, or left by an ingest that stopped before its refresh)."""
    # counted only up to one past what this run wrote: all that the comparison needs
    whole = written == len(store.unassigned_reports(most=written + 1))
    finish_ingest(store, bool(result.reports), candidates=result.candidates if whole else None)


@contextmanager
def _client(scheduler: str | None) -> Iterator[Any]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise CorroborateError("the Dask engine needs the dask extra: pip install "
                               "'corroborate[dask]'") from exc
    if scheduler is None:
        # one process per core: cleaning and extraction hold the GIL
        with LocalCluster(n_workers=default_workers(), threads_per_worker=1,
                          processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            yield client
        return
    _warn_if_plain(scheduler)
    try:
        client = Client(scheduler)
    except (OSError, TimeoutError) as exc:
        raise CorroborateError(f"cannot reach the Dask scheduler at {scheduler} "
                               f"({exc})") from exc
    with client:
        yield client


def _warn_if_plain(address: str) -> None:
    """Report text crosses the network to the workers: say so when it is not encrypted."""
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme in ("tls", "inproc"):
        return
    try:
        loopback = ipaddress.ip_address(parts.hostname or "").is_loopback
    except ValueError:
        loopback = parts.hostname == "localhost"
    if not loopback:
        log.warning("the scheduler %s is reached without TLS: report bytes cross the "
                    "network in clear (docs/scale.md, Dask: TLS)", address)
