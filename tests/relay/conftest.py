"""Fixtures: the core under a fake clock on each storage backend (an in-memory SQLite
database, and a private schema on the test PostgreSQL server), and the ASGI app."""
from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from relay.app import create_app
from relay.config import Limits, RelayConfig
from relay.core import RelayCore
from relay.sqlite_storage import SQLiteStorage
from relay.storage import Storage
from tests.relay import pg

START = 1_800_000_000


class FakeClock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _sqlite() -> Storage:
    return SQLiteStorage(":memory:")


_make_storage: Callable[[], Storage] = _sqlite


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """Runs a test once per storage backend: `make_core` then builds on that backend."""
    global _make_storage
    if request.param == "sqlite":
        yield "sqlite"
        return
    with ExitStack() as stack:
        pg.require()
        _make_storage = lambda: stack.enter_context(pg.storage())  # noqa: E731
        try:
            yield "postgres"
        finally:
            _make_storage = _sqlite


def new_storage() -> Storage:
    """A fresh storage on the backend the running test is on (see `backend`)."""
    return _make_storage()


@pytest.fixture
def relay_storage(backend: str) -> Callable[[], Storage | None]:
    """For `create_app(config, storage=relay_storage())`, once per backend: None on SQLite
    (the relay opens its own file in the data dir), a fresh private schema on PostgreSQL."""
    if backend == "sqlite":
        return lambda: None
    return new_storage


def make_core(clock: FakeClock, **limits: object) -> RelayCore:
    return RelayCore(_make_storage(), Limits(**limits), clock)  # type: ignore[arg-type]


@pytest.fixture
def core(backend: str, clock: FakeClock) -> Iterator[RelayCore]:
    c = make_core(clock)
    yield c
    c.storage.close()


@pytest.fixture
async def client(request: pytest.FixtureRequest,
                 tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The adapter in-process over httpx.ASGITransport, on a real SQLite file (or, in a
    module that uses the `backend` fixture, on each backend in turn)."""
    storage = None
    if "backend" in request.fixturenames and request.getfixturevalue("backend") != "sqlite":
        storage = _make_storage()
    app = create_app(RelayConfig(data_dir=tmp_path, limits=Limits(ping_seconds=0.5)),
                     storage=storage)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://relay.test") as c:
        c.relay = app.state.relay  # type: ignore[attr-defined]
        yield c
    await app.state.relay.shutdown()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if pg.SKIPPED:
        terminalreporter.write_line(
            f"POSTGRESQL TESTS SKIPPED ({len(pg.SKIPPED)}): no server at {pg.url()} "
            f"({pg.SKIPPED[0]}); set COTERIE_TEST_DATABASE or install PostgreSQL",
            red=True, bold=True)
    for line in pg.STARTED:
        terminalreporter.write_line(line, yellow=True)
