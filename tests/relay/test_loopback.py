"""The relay on a real uvicorn on a loopback port: push delivery, resume, backpressure."""
from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from crypto.relay_wire import MailboxCapability, b64d, b64e
from relay.config import Limits
from relay.testing import RelayThread
from sync.sse import SSEParser
from tests.relay import pg
from tests.relay.wire import (
    append_body,
    cap,
    close_proof,
    create_body,
    messages_path,
    proof_headers,
    subscribe_entry,
)

A, B = cap("loop-a"), cap("loop-b")


class StreamEnded(Exception):
    """The relay ended the event stream."""


class EventReader:
    """`(event, data)` pairs from a push response, parsed by the client's own SSE parser;
    comment lines (which the parser skips) come as `(":", text)` so pings can be seen."""

    def __init__(self, response: httpx.Response) -> None:
        self._lines = response.aiter_lines()
        self._parser = SSEParser()

    async def next(self, timeout: float = 5.0) -> tuple[str, Any]:
        return await asyncio.wait_for(self._next(), timeout)

    async def _next(self) -> tuple[str, Any]:
        async for line in self._lines:
            if line.startswith(":"):
                return ":", line[1:].strip()
            event = self._parser.feed(line)
            if event is not None:
                return event.event, json.loads(event.data)
        raise StreamEnded()

    async def until(self, event: str, timeout: float = 5.0) -> list[tuple[str, Any]]:
        """Every event up to and including the first `event` (comments skipped)."""
        seen = []
        while True:
            name, data = await self.next(timeout)
            if name == ":":
                continue
            seen.append((name, data))
            if name == event:
                return seen

    async def messages(self, n: int, timeout: float = 5.0) -> list[tuple[str, int, bytes]]:
        out = []
        while len(out) < n:
            name, data = await self.next(timeout)
            if name == "message":
                out.append((data["mailbox"], data["cursor"], b64d(data["body"])))
        return out


@pytest.fixture(params=["sqlite", "postgres"])
def relay(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RelayThread]:
    # A generous rate limit: these tests push megabytes quickly to test delivery.
    limits = Limits(ping_seconds=0.3, subscriber_queue_frames=8, rate_burst=100_000)
    with contextlib.ExitStack() as stack:
        database = None
        if request.param == "postgres":   # the same tests on a PostgreSQL relay
            database = pg.relay_url(stack.enter_context(pg.schema()))
        with RelayThread(tmp_path, limits=limits, database=database) as r:
            yield r


@pytest.fixture
async def http(relay: RelayThread) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=relay.url, timeout=10) as c:
        for box in (A, B):
            assert (await c.post("/v1/mailboxes", json=create_body(box))).status_code == 201
        yield c


async def append(http: httpx.AsyncClient, box: MailboxCapability, *bodies: bytes) -> list[int]:
    r = await http.post(messages_path(box), json=append_body(box, list(bodies)))
    assert r.status_code == 200, r.text
    return r.json()["cursors"]


@contextlib.asynccontextmanager
async def subscribe(http: httpx.AsyncClient, *subs: tuple[MailboxCapability, int]
                    ) -> AsyncIterator[EventReader]:
    body = {"mailboxes": [subscribe_entry(box, after, int(time.time())) for box, after in subs]}
    async with http.stream("POST", "/v1/subscribe", json=body) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        yield EventReader(response)


async def test_backlog_then_synced_then_live_messages_of_many_mailboxes(
        http: httpx.AsyncClient) -> None:
    await append(http, A, b"a1", b"a2", b"a3")
    await append(http, B, b"b1")
    async with subscribe(http, (A, 1), (B, 0)) as events:
        backlog = await events.until("synced")
        assert [(n, d.get("cursor")) for n, d in backlog] == [
            ("message", 2), ("message", 3), ("message", 1), ("synced", None)]
        await append(http, B, b"b2")
        await append(http, A, b"a4")
        live = await events.messages(2)
        assert live == [(b64e(B.mailbox), 2, b"b2"), (b64e(A.mailbox), 4, b"a4")]


async def test_resume_by_cursor_after_a_dropped_connection(http: httpx.AsyncClient) -> None:
    await append(http, A, b"1", b"2")
    async with subscribe(http, (A, 0)) as events:
        got = await events.messages(2)
    last = got[-1][1]
    await append(http, A, b"3", b"4")          # sent while nobody listens
    async with subscribe(http, (A, last)) as events:
        await append(http, A, b"5")
        resumed = await events.messages(3)
    assert [(c, b) for _, c, b in got + resumed] == [(1, b"1"), (2, b"2"), (3, b"3"),
                                                    (4, b"4"), (5, b"5")]


async def test_resume_after_the_relay_restarts(relay: RelayThread,
                                               http: httpx.AsyncClient) -> None:
    await append(http, A, b"before")
    async with subscribe(http, (A, 0)) as events:
        [(_, last, _)] = await events.messages(1)
        await asyncio.to_thread(relay.stop)
        with pytest.raises((StreamEnded, httpx.HTTPError)):
            while True:
                await events.next()
    await asyncio.to_thread(relay.start)
    async with httpx.AsyncClient(base_url=relay.url, timeout=10) as fresh:
        await append(fresh, A, b"after")
        async with subscribe(fresh, (A, last)) as events:
            assert await events.messages(1) == [(b64e(A.mailbox), 2, b"after")]


async def test_closing_a_mailbox_is_pushed(http: httpx.AsyncClient) -> None:
    async with subscribe(http, (A, 0), (B, 0)) as events:
        await events.until("synced")
        r = await http.delete(f"/v1/mailboxes/{b64e(A.mailbox)}",
                              headers=proof_headers(close_proof(A, int(time.time()))))
        assert r.status_code == 200
        assert await events.until("closed") == [("closed", {"mailbox": b64e(A.mailbox)})]


async def test_idle_streams_get_pings(http: httpx.AsyncClient) -> None:
    async with subscribe(http, (A, 0)) as events:
        await events.until("synced")
        assert await events.next(timeout=3) == (":", "ping")


async def test_a_reader_that_stops_reading_is_dropped_and_resumes_without_gaps(
        relay: RelayThread, http: httpx.AsyncClient) -> None:
    # A raw socket with a tiny receive buffer that never reads: the relay must cut it off
    # rather than queue without bound.
    body = json.dumps({"mailboxes": [subscribe_entry(A, 0, int(time.time()))]}).encode()
    request = (b"POST /v1/subscribe HTTP/1.1\r\nhost: relay\r\ncontent-type: "
               b"application/json\r\ncontent-length: %d\r\n\r\n" % len(body)) + body
    stalled = socket.socket()
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect(("127.0.0.1", relay.port))
    stalled.sendall(request)
    big = [bytes([i % 251 + 1]) * 60_000 for i in range(200)]
    dropped = False
    for i in range(0, len(big), 4):
        await append(http, A, *big[i:i + 4])
        if relay.relay.metrics.push_dropped_slow:
            dropped = True
            break
    assert dropped
    assert relay.relay.metrics.push_connections == 0
    stalled.setblocking(False)
    with contextlib.suppress(BlockingIOError):
        while stalled.recv(1 << 20):     # drain what the kernel buffered, then EOF
            pass
    stalled.close()
    stored = i + 4
    async with subscribe(http, (A, 0)) as events:
        got = await events.messages(stored)
    assert [c for _, c, _ in got] == list(range(1, stored + 1))
    assert [b for _, _, b in got] == big[:stored]


async def test_a_burst_larger_than_the_queue_reaches_a_reader_that_keeps_up(
        relay: RelayThread, http: httpx.AsyncClient) -> None:
    async with subscribe(http, (A, 0)) as events:
        await events.until("synced")
        await append(http, A, *(b"m%d" % i for i in range(20)))   # 20 frames, queue of 8
        got = await events.messages(20)
    assert [c for _, c, _ in got] == list(range(1, 21))
    assert relay.relay.metrics.push_dropped_slow == 0


async def test_stopping_the_relay_ends_open_streams_promptly(relay: RelayThread,
                                                             http: httpx.AsyncClient) -> None:
    async with subscribe(http, (A, 0)) as events:
        await events.until("synced")
        start = time.monotonic()
        await asyncio.to_thread(relay.stop)
        assert time.monotonic() - start < 5
        with pytest.raises((StreamEnded, httpx.HTTPError)):
            while True:
                await events.next()
