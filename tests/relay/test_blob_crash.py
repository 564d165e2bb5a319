"""kill -9 of the relay while chunks are uploaded: after a restart every acknowledged chunk
is listed by resume and served byte for byte, and the upload completes from there."""
from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from crypto.files import blob_size_for
from tests.relay.process import start_relay, stop_relay
from tests.relay.test_blobs import Blob
from tests.relay.wire import cap, create_body

pytestmark = pytest.mark.slow


async def _upload_until_killed(url: str, blob: Blob, acked: set[int],
                               proc_pid: int) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:
        assert (await client.post("/v1/mailboxes", json=create_body(blob.box))).status_code == 201
        r = await client.post("/v1/blobs", json=blob.create_body())
        n = r.json()["chunks"]

        async def one(i: int) -> None:
            path, headers, data = blob.put(i)
            try:
                r = await client.put(path, headers=headers, content=data)
            except httpx.HTTPError:
                return
            if r.status_code == 200:
                acked.add(i)
                if len(acked) == n // 2:
                    os.kill(proc_pid, signal.SIGKILL)

        await asyncio.gather(*(one(i) for i in range(n)))


def test_kill_9_during_an_upload_loses_no_acknowledged_chunk(tmp_path: Path) -> None:
    data = tmp_path / "relay"
    proc, url, _ = start_relay(data)
    blob = Blob(cap(f"crash-{os.urandom(4).hex()}"), blob_size_for(12 << 20))
    acked: set[int] = set()
    asyncio.run(_upload_until_killed(url, blob, acked, proc.pid))
    proc.wait(timeout=20)
    assert acked, "nothing was acknowledged before the kill"
    proc, url, _ = start_relay(data)
    try:
        with httpx.Client(base_url=url, timeout=10) as client:
            stored = client.get(blob.path + "/chunks",
                                headers=blob.read_headers(int(time.time()))).json()["stored"]
            assert acked <= set(stored)
            n = -(-blob.size // (1 << 20))
            for i in range(n):
                if i not in stored:
                    path, headers, chunk = blob.put(i)
                    assert client.put(path, headers=headers, content=chunk).status_code == 200
            r = client.get(blob.path, headers=blob.read_headers(int(time.time())))
            assert r.status_code == 200 and r.content == blob.data
    finally:
        stop_relay(proc)
