"""A server-sent-events reader for the relay's /v1/subscribe stream (no I/O).

The relay is untrusted, so memory is bounded at each step: `LineSplitter` refuses a line
longer than its cap (a line that never ends is not buffered without bound) and `SSEParser`
refuses an event whose data lines add up to more than its cap. Both raise RelayOverflow.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from sync.errors import RelayOverflow, RelayProtocolError
from sync.limits import MAX_SSE_EVENT, MAX_SSE_LINE

_LINE_END = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True)
class SSEEvent:
    event: str
    data: str


class LineSplitter:
    """Feed raw bytes as they arrive; get complete lines (decoded, without terminators).

    Lines end at CR LF, LF or CR, as in the WHATWG event-stream format. At most `max_line`
    bytes of an unfinished line are kept.
    """

    def __init__(self, max_line: int = MAX_SSE_LINE) -> None:
        self.max_line = max_line
        self._partial = bytearray()
        self._after_cr = False   # the previous chunk ended in CR: a leading LF belongs to it

    def feed(self, chunk: bytes) -> list[str]:
        lines: list[str] = []
        start = 0
        if self._after_cr and chunk[:1] == b"\n":
            start = 1
        self._after_cr = False
        for end in _LINE_END.finditer(chunk, start):
            self._keep(chunk[start:end.start()])
            lines.append(self._decode(bytes(self._partial)))
            self._partial.clear()
            start = end.end()
        if chunk.endswith(b"\r") and start == len(chunk):
            self._after_cr = True     # CR LF may be split between two chunks
        self._keep(chunk[start:])
        return lines

    def _keep(self, part: bytes) -> None:
        if len(self._partial) + len(part) > self.max_line:
            raise RelayOverflow("The relay pushed a line longer than any event can be.")
        self._partial += part

    @staticmethod
    def _decode(line: bytes) -> str:
        try:
            return line.decode("utf-8")
        except UnicodeDecodeError:
            raise RelayProtocolError("The relay pushed a malformed event.") from None


class SSEParser:
    """Feed decoded lines (without the newline); get an SSEEvent at each blank line.

    Follows the WHATWG event-stream rules the relay uses: `:` starts a comment (pings),
    `data:` lines are joined with newlines, one optional space after the colon is dropped,
    an event with no data is not dispatched. The data of one event is capped at
    `max_event` characters.
    """

    def __init__(self, max_event: int = MAX_SSE_EVENT) -> None:
        self.max_event = max_event
        self._event = ""
        self._data: list[str] = []
        self._size = 0

    def feed(self, line: str) -> SSEEvent | None:
        if line == "":
            if not self._data:
                self._event = ""
                return None
            event = SSEEvent(self._event or "message", "\n".join(self._data))
            self._event, self._data, self._size = "", [], 0
            return event
        if line.startswith(":"):
            return None
        name, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event = value
        elif name == "data":
            self._size += len(value) + 1
            if self._size > self.max_event:
                raise RelayOverflow("The relay pushed an event larger than any event can be.")
            self._data.append(value)
        return None
