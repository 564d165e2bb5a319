"""Aggregate counters for /metrics in the Prometheus text format.

Only totals, sizes and latency histograms by route template: never a mailbox id, key,
address or anything per client.
"""
from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable

from relay.storage import Totals

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
PREFIX = "coterie_relay_"


class Histogram:
    def __init__(self, buckets: tuple[float, ...]) -> None:
        self.buckets = buckets
        self.counts = [0] * (len(buckets) + 1)
        self.total = 0.0
        self.n = 0

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(self.buckets, value)] += 1
        self.total += value
        self.n += 1

    def lines(self, name: str, labels: str = "") -> list[str]:
        out, running = [], 0
        sep = "," if labels else ""
        for bound, count in zip(self.buckets, self.counts, strict=False):
            running += count
            out.append(f'{name}_bucket{{{labels}{sep}le="{bound:g}"}} {running}')
        out.append(f'{name}_bucket{{{labels}{sep}le="+Inf"}} {self.n}')
        tail = f"{{{labels}}}" if labels else ""
        out.append(f"{name}_sum{tail} {self.total:.6f}")
        out.append(f"{name}_count{tail} {self.n}")
        return out


class Metrics:
    """Counters the adapter bumps; `render()` produces the /metrics page."""

    def __init__(self) -> None:
        self.requests: dict[tuple[str, int], int] = defaultdict(int)
        self.latency: dict[str, Histogram] = {}
        self.appended_messages = 0
        self.appended_bytes = 0
        self.duplicate_appends = 0
        self.mailboxes_created = 0
        self.mailboxes_closed = 0
        self.deliveries = 0
        self.delivered_bytes = 0
        self.push_connections = 0
        self.push_dropped_slow = 0
        self.rate_limited = 0
        self.pruned_messages = 0
        self.commit_batches = Histogram(BATCH_BUCKETS)
        self.commit_seconds = Histogram(LATENCY_BUCKETS)
        # several instances on PostgreSQL: another instance's commit -> its wake-up here
        self.wakeup_lag = Histogram(LATENCY_BUCKETS)
        self.database_pool: Callable[[], dict[str, int]] | None = None

    def request(self, route: str, status: int, seconds: float) -> None:
        self.requests[(route, status)] += 1
        hist = self.latency.get(route)
        if hist is None:
            hist = self.latency[route] = Histogram(LATENCY_BUCKETS)
        hist.observe(seconds)

    def wakeup(self, seconds: float) -> None:
        self.wakeup_lag.observe(seconds)

    def batch(self, size: int, seconds: float) -> None:
        self.commit_batches.observe(size)
        self.commit_seconds.observe(seconds)

    def render(self, totals: Callable[[], Totals],
               connections: tuple[int, int] | None = None) -> str:
        """The page; `connections` is (open, refused at accept) when served by uvicorn."""
        p = PREFIX
        lines: list[str] = []

        def metric(name: str, kind: str, help_text: str, samples: list[str]) -> None:
            lines.append(f"# HELP {p}{name} {help_text}")
            lines.append(f"# TYPE {p}{name} {kind}")
            lines.extend(samples)

        metric("requests_total", "counter", "HTTP requests by route template and status.",
               [f'{p}requests_total{{route="{r}",status="{s}"}} {n}'
                for (r, s), n in sorted(self.requests.items())])
        hist_lines: list[str] = []
        for route, hist in sorted(self.latency.items()):
            hist_lines += hist.lines(f"{p}request_seconds", f'route="{route}"')
        metric("request_seconds", "histogram", "Request handling time by route template.",
               hist_lines)
        for name, value, help_text in (
                ("appended_messages_total", self.appended_messages, "Messages stored."),
                ("appended_bytes_total", self.appended_bytes, "Body bytes stored."),
                ("duplicate_appends_total", self.duplicate_appends,
                 "Appends answered with an existing cursor (client retries)."),
                ("mailboxes_created_total", self.mailboxes_created, "Mailboxes created."),
                ("mailboxes_closed_total", self.mailboxes_closed, "Mailboxes closed."),
                ("deliveries_total", self.deliveries, "Messages pushed to subscribers."),
                ("delivered_bytes_total", self.delivered_bytes, "Bytes pushed to subscribers."),
                ("push_dropped_slow_total", self.push_dropped_slow,
                 "Push connections ended because the reader fell too far behind."),
                ("rate_limited_total", self.rate_limited, "Requests refused with 429."),
                ("pruned_messages_total", self.pruned_messages,
                 "Messages removed by retention.")):
            metric(name, "counter", help_text, [f"{p}{name} {value}"])
        metric("push_connections", "gauge", "Open push connections.",
               [f"{p}push_connections {self.push_connections}"])
        if connections is not None:
            metric("connections", "gauge", "Open client connections.",
                   [f"{p}connections {connections[0]}"])
            metric("connections_refused_total", "counter",
                   "Connections refused at accept (per-client or total cap).",
                   [f"{p}connections_refused_total {connections[1]}"])
        metric("commit_batch_size", "histogram", "Write operations per durable commit.",
               self.commit_batches.lines(f"{p}commit_batch_size"))
        metric("commit_seconds", "histogram", "Time of one durable commit.",
               self.commit_seconds.lines(f"{p}commit_seconds"))
        if self.database_pool is not None:
            stats = self.database_pool()
            metric("db_pool_connections", "gauge", "Database connections in the pool.",
                   [f"{p}db_pool_connections {stats.get('pool_size', 0)}"])
            metric("db_pool_available", "gauge", "Idle database connections in the pool.",
                   [f"{p}db_pool_available {stats.get('pool_available', 0)}"])
            metric("db_pool_waiting", "gauge", "Requests waiting for a database connection.",
                   [f"{p}db_pool_waiting {stats.get('requests_waiting', 0)}"])
            metric("wakeup_lag_seconds", "histogram",
                   "From another instance's notification to its arrival here.",
                   self.wakeup_lag.lines(f"{p}wakeup_lag_seconds"))
        t = totals()
        metric("stored_mailboxes", "gauge", "Mailboxes stored.",
               [f"{p}stored_mailboxes {t.mailboxes}"])
        metric("stored_messages", "gauge", "Messages stored.",
               [f"{p}stored_messages {t.messages}"])
        metric("stored_bytes", "gauge", "Body bytes stored.", [f"{p}stored_bytes {t.body_bytes}"])
        return "\n".join(lines) + "\n"
