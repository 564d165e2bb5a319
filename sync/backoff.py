"""Retry delays: jittered exponential backoff with an injected random source."""
from __future__ import annotations

from collections.abc import Callable


class Backoff:
    """Delays base, 2·base, 4·base … capped at `cap`, each drawn uniformly from [d/2, d].

    Half-jitter keeps a floor (a relay that just restarted is not hit by every client at
    once, yet no client waits longer than the cap). `random01` returns a float in [0, 1).
    """

    def __init__(self, random01: Callable[[], float], base: float = 0.5, cap: float = 30.0,
                 factor: float = 2.0) -> None:
        if base <= 0 or cap < base or factor < 1:
            raise ValueError("backoff needs 0 < base <= cap and factor >= 1")
        self._random01 = random01
        self.base = base
        self.cap = cap
        self.factor = factor
        self.attempts = 0

    def next_delay(self, at_least: float | None = None) -> float:
        """The delay before the next attempt; `at_least` honours a relay's Retry-After."""
        ceiling = min(self.cap, self.base * self.factor ** min(self.attempts, 64))
        self.attempts += 1
        delay = ceiling / 2 + self._random01() * ceiling / 2
        if at_least is not None:
            delay = max(delay, at_least)
        return delay

    def reset(self) -> None:
        """Call after a success: the next failure starts again from `base`."""
        self.attempts = 0
