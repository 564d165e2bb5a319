"""The in-memory outbox queue of one relay (no I/O).

The durable copy of every item lives in the app's store; this queue only decides what to
send next and in which grouping. Items to one mailbox leave in enqueue order and at most
one append per mailbox is in flight, so a sender's envelopes reach the relay in the order
they were sealed.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from crypto.relay_wire import MailboxCapability
from sync.values import Ack, OutboxItem

DEFAULT_MAX_ITEMS = 256          # the relay's default batch limit
DEFAULT_MAX_BYTES = 1 << 20      # raw envelope bytes per append request


@dataclass(frozen=True)
class AppendBatch:
    """Items to append to one mailbox in one request, in order."""

    relay: str
    capability: MailboxCapability
    items: tuple[OutboxItem, ...]

    @property
    def mailbox(self) -> bytes:
        return self.capability.mailbox


class Outbox:
    """Pending appends for one relay, grouped per mailbox."""

    def __init__(self, relay: str, max_items: int = DEFAULT_MAX_ITEMS,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.relay = relay
        self.max_items = max_items
        self.max_bytes = max_bytes
        self._queues: dict[bytes, deque[OutboxItem]] = {}
        self._ids: set[str] = set()
        self._sending: dict[bytes, int] = {}
        self._limit: dict[bytes, int] = {}   # lowered after a 413 for that mailbox

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, item: OutboxItem) -> bool:
        """Queue `item` unless an item with its local_id is already queued; True if added."""
        if item.relay != self.relay:
            raise ValueError("outbox item belongs to another relay")
        if item.local_id in self._ids:
            return False
        self._ids.add(item.local_id)
        self._queues.setdefault(item.mailbox, deque()).append(item)
        return True

    def holds(self, local_ids: set[str]) -> bool:
        """True while any of these items is queued or in flight."""
        return not self._ids.isdisjoint(local_ids)

    def idle(self) -> bool:
        """True when nothing is queued and nothing is in flight."""
        return not self._ids

    def next_batches(self) -> list[AppendBatch]:
        """One batch per mailbox that has items and no append in flight; marks them in flight."""
        batches = []
        for mailbox, queue in self._queues.items():
            if not queue or mailbox in self._sending:
                continue
            limit = self._limit.get(mailbox, self.max_items)
            taken: list[OutboxItem] = []
            size = 0
            for item in queue:
                if taken and (len(taken) >= limit or size + len(item.body) > self.max_bytes):
                    break
                taken.append(item)
                size += len(item.body)
            self._sending[mailbox] = len(taken)
            batches.append(AppendBatch(self.relay, taken[0].capability, tuple(taken)))
        return batches

    def sent(self, batch: AppendBatch, cursors: list[int]) -> list[Ack]:
        """The relay stored the batch at `cursors` (same order): drop the items, return acks."""
        if len(cursors) != len(batch.items):
            raise ValueError("the relay returned a different number of cursors")
        self._finish(batch)
        acks = []
        for item, cursor in zip(batch.items, cursors, strict=True):
            self._ids.discard(item.local_id)
            acks.append(Ack(item.local_id, self.relay, item.mailbox, cursor))
        return acks

    def retry_later(self, batch: AppendBatch) -> None:
        """The append failed in a way worth repeating: the items stay first in line."""
        self._sending.pop(batch.mailbox, None)

    def shrink(self, batch: AppendBatch) -> bool:
        """After a 413 for a batch: send fewer items per request. False if it was one item."""
        self._sending.pop(batch.mailbox, None)
        if len(batch.items) <= 1:
            return False
        self._limit[batch.mailbox] = max(1, len(batch.items) // 2)
        return True

    def drop_batch(self, batch: AppendBatch) -> list[OutboxItem]:
        """The relay refused exactly these items for good: forget them, return them."""
        self._finish(batch)
        for item in batch.items:
            self._ids.discard(item.local_id)
        return list(batch.items)

    def drop_mailbox(self, mailbox: bytes) -> list[OutboxItem]:
        """The mailbox is closed or unknown: refuse every queued item not yet in flight.

        Items of an append in flight stay until the relay answers it: an ack means they
        were stored before the close (they must not be reported refused as well), and a
        retry gets the relay's definitive 410/404.
        """
        queue = list(self._queues.get(mailbox, ()))
        in_flight = self._sending.get(mailbox, 0)
        kept, dropped = queue[:in_flight], queue[in_flight:]
        if kept:
            self._queues[mailbox] = deque(kept)
        else:
            self._queues.pop(mailbox, None)
            self._limit.pop(mailbox, None)
        for item in dropped:
            self._ids.discard(item.local_id)
        return dropped

    def _finish(self, batch: AppendBatch) -> None:
        queue = self._queues.get(batch.mailbox, deque())
        for item in batch.items:
            # The queue may already be gone (mailbox dropped while this append was in flight).
            if queue and queue[0].local_id == item.local_id:
                queue.popleft()
        self._sending.pop(batch.mailbox, None)
        if not queue:
            self._queues.pop(batch.mailbox, None)
