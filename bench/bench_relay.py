"""Relay benchmarks: durable ingest against a bare endpoint, and push fan-out.

Rows:
- relay_ingest_vs_bare: signed 1 KiB appends per second, each durable (WAL, synchronous=FULL,
  group commit) before its answer, beside a bare Starlette endpoint that answers 200 to the
  same requests; both on the same uvicorn settings in a subprocess, same load, same run.
- relay_fanout_us_per_delivery: relay process CPU (all threads, ingest included) divided by
  deliveries, 100 subscribers of one mailbox at a steady offered rate.
- relay_fanout_p99_ms_100: p99 from sending an append to each subscriber reading it.
- relay_latency_under_abuse_p99_ms: one client's fetch latency (p99) while another client,
  from another address, sends the costliest bodies the relay reads (2 MiB appends of 256
  messages, a million tiny values) as fast as its rate limit lets it; relay on its default
  limits. Ceiling: the same client's p99 with nobody abusing, same run.

On PostgreSQL (COTERIE_BENCH_DATABASE, else postgresql://postgres@127.0.0.1/test, in a
schema of its own that is dropped afterwards; skipped with one line when unreachable):
- relay_pg_ingest_vs_insert: durable 1 KiB appends/s through one relay on PostgreSQL, beside
  the same rows inserted and committed one by one through psycopg by as many threads as
  the load has connections, into a table with the columns and indexes of the relay's
  `messages`; a round of each in turn, best of INGEST_ROUNDS each.
- relay_pg_fanout_p99_ms_2x: two instances, subscribers split between them, appends sent
  to the first; p99 from sending to reading, on the second instance's subscribers.
- relay_pg_scale_2x: appends/s with two instances (connections split) over one instance.

The servers run in child processes (`python -m bench.bench_relay serve relay|bare DIR`) so
the load generator, a raw asyncio HTTP/1.1 client, does not share their interpreter.
"""
from __future__ import annotations

import asyncio
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import Row, latency_row, percentile, rate_row
from crypto.relay_wire import (
    MailboxCapability,
    append_message,
    b64d,
    b64e,
    create_message,
    read_message,
    sign,
)
from sync.sse import SSEParser

BODY_BYTES = 1024          # the smallest envelope size bucket
INGEST_REQUESTS = 4000
INGEST_CONNECTIONS = 48
INGEST_ROUNDS = 3
SUBSCRIBERS = 100
FANOUT_RATE = 50           # appends per second -> 5,000 deliveries per second
FANOUT_SECONDS = 6.0
VICTIM, ABUSER = "127.0.0.2", "127.0.0.3"   # two clients: all of 127/8 is loopback
VICTIM_RATE = 40           # fetches per second by the measured client
BASELINE_SECONDS = 5.0
ABUSE_SECONDS = 10.0
ABUSE_CONNECTIONS = 4
ABUSE_ROUNDS = 2
NO_LIMITS = {"rate_per_second": 10**9, "rate_burst": 10**9, "create_burst": 10**9,
             "verify_rate_per_second": 10**9, "verify_burst": 10**9,
             "create_per_minute": 10**9, "max_streams_per_client": 10**6,
             "mailbox_max_messages": 10**9, "mailbox_max_bytes": 1 << 50}


# -- servers (child processes) ------------------------------------------------------------

def _serve(kind: str, data_dir: str) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    from relay.app import Relay
    from relay.config import Limits, RelayConfig
    from relay.server import UVICORN_OPTIONS, RelayServer, uvicorn_config

    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted sockets only when the
    # listening socket says so, as the sockets uvicorn binds itself do.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)   # connections wait in the backlog until uvicorn serves
    options = {**UVICORN_OPTIONS, "log_level": "warning"}
    if kind == "relay-pg":   # data_dir is "URL SCHEMA"
        from relay.pg_storage import PostgresStorage
        url, schema = data_dir.split(" ")
        relay = Relay(RelayConfig(data_dir=None, limits=Limits(**NO_LIMITS)),
                      storage=PostgresStorage(url, schema=schema))
        server = RelayServer(relay, uvicorn_config(relay, "127.0.0.1", 0, log_level="warning"))
    elif kind in ("relay", "relay-default"):
        limits = Limits(**NO_LIMITS) if kind == "relay" else Limits()
        relay = Relay(RelayConfig(data_dir=Path(data_dir), limits=limits))
        server: uvicorn.Server = RelayServer(relay, uvicorn_config(relay, "127.0.0.1", 0,
                                                                   log_level="warning"))
    else:
        async def bare(request: object) -> Response:
            return Response(b'{"cursors":[1]}', media_type="application/json")
        app = Starlette(routes=[Route("/v1/mailboxes/{mailbox}/messages", bare,
                                      methods=["POST"])])
        server = uvicorn.Server(uvicorn.Config(app, **options))
    print(sock.getsockname()[1], flush=True)
    server.run(sockets=[sock])


class Child:
    """A server child process; `cpu()` is its user+system CPU seconds so far."""

    def __init__(self, kind: str, data_dir: str) -> None:
        root = Path(__file__).resolve().parent.parent
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.bench_relay", "serve", kind,
                                      data_dir], cwd=root, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline())

    def cpu(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


# -- a raw HTTP/1.1 client ------------------------------------------------------------------

def http_request(method: str, path: str, body: bytes = b"",
                 headers: dict[str, str] | None = None) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "host: relay", f"content-length: {len(body)}"]
    if body:
        lines.append("content-type: application/json")
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    return status, await reader.readexactly(length)


async def drive(port: int, requests: list[bytes], connections: int) -> tuple[float, list[int]]:
    """Send every request over `connections` keep-alive connections; (seconds, statuses)."""
    queue = iter(requests)
    statuses: list[int] = []

    async def connection() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for request in queue:
            writer.write(request)
            status, _ = await _response(reader)
            statuses.append(status)
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    return time.perf_counter() - start, statuses


async def call(port: int, request: bytes) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    answer = await _response(reader)
    writer.close()
    return answer


# -- workloads -------------------------------------------------------------------------------

def capability() -> MailboxCapability:
    return MailboxCapability(os.urandom(32), os.urandom(32), os.urandom(32))


def create_request(cap: MailboxCapability) -> bytes:
    sig = sign(cap.write_seed, create_message(cap.mailbox, cap.write_pk, cap.read_pk, 0, 0))
    return http_request("POST", "/v1/mailboxes", json.dumps({
        "mailbox": b64e(cap.mailbox), "write_pk": b64e(cap.write_pk),
        "read_pk": b64e(cap.read_pk), "kind": "group", "expires_at": 0,
        "sig": b64e(sig)}).encode())


def append_request(cap: MailboxCapability, body: bytes) -> bytes:
    sig = sign(cap.write_seed, append_message(cap.mailbox, body))
    payload = json.dumps({"messages": [{"body": b64e(body), "sig": b64e(sig)}]}).encode()
    return http_request("POST", f"/v1/mailboxes/{b64e(cap.mailbox)}/messages", payload)


def unique_bodies(n: int, tag: bytes) -> list[bytes]:
    filler = os.urandom(BODY_BYTES)
    return [tag + struct.pack(">Q", i) + filler[len(tag) + 8:] for i in range(n)]


async def ingest_rates(tmp: str) -> tuple[float, float]:
    """Best-of-rounds requests/s for (relay, bare) under the same load."""
    caps = [capability() for _ in range(8)]   # a few mailboxes, as a busy relay has
    relay_best = bare_best = 0.0
    relay, bare = Child("relay", tmp), Child("bare", tmp)
    try:
        for cap in caps:
            assert (await call(relay.port, create_request(cap)))[0] == 201
        for round_ in range(INGEST_ROUNDS):
            bodies = unique_bodies(INGEST_REQUESTS, b"r%d" % round_)
            requests = [append_request(caps[i % len(caps)], b) for i, b in enumerate(bodies)]
            seconds, statuses = await drive(bare.port, requests, INGEST_CONNECTIONS)
            assert set(statuses) == {200}
            bare_best = max(bare_best, len(requests) / seconds)
            seconds, statuses = await drive(relay.port, requests, INGEST_CONNECTIONS)
            assert set(statuses) == {200}, set(statuses)
            relay_best = max(relay_best, len(requests) / seconds)
    finally:
        relay.stop()
        bare.stop()
    return relay_best, bare_best


async def fanout(tmp: str) -> tuple[float, float, int]:
    """(server CPU µs per delivery, p99 ms, deliveries) for SUBSCRIBERS readers of one mailbox."""
    cap = capability()
    relay = Child("relay", tmp)
    latencies: list[float] = []
    total = int(FANOUT_RATE * FANOUT_SECONDS)
    try:
        assert (await call(relay.port, create_request(cap)))[0] == 201
        readers = [await _subscribe(relay.port, cap) for _ in range(SUBSCRIBERS)]
        tasks = [asyncio.create_task(_read(r, total, latencies)) for r in readers]
        bodies = unique_bodies(total, b"f")
        reader, writer = await asyncio.open_connection("127.0.0.1", relay.port)
        cpu0 = relay.cpu()
        start = time.perf_counter()
        for i, body in enumerate(bodies):
            delay = start + i / FANOUT_RATE - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            stamped = struct.pack(">d", time.perf_counter()) + body[8:]
            writer.write(append_request(cap, stamped))
            status, _ = await _response(reader)
            assert status == 200
        await asyncio.wait_for(asyncio.gather(*tasks), 30)
        cpu = relay.cpu() - cpu0
        writer.close()
    finally:
        relay.stop()
    deliveries = len(latencies)
    return cpu / deliveries * 1e6, percentile(latencies, 99) * 1e3, deliveries


async def _subscribe(port: int, cap: MailboxCapability) -> asyncio.StreamReader:
    now, nonce = int(time.time()), os.urandom(16)
    proof = sign(cap.read_seed, read_message(cap.mailbox, now, nonce))
    body = json.dumps({"mailboxes": [{"mailbox": b64e(cap.mailbox), "after": 0, "time": now,
                                      "nonce": b64e(nonce), "proof": b64e(proof)}]}).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(http_request("POST", "/v1/subscribe", body))
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    reader._coterie_writer = writer  # type: ignore[attr-defined]  # keep it open
    return reader


async def _read(reader: asyncio.StreamReader, total: int, latencies: list[float]) -> None:
    """Read chunked SSE until `total` messages arrived; record each one's latency."""
    parser = SSEParser()
    seen = 0
    buffer = b""
    while seen < total:
        size_line = await reader.readuntil(b"\r\n")
        chunk = await reader.readexactly(int(size_line, 16) + 2)
        now = time.perf_counter()
        buffer += chunk[:-2]
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            event = parser.feed(line.decode())
            if event is not None and event.event == "message":
                data = json.loads(event.data)
                sent = struct.unpack(">d", b64d(data["body"])[:8])[0]
                latencies.append(now - sent)
                seen += 1


# -- latency under abuse ---------------------------------------------------------------------

def fetch_request(cap: MailboxCapability) -> bytes:
    now, nonce = int(time.time()), os.urandom(16)
    proof = sign(cap.read_seed, read_message(cap.mailbox, now, nonce))
    return http_request("GET", f"/v1/mailboxes/{b64e(cap.mailbox)}/messages?limit=10",
                        headers={"x-coterie-time": str(now), "x-coterie-nonce": b64e(nonce),
                                 "x-coterie-proof": b64e(proof)})


def abuse_requests(mailbox: bytes) -> list[bytes]:
    """The costliest bodies under 2 MiB: 256 messages of 5.5 KiB (parsed, decoded and
    hashed, then refused for their signatures), and a million tiny values."""
    bad_sig = b64e(bytes(64))
    messages = [{"body": b64e(os.urandom(5632)), "sig": bad_sig} for _ in range(256)]
    path = f"/v1/mailboxes/{b64e(mailbox)}/messages"
    tiny = b'{"messages":[' + b",".join([b"1"] * 1_000_000) + b"]}"
    return [http_request("POST", path, json.dumps({"messages": messages}).encode()),
            http_request("POST", path, tiny)]


async def victim_latencies(port: int, cap: MailboxCapability, seconds: float) -> list[float]:
    """Fetch at VICTIM_RATE over one keep-alive connection; each request's latency."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(VICTIM, 0))
    latencies: list[float] = []
    start = time.perf_counter()
    i = 0
    while time.perf_counter() - start < seconds:
        delay = start + i / VICTIM_RATE - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        request = fetch_request(cap)
        sent = time.perf_counter()
        writer.write(request)
        status, _ = await _response(reader)
        latencies.append(time.perf_counter() - sent)
        assert status == 200, status
        i += 1
    writer.close()
    return latencies


def abuse(port: int, mailbox: str, seconds: float) -> None:
    """The abusing client, in its own process (it shares no interpreter with the measured
    one): for `seconds`, send the abuse requests round-robin on ABUSE_CONNECTIONS
    connections, each when the relay's default token bucket has room for it (one token
    per request and one per `body_bytes_per_token` of body): within its rate limit.
    Prints its counts as JSON."""
    from relay.config import Limits

    limits = Limits()
    requests = abuse_requests(b64d(mailbox))
    stats = {"bodies": 0, "bytes": 0, "limited": 0}
    bucket = [float(limits.rate_burst), time.monotonic()]
    print(flush=True)     # ready
    end = time.monotonic() + seconds

    async def spend(cost: float) -> None:
        while True:
            now = time.monotonic()
            tokens = min(limits.rate_burst, bucket[0] + (now - bucket[1]) * limits.rate_per_second)
            bucket[:] = [tokens, now]
            if tokens >= cost:
                bucket[0] -= cost
                return
            await asyncio.sleep((cost - tokens) / limits.rate_per_second)

    async def one_connection(k: int) -> None:
        i = k
        while time.monotonic() < end:
            request = requests[i % len(requests)]
            i += 1
            await spend(1 + len(request) // limits.body_bytes_per_token)
            reader, writer = await asyncio.open_connection("127.0.0.1", port,
                                                           local_addr=(ABUSER, 0))
            writer.write(request)
            status, _ = await _response(reader)
            writer.close()
            stats["limited" if status == 429 else "bodies"] += 1
            stats["bytes"] += len(request) if status != 429 else 0

    async def run_all() -> None:
        await asyncio.gather(*(one_connection(k) for k in range(ABUSE_CONNECTIONS)))

    asyncio.run(run_all())
    print(json.dumps(stats), flush=True)


async def latency_under_abuse(tmp: str) -> tuple[float, float, dict[str, int]]:
    """(p99 ms under abuse, p99 ms without, abuser stats) against a default-limits relay;
    the least disturbed of ABUSE_ROUNDS rounds of each."""
    calm, abused, stats = [], [], {}
    for _ in range(ABUSE_ROUNDS):
        one_calm, one_abused, stats = await _abuse_round(tmp)
        calm.append(one_calm)
        abused.append(one_abused)
    return min(abused), min(calm), stats


async def _abuse_round(tmp: str) -> tuple[float, float, dict[str, int]]:
    cap = capability()
    relay = Child("relay-default", tmp)
    try:
        assert (await call(relay.port, create_request(cap)))[0] == 201
        baseline = await victim_latencies(relay.port, cap, BASELINE_SECONDS)
        root = Path(__file__).resolve().parent.parent
        abuser = subprocess.Popen([sys.executable, "-m", "bench.bench_relay", "abuse",
                                   str(relay.port), b64e(cap.mailbox),
                                   str(ABUSE_SECONDS + 1.0)],
                                  cwd=root, stdout=subprocess.PIPE, text=True)
        assert abuser.stdout is not None
        await asyncio.to_thread(abuser.stdout.readline)   # its requests are built
        await asyncio.sleep(0.5)                          # its first bodies are on their way
        abused = await victim_latencies(relay.port, cap, ABUSE_SECONDS)
        out, _ = await asyncio.to_thread(abuser.communicate, timeout=60)
        stats = json.loads(out)
    finally:
        relay.stop()
    return percentile(baseline, 99) * 1e3, percentile(abused, 99) * 1e3, stats


# -- PostgreSQL ------------------------------------------------------------------------------

PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
PG_INSERT_SQL = ("INSERT INTO bench_rows (box, cursor, hash, stored_at, size, body)"
                 " VALUES (%s, %s, %s, %s, %s, %s)")


def direct_insert_rate(url: str, schema: str, rows: int, connections: int,
                       round_: int = 0) -> float:
    """1 KiB rows/s inserted and committed one at a time through psycopg by `connections`
    threads, each on its own connection: what the database does without the relay. The
    table is shaped like the relay's `messages` (its columns and indexes, without the
    reference to `mailboxes`), so the database maintains the same indexes for each row."""
    import threading

    import psycopg
    with psycopg.connect(url, autocommit=True, options=f"-c search_path={schema}") as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_rows (LIKE messages INCLUDING INDEXES)")
    bodies = unique_bodies(rows, b"d%d" % round_)
    share = rows // connections
    ready = threading.Barrier(connections + 1)

    def work(k: int) -> None:
        box = round_ * connections + k
        with psycopg.connect(url, autocommit=True,
                             options=f"-c search_path={schema}") as conn:
            ready.wait()
            for i in range(k * share, (k + 1) * share):
                conn.execute(PG_INSERT_SQL, (box, i, bodies[i][:32], 0, BODY_BYTES, bodies[i]))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(connections)]
    for t in threads:
        t.start()
    ready.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    return share * connections / (time.perf_counter() - start)


async def pg_ingest(children: list[Child], rounds: int = INGEST_ROUNDS,
                    between: Callable[[int], None] | None = None) -> float:
    """Best-of-rounds appends/s, connections split evenly over `children`; `between(round)`
    runs after each round (the ceiling, measured alternately with the relay)."""
    caps = [capability() for _ in range(8)]
    for cap in caps:
        assert (await call(children[0].port, create_request(cap)))[0] in (200, 201)
    best = 0.0
    for round_ in range(rounds):
        bodies = unique_bodies(INGEST_REQUESTS, b"p%d-%d" % (len(children), round_))
        requests = [append_request(caps[i % len(caps)], b) for i, b in enumerate(bodies)]
        per = len(requests) // len(children)
        results = await asyncio.gather(*(
            drive(child.port, requests[k * per:(k + 1) * per],
                  INGEST_CONNECTIONS // len(children)) for k, child in enumerate(children)))
        for _, statuses in results:
            assert set(statuses) == {200}, set(statuses)
        best = max(best, per * len(children) / max(sec for sec, _ in results))
        if between is not None:
            between(round_)
    return best


def pg_ingest_vs_insert(child: Child, url: str, schema: str) -> tuple[float, float]:
    """(appends/s through one relay, direct inserts/s): rounds of each in turn, best of
    INGEST_ROUNDS each, so both see the same moments of a shared machine."""
    direct: list[float] = []

    def ceiling(round_: int) -> None:
        direct.append(direct_insert_rate(url, schema, INGEST_REQUESTS, INGEST_CONNECTIONS,
                                         round_))

    single = asyncio.run(pg_ingest([child], between=ceiling))
    return single, max(direct)


async def pg_fanout_2x(one: Child, two: Child) -> tuple[float, int]:
    """(p99 ms, deliveries) on the second instance's half of SUBSCRIBERS."""
    cap = capability()
    latencies: list[float] = []
    ignored: list[float] = []
    total = int(FANOUT_RATE * FANOUT_SECONDS)
    assert (await call(one.port, create_request(cap)))[0] == 201
    readers = [await _subscribe((one, two)[i % 2].port, cap) for i in range(SUBSCRIBERS)]
    tasks = [asyncio.create_task(_read(r, total, latencies if i % 2 else ignored))
             for i, r in enumerate(readers)]
    reader, writer = await asyncio.open_connection("127.0.0.1", one.port)
    start = time.perf_counter()
    for i, body in enumerate(unique_bodies(total, b"g")):
        delay = start + i / FANOUT_RATE - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        writer.write(append_request(cap, struct.pack(">d", time.perf_counter()) + body[8:]))
        status, _ = await _response(reader)
        assert status == 200
    await asyncio.wait_for(asyncio.gather(*tasks), 30)
    writer.close()
    return percentile(latencies, 99) * 1e3, len(latencies)


def run_pg() -> list[Row]:
    import uuid

    import psycopg
    url = os.environ.get("COTERIE_BENCH_DATABASE") or PG_DEFAULT
    schema = "bench_" + uuid.uuid4().hex[:12]
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
    except psycopg.Error as exc:
        print(f"PostgreSQL rows skipped: no database at {url} ({type(exc).__name__})",
              file=sys.stderr)
        return []
    children: list[Child] = []
    try:
        children.append(Child("relay-pg", f"{url} {schema}"))
        single, direct = pg_ingest_vs_insert(children[0], url, schema)
        children.append(Child("relay-pg", f"{url} {schema}"))
        double = asyncio.run(pg_ingest(children))
        p99, deliveries = asyncio.run(pg_fanout_2x(children[0], children[1]))
    finally:
        for child in children:
            child.stop()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
    return [
        rate_row("relay_pg_ingest_vs_insert", single, direct, "req/s",
                 f"target >= 0.5; 1 KiB signed appends through one relay on PostgreSQL "
                 f"(group commit), {INGEST_CONNECTIONS} connections; ceiling: the same rows "
                 f"inserted and committed one by one through psycopg by "
                 f"{INGEST_CONNECTIONS} threads into a table with the relay's indexes; "
                 f"rounds of each in turn, best of {INGEST_ROUNDS}"),
        latency_row("relay_pg_fanout_p99_ms_2x", p99, None, "ms",
                    f"target <= 100; {SUBSCRIBERS} subscribers split over two instances, "
                    f"{FANOUT_RATE} appends/s to the first = {FANOUT_RATE * SUBSCRIBERS} "
                    f"deliveries/s; p99 of the {deliveries} deliveries on the second"),
        rate_row("relay_pg_scale_2x", double, single, "req/s",
                 "appends/s with two instances (connections split) over one instance; "
                 "PostgreSQL, both relays and the load share this machine's cores"),
    ]


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="bench-relay-") as tmp:
        relay_rate, bare_rate = asyncio.run(ingest_rates(tmp))
    rows = [rate_row("relay_ingest_vs_bare", relay_rate, bare_rate, "req/s",
                     f"1 KiB signed appends, durable (WAL+FULL, group commit), "
                     f"{INGEST_CONNECTIONS} connections; ceiling: bare Starlette 200")]
    with tempfile.TemporaryDirectory(prefix="bench-relay-") as tmp:
        us, p99, deliveries = asyncio.run(fanout(tmp))
    rows.append(latency_row("relay_fanout_us_per_delivery", us, None, "µs",
                            f"target <= 35; relay CPU incl. ingest / {deliveries} "
                            f"deliveries to {SUBSCRIBERS} subscribers of one mailbox"))
    rows.append(latency_row("relay_fanout_p99_ms_100", p99, None, "ms",
                            f"target <= 50; {SUBSCRIBERS} subscribers, {FANOUT_RATE} appends/s "
                            f"= {FANOUT_RATE * SUBSCRIBERS} deliveries/s, send to read"))
    with tempfile.TemporaryDirectory(prefix="bench-relay-") as tmp:
        abused, calm, stats = asyncio.run(latency_under_abuse(tmp))
    rows.append(latency_row(
        "relay_latency_under_abuse_p99_ms", abused, calm, "ms",
        f"target <= 50; fetches at {VICTIM_RATE}/s while another client sent "
        f"{stats['bodies']} bodies ({stats['bytes'] / 2**20:.0f} MiB, {stats['limited']} "
        f"refused 429) in {ABUSE_SECONDS:g} s within its rate limit; ceiling: the same "
        f"fetches, no abuser; best of {ABUSE_ROUNDS} rounds"))
    return rows + run_pg()


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        _serve(sys.argv[2], sys.argv[3])
    elif sys.argv[1:2] == ["abuse"]:
        abuse(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]))
    else:
        from bench.common import format_table
        print(format_table(run()))
