"""The relay API v1 client against the real relay, in-process through httpx.ASGITransport."""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from crypto.relay_wire import MailboxCapability
from relay.app import create_app
from relay.config import Limits, RelayConfig
from sync.errors import (
    Forbidden,
    MailboxClosed,
    MailboxConflict,
    RateLimited,
    RelayProtocolError,
    RelayUnreachable,
    TooLarge,
    UnknownMailbox,
)
from sync.transport import RelayClient
from sync.values import MailboxSpec
from tests.sync.caps import cap
from tests.sync.conftest import free_port

URL = "http://relay.test"
A = cap("a")


@pytest.fixture
async def client(asgi_clients: Callable[..., RelayClient]) -> RelayClient:
    c = asgi_clients(URL)
    yield c
    await c.aclose()


async def test_create_is_idempotent_and_refuses_other_keys(client: RelayClient) -> None:
    assert await client.create_mailbox(A, MailboxSpec()) is True
    assert await client.create_mailbox(A, MailboxSpec()) is False
    impostor = MailboxCapability(A.mailbox, cap("x").write_seed, cap("x").read_seed)
    with pytest.raises(MailboxConflict):
        await client.create_mailbox(impostor, MailboxSpec())


async def test_append_returns_cursors_and_a_retry_returns_the_same_ones(
        client: RelayClient) -> None:
    await client.create_mailbox(A, MailboxSpec())
    first = await client.append(A, [b"one", b"two", b"three"])
    assert first == sorted(first) and len(set(first)) == 3
    assert await client.append(A, [b"two", b"three", b"four"]) == first[1:] + [first[2] + 1]


async def test_fetch_pages_through_everything_in_order(client: RelayClient) -> None:
    await client.create_mailbox(A, MailboxSpec())
    bodies = [b"m%03d" % n for n in range(25)]
    await client.append(A, bodies)
    seen, after, pages = [], 0, 0
    while True:
        page = await client.fetch(A, after, limit=10)
        pages += 1
        seen += [body for _cursor, body in page.messages]
        assert page.next == (page.messages[-1][0] if page.messages else after)
        after = page.next
        if not page.more:
            break
    assert seen == bodies and pages == 3 and not page.closed


async def test_unknown_mailbox_is_404(client: RelayClient) -> None:
    with pytest.raises(UnknownMailbox):
        await client.append(A, [b"x"])
    with pytest.raises(UnknownMailbox):
        await client.fetch(A, 0)


async def test_a_closed_mailbox_refuses_appends_with_410(client: RelayClient) -> None:
    await client.create_mailbox(A, MailboxSpec())
    await client.append(A, [b"before"])
    await client.close_mailbox(A)
    with pytest.raises(MailboxClosed) as caught:
        await client.append(A, [b"after"])
    assert caught.value.status == 410 and str(caught.value)
    page = await client.fetch(A, 0)
    assert page.closed and [b for _c, b in page.messages] == [b"before"]


async def test_a_wrong_write_key_is_403(client: RelayClient) -> None:
    await client.create_mailbox(A, MailboxSpec())
    forged = MailboxCapability(A.mailbox, cap("x").write_seed, A.read_seed)
    with pytest.raises(Forbidden):
        await client.append(forged, [b"x"])


async def test_a_read_proof_from_a_skewed_clock_is_403(asgi_clients: Callable[..., RelayClient],
                                                      client: RelayClient) -> None:
    await client.create_mailbox(A, MailboxSpec())
    skewed = asgi_clients(URL, clock=lambda: time.time() - 3600)
    with pytest.raises(Forbidden) as caught:
        await skewed.fetch(A, 0)
    assert caught.value.status == 403
    await skewed.aclose()


async def test_an_oversized_envelope_is_413(client: RelayClient) -> None:
    await client.create_mailbox(A, MailboxSpec())
    with pytest.raises(TooLarge):
        await client.append(A, [b"x" * 70_000])


async def test_nothing_listening_is_unreachable() -> None:
    client = RelayClient(f"http://127.0.0.1:{free_port()}", clock=time.time, rng=os.urandom,
                         timeout=2)
    with pytest.raises(RelayUnreachable):
        await client.append(A, [b"x"])
    assert await client.healthy() is False
    await client.aclose()


async def test_a_flood_is_429_with_the_relays_retry_after(tmp_path: Path) -> None:
    app = create_app(RelayConfig(data_dir=tmp_path / "limited",
                                 limits=Limits(rate_per_second=0.5, rate_burst=2)))
    client = RelayClient(URL, clock=time.time, rng=os.urandom,
                         transport=httpx.ASGITransport(app=app))
    await client.create_mailbox(A, MailboxSpec())
    await client.append(A, [b"x"])
    with pytest.raises(RateLimited) as caught:
        await client.append(A, [b"y"])
    assert caught.value.status == 429 and caught.value.retryable
    assert caught.value.retry_after is not None and 0 < caught.value.retry_after <= 3
    await client.aclose()
    await app.state.relay.shutdown()


async def test_a_server_that_is_not_a_relay_is_a_protocol_error() -> None:
    async def page(request: Request) -> Response:
        return HTMLResponse("<html>hello</html>")

    site = Starlette(routes=[Route("/{path:path}", page, methods=["GET", "POST"])])
    client = RelayClient(URL, clock=time.time, rng=os.urandom,
                         transport=httpx.ASGITransport(app=site))
    with pytest.raises(RelayProtocolError):
        await client.append(A, [b"x"])
    with pytest.raises(RelayProtocolError):
        await client.fetch(A, 0)
    await client.aclose()
