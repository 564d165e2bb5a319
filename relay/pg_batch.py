"""One group-commit batch applied to PostgreSQL in a handful of round trips.

Per batch (not per append): one query locks and reads every mailbox row the batch appends
to or closes (SELECT … FOR UPDATE, in mailbox order, so instances cannot deadlock), one
query finds which bodies are already stored, then all new messages go in with one
statement over arrays and the mailbox rows are written back with another. The cursors come
from the locked rows, so a mailbox's cursors are assigned in commit order (docs/relay.md).

Every refusal (unknown, closed or full mailbox, other keys) is decided before its
operation writes anything, so a refused operation leaves the rest of its batch intact
without a savepoint per operation. A prune splits the batch: what came before it is
written first, and the rows are read again after it.
"""
from __future__ import annotations

from dataclasses import dataclass

import psycopg

from relay.errors import Conflict, Gone, NotFound, RelayError
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


@dataclass
class _Box:
    id: int
    closed_at: int | None
    expires_at: int
    last: int
    count: int
    size: int
    touched: int | None = None      # set: the row must be written back


class _Segment:
    """The state of a run of operations between prunes."""

    def __init__(self, conn: psycopg.Connection, ops: list[WriteOp]) -> None:
        self.conn = conn
        names = sorted({op.mailbox for op in ops if isinstance(op, AppendOp | CloseOp)})
        self.boxes: dict[bytes, _Box] = {}
        if names:
            for row in conn.execute(
                    "SELECT mailbox, id, closed_at, expires_at, last_cursor, msg_count,"
                    " byte_count FROM mailboxes WHERE mailbox = ANY(%s) ORDER BY mailbox"
                    " FOR UPDATE", (names,)):
                self.boxes[bytes(row[0])] = _Box(*row[1:])
        ids = [self.boxes[op.mailbox].id for op in ops
               if isinstance(op, AppendOp) and op.mailbox in self.boxes for _ in op.items]
        hashes = [digest for op in ops if isinstance(op, AppendOp) and op.mailbox in self.boxes
                  for digest, _ in op.items]
        self.known: dict[tuple[int, bytes], int] = {}
        if ids:
            for box, digest, cursor in conn.execute(
                    "SELECT m.box, m.hash, m.cursor FROM messages m JOIN unnest("
                    "%s::bigint[], %s::bytea[]) AS w(box, hash)"
                    " ON m.box = w.box AND m.hash = w.hash", (ids, hashes)):
                self.known[(box, bytes(digest))] = cursor
        self.rows: list[tuple[int, int, bytes, int, int, bytes]] = []

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
            self.boxes[op.mailbox] = _Box(row[0], None, op.expires_at, 0, 0, 0)
            return CreateResult(created=True)
        old = self.conn.execute("SELECT write_pk, read_pk, kind FROM mailboxes"
                                " WHERE mailbox = %s", (op.mailbox,)).fetchone()
        if (bytes(old[0]), bytes(old[1]), old[2]) != (op.write_pk, op.read_pk, op.kind):
            raise Conflict("A mailbox with this id already exists with other keys.")
        return CreateResult(created=False)

    def append(self, op: AppendOp) -> AppendResult:
        box = self.boxes.get(op.mailbox)
        if box is None:
            raise NotFound("No such mailbox on this relay.")
        if box.closed_at is not None:
            raise Gone("This mailbox is closed.")
        if box.expires_at and op.now >= box.expires_at:
            raise Gone("This mailbox has expired.")
        cursors, fresh, added = plan_append(op, box.last, box.count, box.size,
                                            lambda digest: self.known.get((box.id, digest)))
        if fresh:
            box.last, box.count, box.size, box.touched = (fresh[-1][0], box.count + len(fresh),
                                                          box.size + added, op.now)
            for cursor, digest, body in fresh:
                self.known[(box.id, digest)] = cursor
                self.rows.append((box.id, cursor, digest, op.now, len(body), body))
        return AppendResult(op.mailbox, tuple(cursors), tuple((c, b) for c, _, b in fresh))

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
                " SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::bytea[], %s::bigint[],"
                " %s::integer[], %s::bytea[]))" + _UPDATE_BOXES,
                _columns(self.rows) + _columns(changed))
        elif changed:   # closes only
            self.conn.execute(_UPDATE_BOXES, _columns(changed))


_UPDATE_BOXES = (
    " UPDATE mailboxes SET last_cursor = c.last, msg_count = c.count,"
    " byte_count = c.size, closed_at = c.closed, touched_at = c.touched"
    " FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[],"
    " %s::bigint[], %s::bigint[]) AS c(id, last, count, size, closed, touched)"
    " WHERE mailboxes.id = c.id")


def _columns(rows: list[tuple]) -> list[list]:
    """Rows as one list per column (the arrays of an unnest)."""
    return [list(column) for column in zip(*rows, strict=True)]


def apply_batch(conn: psycopg.Connection, ops: list[WriteOp]) -> list[WriteResult | RelayError]:
    """Apply `ops` in order inside the caller's transaction; one outcome per op."""
    results: list[WriteResult | RelayError] = []
    start = 0
    for end in [i for i, op in enumerate(ops) if isinstance(op, PruneOp)] + [len(ops)]:
        if end > start:
            segment = _Segment(conn, ops[start:end])
            results += [segment.apply(op) for op in ops[start:end]]
            segment.flush()
        if end < len(ops):
            op = ops[end]
            assert isinstance(op, PruneOp)
            results.append(prune(conn, op))
        start = end + 1
    return results


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
