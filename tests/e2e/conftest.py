"""Browser tests of the workbench: real headless Chromium driven by Playwright.

Debian's Chromium (``/usr/bin/chromium``) is launched by Playwright's Python package; no
browser is ever downloaded. axe-core comes from the npm registry (``tests/e2e/package.json``,
installed by ``npm ci --prefix tests/e2e``). See docs/workbench.md, "Browser tests".

Fixtures
    ``serve(collection_path, *extra_args) -> base_url``
        Starts ``python -m corroborate serve --collection PATH --host 127.0.0.1 --port FREE``
        (plus ``extra_args``), returns once it answers HTTP (``http://127.0.0.1:PORT``, no
        trailing slash), and stops it after the test (SIGTERM, then SIGKILL). May be called
        several times. If the test fails, what the server printed is added to the report.
    ``page``: a new page in a new browser context (own cookies), 1280x900, 10 s timeouts.
    ``request_log``: the ``RequestLog`` of ``page``'s context: ``.requests`` (method, url,
        resource_type) of every request and websocket, ``.console_errors``.
    ``fresh_page() -> (page, request_log)``: another page in another context, for a second
        user signed in at the same time (a viewer, a concurrent edit).
    ``browser``: the session's Chromium (one per xdist worker).

Helpers (``from .harness import ...``)
    ``assert_local_only(request_log, base_url)``: fails listing every request to another host
        (data:, blob: and about: URLs are fine).
    ``check_accessibility(page, name)``: axe-core on the page as it stands; fails listing each
        serious or critical violation; full results in ``artifacts/axe-NAME.json``.
    ``screenshot(page, name)``: full-page PNG at ``artifacts/NAME.png``.

Every test in this folder is marked ``e2e`` (``pytest -m e2e`` runs only these; ``-m "not
e2e"`` skips them). Without Chromium, axe-core or Playwright they are skipped with the
reason, unless ``CORROBORATE_E2E=required`` (CI sets it), in which case they fail.

A test::

    def test_login(serve, page, request_log, store):
        base = serve(store.root)
        page.goto(base + "/login")
        assert_local_only(request_log, base)
        check_accessibility(page, "login")
        screenshot(page, "login")
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from .harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    REQUIRED_ENV,
    RequestLog,
    Server,
    e2e_required,
    free_port,
    missing_prerequisites,
    serve_command,
)

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
VIEWPORT = {"width": 1280, "height": 900}
# a step that waits longer than this has failed; Playwright's own default is 30 s
STEP_TIMEOUT_MS = 10_000
# a whole browser test, unless it sets its own @pytest.mark.timeout
TEST_TIMEOUT_S = 180

_servers_key = pytest.StashKey[list[Server]]()
_logs_key = pytest.StashKey[list[RequestLog]]()


def _in_this_folder(item: pytest.Item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # the hook sees the whole session's items: mark only ours
    for item in items:
        if not _in_this_folder(item):
            continue
        item.add_marker(pytest.mark.e2e)
        if item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(TEST_TIMEOUT_S))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("e2e") is None:
        return
    missing = missing_prerequisites()
    if not missing:
        return
    reason = "browser tests need " + "; ".join(missing)
    if e2e_required():
        pytest.fail(f"{reason} ({REQUIRED_ENV}=required)", pytrace=False)
    pytest.skip(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]
                               ) -> Generator[None, Any, None]:
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    # a failing page is often a server error: show what the server and the console said
    servers: list[Server] = item.stash.get(_servers_key, [])
    logs: list[RequestLog] = item.stash.get(_logs_key, [])
    for server in servers:
        report.sections.append((f"server {server.base_url}", server.output() or "(nothing)"))
    for i, log in enumerate(logs):
        if log.console_errors:
            report.sections.append((f"browser console (context {i})",
                                    "\n".join(log.console_errors)))


@pytest.fixture
def serve(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., str]]:
    started: list[Server] = []
    request.node.stash[_servers_key] = started

    def start(collection_path: Path | str, *extra_args: str) -> str:
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        argv = serve_command(Path(collection_path), "127.0.0.1", port, extra_args)
        server = Server(argv, base_url, tmp_path / f"server-{port}.log")
        started.append(server)
        server.start()
        logger.info("serving %s at %s", collection_path, base_url)
        return base_url

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # launch() gives Chromium a new empty profile in a temporary folder and deletes it on
    # close (it refuses --user-data-dir among the args), so each session starts clean
    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def fresh_page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Callable[[], Any]]:
    contexts: list[Any] = []
    logs: list[RequestLog] = []
    request.node.stash[_logs_key] = logs

    def open_page() -> tuple[Any, RequestLog]:
        context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
        context.set_default_timeout(STEP_TIMEOUT_MS)
        log = RequestLog()
        context.on("request", log.record)
        context.on("page", log.attach)
        contexts.append(context)
        logs.append(log)
        return context.new_page(), log

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def _first_page(fresh_page: Callable[[], tuple[Any, RequestLog]]) -> tuple[Any, RequestLog]:
    return fresh_page()


@pytest.fixture
def page(_first_page: tuple[Any, RequestLog]) -> Any:
    return _first_page[0]


@pytest.fixture
def request_log(_first_page: tuple[Any, RequestLog]) -> RequestLog:
    return _first_page[1]
