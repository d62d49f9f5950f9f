"""The worker processes of ``ingest --workers N``: the pure per-report work, in parallel.

A :class:`Pool` runs a function over a list of items (a task) in other processes, and gives
each task's results back when asked, in whatever order the caller asks: the caller (the
ingest, the collection's single writer) asks in input order and writes in it. Only pure
functions are sent (capture parsing, cleaning, fingerprints, extraction); nothing in a worker
touches the collection.

- **Only for a batch.** No process is started for a small batch: the pool starts once
  ``start_after`` tasks are waiting (a thread starts it while the caller reads on), and
  until then the caller runs the tasks it needs itself. A small ingest never waits for a
  pool; a large one waits for it once, rather than load here what the workers have.
- **forkserver, never fork.** The workbench ingests in a thread of a server process, and
  forking a threaded process can copy a lock held by another thread. The fork server is a
  fresh interpreter that imports the pipeline and reads the shipped vocabularies once
  (:mod:`corroborate.warm`); each worker is forked from it, warm.
- **The vocabulary overlay.** A collection's overlay (``overlay.py``) is a context variable
  of the parent; the pool's initializer gives it to each worker, which applies it to every
  task, so aliases an admin added are used by every worker.
- **No orphans.** Each worker watches the ingest process and ends with it, so a killed
  ingest (SIGKILL, the OOM killer) leaves no worker or fork server behind.
- **A crash costs one item.** A worker that dies (a parser crash, the OOM killer) or a task
  that raises breaks the tasks in flight with it; those are run again one at a time, and an
  item that still fails alone gets ``on_crash(item, reason)`` as its result. The batch goes
  on.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import select
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import Any, Generic, TypeVar

from .vocab import DataOverlay, overlaid

__all__ = ["Pool", "Task", "default_workers", "parts", "parts_by", "warm"]

log = logging.getLogger(__name__)

In = TypeVar("In")
Out = TypeVar("Out")

# imported by the fork server before it forks any worker (see the module docstring)
PRELOAD = "corroborate.warm"
# seconds for the workers to answer once started (the fork server loads the pipeline first)
START_TIMEOUT = 300

_overlay: DataOverlay | None = None  # in a worker: the collection's overlay
_all_up: Any = None  # in a worker: the barrier every start-up ping waits at


def default_workers() -> int:
    """The cores this process may run on (``ingest --workers``' default)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def warm() -> None:
    """Load what the first report would: the vocabularies and the indexes built on them."""
    from .model import Document
    from .pipeline import process

    process(Document("0" * 64, "", "warm-up", "text/plain",
                     "Police in Hyesan detained two traders on 3 May 2021, a source said."))


def _start_worker(overlay: DataOverlay | None, ingest: int, all_up: Any) -> None:
    global _overlay, _all_up
    _overlay = overlay
    _all_up = all_up
    threading.Thread(target=_exit_with, args=(ingest,), name="watch-ingest",
                     daemon=True).start()
    if overlay is not None:  # the caches kept per overlay: built now, not by the first task
        with overlaid(overlay):
            warm()


def _exit_with(pid: int) -> None:
    """End this worker once the ingest process ``pid`` is gone. A killed ingest cannot
    stop its workers, and they would not notice: each holds the writing end of its own
    task queue (as multiprocessing hands a queue to a forkserver child), so it would wait
    for tasks, and keep the fork server alive, forever."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(0)
    except (AttributeError, OSError):  # no pidfd (not Linux, or an old kernel): ask
        while _alive(pid):
            time.sleep(1)
        os._exit(0)
    select.select([handle], [], [])  # readable once the process has ended
    os._exit(0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user took its number: ours is gone
        return False
    return True


def _run(fn: Callable[[list[In]], list[Out]], items: list[In]) -> list[Out]:
    with overlaid(_overlay):
        return fn(items)


def _ready() -> int:
    # Each ping waits for all the others, so each runs in a process of its own. The
    # executor starts a process only when none is idle, and a ping that answered at once
    # could leave one idle before the next was sent: the pool would run on fewer workers.
    if _all_up is not None:
        _all_up.wait(timeout=START_TIMEOUT)
    return os.getpid()


def parts(items: Iterable[In], size: int) -> Iterator[list[In]]:
    """``items`` in lists of ``size`` (the last may be shorter), each as soon as it is read."""
    return parts_by(items, size, _one)


def _one(item: object) -> int:
    return 1


def parts_by(items: Iterable[In], most: int, weight: Callable[[In], int]
             ) -> Iterator[list[In]]:
    """``items`` in lists weighing at most ``most`` together (an item heavier than that
    alone), each as soon as it is read: once full, or once the next item would not fit."""
    part: list[In] = []
    held = 0
    for item in items:
        heavy = weight(item)
        if part and held + heavy > most:
            yield part
            part, held = [], 0
        part.append(item)
        held += heavy
        if held >= most:
            yield part
            part, held = [], 0
    if part:
        yield part


class Task(Generic[In, Out]):
    """One call of a function on a list of items; :meth:`result` waits for it."""

    def __init__(self, pool: Pool, fn: Callable[[list[In]], list[Out]], items: list[In],
                 on_crash: Callable[[In, str], Out]) -> None:
        self.pool = pool
        self.fn = fn
        self.items = items
        self.on_crash = on_crash
        self.future: Future[list[Out]] | None = None
        self.suspect = False  # in flight when a worker died: to run again alone
        self._done: list[Out] | None = None

    def _answered(self, future: Future[list[Out]]) -> None:
        # what was sent is kept to be run again if it failed or its worker died, not once
        # it is answered: a caller that sends a batch ahead holds only the unanswered part
        if _answered(future):
            self.items = []

    def result(self) -> list[Out]:
        """The function's results, one per item, in the items' order."""
        if self._done is None:
            self._done = self.pool._resolve(self)
            self.items = []  # what was sent is not kept once answered
            # the future's callback refers back to this task: without this the two would
            # keep the results until the cycle collector came by (90 to 200 answered
            # tasks at a time in an events refresh of 100k reports)
            self.future = None
        return self._done


class Pool:
    """Up to ``workers`` processes running tasks; with one worker, none (see the module
    docstring). Use as a context manager, or call :meth:`close`."""

    def __init__(self, workers: int, overlay: DataOverlay | None = None,
                 start_after: int = 2) -> None:
        self.workers = workers
        self.overlay = overlay
        self.start_after = start_after
        self.started = False  # whether worker processes were ever started
        self._executor: ProcessPoolExecutor | None = None
        self._starter: threading.Thread | None = None
        self._ready = threading.Event()
        self._waiting: deque[Task[Any, Any]] = deque()  # submitted, not sent yet
        self._inflight: set[Task[Any, Any]] = set()

    def submit(self, fn: Callable[[list[In]], list[Out]], items: list[In],
               on_crash: Callable[[In, str], Out]) -> Task[In, Out]:
        """Queue ``fn(items)``; ``fn`` must be a module-level function (it is pickled)."""
        task = Task(self, fn, items, on_crash)
        if self.workers > 1:
            self._waiting.append(task)
            if self._starter is None and len(self._waiting) >= self.start_after:
                self._start_in_background()
            self._send()
        return task

    def submit_parts(self, fn: Callable[[list[In]], list[Out]], items: Iterable[In],
                     size: int, on_crash: Callable[[In, str], Out]) -> list[Task[In, Out]]:
        """``fn`` over ``items`` in tasks of ``size`` items, each queued as soon as its
        items are read: a caller reading them from a database keeps the workers busy
        meanwhile."""
        return [self.submit(fn, part, on_crash) for part in parts(items, size)]

    def stream(self, fn: Callable[[list[In]], list[Out]], items: Iterable[In], size: int,
               on_crash: Callable[[In, str], Out], ahead: int) -> Iterator[Out]:
        """``fn`` over ``items`` in tasks of ``size`` items, its results one by one in the
        items' order, at most ``ahead`` tasks sent and not read yet: the first ``ahead``
        now, each next one as a task's results are read. The caller holds that window of
        the items, not all of them, however many they are (:meth:`submit_parts` reads and
        holds them all). An ``ahead`` under 1 is taken as 1: every item is run."""
        chunks = parts(items, size)
        sent = deque(self.submit(fn, part, on_crash)
                     for part in islice(chunks, max(1, ahead)))
        return self._read(fn, chunks, on_crash, sent)

    def _read(self, fn: Callable[[list[In]], list[Out]], chunks: Iterator[list[In]],
              on_crash: Callable[[In, str], Out], sent: deque[Task[In, Out]]
              ) -> Iterator[Out]:
        while sent:
            task = sent.popleft()
            for part in islice(chunks, 1):  # sent before this one's answer is waited for
                sent.append(self.submit(fn, part, on_crash))
            yield from task.result()

    def _start_in_background(self) -> None:
        self.started = True
        self._ready.clear()
        self._starter = threading.Thread(target=self._start, name="worker-pool", daemon=True)
        self._starter.start()

    def _start(self) -> None:
        """Start the workers and wait until each has answered (in the starter thread)."""
        executor = None
        try:
            executor = _executor(self.workers, self.overlay)
            for ping in [executor.submit(_ready) for _ in range(self.workers)]:
                ping.result(timeout=START_TIMEOUT)
            self._executor = executor
        except Exception:  # no pool: the caller does the work, as with one worker
            log.exception("worker processes could not be started; working in one process")
            if executor is not None:
                executor.shutdown(wait=False, cancel_futures=True)
        finally:
            self._ready.set()

    def _send(self) -> None:
        """Send the waiting tasks to the workers, once they are up."""
        if not self._ready.is_set() or self._executor is None:
            return
        while self._waiting:
            task = self._waiting.popleft()
            task.future = self._executor.submit(_run, task.fn, task.items)
            task.future.add_done_callback(task._answered)
            self._inflight.add(task)

    def _resolve(self, task: Task[In, Out]) -> list[Out]:
        if task.future is None and self._starter is not None:
            # the workers are starting: waiting costs less than loading here what each of
            # them has loaded already (the vocabularies, the extraction's indexes)
            self._ready.wait()
            self._send()
        if task.future is None:  # no workers (one, a small batch, or none could start)
            if task in self._waiting:
                self._waiting.remove(task)
            return _here(task, self.overlay)
        if not task.suspect:
            try:
                return task.future.result()
            except BrokenProcessPool:
                self._broken()
            except Exception as exc:  # raised by the task, or its result would not pickle
                log.warning("a task failed in a worker (%s): its items run one by one", exc)
                return _here(task, self.overlay)
            finally:
                self._inflight.discard(task)
        return self._alone(task.fn, task.items, task.on_crash)

    def _broken(self) -> None:
        """A worker died: every task in flight without its answer is a suspect, and the
        workers start anew."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
        lost = [t for t in self._inflight if t.future is not None and not _answered(t.future)]
        log.warning("a worker process died: %d tasks in flight run again, each alone",
                    len(lost))
        for task in lost:
            task.suspect = True
            self._inflight.discard(task)
        self._start_in_background()

    def _alone(self, fn: Callable[[list[In]], list[Out]], items: list[In],
               on_crash: Callable[[In, str], Out]) -> list[Out]:
        """Run a suspect task in a process of its own; narrow a crash down to its item."""
        try:
            with _executor(1, self.overlay) as executor:
                return executor.submit(_run, fn, items).result()
        except BrokenProcessPool:
            if len(items) == 1:
                log.error("a worker process died on one item; the batch goes on")
                return [on_crash(items[0], "the worker process died while processing it")]
        except Exception as exc:
            log.warning("a task failed in a worker (%s): its items run one by one", exc)
            return [_one_here(fn, item, on_crash, self.overlay) for item in items]
        return [self._alone(fn, [item], on_crash)[0] for item in items]

    def close(self) -> None:
        """Stop the workers (a start in progress is waited for first)."""
        if self._starter is not None:
            self._starter.join()
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _answered(future: Future[Any]) -> bool:
    """Whether a task's answer came back (before its pool broke)."""
    return future.done() and not future.cancelled() and future.exception() is None


def _executor(workers: int, overlay: DataOverlay | None) -> ProcessPoolExecutor:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([PRELOAD])
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker,
                               initargs=(overlay, os.getpid(), context.Barrier(workers)))


def _here(task: Task[In, Out], overlay: DataOverlay | None) -> list[Out]:
    """A task run in this process; if it raises, its items one by one."""
    try:
        with overlaid(overlay):
            return task.fn(task.items)
    except Exception:
        log.exception("a task failed: its items run one by one")
    return [_one_here(task.fn, item, task.on_crash, overlay) for item in task.items]


def _one_here(fn: Callable[[list[In]], list[Out]], item: In,
              on_crash: Callable[[In, str], Out], overlay: DataOverlay | None) -> Out:
    try:
        with overlaid(overlay):
            return fn([item])[0]
    except Exception as exc:
        return on_crash(item, f"internal error ({type(exc).__name__}: {exc})")
