"""Hostile clients through the adapter: bodies, read proofs, the info routes, file modes."""
from __future__ import annotations

import asyncio
import logging
import os
import stat
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

import relay.core
from crypto.relay_wire import b64e
from relay import parse
from relay.app import create_app
from relay.config import Limits, RelayConfig
from relay.errors import BadRequest
from relay.storage import Storage
from tests.relay.wire import (
    append_body,
    cap,
    create_body,
    messages_path,
    proof_headers,
    read_proof,
    subscribe_entry,
)

A, B, C, D = cap("hostile-a"), cap("hostile-b"), cap("hostile-c"), cap("hostile-d")


def now() -> int:
    return int(time.time())


# Every test that builds a relay runs on SQLite and on PostgreSQL, but those about SQLite's
# own files and its read lock.
both = pytest.mark.usefixtures("backend")
StorageFactory = Callable[[], Storage | None]


@asynccontextmanager
async def relay_app(tmp_path: Path, limits: Limits,
                    storage: Storage | None = None) -> AsyncIterator[object]:
    app = create_app(RelayConfig(data_dir=tmp_path, limits=limits), storage=storage)
    try:
        yield app
    finally:
        await app.state.relay.shutdown()


def client_from(app: object, address: str) -> httpx.AsyncClient:
    """A client the relay sees as coming from `address`."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://relay.test")


async def create(c: httpx.AsyncClient, *boxes: object) -> None:
    for box in boxes:
        assert (await c.post("/v1/mailboxes", json=create_body(box))).status_code == 201


# -- bodies --------------------------------------------------------------------------------

@pytest.mark.parametrize("path,prefix,suffix", [
    ("/v1/mailboxes", b"", b""),
    (messages_path(A), b'{"messages":', b"}"),
    ("/v1/subscribe", b'{"mailboxes":', b"}"),
], ids=["create", "append", "subscribe"])
@both
async def test_a_large_deeply_nested_body_is_400_on_every_post_route(
        client: httpx.AsyncClient, path: str, prefix: bytes, suffix: bytes) -> None:
    await create(client, A)
    body = prefix + b"[" * 100_000 + b"]" * 100_000 + suffix   # parsed on a worker thread
    r = await client.post(path, content=body)
    assert r.status_code == 400, r.text
    assert r.json() == {"error": "The request body holds too many lists or objects."}


def test_nesting_past_the_parsers_bound_is_a_bad_request() -> None:
    with pytest.raises(BadRequest, match="nested too deeply"):
        parse.json_object(b"[" * 5000 + b"]" * 5000, max_items=10_000)


@both
async def test_a_body_of_many_tiny_values_is_refused_before_parsing(
        client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    await create(client, A)
    loads = []
    monkeypatch.setattr(parse, "json", SimpleNamespace(loads=loads.append))
    body = b'{"messages":[' + b",".join([b"1"] * 1_000_000) + b"]}"
    r = await client.post(messages_path(A), content=body)
    assert r.status_code == 413 and r.json() == {"error": "The request body holds too many values."}
    assert loads == []


async def test_a_large_body_costs_tokens_by_size(
        tmp_path: Path, relay_storage: StorageFactory) -> None:
    limits = Limits(rate_per_second=0.001, rate_burst=10, body_bytes_per_token=1000)
    async with relay_app(tmp_path, limits, relay_storage()) as app, \
            client_from(app, "10.0.0.1") as c:
        r = await c.post("/v1/mailboxes", content=b" " * 8_500 + b"{}")   # 1 + 8 tokens
        assert r.status_code == 400
        assert (await c.get("/v1/mailboxes/x/messages")).status_code == 400     # the 10th
        assert (await c.get("/v1/mailboxes/x/messages")).status_code == 429


@both
async def test_a_large_body_is_parsed_off_the_event_loop(
        client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    threads = []
    original = parse.json_object

    def spy(raw: bytes, max_items: int) -> dict:
        threads.append(threading.get_ident())
        return original(raw, max_items)

    monkeypatch.setattr(parse, "json_object", spy)
    await create(client, A)
    body = append_body(A, [os.urandom(40_000), os.urandom(40_000)])
    assert (await client.post(messages_path(A), json=body)).status_code == 200
    assert threads[0] == threading.get_ident()      # the small create: inline
    assert threads[1] != threading.get_ident()      # the large append: a worker thread


async def test_one_client_parses_one_large_body_at_a_time(
        tmp_path: Path, relay_storage: StorageFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    active, peak = [0], [0]
    lock = threading.Lock()
    original = parse.json_object

    def slow(raw: bytes, max_items: int) -> dict:   # holds its worker thread a while
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.2)
        with lock:
            active[0] -= 1
        return original(raw, max_items)

    monkeypatch.setattr(parse, "json_object", slow)
    body = b" " * 100_000 + b"{}"
    async with relay_app(tmp_path, Limits(), relay_storage()) as app, \
            client_from(app, "10.0.0.1") as one, \
            client_from(app, "10.0.0.2") as two:
        await asyncio.gather(*(one.post("/v1/mailboxes", content=body) for _ in range(3)))
        assert peak[0] == 1
        assert app.state.relay._parsing == {}      # nothing kept per idle client
        await asyncio.gather(one.post("/v1/mailboxes", content=body),
                             two.post("/v1/mailboxes", content=body))
        assert peak[0] == 2


async def test_a_body_that_trickles_in_gets_408(
        tmp_path: Path, relay_storage: StorageFactory) -> None:
    async with relay_app(tmp_path, Limits(body_timeout_seconds=0.3), relay_storage()) as app, \
            client_from(app, "10.0.0.1") as c:
        async def trickle() -> AsyncIterator[bytes]:
            yield b'{"mailbox":'
            await asyncio.sleep(5)
            yield b"}"

        r = await c.post("/v1/mailboxes", content=trickle())
        assert r.status_code == 408
        assert r.json() == {"error": "The request body arrived too slowly."}


# -- read proofs ---------------------------------------------------------------------------

def forged_entry(box: object) -> dict:
    return {**subscribe_entry(box, 0, now()), "proof": subscribe_entry(D, 0, now())["proof"]}


@both
async def test_a_refused_subscription_remembers_no_nonce(client: httpx.AsyncClient) -> None:
    await create(client, A, B)
    good = subscribe_entry(A, 0, now())
    r = await client.post("/v1/subscribe", json={"mailboxes": [good, forged_entry(B)]})
    assert r.status_code == 403
    assert len(client.relay.core.nonces) == 0   # type: ignore[attr-defined]
    storage = client.relay.storage   # type: ignore[attr-defined]
    if hasattr(storage, "pool"):     # PostgreSQL: none in the shared table either
        with storage.pool.connection() as conn:
            assert conn.execute("SELECT count(*) FROM used_nonces").fetchone() == (0,)
    # The good proof of the refused request is still good on its own.
    core = client.relay.core   # type: ignore[attr-defined]
    assert core.check_read(A.mailbox, parse.proof_fields(good)).mailbox == A.mailbox


async def test_a_subscription_costs_one_signature_token_per_mailbox(
        tmp_path: Path, relay_storage: StorageFactory) -> None:
    limits = Limits(verify_rate_per_second=0.001, verify_burst=6)
    async with relay_app(tmp_path, limits, relay_storage()) as app, \
            client_from(app, "10.0.0.1") as c:
        await create(c, A, B, C)
        entries = [subscribe_entry(A, 0, now()), subscribe_entry(B, 0, now()), forged_entry(C)]
        assert (await c.post("/v1/subscribe", json={"mailboxes": entries})).status_code == 403
        entries = [subscribe_entry(A, 0, now()), subscribe_entry(B, 0, now()), forged_entry(C),
                   subscribe_entry(D, 0, now())]
        r = await c.post("/v1/subscribe", json={"mailboxes": entries})
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert r.json() == {"error": "Too many signatures to check; slow down."}
        # Another client's budget is its own.
        async with client_from(app, "10.0.0.2") as other:
            r = await other.get(messages_path(A), headers=proof_headers(read_proof(A, now())))
            assert r.status_code == 200


async def test_an_append_costs_one_signature_token_per_message(
        tmp_path: Path, relay_storage: StorageFactory) -> None:
    limits = Limits(verify_rate_per_second=0.001, verify_burst=6)
    async with relay_app(tmp_path, limits, relay_storage()) as app, \
            client_from(app, "10.0.0.1") as c:
        await create(c, A)                                   # 1 signature
        ok = await c.post(messages_path(A), json=append_body(A, [b"1", b"2", b"3", b"4"]))
        assert ok.status_code == 200
        r = await c.post(messages_path(A), json=append_body(A, [b"5", b"6"]))
        assert r.status_code == 429
        assert r.json() == {"error": "Too many signatures to check; slow down."}


@both
async def test_pages_are_encoded_off_the_event_loop(
        client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    import relay.app
    import relay.stream

    threads: list[int] = []

    def spy(encode):   # noqa: ANN001, ANN202 - wraps an encoder, records its thread
        def wrapped(*args):   # noqa: ANN002, ANN202
            threads.append(threading.get_ident())
            return encode(*args)
        return wrapped

    monkeypatch.setattr(relay.app, "_page_json", spy(relay.app._page_json))
    monkeypatch.setattr(relay.stream, "message_frame", spy(relay.stream.message_frame))
    await create(client, A)
    assert (await client.post(messages_path(A), json=append_body(A, [b"x"]))).status_code == 200
    r = await client.get(messages_path(A), headers=proof_headers(read_proof(A, now())))
    assert r.status_code == 200 and len(r.json()["messages"]) == 1
    core, hub = client.relay.core, client.relay.hub   # type: ignore[attr-defined]
    stream = relay.stream.EventStream(core, hub, client.relay.metrics,  # type: ignore[attr-defined]
                                      [(A.mailbox, 0)], lambda: None)
    sent: list[bytes] = []

    async def send(message: dict) -> None:
        sent.append(message.get("body", b""))

    assert await stream._backlog(send) == {A.mailbox: 1}
    assert b"event: message" in b"".join(sent)
    assert len(threads) == 2 and threading.get_ident() not in threads


async def test_lookups_do_not_wait_behind_a_long_page_read(client: httpx.AsyncClient) -> None:
    storage = client.relay.storage   # type: ignore[attr-defined]
    held, release, released = threading.Event(), threading.Event(), threading.Event()

    def long_page_read() -> None:    # a worker thread in the middle of a large fetch
        with storage._read_lock:
            held.set()
            release.wait(5)
        released.set()

    reader = threading.Thread(target=long_page_read)
    reader.start()
    try:
        assert held.wait(5)
        await create(client, A)                    # looks A up before creating it
        client.relay.core._boxes.clear()           # type: ignore[attr-defined]
        r = await client.post(messages_path(A), json=append_body(A, [b"x"]))
        assert r.status_code == 200
        assert not released.is_set()               # answered while the read went on
    finally:
        release.set()
        reader.join()


async def test_one_client_cannot_fill_the_shared_nonce_memory(
        tmp_path: Path, relay_storage: StorageFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(relay.core, "MAX_REMEMBERED_NONCES", 8)
    async with relay_app(tmp_path, Limits(max_nonces_per_client=5), relay_storage()) as app, \
            client_from(app, "10.0.0.1") as attacker, client_from(app, "10.0.0.2") as reader:
        await create(attacker, A)

        async def fetch(c: httpx.AsyncClient) -> int:
            r = await c.get(messages_path(A), headers=proof_headers(read_proof(A, now())))
            return r.status_code

        assert [await fetch(attacker) for _ in range(7)] == [200] * 5 + [429] * 2
        assert [await fetch(reader) for _ in range(3)] == [200] * 3


# -- the info routes -----------------------------------------------------------------------

async def test_info_routes_have_their_own_rate_limit(
        tmp_path: Path, relay_storage: StorageFactory) -> None:
    limits = Limits(info_rate_per_second=0.001, info_burst=3)
    async with relay_app(tmp_path, limits, relay_storage()) as app, \
            client_from(app, "127.0.0.1") as c:
        codes = [(await c.get(path)).status_code
                 for path in ("/healthz", "/openapi.json", "/metrics", "/healthz")]
        assert codes == [200, 200, 200, 429]
        assert (await c.get("/v1/mailboxes/x/messages")).status_code == 400   # API budget
        async with client_from(app, "10.0.0.9") as other:
            assert (await other.get("/healthz")).status_code == 200


async def test_metrics_answer_only_this_machine(
        tmp_path: Path, relay_storage: StorageFactory) -> None:
    async with relay_app(tmp_path, Limits(), relay_storage()) as app:
        for address, status in (("127.0.0.1", 200), ("::1", 200), ("10.0.0.9", 404),
                                ("2001:db8::1", 404)):
            async with client_from(app, address) as c:
                r = await c.get("/metrics")
                assert r.status_code == status, address
                if status == 404:
                    assert r.json() == {"error": "No such route on this relay."}
        async with client_from(app, "10.0.0.9") as c:   # the API description is public
            assert (await c.get("/openapi.json")).json()["openapi"].startswith("3.1")


# -- files ---------------------------------------------------------------------------------

@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_database_files_are_private(tmp_path: Path, umask_022: None) -> None:
    async with relay_app(tmp_path, Limits()) as app, client_from(app, "10.0.0.1") as c:
        await create(c, A)
        assert (await c.post(messages_path(A), json=append_body(A, [b"x"]))).status_code == 200
        names = {p.name: mode(p) for p in tmp_path.iterdir()}
        assert names == {"relay.db": 0o600, "relay.db-wal": 0o600, "relay.db-shm": 0o600,
                         "blobs": 0o700}


async def test_files_of_an_older_relay_are_tightened(tmp_path: Path, umask_022: None) -> None:
    for name in ("relay.db", "relay.db-wal"):
        (tmp_path / name).touch(0o644)
    async with relay_app(tmp_path, Limits()):
        assert mode(tmp_path / "relay.db") == mode(tmp_path / "relay.db-wal") == 0o600


@pytest.mark.parametrize("dir_mode,warned", [(0o755, True), (0o700, False)])
async def test_an_open_data_directory_is_warned_about(tmp_path: Path, dir_mode: int,
                                                      warned: bool,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=dir_mode)
    data.chmod(dir_mode)
    with caplog.at_level(logging.WARNING, logger="relay"):
        async with relay_app(data, Limits()):
            pass
    lines = [r.getMessage() for r in caplog.records if r.name == "relay"]
    if warned:
        assert len(lines) == 1 and "open to other users" in lines[0]
        assert lines[0].count(". ") == 0 and lines[0].endswith(".")
    else:
        assert lines == []
    assert b64e(A.mailbox) not in caplog.text
