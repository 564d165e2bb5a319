"""Mutated requests on every route: always a 4xx with a JSON error or a success, never 5xx."""
from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import httpx

from crypto.relay_wire import b64e
from relay.config import Limits
from relay.testing import RelayThread
from tests.relay.wire import (
    append_body,
    cap,
    create_body,
    messages_path,
    proof_headers,
    read_proof,
    subscribe_entry,
)

A = cap("fuzz")
ODD_VALUES: list[Any] = [None, True, 0, -1, 2**64, 2**63 - 1, 1.5, float("1e308"), "", "x",
                         "=" * 5, "AAAA", "\u0000", "é" * 3, [], [1], {}, {"a": 1},
                         b64e(b"\x00" * 32), b64e(b"\x00" * 64), b64e(b"\x00" * 16)]


def mutate(rng: random.Random, value: Any) -> Any:
    """A copy of a JSON value with one random change somewhere inside it."""
    if isinstance(value, dict) and value and rng.random() < 0.8:
        key = rng.choice(list(value))
        out = dict(value)
        choice = rng.random()
        if choice < 0.2:
            del out[key]
        elif choice < 0.3:
            out[key + "x"] = rng.choice(ODD_VALUES)
        else:
            out[key] = mutate(rng, value[key])
        return out
    if isinstance(value, list) and value and rng.random() < 0.8:
        out = list(value)
        i = rng.randrange(len(out))
        out[i] = mutate(rng, out[i])
        if rng.random() < 0.2:
            out.append(rng.choice(ODD_VALUES))
        return out
    if isinstance(value, str) and value and rng.random() < 0.5:
        i = rng.randrange(len(value))
        return value[:i] + rng.choice("A_-=+/ \u00e9") + value[i + 1:]
    return rng.choice(ODD_VALUES)


def as_strings(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {k: str(v)[:200].strip() for k, v in value.items()
            if str(v).isascii() and str(v).isprintable()}


def test_mutated_requests_never_get_a_5xx(tmp_path: Path) -> None:
    rng = random.Random(20261121)
    limits = Limits(rate_per_second=10**6, rate_burst=10**6, create_burst=10**6,
                    create_per_minute=10**6)
    statuses: set[int] = set()
    with RelayThread(tmp_path, limits=limits) as relay, httpx.Client(base_url=relay.url,
                                                                      timeout=10) as client:
        client.post("/v1/mailboxes", json=create_body(A))
        for _ in range(400):
            now = int(time.time())
            route = rng.randrange(5)
            if route == 0:
                r = client.post("/v1/mailboxes", json=mutate(rng, create_body(cap("n"))))
            elif route == 1:
                r = client.post(messages_path(A), json=mutate(rng, append_body(A, [b"m", b"n"])))
            elif route == 2:
                body = mutate(rng, {"mailboxes": [subscribe_entry(A, 0, now)]})
                with client.stream("POST", "/v1/subscribe", json=body) as r:
                    if r.status_code != 200:
                        r.read()
            elif route == 3:
                headers = as_strings(mutate(rng, proof_headers(read_proof(A, now))))
                params = as_strings(mutate(rng, {"after": 0, "limit": 10}))
                r = client.get(messages_path(A), headers=headers, params=params)
            else:
                raw = json.dumps(mutate(rng, create_body(A))).encode()
                r = client.post("/v1/mailboxes", content=raw[:rng.randrange(len(raw))])
            statuses.add(r.status_code)
            assert r.status_code < 500, r.text
            if 400 <= r.status_code < 500:
                assert isinstance(r.json()["error"], str)
    assert {200, 400, 403}.issubset(statuses)
