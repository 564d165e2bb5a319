"""Runs app-service calls off the GUI thread and hands results back as queued signals.

Two lanes, each one thread: "store" for quick local reads and writes, "slow" for anything
that can wait on the network or on Argon2id. A slow join must never delay opening a
conversation, and calls within a lane keep their order.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from app.errors import AppError

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


class Worker(QObject):
    """Submit callables; `on_done(result)` or `on_error(exc)` run later on the GUI thread.

    When `owner` (a QObject) has been destroyed by the time the result arrives, the
    callbacks are skipped, so a closed dialog never receives a late answer.
    """

    _finished = Signal(object)
    failed = Signal(str)  # one sentence for the status bar when no on_error was given

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lanes = {
            "store": ThreadPoolExecutor(max_workers=1, thread_name_prefix="coterie-store"),
            "slow": ThreadPoolExecutor(max_workers=1, thread_name_prefix="coterie-slow"),
        }
        self._pending = 0
        self._lock = threading.Lock()
        self._closed = False
        self._finished.connect(self._deliver)

    def run(self, fn: Callable[[], Any], on_done: Callback | None = None,
            on_error: ErrorCallback | None = None, *, slow: bool = False,
            owner: QObject | None = None) -> Future[Any] | None:
        """Queue `fn()` on a lane; returns its Future, or None after shutdown."""
        if self._closed:
            return None
        with self._lock:
            self._pending += 1
        lane = self._lanes["slow" if slow else "store"]

        def job() -> Any:
            try:
                result = fn()
            except BaseException as exc:  # delivered to on_error on the GUI thread
                self._finished.emit((on_error, exc, owner, True))
                raise
            self._finished.emit((on_done, result, owner, False))
            return result

        return lane.submit(job)

    @Slot(object)
    def _deliver(self, item: tuple[Any, Any, QObject | None, bool]) -> None:
        callback, value, owner, is_error = item
        with self._lock:
            self._pending -= 1
        if owner is not None and not shiboken6.isValid(owner):
            return
        if is_error:
            if callback is not None:
                callback(value)
            else:
                log.warning("background call failed: %s", type(value).__name__)
                self.failed.emit(error_sentence(value))
        elif callback is not None:
            callback(value)

    @property
    def pending(self) -> int:
        """Calls queued or running whose results have not been delivered yet."""
        with self._lock:
            return self._pending

    def shutdown(self) -> None:
        """Finish the calls already queued and stop both threads."""
        self._closed = True
        for lane in self._lanes.values():
            lane.shutdown(wait=True, cancel_futures=False)


def error_sentence(exc: BaseException) -> str:
    """What to tell the user about a failed call: the app's own sentence when it has one."""
    text = str(exc).strip()
    if text and isinstance(exc, AppError):
        return text
    if isinstance(exc, OSError) and text:
        return QCoreApplication.translate("Worker", "The operation failed: {error}").format(
            error=text)
    return QCoreApplication.translate("Worker",
                                      "The operation failed unexpectedly; please try again.")
