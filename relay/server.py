"""Serving the relay with uvicorn: the settings both the CLI and tests use.

No access log: it would record client addresses and paths that carry mailbox ids.
On SIGTERM (or `stop()`), push streams are ended first so uvicorn's graceful shutdown is not
held up by long-lived connections; in-flight appends finish and are made durable before the
database closes (the app's lifespan shutdown).
"""
from __future__ import annotations

import asyncio
import functools
import logging
import signal
import socket
from collections.abc import Callable
from types import FrameType

import uvicorn

from relay.app import Relay
from relay.connections import ConnectionGuard, GuardedHttpToolsProtocol, TrustedProxies
from relay.stream import DroppedStreamFilter

GRACEFUL_SECONDS = 10


HEADER_BYTES = 16 * 1024     # request line and headers (400 above this)
# Connections waiting to be accepted; asyncio also accepts up to this many in one go, so it
# bounds how far a burst can overshoot the connection caps before they refuse it.
BACKLOG = 256

# proxy_headers: behind a reverse proxy on this machine (forwarded_allow_ips defaults to
# 127.0.0.1 and ::1) the rate limits see the real client, not the proxy.
# No limit_concurrency: uvicorn would answer 503 to everyone once any one client held that
# many connections; the connection guard refuses that client's extra sockets instead.
# loop "asyncio": uvloop, where installed, measured no faster here (and uvicorn's "auto"
# would switch to it silently). ws "none": the relay speaks no WebSocket, and an upgraded
# connection would leave the connection guard's protocol.
UVICORN_OPTIONS: dict[str, object] = {
    "access_log": False, "log_config": None, "lifespan": "on", "server_header": False,
    "proxy_headers": True, "timeout_graceful_shutdown": GRACEFUL_SECONDS,
    "backlog": BACKLOG, "loop": "asyncio", "ws": "none",
}


def uvicorn_config(relay: Relay, host: str, port: int, **extra: object) -> uvicorn.Config:
    """uvicorn settings for the relay; `extra` passes TLS flags (ssl_certfile, ...) through.

    The HTTP protocol is uvicorn's httptools one with the relay's connection limits
    (relay/connections.py)."""
    limits = relay.config.limits
    options: dict[str, object] = {**UVICORN_OPTIONS, "host": host, "port": port,
                                  "timeout_keep_alive": limits.keep_alive_seconds, **extra}
    config = uvicorn.Config(relay.app, **options)  # type: ignore[arg-type]
    guard = ConnectionGuard(limits.max_connections_per_client, limits.max_connections,
                            TrustedProxies(config.forwarded_allow_ips), config.backlog)
    relay.connections = guard
    config.http = functools.partial(GuardedHttpToolsProtocol, guard=guard,
                                    header_timeout=limits.header_timeout_seconds,
                                    header_bytes=HEADER_BYTES)
    error_log = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, DroppedStreamFilter) for f in error_log.filters):
        error_log.addFilter(DroppedStreamFilter())
    return config


class RelayServer(uvicorn.Server):
    """uvicorn.Server that ends push streams when asked to exit and reports its real port."""

    def __init__(self, relay: Relay, config: uvicorn.Config,
                 on_started: Callable[[RelayServer], None] | None = None) -> None:
        super().__init__(config)
        self.relay = relay
        self.on_started = on_started
        self.loop: asyncio.AbstractEventLoop | None = None

    @property
    def port(self) -> int:
        """The bound port (useful with port 0); valid once started."""
        for server in getattr(self, "servers", []):
            for sock in server.sockets:
                if sock.family in (socket.AF_INET, socket.AF_INET6):
                    return int(sock.getsockname()[1])
        return int(self.config.port)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self.loop = asyncio.get_running_loop()
        await super().startup(sockets)
        if self.started and self.on_started is not None:
            self.on_started(self)

    def end_streams(self) -> None:
        if self.loop is not None and not self.loop.is_closed():
            try:
                self.loop.call_soon_threadsafe(self.relay.hub.stop_all)
            except RuntimeError:
                pass    # the loop already stopped

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        # Unlike uvicorn's own handler the signal is not re-raised after shutdown: a relay
        # stopped by SIGTERM has shut down cleanly and exits with status 0.
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True
        else:
            self.should_exit = True
        self.end_streams()
