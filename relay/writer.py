"""Group commit: one thread owns every write and makes whole batches durable with one fsync.

Requests submit write operations from the event loop and await a future. A checker thread
takes them in submission order and checks their signatures (PyNaCl releases the GIL
meanwhile); the writer thread takes everything checked since its last commit, applies what
passed as one storage transaction, and hands all outcomes back to the loop with a single
wake-up. Under load a batch grows while the previous fsync runs, so durability costs one
fsync per batch, not per append; and the next batch's signatures are checked while the
writer waits for that commit instead of before its own (measured on PostgreSQL, two cores:
about 10% more appends/s, and less relay CPU per append, the batches being larger).

A storage that takes several transactions at once (`writers` > 1) gets that many writer
threads, each with its own queue; an operation goes to the writer its mailbox belongs to,
so a mailbox's writes stay in submission order and writers never wait on each other's
mailbox rows, while the database flushes their commits together.
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
_Checked = tuple[WriteOp, "asyncio.Future[Outcome]", RelayError | None]   # refusal or None


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
        self._incoming: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._queues: list[queue.SimpleQueue[object]] = [queue.SimpleQueue()
                                                         for _ in range(writers)]
        self._threads = [threading.Thread(target=self._check_run, daemon=True,
                                          name="relay-checker")]
        self._threads += [threading.Thread(target=self._run, args=(q,), daemon=True,
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
        self._incoming.put((op, future))
        return future

    def stop(self, timeout: float = 30.0) -> None:
        """Finish every submitted operation, then end the threads (call from any thread)."""
        self._accepting = False
        self._incoming.put(_STOP)     # the checker passes it on to every writer
        for thread in self._threads:
            thread.join(timeout)

    def _check_run(self) -> None:
        queues = self._queues
        stopping = False
        while not stopping:
            items, stopping = _take(self._incoming, MAX_BATCH)
            # Each writer gets what was checked as one list: it wakes once for all of it
            # and does not start a batch with the first op while the others are checked.
            checked: list[list[_Checked]] = [[] for _ in queues]
            for op, future in items:
                refused = self._check(op) if self._check is not None else None
                mailbox = getattr(op, "mailbox", None)    # a prune has none: the first writer
                checked[mailbox[-1] % len(queues) if mailbox else 0].append(
                    (op, future, refused))
            for q, part in zip(queues, checked, strict=True):
                if part:
                    q.put(part)
        for q in queues:
            q.put(_STOP)

    def _run(self, source: queue.SimpleQueue[object]) -> None:
        stopping = False
        while not stopping:
            parts, stopping = _take(source, MAX_BATCH, lists=True)
            batch = [item for part in parts for item in part]
            if not batch:
                continue
            start = time.perf_counter()
            outcomes = self._commit(batch)
            elapsed = time.perf_counter() - start
            try:
                self._loop.call_soon_threadsafe(self._finish, batch, outcomes, elapsed)
            except RuntimeError:  # the loop is gone (process exit): nobody is waiting
                return

    def _commit(self, batch: list[_Checked]) -> list[Outcome] | BaseException:
        """Store the ops that passed their check in one transaction; outcomes in
        submission order."""
        accepted = [op for op, _, refused in batch if refused is None]
        try:
            stored = iter(self._storage.write_batch(accepted) if accepted else [])
        except Exception as exc:  # disk full, I/O error: nothing of the batch is stored
            log.warning("a write batch failed and was rolled back: %s", type(exc).__name__)
            return exc
        return [refused if refused is not None else next(stored) for _, _, refused in batch]

    def _finish(self, batch: list[_Checked], outcomes: list[Outcome] | BaseException,
                elapsed: float) -> None:
        if self._on_batch is not None:
            self._on_batch(len(batch), elapsed)
        if isinstance(outcomes, BaseException):
            for _, future, _ in batch:
                if not future.done():
                    future.set_exception(Unavailable("The relay could not store this; "
                                                     "try again shortly."))
            return
        for (_, future, _), outcome in zip(batch, outcomes, strict=True):
            self._on_commit(outcome)
            if not future.done():
                future.set_result(outcome)


def _take(source: queue.SimpleQueue[object], limit: int,
          lists: bool = False) -> tuple[list, bool]:
    """(what is queued in `source`, waiting for the first item; whether the stop mark
    came). Up to `limit` items, or with `lists` (items that are lists) about `limit` of
    their elements."""
    first = source.get()
    if first is _STOP:
        return [], True
    items = [first]
    taken = len(first) if lists else 1   # type: ignore[arg-type]
    while taken < limit:
        try:
            item = source.get_nowait()
        except queue.Empty:
            break
        if item is _STOP:
            return items, True
        items.append(item)
        taken += len(item) if lists else 1   # type: ignore[arg-type]
    return items, False
