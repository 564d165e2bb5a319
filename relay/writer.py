"""Group commit: one thread owns every write and makes whole batches durable with one fsync.

Requests submit write operations from the event loop and await a future. The writer thread
takes everything queued since its last commit, applies it as one storage transaction, and
hands all outcomes back to the loop with a single wake-up. Under load a batch grows while
the previous fsync runs, so durability costs one fsync per batch, not per append.

A storage that takes several transactions at once (PostgreSQL: `writers` > 1) gets that
many writer threads, each with its own queue; an operation goes to the writer its mailbox
belongs to, so a mailbox's writes stay in submission order and writers never wait on each
other's mailbox rows, while the database flushes their commits together.
"""
from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable

from relay.errors import RelayError, Unavailable
from relay.storage import Storage, WriteOp, WriteResult

log = logging.getLogger("relay.writer")

MAX_BATCH = 1024
_STOP = object()

Outcome = WriteResult | RelayError


class GroupCommitter:
    """Submit from the loop's thread; `on_commit(outcome)` runs on the loop for each
    operation, in commit order, before its future resolves."""

    def __init__(self, storage: Storage, loop: asyncio.AbstractEventLoop,
                 on_commit: Callable[[Outcome], None],
                 on_batch: Callable[[int, float], None] | None = None,
                 check: Callable[[WriteOp], RelayError | None] | None = None) -> None:
        self._storage = storage
        self._check = check
        self._loop = loop
        self._on_commit = on_commit
        self._on_batch = on_batch
        writers = max(1, getattr(storage, "writers", 1))
        self._queues: list[queue.SimpleQueue[object]] = [queue.SimpleQueue()
                                                         for _ in range(writers)]
        self._threads = [threading.Thread(target=self._run, args=(q,), daemon=True,
                                          name="relay-writer" + (f"-{n}" if n else ""))
                         for n, q in enumerate(self._queues)]
        self._accepting = True
        for thread in self._threads:
            thread.start()

    def submit(self, op: WriteOp) -> asyncio.Future[Outcome]:
        """The future of `op`'s outcome; it resolves once the outcome is durable."""
        future: asyncio.Future[Outcome] = self._loop.create_future()
        if not self._accepting:
            future.set_exception(Unavailable("The relay is shutting down; try again shortly."))
            return future
        queues = self._queues
        mailbox = getattr(op, "mailbox", None)    # a prune has none: the first writer
        queues[mailbox[-1] % len(queues) if mailbox else 0].put((op, future))
        return future

    def stop(self, timeout: float = 30.0) -> None:
        """Finish every submitted operation, then end the threads (call from any thread)."""
        self._accepting = False
        for q in self._queues:
            q.put(_STOP)
        for thread in self._threads:
            thread.join(timeout)

    def _run(self, source: queue.SimpleQueue[object]) -> None:
        stopping = False
        while not stopping:
            first = source.get()
            if first is _STOP:
                break
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    item = source.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stopping = True
                    break
                batch.append(item)
            start = time.perf_counter()
            outcomes = self._commit([op for op, _ in batch])  # type: ignore[misc]
            elapsed = time.perf_counter() - start
            try:
                self._loop.call_soon_threadsafe(self._finish, batch, outcomes, elapsed)
            except RuntimeError:  # the loop is gone (process exit): nobody is waiting
                return

    def _commit(self, ops: list[WriteOp]) -> list[Outcome] | BaseException:
        """Check each op (signatures: the GIL is released meanwhile), then store the ones
        that passed in one transaction; outcomes in submission order."""
        refused: list[RelayError | None] = [None] * len(ops)
        if self._check is not None:
            refused = [self._check(op) for op in ops]
        accepted = [op for op, err in zip(ops, refused, strict=True) if err is None]
        try:
            stored = iter(self._storage.write_batch(accepted) if accepted else [])
        except Exception as exc:  # disk full, I/O error: nothing of the batch is stored
            log.warning("a write batch failed and was rolled back: %s", type(exc).__name__)
            return exc
        return [err if err is not None else next(stored) for err in refused]

    def _finish(self, batch: list, outcomes: list[Outcome] | BaseException,
                elapsed: float) -> None:
        if self._on_batch is not None:
            self._on_batch(len(batch), elapsed)
        if isinstance(outcomes, BaseException):
            for _, future in batch:
                if not future.done():
                    future.set_exception(Unavailable("The relay could not store this; "
                                                     "try again shortly."))
            return
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            self._on_commit(outcome)
            if not future.done():
                future.set_result(outcome)
