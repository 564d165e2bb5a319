"""Fixtures: the real relay in-process (httpx.ASGITransport) and on a loopback port."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from relay.app import create_app
from relay.config import Limits, RelayConfig
from relay.testing import RelayThread
from sync.transport import RelayClient

# Pings every 0.5 s so a test can treat 3 s of silence as a dead connection.
TEST_LIMITS = Limits(ping_seconds=0.5)


@pytest.fixture
async def relay_app(tmp_path: Path) -> AsyncIterator[Any]:
    """The relay's ASGI app on a real SQLite file (bound to the test's event loop)."""
    app = create_app(RelayConfig(data_dir=tmp_path, limits=TEST_LIMITS))
    yield app
    await app.state.relay.shutdown()


@pytest.fixture
def asgi_clients(relay_app: Any) -> Callable[..., RelayClient]:
    """A client factory whose clients reach the in-process relay, no socket."""
    def factory(url: str, clock: Callable[[], float] = time.time) -> RelayClient:
        return RelayClient(url, clock=clock, rng=os.urandom,
                           transport=httpx.ASGITransport(app=relay_app))
    return factory


def loopback_client(url: str) -> RelayClient:
    """A client over real sockets; 3 s of silence on a push stream means it is dead."""
    return RelayClient(url, clock=time.time, rng=os.urandom, timeout=3,
                       stream_idle_timeout=3)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def loopback_relay(tmp_path: Path) -> Iterator[RelayThread]:
    """The relay served by uvicorn on 127.0.0.1; stop() and start() keep port and data."""
    relay = RelayThread(tmp_path / "relay", limits=TEST_LIMITS)
    relay.start()
    yield relay
    relay.close()


def stop_relay(relay: RelayThread) -> None:
    """Stop the relay so that clients reconnecting at once cannot slip in a new stream.

    RelayThread.stop() ends streams before uvicorn stops listening; a client retrying within
    that window gets a stream that lasts until uvicorn's 10 s graceful timeout. Asking
    uvicorn to exit first closes the listener (its main loop polls every 0.1 s).
    """
    server = relay._server  # noqa: SLF001 — the ordering above needs the server itself
    if server is not None:
        server.should_exit = True
        time.sleep(0.25)
    relay.stop()


class RelayProcess:
    """`coterie-relay` in its own process on a fixed loopback port, so it can be killed -9."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        code = "import sys; from relay.cli import main; sys.exit(main(sys.argv[1:]))"
        self._proc = subprocess.Popen(
            [sys.executable, "-c", code, "--port", str(self.port), "--data",
             str(self.data_dir), "--log-level", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/healthz", timeout=0.5).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("the relay process did not start")

    def kill(self) -> None:
        if self._proc is not None:
            self._proc.send_signal(signal.SIGKILL)
            self._proc.wait(10)
            self._proc = None


@pytest.fixture
def people(tmp_path: Path) -> Iterator[Callable[[str], Any]]:
    """Real profiles (real SQLCipher stores in tmp_path), one in-memory keyring.

    app/ is imported here, not at the top, so the tests of sync/ alone never load it.
    """
    from tests.keyring_double import MemoryKeyring
    from tests.profiles import profiles

    with profiles(tmp_path, MemoryKeyring()) as make:
        yield make


@pytest.fixture(autouse=True)
def no_engine_threads_left() -> Iterator[None]:
    """Every test stops what it starts: no sync thread outlives its test."""
    yield
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        left = [t.name for t in threading.enumerate() if t.name.startswith("coterie-sync")]
        if not left:
            return
        time.sleep(0.02)
    raise AssertionError(f"sync threads left running: {left}")
