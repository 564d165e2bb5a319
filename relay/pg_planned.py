"""A batch of appends planned from the rows its writer remembers: one statement, one round
trip, its own transaction.

A writer usually owns the mailboxes it appends to (relay/pg_lane.py), so it can take the
next cursors from the rows it committed last instead of reading them first. The batch is
then one statement on an autocommit connection, which is its own transaction: PostgreSQL
commits it before answering, so nothing is acknowledged before COMMIT. The statement

- locks the batch's mailbox rows in mailbox order, as every read-then-write batch does
  (relay/pg_batch.py), so writers on several instances still cannot deadlock;
- updates each row only where it still holds the remembered cursor and counts and is
  open, checked on the row as last committed (READ COMMITTED re-reads a row it had to
  wait for), so the cursors continue from the committed ones, under the row lock, in
  commit order — the rule of docs/relay.md holds as for any other batch;
- inserts the messages of the rows it updated only, and answers with those rows.

A mailbox it did not update (another instance or a prune wrote it meanwhile) got nothing:
its appends go again through the read-then-write path (PostgresStorage.write_batch). Any
refusal (an expired mailbox, a quota) is left to that path too, decided on the rows as
they are, never on remembered ones.
"""
from __future__ import annotations

import psycopg

from relay.errors import RelayError
from relay.pg_arrays import Int8s
from relay.pg_batch import MessageRow, message_columns, take_cursors
from relay.pg_lane import LaneRows, MailboxRow
from relay.storage import AppendOp, AppendResult, WriteOp, WriteResult

_WRITE = (
    "WITH locked AS (SELECT c.* FROM mailboxes m JOIN unnest(%b::bigint[], %b::bigint[],"
    " %b::bigint[], %b::bigint[], %b::bigint[], %b::bigint[], %b::bigint[], %b::bigint[])"
    " AS c(id, was_last, was_count, was_size, last, count, size, touched) ON m.id = c.id"
    " ORDER BY m.mailbox FOR UPDATE OF m),"
    " upd AS (UPDATE mailboxes SET last_cursor = c.last, msg_count = c.count,"
    " byte_count = c.size, touched_at = c.touched FROM locked c"
    " WHERE mailboxes.id = c.id AND mailboxes.last_cursor = c.was_last"
    " AND mailboxes.msg_count = c.was_count AND mailboxes.byte_count = c.was_size"
    " AND mailboxes.closed_at IS NULL RETURNING mailboxes.id),"
    " new AS (INSERT INTO messages (box, cursor, hash, stored_at, size, body)"
    " SELECT * FROM unnest(%b::bigint[], %b::bigint[], %b::bytea[], %b::bigint[],"
    " %b::integer[], %b::bytea[]) AS r(box, cursor, hash, stored_at, size, body)"
    " WHERE r.box IN (SELECT id FROM upd))"
    " SELECT id FROM upd")


class PlannedBatch:
    """Appends whose cursors were planned from remembered rows; `results` holds one
    outcome per op, true for every op that `write` does not return."""

    def __init__(self, ops: list[AppendOp], before: dict[bytes, MailboxRow],
                 after: dict[bytes, MailboxRow], rows: list[MessageRow],
                 results: list[AppendResult]) -> None:
        self.ops = ops
        self.results: list[WriteResult | RelayError] = list(results)
        self._before = before
        self._after = after
        self._rows = rows

    def write(self, conn: psycopg.Connection, lane: LaneRows) -> list[int]:
        """Run the statement on autocommit `conn` (it returns after COMMIT); the indices of
        the ops it left alone, to apply again by reading their rows."""
        changed = [name for name, row in self._after.items() if row.touched is not None]
        if not changed:
            return []
        before = [self._before[name] for name in changed]
        after = [self._after[name] for name in changed]
        updated = {row[0] for row in conn.execute(_WRITE, (
            Int8s([r.id for r in after]), Int8s([r.last for r in before]),
            Int8s([r.count for r in before]), Int8s([r.size for r in before]),
            Int8s([r.last for r in after]), Int8s([r.count for r in after]),
            Int8s([r.size for r in after]), Int8s([r.touched for r in after]),
            *message_columns(self._rows)))}
        stale = {name for name in changed if self._after[name].id not in updated}
        lane.pending.update((name, row) for name, row in self._after.items()
                            if name not in stale)
        lane.committed()
        lane.missed(stale)
        return [i for i, op in enumerate(self.ops) if op.mailbox in stale]


def plan(ops: list[WriteOp], lane: LaneRows) -> PlannedBatch | None:
    """The batch planned from the rows `lane` remembers, or None when it cannot be: an op
    other than an append, a mailbox not remembered (or doubted), or a refusal."""
    appends = [op for op in ops if isinstance(op, AppendOp)]
    if len(appends) != len(ops):
        return None
    before = lane.plan(sorted({op.mailbox for op in appends}))
    if before is None:
        return None
    after = {name: row.copy() for name, row in before.items()}
    known: dict[tuple[int, bytes], int] = {}
    rows: list[MessageRow] = []
    results = []
    for op in appends:
        try:
            results.append(take_cursors(op, after[op.mailbox], known, rows))
        except RelayError:
            return None
    return PlannedBatch(appends, before, after, rows, results)
