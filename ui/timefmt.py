"""How times read in the app: local time, short, with day labels like a messenger."""
from __future__ import annotations

import datetime as dt
import time
from functools import lru_cache


def _local(ts: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts)


def _today(now: float | None) -> dt.date:
    return _local(int(time.time() if now is None else now)).date()


def clock(ts: int) -> str:
    """"14:05"."""
    return _local(ts).strftime("%H:%M")


@lru_cache(maxsize=4096)
def day_key(ts: int) -> int:
    """A number that is equal for two times on the same local day."""
    return _local(ts).date().toordinal()


def day_label(ts: int, now: float | None = None) -> str:
    """"Today", "Yesterday", "Tuesday" within a week, else "Sat 21 Nov 2026"."""
    day = _local(ts).date()
    delta = (_today(now) - day).days
    if delta == 0:
        return "Today"
    if delta == 1:
        return "Yesterday"
    if 1 < delta < 7:
        return day.strftime("%A")
    return day.strftime("%a %d %b %Y")


def list_time(ts: int, now: float | None = None) -> str:
    """The time shown next to a group: clock today, weekday this week, else a date."""
    if ts <= 0:
        return ""
    day = _local(ts).date()
    delta = (_today(now) - day).days
    if delta == 0:
        return clock(ts)
    if 0 < delta < 7:
        return day.strftime("%a")
    return day.strftime("%d %b %y") if delta >= 180 else day.strftime("%d %b")


def full(ts: int) -> str:
    """For tooltips and screen readers: "Saturday 21 November 2026, 14:05"."""
    return _local(ts).strftime("%A %d %B %Y, %H:%M")


def until(ts: int, now: float | None = None) -> str:
    """"in 3 days", "in 5 hours", "expired"."""
    left = ts - (time.time() if now is None else now)
    if left <= 0:
        return "expired"
    if left >= 2 * 86400 - 1800:
        return f"in {round(left / 86400)} days"
    if left >= 2 * 3600 - 300:
        return f"in {round(left / 3600)} hours"
    return f"in {max(1, int(left // 60))} minutes"
