"""The storage interface of the relay core, and the values that cross it.

A backend keeps mailboxes and their messages. Every write goes through `write_batch`: the
backend applies a list of operations in order inside ONE durable transaction and returns one
result per operation (a value or the RelayError for that operation alone). Batching is what
lets many concurrent appends share one fsync (group commit, relay/writer.py). Reads never
wait for a write to become durable. SQLite (relay/sqlite_storage.py) is the default; a
PostgreSQL backend (relay/pg_storage.py) implements it too, and may offer
`nonce_memory(window, per_client)` so used read-proof nonces are shared by every instance.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from relay.errors import RelayError, TooMany

KIND_GROUP = 0
KIND_INVITE = 1
QUOTA_RETRY_AFTER = 3600


@dataclass(frozen=True)
class Mailbox:
    mailbox: bytes
    write_pk: bytes
    read_pk: bytes
    kind: int
    expires_at: int          # unix seconds, 0 = never
    closed: bool

    def expired(self, now: float) -> bool:
        return self.expires_at != 0 and now >= self.expires_at


@dataclass(frozen=True)
class CreateOp:
    mailbox: bytes
    write_pk: bytes
    read_pk: bytes
    kind: int
    expires_at: int
    now: int


@dataclass(frozen=True)
class AppendOp:
    mailbox: bytes
    items: tuple[tuple[bytes, bytes], ...]   # (body_hash, body), in request order
    now: int
    max_messages: int                        # per-mailbox quota
    max_bytes: int
    # The signatures are checked by RelayCore.check before the op reaches storage; the
    # writer thread does it so verification runs beside the event loop, not on it.
    write_pk: bytes = b""
    sigs: tuple[bytes, ...] = ()


@dataclass(frozen=True)
class CloseOp:
    mailbox: bytes
    now: int


@dataclass(frozen=True)
class PruneOp:
    now: int
    retention_seconds: int
    idle_seconds: int


WriteOp = CreateOp | AppendOp | CloseOp | PruneOp


@dataclass(frozen=True)
class CreateResult:
    created: bool            # False: it already existed with the same keys


@dataclass(frozen=True)
class AppendResult:
    mailbox: bytes
    cursors: tuple[int, ...]                  # one per item, duplicates get their first cursor
    new: tuple[tuple[int, bytes], ...]        # (cursor, body) of the items stored just now


@dataclass(frozen=True)
class CloseResult:
    mailbox: bytes
    closed_now: bool


@dataclass(frozen=True)
class PruneResult:
    messages: int
    mailboxes: int


WriteResult = CreateResult | AppendResult | CloseResult | PruneResult


@dataclass(frozen=True)
class Totals:
    """Aggregates for /metrics: counts and sizes only."""

    mailboxes: int
    messages: int
    body_bytes: int


class Storage(Protocol):
    def write_batch(self, ops: list[WriteOp]) -> list[WriteResult | RelayError]:
        """Apply `ops` in order in one durable transaction; return each one's outcome.

        Raises (instead of returning) only when the whole batch could not be made durable;
        then none of it is stored.
        """
        ...

    def get_mailbox(self, mailbox: bytes) -> Mailbox | None: ...

    def fetch(self, mailbox: bytes, after: int, limit: int,
              max_bytes: int) -> list[tuple[int, bytes]]:
        """Up to `limit` (cursor, body) after `after` in cursor order; at least one message
        when any exists, otherwise stopping before `max_bytes` of bodies."""
        ...

    def last_cursor(self, mailbox: bytes) -> int: ...

    def totals(self) -> Totals: ...

    def close(self) -> None: ...


# -- shared by the backends ----------------------------------------------------------------

def plan_append(op: AppendOp, last: int, count: int, size: int,
                stored: Callable[[bytes], int | None]
                ) -> tuple[list[int], list[tuple[int, bytes, bytes]], int]:
    """(cursor per item, new (cursor, hash, body) rows, bytes added) for `op` on a mailbox
    whose last cursor, message count and byte count are given; `stored(hash)` is the cursor
    of a body already in the mailbox. TooMany when the new rows would pass a quota."""
    cursors: list[int] = []
    fresh: list[tuple[int, bytes, bytes]] = []
    seen: dict[bytes, int] = {}
    for digest, body in op.items:
        cursor = seen.get(digest)
        if cursor is None:
            cursor = stored(digest)
        if cursor is None:
            last += 1
            cursor = last
            fresh.append((cursor, digest, body))
        seen[digest] = cursor
        cursors.append(cursor)
    added = sum(len(body) for _, _, body in fresh)
    if fresh and (count + len(fresh) > op.max_messages or size + added > op.max_bytes):
        raise TooMany("This mailbox is full; older messages expire over time.",
                      QUOTA_RETRY_AFTER)
    return cursors, fresh, added


def take_page(rows: Iterable[tuple[int, bytes]], max_bytes: int) -> list[tuple[int, bytes]]:
    """`rows` in order, stopping before `max_bytes` of bodies (but at least one row)."""
    out: list[tuple[int, bytes]] = []
    total = 0
    for cursor, body in rows:
        total += len(body)
        if out and total > max_bytes:
            break
        out.append((cursor, bytes(body)))
    return out


# -- blobs (relay/blobs.py) ------------------------------------------------------------------

@dataclass(frozen=True)
class BlobRecord:
    """A blob's metadata; its bytes are files under the data directory (relay/blob_files.py).

    `mailbox` is the epoch mailbox whose write key created it: it decides who may upload,
    and a closed or expired mailbox closes its blobs to downloads too.
    """

    blob: bytes
    mailbox: bytes
    size: int                 # padded size, one of the bucket sizes
    read_pk: bytes
    delete_pk: bytes
    created_at: int
    touched_at: int
    complete: bool


# (blob, index, digest, chunks of the blob, now): one chunk for BlobIndex.add_chunks
ChunkEntry = tuple[bytes, int, bytes, int, int]


@dataclass(frozen=True)
class BlobTotals:
    blobs: int
    blob_bytes: int
    uploading: int


class BlobIndex(Protocol):
    """Blob metadata in the relay's database (SQLite: relay/sqlite_blobs.py, PostgreSQL:
    relay/pg_blobs.py). Every method is durable when it returns; all are called from worker
    threads. Errors are RelayErrors."""

    def create(self, record: BlobRecord, quota_bytes: int) -> bool:
        """True when new, False when it exists with the same fields; Conflict when it
        exists with others; TooMany when the mailbox's blobs would pass `quota_bytes`."""
        ...

    def get(self, blob: bytes) -> BlobRecord | None: ...

    def add_chunk(self, blob: bytes, index: int, digest: bytes, chunks: int,
                  now: int) -> bool:
        """Record chunk `index` (idempotent for the same digest, Conflict for another);
        True when the blob is complete (all `chunks` stored)."""
        ...

    def add_chunks(self, entries: list[ChunkEntry]) -> list[bool | RelayError]:
        """`add_chunk` for several chunks (of one blob or several) in one transaction, so
        one commit makes them all durable; per entry its answer or its error (a Conflict
        fails that entry only)."""
        ...

    def stored(self, blob: bytes) -> list[int]:
        """Indexes of the chunks stored, ascending."""
        ...

    def delete(self, blob: bytes) -> bool: ...

    def expired(self, stalled_before: int, created_before: int, limit: int) -> list[bytes]:
        """Blobs whose upload stalled (incomplete, untouched since `stalled_before`) or that
        passed retention (created before `created_before`)."""
        ...

    def totals(self) -> BlobTotals: ...

    def close(self) -> None: ...
