"""One group-commit batch applied to PostgreSQL in two round trips.

Per batch (not per append): one query locks and reads every mailbox row the batch appends
to or closes (SELECT … FOR UPDATE, in mailbox order, so instances cannot deadlock); then
all new messages go in and the mailbox rows are written back with one statement over
arrays, sent with COMMIT (pipeline mode, relay/pg_storage.py). Which bodies are stored
already (retries) is looked up, with a second query sent with the first, only when the
batch goes again because it needed to know (apply_batch). The cursors come from the locked
rows, so a mailbox's cursors are assigned in commit order (docs/relay.md). A batch of
appends to mailboxes whose rows its writer remembers goes in one round trip instead
(relay/pg_planned.py); the rows this path reads and writes are what the writer remembers
(relay/pg_lane.py).

Every refusal (unknown, closed or full mailbox, other keys) is decided before its
operation writes anything, so a refused operation leaves the rest of its batch intact
without a savepoint per operation. A prune splits the batch: what came before it is
written first, and the rows are read again after it.
"""
from __future__ import annotations

import psycopg

from relay.errors import Conflict, Gone, NotFound, RelayError, TooMany
from relay.pg_arrays import Byteas, Int4s, Int8s
from relay.pg_lane import LaneRows, MailboxRow
from relay.storage import (
    AppendOp,
    AppendResult,
    CloseOp,
    CloseResult,
    CreateOp,
    CreateResult,
    PruneOp,
    PruneResult,
    WriteOp,
    WriteResult,
    plan_append,
)

PRUNE_CHUNK = 5000

# (box id, cursor, hash, stored_at, size, body) of a new message
MessageRow = tuple[int, int, bytes, int, int, bytes]


class _Segment:
    """The state of a run of operations between prunes."""

    def __init__(self, conn: psycopg.Connection, ops: list[WriteOp], lookup: bool,
                 lane: LaneRows | None) -> None:
        self.conn = conn
        self.lookup = lookup
        names = sorted({op.mailbox for op in ops if isinstance(op, AppendOp | CloseOp)})
        self.boxes: dict[bytes, MailboxRow] = {}
        self.known: dict[tuple[int, bytes], int] = {}
        self.rows: list[MessageRow] = []
        if not names:
            return
        # Both queries are sent before either answer is read (in pipeline mode, one round
        # trip). The second runs after the first has its locks and, under READ COMMITTED,
        # with a snapshot of its own: it sees every body a competing writer committed
        # before this batch got the mailbox rows. It is planned at every batch (not
        # prepared): a plan made while `messages` was nearly empty (a new relay) scans the
        # whole table, and a prepared statement keeps that plan as the table grows, until
        # the next ANALYZE (measured: the lookup became most of the database's CPU within
        # seconds of a new relay's first appends).
        locked = conn.execute(
            "SELECT mailbox, id, closed_at, expires_at, last_cursor, msg_count,"
            " byte_count FROM mailboxes WHERE mailbox = ANY(%b) ORDER BY mailbox"
            " FOR UPDATE", (Byteas(names),))
        appends = [op for op in ops if isinstance(op, AppendOp)]
        stored = None
        if appends and lookup:
            stored = conn.execute(
                "SELECT b.id, m.hash, m.cursor FROM unnest(%b::bytea[], %b::bytea[])"
                " AS w(mailbox, hash) JOIN mailboxes b ON b.mailbox = w.mailbox"
                " JOIN messages m ON m.box = b.id AND m.hash = w.hash",
                (Byteas([op.mailbox for op in appends for _ in op.items]),
                 Byteas([digest for op in appends for digest, _ in op.items])),
                prepare=False)
        for row in locked.fetchall():
            self.boxes[bytes(row[0])] = MailboxRow(*row[1:])
        if lane is not None:
            lane.read(self.boxes)
        if stored is not None:
            for box, digest, cursor in stored.fetchall():
                self.known[(box, bytes(digest))] = cursor

    def apply(self, op: WriteOp) -> WriteResult | RelayError:
        try:
            if isinstance(op, AppendOp):
                return self.append(op)
            if isinstance(op, CreateOp):
                return self.create(op)
            assert isinstance(op, CloseOp)
            return self.close(op)
        except RelayError as err:
            return err

    def create(self, op: CreateOp) -> CreateResult:
        row = self.conn.execute(
            "INSERT INTO mailboxes (mailbox, write_pk, read_pk, kind, expires_at, touched_at)"
            " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (mailbox) DO NOTHING RETURNING id",
            (op.mailbox, op.write_pk, op.read_pk, op.kind, op.expires_at, op.now)).fetchone()
        if row is not None:
            # Locked already: the row is new in this transaction.
            self.boxes[op.mailbox] = MailboxRow(row[0], None, op.expires_at, 0, 0, 0)
            return CreateResult(created=True)
        old = self.conn.execute("SELECT write_pk, read_pk, kind FROM mailboxes"
                                " WHERE mailbox = %s", (op.mailbox,)).fetchone()
        if (bytes(old[0]), bytes(old[1]), old[2]) != (op.write_pk, op.read_pk, op.kind):
            raise Conflict("A mailbox with this id already exists with other keys.")
        return CreateResult(created=False)

    def append(self, op: AppendOp) -> AppendResult:
        try:
            return take_cursors(op, self.boxes.get(op.mailbox), self.known, self.rows)
        except TooMany:
            if not self.lookup:     # over quota, unless some bodies are stored already
                raise LookupNeeded() from None
            raise

    def close(self, op: CloseOp) -> CloseResult:
        box = self.boxes.get(op.mailbox)
        if box is None:
            raise NotFound("No such mailbox on this relay.")
        if box.closed_at is not None:
            return CloseResult(op.mailbox, closed_now=False)
        box.closed_at = box.touched = op.now
        return CloseResult(op.mailbox, closed_now=True)

    def flush(self) -> None:
        # One statement, whatever the number of rows: the new messages and the mailbox rows
        # written back, each as arrays (a data-modifying WITH runs whether or not the UPDATE
        # matches anything), so a batch pays one round trip here rather than one per table.
        changed = [(b.id, b.last, b.count, b.size, b.closed_at, b.touched)
                   for b in self.boxes.values() if b.touched is not None]
        if self.rows and changed:
            self.conn.execute(
                "WITH new AS (INSERT INTO messages (box, cursor, hash, stored_at, size, body)"
                " SELECT * FROM unnest(%b::bigint[], %b::bigint[], %b::bytea[], %b::bigint[],"
                " %b::integer[], %b::bytea[]))" + _UPDATE_BOXES,
                (*message_columns(self.rows), *_box_columns(changed)))
        elif changed:   # closes only
            self.conn.execute(_UPDATE_BOXES, _box_columns(changed))


_UPDATE_BOXES = (
    " UPDATE mailboxes SET last_cursor = c.last, msg_count = c.count,"
    " byte_count = c.size, closed_at = c.closed, touched_at = c.touched"
    " FROM unnest(%b::bigint[], %b::bigint[], %b::bigint[], %b::bigint[],"
    " %b::bigint[], %b::bigint[]) AS c(id, last, count, size, closed, touched)"
    " WHERE mailboxes.id = c.id")


def _box_columns(rows: list[tuple]) -> list[Int8s]:
    """The mailbox rows to write back as one bigint[] per column (the arrays of an unnest)."""
    return [Int8s(column) for column in zip(*rows, strict=True)]


def take_cursors(op: AppendOp, box: MailboxRow | None,
                 known: dict[tuple[int, bytes], int], rows: list[MessageRow]) -> AppendResult:
    """`op` planned on `box` (changed as the append changes it), its new messages added to
    `rows`; `known` maps (box id, body hash) to the cursor of a stored body. Raises the
    RelayError that refuses it (TooMany when it would pass a quota)."""
    if box is None:
        raise NotFound("No such mailbox on this relay.")
    if box.closed_at is not None:
        raise Gone("This mailbox is closed.")
    if box.expires_at and op.now >= box.expires_at:
        raise Gone("This mailbox has expired.")
    cursors, fresh, added = plan_append(op, box.last, box.count, box.size,
                                        lambda digest: known.get((box.id, digest)))
    if fresh:
        box.last, box.count, box.size, box.touched = (fresh[-1][0], box.count + len(fresh),
                                                      box.size + added, op.now)
        for cursor, digest, body in fresh:
            known[(box.id, digest)] = cursor
            rows.append((box.id, cursor, digest, op.now, len(body), body))
    return AppendResult(op.mailbox, tuple(cursors), tuple((c, b) for c, _, b in fresh))


def message_columns(rows: list[MessageRow]) -> list[list]:
    """New messages as one array per column (box, cursor, hash, stored_at, size, body)."""
    box, cursor, digest, stored_at, size, body = zip(*rows, strict=True)
    return [Int8s(box), Int8s(cursor), Byteas(digest), Int8s(stored_at), Int4s(size),
            Byteas(body)]


def apply_batch(conn: psycopg.Connection, ops: list[WriteOp], lookup: bool = True,
                lane: LaneRows | None = None) -> list[WriteResult | RelayError]:
    """Apply `ops` in order inside the caller's transaction; one outcome per op.

    Without `lookup`, bodies already stored (a client's retry) are not looked for: such a
    body then makes the insert fail on `messages_by_hash`, and an append over its quota
    raises LookupNeeded; either way (`lookup_needed`) the caller applies the batch again,
    with the lookup, in a new transaction. With a `lane`, the rows read are checked against
    the ones it remembers, and `lane.pending` holds the rows as the batch leaves them, for
    `lane.committed()` once COMMIT returned."""
    results: list[WriteResult | RelayError] = []
    start = 0
    for end in [i for i, op in enumerate(ops) if isinstance(op, PruneOp)] + [len(ops)]:
        if end > start:
            segment = _Segment(conn, ops[start:end], lookup, lane)
            results += [segment.apply(op) for op in ops[start:end]]
            segment.flush()
            if lane is not None:
                lane.pending.update(segment.boxes)
        if end < len(ops):
            op = ops[end]
            assert isinstance(op, PruneOp)
            results.append(prune(conn, op))
            if lane is not None:    # a prune rewrites the counts of mailboxes anywhere
                lane.pending.clear()
                lane.clear()
        start = end + 1
    return results


class LookupNeeded(Exception):
    """Raised (rolling the batch back) when an append would pass its mailbox's quota but
    was planned without looking for stored bodies: retries of stored ones cost nothing."""


def lookup_needed(exc: BaseException) -> bool:
    """True when a batch applied without the lookup must be applied again with it: it
    inserted a body its mailbox already holds, or needs to know about those (see
    apply_batch)."""
    return isinstance(exc, LookupNeeded) or (
        isinstance(exc, psycopg.errors.UniqueViolation)
        and exc.diag.constraint_name == "messages_by_hash")


def prune(conn: psycopg.Connection, op: PruneOp) -> PruneResult:
    """As relay/sqlite_storage.py: messages past retention, then dead mailboxes, in bounded
    chunks; also the used nonces whose proofs can no longer pass the time check."""
    cutoff = op.now - op.retention_seconds
    doomed = conn.execute(
        "DELETE FROM messages WHERE (box, cursor) IN (SELECT box, cursor FROM messages"
        " WHERE stored_at < %s ORDER BY stored_at LIMIT %s) RETURNING box, size",
        (cutoff, PRUNE_CHUNK)).fetchall()
    per_box: dict[int, list[int]] = {}
    for box, size in doomed:
        entry = per_box.setdefault(box, [0, 0])
        entry[0] += 1
        entry[1] += size
    with conn.cursor() as cur:
        cur.executemany("UPDATE mailboxes SET msg_count = msg_count - %s,"
                        " byte_count = byte_count - %s WHERE id = %s",
                        [(n, b, box) for box, (n, b) in sorted(per_box.items())])
    boxes = [row[0] for row in conn.execute(
        "SELECT id FROM mailboxes WHERE (expires_at != 0 AND expires_at <= %s)"
        " OR (closed_at IS NOT NULL AND closed_at < %s)"
        " OR (msg_count = 0 AND touched_at < %s) ORDER BY id LIMIT %s",
        (op.now, cutoff, op.now - op.idle_seconds, PRUNE_CHUNK))]
    removed = 0
    if boxes:
        removed = conn.execute("DELETE FROM messages WHERE box = ANY(%s)", (boxes,)).rowcount
        conn.execute("DELETE FROM mailboxes WHERE id = ANY(%s)", (boxes,))
    conn.execute("DELETE FROM used_nonces WHERE expires_at < %s", (op.now,))
    return PruneResult(messages=len(doomed) + removed, mailboxes=len(boxes))
