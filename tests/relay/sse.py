"""A small server-sent-events reader over httpx for the relay's push tests."""
from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx


class StreamEnded(Exception):
    """The relay ended the event stream."""


class EventReader:
    """Reads `(event, data)` pairs (and `(":", comment)` for comment lines) from a response."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._lines: AsyncIterator[str] = response.aiter_lines()

    async def next(self, timeout: float = 5.0) -> tuple[str, Any]:
        return await asyncio.wait_for(self._next(), timeout)

    async def _next(self) -> tuple[str, Any]:
        event, data = "message", []
        async for line in self._lines:
            if line.startswith(":"):
                return ":", line[1:].strip()
            if line == "":
                if data:
                    return event, json.loads("\n".join(data))
                continue
            name, _, value = line.partition(": ")
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)
        raise StreamEnded()

    async def until(self, event: str, timeout: float = 5.0) -> list[tuple[str, Any]]:
        """Every event up to and including the first `event` (comments skipped)."""
        seen = []
        while True:
            name, data = await self.next(timeout)
            if name == ":":
                continue
            seen.append((name, data))
            if name == event:
                return seen

    async def messages(self, n: int, timeout: float = 5.0) -> list[tuple[str, int, bytes]]:
        from crypto.relay_wire import b64d

        out = []
        while len(out) < n:
            name, data = await self.next(timeout)
            if name == "message":
                out.append((data["mailbox"], data["cursor"], b64d(data["body"])))
        return out
