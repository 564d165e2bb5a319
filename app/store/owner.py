"""The one thread that owns a SQLCipher connection, and the queue of work sent to it.

SQLite connections are not to be shared between threads, and Argon2id or network work must
never wait behind the database (or the other way round). Every store call is a closure run
here; callers either wait for its Future (the synchronous API) or keep the Future / attach
a callback (the non-blocking API).
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

from app.i18n import _
from app.store.errors import StoreClosed

T = TypeVar("T")

_STOP = object()


class OwnerThread:
    """Runs submitted callables one at a time on a dedicated daemon thread."""

    def __init__(self, name: str) -> None:
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._closed = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    @property
    def ident(self) -> int | None:
        return self._thread.ident

    def on_owner(self) -> bool:
        return threading.get_ident() == self._thread.ident

    def submit(self, work: Callable[[], T],
               callback: Callable[[Future[T]], None] | None = None) -> Future[T]:
        future: Future[T] = Future()
        if callback is not None:
            future.add_done_callback(callback)
        with self._lock:
            if self._closed:
                raise StoreClosed(_("The store is closed."))
            self._jobs.put((future, work))
        return future

    def call(self, work: Callable[[], T]) -> T:
        """Run `work` on the owner thread and return its result (inline when already there)."""
        if self.on_owner():
            return work()
        return self.submit(work).result()

    def stop(self, last: Callable[[], None]) -> None:
        """Run `last` on the owner thread after every queued job, then end the thread."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._jobs.put((None, last))
            self._jobs.put(_STOP)
        if not self.on_owner():
            self._thread.join()

    def _loop(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            future, work = job
            if future is None:
                work()
                continue
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = work()
            except BaseException as exc:  # delivered to whoever waits on the future
                future.set_exception(exc)
            else:
                future.set_result(result)
