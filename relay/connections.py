"""Connection-level limits: how many sockets a client may hold and how long headers may take.

uvicorn's HTTP protocols time out only idle keep-alive connections; a connection that
sends a partial request line, or nothing, is kept forever, so one client opening thousands
of them would use up the relay's file descriptors. The relay serves with uvicorn's
httptools protocol (llhttp; measured: 60 to 90 µs less relay CPU per append than h11), and
`GuardedHttpToolsProtocol` adds:

- a per-client cap on open connections (an IPv6 client is its /64), refused at accept
  with a reset, so one client cannot take every socket;
- a total cap kept below the process's file-descriptor limit, with room for the sockets
  asyncio accepts in one go before any of them can be refused (up to the listen backlog,
  twice): reaching the limit would stop accepting for everyone;
- a deadline for each request's line and headers, counted from the connection (or from
  the first byte of a later request on a kept-alive connection); a trickle of bytes does
  not extend it;
- a cap on the bytes of a request line and headers (llhttp would otherwise gather an
  unending header in memory), and on requests pipelined ahead of their answers;
- malformed HTTP answered with the relay's JSON `400`.

Connections from a trusted reverse proxy (uvicorn's `forwarded_allow_ips`) are exempt
from the per-client cap: behind a proxy every client arrives from the proxy's address.
"""
from __future__ import annotations

import asyncio
import ipaddress
import logging
import resource
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from relay.ratelimit import client_id

log = logging.getLogger("relay")
FD_RESERVE = 64     # descriptors kept free for the database, threads and listening sockets
BAD_HTTP = b'{"error":"The request is not valid HTTP/1.1."}'
# Requests a client may send ahead (HTTP pipelining) before answers come back; no client
# Coterie knows pipelines at all.
MAX_PIPELINED = 16


class TooManyPipelined(Exception):
    """Raised inside the parser to stop it: too many requests sent ahead."""


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


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the guard's caps, a header deadline and a header
    size cap (llhttp has none of its own: it would gather a header that never ends)."""

    def __init__(self, *args: Any, guard: ConnectionGuard, header_timeout: float,
                 header_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._guard = guard
        self._header_timeout = header_timeout
        self._header_bytes = header_bytes
        self._guard_key: str | None = None
        self._header_timer: asyncio.TimerHandle | None = None
        self._in_head = True       # between requests, or inside a request line and headers
        self._head_seen = 0        # bytes received while in a head
        self._head_began = False   # in the chunk being parsed, a head began after any end

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
        if self._in_head:
            self._head_seen += len(data)
        self._head_began = False
        super().data_received(data)
        if self.transport.is_closing():
            self._stop_header_timer()
            return
        if self._in_head and self._head_began and not self._head_seen:
            # A request ended inside this chunk and the next one's head began: count the
            # chunk (its start was the end of the other request; this errs on the safe side).
            self._head_seen = len(data)
        if self._in_head and self._head_seen > self._header_bytes:
            self.send_400_response("The request line and headers are too large.")
        elif self._waiting_for_headers():
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(self._header_timeout,
                                                          self._headers_late)
        else:
            self._stop_header_timer()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_began = True

    def on_headers_complete(self) -> None:
        self._in_head = False
        if len(self.pipeline) >= MAX_PIPELINED:
            # llhttp parses every request of a chunk it is given, and each waits as a
            # request object: raising stops it (the connection is refused, as malformed).
            raise TooManyPipelined
        super().on_headers_complete()
        if self.cycle is not None and self.cycle.scope is self.scope:
            self.cycle.transport = _HeadHeldBack(self.transport, self.loop)  # type: ignore[assignment]

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True
        self._head_seen = 0
        self._head_began = False

    def send_400_response(self, msg: str) -> None:
        """Malformed HTTP gets the relay's JSON error, like every other refusal (or, in the
        middle of an answer, such as a push stream, just the end of the connection)."""
        if self.cycle is not None and not self.cycle.response_complete:
            self.transport.close()
            return
        self.transport.write(b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n"
                             b"content-length: %d\r\nconnection: close\r\n\r\n%s"
                             % (len(BAD_HTTP), BAD_HTTP))
        self.transport.close()

    def _waiting_for_headers(self) -> bool:
        """No request in progress: the connection is idle or sending a request's head."""
        return self._in_head and (self.cycle is None or self.cycle.response_complete)

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if self._waiting_for_headers() and not self.transport.is_closing():
            self.transport.close()


class _HeadHeldBack:
    """The transport as one response sees it: the status line and headers are held until
    the body's first write (or the end of this turn of the event loop), so a small answer
    leaves in one send instead of two."""

    __slots__ = ("_transport", "_loop", "_held")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self._transport.write(held + data)
        elif self._loop is not None:           # the first write: the head
            self._held = data
            self._loop.call_soon(self._flush)
            self._loop = None                  # type: ignore[assignment]
        else:
            self._transport.write(data)

    def _flush(self) -> None:
        held = self._held
        if held is not None:
            self._held = None
            if not self._transport.is_closing():
                self._transport.write(held)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)
