"""The sync engine the app drives: one-shot `sync_once` for the CLI, `start`/`stop` for the UI.

Threads (why asyncio in a thread): one asyncio loop multiplexes the push stream of every
relay, the outbox senders and the catch-up fetchers, and cancelling a stream when the
mailbox set changes is one `task.cancel()`; a thread blocked in a socket read cannot be
interrupted like that. The app's `deliver` runs on a separate delivery thread (the caller's
thread in `sync_once`), so while the app stores one batch the loop keeps reading the next
one, and a slow store never stalls pings or outbox sends.

Exactly-once, end to end: the app's outbox rows are durable before `enqueue` and deleted on
`on_acked`; a re-sent item has the same bytes, so the relay's idempotent append returns
the same cursor. Inbound cursors advance only after `deliver` returned (or its Future
completed), and the app stores them in the same transaction as the batch.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from crypto.relay_wire import MailboxCapability
from sync.backoff import Backoff
from sync.core import SyncCore
from sync.errors import (
    RateLimited,
    ReadCancelled,
    RelayOverflow,
    RelayUnreachable,
    SyncError,
    UnknownMailbox,
)
from sync.pipeline import Callbacks, DeliveryFailed, Pipeline
from sync.values import (
    Ack,
    ConnectionState,
    FetchPage,
    InboundBatch,
    MailboxSpec,
    OutboxItem,
    Subscription,
    SyncResult,
)

if TYPE_CHECKING:  # loaded on first network use (below): a store-only command skips httpx
    from sync.flows import Flows
    from sync.live import RelayRunner
    from sync.transport import RelayClient

log = logging.getLogger("coterie.sync")
T = TypeVar("T")

REQUEST_TIMEOUT = 30.0     # seconds for one blocking request helper, all included
READ_TIMEOUT = 60.0        # seconds for a whole read_pages
READ_MAX_PAGES = 32        # an invite mailbox holds a bundle, requests and welcomes: a few pages
UNKNOWN_RETRY = 0.5        # seconds between asking again for a mailbox not there yet
CANCEL_POLL = 0.1          # seconds between looks at a cancel event during a request
LOOP_MARGIN = 5.0

Deliver = Callable[[InboundBatch], "concurrent.futures.Future[Any] | None"]
ClientFactory = Callable[[str], "RelayClient"]


def _flows() -> Any:
    """sync.flows, sync.live and sync.transport (httpx, its TLS set-up) are imported when
    the engine first talks to a relay, not when the app opens a profile."""
    import sync.flows
    return sync.flows


def _live() -> Any:
    import sync.live
    return sync.live


def _transport() -> Any:
    import sync.transport
    return sync.transport


class SyncEngine:
    """Moves envelopes between the app's store and its relays. Thread-safe public methods.

    The engine owns the threads (network loop, delivery) and the relay runners; the shared
    state they work on (core, lock, progress, the app's callbacks) is its `Pipeline`.
    """

    def __init__(self, deliver: Deliver, on_acked: Callable[[list[Ack]], None], *,
                 on_rejected: Callable[[str, SyncError], None] | None = None,
                 on_gone: Callable[[str, bytes, SyncError], None] | None = None,
                 on_state: Callable[[ConnectionState], None] | None = None,
                 on_anomaly: Callable[[str, bytes, str], None] | None = None,
                 clock: Callable[[], float] = time.time,
                 rng: Callable[[int], bytes] = os.urandom,
                 random01: Callable[[], float] | None = None,
                 backoff_base: float = 0.5, backoff_cap: float = 30.0,
                 page_limit: int = 1000, client_factory: ClientFactory | None = None,
                 core: SyncCore | None = None) -> None:
        self._pipeline = Pipeline(core or SyncCore(), Callbacks(
            on_acked, on_rejected, on_gone, on_state, on_anomaly))
        self._page_limit = page_limit
        self._deliver = deliver
        self._clock = clock
        self._rng = rng
        self._random01 = random01 or random.SystemRandom().random
        self._backoff_base, self._backoff_cap = backoff_base, backoff_cap
        self._client_factory = client_factory or (
            lambda url: _transport().RelayClient(url, clock=self._clock, rng=self._rng))
        # Set while a network loop runs (one-shot or live).
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._delivery_thread: threading.Thread | None = None
        self._runners: dict[str, RelayRunner] = {}
        self._stopping = False
        self._stats_sent = 0
        self._stats_received = 0
        self._app_error: BaseException | None = None

    # -- what the app tells the engine ---------------------------------------------------

    def set_mailboxes(self, relay: str, subs: list[Subscription]) -> None:
        """The full set of mailboxes to read on `relay` (current + grace epochs, invites)."""
        if self._pipeline.set_mailboxes(relay, subs):
            self._poke(relay, changed=True)

    def enqueue(self, items: list[OutboxItem]) -> None:
        """Queue envelopes whose outbox rows are already durable in the app's store."""
        for relay in self._pipeline.enqueue(items):
            self._poke(relay, outbox=True)

    def wait_sent(self, local_ids: list[str], timeout: float) -> bool:
        """Block until these outbox items were acked or refused; False on timeout.

        For the live engine (e.g. an invite bundle that must be on the relay before the
        link is shown). Without a running engine nothing is sent, so it waits in vain.
        """
        return self._pipeline.wait_sent(local_ids, timeout)

    def wait_delivered(self, relay: str, timeout: float) -> bool:
        """Block until everything read from `relay` so far was stored by the app (or its
        delivery failed); False on timeout."""
        return self._pipeline.wait_delivered(relay, timeout)

    def states(self) -> dict[str, ConnectionState]:
        """The last reported state of every relay."""
        return self._pipeline.states()

    def _backoff(self) -> Backoff:
        """A fresh retry policy with this engine's parameters (one per retrying loop)."""
        return Backoff(self._random01, self._backoff_base, self._backoff_cap)

    # -- one-shot ------------------------------------------------------------------------

    def sync_once(self, timeout: float = 30.0, pull: bool = True) -> SyncResult:
        """Push the outbox, pull everything pending, deliver it on this thread, return.

        `pull=False` only pushes (a CLI command that wants its envelope on the relay now).
        Re-raises what `deliver` raised (after stopping the network side); relay trouble is
        reported in the result instead (`unreachable`, `rejected`).
        """
        if self._thread is not None:
            raise RuntimeError("sync_once cannot run while the live engine is started")
        self._stats_sent = self._stats_received = 0
        rejected: list[str] = []
        self._pipeline.rejected = rejected
        self._app_error = None
        outcome: dict[str, Any] = {}
        net_done = threading.Event()

        def network() -> None:
            try:
                outcome.update(asyncio.run(self._once_main(timeout, pull)))
            except BaseException as exc:  # noqa: BLE001 — handed back to the caller below
                outcome["error"] = exc
            finally:
                net_done.set()
                self._pipeline.wake()

        thread = threading.Thread(target=network, name="coterie-sync-once", daemon=True)
        thread.start()
        self._delivery_loop(net_done.is_set, stop_on_error=True)
        thread.join()
        self._loop = None
        if self._app_error is not None:
            raise self._app_error
        if "error" in outcome:
            raise outcome["error"]
        return SyncResult(sent=self._stats_sent, received=self._stats_received,
                          unreachable=tuple(outcome.get("unreachable", ())),
                          rejected=tuple(rejected),
                          timed_out=outcome.get("timed_out", False),
                          errors=tuple(outcome.get("errors", ())))

    async def _once_main(self, timeout: float, pull: bool) -> dict[str, Any]:
        self._loop = asyncio.get_running_loop()
        self._pipeline.bind(self._loop)
        unreachable: list[str] = []
        errors: list[tuple[str, str]] = []
        done: set[str] = set()
        clients: dict[str, RelayClient] = {}
        timed_out = False

        async def one(relay: str) -> None:
            client = clients[relay] = self._client_factory(relay)
            try:
                await self._once_relay(_flows().Flows(self._pipeline, relay, client), timeout,
                                      pull)
            except DeliveryFailed:
                pass
            except SyncError as exc:
                self._pipeline.set_state(relay, "offline", str(exc))
                unreachable.append(relay)
                errors.append((relay, str(exc)))

        try:
            async with asyncio.timeout(timeout):
                while True:
                    todo = [r for r in self._pipeline.relays() if r not in done]
                    if not todo or self._app_error is not None:
                        break
                    done.update(todo)
                    await asyncio.gather(*(one(r) for r in todo))
        except TimeoutError:
            timed_out = True
        finally:
            self._pipeline.bind(None)
            for client in clients.values():
                await client.aclose()
        return {"unreachable": unreachable, "errors": errors, "timed_out": timed_out}

    async def _once_relay(self, flows: Flows, timeout: float, pull: bool) -> None:
        pipeline, relay = self._pipeline, flows.relay
        pipeline.set_state(relay, "syncing")
        pipeline.refetch_all(relay)
        for _round in range(100):
            session = pipeline.session(relay)
            try:
                self._stats_sent += await flows.push()
                if not pull:
                    return
                await flows.catch_up(self._page_limit)
            except RateLimited as exc:
                # Wait as told, within the overall timeout of sync_once.
                await asyncio.sleep(min(exc.retry_after or 1.0, timeout))
                continue
            await pipeline.drained(relay, session)
            if not pipeline.more_work(relay):
                break
        pipeline.set_state(relay, "online")

    # -- live ----------------------------------------------------------------------------

    def start(self) -> None:
        """Run the live engine: a loop thread for the network, a thread for delivery."""
        if self._thread is not None:
            return
        self._stopping = False
        self._pipeline.rejected = None     # live refusals go to on_rejected only
        ready = threading.Event()

        def run_loop() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop

            def boot() -> None:
                try:
                    self._pipeline.bind(loop)
                    for relay in self._pipeline.relays():
                        self._runner(relay)
                finally:
                    ready.set()

            loop.call_soon(boot)
            try:
                loop.run_forever()
            finally:
                self._pipeline.bind(None)
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._thread = threading.Thread(target=run_loop, name="coterie-sync", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the sync engine's loop did not start")
        self._delivery_thread = threading.Thread(
            target=self._delivery_loop, args=(lambda: self._stopping,),
            name="coterie-sync-deliver", daemon=True)
        self._delivery_thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Close every connection and stop both threads; undelivered input is re-read later."""
        if self._thread is None or self._loop is None:
            return
        if threading.current_thread() in (self._thread, self._delivery_thread):
            raise RuntimeError("stop() waits for the engine's threads; call it from another")
        loop = self._loop
        self._stopping = True
        self._pipeline.wake()
        future = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
        try:
            future.result(timeout)
        except (concurrent.futures.TimeoutError, RuntimeError):
            log.warning("sync engine did not stop cleanly in time")
        loop.call_soon_threadsafe(loop.stop)
        self._thread.join(timeout)
        if self._delivery_thread is not None:
            self._delivery_thread.join(timeout)
        self._thread = self._delivery_thread = None
        self._loop = None

    async def _shutdown(self) -> None:
        runners, self._runners = list(self._runners.values()), {}
        await asyncio.gather(*(r.close() for r in runners), return_exceptions=True)

    def _runner(self, relay: str) -> RelayRunner | None:
        """The live runner of `relay`, started on first use (call on the loop thread)."""
        runner = self._runners.get(relay)
        if runner is None and not self._stopping:
            runner = self._runners[relay] = _live().RelayRunner(
                self._pipeline, relay, self._client_factory(relay),
                backoff=self._backoff, page_limit=self._page_limit)
            runner.start()
        return runner

    def _poke(self, relay: str, *, changed: bool = False, outbox: bool = False,
              failed: bool = False) -> None:
        loop = self._loop
        if loop is None or self._thread is None:
            return

        def on_loop() -> None:
            runner = self._runner(relay)
            if runner is not None:
                runner.poke(changed=changed, outbox=outbox, failed=failed)

        try:
            loop.call_soon_threadsafe(on_loop)
        except RuntimeError:  # loop closed while stopping
            pass

    # -- request helpers (blocking) ------------------------------------------------------

    def create_mailbox(self, relay: str, cap: MailboxCapability, spec: MailboxSpec) -> bool:
        """Create a mailbox (idempotent); True if it was created now."""
        return self._request(relay, lambda c: c.create_mailbox(cap, spec))

    def fetch(self, relay: str, cap: MailboxCapability, after: int = 0,
              limit: int = 500) -> FetchPage:
        """Read one page directly (e.g. an invite bundle), outside the pipeline."""
        return self._request(relay, lambda c: c.fetch(cap, after, limit))

    def read_pages(self, relay: str, cap: MailboxCapability, *, after: int = 0,
                   limit: int = 500, max_pages: int = READ_MAX_PAGES,
                   timeout: float = READ_TIMEOUT, cancel: threading.Event | None = None,
                   unknown_grace: float = 0.0) -> Iterator[FetchPage]:
        """Page through a mailbox outside the pipeline (an invite mailbox), bounded.

        Yields pages until one says no more follow. A relay that keeps answering "more"
        gets RelayOverflow after `max_pages` pages; RelayUnreachable once `timeout` seconds
        passed in all; ReadCancelled soon after `cancel` is set, also in mid-request. A
        mailbox the relay does not know yet is asked again for `unknown_grace` seconds
        (a brand-new invite may still be on its way to the relay).
        """
        deadline = time.monotonic() + timeout
        grace_until = time.monotonic() + unknown_grace
        pages = 0
        while True:
            _check_cancel(cancel)
            left = deadline - time.monotonic()
            if left <= 0:
                raise RelayUnreachable("The relay did not finish answering in time.")
            if pages >= max_pages:
                raise RelayOverflow("The relay kept sending pages beyond what this mailbox "
                                    "can hold.")
            try:
                page = self._request(relay, lambda c, a=after: c.fetch(cap, a, limit),
                                     left, cancel)
            except UnknownMailbox:
                if pages or time.monotonic() + UNKNOWN_RETRY > min(grace_until, deadline):
                    raise
                if cancel is not None and cancel.wait(UNKNOWN_RETRY):
                    _check_cancel(cancel)
                elif cancel is None:
                    time.sleep(UNKNOWN_RETRY)
                continue
            pages += 1
            yield page
            if not page.more:
                return
            after = page.next

    def append(self, relay: str, cap: MailboxCapability, bodies: list[bytes]) -> list[int]:
        """Append directly, outside the outbox (only for envelopes that need no durability)."""
        return self._request(relay, lambda c: c.append(cap, bodies))

    def close_mailbox(self, relay: str, cap: MailboxCapability) -> None:
        """Close a mailbox on the relay for good (e.g. a revoked invite)."""
        self._request(relay, lambda c: c.close_mailbox(cap))

    def _request(self, relay: str, call: Callable[[RelayClient], Coroutine[Any, Any, T]],
                 timeout: float = REQUEST_TIMEOUT, cancel: threading.Event | None = None) -> T:
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and thread.is_alive():
            if threading.current_thread() is thread:
                raise RuntimeError("request helpers block; do not call them from a callback")

            async def on_loop() -> T:
                runner = self._runner(relay)
                if runner is None:
                    raise SyncError("Sync is stopping.")
                return await _bounded(call(runner.client), timeout, cancel)

            future = asyncio.run_coroutine_threadsafe(on_loop(), loop)
            try:
                # _bounded ends the request in time; this margin only covers a stalled loop.
                return future.result(timeout + LOOP_MARGIN)
            except concurrent.futures.TimeoutError:
                future.cancel()
                raise RelayUnreachable("The relay did not answer in time.") from None

        async def private() -> T:
            client = self._client_factory(relay)
            try:
                return await _bounded(call(client), timeout, cancel)
            finally:
                await client.aclose()

        return asyncio.run(private())

    # -- delivery (app side) -------------------------------------------------------------

    def _delivery_loop(self, stop: Callable[[], bool], stop_on_error: bool = False) -> None:
        pipeline = self._pipeline

        def done() -> bool:
            return stop() or (stop_on_error and self._app_error is not None)

        while (batch := pipeline.next_batch(done)) is not None:
            try:
                result = self._deliver(batch)
                if isinstance(result, concurrent.futures.Future):
                    result.result()
            except Exception as exc:  # the app's own failure: re-read, never lose
                if stop_on_error:
                    self._app_error = exc
                pipeline.delivery_failed(batch.relay)
                log.warning("storing received envelopes failed (%s)", type(exc).__name__)
                if stop_on_error:
                    return
                # The live runner re-reads from the committed cursors after a backoff.
                self._poke(batch.relay, failed=True)
                continue
            self._stats_received += len(batch.envelopes)
            pipeline.committed(batch)


async def _bounded(coro: Coroutine[Any, Any, T], timeout: float,
                   cancel: threading.Event | None) -> T:
    """Await `coro` for at most `timeout` seconds, ending it soon after `cancel` is set."""
    task = asyncio.ensure_future(coro)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    try:
        while not task.done():
            _check_cancel(cancel)
            left = deadline - loop.time()
            if left <= 0:
                raise RelayUnreachable("The relay did not answer in time.")
            # A threading.Event cannot wake a coroutine: look at it a few times a second.
            await asyncio.wait({task}, timeout=min(left, CANCEL_POLL) if cancel else left)
        return task.result()
    finally:
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


def _check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise ReadCancelled("The read was cancelled.")
