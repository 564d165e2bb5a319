"""One push connection: backlog after each cursor, `synced`, then live frames until it ends.

The subscriber joins the hub BEFORE the backlog is read, so a message committed meanwhile
arrives either in the backlog or from the hub, and the per-mailbox cursor drops the copy:
no gap, no duplicate, cursor order within each mailbox.

Backpressure: a reader whose queue overflows is dropped. If the stream is idle it ends
cleanly; if it is stuck writing to a reader that stopped reading, the write is cancelled and
the connection closed, so neither the queue nor the socket buffers grow.
"""
from __future__ import annotations

import asyncio
import logging
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

log = logging.getLogger("relay.push")
HEADERS = [(b"content-type", b"text/event-stream; charset=utf-8"),
           (b"cache-control", b"no-store"),
           (b"x-accel-buffering", b"no")]   # nginx: do not buffer the stream
SLOW_POLL_SECONDS = 0.01       # how often a write blocked on a slow reader is retried
RAW_SEND = "coterie.raw_send"   # scope key: the server's send, without framework wrappers
# uvicorn reports a stream we cut off on purpose (a stalled reader) with this line.
DROPPED_MESSAGE = "ASGI callable returned without completing response."


class DroppedStreamFilter(logging.Filter):
    """Hide uvicorn's error line for streams the relay dropped on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg != DROPPED_MESSAGE


class EventStream:
    """An ASGI response streaming server-sent events for authorised (mailbox, after) pairs."""

    def __init__(self, core: RelayCore, hub: Hub, metrics: Metrics,
                 subs: list[tuple[bytes, int]], on_end: Callable[[], None]) -> None:
        self.core = core
        self.hub = hub
        self.metrics = metrics
        self.subs = subs
        self.on_end = on_end
        self.sub = Subscriber((m for m, _ in subs), core.limits.subscriber_queue_frames,
                              self._overflowed)
        self.disconnected = False
        self._ping = False
        self._sending = False
        self._send_fn: Any = None
        self._last: dict[bytes, int] = {}
        self._unfinished: tuple[Any, Any] | None = None   # a direct write waiting on the reader
        self._worker: asyncio.Task[None] | None = None
        self._timer: asyncio.TimerHandle | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        send = scope.get(RAW_SEND, send)
        sub, hub, metrics = self.sub, self.hub, self.metrics
        hub.add(sub)
        metrics.push_connections += 1
        loop = asyncio.get_running_loop()
        watcher = loop.create_task(self._watch(receive))
        ping = self.core.limits.ping_seconds
        self._timer = loop.call_later(ping, self._ping_due, loop, ping)
        self._worker = loop.create_task(self._stream(send))
        cut_off = False
        try:
            await asyncio.shield(self._worker)
        except asyncio.CancelledError:
            cut_off = self._worker.cancelled()
            if not cut_off:    # the server cancelled us: stop the worker too
                self._worker.cancel()
                raise
        except Exception as exc:  # noqa: BLE001 - a broken connection ends only this stream
            log.debug("a push stream ended with %s", type(exc).__name__)
        finally:
            self._timer.cancel()
            watcher.cancel()
            hub.remove(sub)
            metrics.push_connections -= 1
            if sub.overflowed:
                metrics.push_dropped_slow += 1
            self.on_end()
        if not self.disconnected and not cut_off:
            try:
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            except Exception:  # noqa: BLE001 - the connection is already unusable
                pass

    def _overflowed(self) -> None:
        if self._sending and self._worker is not None:
            self._worker.cancel()     # stuck writing to a reader that stopped reading
        # otherwise the worker wakes, sees `overflowed` and ends the stream cleanly

    async def _watch(self, receive: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                self.disconnected = True
                self.sub.stop()
                return

    def _ping_due(self, loop: asyncio.AbstractEventLoop, every: float) -> None:
        self._ping = True
        self.sub.wake()
        self._timer = loop.call_later(every, self._ping_due, loop, every)

    async def _send(self, send: Any, body: bytes) -> None:
        self._sending = True
        try:
            await send({"type": "http.response.body", "body": body, "more_body": True})
        finally:
            self._sending = False

    async def _stream(self, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
        last = await self._backlog(send)
        if last is None:
            return
        await self._send(send, SYNCED_FRAME)
        self._send_fn, self._last = send, last
        try:
            await self._live(send, last)
        finally:
            self.sub.direct = None
            if self._unfinished is not None:
                self._unfinished[0].close()
                self._unfinished = None

    def _direct(self, mailbox: bytes, cursor: int, frame: bytes) -> bool:
        """Write one live frame now, from the hub's publish, without waking this stream's
        task: with many subscribers this saves a task switch per delivery. A write that
        has to wait for a slow reader is handed to the task to finish."""
        if self._sending or self.sub.stopping:
            return False
        if cursor != CLOSED:
            if cursor <= self._last[mailbox]:
                return True                      # already sent from the backlog
            self._last[mailbox] = cursor
        write = self._send_fn({"type": "http.response.body", "body": frame, "more_body": True})
        try:
            blocked_on = write.send(None)
        except StopIteration:
            self.metrics.deliveries += cursor != CLOSED
            self.metrics.delivered_bytes += len(frame)
            return True
        except Exception:  # noqa: BLE001 - the connection broke: end this stream
            self.sub.stop()
            return True
        # The server is waiting for the reader to drain (flow control): finish in the task.
        self._sending = True
        self._unfinished = (write, blocked_on)
        self.metrics.deliveries += cursor != CLOSED
        self.metrics.delivered_bytes += len(frame)
        self.sub.wake()
        return True

    async def _finish_write(self) -> None:
        assert self._unfinished is not None
        write, blocked_on = self._unfinished
        try:
            while True:
                # Poll rather than await the future: it belongs to the server's coroutine,
                # which resumes on it itself once it is done.
                await asyncio.sleep(0)
                while blocked_on is not None and not blocked_on.done():
                    await asyncio.sleep(SLOW_POLL_SECONDS)
                try:
                    blocked_on = write.send(None)
                except StopIteration:
                    return
        finally:
            self._unfinished = None
            self._sending = False

    async def _backlog(self, send: Any) -> dict[bytes, int] | None:
        """Send every stored message after each cursor; the last cursor sent per mailbox."""
        last: dict[bytes, int] = {}
        core, metrics, sub = self.core, self.metrics, self.sub
        for mailbox, after in self.subs:
            mailbox_b64 = _b64(mailbox)
            while True:
                if sub.stopping or sub.overflowed:
                    return None
                # A page is up to fetch_max_bytes: read and encode it off the event loop.
                chunk, count, after = await asyncio.to_thread(self._backlog_page, mailbox,
                                                              mailbox_b64, after)
                if not count:
                    break
                await self._send(send, chunk)
                metrics.deliveries += count
                metrics.delivered_bytes += len(chunk)
            last[mailbox] = after
            if await asyncio.to_thread(core.is_closed, mailbox):
                last[mailbox] = 1 << 62   # nothing more will come
                await self._send(send, closed_frame(mailbox_b64))
        return last

    def _backlog_page(self, mailbox: bytes, mailbox_b64: bytes,
                      after: int) -> tuple[bytes, int, int]:
        """(frames, how many, last cursor) of the next stored page after `after`."""
        rows = self.core.backlog(mailbox, after)
        if not rows:
            return b"", 0, after
        return (b"".join(message_frame(mailbox_b64, c, b) for c, b in rows), len(rows),
                rows[-1][0])

    async def _live(self, send: Any, last: dict[bytes, int]) -> None:
        sub, metrics = self.sub, self.metrics
        while True:
            if self._unfinished is not None:
                await self._finish_write()
            if sub.stopping or sub.overflowed:
                return
            if not sub.pending and not self._ping:
                sub.direct = self._direct        # idle: the hub may write directly
                await sub.wait()
                sub.direct = None
                if self._unfinished is not None:
                    continue
            if sub.stopping or sub.overflowed:
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
                await self._send(send, body)
                metrics.deliveries += delivered
                metrics.delivered_bytes += len(body)
