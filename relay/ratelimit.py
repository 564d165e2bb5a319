"""Per-client token buckets, in memory only.

Clients are told apart by their address, but the address itself is never kept: the key is
a keyed hash with a per-process random key, so even a memory dump does not list who
connected. Nothing here is ever written to disk or logs.
"""
from __future__ import annotations

import hashlib
import ipaddress
import math
import os
from collections.abc import Callable

MAX_CLIENTS = 100_000
IPV6_PREFIX = 64    # one IPv6 client usually owns a whole /64: count it as one


def client_id(host: str) -> str:
    """What limits count by: the address, or its /64 for IPv6 (a client that can pick any
    address of its /64 would otherwise get a fresh budget per address)."""
    if ":" not in host:
        # IPv4 (the server gives the canonical dotted quad, which is what parsing it would
        # give back) or not an address at all: as it is, without the cost of parsing.
        return host
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, IPV6_PREFIX), strict=False))
    return str(address)


class RateLimiter:
    """`allow(client)` spends one token of that client's bucket; refills at `rate`/s."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float]) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.clock = clock
        self._buckets: dict[bytes, list[float]] = {}   # key -> [tokens, last refill time]

    def allow(self, key: bytes, cost: float = 1.0) -> float:
        """0.0 when allowed (and spent); otherwise seconds until it would be allowed."""
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_CLIENTS:
                self._forget_full(now)
            bucket = self._buckets[key] = [self.burst, now]
        tokens = min(self.burst, bucket[0] + (now - bucket[1]) * self.rate)
        bucket[1] = now
        if tokens >= cost:
            bucket[0] = tokens - cost
            return 0.0
        bucket[0] = tokens
        return (cost - tokens) / self.rate

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled completely: they carry no information."""
        full = [k for k, (tokens, last) in self._buckets.items()
                if tokens + (now - last) * self.rate >= self.burst]
        for k in full:
            del self._buckets[k]
        if len(self._buckets) >= MAX_CLIENTS:   # a flood of distinct clients: start over
            self._buckets.clear()


class ClientKeys:
    """Opaque per-process keys for client addresses."""

    def __init__(self) -> None:
        self._secret = os.urandom(32)

    def key(self, address: str) -> bytes:
        return hashlib.blake2b(client_id(address).encode("utf-8", "replace"), key=self._secret,
                               digest_size=16).digest()


def retry_after(seconds: float) -> int:
    return max(1, math.ceil(seconds))
