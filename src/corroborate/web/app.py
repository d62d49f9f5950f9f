"""The workbench application: one collection, served to a team in the browser.

``create_app`` builds a Starlette app over a collection folder. Request handlers are plain
functions run in Starlette's thread pool; each thread opens its own connection to the
collection's database (SQLite connections are not shared between threads), with the keys
unlocked once at start for an encrypted collection.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from .. import __version__
from ..store import Store, _unlock
from .access import LoginLimiter, Sessions
from .errors import handlers
from .security import SecurityHeaders

__all__ = ["MAX_UPLOAD_BYTES", "Workbench", "create_app"]

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # one upload request, all its files together
WRITE_WAIT = 10.0  # seconds a page's write waits for the collection's writer


@dataclass
class Workbench:
    """What every request shares: the collection, sessions, throttling, ingest jobs."""

    root: Path
    keys: Any
    templates: Jinja2Templates
    sessions: Sessions = field(default_factory=Sessions)
    limiter: LoginLimiter = field(default_factory=LoginLimiter)
    secure_cookies: bool = False
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    write_wait: float = WRITE_WAIT
    jobs: Any = None  # ingest jobs (web.ingest.Jobs), set by create_app
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _opened: list[Store] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def store(self) -> Store:
        """This thread's connection to the collection."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store.attach(self.root, self.keys)
            # a decision made while an ingest holds the collection waits this long, then
            # is told to try again, rather than holding a request thread for minutes
            store.lock_timeout = self.write_wait
            self._local.store = store
            with self._lock:
                self._opened.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            for store in self._opened:
                try:
                    store.close()
                except Exception:  # a connection of a finished thread: nothing to keep
                    log.debug("closing a connection failed", exc_info=True)
            self._opened.clear()


def _templates() -> Jinja2Templates:
    folder = Path(str(resources.files("corroborate.web").joinpath("templates")))
    env = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(
        ["html", "svg", "xml"], default_for_string=True), trim_blocks=True, lstrip_blocks=True)
    env.globals["version"] = __version__
    return Jinja2Templates(env=env)


def create_app(collection: str | Path, passphrase: str | None = None, *,
               secure_cookies: bool = False, max_upload_bytes: int = MAX_UPLOAD_BYTES,
               sessions: Sessions | None = None,
               limiter: LoginLimiter | None = None,
               allowed_hosts: list[str] | None = None,
               write_wait: float = WRITE_WAIT) -> Starlette:
    """The workbench over the collection at ``collection``.

    ``secure_cookies`` marks the session cookie Secure and sends HSTS (serve over HTTPS,
    e.g. behind a reverse proxy, when the workbench is reached from other machines).
    ``allowed_hosts``: the names the server answers to (the Host header); others get 400,
    which stops a page of another site reaching a loopback server by DNS rebinding.
    ``write_wait``: how long a decision waits for another writer (an ingest) before the
    person is told the collection is busy (503).
    """
    from . import api, finding, ingest, pages, vocabulary, work

    root = Path(collection)
    Store.open(root, passphrase).close()  # refuses a missing or foreign collection now
    bench = Workbench(root, _unlock(root, passphrase), _templates(),
                      sessions or Sessions(), limiter or LoginLimiter(),
                      secure_cookies, max_upload_bytes, write_wait)
    bench.jobs = ingest.Jobs(bench)
    static = StaticFiles(directory=str(resources.files("corroborate.web").joinpath("static")))
    routes: list[BaseRoute] = [*api.routes(), *work.routes(), *ingest.routes(),
                               *finding.routes(), *vocabulary.routes(), *pages.routes(),
                               Mount("/static", static, name="static")]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        bench.jobs.wait()
        bench.close()

    app = Starlette(routes=routes, exception_handlers=handlers(),
                    middleware=[Middleware(SecurityHeaders, hsts=secure_cookies),
                                *([Middleware(TrustedHostMiddleware,
                                              allowed_hosts=allowed_hosts)]
                                  if allowed_hosts else [])],
                    lifespan=lifespan)
    app.state.workbench = bench
    return app
