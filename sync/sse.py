"""A server-sent-events line parser for the relay's /v1/subscribe stream (no I/O)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SSEEvent:
    event: str
    data: str


class SSEParser:
    """Feed decoded lines (without the newline); get an SSEEvent at each blank line.

    Follows the WHATWG event-stream rules the relay uses: `:` starts a comment (pings),
    `data:` lines are joined with newlines, one optional space after the colon is dropped,
    an event with no data is not dispatched.
    """

    def __init__(self) -> None:
        self._event = ""
        self._data: list[str] = []

    def feed(self, line: str) -> SSEEvent | None:
        if line == "":
            if not self._data:
                self._event = ""
                return None
            event = SSEEvent(self._event or "message", "\n".join(self._data))
            self._event, self._data = "", []
            return event
        if line.startswith(":"):
            return None
        name, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        return None
