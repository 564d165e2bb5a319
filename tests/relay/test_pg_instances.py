"""Two relay instances on one PostgreSQL database: push streams on one instance receive
what is appended on the other, in cursor order, without gaps or duplicates."""
from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from relay.config import Limits
from relay.testing import RelayThread
from tests.relay import pg
from tests.relay.test_loopback import append, subscribe
from tests.relay.wire import (
    append_body,
    cap,
    close_proof,
    create_body,
    messages_path,
    proof_headers,
)

A = cap("pg-multi")


@pytest.fixture
def relays(tmp_path: Path) -> Iterator[tuple[RelayThread, RelayThread]]:
    # no pings: a missing message must time the reader out, not be hidden behind pings
    limits = Limits(ping_seconds=300, rate_burst=100_000)
    with pg.schema() as schema:
        url = pg.relay_url(schema)
        with RelayThread(tmp_path / "a", limits=limits, database=url) as one, \
                RelayThread(tmp_path / "b", limits=limits, database=url) as two:
            yield one, two


@pytest.fixture
async def clients(relays: tuple[RelayThread, RelayThread]
                  ) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    async with httpx.AsyncClient(base_url=relays[0].url, timeout=10) as one, \
            httpx.AsyncClient(base_url=relays[1].url, timeout=10) as two:
        assert (await one.post("/v1/mailboxes", json=create_body(A))).status_code == 201
        yield one, two


async def test_a_stream_on_one_instance_gets_what_the_other_stores(clients) -> None:
    one, two = clients
    await append(one, A, b"before")
    async with subscribe(two, (A, 0)) as events:
        assert [e for e, _ in await events.until("synced")] == ["message", "synced"]
        await append(one, A, b"from-one")
        got = await events.messages(1)
        assert got[0][1:] == (2, b"from-one")
    page = (await two.get("/metrics")).text
    assert "wakeup_lag_seconds_count 0" not in page and "wakeup_lag_seconds_count" in page
    assert "db_pool_connections" in page


async def test_interleaved_appends_on_both_instances_arrive_once_in_order(clients) -> None:
    one, two = clients
    async with subscribe(two, (A, 0)) as on_two, subscribe(one, (A, 0)) as on_one:
        await on_two.until("synced")
        await on_one.until("synced")

        async def writer(http: httpx.AsyncClient, tag: str) -> None:
            for n in range(20):
                await append(http, A, f"{tag}{n}a".encode(), f"{tag}{n}b".encode())

        await asyncio.gather(writer(one, "x"), writer(two, "y"))
        for events in (on_two, on_one):
            got = await events.messages(80, timeout=10)
            assert [c for _, c, _ in got] == list(range(1, 81))


async def test_closing_on_one_instance_is_pushed_by_the_other(clients) -> None:
    one, two = clients
    async with subscribe(two, (A, 0)) as events:
        await events.until("synced")
        proof = close_proof(A, int(time.time()))
        r = await one.delete(messages_path(A).rsplit("/", 1)[0], headers=proof_headers(proof))
        assert r.status_code == 200
        assert (await events.until("closed"))[-1][0] == "closed"


async def test_lost_database_connections_answer_503_then_recover_by_themselves(
        relays: tuple[RelayThread, RelayThread], clients) -> None:
    """Every connection of both instances is cut (as a PostgreSQL restart does): requests
    answer 503 with Retry-After or succeed, never 500, and both instances recover, push
    included, without being restarted."""
    one, two = clients
    async with subscribe(two, (A, 0)) as events:
        await events.until("synced")
        assert pg.terminate_relay_connections(relays[0].database) >= 4
        statuses = set()
        for n in range(20):
            r = await one.post(messages_path(A), json=append_body(A, [f"m{n}".encode()]))
            statuses.add(r.status_code)
            if r.status_code == 503:
                assert int(r.headers["retry-after"]) >= 1
            elif r.status_code == 200:
                break
            await asyncio.sleep(0.1)
        assert statuses <= {200, 503} and 200 in statuses
        assert (await two.get("/healthz")).status_code == 200
        got = await events.messages(1, timeout=10)
        assert got[0][1] == 1


async def test_a_burst_larger_than_a_page_reaches_the_other_instance(tmp_path: Path) -> None:
    """The other instance reads a notified mailbox page by page: a page cut by its byte
    limit is followed by the next one, without waiting for another notification."""
    limits = Limits(ping_seconds=300, rate_burst=100_000, fetch_max_bytes=4096)
    bodies = [bytes([n]) * 1500 for n in range(6)]        # 9 KB: three pages of two
    with pg.schema() as schema:
        url = pg.relay_url(schema)
        with RelayThread(tmp_path / "a", limits=limits, database=url) as a, \
                RelayThread(tmp_path / "b", limits=limits, database=url) as b:
            async with httpx.AsyncClient(base_url=a.url, timeout=10) as one, \
                    httpx.AsyncClient(base_url=b.url, timeout=10) as two:
                assert (await one.post("/v1/mailboxes", json=create_body(A))).status_code == 201
                async with subscribe(two, (A, 0)) as events:
                    await events.until("synced")
                    await append(one, A, *bodies)
                    got = await events.messages(6, timeout=10)
                    assert [(c, body) for _, c, body in got] == list(enumerate(bodies, 1))
