"""Blob routes (docs/protocol.md §15.3) on each storage backend: create with a padded size,
idempotent chunk upload, resume, ranged download, delete, the limits (413/429/403 with one
sentence), a closed epoch, retention of stalled uploads, and /metrics aggregates."""
from __future__ import annotations

import hashlib
import os
import time
from typing import Any

import httpx
import pytest

from crypto.files import RELAY_CHUNK, blob_size_for, read_public, read_seed
from crypto.relay_wire import (
    MailboxCapability,
    b64e,
    blob_create_message,
    blob_delete_message,
    blob_put_message,
    blob_read_message,
    sign,
)
from relay.config import Limits, RelayConfig
from tests.relay.wire import cap, close_proof, create_body, fresh_nonce, proof_headers

pytestmark = pytest.mark.usefixtures("backend")


class Blob:
    def __init__(self, box: MailboxCapability, size: int) -> None:
        self.box = box
        self.id = os.urandom(32)
        self.key = os.urandom(32)
        self.delete_seed = os.urandom(32)
        self.size = size
        self.data = os.urandom(size)

    def create_body(self, size: int | None = None) -> dict[str, Any]:
        from nacl.signing import SigningKey
        size = self.size if size is None else size
        delete_pk = bytes(SigningKey(self.delete_seed).verify_key)
        sig = sign(self.box.write_seed, blob_create_message(
            self.box.mailbox, self.id, size, read_public(self.key), delete_pk))
        return {"mailbox": b64e(self.box.mailbox), "blob": b64e(self.id), "size": size,
                "read_pk": b64e(read_public(self.key)), "delete_pk": b64e(delete_pk),
                "sig": b64e(sig)}

    def chunk(self, index: int) -> bytes:
        return self.data[index * RELAY_CHUNK:(index + 1) * RELAY_CHUNK]

    def put(self, index: int, data: bytes | None = None,
            seed: bytes | None = None) -> tuple[str, dict[str, str], bytes]:
        data = self.chunk(index) if data is None else data
        sig = sign(seed or self.box.write_seed, blob_put_message(self.id, index, data))
        return (f"/v1/blobs/{b64e(self.id)}/chunks/{index}", {"X-Coterie-Sig": b64e(sig)},
                data)

    def read_headers(self, now: int | None = None) -> dict[str, str]:
        now = int(time.time()) if now is None else now
        nonce = fresh_nonce()
        proof = sign(read_seed(self.key), blob_read_message(self.id, now, nonce))
        return {"X-Coterie-Time": str(now), "X-Coterie-Nonce": b64e(nonce),
                "X-Coterie-Proof": b64e(proof)}

    def delete_headers(self) -> dict[str, str]:
        now, nonce = int(time.time()), fresh_nonce()
        proof = sign(self.delete_seed, blob_delete_message(self.id, now, nonce))
        return {"X-Coterie-Time": str(now), "X-Coterie-Nonce": b64e(nonce),
                "X-Coterie-Proof": b64e(proof)}

    @property
    def path(self) -> str:
        return f"/v1/blobs/{b64e(self.id)}"


async def _mailbox(client: httpx.AsyncClient, name: str) -> MailboxCapability:
    box = cap(f"{name}-{os.urandom(4).hex()}")
    assert (await client.post("/v1/mailboxes", json=create_body(box))).status_code == 201
    return box


async def _upload(client: httpx.AsyncClient, blob: Blob) -> None:
    r = await client.post("/v1/blobs", json=blob.create_body())
    assert r.status_code == 201, r.text
    n = r.json()["chunks"]
    for i in range(n):
        path, headers, data = blob.put(i)
        r = await client.put(path, headers=headers, content=data)
        assert r.status_code == 200, r.text
        assert r.json()["complete"] == (i == n - 1)


async def test_a_blob_goes_up_in_chunks_and_comes_back_whole(client: httpx.AsyncClient) -> None:
    box = await _mailbox(client, "up")
    blob = Blob(box, blob_size_for(2_500_000))
    await _upload(client, blob)
    r = await client.get(blob.path, headers=blob.read_headers())
    assert r.status_code == 200 and r.content == blob.data
    assert r.headers["accept-ranges"] == "bytes"


async def test_chunks_are_idempotent_and_resume_says_which_are_stored(
        client: httpx.AsyncClient) -> None:
    box = await _mailbox(client, "resume")
    blob = Blob(box, blob_size_for(3_000_000))
    assert (await client.post("/v1/blobs", json=blob.create_body())).status_code == 201
    assert (await client.post("/v1/blobs", json=blob.create_body())).status_code == 200
    for _ in range(2):
        path, headers, data = blob.put(1)
        assert (await client.put(path, headers=headers, content=data)).status_code == 200
    r = await client.get(blob.path + "/chunks", headers=blob.read_headers())
    assert r.json()["stored"] == [1] and r.json()["complete"] is False
    # not served until complete
    assert (await client.get(blob.path, headers=blob.read_headers())).status_code == 409
    path, headers, _ = blob.put(1, b"x" * RELAY_CHUNK)
    r = await client.put(path, headers=headers, content=b"x" * RELAY_CHUNK)
    assert r.status_code == 409 and r.json() == {"error": r.json()["error"]}


async def test_ranges_are_served(client: httpx.AsyncClient) -> None:
    box = await _mailbox(client, "range")
    blob = Blob(box, blob_size_for(1_500_000))
    await _upload(client, blob)
    for rng, lo, hi in (("bytes=0-9", 0, 10), (f"bytes={RELAY_CHUNK - 5}-{RELAY_CHUNK + 4}",
                                                RELAY_CHUNK - 5, RELAY_CHUNK + 5),
                        ("bytes=1000000-", 1000000, blob.size), ("bytes=-7", blob.size - 7,
                                                                  blob.size)):
        r = await client.get(blob.path, headers={**blob.read_headers(), "Range": rng})
        assert r.status_code == 206 and r.content == blob.data[lo:hi], rng
        assert r.headers["content-range"] == f"bytes {lo}-{hi - 1}/{blob.size}"
    r = await client.get(blob.path, headers={**blob.read_headers(),
                                             "Range": f"bytes={blob.size}-"})
    assert r.status_code == 416


async def test_only_bucket_sizes_under_the_limit_are_accepted(
        client: httpx.AsyncClient) -> None:
    box = await _mailbox(client, "sizes")
    blob = Blob(box, 16384)
    r = await client.post("/v1/blobs", json=blob.create_body(16385))
    assert r.status_code == 400 and "padded" in r.json()["error"]
    r = await client.post("/v1/blobs", json=blob.create_body(blob_size_for(100 << 20) + 4096))
    assert r.status_code in (400, 413)


async def test_without_the_write_key_nothing_is_stored(client: httpx.AsyncClient) -> None:
    box = await _mailbox(client, "auth")
    other = await _mailbox(client, "other")
    blob = Blob(other, 16384)
    body = blob.create_body()
    body["mailbox"] = b64e(box.mailbox)             # signed for another mailbox
    r = await client.post("/v1/blobs", json=body)
    assert r.status_code == 403 and r.json()["error"].endswith(".")
    blob = Blob(box, 16384)
    assert (await client.post("/v1/blobs", json=blob.create_body())).status_code == 201
    path, headers, data = blob.put(0, seed=other.write_seed)   # a removed member's old key
    assert (await client.put(path, headers=headers, content=data)).status_code == 403
    # reading needs the blob's own read key; a replayed proof is refused
    bad = Blob(box, 16384)
    bad.id = blob.id
    assert (await client.get(blob.path + "/chunks",
                             headers=bad.read_headers())).status_code == 403
    headers = blob.read_headers()
    assert (await client.get(blob.path + "/chunks", headers=headers)).status_code == 200
    assert (await client.get(blob.path + "/chunks", headers=headers)).status_code == 403


async def test_the_quota_per_mailbox_answers_429(tmp_path: Any) -> None:
    from relay.app import create_app
    app = create_app(RelayConfig(data_dir=tmp_path, limits=Limits(
        mailbox_max_blob_bytes=40_000)))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://relay.test") as client:
        box = await _mailbox(client, "quota")
        assert (await client.post("/v1/blobs", json=Blob(box, 16384).create_body())
                ).status_code == 201
        r = await client.post("/v1/blobs", json=Blob(box, 24576).create_body())
        assert r.status_code == 429 and "retry-after" in r.headers
        assert r.json()["error"].count(".") == 1
        r = await client.post("/v1/blobs", json=Blob(box, blob_size_for(5 << 20)).create_body())
        assert r.status_code == 429
    await app.state.relay.shutdown()


async def test_the_file_limit_answers_413(tmp_path: Any) -> None:
    from relay.app import create_app
    app = create_app(RelayConfig(data_dir=tmp_path, limits=Limits(max_blob_bytes=1 << 20)))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://relay.test") as client:
        box = await _mailbox(client, "limit")
        r = await client.post("/v1/blobs",
                              json=Blob(box, blob_size_for(2 << 20)).create_body())
        assert r.status_code == 413 and r.json()["error"].endswith(".")
    await app.state.relay.shutdown()


async def test_a_closed_epoch_closes_its_blobs(client: httpx.AsyncClient) -> None:
    box = await _mailbox(client, "closed")
    blob = Blob(box, 16384)
    await _upload(client, blob)
    now = int(time.time())
    assert (await client.delete(f"/v1/mailboxes/{b64e(box.mailbox)}",
                                headers=proof_headers(close_proof(box, now)))).status_code == 200
    r = await client.get(blob.path, headers=blob.read_headers())
    assert r.status_code == 410
    assert (await client.post("/v1/blobs", json=Blob(box, 16384).create_body())
            ).status_code == 410


async def test_the_uploader_deletes_and_no_one_else(client: httpx.AsyncClient) -> None:
    box = await _mailbox(client, "delete")
    blob = Blob(box, 16384)
    await _upload(client, blob)
    impostor = Blob(box, 16384)
    impostor.id = blob.id
    assert (await client.delete(blob.path, headers=impostor.delete_headers())).status_code == 403
    assert (await client.delete(blob.path, headers=blob.delete_headers())).status_code == 200
    assert (await client.get(blob.path, headers=blob.read_headers())).status_code == 404
    assert not client.relay.blobs.files.path(blob.id).exists()  # type: ignore[attr-defined]


async def test_stalled_uploads_are_swept_and_metrics_count_blobs(
        client: httpx.AsyncClient) -> None:
    relay = client.relay  # type: ignore[attr-defined]
    box = await _mailbox(client, "stall")
    done, stalled = Blob(box, 16384), Blob(box, blob_size_for(2_000_000))
    await _upload(client, done)
    assert (await client.post("/v1/blobs", json=stalled.create_body())).status_code == 201
    path, headers, data = stalled.put(0)
    assert (await client.put(path, headers=headers, content=data)).status_code == 200
    text = relay.blobs.metrics_text()
    assert "coterie_relay_blobs 2" in text and "coterie_relay_blobs_uploading 1" in text
    assert b64e(box.mailbox) not in text
    real = relay.core.clock
    relay.core.clock = lambda: real() + relay.config.limits.blob_stall_seconds + 10
    try:
        assert relay.blobs.sweep_once() == 1
    finally:
        relay.core.clock = real
    assert relay.blobs.index.get(stalled.id) is None and relay.blobs.index.get(done.id)
    assert not relay.blobs.files.path(stalled.id).exists()


async def test_stored_files_are_the_chunks_and_nothing_else(client: httpx.AsyncClient) -> None:
    relay = client.relay  # type: ignore[attr-defined]
    box = await _mailbox(client, "files")
    blob = Blob(box, blob_size_for(1_200_000))
    await _upload(client, blob)
    path = relay.blobs.files.path(blob.id)
    assert [p.name for p in path.parent.iterdir()] == [f"{blob.id.hex()}.blob"]
    assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(blob.data).digest()


async def test_openapi_lists_the_blob_routes(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert {"/v1/blobs", "/v1/blobs/{blob}", "/v1/blobs/{blob}/chunks",
            "/v1/blobs/{blob}/chunks/{index}"} <= set(paths)
