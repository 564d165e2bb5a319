"""The shared state of one engine: the sync core behind its lock, delivery progress, reports.

The engine's network loop (flows, runners) and its delivery thread both work on the same
`SyncCore`; this object owns it, the lock and condition that guard it, the asyncio event
that tells readers a batch was stored, and the app's callbacks. Every method takes the lock
for a short, non-blocking core step; nothing here does I/O or starts a thread.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crypto.relay_wire import MailboxCapability
from sync.core import SyncCore, Verdict
from sync.errors import MailboxClosed, MailboxConflict, SyncError, UnknownMailbox
from sync.outbox import AppendBatch
from sync.values import (
    Ack,
    ConnectionState,
    InboundBatch,
    MailboxSpec,
    OutboxItem,
    State,
    Subscription,
)

log = logging.getLogger("coterie.sync")


class DeliveryFailed(Exception):
    """The app could not store a batch; reading restarts from the committed positions."""


@dataclass(frozen=True)
class Callbacks:
    """What the app is told; each runs on an engine thread and must return quickly."""

    on_acked: Callable[[list[Ack]], None]
    on_rejected: Callable[[str, SyncError], None] | None = None
    on_gone: Callable[[str, bytes, SyncError], None] | None = None
    on_state: Callable[[ConnectionState], None] | None = None
    on_anomaly: Callable[[str, bytes, str], None] | None = None


class Pipeline:
    """The core, its lock, delivery progress and the reporters. Thread-safe."""

    def __init__(self, core: SyncCore, callbacks: Callbacks) -> None:
        self._core = core
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._callbacks = callbacks
        self._states: dict[str, ConnectionState] = {}
        self._warned: set[tuple[str, bytes, str]] = set()
        # Set while a network loop runs: readers wait on `_progress` for the delivery thread.
        self._loop: asyncio.AbstractEventLoop | None = None
        self._progress: asyncio.Event | None = None
        # Refused outbox ids, collected for a one-shot sync's result (None while live).
        self.rejected: list[str] | None = None

    # -- mailbox sets and outbox (any thread) --------------------------------------------

    def set_mailboxes(self, relay: str, subs: list[Subscription]) -> bool:
        """Replace the set; True when the runner must act (ids changed or something to fetch)."""
        with self._lock:
            changed = self._core.set_mailboxes(relay, subs)
            return changed or bool(self._core.to_fetch(relay))

    def enqueue(self, items: list[OutboxItem]) -> set[str]:
        with self._lock:
            return self._core.enqueue(items)

    def relays(self) -> list[str]:
        with self._lock:
            return self._core.relays()

    def wait_sent(self, local_ids: list[str], timeout: float) -> bool:
        """Block until none of these items is queued or in flight; False on timeout."""
        wanted = set(local_ids)

        def settled() -> bool:
            return not any(self._core.outbox(r).holds(wanted) for r in self._core.relays())

        with self._cond:
            return self._cond.wait_for(settled, timeout)

    def wait_delivered(self, relay: str, timeout: float) -> bool:
        """Block until everything read from `relay` has been handed to the app and stored
        (or failed); False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._core.busy(relay), timeout)

    def wake(self) -> None:
        """Wake every thread waiting on the condition (to re-check a stop flag)."""
        with self._cond:
            self._cond.notify_all()

    # -- used by flows and runners (loop thread) -----------------------------------------

    def refetch_all(self, relay: str) -> None:
        with self._lock:
            self._core.refetch_all(relay)

    def session(self, relay: str) -> int:
        with self._lock:
            return self._core.session(relay)

    def subscriptions(self, relay: str) -> list[tuple[MailboxCapability, int]]:
        with self._lock:
            return self._core.subscriptions(relay)

    def fetch_plan(self, relay: str) -> tuple[list[tuple[MailboxCapability, int]], int]:
        """The mailboxes to catch up and the session token to read them under (one step)."""
        with self._lock:
            return self._core.to_fetch(relay), self._core.session(relay)

    def more_work(self, relay: str) -> bool:
        """True while the outbox holds items or a mailbox still needs a catch-up read."""
        with self._lock:
            return not self._core.outbox(relay).idle() or bool(self._core.to_fetch(relay))

    def position(self, relay: str, mailbox: bytes) -> tuple[int, int] | None:
        with self._lock:
            return self._core.position(relay, mailbox)

    def create_spec(self, relay: str, mailbox: bytes) -> MailboxSpec | None:
        with self._lock:
            return self._core.create_spec(relay, mailbox)

    def fetched(self, relay: str, mailbox: bytes) -> None:
        with self._lock:
            self._core.fetched(relay, mailbox)

    def next_batches(self, relay: str) -> list[AppendBatch]:
        with self._lock:
            return self._core.outbox(relay).next_batches()

    def retry_later(self, batch: AppendBatch) -> None:
        with self._lock:
            self._core.outbox(batch.relay).retry_later(batch)

    def sent(self, batch: AppendBatch, cursors: list[int]) -> int:
        """The relay stored `batch`: tell the app; returns how many items were acked."""
        with self._lock:
            acks = self._core.sent(batch, cursors)
        self._report_acked(acks)
        return len(acks)

    def refuse_some(self, batch: AppendBatch, error: SyncError) -> None:
        """A 413 or another 4xx for the batch: split it, or refuse its single item."""
        with self._lock:
            outbox = self._core.outbox(batch.relay)
            refused = [] if outbox.shrink(batch) else outbox.drop_batch(batch)
        self._report_rejected(refused, error)

    def refuse_mailbox(self, batch: AppendBatch, error: SyncError) -> None:
        """Every item for this mailbox would get the same answer: refuse them all now."""
        relay, mailbox = batch.relay, batch.mailbox
        with self._lock:
            outbox = self._core.outbox(relay)
            refused = outbox.drop_batch(batch) + outbox.drop_mailbox(mailbox)
            lost = (self._core.position(relay, mailbox) is not None
                    and isinstance(error, (MailboxClosed, UnknownMailbox, MailboxConflict)))
            if lost:
                self._core.gone(relay, mailbox)
        self._report_rejected(refused, error)
        if lost:
            self._report_gone(relay, mailbox, error)

    def lost(self, relay: str, mailbox: bytes, error: SyncError) -> None:
        """The relay closed or lost a mailbox we read: drop it and tell the app."""
        with self._lock:
            refused = self._core.gone(relay, mailbox)
        self._report_rejected(refused, error)
        self._report_gone(relay, mailbox, error)

    def accept(self, relay: str, session: int, mailbox: bytes,
               messages: tuple[tuple[int, bytes], ...] | list[tuple[int, bytes]]) -> int:
        """Put envelopes into the pipeline; returns how many were new."""
        anomalies = []
        new = 0
        with self._cond:
            for cursor, body in messages:
                verdict, anomaly = self._core.accept(relay, session, mailbox, cursor, body)
                new += verdict is Verdict.NEW
                if anomaly is not None:
                    anomalies.append(anomaly)
            self._cond.notify_all()
        for anomaly in anomalies:
            self.report_anomaly(relay, mailbox, anomaly)
        return new

    def check_delivery(self, relay: str, session: int) -> None:
        """Raise DeliveryFailed when the app failed a batch since `session` began."""
        if self.session(relay) != session:
            raise DeliveryFailed()

    async def room(self, relay: str, session: int) -> None:
        """Wait while the relay's undelivered backlog is large (backpressure on reading)."""
        limit = 2 * self._core.batch_items
        await self._wait(lambda: self._core.pending_count(relay) < limit, relay, session)

    async def drained(self, relay: str, session: int) -> None:
        """Wait until everything read from the relay has been stored by the app."""
        await self._wait(lambda: not self._core.busy(relay), relay, session)

    async def _wait(self, ready: Callable[[], bool], relay: str, session: int) -> None:
        progress = self._progress
        if progress is None:
            raise RuntimeError("the pipeline is not bound to a running loop")
        while True:
            with self._lock:
                if self._core.session(relay) != session:
                    raise DeliveryFailed()
                if ready():
                    return
                progress.clear()
            await progress.wait()

    # -- the network loop and the delivery thread ------------------------------------------

    def bind(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """Attach to the running network loop (call on it), or detach with None."""
        self._loop = loop
        self._progress = asyncio.Event() if loop is not None else None

    def next_batch(self, stop: Callable[[], bool]) -> InboundBatch | None:
        """Block until a batch is ready for the app, or None once `stop()` is true."""
        with self._cond:
            while (batch := self._core.take_batch()) is None:
                if stop():
                    return None
                self._cond.wait(0.5)
            return batch

    def committed(self, batch: InboundBatch) -> None:
        with self._cond:
            self._core.committed(batch)
            self._cond.notify_all()
        self._notify_progress()

    def delivery_failed(self, relay: str) -> None:
        with self._cond:
            self._core.delivery_failed(relay)
            self._cond.notify_all()
        self._notify_progress()

    def _notify_progress(self) -> None:
        loop, progress = self._loop, self._progress
        if loop is None or progress is None:
            return
        try:
            loop.call_soon_threadsafe(progress.set)
        except RuntimeError:   # the loop closed while stopping
            pass

    # -- reports to the app ----------------------------------------------------------------

    def _report_acked(self, acks: list[Ack]) -> None:
        if acks:
            self.wake()   # wait_sent()
            _call(self._callbacks.on_acked, acks)

    def _report_rejected(self, items: list[OutboxItem], error: SyncError) -> None:
        if items:
            self.wake()   # wait_sent()
        for item in items:
            if self.rejected is not None:
                self.rejected.append(item.local_id)
            if self._callbacks.on_rejected is not None:
                _call(self._callbacks.on_rejected, item.local_id, error)

    def _report_gone(self, relay: str, mailbox: bytes, error: SyncError) -> None:
        if self._callbacks.on_gone is not None:
            _call(self._callbacks.on_gone, relay, mailbox, error)

    def report_anomaly(self, relay: str, mailbox: bytes, message: str) -> None:
        if self._callbacks.on_anomaly is not None:
            _call(self._callbacks.on_anomaly, relay, mailbox, message)

    def report_misbehaviour(self, relay: str, mailboxes: list[bytes], message: str) -> None:
        """Tell the app once per mailbox and kind: a relay repeating it on every retry
        would otherwise add a warning each time."""
        for mailbox in mailboxes:
            key = (relay, mailbox, message)
            with self._lock:
                if key in self._warned:
                    continue
                self._warned.add(key)
            self.report_anomaly(relay, mailbox, message)

    def set_state(self, relay: str, state: State, detail: str = "",
                  retry_in: float | None = None) -> None:
        """Record the relay's state; tell the app only when it changed."""
        new = ConnectionState(relay, state, detail, retry_in)
        with self._lock:
            if self._states.get(relay) == new:
                return
            self._states[relay] = new
        if self._callbacks.on_state is not None:
            _call(self._callbacks.on_state, new)

    def states(self) -> dict[str, ConnectionState]:
        with self._lock:
            return dict(self._states)


def _call(callback: Callable[..., Any], *args: Any) -> None:
    try:
        callback(*args)
    except Exception as exc:  # an app callback must not take the engine down
        log.warning("sync callback failed (%s)", type(exc).__name__)
