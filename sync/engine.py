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
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from crypto.relay_wire import MailboxCapability
from sync.backoff import Backoff
from sync.core import SyncCore
from sync.errors import RateLimited, SyncError
from sync.flows import DeliveryFailed, Flows
from sync.live import RelayRunner
from sync.transport import RelayClient
from sync.values import (
    Ack,
    ConnectionState,
    FetchPage,
    InboundBatch,
    MailboxSpec,
    OutboxItem,
    State,
    Subscription,
    SyncResult,
)

log = logging.getLogger("coterie.sync")
T = TypeVar("T")

Deliver = Callable[[InboundBatch], "concurrent.futures.Future[Any] | None"]
ClientFactory = Callable[[str], RelayClient]


class SyncEngine:
    """Moves envelopes between the app's store and its relays. Thread-safe public methods."""

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
        self.core = core or SyncCore()
        self.lock = threading.RLock()
        self.cond = threading.Condition(self.lock)
        self.page_limit = page_limit
        self._deliver = deliver
        self._on_acked = on_acked
        self._on_rejected = on_rejected
        self._on_gone = on_gone
        self._on_state = on_state
        self._on_anomaly = on_anomaly
        self.clock = clock
        self.rng = rng
        self._random01 = random01 or random.SystemRandom().random
        self._backoff_base, self._backoff_cap = backoff_base, backoff_cap
        self._client_factory = client_factory or (
            lambda url: RelayClient(url, clock=self.clock, rng=self.rng))
        self._states: dict[str, ConnectionState] = {}
        # Set while a network loop runs (one-shot or live).
        self._loop: asyncio.AbstractEventLoop | None = None
        self._progress: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._delivery_thread: threading.Thread | None = None
        self._runners: dict[str, RelayRunner] = {}
        self._stopping = False
        self._stats_sent = 0
        self._stats_received = 0
        self._rejected: list[str] = []
        self._app_error: BaseException | None = None

    # -- what the app tells the engine ---------------------------------------------------

    def set_mailboxes(self, relay: str, subs: list[Subscription]) -> None:
        """The full set of mailboxes to read on `relay` (current + grace epochs, invites)."""
        with self.lock:
            changed = self.core.set_mailboxes(relay, subs)
            fresh = bool(self.core.to_fetch(relay))
        if changed or fresh:
            self._poke(relay, changed=True)

    def enqueue(self, items: list[OutboxItem]) -> None:
        """Queue envelopes whose outbox rows are already durable in the app's store."""
        with self.lock:
            relays = self.core.enqueue(items)
        for relay in relays:
            self._poke(relay, outbox=True)

    def wait_sent(self, local_ids: list[str], timeout: float) -> bool:
        """Block until these outbox items were acked or refused; False on timeout.

        For the live engine (e.g. an invite bundle that must be on the relay before the
        link is shown). Without a running engine nothing is sent, so it waits in vain.
        """
        wanted = set(local_ids)

        def settled() -> bool:
            return not any(self.core.outbox(r).holds(wanted) for r in self.core.relays())

        with self.cond:
            return self.cond.wait_for(settled, timeout)

    def backoff(self) -> Backoff:
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
        self._rejected = []
        self._app_error = None
        outcome: dict[str, Any] = {}
        net_done = threading.Event()

        def network() -> None:
            try:
                outcome.update(asyncio.run(self._once_main(timeout, pull)))
            except BaseException as exc:  # noqa: BLE001 — handed back to the caller below
                outcome["error"] = exc
            finally:
                with self.cond:
                    net_done.set()
                    self.cond.notify_all()

        thread = threading.Thread(target=network, name="coterie-sync-once", daemon=True)
        thread.start()
        self._delivery_loop(lambda: net_done.is_set(), stop_on_error=True)
        thread.join()
        self._loop = None
        if self._app_error is not None:
            raise self._app_error
        if "error" in outcome:
            raise outcome["error"]
        return SyncResult(sent=self._stats_sent, received=self._stats_received,
                          unreachable=tuple(outcome.get("unreachable", ())),
                          rejected=tuple(self._rejected),
                          timed_out=outcome.get("timed_out", False),
                          errors=tuple(outcome.get("errors", ())))

    async def _once_main(self, timeout: float, pull: bool) -> dict[str, Any]:
        self._loop = asyncio.get_running_loop()
        self._progress = asyncio.Event()
        unreachable: list[str] = []
        errors: list[tuple[str, str]] = []
        done: set[str] = set()
        clients: dict[str, RelayClient] = {}
        timed_out = False

        async def one(relay: str) -> None:
            client = clients[relay] = self._client_factory(relay)
            try:
                await self._once_relay(Flows(self, relay, client), timeout, pull)
            except DeliveryFailed:
                pass
            except SyncError as exc:
                self.set_state(relay, "offline", str(exc))
                unreachable.append(relay)
                errors.append((relay, str(exc)))

        try:
            async with asyncio.timeout(timeout):
                while True:
                    with self.lock:
                        todo = [r for r in self.core.relays() if r not in done]
                    if not todo or self._app_error is not None:
                        break
                    done.update(todo)
                    await asyncio.gather(*(one(r) for r in todo))
        except TimeoutError:
            timed_out = True
        finally:
            for client in clients.values():
                await client.aclose()
        return {"unreachable": unreachable, "errors": errors, "timed_out": timed_out}

    async def _once_relay(self, flows: Flows, timeout: float, pull: bool) -> None:
        relay = flows.relay
        self.set_state(relay, "syncing")
        with self.lock:
            self.core.refetch_all(relay)
        for _round in range(100):
            session = self._session(relay)
            try:
                self._stats_sent += await flows.push()
                if not pull:
                    return
                await flows.catch_up(self.page_limit)
            except RateLimited as exc:
                # Wait as told, within the overall timeout of sync_once.
                await asyncio.sleep(min(exc.retry_after or 1.0, timeout))
                continue
            await self.drained(relay, session)
            with self.lock:
                more = not self.core.outbox(relay).idle() or bool(self.core.to_fetch(relay))
            if not more:
                break
        self.set_state(relay, "online")

    # -- live ----------------------------------------------------------------------------

    def start(self) -> None:
        """Run the live engine: a loop thread for the network, a thread for delivery."""
        if self._thread is not None:
            return
        self._stopping = False
        ready = threading.Event()

        def run_loop() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            self._loop = loop
            self._progress = asyncio.Event()

            def boot() -> None:
                try:
                    with self.lock:
                        relays = self.core.relays()
                    for relay in relays:
                        self._runner(relay)
                finally:
                    ready.set()

            loop.call_soon(boot)
            try:
                loop.run_forever()
            finally:
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
        with self.cond:
            self._stopping = True
            self.cond.notify_all()
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
            runner = self._runners[relay] = RelayRunner(self, relay,
                                                        self._client_factory(relay))
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

    def append(self, relay: str, cap: MailboxCapability, bodies: list[bytes]) -> list[int]:
        """Append directly, outside the outbox (only for envelopes that need no durability)."""
        return self._request(relay, lambda c: c.append(cap, bodies))

    def close_mailbox(self, relay: str, cap: MailboxCapability) -> None:
        """Close a mailbox on the relay for good (e.g. a revoked invite)."""
        self._request(relay, lambda c: c.close_mailbox(cap))

    def _request(self, relay: str, call: Callable[[RelayClient], Coroutine[Any, Any, T]],
                 timeout: float = 30.0) -> T:
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and thread.is_alive():
            if threading.current_thread() is thread:
                raise RuntimeError("request helpers block; do not call them from a callback")

            async def on_loop() -> T:
                runner = self._runner(relay)
                if runner is None:
                    raise SyncError("Sync is stopping.")
                return await call(runner.client)

            return asyncio.run_coroutine_threadsafe(on_loop(), loop).result(timeout)

        async def private() -> T:
            client = self._client_factory(relay)
            try:
                return await asyncio.wait_for(call(client), timeout)
            except TimeoutError:
                raise SyncError("The relay did not answer in time.") from None
            finally:
                await client.aclose()

        return asyncio.run(private())

    # -- delivery (app side) -------------------------------------------------------------

    def _delivery_loop(self, stop: Callable[[], bool], stop_on_error: bool = False) -> None:
        while True:
            with self.cond:
                while (batch := self.core.take_batch()) is None:
                    if stop() or (stop_on_error and self._app_error is not None):
                        return
                    self.cond.wait(0.5)
            try:
                result = self._deliver(batch)
                if isinstance(result, concurrent.futures.Future):
                    result.result()
            except Exception as exc:  # the app's own failure: re-read, never lose
                with self.cond:
                    self.core.delivery_failed(batch.relay)
                    if stop_on_error:
                        self._app_error = exc
                log.warning("storing received envelopes failed (%s)", type(exc).__name__)
                self._notify_progress()
                if stop_on_error:
                    return
                # The live runner re-reads from the committed cursors after a backoff.
                self._poke(batch.relay, failed=True)
                continue
            else:
                with self.cond:
                    self.core.committed(batch)
                    self._stats_received += len(batch.envelopes)
            self._notify_progress()

    def _notify_progress(self) -> None:
        loop, progress = self._loop, self._progress
        if loop is None or progress is None:
            return
        try:
            loop.call_soon_threadsafe(progress.set)
        except RuntimeError:
            pass

    # -- used by flows and runners (loop thread) -----------------------------------------

    def _session(self, relay: str) -> int:
        with self.lock:
            return self.core.session(relay)

    def check_delivery(self, relay: str, session: int) -> None:
        """Raise DeliveryFailed when the app failed a batch since `session` began."""
        if self._session(relay) != session:
            raise DeliveryFailed()

    async def room(self, relay: str, session: int) -> None:
        """Wait while the relay's undelivered backlog is large (backpressure on reading)."""
        limit = 2 * self.core.batch_items
        await self._wait(lambda: self.core.pending_count(relay) < limit, relay, session)

    async def drained(self, relay: str, session: int) -> None:
        """Wait until everything read from the relay has been stored by the app."""
        await self._wait(lambda: not self.core.busy(relay), relay, session)

    async def _wait(self, ready: Callable[[], bool], relay: str, session: int) -> None:
        progress = self._progress
        assert progress is not None
        while True:
            with self.lock:
                if self.core.session(relay) != session:
                    raise DeliveryFailed()
                if ready():
                    return
                progress.clear()
            await progress.wait()

    def report_acked(self, acks: list[Ack]) -> None:
        if acks:
            with self.cond:
                self.cond.notify_all()   # wake wait_sent()
            self._call(self._on_acked, acks)

    def report_rejected(self, items: list[OutboxItem], error: SyncError) -> None:
        if items:
            with self.cond:
                self.cond.notify_all()   # wake wait_sent()
        for item in items:
            if self._thread is None:   # collected for sync_once's result only
                self._rejected.append(item.local_id)
            if self._on_rejected is not None:
                self._call(self._on_rejected, item.local_id, error)

    def report_gone(self, relay: str, mailbox: bytes, error: SyncError) -> None:
        if self._on_gone is not None:
            self._call(self._on_gone, relay, mailbox, error)

    def report_anomaly(self, relay: str, mailbox: bytes, message: str) -> None:
        if self._on_anomaly is not None:
            self._call(self._on_anomaly, relay, mailbox, message)

    def set_state(self, relay: str, state: State, detail: str = "",
                  retry_in: float | None = None) -> None:
        """Record the relay's state; tell the app only when it changed."""
        new = ConnectionState(relay, state, detail, retry_in)
        with self.lock:
            if self._states.get(relay) == new:
                return
            self._states[relay] = new
        if self._on_state is not None:
            self._call(self._on_state, new)


    def states(self) -> dict[str, ConnectionState]:
        """The last reported state of every relay."""
        with self.lock:
            return dict(self._states)

    @staticmethod
    def _call(callback: Callable[..., Any], *args: Any) -> None:
        try:
            callback(*args)
        except Exception as exc:  # an app callback must not take the engine down
            log.warning("sync callback failed (%s)", type(exc).__name__)
