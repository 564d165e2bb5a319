"""The network flows shared by one-shot and live sync: push the outbox, catch up, stream.

These coroutines run on the engine's asyncio loop. They hold the engine's lock only for
short, non-blocking core calls, and never call `deliver` themselves: received envelopes go
into the core's pipeline, and the delivery thread hands them to the app.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from crypto.relay_wire import MailboxCapability
from sync.core import Verdict
from sync.errors import (
    MailboxClosed,
    MailboxConflict,
    RelayProtocolError,
    RelayRejected,
    SyncError,
    TooLarge,
    UnknownMailbox,
)
from sync.outbox import AppendBatch
from sync.transport import RelayClient
from sync.values import PushClosed, PushMessage, PushSynced

if TYPE_CHECKING:
    from sync.engine import SyncEngine

T = TypeVar("T")

FETCH_CONCURRENCY = 4
MAX_SUBSCRIBE = 1000          # mailboxes per push connection (relay API v1)


async def all_or_first_error(coros: list[Coroutine[Any, Any, T]]) -> list[T]:
    """Run concurrently; on the first failure cancel the rest and raise that failure.

    (asyncio.gather leaves siblings running after a failure; a TaskGroup would wrap the
    SyncError in an ExceptionGroup that callers would have to unwrap.)
    """
    tasks = [asyncio.create_task(coro) for coro in coros]
    try:
        done, _pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in tasks:
            if task in done:
                error = task.exception()
                if error is not None:
                    raise error
        return [task.result() for task in tasks]
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class DeliveryFailed(Exception):
    """The app could not store a batch; reading restarts from the committed positions."""


class Flows:
    """Network steps for one relay, bound to one client on one loop."""

    def __init__(self, engine: SyncEngine, relay: str, client: RelayClient) -> None:
        self.engine = engine
        self.relay = relay
        self.client = client
        # Mailboxes created since their last successful use: a second 404 right after our
        # own create means the relay is not keeping them, so we stop instead of looping.
        self._created: set[bytes] = set()

    # -- outbox --------------------------------------------------------------------------

    async def push(self) -> int:
        """Send everything queued for this relay; returns how many items were acked.

        Raises the first retryable SyncError after every batch of the round finished, so
        one failing mailbox does not hold back the others.
        """
        sent = 0
        while True:
            with self.engine.lock:
                batches = self.engine.core.outbox(self.relay).next_batches()
            if not batches:
                return sent
            results = await asyncio.gather(*(self._append(b) for b in batches),
                                           return_exceptions=True)
            retry: SyncError | None = None
            for result in results:
                if isinstance(result, int):
                    sent += result
                elif isinstance(result, SyncError):
                    retry = retry or result
                elif isinstance(result, BaseException):
                    raise result
            if retry is not None:
                raise retry

    async def _append(self, batch: AppendBatch) -> int:
        engine, outbox = self.engine, self.engine.core.outbox(self.relay)
        try:
            cursors = await self.client.append(batch.capability,
                                               [item.body for item in batch.items])
        except UnknownMailbox as exc:
            with engine.lock:
                spec = engine.core.create_spec(self.relay, batch.mailbox)
            if spec is None or batch.mailbox in self._created:
                self._refuse_mailbox(batch, exc)
                return 0
            try:
                await self.client.create_mailbox(batch.capability, spec)
            except RelayRejected as refused:
                if refused.retryable:
                    with engine.lock:
                        outbox.retry_later(batch)
                    raise
                self._refuse_mailbox(batch, refused)   # e.g. 409: the id is taken
                return 0
            except SyncError:
                with engine.lock:
                    outbox.retry_later(batch)
                raise
            self._created.add(batch.mailbox)
            with engine.lock:
                outbox.retry_later(batch)
            return 0
        except TooLarge as exc:
            with engine.lock:
                smaller = outbox.shrink(batch)
                refused = [] if smaller else outbox.drop_batch(batch)
            engine.report_rejected(refused, exc)
            return 0
        except RelayRejected as exc:
            if exc.retryable:            # 429
                with engine.lock:
                    outbox.retry_later(batch)
                raise
            if isinstance(exc, MailboxClosed) or exc.status == 403:
                self._refuse_mailbox(batch, exc)
                return 0
            # Another 4xx: the request was refused as a whole; narrow it down to the item.
            with engine.lock:
                smaller = outbox.shrink(batch)
                refused = [] if smaller else outbox.drop_batch(batch)
            engine.report_rejected(refused, exc)
            return 0
        except BaseException:   # unreachable, protocol error, or cancelled by stop()
            with engine.lock:
                outbox.retry_later(batch)
            raise
        self._created.discard(batch.mailbox)   # it exists: a later 404 may create it again
        with engine.lock:
            acks = engine.core.sent(batch, cursors)
        engine.report_acked(acks)
        return len(acks)

    def _refuse_mailbox(self, batch: AppendBatch, exc: SyncError) -> None:
        """Every item for this mailbox would get the same answer: refuse them all now."""
        engine = self.engine
        with engine.lock:
            refused = engine.core.outbox(self.relay).drop_batch(batch)
            refused += engine.core.outbox(self.relay).drop_mailbox(batch.mailbox)
            lost = (engine.core.position(self.relay, batch.mailbox) is not None
                    and isinstance(exc, (MailboxClosed, UnknownMailbox, MailboxConflict)))
            if lost:
                engine.core.gone(self.relay, batch.mailbox)
        engine.report_rejected(refused, exc)
        if lost:
            engine.report_gone(self.relay, batch.mailbox, exc)

    # -- inbound -------------------------------------------------------------------------

    async def catch_up(self, page_limit: int) -> int:
        """Fetch every mailbox that needs it, page by page, into the delivery pipeline."""
        with self.engine.lock:
            todo = self.engine.core.to_fetch(self.relay)
            session = self.engine.core.session(self.relay)
        if not todo:
            return 0
        gate = asyncio.Semaphore(FETCH_CONCURRENCY)

        async def one(cap: MailboxCapability) -> int:
            async with gate:
                return await self._fetch_mailbox(cap, session, page_limit)

        counts = await all_or_first_error([one(cap) for cap, _after in todo])
        return sum(counts)

    async def _fetch_mailbox(self, cap: MailboxCapability, session: int,
                             page_limit: int) -> int:
        engine, core, mailbox = self.engine, self.engine.core, cap.mailbox
        taken = 0
        while True:
            with engine.lock:
                position = core.position(self.relay, mailbox)
            if position is None:
                return taken
            try:
                page = await self.client.fetch(cap, position[0], page_limit)
            except UnknownMailbox as exc:
                with engine.lock:
                    spec = core.create_spec(self.relay, mailbox)
                if spec is None or mailbox in self._created:
                    self._lost(mailbox, exc)
                    return taken
                try:
                    await self.client.create_mailbox(cap, spec)
                except MailboxConflict as conflict:    # the id is taken with other keys
                    self._lost(mailbox, conflict)
                    return taken
                self._created.add(mailbox)
                continue
            except MailboxClosed as exc:
                self._lost(mailbox, exc)
                return taken
            self._created.discard(mailbox)
            if page.more and not page.messages:
                raise RelayProtocolError("The relay said more messages follow but sent none.")
            taken += self.take(session, mailbox, page.messages)
            self.engine.check_delivery(self.relay, session)
            if page.closed and not page.more:
                self._lost(mailbox, MailboxClosed("The mailbox was closed.", 410))
                return taken
            if not page.more:
                with engine.lock:
                    core.fetched(self.relay, mailbox)
                return taken
            await self.engine.room(self.relay, session)

    def take(self, session: int, mailbox: bytes,
             messages: tuple[tuple[int, bytes], ...] | list[tuple[int, bytes]]) -> int:
        """Put envelopes into the pipeline; returns how many were new."""
        engine = self.engine
        anomalies = []
        new = 0
        with engine.cond:
            for cursor, body in messages:
                verdict, anomaly = engine.core.accept(self.relay, session, mailbox, cursor, body)
                new += verdict is Verdict.NEW
                if anomaly is not None:
                    anomalies.append(anomaly)
            engine.cond.notify_all()
        for anomaly in anomalies:
            engine.report_anomaly(self.relay, mailbox, anomaly)
        return new

    def _lost(self, mailbox: bytes, exc: SyncError) -> None:
        with self.engine.lock:
            refused = self.engine.core.gone(self.relay, mailbox)
        self.engine.report_rejected(refused, exc)
        self.engine.report_gone(self.relay, mailbox, exc)

    async def stream(self, session: int, on_synced: Callable[[], None]) -> None:
        """Follow the push connection until it breaks (raises) or the task is cancelled.

        One connection carries up to MAX_SUBSCRIBE mailboxes (the relay's limit); a profile
        with more gets one connection per chunk, and is online once every chunk synced.
        """
        with self.engine.lock:
            subs = self.engine.core.subscriptions(self.relay)
        chunks = [subs[i:i + MAX_SUBSCRIBE] for i in range(0, len(subs), MAX_SUBSCRIBE)]
        if len(chunks) <= 1:
            await self._follow(subs, session, on_synced)
            return
        waiting = set(range(len(chunks)))

        def chunk_synced(index: int) -> None:
            waiting.discard(index)
            if not waiting:
                on_synced()

        await all_or_first_error([self._follow(chunk, session, lambda i=index: chunk_synced(i))
                                  for index, chunk in enumerate(chunks)])

    async def _follow(self, subs: list[tuple[MailboxCapability, int]], session: int,
                      on_synced: Callable[[], None]) -> None:
        async for event in self.client.subscribe(subs):
            if isinstance(event, PushMessage):
                self.take(session, event.mailbox, [(event.cursor, event.body)])
                self.engine.check_delivery(self.relay, session)
                await self.engine.room(self.relay, session)
            elif isinstance(event, PushSynced):
                on_synced()
            elif isinstance(event, PushClosed):
                with self.engine.lock:
                    known = self.engine.core.position(self.relay, event.mailbox) is not None
                if known:
                    self._lost(event.mailbox, MailboxClosed("The mailbox was closed.", 410))
