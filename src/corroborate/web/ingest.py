"""Ingest from the browser: uploaded files go through the same pipeline as the command's,
one job at a time, in a background thread, with progress and per-file errors to show."""

from __future__ import annotations

import itertools
import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..store import Store
from .common import bench, check_csrf, may_change, render, signed_in
from .errors import WebError

if TYPE_CHECKING:
    from .app import Workbench

__all__ = ["Job", "Jobs", "routes"]

log = logging.getLogger(__name__)

MAX_FILES = 1000


@dataclass
class Job:
    """One upload being ingested."""

    id: str
    user: str
    files: list[str]
    started: str
    state: str = "queued"  # queued, running, done, failed
    current: str = ""
    done: int = 0
    reports: int = 0
    unchanged: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "user": self.user, "files": len(self.files),
                "started": self.started, "state": self.state, "current": self.current,
                "done": self.done, "reports": self.reports, "unchanged": self.unchanged,
                "errors": self.errors}


class Jobs:
    """Ingest jobs, run one after another (the collection has one writer)."""

    def __init__(self, workbench: Workbench) -> None:
        self.workbench = workbench
        self._jobs: dict[str, Job] = {}
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._queue = threading.Lock()  # held by the job that is ingesting
        self._threads: list[threading.Thread] = []

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def submit(self, user: str, uploads: list[tuple[str, bytes]]) -> Job:
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            job = Job(f"j{next(self._numbers)}", user, [name for name, _ in uploads], stamp)
            self._jobs[job.id] = job
        thread = threading.Thread(target=self._run, args=(job, uploads),
                                  name=f"ingest-{job.id}", daemon=True)
        self._threads.append(thread)
        thread.start()
        return job

    def wait(self, timeout: float | None = None) -> None:
        for thread in list(self._threads):
            thread.join(timeout)

    def _run(self, job: Job, uploads: list[tuple[str, bytes]]) -> None:
        from ..pipeline import ingest

        with self._queue:
            job.state = "running"
            store = Store.attach(self.workbench.root, self.workbench.keys)

            def progress(origin: str) -> None:
                if job.current:  # the file before is done
                    job.done += 1
                job.current = origin

            try:
                result = ingest(store, [], uploads=uploads, progress=progress)
            except Exception as exc:  # told on the job's page; the log has the traceback
                log.error("ingest job %s failed", job.id, exc_info=exc)
                job.state = "failed"
                job.errors.append({"file": job.current or "(all)", "reason": (
                    "the ingest stopped on an unexpected error (logged on the server); "
                    "files taken before it are kept")})
                return
            finally:
                store.close()
            job.done = len(job.files)
            job.current = ""
            job.reports = result.reports
            job.unchanged = len(result.unchanged)
            job.errors = [{"file": e.origin, "reason": e.reason} for e in result.failures]
            job.state = "done"


def upload_origin(filename: str) -> str:
    """How an uploaded file is named in the custody log: its name as the browser sent it,
    without any folder, marked as an upload."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    # the name goes into the custody log and terminals: no control characters, not endless
    name = "".join(c for c in name if c.isprintable()).strip()[:200] or "unnamed"
    return f"upload:{name}"


async def _uploads(request: Request, limit: int) -> tuple[list[tuple[str, bytes]], Any]:
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        raise WebError(411 if length is None else 400, "an upload must say its length")
    if int(length) > limit:
        raise WebError(413, f"the upload is {int(length):,} bytes; the limit is {limit:,} "
                            "bytes per upload: send fewer files at a time")
    form = await request.form(max_files=MAX_FILES, max_fields=20)
    files: list[tuple[str, bytes]] = []
    for item in form.getlist("files"):
        if isinstance(item, UploadFile) and item.filename:
            files.append((upload_origin(item.filename), await item.read()))
            await item.close()
    return files, form


async def upload(request: Request) -> Response:
    who = may_change(request)
    workbench = bench(request)
    files, form = await _uploads(request, workbench.max_upload_bytes)
    check_csrf(request, who, form)
    if not files:
        raise WebError(400, "choose at least one file to upload")
    job = workbench.jobs.submit(who.user, files)
    if request.headers.get("accept", "").startswith("application/json"):
        return JSONResponse({"job": job.to_dict(), "url": f"/ingest/jobs/{job.id}"}, 202)
    return RedirectResponse(f"/ingest/jobs/{job.id}", 303)


def form_page(request: Request) -> Response:
    may_change(request)
    return render(request, "ingest.html", {
        "page_title": "Ingest", "limit": bench(request).max_upload_bytes})


def _job(request: Request) -> Job:
    signed_in(request)
    jobs: Jobs = bench(request).jobs
    job = jobs.get(request.path_params["job_id"])
    if job is None:
        raise WebError(404, "no such ingest job (jobs are kept until the server restarts)")
    return job


def job_page(request: Request) -> Response:
    job = _job(request)
    return render(request, "job.html", {"page_title": "Ingest progress", "job": job})


def job_api(request: Request) -> Response:
    return JSONResponse(_job(request).to_dict())


def routes() -> list[BaseRoute]:
    return [Route("/ingest", form_page, methods=["GET"]),
            Route("/ingest", upload, methods=["POST"]),
            Route("/ingest/jobs/{job_id}", job_page),
            Route("/api/jobs/{job_id}", job_api)]
