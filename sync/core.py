"""The sync core: mailbox positions, inbound pipeline, dedupe and outbox, with no I/O.

The engine feeds it what the relay said and asks it what to do next; the core never
sends, sleeps or reads a clock, so every rule below is testable in isolation.

Positions per mailbox:
- `received`: the highest cursor taken into the pipeline (where reading resumes while
  the pipeline is healthy);
- `committed`: the highest cursor the app has confirmed stored (where reading resumes
  after the app failed to store a batch — nothing is lost, nothing is delivered twice).

An envelope is delivered once: cursors at or below `received` are never delivered again,
and body hashes already stored (or sent by this profile) are dropped while the cursor still
moves past them. Gaps and forks between members are the crypto layer's call (seq and
previous-hash); the core reports only what it can see of the relay (anomalies): two bodies
at one position, or one body served at two positions (a replay). A plain redelivery of the
same body at the same position is silent.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import Enum

from crypto.relay_wire import MailboxCapability, body_hash
from sync.dedupe import BoundedHashSet, BoundedMap
from sync.outbox import AppendBatch, Outbox
from sync.values import Ack, InboundBatch, MailboxSpec, OutboxItem, Received, Subscription

DEFAULT_DEDUPE_CAPACITY = 16_384    # ~10 MB at most (three maps of compact keys)
DEFAULT_BATCH_ITEMS = 1000
DEFAULT_BATCH_BYTES = 16 << 20


HASH_KEY = 16


def _position(mailbox: bytes, cursor: int) -> bytes:
    """A compact key for one relay position (mailbox ids are random, 8 bytes tell them apart)."""
    return mailbox[:8] + cursor.to_bytes(8, "big")


class Verdict(Enum):
    NEW = "new"              # queued for delivery
    DUPLICATE = "duplicate"  # body already stored or sent; cursor moves past it
    STALE = "stale"          # position already passed (resent by the relay)
    UNKNOWN = "unknown"      # not a mailbox of this relay's current set


@dataclass
class MailboxPosition:
    capability: MailboxCapability
    create: MailboxSpec | None
    received: int
    committed: int
    needs_fetch: bool = True


@dataclass
class _Pending:
    item: Received
    duplicate: bool


@dataclass
class RelayBook:
    """Everything the core knows about one relay."""

    relay: str
    outbox: Outbox
    mailboxes: dict[bytes, MailboxPosition] = field(default_factory=dict)
    pending: deque[_Pending] = field(default_factory=deque)
    pending_new: int = 0
    in_flight: InboundBatch | None = None
    generation: int = 0     # bumps when the set of mailbox ids changes
    session: int = 0        # bumps when undelivered input is thrown away


class SyncCore:
    """Bookkeeping for every relay of one profile. Not thread-safe: the engine locks."""

    def __init__(self, dedupe_capacity: int = DEFAULT_DEDUPE_CAPACITY,
                 batch_items: int = DEFAULT_BATCH_ITEMS,
                 batch_bytes: int = DEFAULT_BATCH_BYTES) -> None:
        self._relays: dict[str, RelayBook] = {}
        # Memory is bounded and compact: 16-byte prefixes of BLAKE2b-256 body hashes (a
        # false match needs ~2^64 envelopes) and 16-byte position keys, not tuples.
        self._stored = BoundedHashSet(dedupe_capacity)
        self._pending_hashes: dict[bytes, int] = {}
        # position -> body hash, to tell a harmless resend from a relay equivocating.
        self._positions: BoundedMap[bytes, bytes] = BoundedMap(dedupe_capacity)
        # body hash -> where the relay first served it, to spot a replay at a new position.
        self._first_seen: BoundedMap[bytes, bytes] = BoundedMap(dedupe_capacity)
        self.batch_items = batch_items
        self.batch_bytes = batch_bytes
        self._turn = 0

    # -- relays and mailbox sets -------------------------------------------------------

    def book(self, relay: str) -> RelayBook:
        book = self._relays.get(relay)
        if book is None:
            book = self._relays[relay] = RelayBook(relay, Outbox(relay))
        return book

    def relays(self) -> list[str]:
        return list(self._relays)

    def set_mailboxes(self, relay: str, subs: list[Subscription]) -> bool:
        """Replace the relay's mailbox set; True when the set of ids changed."""
        book = self.book(relay)
        old = book.mailboxes
        new: dict[bytes, MailboxPosition] = {}
        for sub in subs:
            known = old.get(sub.mailbox) or new.get(sub.mailbox)
            if known is not None:
                known.capability, known.create = sub.capability, sub.create
                if sub.after > known.received:
                    known.received = known.committed = sub.after
                    known.needs_fetch = True
                new[sub.mailbox] = known
            else:
                new[sub.mailbox] = MailboxPosition(sub.capability, sub.create, sub.after,
                                                   sub.after)
        changed = set(new) != set(old)
        book.mailboxes = new
        if changed:
            book.generation += 1
        return changed

    def subscriptions(self, relay: str) -> list[tuple[MailboxCapability, int]]:
        """(capability, resume-after cursor) for every mailbox of the relay."""
        return [(p.capability, p.received) for p in self.book(relay).mailboxes.values()]

    def to_fetch(self, relay: str) -> list[tuple[MailboxCapability, int]]:
        """Mailboxes to catch up by paged fetch (new, or after a reconnect)."""
        return [(p.capability, p.received) for p in self.book(relay).mailboxes.values()
                if p.needs_fetch]

    def fetched(self, relay: str, mailbox: bytes) -> None:
        pos = self.book(relay).mailboxes.get(mailbox)
        if pos is not None:
            pos.needs_fetch = False

    def refetch_all(self, relay: str) -> None:
        """After a reconnect: catch every mailbox up again before subscribing."""
        for pos in self.book(relay).mailboxes.values():
            pos.needs_fetch = True

    def create_spec(self, relay: str, mailbox: bytes) -> MailboxSpec | None:
        pos = self.book(relay).mailboxes.get(mailbox)
        return pos.create if pos is not None else None

    def position(self, relay: str, mailbox: bytes) -> tuple[int, int] | None:
        """(received, committed) of a mailbox, or None when it is not in the set."""
        pos = self.book(relay).mailboxes.get(mailbox)
        return (pos.received, pos.committed) if pos is not None else None

    def gone(self, relay: str, mailbox: bytes) -> list[OutboxItem]:
        """The relay closed or lost the mailbox: drop it; return the outbox items refused."""
        book = self.book(relay)
        book.mailboxes.pop(mailbox, None)
        return book.outbox.drop_mailbox(mailbox)

    # -- inbound -------------------------------------------------------------------------

    def session(self, relay: str) -> int:
        """Token a reader holds while it reads; stale after `delivery_failed`."""
        return self.book(relay).session

    def accept(self, relay: str, session: int, mailbox: bytes, cursor: int,
               body: bytes) -> tuple[Verdict, str | None]:
        """Take one envelope from the relay; returns the verdict and an anomaly sentence.

        `session` is the token the reader got before it started reading: input from a
        reader that started before a delivery failure is ignored, because the positions
        were wound back under it and accepting it would skip what was thrown away.
        """
        book = self.book(relay)
        pos = book.mailboxes.get(mailbox)
        if pos is None or session != book.session:
            return Verdict.UNKNOWN, None
        digest = body_hash(body)
        if cursor <= pos.received:
            # The same message at the same position again (a reconnect overlap) is harmless.
            earlier = self._positions.get(_position(mailbox, cursor))
            if earlier is not None and earlier != digest[:HASH_KEY]:
                return Verdict.STALE, "The relay sent two different messages at one position."
            return Verdict.STALE, None
        pos.received = cursor
        here = _position(mailbox, cursor)
        self._positions.put(here, digest[:HASH_KEY])
        key = digest[:HASH_KEY]
        duplicate = key in self._stored or key in self._pending_hashes
        item = Received(mailbox, cursor, body, digest)
        book.pending.append(_Pending(item, duplicate))
        first = self._first_seen.get(key)
        if first is None:
            self._first_seen.put(key, here)
        if duplicate:
            # Our own echo is served once; the same body at a second position is a replay.
            if first is not None and first != here:
                return Verdict.DUPLICATE, "The relay served the same message twice."
            return Verdict.DUPLICATE, None
        self._pending_hashes[key] = self._pending_hashes.get(key, 0) + 1
        book.pending_new += 1
        return Verdict.NEW, None

    def pending_count(self, relay: str) -> int:
        """Envelopes waiting for delivery (not counting the batch in flight)."""
        return self.book(relay).pending_new

    def busy(self, relay: str) -> bool:
        """True while anything of the relay is waiting for, or in, delivery."""
        book = self.book(relay)
        return bool(book.pending) or book.in_flight is not None

    def take_batch(self) -> InboundBatch | None:
        """The next batch to hand to the app, or None. One batch per relay in flight."""
        ready = [b for b in self._relays.values() if b.pending and b.in_flight is None]
        if not ready:
            return None
        self._turn = (self._turn + 1) % len(ready)
        book = ready[self._turn]
        envelopes: list[Received] = []
        cursors: dict[bytes, int] = {}
        size = 0
        while book.pending:
            entry = book.pending[0]
            if not entry.duplicate and envelopes and (
                    len(envelopes) >= self.batch_items
                    or size + len(entry.item.body) > self.batch_bytes):
                break
            book.pending.popleft()
            cursors[entry.item.mailbox] = entry.item.cursor
            if not entry.duplicate:
                envelopes.append(entry.item)
                size += len(entry.item.body)
                book.pending_new -= 1
        batch = InboundBatch(book.relay, tuple(envelopes), cursors)
        book.in_flight = batch
        return batch

    def committed(self, batch: InboundBatch) -> None:
        """The app stored `batch` and its cursors."""
        book = self.book(batch.relay)
        if book.in_flight is not batch:
            raise ValueError("that batch is not the one in flight")
        book.in_flight = None
        for mailbox, cursor in batch.cursors.items():
            pos = book.mailboxes.get(mailbox)
            if pos is not None and cursor > pos.committed:
                pos.committed = cursor
        for item in batch.envelopes:
            self._release(item.body_hash)
            self._stored.add(item.body_hash[:HASH_KEY])

    def delivery_failed(self, relay: str) -> None:
        """The app could not store the batch in flight: forget everything not committed.

        Reading restarts from the committed positions, so the same envelopes come again.
        """
        book = self.book(relay)
        dropped = [e.item for e in book.pending if not e.duplicate]
        if book.in_flight is not None:
            dropped += book.in_flight.envelopes
        for item in dropped:
            self._release(item.body_hash)
        book.pending.clear()
        book.pending_new = 0
        book.in_flight = None
        book.session += 1
        for pos in book.mailboxes.values():
            pos.received = pos.committed
            pos.needs_fetch = True

    def _release(self, digest: bytes) -> None:
        key = digest[:HASH_KEY]
        left = self._pending_hashes.get(key, 0) - 1
        if left > 0:
            self._pending_hashes[key] = left
        else:
            self._pending_hashes.pop(key, None)

    # -- outbox --------------------------------------------------------------------------

    def enqueue(self, items: list[OutboxItem]) -> set[str]:
        """Queue items (duplicates by local_id ignored); returns the relays touched.

        The app already holds what it enqueues, so the relay's echo of these bodies (pushed
        to us too, often before the append's answer) is dropped as a duplicate, unless the
        item asks for it (`echo`: its place in the mailbox matters to the app).
        """
        touched = set()
        for item in items:
            if not item.echo:
                self._stored.add(body_hash(item.body)[:HASH_KEY])
            if self.book(item.relay).outbox.add(item):
                touched.add(item.relay)
        return touched

    def outbox(self, relay: str) -> Outbox:
        return self.book(relay).outbox

    def sent(self, batch: AppendBatch, cursors: list[int]) -> list[Ack]:
        """Acks for a stored append, in the batch's order."""
        return self.book(batch.relay).outbox.sent(batch, cursors)
