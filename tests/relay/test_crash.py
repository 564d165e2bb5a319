"""kill -9 (or SIGTERM) the relay while clients append, on SQLite and on PostgreSQL; after a
restart every acknowledged message is there exactly once, retries get their original
cursors, and the database is intact. SIGTERM must also end the process cleanly, with every append in flight finished."""
from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from crypto.relay_wire import b64d
from tests.relay import pg
from tests.relay.process import start_relay
from tests.relay.wire import append_body, cap, create_body, messages_path, proof_headers, read_proof

pytestmark = pytest.mark.slow
BOXES = [cap(f"crash-{i}") for i in range(3)]
WRITERS = 12


async def hammer(url: str, acked: dict[bytes, tuple[int, int]], stop: asyncio.Event) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=5) as client:
        async def writer(w: int) -> None:
            n = 0
            while not stop.is_set():
                box_index = (w + n) % len(BOXES)
                box = BOXES[box_index]
                bodies = [f"w{w}-n{n}-{k}".encode() for k in range(1 + n % 3)]
                n += 1
                try:
                    r = await client.post(messages_path(box), json=append_body(box, bodies))
                except httpx.HTTPError:
                    return      # the relay died under us
                if r.status_code == 200:
                    for body, cursor in zip(bodies, r.json()["cursors"], strict=True):
                        acked[body] = (box_index, cursor)
        await asyncio.gather(*(writer(w) for w in range(WRITERS)))


async def fetch_all(url: str) -> list[dict[int, bytes]]:
    out = []
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:
        for box in BOXES:
            stored: dict[int, bytes] = {}
            after, more = 0, True
            while more:
                r = await client.get(messages_path(box), params={"after": after},
                                     headers=proof_headers(read_proof(box, int(time.time()))))
                data = r.json()
                for m in data["messages"]:
                    stored[m["cursor"]] = b64d(m["body"])
                after, more = data["next"], data["more"]
            out.append(stored)
    return out


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest) -> Iterator[tuple[str, ...]]:
    """Extra relay arguments: none (SQLite in the data dir), or a fresh PostgreSQL schema
    that the restarted relay finds again."""
    if request.param == "sqlite":
        yield ()
        return
    with pg.schema() as schema:
        yield ("--database", pg.relay_url(schema))


@pytest.mark.parametrize("stop_signal", [signal.SIGKILL, signal.SIGTERM],
                         ids=["kill-9", "sigterm"])
async def test_acknowledged_appends_survive_the_relay_stopping(
        tmp_path: Path, stop_signal: int, database: tuple[str, ...]) -> None:
    config = tmp_path / "relay.toml"     # no rate limit: as many appends in flight as possible
    config.write_text("[limits]\nrate_per_second = 1000000\nrate_burst = 1000000\n")
    proc, url, _ = start_relay(tmp_path, "--config", str(config), *database)
    try:
        async with httpx.AsyncClient(base_url=url) as client:
            for box in BOXES:
                assert (await client.post("/v1/mailboxes", json=create_body(box))).status_code == 201
        acked: dict[bytes, tuple[int, int]] = {}
        stop = asyncio.Event()
        task = asyncio.create_task(hammer(url, acked, stop))
        while len(acked) < 1000:
            await asyncio.sleep(0.05)
        os.kill(proc.pid, stop_signal)      # mid-flight: appends are still arriving
        code = proc.wait(20)
        assert code == (0 if stop_signal == signal.SIGTERM else -signal.SIGKILL)
        stop.set()
        await task
    finally:
        if proc.poll() is None:
            proc.kill()
    proc, url, _ = start_relay(tmp_path, *database)
    try:
        stored = await fetch_all(url)
        for body, (box_index, cursor) in acked.items():
            assert stored[box_index].get(cursor) == body
        for box_stored in stored:
            bodies = list(box_stored.values())
            assert len(bodies) == len(set(bodies))              # exactly once
            assert sorted(box_stored) == list(range(1, len(box_stored) + 1))
        async with httpx.AsyncClient(base_url=url) as client:  # a retry keeps its cursor
            body, (box_index, cursor) = next(iter(acked.items()))
            box = BOXES[box_index]
            r = await client.post(messages_path(box), json=append_body(box, [body]))
            assert r.json() == {"cursors": [cursor]}
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    if database:
        return
    with sqlite3.connect(tmp_path / "relay.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
