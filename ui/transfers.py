"""Transfers shown on the conversation's file cards: uploads of posts still being sent and
downloads the user started from a card. Each has a fraction done and a cancel flag the
worker thread polls; progress arrives on the worker thread and is shown on the GUI thread
(queued signal), and the card repaints with a bar and a Cancel button."""
from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal, Slot

ALL_FILES = -1    # an upload moves every file of its post at once


class Transfers(QObject):
    changed = Signal(str)               # post id whose cards need repainting (GUI thread)
    moved = Signal(str, int, int, int)  # post id, file index, done, total (any thread)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._done: dict[tuple[str, int], float] = {}
        self._cancel: dict[tuple[str, int], threading.Event] = {}
        self.moved.connect(self._moved)

    def start(self, post_id: str, index: int = ALL_FILES) -> threading.Event:
        """A transfer begins; the flag its worker polls (set by `cancel`)."""
        key = (post_id, index)
        self._cancel[key] = flag = threading.Event()
        self._done[key] = 0.0
        self.changed.emit(post_id)
        return flag

    def reporter(self, post_id: str, index: int = ALL_FILES):  # noqa: ANN201 (a callback)
        """A progress callback for the worker thread."""
        return lambda done, total: self.moved.emit(post_id, index, done, total)

    def finish(self, post_id: str, index: int = ALL_FILES) -> None:
        self._done.pop((post_id, index), None)
        self._cancel.pop((post_id, index), None)
        self.changed.emit(post_id)

    def cancel(self, post_id: str, index: int) -> bool:
        """Cancel the transfer moving this file (its own or its post's); False if none."""
        for key in ((post_id, index), (post_id, ALL_FILES)):
            flag = self._cancel.get(key)
            if flag is not None:
                flag.set()
                self.changed.emit(post_id)
                return True
        return False

    def state(self, post_id: str, index: int) -> tuple[float, bool] | None:
        """(fraction done, cancelling) of the transfer moving this file, None when idle."""
        for key in ((post_id, index), (post_id, ALL_FILES)):
            if key in self._done:
                return self._done[key], self._cancel[key].is_set()
        return None

    def active(self, post_id: str) -> bool:
        return any(k[0] == post_id for k in self._done)

    @Slot(str, int, int, int)
    def _moved(self, post_id: str, index: int, done: int, total: int) -> None:
        key = (post_id, index)
        if key in self._done:
            self._done[key] = done / total if total else 0.0
            self.changed.emit(post_id)
