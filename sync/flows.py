"""The network flows shared by one-shot and live sync: push the outbox, catch up, stream.

These coroutines run on the engine's asyncio loop. They reach the sync core only through the
Pipeline (short, locked steps), and never call `deliver` themselves: received envelopes go
into the pipeline, and the delivery thread hands them to the app.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from crypto.relay_wire import MailboxCapability
from sync.errors import (
    MailboxClosed,
    MailboxConflict,
    RelayOverflow,
    RelayRejected,
    SyncError,
    TooLarge,
    UnknownMailbox,
)
from sync.outbox import AppendBatch
from sync.pipeline import Pipeline
from sync.transport import RelayClient
from sync.values import PushClosed, PushMessage, PushSynced

T = TypeVar("T")

FETCH_CONCURRENCY = 4
# A mailbox's first page is short, so the delivery thread starts opening while the
# rest of a backlog is still being fetched; later pages take up to the page limit.
FIRST_PAGE = 128
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


class Flows:
    """Network steps for one relay, bound to one client on one loop."""

    def __init__(self, pipeline: Pipeline, relay: str, client: RelayClient) -> None:
        self.pipeline = pipeline
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
            batches = self.pipeline.next_batches(self.relay)
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
        pipeline = self.pipeline
        # Whether our own create came before this request: only then does a 404 mean the
        # relay is not keeping the mailbox. The fetch of the same mailbox runs beside the
        # push and may create it while this append is on its way; that 404 is stale.
        created_before = batch.mailbox in self._created
        try:
            cursors = await self.client.append(batch.capability,
                                               [item.body for item in batch.items])
        except UnknownMailbox as exc:
            spec = pipeline.create_spec(self.relay, batch.mailbox)
            if spec is None or created_before:
                pipeline.refuse_mailbox(batch, exc)
                return 0
            if batch.mailbox in self._created:
                pipeline.retry_later(batch)
                return 0
            try:
                await self.client.create_mailbox(batch.capability, spec)
            except RelayRejected as refused:
                if refused.retryable:
                    pipeline.retry_later(batch)
                    raise
                pipeline.refuse_mailbox(batch, refused)   # e.g. 409: the id is taken
                return 0
            except SyncError:
                pipeline.retry_later(batch)
                raise
            self._created.add(batch.mailbox)
            pipeline.retry_later(batch)
            return 0
        except TooLarge as exc:
            pipeline.refuse_some(batch, exc)
            return 0
        except RelayRejected as exc:
            if exc.retryable:            # 429
                pipeline.retry_later(batch)
                raise
            if isinstance(exc, MailboxClosed) or exc.status == 403:
                pipeline.refuse_mailbox(batch, exc)
                return 0
            # Another 4xx: the request was refused as a whole; narrow it down to the item.
            pipeline.refuse_some(batch, exc)
            return 0
        except RelayOverflow as exc:
            pipeline.report_misbehaviour(self.relay, [batch.mailbox], str(exc))
            pipeline.retry_later(batch)
            raise
        except BaseException:   # unreachable, protocol error, or cancelled by stop()
            pipeline.retry_later(batch)
            raise
        self._created.discard(batch.mailbox)   # it exists: a later 404 may create it again
        return pipeline.sent(batch, cursors)

    # -- inbound -------------------------------------------------------------------------

    async def catch_up(self, page_limit: int) -> int:
        """Fetch every mailbox that needs it, page by page, into the delivery pipeline."""
        todo, session = self.pipeline.fetch_plan(self.relay)
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
        pipeline, relay, mailbox = self.pipeline, self.relay, cap.mailbox
        taken = 0
        while True:
            position = pipeline.position(relay, mailbox)
            if position is None:
                return taken
            created_before = mailbox in self._created    # as in _append
            try:
                page = await self.client.fetch(
                    cap, position[0], page_limit if taken else min(page_limit, FIRST_PAGE))
            except UnknownMailbox as exc:
                spec = pipeline.create_spec(relay, mailbox)
                if spec is None or created_before:
                    pipeline.lost(relay, mailbox, exc)
                    return taken
                if mailbox in self._created:
                    continue
                try:
                    await self.client.create_mailbox(cap, spec)
                except MailboxConflict as conflict:    # the id is taken with other keys
                    pipeline.lost(relay, mailbox, conflict)
                    return taken
                self._created.add(mailbox)
                continue
            except MailboxClosed as exc:
                pipeline.lost(relay, mailbox, exc)
                return taken
            except RelayOverflow as exc:
                pipeline.report_misbehaviour(relay, [mailbox], str(exc))
                raise
            self._created.discard(mailbox)
            taken += pipeline.accept(relay, session, mailbox, page.messages)
            pipeline.check_delivery(relay, session)
            if page.closed and not page.more:
                pipeline.lost(relay, mailbox, MailboxClosed("The mailbox was closed.", 410))
                return taken
            if not page.more:
                pipeline.fetched(relay, mailbox)
                return taken
            await pipeline.room(relay, session)

    async def stream(self, session: int, on_synced: Callable[[], None]) -> None:
        """Follow the push connection until it breaks (raises) or the task is cancelled.

        One connection carries up to MAX_SUBSCRIBE mailboxes (the relay's limit); a profile
        with more gets one connection per chunk, and is online once every chunk synced.
        """
        subs = self.pipeline.subscriptions(self.relay)
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
        pipeline, relay = self.pipeline, self.relay
        try:
            async for event in self.client.subscribe(subs):
                if isinstance(event, PushMessage):
                    pipeline.accept(relay, session, event.mailbox, [(event.cursor, event.body)])
                    pipeline.check_delivery(relay, session)
                    await pipeline.room(relay, session)
                elif isinstance(event, PushSynced):
                    on_synced()
                elif isinstance(event, PushClosed):
                    if pipeline.position(relay, event.mailbox) is not None:
                        pipeline.lost(relay, event.mailbox,
                                      MailboxClosed("The mailbox was closed.", 410))
        except RelayOverflow as exc:
            # One connection carries every mailbox of the chunk: each group hears of it.
            pipeline.report_misbehaviour(relay, [cap.mailbox for cap, _after in subs], str(exc))
            raise
