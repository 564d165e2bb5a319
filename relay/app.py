"""The HTTP adapter: Starlette routes over the mailbox core (API v1, docs/relay.md).

Handlers parse, ask the core, submit writes to the group committer and answer JSON. Every
refusal is a RelayError turned into `{"error": "..."}` with its 4xx; logs and metrics carry
route templates, never a path with a mailbox id and never a client address.
"""
from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from crypto.relay_wire import b64e_ascii
from relay import parse
from relay.blobs import Blobs
from relay.config import RelayConfig
from relay.connections import ConnectionGuard
from relay.core import RelayCore
from relay.deadlines import BodyDeadlines, BodyTimeout
from relay.errors import NotFound, RelayError, RequestTimeout, TooLarge, TooMany
from relay.metrics import Metrics
from relay.openapi import openapi_document
from relay.pg_storage import PostgresStorage
from relay.pg_wakeups import Wakeups
from relay.push import Hub
from relay.ratelimit import ClientKeys, RateLimiter, retry_after
from relay.sqlite_storage import SQLiteStorage
from relay.storage import (
    AppendOp,
    AppendResult,
    CloseResult,
    CreateResult,
    PruneResult,
    Storage,
    WriteResult,
)
from relay.stream import RAW_SEND, EventStream
from relay.writer import GroupCommitter

log = logging.getLogger("relay")

DB_NAME = "relay.db"
THREAD_VERIFY_OVER = 32     # subscriptions bigger than this are verified off the event loop
# Bodies above this are parsed and decoded on a worker thread: parsing a large body on the
# event loop would hold up every other client's request meanwhile.
INLINE_PARSE_BYTES = 64 * 1024
CLIENT_KEY = "coterie.client_key"   # the request scope's cached client key
Handler = Callable[[Request], Awaitable[Response]]
T = TypeVar("T")


def _json(status: int, payload: object, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(payload, separators=(",", ":")).encode(), status,
                    headers=headers, media_type="application/json")


def _page_json(messages: Sequence[tuple[int, bytes]], nxt: int, more: bool,
               closed: bool) -> bytes:
    """A fetch page, byte for byte what json.dumps(..., separators=(",", ":")) writes for
    {"messages": [{"cursor": c, "body": b64e(b)}, ...], "next", "more", "closed"}, written
    directly: cursors are ints and base64url needs no escaping, and a page holds up to a
    thousand ~1.4 KB strings the encoder would otherwise scan and copy once more each."""
    body = b",".join(b'{"cursor":%d,"body":"%s"}' % (int(c), b64e_ascii(b)) for c, b in messages)
    return b'{"messages":[%s],"next":%d,"more":%s,"closed":%s}' % (
        body, int(nxt), b"true" if more else b"false", b"true" if closed else b"false")


def error_response(err: RelayError) -> Response:
    headers = None
    retry = getattr(err, "retry_after", None)
    if retry is not None:
        headers = {"retry-after": str(retry)}
    return _json(err.status, {"error": str(err)}, headers)


class Relay:
    """One running relay: core, storage, hub, limits and metrics; `app` is the ASGI app."""

    def __init__(self, config: RelayConfig, *, storage: Storage | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.config = config
        limits = config.limits
        if storage is None and config.database:
            storage = PostgresStorage(config.database)
        if storage is None:
            if config.data_dir is None:
                raise ValueError("RelayConfig.data_dir is needed when no storage is given")
            # Only the relay's user needs to read its database.
            Path(config.data_dir).mkdir(mode=0o700, parents=True, exist_ok=True)
            warn_if_open(Path(config.data_dir))
            storage = SQLiteStorage(Path(config.data_dir) / DB_NAME)
        self.storage = storage
        self.core = RelayCore(storage, limits, clock)
        self.hub = Hub()
        self.metrics = Metrics()
        if isinstance(storage, PostgresStorage):
            self.metrics.database_pool = storage.pool_stats
        self.keys = ClientKeys()
        self.requests = RateLimiter(limits.rate_per_second, limits.rate_burst, time.monotonic)
        self.creates = RateLimiter(limits.create_per_minute / 60.0, limits.create_burst,
                                   time.monotonic)
        self.verifies = RateLimiter(limits.verify_rate_per_second, limits.verify_burst,
                                  time.monotonic)
        self.info = RateLimiter(limits.info_rate_per_second, limits.info_burst, time.monotonic)
        self.connections: ConnectionGuard | None = None   # set when served by uvicorn
        self._deadlines = BodyDeadlines(limits.body_timeout_seconds)
        self._parsing: dict[bytes, list] = {}   # client -> [lock, users]: one large parse
        self._openapi: bytes | None = None
        self.streams: dict[bytes, int] = defaultdict(int)
        self.committer: GroupCommitter | None = None
        self.wakeups: Wakeups | None = None   # push across instances sharing PostgreSQL
        self._pruner: asyncio.Task[None] | None = None
        self._closed = False
        self.blobs = Blobs(self)
        self.app = self._build_app()

    # -- lifecycle -----------------------------------------------------------------------

    def _start(self) -> GroupCommitter:
        """Start the writer on the running loop (lifespan, or first request without one)."""
        if self.committer is None:
            loop = asyncio.get_running_loop()
            self.committer = GroupCommitter(self.storage, loop, self._on_commit,
                                            self.metrics.batch, self.core.check)
            self._pruner = loop.create_task(self._prune_forever())
            if isinstance(self.storage, PostgresStorage):
                limits = self.config.limits
                self.wakeups = Wakeups(self.storage, self.hub, loop, limits.fetch_max_limit,
                                       limits.fetch_max_bytes, self.metrics.wakeup)
        return self.committer

    async def shutdown(self) -> None:
        """End push streams, finish every submitted write, close the database."""
        if self._closed:
            return
        self._closed = True
        self._deadlines.close()
        self.hub.stop_all()
        self.blobs.stop()
        if self._pruner is not None:
            self._pruner.cancel()
        if self.wakeups is not None:
            self.wakeups.stop()
            await asyncio.to_thread(self.wakeups.join)
        if self.committer is not None:
            await asyncio.to_thread(self.committer.stop)
            await asyncio.sleep(0)   # let the last outcomes reach their futures
        self.storage.close()

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        self._start()
        try:
            yield
        finally:
            await self.shutdown()

    async def _prune_forever(self) -> None:
        interval = self.config.limits.prune_interval_seconds
        while True:
            await asyncio.sleep(interval)
            try:
                await self.prune_once()
            except RelayError:   # storage unavailable this time: try again next interval
                log.warning("retention could not run; it will be retried")

    async def prune_once(self) -> None:
        outcome = await self._start().submit(self.core.prepare_prune())
        if isinstance(outcome, PruneResult) and (outcome.messages or outcome.mailboxes):
            log.info("retention removed %d messages and %d mailboxes", outcome.messages,
                     outcome.mailboxes)

    def _on_commit(self, outcome: WriteResult | RelayError) -> None:
        self.core.committed(outcome)
        m = self.metrics
        if isinstance(outcome, AppendResult):
            m.appended_messages += len(outcome.new)
            m.appended_bytes += sum(len(body) for _, body in outcome.new)
            m.duplicate_appends += len(outcome.cursors) - len(outcome.new)
            if self.wakeups is not None:
                self.wakeups.appended(outcome.mailbox, outcome.new)
            elif outcome.new:
                self.hub.publish(outcome.mailbox, outcome.new)
        elif isinstance(outcome, CreateResult):
            m.mailboxes_created += outcome.created
        elif isinstance(outcome, CloseResult):
            if outcome.closed_now:
                m.mailboxes_closed += 1
                self.hub.closed(outcome.mailbox)
                if self.wakeups is not None:
                    self.wakeups.closed(outcome.mailbox)
        elif isinstance(outcome, PruneResult):
            m.pruned_messages += outcome.messages

    async def _write(self, op: object) -> WriteResult:
        outcome = await self._start().submit(op)  # type: ignore[arg-type]
        if isinstance(outcome, RelayError):
            raise outcome
        return outcome

    # -- request plumbing ----------------------------------------------------------------

    def _client(self, request: Request) -> bytes:
        """The request's client key (a keyed hash of its address), made once per request."""
        scope = request.scope
        key = scope.get(CLIENT_KEY)
        if key is None:
            client = scope.get("client")
            key = scope[CLIENT_KEY] = self.keys.key(client[0] if client else "unknown")
        return key

    def _admit(self, client: bytes, limiter: RateLimiter | None = None,
               cost: float = 1.0) -> None:
        wait = (limiter or self.requests).allow(client, cost)
        if wait:
            self.metrics.rate_limited += 1
            raise TooMany("Too many requests; slow down.", retry_after(wait))

    def _charge_signatures(self, client: bytes, count: int) -> None:
        """Spend one token per signature a request makes the relay check (and per nonce a
        proof leaves behind), so a request's price follows its work."""
        # A bucket never holds more than its burst: a larger request pays the whole burst.
        wait = self.verifies.allow(client, min(count, self.config.limits.verify_burst))
        if wait:
            self.metrics.rate_limited += 1
            raise TooMany("Too many signatures to check; slow down.", retry_after(wait))

    async def _body(self, request: Request) -> bytes:
        limits = self.config.limits
        limit = limits.max_request_bytes
        declared = request.headers.get("content-length", "")
        if declared.isascii() and declared.isdigit() and (len(declared) > 18
                                                          or int(declared) > limit):
            raise TooLarge(f"The request body is larger than {limit} bytes.")
        chunks, size = [], 0
        try:
            with self._deadlines.watch():
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge(f"The request body is larger than {limit} bytes.")
                    chunks.append(chunk)
        except BodyTimeout:
            raise RequestTimeout("The request body arrived too slowly.") from None
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    async def _parsed(self, request: Request, client: bytes,
                      parse_fn: Callable[[dict], T]) -> T:
        """Read the body as a JSON object and give it to `parse_fn`; a large body costs more
        rate-limit tokens and is parsed on a worker thread, so it cannot stall others."""
        raw = await self._body(request)
        limits = self.config.limits
        extra = len(raw) // limits.body_bytes_per_token
        if extra:
            self._admit(client, cost=extra)
        max_items = max(limits.max_batch_items, limits.max_subscribe_mailboxes)

        def parse_body() -> T:
            return parse_fn(parse.json_object(raw, max_items))

        if len(raw) <= INLINE_PARSE_BYTES:
            return parse_body()
        # One large body per client at a time: parallel parses would each hold the GIL in
        # turn and fill the worker threads that other clients' fetches also need.
        entry = self._parsing.setdefault(client, [asyncio.Lock(), 0])
        entry[1] += 1
        try:
            async with entry[0]:
                return await asyncio.to_thread(parse_body)
        finally:
            entry[1] -= 1
            if not entry[1]:       # the last one out removes it: no state per idle client
                del self._parsing[client]

    def _endpoint(self, route: str, handler: Handler, info: bool = False) -> Handler:
        metrics = self.metrics

        async def endpoint(request: Request) -> Response:
            start = time.perf_counter()
            try:
                self._admit(self._client(request), self.info if info else self.requests)
                response = await handler(request)
            except RelayError as err:
                response = error_response(err)
            except Exception as exc:  # a bug, never client input: answer 500, log no data
                log.error("unexpected %s while handling %s", type(exc).__name__, route)
                response = _json(500, {"error": "The relay failed unexpectedly."})
            if isinstance(response, Response):
                metrics.request(route, response.status_code, time.perf_counter() - start)
            else:
                metrics.request(route, 200, time.perf_counter() - start)
            return response

        return endpoint

    # -- handlers ------------------------------------------------------------------------

    async def create_mailbox(self, request: Request) -> Response:
        client = self._client(request)
        fields = await self._parsed(request, client, parse.create_request)
        self._charge_signatures(client, 1)
        op = self.core.prepare_create(*fields)
        if self.storage.get_mailbox(op.mailbox) is None:
            wait = self.creates.allow(client)
            if wait:
                self.metrics.rate_limited += 1
                raise TooMany("Too many new mailboxes; try again later.", retry_after(wait))
        result = await self._write(op)
        assert isinstance(result, CreateResult)
        return _json(201 if result.created else 200, {"created": result.created})

    async def append(self, request: Request) -> Response:
        mailbox = parse.mailbox_path(request.path_params["mailbox"])
        limits = self.config.limits

        def prepare(data: dict) -> AppendOp:   # signatures: checked in the writer
            bodies, sigs = parse.append_request(data, limits)
            return self.core.prepare_append(mailbox, bodies, sigs)

        client = self._client(request)
        op = await self._parsed(request, client, prepare)
        self._charge_signatures(client, len(op.items))
        result = await self._write(op)
        assert isinstance(result, AppendResult)
        return Response(b'{"cursors":[' + ",".join(map(str, result.cursors)).encode() + b"]}",
                        media_type="application/json")

    async def fetch(self, request: Request) -> Response:
        mailbox = parse.mailbox_path(request.path_params["mailbox"])
        proof = parse.proof_headers(request.headers)
        params = request.query_params
        after = parse.query_int(params, "after", 0) or 0
        limit = parse.query_int(params, "limit", None, parse.query_limit(self.config.limits))
        client = self._client(request)
        self._charge_signatures(client, 1)

        def page_json() -> bytes:   # a page is up to fetch_max_bytes: encode it off the loop
            page = self.core.fetch(mailbox, proof, after, limit, client)
            return _page_json(page.messages, page.next, page.more, page.closed)

        return Response(await asyncio.to_thread(page_json), media_type="application/json")

    async def close_mailbox(self, request: Request) -> Response:
        mailbox = parse.mailbox_path(request.path_params["mailbox"])
        proof = parse.proof_headers(request.headers)
        client = self._client(request)
        self._charge_signatures(client, 1)
        op = self.core.prepare_close(mailbox, proof, client)
        result = await self._write(op)
        assert isinstance(result, CloseResult)
        return _json(200, {"closed": True})

    async def subscribe(self, request: Request) -> Response:
        client = self._client(request)
        limits = self.config.limits
        if self.streams[client] >= limits.max_streams_per_client:
            raise TooMany("Too many open push connections from this client.", 5)
        entries = await self._parsed(request, client, lambda data: parse.subscribe_request(
            data, limits.max_subscribe_mailboxes))
        self._charge_signatures(client, len(entries))
        reads = [(mailbox, proof) for mailbox, _, proof in entries]
        if len(entries) > THREAD_VERIFY_OVER:
            await asyncio.to_thread(self.core.check_reads, reads, client)
        else:
            self.core.check_reads(reads, client)
        parse.unique_mailboxes(entries)
        if self._closed:
            raise TooMany("The relay is shutting down; reconnect shortly.", 2)
        self._start()
        wakeups = self.wakeups
        mailboxes = [mailbox for mailbox, _, _ in entries]
        if wakeups is not None:    # before the stream reads its backlog
            await wakeups.follow(mailboxes)
        self.streams[client] += 1

        def ended() -> None:
            if wakeups is not None:
                wakeups.unfollow(mailboxes)
            self.streams[client] -= 1
            if self.streams[client] <= 0:
                del self.streams[client]

        return EventStream(self.core, self.hub, self.metrics,  # type: ignore[return-value]
                           [(m, after) for m, after, _ in entries], ended)

    async def healthz(self, request: Request) -> Response:
        ping = getattr(self.storage, "ping", None)
        if ping is not None:   # a shared database: unreachable means unhealthy (503)
            await asyncio.to_thread(ping)
        return _json(200, {"status": "ok"})

    async def metrics_page(self, request: Request) -> Response:
        # Traffic volume is for the operator: only clients on this machine see it.
        if not _is_loopback(request.client.host if request.client else ""):
            raise NotFound("No such route on this relay.")
        guard = self.connections
        # The stored totals sum over every mailbox: not on the event loop.
        text = await asyncio.to_thread(self.metrics.render, self.storage.totals,
                                       None if guard is None else (guard.open, guard.refused))
        text += await asyncio.to_thread(self.blobs.metrics_text)
        return Response(text, media_type="text/plain; version=0.0.4; charset=utf-8")

    async def openapi(self, request: Request) -> Response:
        if self._openapi is None:
            self._openapi = json.dumps(openapi_document(self.config.limits),
                                       separators=(",", ":")).encode()
        return Response(self._openapi, media_type="application/json")

    # -- app -----------------------------------------------------------------------------

    def _build_app(self) -> Starlette:
        e = self._endpoint
        append = e("append", self.append)
        routes = [
            Route("/v1/mailboxes", e("create", self.create_mailbox), methods=["POST"]),
            Route("/v1/mailboxes/{mailbox}/messages", append, methods=["POST"]),
            Route("/v1/mailboxes/{mailbox}/messages", e("fetch", self.fetch), methods=["GET"]),
            Route("/v1/mailboxes/{mailbox}", e("close", self.close_mailbox),
                  methods=["DELETE"]),
            Route("/v1/subscribe", e("subscribe", self.subscribe), methods=["POST"]),
            *self.blobs.routes(),
            Route("/healthz", e("healthz", self.healthz, info=True), methods=["GET"]),
            Route("/metrics", e("metrics", self.metrics_page, info=True), methods=["GET"]),
            Route("/openapi.json", e("openapi", self.openapi, info=True), methods=["GET"]),
        ]
        app = _RelayStarlette(routes=routes, lifespan=self._lifespan,
                              exception_handlers={HTTPException: _http_error})
        app.append_endpoint = append
        return app


class _RelayStarlette(Starlette):
    """Starlette that leaves the server's own `send` in the scope for push streams, and
    takes appends straight to their endpoint.

    Each pushed frame would otherwise pass through two of Starlette's error-handling send
    wrappers; a stream handles its own errors, so it writes with the server's send directly.
    An append, the relay's busiest request, skips the middleware and the route table: its
    endpoint answers every error itself (as a JSON 4xx, or a 500 for a bug), so the two
    error middlewares have nothing to catch, and one path test stands for the routing.
    """

    append_endpoint: Handler | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[RAW_SEND] = send
        endpoint = self.append_endpoint
        if endpoint is not None and scope["type"] == "http" and scope["method"] == "POST":
            mailbox = append_path(scope["path"])
            if mailbox is not None:
                scope["app"] = self
                scope["path_params"] = {"mailbox": mailbox}
                response = await endpoint(Request(scope, receive, send))
                await response(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


APPEND_PREFIX, APPEND_SUFFIX = "/v1/mailboxes/", "/messages"


def append_path(path: str) -> str | None:
    """The {mailbox} of an append's path, as the route "/v1/mailboxes/{mailbox}/messages"
    would match it (one non-empty segment), or None for any other path."""
    if path.startswith(APPEND_PREFIX) and path.endswith(APPEND_SUFFIX):
        mailbox = path[len(APPEND_PREFIX):-len(APPEND_SUFFIX)]
        if mailbox and "/" not in mailbox:
            return mailbox
    return None


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    messages = {404: "No such route on this relay.",
                405: "This method is not allowed on this route."}
    headers = None
    if exc.status_code == 405:   # every method of every route on this path (RFC 9110)
        headers = {"allow": ", ".join(_allowed_methods(request))}
    return _json(exc.status_code, {"error": messages.get(exc.status_code,
                                                         "The request was refused.")}, headers)


def _allowed_methods(request: Request) -> list[str]:
    path = request.url.path
    methods = {method for route in request.app.router.routes
               if isinstance(route, Route) and route.methods and route.path_regex.match(path)
               for method in route.methods}
    return sorted(methods)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def warn_if_open(data_dir: Path) -> None:
    """Log one warning when others may enter the data directory (the files are 0600)."""
    try:
        mode = data_dir.stat().st_mode
    except OSError:
        return
    if mode & 0o077:
        log.warning("The data directory %s is open to other users (mode %o); make it 0700 "
                    "so only the relay can reach its database.", data_dir, mode & 0o777)


def create_app(config: RelayConfig, *, storage: Storage | None = None,
               clock: Callable[[], float] = time.time) -> Starlette:
    """The relay's ASGI app; `app.state.relay` is the Relay behind it."""
    relay = Relay(config, storage=storage, clock=clock)
    relay.app.state.relay = relay
    return relay.app
