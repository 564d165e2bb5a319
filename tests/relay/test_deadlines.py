"""Body deadlines: one sweep cancels reads past their deadline as a timeout, and leaves
every other cancellation alone."""
from __future__ import annotations

import asyncio

import pytest

from relay.deadlines import BodyDeadlines, BodyTimeout


async def test_a_read_past_its_deadline_times_out_and_others_do_not() -> None:
    deadlines = BodyDeadlines(0.2)

    async def read(seconds: float) -> str:
        with deadlines.watch():
            await asyncio.sleep(seconds)
        return "read"

    slow = asyncio.create_task(read(5))
    fast = asyncio.create_task(read(0.01))
    assert await fast == "read"
    with pytest.raises(BodyTimeout):
        await asyncio.wait_for(slow, 2)
    assert deadlines._reading == {}
    deadlines.close()


async def test_a_cancellation_from_elsewhere_stays_a_cancellation() -> None:
    deadlines = BodyDeadlines(10)

    async def read() -> None:
        with deadlines.watch():
            await asyncio.sleep(5)

    task = asyncio.create_task(read())
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert deadlines._reading == {}
    deadlines.close()
