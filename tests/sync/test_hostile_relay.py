"""A relay that sends too much, too deep or too slowly: every read is capped, and the excess
is reported as relay misbehaviour (never a crash, never a hang, never unbounded memory)."""
from __future__ import annotations

import asyncio
import gzip
import itertools
import os
import threading
import time
from collections.abc import AsyncIterator

import pytest
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from crypto.relay_wire import b64e
from sync.engine import READ_MAX_PAGES, SyncEngine
from sync.errors import (
    ReadCancelled,
    RelayOverflow,
    RelayProtocolError,
    RelayUnreachable,
    UnknownMailbox,
)
from sync.limits import MAX_ANSWER_BYTES, MAX_SSE_EVENT, MAX_SSE_LINE
from sync.transport import RelayClient
from sync.values import MailboxSpec, Subscription
from tests.sync.app_double import RecordingApp
from tests.sync.caps import cap
from tests.sync.hostile import (
    MESSAGES,
    Handler,
    HostileRelay,
    endless,
    lines_forever,
    numbered,
    page,
)

A = cap("a")
TOO_MANY = "The relay sent more messages than were asked for."

pytestmark = pytest.mark.timeout(60)


def client(url: str, **kwargs: float) -> RelayClient:
    return RelayClient(url, clock=time.time, rng=os.urandom, **kwargs)


async def follow(relay: HostileRelay) -> None:
    c = client(relay.url)
    try:
        async for _event in c.subscribe([(A, 0)]):
            pass
    finally:
        await c.aclose()


async def fetch(relay: HostileRelay, limit: int = 10, **kwargs: float) -> None:
    c = client(relay.url, **kwargs)
    try:
        await c.fetch(A, 0, limit)
    finally:
        await c.aclose()


# -- the transport ------------------------------------------------------------------------

async def test_an_endless_fetch_answer_is_refused_at_its_cap() -> None:
    sent = [0]
    with HostileRelay({MESSAGES: endless(b"A" * 65536, b'{"messages": ["', sent)}) as relay:
        started = time.monotonic()
        with pytest.raises(RelayOverflow):
            await fetch(relay)
        assert time.monotonic() - started < 20
    assert sent[0] > 0


async def test_an_answer_announcing_more_than_its_cap_is_refused() -> None:
    async def huge_cursors(request: Request) -> Response:
        return Response(b" " * (MAX_ANSWER_BYTES + 1), media_type="application/json")

    with HostileRelay({MESSAGES: huge_cursors}) as relay:
        c = client(relay.url)
        try:
            with pytest.raises(RelayOverflow):
                await c.append(A, [b"one"])
        finally:
            await c.aclose()


async def test_a_page_with_more_messages_than_asked_for_is_refused() -> None:
    with HostileRelay({MESSAGES: page(lambda after, limit: numbered(after, limit + 1))}) as relay:
        with pytest.raises(RelayOverflow, match="more messages than were asked for"):
            await fetch(relay, limit=10)


@pytest.mark.parametrize("cursor", [0, 1 << 63, 1 << 70, -5], ids=str)
async def test_a_position_outside_the_relay_counter_is_a_protocol_error(cursor: int) -> None:
    listed = [{"cursor": cursor, "body": "AAAA"}]
    with HostileRelay({MESSAGES: page(lambda after, limit: listed)}) as relay:
        with pytest.raises(RelayProtocolError, match="out of order"):
            await fetch(relay)


async def test_a_push_line_that_never_ends_is_refused() -> None:
    lines = itertools.chain([b"data: "], itertools.repeat(b"A" * 65536))
    with HostileRelay({"/v1/subscribe": lines_forever(lines)}) as relay:
        with pytest.raises(RelayOverflow, match="line"):
            await follow(relay)


async def test_a_push_event_that_never_ends_is_refused() -> None:
    line = b"data: " + b"A" * 1000 + b"\n"     # short lines, but never the blank one
    with HostileRelay({"/v1/subscribe": lines_forever(itertools.repeat(line))}) as relay:
        with pytest.raises(RelayOverflow, match="event"):
            await follow(relay)


async def test_json_nested_beyond_the_parser_is_a_protocol_error_not_a_crash() -> None:
    async def deep(request: Request) -> Response:
        return Response(b"[" * 200_000, media_type="application/json")

    deep_event = b"event: message\ndata: " + b"[" * 60_000 + b"\n\n"
    with HostileRelay({MESSAGES: deep,
                       "/v1/subscribe": lines_forever(iter([deep_event]))}) as relay:
        with pytest.raises(RelayProtocolError, match="other than JSON"):
            await fetch(relay)
        with pytest.raises(RelayProtocolError, match="malformed event"):
            await follow(relay)


async def test_a_trickled_answer_ends_at_the_total_timeout() -> None:
    async def trickle(request: Request) -> Response:
        async def body() -> AsyncIterator[bytes]:
            while not await request.is_disconnected():
                yield b" "
                await asyncio.sleep(0.1)
        return StreamingResponse(body(), media_type="application/json")

    with HostileRelay({MESSAGES: trickle}) as relay:
        started = time.monotonic()
        with pytest.raises(RelayUnreachable, match="in time"):
            await fetch(relay, timeout=1.0, total_timeout=1.5)
        assert time.monotonic() - started < 5


async def test_a_compressed_answer_is_refused() -> None:
    async def zipped(request: Request) -> Response:
        bomb = gzip.compress(b" " * (64 << 20))   # 64 KiB on the wire, 64 MiB unpacked
        return Response(bomb, headers={"content-encoding": "gzip"},
                        media_type="application/json")

    with HostileRelay({MESSAGES: zipped}) as relay:
        with pytest.raises(RelayProtocolError, match="compressed"):
            await fetch(relay)


# -- the engine: a warning for the member, a backoff, no crash ------------------------------

def engine_on(relay: HostileRelay) -> tuple[RecordingApp, SyncEngine]:
    app = RecordingApp()
    engine = app.engine(lambda url: client(url, timeout=3.0, stream_idle_timeout=3.0),
                        backoff_base=0.05, backoff_cap=0.1)
    engine.set_mailboxes(relay.url, [Subscription(A, create=MailboxSpec())])
    return app, engine


def test_one_shot_sync_reports_an_overflowing_page_as_misbehaviour() -> None:
    with HostileRelay({MESSAGES: page(lambda after, limit: numbered(after, limit + 1))}) as relay:
        app, engine = engine_on(relay)
        result = engine.sync_once(timeout=10)
    assert result.unreachable == (relay.url,) and result.errors == ((relay.url, TOO_MANY),)
    assert app.anomalies == [TOO_MANY] and app.stored == []


def test_the_live_engine_warns_once_backs_off_and_keeps_running() -> None:
    with HostileRelay({MESSAGES: page(lambda after, limit: numbered(after, limit + 1))}) as relay:
        app, engine = engine_on(relay)
        engine.start()
        try:
            app.wait_for(lambda: sum(s.state == "offline" for s in app.states) >= 3)
            assert app.anomalies == [TOO_MANY]          # once, though every retry saw it
            assert all(s.detail == TOO_MANY for s in app.states if s.state == "offline")
        finally:
            started = time.monotonic()
            engine.stop()
            assert time.monotonic() - started < 2


def test_an_endless_push_line_is_reported_for_the_mailboxes_it_carried() -> None:
    lines = itertools.chain([b"data: "], itertools.repeat(b"A" * 65536))
    with HostileRelay({MESSAGES: page(lambda after, limit: []),
                       "/v1/subscribe": lines_forever(lines)}) as relay:
        app, engine = engine_on(relay)
        engine.start()
        try:
            app.wait_for(lambda: any(s.state == "offline" for s in app.states))
            assert app.anomalies == ["The relay pushed a line longer than any event can be."]
            assert app.stored == []
        finally:
            engine.stop()


def test_the_caps_leave_room_for_the_largest_honest_event() -> None:
    # A 65,536-byte envelope as base64 in a message event, with its JSON around it.
    mailbox, body = "M" * 43, "B" * 87_382
    honest_line = len(f'data: {{"mailbox": "{mailbox}", "cursor": 4294967296, "body": "{body}"}}')
    assert honest_line < MAX_SSE_LINE and honest_line < MAX_SSE_EVENT


# -- bounded reads outside the pipeline (joining with a link) -------------------------------

def endless_pages() -> dict[str, Handler]:
    return {MESSAGES: page(lambda after, limit: numbered(after, 1), more=True)}


@pytest.mark.parametrize("live", [False, True], ids=["idle-engine", "live-engine"])
def test_endless_pages_end_at_the_page_bound(live: bool) -> None:
    invite = cap("invite")
    with HostileRelay(endless_pages()) as relay:
        app, engine = engine_on(relay)
        if live:
            engine.start()
        try:
            with pytest.raises(RelayOverflow, match="kept sending pages"):
                for _page in engine.read_pages(relay.url, invite):
                    pass
        finally:
            engine.stop()
        path = f"/v1/mailboxes/{b64e(invite.mailbox)}/messages"
        assert relay.requests.count(path) == READ_MAX_PAGES


def test_slow_endless_pages_end_at_the_time_bound() -> None:
    async def slow(request: Request) -> Response:
        await asyncio.sleep(0.3)
        return await page(lambda after, limit: numbered(after, 1), more=True)(request)

    with HostileRelay({MESSAGES: slow}) as relay:
        _app, engine = engine_on(relay)
        started = time.monotonic()
        with pytest.raises(RelayUnreachable, match="in time"):
            for _page in engine.read_pages(relay.url, A, timeout=1.0):
                pass
        assert time.monotonic() - started < 2.5


@pytest.mark.parametrize("live", [False, True], ids=["idle-engine", "live-engine"])
def test_a_read_is_cancelled_in_mid_request(live: bool) -> None:
    async def silent(request: Request) -> Response:
        while not await request.is_disconnected():
            await asyncio.sleep(0.05)
        return Response(status_code=204)

    with HostileRelay({MESSAGES: silent}) as relay:
        _app, engine = engine_on(relay)
        if live:
            engine.start()
        cancel = threading.Event()
        threading.Timer(0.3, cancel.set).start()
        started = time.monotonic()
        try:
            with pytest.raises(ReadCancelled):
                for _page in engine.read_pages(relay.url, A, cancel=cancel):
                    pass
            assert time.monotonic() - started < 1.5
        finally:
            engine.stop()


def unknown_then_page(unknown: int) -> Handler:
    """404 for the first `unknown` reads (-1: always), then a last page of one message."""
    seen = [0]

    async def handler(request: Request) -> Response:
        seen[0] += 1
        if unknown < 0 or seen[0] <= unknown:
            return Response(b'{"error": "unknown mailbox"}', status_code=404)
        return await page(lambda after, limit: numbered(after, 1))(request)
    return handler


def test_a_mailbox_not_there_yet_is_asked_again_within_the_grace() -> None:
    with HostileRelay({MESSAGES: unknown_then_page(2)}) as relay:
        _app, engine = engine_on(relay)
        pages = list(engine.read_pages(relay.url, A, unknown_grace=3.0))
        assert [len(p.messages) for p in pages] == [1]
    with HostileRelay({MESSAGES: unknown_then_page(-1)}) as relay:
        _app, engine = engine_on(relay)
        started = time.monotonic()
        with pytest.raises(UnknownMailbox):
            list(engine.read_pages(relay.url, A, unknown_grace=0.6))
        assert time.monotonic() - started < 3
