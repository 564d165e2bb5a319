"""The HTTP adapter in-process through httpx.ASGITransport."""
from __future__ import annotations

import time

import httpx
import pytest

from crypto.relay_wire import b64d, b64e
from tests.relay.wire import (
    append_body,
    cap,
    close_proof,
    create_body,
    messages_path,
    proof_headers,
    read_proof,
)

A = cap("adapter-a")
pytestmark = pytest.mark.usefixtures("backend")   # every test on SQLite and on PostgreSQL


async def make(client: httpx.AsyncClient, c=A) -> None:
    r = await client.post("/v1/mailboxes", json=create_body(c))
    assert r.status_code == 201, r.text


async def test_create_answers_201_then_200(client: httpx.AsyncClient) -> None:
    r1 = await client.post("/v1/mailboxes", json=create_body(A))
    r2 = await client.post("/v1/mailboxes", json=create_body(A))
    assert (r1.status_code, r1.json()) == (201, {"created": True})
    assert (r2.status_code, r2.json()) == (200, {"created": False})


async def test_append_then_fetch_round_trip(client: httpx.AsyncClient) -> None:
    await make(client)
    r = await client.post(messages_path(A), json=append_body(A, [b"hello", b"world"]))
    assert r.status_code == 200 and r.json() == {"cursors": [1, 2]}
    again = await client.post(messages_path(A), json=append_body(A, [b"world"]))
    assert again.json() == {"cursors": [2]}
    page = await client.get(messages_path(A), params={"after": 0},
                            headers=proof_headers(read_proof(A, int(time.time()))))
    data = page.json()
    assert page.status_code == 200
    assert [(m["cursor"], b64d(m["body"])) for m in data["messages"]] == [(1, b"hello"),
                                                                          (2, b"world")]
    assert (data["next"], data["more"], data["closed"]) == (2, False, False)


async def test_fetch_paginates(client: httpx.AsyncClient) -> None:
    await make(client)
    await client.post(messages_path(A), json=append_body(A, [b"%d" % i for i in range(5)]))
    seen, after, more = [], 0, True
    while more:
        r = await client.get(messages_path(A), params={"after": after, "limit": 2},
                             headers=proof_headers(read_proof(A, int(time.time()))))
        data = r.json()
        seen += [m["cursor"] for m in data["messages"]]
        after, more = data["next"], data["more"]
    assert seen == [1, 2, 3, 4, 5]


async def test_close_then_append_is_gone(client: httpx.AsyncClient) -> None:
    await make(client)
    r = await client.delete(f"/v1/mailboxes/{b64e(A.mailbox)}",
                            headers=proof_headers(close_proof(A, int(time.time()))))
    assert r.status_code == 200
    late = await client.post(messages_path(A), json=append_body(A, [b"late"]))
    assert late.status_code == 410 and "closed" in late.json()["error"]
    page = await client.get(messages_path(A),
                            headers=proof_headers(read_proof(A, int(time.time()))))
    assert page.json()["closed"] is True


async def test_healthz(client: httpx.AsyncClient) -> None:
    r = await client.get("/healthz")
    assert (r.status_code, r.json()) == (200, {"status": "ok"})


async def test_metrics_are_aggregates_without_mailbox_ids(client: httpx.AsyncClient) -> None:
    await make(client)
    await client.post(messages_path(A), json=append_body(A, [b"x" * 100]))
    text = (await client.get("/metrics")).text
    assert "coterie_relay_appended_messages_total 1" in text
    assert "coterie_relay_appended_bytes_total 100" in text
    assert "coterie_relay_stored_mailboxes 1" in text
    assert 'coterie_relay_requests_total{route="append",status="200"} 1' in text
    assert b64e(A.mailbox) not in text and b64e(A.mailbox)[:10] not in text
    assert "127.0.0.1" not in text and "testclient" not in text


async def test_openapi_describes_every_route(client: httpx.AsyncClient) -> None:
    doc = (await client.get("/openapi.json")).json()
    assert doc["openapi"].startswith("3.")
    ops = {(path, method) for path, item in doc["paths"].items() for method in item
           if method != "parameters"}
    assert ops == {("/v1/mailboxes", "post"), ("/v1/mailboxes/{mailbox}/messages", "post"),
                   ("/v1/mailboxes/{mailbox}/messages", "get"),
                   ("/v1/mailboxes/{mailbox}", "delete"), ("/v1/subscribe", "post"),
                   ("/healthz", "get"), ("/metrics", "get"), ("/openapi.json", "get"),
                   ("/v1/blobs", "post"), ("/v1/blobs/{blob}/chunks/{index}", "put"),
                   ("/v1/blobs/{blob}/chunks", "get"), ("/v1/blobs/{blob}", "get"),
                   ("/v1/blobs/{blob}", "delete")}
    # A relay on a shared database answers 503 with Retry-After while it is unreachable.
    assert all("503" in doc["paths"][path][method]["responses"] for path, method in ops
               if path.startswith("/v1/") or path == "/healthz")
    routes = {(r.path, m.lower()) for r in client.relay.app.routes  # type: ignore[attr-defined]
              for m in r.methods if m != "HEAD"}
    assert routes == ops
    refs = {v for item in doc["paths"].values() for op in item.values() if isinstance(op, dict)
            for v in _refs(op)}
    assert {r.rsplit("/", 1)[1] for r in refs} <= set(doc["components"]["schemas"])


def _refs(node: object) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [
            r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


async def test_a_wrong_method_answers_405_naming_every_method_of_the_path(
        client: httpx.AsyncClient) -> None:
    r = await client.put(f"/v1/mailboxes/{b64e(A.mailbox)}/messages")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD, POST"
    assert (await client.patch("/v1/subscribe")).headers["allow"] == "POST"


async def test_the_documents_base64_bounds_are_the_parsers(client: httpx.AsyncClient) -> None:
    import re

    doc = (await client.get("/openapi.json")).json()
    mailbox = doc["components"]["schemas"]["CreateMailbox"]["properties"]["mailbox"]
    assert mailbox["minLength"] == mailbox["maxLength"] == 43
    pattern = re.compile(mailbox["pattern"])
    assert pattern.fullmatch(b64e(A.mailbox))
    assert not pattern.fullmatch(b64e(A.mailbox)[:-1] + "B")  # non-canonical last character
    body = doc["components"]["schemas"]["Append"]["properties"]["messages"]["items"]
    assert body["additionalProperties"] is False
    envelope = body["properties"]["body"]
    limits = client.relay.config.limits  # type: ignore[attr-defined]
    assert envelope["maxLength"] == len(b64e(b"x" * limits.max_envelope_bytes))
    assert re.fullmatch(envelope["pattern"], b64e(b"xy")) and envelope["minLength"] == 2
