"""Push delivery: the hub that fans committed messages out to open event streams.

Each message is encoded as its SSE frame once, and that one bytes object is queued to every
subscriber of its mailbox. A subscriber's queue is bounded: a reader that falls more than
`subscriber_queue_frames` behind has its connection ended instead of growing memory; it
reconnects and resumes from its last cursor.
"""
from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable, Iterable

SYNCED_FRAME = b"event: synced\ndata: {}\n\n"
PING_FRAME = b": ping\n\n"
CLOSED = -1   # the cursor slot of a `closed` frame


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def message_frame(mailbox_b64: bytes, cursor: int, body: bytes) -> bytes:
    return b"".join((b'event: message\ndata: {"mailbox":"', mailbox_b64, b'","cursor":',
                     str(cursor).encode(), b',"body":"', _b64(body), b'"}\n\n'))


def closed_frame(mailbox_b64: bytes) -> bytes:
    return b'event: closed\ndata: {"mailbox":"' + mailbox_b64 + b'"}\n\n'


class Subscriber:
    """The pending frames of one push connection; filled by the hub, drained by its stream."""

    __slots__ = ("mailboxes", "limit", "pending", "waiter", "overflowed", "stopping",
                 "on_overflow", "direct")

    def __init__(self, mailboxes: Iterable[bytes], limit: int,
                 on_overflow: Callable[[], None] | None = None) -> None:
        self.mailboxes = tuple(mailboxes)
        self.limit = limit
        self.pending: list[tuple[bytes, int, bytes]] = []   # (mailbox, cursor, frame)
        self.waiter: asyncio.Future[None] | None = None   # set while the stream waits
        self.overflowed = False
        self.stopping = False
        self.on_overflow = on_overflow
        # Set by a live stream with nothing queued: writes the frame at once and returns
        # True, or returns False when its connection is busy (then the frame is queued).
        self.direct: Callable[[bytes, int, bytes], bool] | None = None

    def push(self, mailbox: bytes, cursor: int, frame: bytes) -> None:
        if self.overflowed:
            return
        direct = self.direct
        if direct is not None and not self.pending and direct(mailbox, cursor, frame):
            return
        if len(self.pending) >= self.limit:
            self.overflowed = True
            self.pending.clear()
            if self.on_overflow is not None:
                self.on_overflow()
        else:
            self.pending.append((mailbox, cursor, frame))
        self.wake()

    def wake(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def wait(self) -> None:
        """Until something is pending, or the stream must stop (a bare future: this runs
        once per delivery, and an asyncio.Event costs more)."""
        if self.pending or self.stopping or self.overflowed:
            return
        self.waiter = asyncio.get_running_loop().create_future()
        try:
            await self.waiter
        finally:
            self.waiter = None

    def take(self) -> list[tuple[bytes, int, bytes]]:
        items, self.pending = self.pending, []
        return items

    def stop(self) -> None:
        self.stopping = True
        self.wake()


class Hub:
    """mailbox -> subscribers; lives on the event loop's thread."""

    def __init__(self) -> None:
        self._subs: dict[bytes, set[Subscriber]] = {}
        self._all: set[Subscriber] = set()

    def add(self, sub: Subscriber) -> None:
        self._all.add(sub)
        for mailbox in sub.mailboxes:
            self._subs.setdefault(mailbox, set()).add(sub)

    def remove(self, sub: Subscriber) -> None:
        self._all.discard(sub)
        for mailbox in sub.mailboxes:
            subs = self._subs.get(mailbox)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._subs[mailbox]

    def publish(self, mailbox: bytes, messages: Iterable[tuple[int, bytes]]) -> int:
        """Queue each message to every subscriber of `mailbox`; returns deliveries queued."""
        subs = self._subs.get(mailbox)
        if not subs:
            return 0
        mailbox_b64 = _b64(mailbox)
        count = 0
        for cursor, body in messages:
            frame = message_frame(mailbox_b64, cursor, body)
            for sub in subs:
                sub.push(mailbox, cursor, frame)
            count += len(subs)
        return count

    def closed(self, mailbox: bytes) -> None:
        subs = self._subs.get(mailbox)
        if subs:
            frame = closed_frame(_b64(mailbox))
            for sub in subs:
                sub.push(mailbox, CLOSED, frame)

    def stop_all(self) -> None:
        """End every stream (server shutdown); clients resume elsewhere or later."""
        for sub in list(self._all):
            sub.stop()

    def __len__(self) -> int:
        return len(self._all)
