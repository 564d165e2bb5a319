"""Deadlines for reading request bodies, checked by one sweep instead of a timer each.

Every append reads a body under `body_timeout_seconds`. `asyncio.timeout` schedules and
cancels a timer per request, which was a measurable share of the event loop's time per
append; nearly every body is complete when its headers are, so the timer never fires.
Here a request only enters its task in a dict, and one sweep, running while bodies are
being read, cancels the tasks past their deadline. A deadline fires up to a quarter of
the timeout (at most a second) late.
"""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

MAX_SWEEP_SECONDS = 1.0


class BodyTimeout(Exception):
    """The body was not read before its deadline."""


class BodyDeadlines:
    """Use on the event loop's thread: `with deadlines.watch(): ... await reads ...`."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.interval = min(MAX_SWEEP_SECONDS, seconds / 4)
        self._reading: dict[asyncio.Task[object], list] = {}   # task -> [deadline, expired]
        self._sweep_handle: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @contextmanager
    def watch(self) -> Iterator[None]:
        """Raise BodyTimeout when the block is still running `seconds` from now."""
        task = asyncio.current_task()
        assert task is not None
        loop = task.get_loop()
        entry = [loop.time() + self.seconds, False]
        self._reading[task] = entry
        if self._sweep_handle is None or self._loop is not loop:
            self._loop = loop
            self._sweep_handle = loop.call_later(self.interval, self._sweep, loop)
        try:
            yield
        except asyncio.CancelledError:
            # Our own cancellation becomes a timeout; anyone else's goes on.
            if entry[1] and task.uncancel() == 0:
                raise BodyTimeout() from None
            raise
        finally:
            del self._reading[task]

    def _sweep(self, loop: asyncio.AbstractEventLoop) -> None:
        if loop is not self._loop:
            return
        self._sweep_handle = None
        now = loop.time()
        for task, entry in self._reading.items():
            if not entry[1] and now >= entry[0] and task.get_loop() is loop:
                entry[1] = True
                task.cancel()
        if self._reading:
            self._sweep_handle = loop.call_later(self.interval, self._sweep, loop)

    def close(self) -> None:
        if self._sweep_handle is not None:
            self._sweep_handle.cancel()
            self._sweep_handle = None
