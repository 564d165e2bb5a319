"""Fixtures: the core on an in-memory database under a fake clock, and the ASGI app."""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from relay.app import create_app
from relay.config import Limits, RelayConfig
from relay.core import RelayCore
from relay.sqlite_storage import SQLiteStorage

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


def make_core(clock: FakeClock, **limits: object) -> RelayCore:
    return RelayCore(SQLiteStorage(":memory:"), Limits(**limits), clock)  # type: ignore[arg-type]


@pytest.fixture
def core(clock: FakeClock) -> Iterator[RelayCore]:
    c = make_core(clock)
    yield c
    c.storage.close()


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The adapter in-process over httpx.ASGITransport, on a real SQLite file."""
    app = create_app(RelayConfig(data_dir=tmp_path, limits=Limits(ping_seconds=0.5)))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://relay.test") as c:
        c.relay = app.state.relay  # type: ignore[attr-defined]
        yield c
    await app.state.relay.shutdown()
