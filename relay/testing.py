"""A real relay on a loopback port in a background thread, for tests of any package.

    from relay.testing import RelayThread

    with RelayThread() as relay:          # port 0: the OS picks a free port
        client = RelayClient(relay.url, ...)
        ...
        relay.stop(); relay.start()       # restart on the same port with the same data

`data_dir` defaults to a private temporary directory removed by `close()` (or on leaving
the `with` block); pass a directory to keep the database. `database="postgresql://…"`
stores in PostgreSQL instead; several RelayThreads may share one.
"""
from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType

from relay.app import Relay
from relay.config import Limits, RelayConfig
from relay.server import RelayServer, uvicorn_config

START_TIMEOUT = 15.0


class RelayThread:
    """Start/stop a relay served by uvicorn on 127.0.0.1 from a daemon thread."""

    def __init__(self, data_dir: Path | str | None = None, *, port: int = 0,
                 limits: Limits | None = None, host: str = "127.0.0.1",
                 database: str | None = None) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if data_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="coterie-relay-")
            data_dir = self._tmp.name
        self.data_dir = Path(data_dir)
        self.host = host
        self.port = port
        self.limits = limits or Limits()
        self.database = database      # a postgresql:// URL, or None for SQLite in data_dir
        self.relay: Relay | None = None
        self._server: RelayServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> str:
        """Start serving (on the same port as last time after a stop); returns the base URL."""
        if self._server is not None:
            raise RuntimeError("the relay is already running")
        config = RelayConfig(host=self.host, port=self.port, data_dir=self.data_dir,
                             database=self.database, limits=self.limits)
        self.relay = Relay(config)
        server = RelayServer(self.relay, uvicorn_config(self.relay, self.host, self.port,
                                                        log_level="warning"))
        self._server = server
        self._thread = threading.Thread(target=server.run, name="relay-test-server",
                                        daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self._server = self._thread = None
                raise RuntimeError(f"The relay did not start on {self.host}:{self.port}.")
            time.sleep(0.005)
        self.port = server.port
        return self.url

    def stop(self) -> None:
        """Stop serving: streams end, in-flight writes finish, the database closes."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.end_streams()
        server.should_exit = True
        thread.join(30)
        self._server = self._thread = None

    def close(self) -> None:
        self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> RelayThread:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
