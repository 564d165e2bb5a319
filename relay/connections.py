"""Connection-level limits: how many sockets a client may hold and how long headers may take.

uvicorn's h11 protocol times out only idle keep-alive connections; a connection that sends
a partial request line, or nothing, is kept forever, so one client opening thousands of
them would use up the relay's file descriptors. `GuardedH11Protocol` adds:

- a per-client cap on open connections (an IPv6 client is its /64), refused at accept
  with a reset, so one client cannot take every socket;
- a total cap kept below the process's file-descriptor limit, with room for the sockets
  asyncio accepts in one go before any of them can be refused (up to the listen backlog,
  twice): reaching the limit would stop accepting for everyone;
- a deadline for each request's line and headers, counted from the connection (or from
  the first byte of a later request on a kept-alive connection); a trickle of bytes does
  not extend it.

Connections from a trusted reverse proxy (uvicorn's `forwarded_allow_ips`) are exempt
from the per-client cap: behind a proxy every client arrives from the proxy's address.
"""
from __future__ import annotations

import asyncio
import ipaddress
import logging
import resource
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from relay.ratelimit import client_id

log = logging.getLogger("relay")
FD_RESERVE = 64     # descriptors kept free for the database, threads and listening sockets
BAD_HTTP = b'{"error":"The request is not valid HTTP/1.1."}'


def fd_ceiling(wanted: int, backlog: int) -> int:
    """`wanted`, lowered to what the soft file-descriptor limit leaves room for."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, soft - FD_RESERVE - 2 * backlog))


class TrustedProxies:
    """Membership in uvicorn's `forwarded_allow_ips` ("*" trusts no one here: with every
    address trusted there would be no per-client cap at all)."""

    def __init__(self, allowed: list[str] | str) -> None:
        items = allowed.split(",") if isinstance(allowed, str) else list(allowed)
        self.networks = []
        for item in (i.strip() for i in items):
            try:
                self.networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                continue     # "*" or a name: never exempt from the cap

    def __contains__(self, host: str) -> bool:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in net for net in self.networks)


class ConnectionGuard:
    """Open connections per client and in all; lives on the event loop's thread."""

    def __init__(self, per_client: int, total: int, proxies: TrustedProxies,
                 backlog: int = 0) -> None:
        self.per_client = per_client
        self.total = fd_ceiling(total, backlog)
        self.proxies = proxies
        self.open = 0
        self.refused = 0
        self._by_client: dict[str, int] = {}

    def admit(self, host: str) -> str | None:
        """The key to release later, or None when this connection must be refused."""
        if self.open >= self.total:
            self.refused += 1
            return None
        key = "" if host in self.proxies else client_id(host)
        count = self._by_client.get(key, 0)
        if key and count >= self.per_client:
            self.refused += 1
            return None
        self._by_client[key] = count + 1
        self.open += 1
        return key

    def release(self, key: str) -> None:
        self.open -= 1
        left = self._by_client[key] - 1
        if left:
            self._by_client[key] = left
        else:
            del self._by_client[key]

    def held_by(self, host: str) -> int:
        return self._by_client.get(client_id(host), 0)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with the guard's caps and a header deadline."""

    def __init__(self, *args: Any, guard: ConnectionGuard, header_timeout: float,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._guard = guard
        self._header_timeout = header_timeout
        self._guard_key: str | None = None
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        key = self._guard.admit(self.client[0] if self.client else "")
        if key is None:
            transport.abort()
            return
        self._guard_key = key
        self._header_timer = self.loop.call_later(self._header_timeout, self._headers_late)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        if self._guard_key is not None:
            self._guard.release(self._guard_key)
            self._guard_key = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.transport.is_closing():
            self._stop_header_timer()
        elif self.conn.their_state is h11.IDLE:     # still waiting for a request's headers
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(self._header_timeout,
                                                          self._headers_late)
        else:
            self._stop_header_timer()

    def send_400_response(self, msg: str) -> None:
        """Malformed HTTP gets the relay's JSON error, like every other refusal."""
        event = h11.Response(status_code=400, reason=b"Bad Request", headers=[
            (b"content-type", b"application/json"), (b"connection", b"close")])
        for part in (event, h11.Data(data=BAD_HTTP), h11.EndOfMessage()):
            self.transport.write(self.conn.send(part) or b"")
        self.transport.close()

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()
