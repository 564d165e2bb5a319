"""One push connection: backlog after each cursor, `synced`, then live frames until it ends.

The subscriber joins the hub BEFORE the backlog is read, so a message committed meanwhile
arrives either in the backlog or from the hub, and the per-mailbox cursor drops the copy:
no gap, no duplicate, cursor order within each mailbox.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from relay.core import RelayCore
from relay.metrics import Metrics
from relay.push import (
    CLOSED,
    PING_FRAME,
    SYNCED_FRAME,
    Hub,
    Subscriber,
    _b64,
    closed_frame,
    message_frame,
)

HEADERS = [(b"content-type", b"text/event-stream; charset=utf-8"),
           (b"cache-control", b"no-store"),
           (b"x-accel-buffering", b"no")]   # nginx: do not buffer the stream


class EventStream:
    """An ASGI response streaming server-sent events for authorised (mailbox, after) pairs."""

    def __init__(self, core: RelayCore, hub: Hub, metrics: Metrics,
                 subs: list[tuple[bytes, int]], on_end: Callable[[], None]) -> None:
        self.core = core
        self.hub = hub
        self.metrics = metrics
        self.subs = subs
        self.on_end = on_end
        self.sub = Subscriber((m for m, _ in subs), core.limits.subscriber_queue_frames)
        self.disconnected = False

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        sub, hub, metrics = self.sub, self.hub, self.metrics
        hub.add(sub)
        metrics.push_connections += 1
        loop = asyncio.get_running_loop()
        watcher = loop.create_task(self._watch(receive))
        ping = self.core.limits.ping_seconds
        self._ping = False
        self._timer = loop.call_later(ping, self._ping_due, loop, ping)
        try:
            await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
            last = await self._backlog(send)
            if last is None:
                return
            await send({"type": "http.response.body", "body": SYNCED_FRAME, "more_body": True})
            await self._live(send, last)
        except OSError:
            pass    # the client went away mid-write
        finally:
            self._timer.cancel()
            watcher.cancel()
            hub.remove(sub)
            metrics.push_connections -= 1
            self.on_end()
            if not self.disconnected:
                try:
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                except Exception:  # noqa: BLE001 - the connection is already gone
                    pass

    async def _watch(self, receive: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                self.disconnected = True
                self.sub.stop()
                return

    def _ping_due(self, loop: asyncio.AbstractEventLoop, every: float) -> None:
        self._ping = True
        self.sub.wake.set()
        self._timer = loop.call_later(every, self._ping_due, loop, every)

    async def _backlog(self, send: Any) -> dict[bytes, int] | None:
        """Send every stored message after each cursor; the last cursor sent per mailbox."""
        last: dict[bytes, int] = {}
        core, metrics = self.core, self.metrics
        for mailbox, after in self.subs:
            mailbox_b64 = _b64(mailbox)
            while True:
                if self.sub.stopping:
                    return None
                rows = await asyncio.to_thread(core.backlog, mailbox, after)
                if not rows:
                    break
                chunk = b"".join(message_frame(mailbox_b64, c, b) for c, b in rows)
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                metrics.deliveries += len(rows)
                metrics.delivered_bytes += len(chunk)
                after = rows[-1][0]
            last[mailbox] = after
            if core.is_closed(mailbox):
                last[mailbox] = 1 << 62   # nothing more will come
                await send({"type": "http.response.body", "body": closed_frame(mailbox_b64),
                            "more_body": True})
        return last

    async def _live(self, send: Any, last: dict[bytes, int]) -> None:
        sub, metrics = self.sub, self.metrics
        while True:
            await sub.wake.wait()
            sub.wake.clear()
            if sub.stopping:
                return
            if sub.overflowed:
                metrics.push_dropped_slow += 1
                return
            out = []
            delivered = 0
            for mailbox, cursor, frame in sub.take():
                if cursor == CLOSED:
                    out.append(frame)
                elif cursor > last[mailbox]:
                    last[mailbox] = cursor
                    out.append(frame)
                    delivered += 1
            if self._ping:
                self._ping = False
                if not out:
                    out.append(PING_FRAME)
            if out:
                body = b"".join(out) if len(out) > 1 else out[0]
                await send({"type": "http.response.body", "body": body, "more_body": True})
                metrics.deliveries += delivered
                metrics.delivered_bytes += len(body)
