"""kill -9 of one of two relay instances sharing PostgreSQL while clients append: the
other instance serves every acknowledged message exactly once at its cursor, and a retry
sent there gets the original cursor."""
from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import httpx
import pytest

from tests.relay import pg
from tests.relay.process import start_relay, stop_relay
from tests.relay.test_crash import BOXES, fetch_all, hammer
from tests.relay.wire import append_body, create_body, messages_path

pytestmark = pytest.mark.slow


async def test_killing_one_instance_loses_nothing_acknowledged(tmp_path: Path) -> None:
    config = tmp_path / "relay.toml"
    config.write_text("[limits]\nrate_per_second = 1000000\nrate_burst = 1000000\n")
    with pg.schema() as schema:
        args = ("--config", str(config), "--database", pg.relay_url(schema))
        victim, victim_url, _ = start_relay(tmp_path, *args)
        survivor, survivor_url, _ = start_relay(tmp_path, *args)
        try:
            async with httpx.AsyncClient(base_url=victim_url) as client:
                for box in BOXES:
                    r = await client.post("/v1/mailboxes", json=create_body(box))
                    assert r.status_code == 201
            acked: dict[bytes, tuple[int, int]] = {}
            stop = asyncio.Event()
            task = asyncio.create_task(hammer(victim_url, acked, stop))
            while len(acked) < 500:
                await asyncio.sleep(0.05)
            os.kill(victim.pid, signal.SIGKILL)      # appends are still arriving
            assert victim.wait(20) == -signal.SIGKILL
            stop.set()
            await task
            stored = await fetch_all(survivor_url)
            for body, (box_index, cursor) in acked.items():
                assert stored[box_index].get(cursor) == body
            for box_stored in stored:
                assert len(set(box_stored.values())) == len(box_stored)   # exactly once
                assert sorted(box_stored) == list(range(1, len(box_stored) + 1))
            body, (box_index, cursor) = next(iter(acked.items()))
            box = BOXES[box_index]
            async with httpx.AsyncClient(base_url=survivor_url) as client:
                r = await client.post(messages_path(box), json=append_body(box, [body]))
                assert r.json() == {"cursors": [cursor]}
        finally:
            if victim.poll() is None:
                victim.kill()
            code, _, err = stop_relay(survivor)
        assert code == 0, err
