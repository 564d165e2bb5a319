"""Change listeners: the UI registers callbacks; services and the sync thread notify them.

Listeners run on the notifying thread (never the GUI thread); a listener that raises is
dropped from that notification only, so one faulty view cannot stop sync.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from app.views import ChangeEvent

Listener = Callable[[ChangeEvent], None]
log = logging.getLogger(__name__)


class EventHub:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []

    def add(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def remove() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return remove

    def emit(self, event: ChangeEvent) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # a view's bug must not stop the sync thread
                log.exception("a change listener failed on a %s event", event.kind.value)
