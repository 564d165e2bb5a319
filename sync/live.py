"""The live side of one relay: a receiver (catch up, then one push stream) and a sender.

Both run as tasks on the engine's loop. The receiver renews the push connection when the
mailbox set changes (the relay API has no way to edit a subscription in place) and
reconnects with jittered exponential backoff when it breaks; the sender sends outbox
items as soon as they are queued and retries with its own backoff, or at once when the
receiver has just reconnected.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from sync.backoff import Backoff
from sync.errors import RateLimited, SyncError, sentence
from sync.flows import Flows
from sync.pipeline import DeliveryFailed, Pipeline
from sync.transport import RelayClient

log = logging.getLogger("coterie.sync")


class RelayRunner:
    """Keeps one relay in sync until closed. Create and use on the engine's loop.

    `backoff()` gives a fresh retry policy (one per retrying loop); `page_limit` is the
    catch-up page size.
    """

    def __init__(self, pipeline: Pipeline, relay: str, client: RelayClient, *,
                 backoff: Callable[[], Backoff], page_limit: int) -> None:
        self.pipeline = pipeline
        self.relay = relay
        self.client = client
        self.flows = Flows(pipeline, relay, client)
        self._new_backoff = backoff
        self._page_limit = page_limit
        self._changed = asyncio.Event()
        self._outbox = asyncio.Event()
        self._reconnected = asyncio.Event()
        self._failed = False    # the app failed to store a batch: back off, then re-read
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._outbox.set()
        self._tasks = [asyncio.create_task(self._receive(), name="coterie-sync-receive"),
                       asyncio.create_task(self._send(), name="coterie-sync-send")]

    def poke(self, *, changed: bool = False, outbox: bool = False, failed: bool = False) -> None:
        if failed:
            self._failed = True
        if changed or failed:
            self._changed.set()
        if outbox:
            self._outbox.set()

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.client.aclose()

    async def _receive(self) -> None:
        pipeline, relay = self.pipeline, self.relay
        backoff = self._new_backoff()
        pipeline.refetch_all(relay)
        while True:
            self._changed.clear()
            try:
                pipeline.set_state(relay, "syncing")
                session = pipeline.session(relay)
                empty = not pipeline.subscriptions(relay)
                await self.flows.catch_up(self._page_limit)
                if empty:
                    self._went_online(backoff)
                    await self._changed.wait()
                    continue
                await self._stream_until_changed(session, backoff)
            except Exception as exc:  # noqa: BLE001 — whatever it was, retry, never stall
                self._failed = False
                retry_after = exc.retry_after if isinstance(exc, RateLimited) else None
                delay = backoff.next_delay(retry_after)
                if isinstance(exc, SyncError):
                    detail = str(exc)
                elif isinstance(exc, DeliveryFailed):
                    detail = sentence("Received messages could not be stored; retrying.")
                else:   # a fault of ours: a dead task would leave this relay stuck "syncing"
                    log.warning("sync receive failed (%s)", type(exc).__name__)
                    detail = sentence("Sync failed unexpectedly; retrying.")
                pipeline.set_state(relay, "offline", detail, round(delay, 2))
                pipeline.refetch_all(relay)
                await asyncio.sleep(delay)

    async def _stream_until_changed(self, session: int, backoff: Backoff) -> None:
        """Follow the push stream; return when the mailbox set changed (to resubscribe)."""
        stream = asyncio.create_task(
            self.flows.stream(session, lambda: self._went_online(backoff)))
        changed = asyncio.create_task(self._changed.wait())
        try:
            await asyncio.wait({stream, changed}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (stream, changed):
                task.cancel()
            # gather, not `suppress(CancelledError)`: a stop() cancelling this very task
            # while it waits here must not be swallowed.
            await asyncio.gather(stream, changed, return_exceptions=True)
        if stream.done() and not stream.cancelled():
            exc = stream.exception()
            if exc is not None:
                raise exc
        if self._failed:
            self._failed = False
            raise DeliveryFailed()

    def _went_online(self, backoff: Backoff) -> None:
        backoff.reset()
        self.pipeline.set_state(self.relay, "online")
        self._reconnected.set()

    async def _send(self) -> None:
        backoff = self._new_backoff()
        while True:
            await self._outbox.wait()
            self._outbox.clear()
            try:
                await self.flows.push()
                backoff.reset()
            except SyncError as exc:
                retry_after = exc.retry_after if isinstance(exc, RateLimited) else None
                delay = backoff.next_delay(retry_after)
                self._reconnected.clear()
                if retry_after is not None:
                    await asyncio.sleep(delay)
                else:
                    with contextlib.suppress(TimeoutError):
                        # A fresh push connection means the relay is back: do not wait.
                        await asyncio.wait_for(self._reconnected.wait(), delay)
                self._outbox.set()
