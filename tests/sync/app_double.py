"""A recording stand-in for the app side of the engine (the seam the app fills in).

It keeps what a real app keeps: stored envelopes and cursors (committed together), and
outbox rows deleted on ack, so tests can check exactly-once delivery and durability.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sync.engine import SyncEngine
from sync.errors import SyncError
from sync.transport import RelayClient
from sync.values import Ack, ConnectionState, InboundBatch, OutboxItem


@dataclass
class RecordingApp:
    stored: list[tuple[bytes, int, bytes]] = field(default_factory=list)
    cursors: dict[bytes, int] = field(default_factory=dict)
    outbox: dict[str, OutboxItem] = field(default_factory=dict)
    acks: list[Ack] = field(default_factory=list)
    rejected: list[tuple[str, SyncError]] = field(default_factory=list)
    gone: list[tuple[bytes, SyncError]] = field(default_factory=list)
    states: list[ConnectionState] = field(default_factory=list)
    anomalies: list[str] = field(default_factory=list)
    batches: int = 0
    fail_next: int = 0
    on_batch: Callable[[InboundBatch], None] | None = None
    changed: threading.Condition = field(default_factory=threading.Condition)

    def deliver(self, batch: InboundBatch) -> None:
        with self.changed:
            if self.fail_next:
                self.fail_next -= 1
                raise OSError("disk full")
            self.stored += [(e.mailbox, e.cursor, e.body) for e in batch.envelopes]
            self.cursors.update(batch.cursors)
            self.batches += 1
            self.changed.notify_all()
        if self.on_batch is not None:
            self.on_batch(batch)

    def on_acked(self, acks: list[Ack]) -> None:
        with self.changed:
            for ack in acks:
                self.outbox.pop(ack.local_id, None)
            self.acks += acks
            self.changed.notify_all()

    def on_state(self, state: ConnectionState) -> None:
        with self.changed:
            self.states.append(state)
            self.changed.notify_all()

    def engine(self, clients: Callable[[str], RelayClient], **kwargs: object) -> SyncEngine:
        return SyncEngine(self.deliver, self.on_acked,
                          on_rejected=lambda i, e: self.rejected.append((i, e)),
                          on_gone=lambda r, m, e: self.gone.append((m, e)),
                          on_state=self.on_state,
                          on_anomaly=lambda r, m, s: self.anomalies.append(s),
                          client_factory=clients, **kwargs)  # type: ignore[arg-type]

    def post(self, engine: SyncEngine, item: OutboxItem) -> None:
        """Durable outbox row first, then enqueue: what the app does for every post."""
        with self.changed:
            self.outbox[item.local_id] = item
        engine.enqueue([item])

    def bodies(self, mailbox: bytes | None = None) -> list[bytes]:
        with self.changed:
            return [b for m, _c, b in self.stored if mailbox is None or m == mailbox]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        with self.changed:
            if not self.changed.wait_for(predicate, timeout):
                raise AssertionError("timed out waiting for the engine")
