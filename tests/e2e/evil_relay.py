"""A misbehaving relay for tests: an ASGI proxy in front of the real relay.

Everything passes through unchanged except catch-up reads of a mailbox
(`GET /v1/mailboxes/{id}/messages`). For those the proxy reads the whole mailbox from
the real relay (the client's read proof covers the mailbox, time and nonce, not the
cursor, so it can be forwarded once with `after=0`), lets `tamper` rewrite the list of
bodies, renumbers the result 1..n and serves the page the client asked for. A tamper
function that only appends to or edits within the list it saw before keeps cursors
stable across reads, as a careful attacker would.

The push stream is refused (503), so clients fall back to the reads the proxy controls.
"""
from __future__ import annotations

import threading
from collections.abc import Callable

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.e2e.harness import free_port, wait_healthy

Tamper = Callable[[str, list[str]], list[str]]   # (mailbox b64, bodies b64) -> bodies b64
HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection"}


def honest(mailbox: str, bodies: list[str]) -> list[str]:
    return bodies


class EvilRelay:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.tamper: Tamper = honest
        # How many bodies each mailbox held at the last honest read, and a snapshot of that
        # taken by mark(): tamper functions aim at messages added after the mark.
        self.lengths: dict[str, int] = {}
        self.base: dict[str, int] = {}
        # Appends to forward to the relay whose answer is then lost (the client sees a 503).
        self.lose_acks = 0
        self.port = free_port()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        app = Starlette(routes=[
            Route("/v1/mailboxes/{mailbox}/messages", self._messages, methods=["GET", "POST"]),
            Route("/v1/subscribe", self._subscribe, methods=["POST"]),
            Route("/{path:path}", self._forward, methods=["GET", "POST", "DELETE"]),
        ])
        self.app = app

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- routes ------------------------------------------------------------------------------
    async def _forward(self, request: Request) -> Response:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        async with httpx.AsyncClient(timeout=30) as client:
            upstream = await client.request(request.method, self.upstream + request.url.path,
                                            params=request.query_params, headers=headers,
                                            content=await request.body())
        return Response(upstream.content, upstream.status_code,
                        media_type=upstream.headers.get("content-type"))

    async def _subscribe(self, request: Request) -> Response:
        return JSONResponse({"error": "push is not available here"}, status_code=503)

    async def _messages(self, request: Request) -> Response:
        if request.method != "GET":
            answer = await self._forward(request)
            if self.lose_acks > 0 and answer.status_code == 200:
                self.lose_acks -= 1
                return JSONResponse({"error": "the answer was lost"}, status_code=503)
            return answer
        mailbox = request.path_params["mailbox"]
        after = int(request.query_params.get("after", "0"))
        limit = int(request.query_params.get("limit", "500"))
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("x-coterie")}
        async with httpx.AsyncClient(timeout=30) as client:
            upstream = await client.get(f"{self.upstream}/v1/mailboxes/{mailbox}/messages",
                                        params={"after": 0, "limit": 1000}, headers=headers)
        if upstream.status_code != 200:
            return Response(upstream.content, upstream.status_code,
                            media_type=upstream.headers.get("content-type"))
        doc = upstream.json()
        original = [m["body"] for m in doc["messages"]]
        self.lengths[mailbox] = len(original)
        bodies = self.tamper(mailbox, original)
        page = bodies[after:after + limit]
        messages = [{"cursor": after + i + 1, "body": b} for i, b in enumerate(page)]
        return JSONResponse({"messages": messages,
                             "next": messages[-1]["cursor"] if messages else after,
                             "more": after + len(page) < len(bodies),
                             "closed": doc.get("closed", False)})

    def mark(self) -> None:
        """Remember every mailbox's length: later tampering targets what comes after."""
        self.base = dict(self.lengths)

    # -- life cycle --------------------------------------------------------------------------
    def start(self) -> EvilRelay:
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        wait_healthy(self.url)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(5)
