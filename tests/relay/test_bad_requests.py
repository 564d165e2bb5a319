"""A table of bad requests: each gets the right 4xx and a short JSON error, never a 5xx; on
SQLite and on PostgreSQL."""
from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from crypto.relay_wire import b64e
from relay.app import create_app
from relay.config import Limits, RelayConfig
from relay.storage import Storage
from tests.relay.wire import (
    append_body,
    cap,
    close_proof,
    create_body,
    messages_path,
    proof_headers,
    read_proof,
    subscribe_entry,
)

A, CLOSED, UNKNOWN, OTHER = cap("bad-a"), cap("bad-closed"), cap("bad-unknown"), cap("bad-o")
LIMITS = Limits(max_envelope_bytes=1000, max_batch_items=4, max_request_bytes=20_000,
                max_subscribe_mailboxes=3, fetch_max_limit=100)

StorageFactory = Callable[[], Storage | None]


def now() -> int:
    return int(time.time())


@pytest.fixture
async def c(tmp_path: Path, relay_storage: StorageFactory) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(RelayConfig(data_dir=tmp_path, limits=LIMITS), storage=relay_storage())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://relay.test") as client:
        for box in (A, CLOSED):
            assert (await client.post("/v1/mailboxes", json=create_body(box))).status_code == 201
        await client.post(messages_path(A), json=append_body(A, [b"first"]))
        r = await client.delete(f"/v1/mailboxes/{b64e(CLOSED.mailbox)}",
                                headers=proof_headers(close_proof(CLOSED, now())))
        assert r.status_code == 200
        yield client
    await app.state.relay.shutdown()


Row = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


def post(path: str, **kw: object) -> Row:
    return lambda c: c.post(path, **kw)  # type: ignore[arg-type]


def with_field(body: dict, **changes: object) -> dict:
    return {**body, **changes}


def fetch(headers: dict[str, str], params: dict | None = None, box=A) -> Row:
    return lambda c: c.get(messages_path(box), headers=headers, params=params or {})


async def replayed_fetch(c: httpx.AsyncClient) -> httpx.Response:
    headers = proof_headers(read_proof(A, now()))
    assert (await c.get(messages_path(A), headers=headers)).status_code == 200
    return await c.get(messages_path(A), headers=headers)


def subscribe(*entries: dict) -> Row:
    return lambda c: c.post("/v1/subscribe", json={"mailboxes": list(entries)})


def bad_sig_append(c: httpx.AsyncClient) -> Awaitable[httpx.Response]:
    body = append_body(A, [b"hello"])
    body["messages"][0]["sig"] = append_body(OTHER, [b"hello"])["messages"][0]["sig"]
    return c.post(messages_path(A), json=body)


def forged_proof() -> dict[str, str]:
    p = read_proof(OTHER, now())
    return proof_headers(p)


def nested(opener: bytes, depth: int) -> bytes:
    """`depth` levels of `opener` ('[' or '{"a":') around a 1, closed again."""
    closer = b"]" if opener == b"[" else b"}"
    return opener * depth + b"1" + closer * depth


def raw_create(expires_at: bytes) -> bytes:
    """A create body with `expires_at` spliced in as raw JSON text."""
    body = json.dumps(with_field(create_body(OTHER), expires_at=0)).encode()
    return body.replace(b'"expires_at": 0', b'"expires_at": ' + expires_at)


def rows() -> dict[str, tuple[int, Row]]:
    """The rows, built when a test runs: proofs carry the current time, and a full suite
    can run for longer than the relay accepts a proof's time."""
    return {
        "body is not json": (400, post("/v1/mailboxes", content=b"{nope")),
        "body is not an object": (400, post("/v1/mailboxes", json=[1, 2])),
        "body is not utf-8": (400, post("/v1/mailboxes", content=b"\xff\xfe\x00")),
        "create without mailbox": (400, post("/v1/mailboxes",
                                             json={k: v for k, v in create_body(OTHER).items()
                                                   if k != "mailbox"})),
        "mailbox is a number": (400, post("/v1/mailboxes",
                                          json=with_field(create_body(OTHER), mailbox=12))),
        "mailbox is short": (400, post("/v1/mailboxes",
                                       json=with_field(create_body(OTHER), mailbox=b64e(b"x" * 31)))),
        "mailbox is not base64url": (400, post("/v1/mailboxes",
                                               json=with_field(create_body(OTHER), mailbox="a+b/"))),
        "kind is unknown": (400, post("/v1/mailboxes",
                                      json=with_field(create_body(OTHER), kind="secret"))),
        "expires_at is negative": (400, post("/v1/mailboxes",
                                             json=with_field(create_body(OTHER), expires_at=-5))),
        "expires_at is a boolean": (400, post("/v1/mailboxes",
                                              json=with_field(create_body(OTHER), expires_at=True))),
        "expires_at is a string": (400, post("/v1/mailboxes",
                                             json=with_field(create_body(OTHER), expires_at="1"))),
        "create signed by another key": (403, post("/v1/mailboxes", json=with_field(
            create_body(OTHER), sig=create_body(A)["sig"]))),
        "create with other keys": (409, post("/v1/mailboxes", json=with_field(
            create_body(OTHER), mailbox=b64e(A.mailbox),
            sig=b64e(__import__("crypto.relay_wire", fromlist=["sign"]).sign(
                OTHER.write_seed, __import__("crypto.relay_wire", fromlist=["x"]).create_message(
                    A.mailbox, OTHER.write_pk, OTHER.read_pk, 0, 0)))))),
        "invite without expiry": (400, post("/v1/mailboxes", json=create_body(OTHER, "invite", 0))),
        "messages is not a list": (400, post(messages_path(A), json={"messages": "hi"})),
        "messages is empty": (400, post(messages_path(A), json={"messages": []})),
        "message is not an object": (400, post(messages_path(A), json={"messages": ["hi"]})),
        "message without sig": (400, post(messages_path(A), json={"messages": [{"body": "aGk"}]})),
        "sig is the wrong length": (400, post(messages_path(A), json={
            "messages": [{"body": "aGk", "sig": b64e(b"s" * 63)}]})),
        "bad append signature": (403, bad_sig_append),
        "append to unknown mailbox": (404, post(messages_path(UNKNOWN),
                                                json=append_body(UNKNOWN, [b"m"]))),
        "append to closed mailbox": (410, post(messages_path(CLOSED),
                                               json=append_body(CLOSED, [b"m"]))),
        "envelope too large": (413, post(messages_path(A), json=append_body(A, [b"x" * 1001]))),
        "too many messages": (413, post(messages_path(A), json=append_body(A, [b"1", b"2", b"3",
                                                                               b"4", b"5"]))),
        "request body too large": (413, post(messages_path(A), content=b"{" + b" " * 20_001)),
        "mailbox in path is malformed": (400, post("/v1/mailboxes/nope/messages",
                                                   json=append_body(A, [b"m"]))),
        "fetch without proof headers": (400, fetch({})),
        "fetch with a non-numeric time": (400, fetch({**proof_headers(read_proof(A, now())),
                                                      "X-Coterie-Time": "soon"})),
        "fetch with a short nonce": (400, fetch({**proof_headers(read_proof(A, now())),
                                                 "X-Coterie-Nonce": b64e(b"n" * 15)})),
        "fetch with a stale proof": (403, fetch(proof_headers(read_proof(A, now() - 3600)))),
        "fetch with a forged proof": (403, fetch(forged_proof())),
        "fetch with the write key": (403, fetch(proof_headers(close_proof(A, now())))),
        "fetch with a replayed proof": (403, replayed_fetch),
        "fetch unknown mailbox": (404, fetch(proof_headers(read_proof(UNKNOWN, now())), box=UNKNOWN)),
        "fetch with limit 0": (400, fetch(proof_headers(read_proof(A, now())), {"limit": 0})),
        "fetch with limit over the max": (400, fetch(proof_headers(read_proof(A, now())),
                                                     {"limit": 101})),
        "fetch after a negative cursor": (400, fetch(proof_headers(read_proof(A, now())),
                                                     {"after": -1})),
        "subscribe with no mailboxes": (400, subscribe()),
        "subscribe to too many": (413, subscribe(*(subscribe_entry(cap(f"s{i}"), 0, now())
                                                   for i in range(4)))),
        "subscribe with a forged proof": (403, subscribe(
            {**subscribe_entry(A, 0, now()), "proof": subscribe_entry(OTHER, 0, now())["proof"]})),
        "subscribe to unknown mailbox": (404, subscribe(subscribe_entry(UNKNOWN, 0, now()))),
        "subscribe twice to one mailbox": (400, subscribe(subscribe_entry(A, 0, now()),
                                                          subscribe_entry(A, 0, now()))),
        "subscribe with a negative cursor": (400, subscribe({**subscribe_entry(A, 0, now()),
                                                             "after": -1})),
        "close with the read key": (403, lambda c: c.delete(
            f"/v1/mailboxes/{b64e(A.mailbox)}", headers=proof_headers(read_proof(A, now())))),
        "create body nested deeply": (400, post("/v1/mailboxes", content=nested(b"[", 5000))),
        "append body nested deeply": (400, post(messages_path(A),
                                                content=b'{"messages":' + nested(b"[", 5000) + b"}")),
        "subscribe body nested deeply": (400, post("/v1/subscribe", content=b'{"mailboxes":['
                                                   + nested(b'{"a":', 3000) + b"]}")),
        "body holds too many values": (413, post(messages_path(A), content=b'{"messages":['
                                                  + b",".join([b"1"] * 200) + b"]}")),
        "kind is a list": (400, post("/v1/mailboxes", json=with_field(create_body(OTHER), kind=[]))),
        "kind is an object": (400, post("/v1/mailboxes",
                                        json=with_field(create_body(OTHER), kind={"a": 1}))),
        "expires_at has 5000 digits": (400, post("/v1/mailboxes", content=raw_create(b"9" * 5000))),
        "expires_at is NaN": (400, post("/v1/mailboxes", content=raw_create(b"NaN"))),
        "expires_at is 1e999": (400, post("/v1/mailboxes", content=raw_create(b"1e999"))),
        "mailbox is a lone surrogate": (400, post("/v1/mailboxes", content=json.dumps(with_field(
            create_body(OTHER), mailbox="\ud800")).encode())),
        "after is a fraction": (400, subscribe({**subscribe_entry(A, 0, now()), "after": 1.5})),
        "create with a field it does not take": (400, post("/v1/mailboxes", json=with_field(
            create_body(OTHER), extra=1))),
        "subscribe entry with a field it does not take": (400, subscribe(
            {**subscribe_entry(A, 0, now()), "extra": []})),
        "base64 with padding": (400, post("/v1/mailboxes", json=with_field(
            create_body(OTHER), mailbox=b64e(OTHER.mailbox) + "="))),
        "subscribe entry nonce is a list": (400, subscribe({**subscribe_entry(A, 0, now()),
                                                            "nonce": ["x"]})),
        "unknown route": (404, lambda c: c.get("/v2/everything")),
        "wrong method": (405, lambda c: c.put("/v1/subscribe")),
    }


@pytest.mark.parametrize("name", list(rows()))
async def test_bad_request(c: httpx.AsyncClient, name: str) -> None:
    status, row = rows()[name]
    response = await row(c)
    assert response.status_code == status, (name, response.text)
    error = response.json()["error"]
    assert isinstance(error, str) and 0 < len(error) <= 120 and error.endswith(".")
    for box in (A, CLOSED, UNKNOWN, OTHER):
        assert b64e(box.mailbox) not in error


async def test_too_fast_gets_429_with_retry_after(tmp_path: Path,
                                                  relay_storage: StorageFactory) -> None:
    app = create_app(RelayConfig(data_dir=tmp_path,
                                 limits=Limits(rate_per_second=1, rate_burst=3)),
                     storage=relay_storage())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://relay.test") as client:
        statuses = [(await client.get(messages_path(A))).status_code for _ in range(4)]
        assert statuses == [400, 400, 400, 429]
        r = await client.get(messages_path(A))
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert r.json()["error"].endswith(".")
        assert (await client.get("/healthz")).status_code == 200   # a budget of its own
    await app.state.relay.shutdown()


async def test_creation_rate_is_limited_but_idempotent_retries_are_free(tmp_path: Path,
                                                                        relay_storage: StorageFactory) -> None:
    app = create_app(RelayConfig(data_dir=tmp_path,
                                 limits=Limits(create_per_minute=1, create_burst=2)),
                     storage=relay_storage())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://relay.test") as client:
        codes = [(await client.post("/v1/mailboxes", json=create_body(cap(f"n{i}")))).status_code
                 for i in range(3)]
        assert codes == [201, 201, 429]
        again = await client.post("/v1/mailboxes", json=create_body(cap("n0")))
        assert again.status_code == 200
    await app.state.relay.shutdown()


async def test_mailbox_quota_gets_429(tmp_path: Path,
                                      relay_storage: StorageFactory) -> None:
    app = create_app(RelayConfig(data_dir=tmp_path, limits=Limits(mailbox_max_messages=2)),
                     storage=relay_storage())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://relay.test") as client:
        await client.post("/v1/mailboxes", json=create_body(A))
        ok = await client.post(messages_path(A), json=append_body(A, [b"1", b"2"]))
        full = await client.post(messages_path(A), json=append_body(A, [b"3"]))
        assert ok.status_code == 200
        assert full.status_code == 429 and int(full.headers["retry-after"]) >= 1
    await app.state.relay.shutdown()
