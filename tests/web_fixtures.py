"""What the workbench tests share: a real collection with accounts, the real app over it,
clients that sign in through the login form, and a clock the tests move by hand."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corroborate import Store, ingest
from corroborate.users import add_user
from corroborate.web import create_app

from .conftest import copy_collection as copy_tables_too
from .conftest import sample_files

with warnings.catch_warnings():  # Starlette prefers httpx2; the httpx client works the same
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PASSWORD = "lantern quiet harbour"
ACCOUNTS = {"ana": "analyst", "vic": "viewer", "ada": "admin"}
# the first border-guards row: Musan, North Hamgyong (KP-09), border guards, North Korea
MUSAN = "border-guards.csv:row:1"
SECURITY = {"x-content-type-options": "nosniff", "x-frame-options": "DENY",
            "referrer-policy": "no-referrer"}


class FakeClock:
    """A monotonic clock that moves only when a test says so."""

    def __init__(self, start: float = 10_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def build_collection(root: Path) -> Path:
    """A collection holding the bundled samples and one account of each role."""
    store = Store.init(root)
    try:
        ingest(store, [str(p) for p in sample_files()])
        for name, role in ACCOUNTS.items():
            add_user(store, name, role, PASSWORD)
    finally:
        store.close()
    return root


def copy_collection(template: Path, target: Path) -> Path:
    return copy_tables_too(template, target)  # on PostgreSQL, the tables as well


def client_of(app: Any, address: str = "testclient", https: bool = False) -> TestClient:
    """A client that shows errors as responses (as a browser sees them) and does not
    follow redirects (so a test sees where each one points)."""
    return TestClient(app, raise_server_exceptions=False, follow_redirects=False,
                      client=(address, 50000),
                      base_url="https://testserver" if https else "http://testserver")


def login_token(html: str) -> str:
    # the sign-in form's own token (a signed-in page also has the sign-out form's)
    found = re.search(r'action="/login" class="login">\s*<input type="hidden" name="csrf" '
                      r'value="([^"]+)"', html)
    assert found, "the login form carries no CSRF token"
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD,
            next_: str = "/events") -> Any:
    """Sign in through the form, as a browser does: GET the form, POST it back."""
    token = login_token(client.get("/login").text)
    return client.post("/login", data={"csrf": token, "name": name, "password": password,
                                       "next": next_})


def csrf_of(client: TestClient) -> str:
    token: str = client.get("/api/me").json()["csrf"]
    return token


def report_id(collection: Path, origin: str) -> str:
    with Store.open(collection) as store:
        row = store.db.execute("SELECT id FROM reports WHERE origin LIKE ?",
                               ("%/" + origin,)).fetchone()
    assert row is not None, f"no report from {origin}"
    return str(row[0])


def review_log(collection: Path) -> list[tuple[Any, ...]]:
    with Store.open(collection) as store:
        return [tuple(r) for r in store.db.execute(
            "SELECT reviewer, report_id, field, action, after, revision FROM review_log "
            "ORDER BY seq")]


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The one JSON error shape; the error object is returned for more checks."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert error["status"] == status and error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    return error


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once per test module; each test gets its own copy."""
    return build_collection(tmp_path_factory.mktemp("template") / "collection")


@pytest.fixture
def collection(template: Path, tmp_path: Path) -> Path:
    return copy_collection(template, tmp_path / "collection")


@pytest.fixture
def client(collection: Path) -> Iterator[TestClient]:
    """A client of the app over ``collection`` (its lifespan run, so ingest jobs end)."""
    with client_of(create_app(collection)) as started:
        yield started


@pytest.fixture
def analyst(client: TestClient) -> TestClient:
    assert sign_in(client, "ana").status_code == 303
    return client


@pytest.fixture
def viewer(client: TestClient) -> TestClient:
    assert sign_in(client, "vic").status_code == 303
    return client
