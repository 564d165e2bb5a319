"""Push across relay instances that share one PostgreSQL database.

Sending: after its commits an instance sends at most one NOTIFY per COALESCE_SECONDS, from
a notifier thread on a connection of its own outside the write transactions, naming the
mailboxes that got messages (or were closed) since its last one. A NOTIFY in every write
transaction would serialise all commits on PostgreSQL's notify lock; one per few
milliseconds costs little (measured: about 16 µs of relay CPU per append on a pooled
connection, through the event loop's executor, before the notifier had its own).

Receiving: a listener thread holds a LISTEN connection. For each mailbox named that has
subscribers on this instance, the pump reads the rows after the last cursor it published
and hands them to the hub in cursor order, so each frame is encoded once per instance.
Local commits are published at once when they follow the last published cursor; when they
do not (a remote message is not read yet), the pump reads the gap first. Cursors of a
mailbox become visible in order (relay/pg_storage.py), so reading "after the last cursor
published" never skips one. After a lost LISTEN connection every followed mailbox is read
again, since notifications sent meanwhile are gone.
"""
from __future__ import annotations

import asyncio
import base64
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Sequence

import psycopg

from relay.errors import RelayError
from relay.pg_storage import PostgresStorage
from relay.push import Hub

log = logging.getLogger("relay.pg")

COALESCE_SECONDS = 0.005
MAX_PAYLOAD = 7000            # PostgreSQL's limit is 8000 bytes per notification
RECONNECT_SECONDS = 1.0
LISTEN_POLL_SECONDS = 0.1     # how soon the listener thread notices the relay stopping
CLOSED_MARK = "!"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def payloads(instance: str, sent_at: float, appended: Iterable[bytes],
             closed: Iterable[bytes]) -> list[str]:
    """Notification payloads: `instance time item item ...`, each under MAX_PAYLOAD."""
    head = f"{instance} {sent_at:.6f}"
    out: list[str] = []
    parts = [head]
    size = len(head)
    items = [_b64(m) for m in appended] + [CLOSED_MARK + _b64(m) for m in closed]
    for item in items:
        if size + 1 + len(item) > MAX_PAYLOAD:
            out.append(" ".join(parts))
            parts, size = [head], len(head)
        parts.append(item)
        size += 1 + len(item)
    if len(parts) > 1:
        out.append(" ".join(parts))
    return out


def parse_payload(text: str) -> tuple[str, float, list[bytes], list[bytes]]:
    """(instance, sent at, appended mailboxes, closed mailboxes); ValueError if malformed."""
    instance, sent_at, *items = text.split(" ")
    appended = [_unb64(i) for i in items if not i.startswith(CLOSED_MARK)]
    closed = [_unb64(i[1:]) for i in items if i.startswith(CLOSED_MARK)]
    return instance, float(sent_at), appended, closed


class Wakeups:
    """Owned by the Relay when it stores in PostgreSQL; every method but the listener
    thread's runs on the event loop."""

    def __init__(self, storage: PostgresStorage, hub: Hub, loop: asyncio.AbstractEventLoop,
                 page_limit: int, page_bytes: int,
                 on_lag: Callable[[float], None] | None = None) -> None:
        self.storage = storage
        self.hub = hub
        self.loop = loop
        self.page_limit = page_limit
        self.page_bytes = page_bytes
        self.on_lag = on_lag
        self.instance = os.urandom(6).hex()
        self.pushed: dict[bytes, int] = {}      # followed mailbox -> last cursor published
        self._followers: dict[bytes, int] = {}
        self._dirty: set[bytes] = set()
        self._closed_remote: set[bytes] = set()
        self._kick = asyncio.Event()
        self._out_appended: set[bytes] = set()
        self._out_closed: set[bytes] = set()
        self._flush: asyncio.TimerHandle | None = None
        self._sending = False
        self._stopping = threading.Event()
        self._pump = loop.create_task(self._pump_forever())
        self._listener = threading.Thread(target=self._listen, name="relay-listen",
                                          daemon=True)
        self._listener.start()
        self._notices: queue.SimpleQueue[list[str] | None] = queue.SimpleQueue()
        self._notifier = threading.Thread(target=self._notify_forever, name="relay-notify",
                                          daemon=True)
        self._notifier.start()

    # -- following mailboxes (push streams on this instance) -----------------------------

    async def follow(self, mailboxes: Sequence[bytes]) -> None:
        """Start publishing `mailboxes` from their current last cursor; call before the
        stream reads its backlog (anything up to that cursor is in the backlog)."""
        new = [m for m in mailboxes if m not in self._followers]
        last = await asyncio.to_thread(self.storage.last_cursors, new) if new else {}
        for m in mailboxes:
            count = self._followers.get(m, 0)
            if not count:
                self.pushed[m] = last.get(m, 0)
            self._followers[m] = count + 1

    def unfollow(self, mailboxes: Sequence[bytes]) -> None:
        for m in mailboxes:
            count = self._followers.get(m, 0) - 1
            if count > 0:
                self._followers[m] = count
            else:
                self._followers.pop(m, None)
                self.pushed.pop(m, None)

    # -- commits on this instance --------------------------------------------------------

    def appended(self, mailbox: bytes, new: Sequence[tuple[int, bytes]]) -> None:
        self._out_appended.add(mailbox)
        self._schedule_notify()
        last = self.pushed.get(mailbox)
        if last is None or not new:
            return
        if new[0][0] == last + 1:
            self.hub.publish(mailbox, new)
            self.pushed[mailbox] = new[-1][0]
        elif new[-1][0] > last:          # another instance's messages come first
            self._mark(mailbox)

    def closed(self, mailbox: bytes) -> None:
        self._out_closed.add(mailbox)
        self._schedule_notify()

    # -- notifying other instances -------------------------------------------------------

    def _schedule_notify(self) -> None:
        if self._flush is None and not self._sending:
            self._flush = self.loop.call_later(COALESCE_SECONDS, self._send)

    def _send(self) -> None:
        self._flush = None
        texts = payloads(self.instance, time.time(), self._out_appended, self._out_closed)
        self._out_appended, self._out_closed = set(), set()
        if not texts:
            return
        self._sending = True
        self._notices.put(texts)

    def _notify_forever(self) -> None:
        """The notifier thread: one notification round trip at a time, off the event loop,
        on a connection of its own (a thread rather than the loop's executor, whose every
        hand-over cost the loop more than the notification itself; a connection rather than
        the pool, whose check of each connection it lends is a round trip of its own)."""
        conn: psycopg.Connection | None = None
        while (texts := self._notices.get()) is not None:
            for attempt in range(2):    # a connection cut while idle: once more on a new one
                try:
                    if conn is None or conn.closed or conn.broken:
                        conn = psycopg.connect(self.storage.conninfo, autocommit=True)
                    # One statement: one round trip and one commit for all chunks.
                    conn.execute("SELECT pg_notify(%s, t) FROM unnest(%s::text[]) AS t",
                                 (self.storage.channel, texts))
                    break
                except psycopg.Error:
                    if conn is not None:
                        conn.close()
                        conn = None
                    if attempt:     # other instances catch up at their next wake-up
                        log.warning("a wake-up for other relay instances could not be sent")
            try:
                self.loop.call_soon_threadsafe(self._sent)
            except RuntimeError:    # the event loop is gone: the relay is stopping
                break
        if conn is not None:
            conn.close()

    def _sent(self) -> None:
        self._sending = False
        if self._out_appended or self._out_closed:
            self._schedule_notify()

    # -- receiving -----------------------------------------------------------------------

    def _listen(self) -> None:
        first = True
        while not self._stopping.is_set():
            try:
                with psycopg.connect(self.storage.conninfo, autocommit=True) as conn:
                    conn.execute(f'LISTEN "{self.storage.channel}"')
                    if not first:   # notifications sent while we were away are lost
                        self.loop.call_soon_threadsafe(self._mark_all)
                    first = False
                    while not self._stopping.is_set():
                        for note in conn.notifies(timeout=LISTEN_POLL_SECONDS):
                            self._received(note.payload)
            except psycopg.Error:
                log.warning("the wake-up connection to the database was lost; reconnecting")
                self._stopping.wait(RECONNECT_SECONDS)
            except RuntimeError:     # the event loop is gone: the relay is stopping
                return

    def _received(self, text: str) -> None:
        try:
            instance, sent_at, appended, closed = parse_payload(text)
        except (ValueError, TypeError):
            return
        if instance == self.instance:
            return
        self.loop.call_soon_threadsafe(self._remote, sent_at, appended, closed)

    def _remote(self, sent_at: float, appended: list[bytes], closed: list[bytes]) -> None:
        if self.on_lag is not None:
            self.on_lag(max(0.0, time.time() - sent_at))
        for m in appended:
            if m in self.pushed:
                self._mark(m)
        for m in closed:
            if m in self.pushed:
                self._closed_remote.add(m)
                self._mark(m)

    def _mark(self, mailbox: bytes) -> None:
        self._dirty.add(mailbox)
        self._kick.set()

    def _mark_all(self) -> None:
        for m in self.pushed:
            self._mark(m)

    async def _pump_forever(self) -> None:
        while True:
            await self._kick.wait()
            self._kick.clear()
            dirty, self._dirty = self._dirty, set()
            wanted = [(m, self.pushed[m]) for m in dirty if m in self.pushed]
            if not wanted:
                continue
            try:
                pages = await asyncio.to_thread(self._read, wanted)
            except RelayError:      # the database is away: try again shortly
                self._dirty |= dirty
                await asyncio.sleep(RECONNECT_SECONDS)
                self._kick.set()
                continue
            for m, rows in pages:
                self._publish(m, rows)

    def _read(self, wanted: list[tuple[bytes, int]]) -> list[tuple[bytes, list]]:
        return [(m, self.storage.fetch(m, after, self.page_limit, self.page_bytes))
                for m, after in wanted]

    def _publish(self, mailbox: bytes, rows: list[tuple[int, bytes]]) -> None:
        last = self.pushed.get(mailbox)
        if last is None:
            return
        # Rows after a cursor are visible in cursor order, so these follow `last` directly
        # (a hole can only be a message retention already removed).
        fresh = [(c, b) for c, b in rows if c > last]
        if fresh:
            self.hub.publish(mailbox, fresh)
            self.pushed[mailbox] = fresh[-1][0]
        if len(rows) >= self.page_limit or sum(len(b) for _, b in rows) * 2 > self.page_bytes:
            self._mark(mailbox)      # the page may have been cut by count or bytes: read on
        elif mailbox in self._closed_remote:
            self._closed_remote.discard(mailbox)
            self.hub.closed(mailbox)

    def stop(self) -> None:
        """On the loop: stop pumping and notifying; `join()` then waits for the listener."""
        self._stopping.set()
        self._pump.cancel()
        if self._flush is not None:
            self._flush.cancel()
        self._notices.put(None)

    def join(self) -> None:
        self._listener.join(5)
        self._notifier.join(5)
