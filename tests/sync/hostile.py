"""A hostile relay for tests: a small Starlette app on a loopback port whose routes a test
writes, served by uvicorn from a thread (streamed answers really stream, unlike through
httpx.ASGITransport, which collects a whole answer before handing it over)."""
from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.sync.conftest import free_port

Handler = Callable[[Request], Awaitable[Response]]
MESSAGES = "/v1/mailboxes/{mailbox}/messages"


class HostileRelay:
    """Serves `routes` (path -> handler; GET and POST) plus an honest mailbox create."""

    def __init__(self, routes: dict[str, Handler]) -> None:
        self.port = free_port()
        self.requests: list[str] = []
        app_routes = [Route(path, self._counted(handler), methods=["GET", "POST"])
                      for path, handler in routes.items()]
        app_routes.append(Route("/v1/mailboxes", created, methods=["POST"]))
        self._server = uvicorn.Server(uvicorn.Config(
            Starlette(routes=app_routes), host="127.0.0.1", port=self.port,
            log_level="warning", lifespan="off", timeout_graceful_shutdown=1))
        self._thread = threading.Thread(target=self._server.run, name="hostile-relay",
                                        daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _counted(self, handler: Handler) -> Handler:
        async def counted(request: Request) -> Response:
            self.requests.append(request.url.path)
            return await handler(request)
        return counted

    def __enter__(self) -> HostileRelay:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the hostile relay did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(10)


async def created(request: Request) -> Response:
    return JSONResponse({}, status_code=201)


def endless(chunk: bytes, start: bytes = b"", sent: list[int] | None = None) -> Handler:
    """An answer of `start` and then `chunk` forever (no length announced)."""
    async def handler(request: Request) -> Response:
        async def body() -> AsyncIterator[bytes]:
            yield start
            while not await request.is_disconnected():
                if sent is not None:
                    sent[0] += len(chunk)
                yield chunk
        return StreamingResponse(body(), media_type="application/json")
    return handler


def page(messages: Callable[[int, int], list[dict[str, object]]], *,
         more: bool = False) -> Handler:
    """A fetch answer built from (after, limit) by `messages`."""
    async def handler(request: Request) -> Response:
        after = int(request.query_params.get("after", "0"))
        limit = int(request.query_params.get("limit", "500"))
        listed = messages(after, limit)
        nxt = listed[-1]["cursor"] if listed else after
        return JSONResponse({"messages": listed, "next": nxt, "more": more, "closed": False})
    return handler


def numbered(after: int, count: int, body: str = "AAAA") -> list[dict[str, object]]:
    return [{"cursor": after + i + 1, "body": body} for i in range(count)]


def lines_forever(lines: Iterator[bytes]) -> Handler:
    """A push stream (200, text/event-stream) sending `lines` as they come."""
    async def handler(request: Request) -> Response:
        async def body() -> AsyncIterator[bytes]:
            for line in lines:
                if await request.is_disconnected():
                    return
                yield line
            while not await request.is_disconnected():   # then keep the stream open
                await asyncio.sleep(0.05)
        return StreamingResponse(body(), media_type="text/event-stream")
    return handler
