"""The mailbox core: every rule of the relay, with no I/O of its own.

It checks capability signatures and read proofs (crypto.relay_wire), enforces the limits,
and turns each accepted request into a storage write operation. Storage sits behind the
relay.storage.Storage interface and the clock is injected, so the whole core runs on an
in-memory database under a fake clock in tests. The adapter (relay/app.py) submits the
operations through the group committer (relay/writer.py); `create`, `append` and `close`
here apply them directly, which is what tests and single-threaded callers want.
"""
from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from crypto.relay_wire import (
    append_message,
    body_hash,
    close_message,
    create_message,
    read_message,
    verify,
)
from relay.config import Limits
from relay.errors import BadRequest, Forbidden, Gone, NotFound, RelayError, TooLarge, TooMany
from relay.storage import (
    KIND_INVITE,
    AppendOp,
    AppendResult,
    CloseOp,
    CloseResult,
    CreateOp,
    CreateResult,
    Mailbox,
    PruneOp,
    PruneResult,
    Storage,
    WriteOp,
    WriteResult,
)

MAX_TIME = 1 << 62
MAILBOX_CACHE_SIZE = 65_536
MAX_REMEMBERED_NONCES = 2_000_000


@dataclass(frozen=True)
class ReadProof:
    """A read (or close) proof as it arrived: unix seconds, 16-byte nonce, 64-byte signature."""

    time: int
    nonce: bytes
    proof: bytes


@dataclass(frozen=True)
class Page:
    messages: list[tuple[int, bytes]]
    next: int
    more: bool
    closed: bool


class NonceMemory:
    """(mailbox, nonce) pairs seen within the proof window, so a proof is good only once.

    Entries are dropped once their proof time can no longer pass the window check, which
    bounds memory by the request rate times the window. The set is shared (a proof replayed
    from another address is still a replay), but each client may hold at most
    `per_client` live entries, so one client cannot fill the shared cap and lock every
    other reader out.
    """

    def __init__(self, window: int, per_client: int = MAX_REMEMBERED_NONCES) -> None:
        self.window = window
        self.per_client = per_client
        self._seen: set[bytes] = set()
        self._order: deque[tuple[float, bytes, bytes]] = deque()
        self._held: dict[bytes, int] = {}   # client -> live entries it added
        self._lock = threading.Lock()   # fetches check proofs on worker threads

    def remember(self, key: bytes, proof_time: int, now: float, client: bytes = b"") -> bool:
        """Record `key`; False if it was already recorded (a replay)."""
        try:
            self.remember_all([(key, proof_time)], now, client)
        except Forbidden:
            return False
        return True

    def remember_all(self, items: Sequence[tuple[bytes, int]], now: float,
                     client: bytes = b"") -> None:
        """Record every key of an accepted request, or none: Forbidden on a replay,
        TooMany when the client's share (or the whole memory) is full."""
        keys = [key for key, _ in items]
        with self._lock:
            self._forget_before(now)
            if len(set(keys)) != len(keys) or any(key in self._seen for key in keys):
                raise Forbidden("This proof was already used; sign a fresh nonce.")
            held = self._held.get(client, 0)
            if held + len(keys) > self.per_client:
                raise TooMany("Too many read proofs from this client; try again later.",
                              self.window)
            if len(self._seen) + len(keys) > MAX_REMEMBERED_NONCES:
                raise TooMany("The relay is busy; try again shortly.", 5)
            self._held[client] = held + len(keys)
            for key, proof_time in items:
                self._seen.add(key)
                # Kept until the proof time leaves the window: then the time check refuses it.
                self._order.append((proof_time + self.window, key, client))

    def _forget_before(self, now: float) -> None:
        # Arrival order is not proof-time order: an entry behind a later-expiring one is
        # dropped a little late, never early.
        order, seen, held = self._order, self._seen, self._held
        while order and order[0][0] < now:
            _, key, client = order.popleft()
            seen.discard(key)
            left = held[client] - 1
            if left:
                held[client] = left
            else:
                del held[client]

    def held_by(self, client: bytes) -> int:
        with self._lock:
            return self._held.get(client, 0)

    def __len__(self) -> int:
        return len(self._seen)


class RelayCore:
    """Mailbox rules over a Storage; `clock()` returns unix seconds."""

    def __init__(self, storage: Storage, limits: Limits, clock: Callable[[], float]) -> None:
        self.storage = storage
        self.limits = limits
        self.clock = clock
        # A storage shared by several relay instances keeps used nonces itself.
        shared = getattr(storage, "nonce_memory", None)
        self.nonces: NonceMemory = (NonceMemory if shared is None else shared)(
            limits.proof_window_seconds, limits.max_nonces_per_client)
        self._boxes: dict[bytes, Mailbox] = {}

    # -- preparing writes ----------------------------------------------------------------

    def prepare_create(self, mailbox: bytes, write_pk: bytes, read_pk: bytes, kind: int,
                       expires_at: int, sig: bytes) -> CreateOp:
        now = int(self.clock())
        if not 0 <= expires_at < MAX_TIME:
            raise BadRequest("The field 'expires_at' is out of range.")
        if not verify(write_pk, create_message(mailbox, write_pk, read_pk, kind, expires_at),
                      sig):
            raise Forbidden("The signature does not match the write key.")
        if expires_at and expires_at <= now:
            raise BadRequest("The field 'expires_at' is in the past.")
        if kind == KIND_INVITE:
            if not expires_at:
                raise BadRequest("An invite mailbox needs an expiry time.")
            expires_at = min(expires_at, now + self.limits.invite_max_lifetime)
        return CreateOp(mailbox, write_pk, read_pk, kind, expires_at, now)

    def prepare_append(self, mailbox: bytes, bodies: Sequence[bytes],
                       sigs: Sequence[bytes]) -> AppendOp:
        limits = self.limits
        if not bodies:
            raise BadRequest("The field 'messages' must hold at least one message.")
        if len(bodies) > limits.max_batch_items:
            raise TooLarge(f"At most {limits.max_batch_items} messages fit in one request.")
        for body in bodies:
            if len(body) > limits.max_envelope_bytes:
                raise TooLarge(f"A message is larger than {limits.max_envelope_bytes} bytes.")
            if not body:
                raise BadRequest("A message body is empty.")
        box = self._mailbox(mailbox)
        now = int(self.clock())
        if box.closed or box.expired(now):
            raise Gone("This mailbox is closed." if box.closed else "This mailbox has expired.")
        items = tuple((body_hash(body), body) for body in bodies)
        return AppendOp(mailbox, items, now, limits.mailbox_max_messages,
                        limits.mailbox_max_bytes, box.write_pk, tuple(sigs))

    @staticmethod
    def check(op: WriteOp) -> RelayError | None:
        """The signature check of an append, kept apart so it can run off the event loop
        (the group committer calls it in its thread; PyNaCl releases the GIL meanwhile)."""
        if isinstance(op, AppendOp):
            if len(op.sigs) != len(op.items):
                return BadRequest("Each message needs one signature.")
            for (_, body), sig in zip(op.items, op.sigs, strict=True):
                if not verify(op.write_pk, append_message(op.mailbox, body), sig):
                    return Forbidden("A message signature does not match the write key.")
        return None

    def prepare_close(self, mailbox: bytes, proof: ReadProof, client: bytes = b"") -> CloseOp:
        box = self._mailbox(mailbox)
        now = self.clock()
        self._check_time(proof.time, now)
        if not verify(box.write_pk, close_message(mailbox, proof.time, proof.nonce),
                      proof.proof):
            raise Forbidden("The close proof does not match the write key.")
        self.nonces.remember_all([(b"c" + mailbox + proof.nonce, proof.time)], now, client)
        return CloseOp(mailbox, int(now))

    def prepare_prune(self) -> PruneOp:
        return PruneOp(int(self.clock()), self.limits.retention_seconds,
                       self.limits.idle_mailbox_seconds)

    def committed(self, result: WriteResult | RelayError) -> None:
        """Keep the key cache true after a write is durable (closes and deletions)."""
        if isinstance(result, CloseResult):
            self._boxes.pop(result.mailbox, None)
        elif isinstance(result, PruneResult) and result.mailboxes:
            self._boxes.clear()

    # -- applying directly (tests, single-threaded callers) ------------------------------

    def apply(self, op: WriteOp) -> WriteResult:
        refused = self.check(op)
        if refused is not None:
            raise refused
        result = self.storage.write_batch([op])[0]
        self.committed(result)
        if isinstance(result, RelayError):
            raise result
        return result

    def create(self, mailbox: bytes, write_pk: bytes, read_pk: bytes, kind: int,
               expires_at: int, sig: bytes) -> bool:
        """Create a mailbox; True if new, False if it already existed with these keys."""
        result = self.apply(self.prepare_create(mailbox, write_pk, read_pk, kind,
                                                expires_at, sig))
        assert isinstance(result, CreateResult)
        return result.created

    def append(self, mailbox: bytes, bodies: Sequence[bytes],
               sigs: Sequence[bytes]) -> list[int]:
        result = self.apply(self.prepare_append(mailbox, bodies, sigs))
        assert isinstance(result, AppendResult)
        return list(result.cursors)

    def close(self, mailbox: bytes, proof: ReadProof) -> bool:
        result = self.apply(self.prepare_close(mailbox, proof))
        assert isinstance(result, CloseResult)
        return result.closed_now

    def prune(self) -> PruneResult:
        result = self.apply(self.prepare_prune())
        assert isinstance(result, PruneResult)
        return result

    # -- reads ---------------------------------------------------------------------------

    def check_read(self, mailbox: bytes, proof: ReadProof, client: bytes = b"") -> Mailbox:
        """The mailbox, if `proof` is a fresh, valid read proof for it."""
        return self.check_reads([(mailbox, proof)], client)[0]

    def check_reads(self, entries: Sequence[tuple[bytes, ReadProof]],
                    client: bytes = b"") -> list[Mailbox]:
        """The mailboxes, if every proof is fresh and valid. Nonces are remembered only
        when all of them pass: a refused request leaves nothing behind."""
        now = self.clock()
        boxes = []
        for mailbox, proof in entries:
            box = self._mailbox(mailbox)
            self._check_time(proof.time, now)
            if not verify(box.read_pk, read_message(mailbox, proof.time, proof.nonce),
                          proof.proof):
                raise Forbidden("The read proof does not match the read key.")
            boxes.append(box)
        self.nonces.remember_all([(b"r" + mailbox + proof.nonce, proof.time)
                                  for mailbox, proof in entries], now, client)
        return boxes

    def fetch(self, mailbox: bytes, proof: ReadProof, after: int,
              limit: int | None = None, client: bytes = b"") -> Page:
        limits = self.limits
        if limit is None:
            limit = min(limits.fetch_default_limit, limits.fetch_max_limit)
        if not 1 <= limit <= limits.fetch_max_limit:
            raise BadRequest(f"The limit must be between 1 and {limits.fetch_max_limit}.")
        if after < 0:
            raise BadRequest("The cursor 'after' must not be negative.")
        self.check_read(mailbox, proof, client)
        # One extra row tells whether more follow without a second query.
        rows = self.storage.fetch(mailbox, after, limit + 1, limits.fetch_max_bytes)
        more = len(rows) > limit
        rows = rows[:limit]
        if not more and rows:
            more = rows[-1][0] < self.storage.last_cursor(mailbox)
        fresh = self.storage.get_mailbox(mailbox)
        closed = fresh is None or fresh.closed or fresh.expired(self.clock())
        return Page(rows, rows[-1][0] if rows else after, more, closed)

    def backlog(self, mailbox: bytes, after: int) -> list[tuple[int, bytes]]:
        """One page of stored messages after `after` for a subscriber already authorised."""
        limits = self.limits
        return self.storage.fetch(mailbox, after, limits.fetch_max_limit,
                                  limits.fetch_max_bytes)

    def is_closed(self, mailbox: bytes) -> bool:
        box = self.storage.get_mailbox(mailbox)
        return box is None or box.closed or box.expired(self.clock())

    # -- helpers -------------------------------------------------------------------------

    def _mailbox(self, mailbox: bytes) -> Mailbox:
        box = self._boxes.get(mailbox)
        if box is None:
            box = self.storage.get_mailbox(mailbox)
            if box is None:
                raise NotFound("No such mailbox on this relay.")
            if len(self._boxes) >= MAILBOX_CACHE_SIZE:
                self._boxes.clear()
            self._boxes[mailbox] = box
        return box

    def _check_time(self, proof_time: int, now: float) -> None:
        if abs(proof_time - now) > self.limits.proof_window_seconds:
            raise Forbidden("The proof time is too far from the relay's clock; "
                            "check the system clock.")
