"""The browser-test helpers behind tests/e2e/conftest.py's fixtures (documented there).

Kept apart from the fixtures so tests can import the plain functions:
``from .harness import assert_local_only, check_accessibility, screenshot``.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # reported by missing_prerequisites(); the tests are skipped or fail
    PlaywrightTimeout = TimeoutError  # type: ignore[misc,assignment]

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
ARTIFACTS = REPO / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"

# the flags the machine's probe used; without the background-networking ones Chromium
# tries Google's hosts at every start, and this machine's closed network refuses them
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# schemes that never leave the browser
LOCAL_SCHEMES = ("data", "blob", "about")
# impacts that fail the accessibility check; "minor" and "moderate" are only recorded
FAILING_IMPACTS = ("serious", "critical")
REQUIRED_ENV = "CORROBORATE_E2E"


def missing_prerequisites() -> list[str]:
    """What the browser tests need and this machine lacks (empty when all is there)."""
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if not AXE_JS.is_file():
        missing.append(f"{AXE_JS.relative_to(REPO)} (npm ci --prefix tests/e2e)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install -e '.[test]')")
    return missing


def e2e_required() -> bool:
    """CI sets CORROBORATE_E2E=required: a missing browser then fails instead of skipping."""
    return os.environ.get(REQUIRED_ENV, "").strip().lower() == "required"


# --- the server under test ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    """One ``corroborate serve`` subprocess; its stdout and stderr go to ``log_path``."""

    argv: list[str]
    base_url: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    def output(self, limit: int = 20_000) -> str:
        """The tail of what the server printed, for failure messages."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""
        return text[-limit:]

    def start(self, deadline: float = 30.0) -> None:
        with self.log_path.open("wb") as log:
            env = {**os.environ, "PYTHONUNBUFFERED": "1"}
            self.process = subprocess.Popen(
                self.argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=env, cwd=REPO)
        self._wait_until_answering(deadline)

    def _wait_until_answering(self, deadline: float) -> None:
        assert self.process is not None
        end = time.monotonic() + deadline
        while not _answers(self.base_url):
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{' '.join(self.argv)} exited with {self.process.returncode} before "
                    f"answering:\n{self.output()}")
            if time.monotonic() > end:
                self.stop()
                raise RuntimeError(
                    f"{self.base_url} did not answer within {deadline:.0f} s:\n{self.output()}")
            # waiting on the process doubles as the pause between polls, and notices a crash
            try:
                self.process.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                pass

    def stop(self, grace: float = 5.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            logger.warning("%s ignored SIGTERM for %.0f s; killing it", self.base_url, grace)
            self.process.kill()
            self.process.wait(timeout=grace)


# the server is on loopback: never ask a proxy the environment may name
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _answers(base_url: str) -> bool:
    """True once anything speaks HTTP at the address (an error status counts: it answered)."""
    try:
        with _DIRECT.open(base_url + "/", timeout=1.0):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def serve_command(collection: Path, host: str, port: int, extra: tuple[str, ...]) -> list[str]:
    return [sys.executable, "-m", "corroborate", "serve", "--collection", str(collection),
            "--host", host, "--port", str(port), *extra]


# --- what the page asked for --------------------------------------------------------------


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    url: str
    resource_type: str


@dataclass
class RequestLog:
    """Every request the pages of one browser context made, and what their consoles said.

    Requests are recorded when the browser issues them, so one that the page's CSP or the
    closed network then blocks is still in the log: the page tried to leave the machine.
    """

    requests: list[LoggedRequest] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def record(self, request: Any) -> None:
        self.requests.append(LoggedRequest(request.method, request.url, request.resource_type))

    def record_websocket(self, websocket: Any) -> None:
        self.requests.append(LoggedRequest("GET", websocket.url, "websocket"))

    def record_console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def record_page_error(self, error: Any) -> None:
        self.console_errors.append(f"uncaught: {error}")

    def attach(self, page: Any) -> None:
        """Listen to one page (the context's request event covers requests already)."""
        page.on("websocket", self.record_websocket)
        page.on("console", self.record_console)
        page.on("pageerror", self.record_page_error)

    def foreign(self, base_url: str) -> list[LoggedRequest]:
        """The requests that went anywhere but the server at ``base_url``."""
        home = urlsplit(base_url)
        allowed = {(home.hostname, home.port)}
        out = []
        for req in self.requests:
            parts = urlsplit(req.url)
            if parts.scheme in LOCAL_SCHEMES:
                continue
            if (parts.hostname, parts.port) not in allowed:
                out.append(req)
        return out


def assert_local_only(log: RequestLog, base_url: str) -> None:
    """Fail, listing them, if any request went to a host other than the server's."""
    if not log.requests:
        raise AssertionError("the request log is empty: was it attached to this page's context?")
    foreign = log.foreign(base_url)
    if foreign:
        lines = "\n".join(f"  {r.method} {r.url} ({r.resource_type})" for r in foreign)
        raise AssertionError(
            f"{len(foreign)} request(s) to a host other than {base_url}:\n{lines}")


# --- looking at the page ------------------------------------------------------------------


def _artifact(name: str, suffix: str) -> Path:
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"artifact name {name!r}: a plain file name, no folders")
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}{suffix}"


def screenshot(page: Any, name: str) -> Path:
    """A full-page PNG of ``page`` at ``<repo>/artifacts/NAME.png``; returns its path."""
    path = _artifact(name, ".png")
    page.screenshot(path=str(path), full_page=True)
    return path


# true only on the second poll, so it needs one timer to have fired
_TICK = "() => { if (window.__e2eTick) return true; window.__e2eTick = 1; return false; }"
FRAME_PROBE_MS = 2_000


def inject_axe(frame: Any) -> None:
    """Load axe-core into ``frame`` (a page's main frame or any child), whatever its CSP says.

    ``page.add_script_tag`` adds a <script> element, which the workbench's
    ``script-src 'self'`` blocks. ``evaluate`` of the file's source runs it through the
    DevTools protocol, to which a page's CSP does not apply, so the app's own policy stays in
    force for everything else the test does (``bypass_csp`` would lift it for the context).
    It works even in a sandboxed frame whose own scripts are off.
    """
    if frame.evaluate("typeof window.axe") != "object":
        frame.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;'axe ' + axe.version")


def axe_partials(frame: Any, context: Any) -> list[Any]:
    """axe's results for ``frame`` and, depth first, every frame inside it.

    axe would otherwise reach into frames by postMessage, which a sandboxed frame (a capture
    shown safely) never answers; ``runPartial`` in each frame, then ``finishRun`` once, is
    axe's own way for a test tool that can run code in every frame (as @axe-core/playwright).
    """
    inject_axe(frame)
    children = frame.evaluate("c => axe.utils.getFrameContexts(c)", context)
    partials = [frame.evaluate("c => axe.runPartial(c, {})", context)]
    for child in children:
        selector = child["frameSelector"]
        if isinstance(selector, list):  # inside a shadow root: Playwright's CSS pierces it
            selector = " ".join(map(str, selector))
        handle = frame.locator(selector).element_handle()
        inner = handle.content_frame() if handle is not None else None
        if inner is None or not runs_scripts(handle, inner):
            # axe lists it under "incomplete" as frame-tested; such a frame shows a capture
            logger.warning("axe: frame %s runs no script; not checked", selector)
            partials.append(None)
            continue
        partials.extend(axe_partials(inner, child["frameContext"]))
    return partials


def runs_scripts(iframe: Any, frame: Any) -> bool:
    """Whether timers fire in ``frame``: axe needs them, and waits forever where they don't.

    A sandbox without allow-scripts turns them off (DevTools can still evaluate there, which
    is why injecting succeeds); the timed probe also catches a CSP ``sandbox`` header.
    """
    sandbox = iframe.get_attribute("sandbox")
    if sandbox is not None and "allow-scripts" not in sandbox.split():
        return False
    try:
        frame.wait_for_function(_TICK, polling=10, timeout=FRAME_PROBE_MS)
    except PlaywrightTimeout:
        return False
    return True


def serious_violations(results: dict[str, Any]) -> list[str]:
    """One line per failing violation: rule id, help, and the first target of each node."""
    lines = []
    for violation in results.get("violations", []):
        if violation.get("impact") not in FAILING_IMPACTS:
            continue
        # a node inside a frame has the frame's selector first, then its own
        targets = [" >>> ".join(map(str, node["target"])) for node in violation["nodes"]]
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}"
                     f" -> {', '.join(targets)}")
    return lines


def check_accessibility(page: Any, name: str) -> dict[str, Any]:
    """Run axe-core on ``page``; fail on any serious or critical violation.

    The full results go to ``<repo>/artifacts/axe-NAME.json`` whatever the outcome; they are
    also returned, so a test can look at the minor findings too.
    """
    partials = axe_partials(page.main_frame, {"exclude": []})
    results: dict[str, Any] = page.evaluate("p => axe.finishRun(p, {})", partials)
    path = _artifact(f"axe-{name}", ".json")
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    failing = serious_violations(results)
    if failing:
        raise AssertionError(
            f"axe-core found {len(failing)} serious or critical violation(s) on {page.url} "
            f"(full results: {path.relative_to(REPO)}):\n" + "\n".join(failing))
    return results

