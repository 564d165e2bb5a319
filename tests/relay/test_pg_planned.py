"""Batches planned from the rows a writer remembers (relay/pg_planned.py): when another
instance (or a prune) changed a mailbox since, the database finds out, nothing of that
mailbox is written by the planned statement, and its appends get their cursors from the
rows as they are."""
from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from crypto.relay_wire import KIND_GROUP
from relay import pg_storage
from relay.errors import Gone
from relay.pg_lane import LaneRows, MailboxRow
from relay.pg_planned import PlannedBatch
from relay.pg_storage import PostgresStorage
from relay.storage import AppendOp, AppendResult, CloseOp, CreateOp, PruneOp, WriteOp
from tests.relay import pg
from tests.relay.wire import cap

A = cap("planned-a")
B = cap("planned-b")


@pytest.fixture
def schema() -> Iterator[str]:
    with pg.schema() as name:
        yield name


@pytest.fixture
def instances(schema: str) -> Iterator[tuple[PostgresStorage, PostgresStorage]]:
    one, two = (PostgresStorage(pg.url(), schema=schema, pool_size=2) for _ in range(2))
    one.write_batch([CreateOp(c.mailbox, c.write_pk, c.read_pk, KIND_GROUP, 0, 1)
                     for c in (A, B)])
    yield one, two
    one.close()
    two.close()


@pytest.fixture
def planned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """How each batch went: "read" (rows read, then written), "planned" (one statement),
    "planned, left [i, ...]" (the statement left those ops alone: applied again),
    "planned, rolled back"."""
    seen: list[str] = []
    plan, write = pg_storage.plan, PlannedBatch.write

    def spy_plan(ops: list[WriteOp], lane: LaneRows) -> PlannedBatch | None:
        batch = plan(ops, lane)
        if batch is None:
            seen.append("read")
        return batch

    def spy_write(self: PlannedBatch, conn: psycopg.Connection, lane: LaneRows) -> list[int]:
        try:
            again = write(self, conn, lane)
        except psycopg.Error:
            seen.append("planned, rolled back")
            raise
        seen.append(f"planned, left {again}" if again else "planned")
        return again

    monkeypatch.setattr(pg_storage, "plan", spy_plan)
    monkeypatch.setattr(PlannedBatch, "write", spy_write)
    return seen


def append(box, *bodies: bytes, now: int = 10) -> AppendOp:
    return AppendOp(box.mailbox, tuple((b.ljust(32, b"."), b) for b in bodies), now,
                    10**6, 10**9)


def cursors(results: list) -> list[tuple[int, ...]]:
    assert all(isinstance(r, AppendResult) for r in results), results
    return [r.cursors for r in results]


def row(schema: str, box) -> tuple[int, int, int]:
    with psycopg.connect(pg.url(), autocommit=True) as conn:
        return conn.execute(f"SELECT last_cursor, msg_count, byte_count FROM {schema}.mailboxes"
                            " WHERE mailbox = %s", (box.mailbox,)).fetchone()


def test_a_writer_plans_appends_to_mailboxes_it_created_or_wrote_last(
        instances: tuple[PostgresStorage, PostgresStorage], planned: list[str]) -> None:
    one, two = instances
    assert cursors(one.write_batch([append(A, b"a1"), append(B, b"b1")])) == [(1,), (1,)]
    assert cursors(one.write_batch([append(A, b"a2", b"a3"), append(B, b"b2")])) == [
        (2, 3), (2,)]
    assert cursors(two.write_batch([append(A, b"x")])) == [(4,)]   # nothing remembered
    assert planned == ["planned", "planned", "read"]
    assert one.fetch(A.mailbox, 0, 10, 1 << 20) == [(1, b"a1"), (2, b"a2"), (3, b"a3"),
                                                    (4, b"x")]


def test_a_mailbox_another_instance_wrote_meanwhile_gets_the_next_cursor_from_the_database(
        schema: str, instances: tuple[PostgresStorage, PostgresStorage],
        planned: list) -> None:
    one, two = instances
    one.write_batch([append(A, b"a1"), append(B, b"b1")])
    two.write_batch([append(A, b"x")])           # cursor 2, unknown to the first writer
    planned.clear()
    results = one.write_batch([append(A, b"a2"), append(B, b"b2")])
    # The planned statement wrote B and left A alone; A went again, reading its row.
    assert planned == ["planned, left [0]", "read"]
    assert cursors(results) == [(3,), (2,)]
    assert one.fetch(A.mailbox, 0, 10, 1 << 20) == [(1, b"a1"), (2, b"x"), (3, b"a2")]
    assert one.fetch(B.mailbox, 0, 10, 1 << 20) == [(1, b"b1"), (2, b"b2")]
    assert row(schema, A)[:2] == (3, 3)
    # A is doubted now: read-then-write until a batch finds its row as remembered.
    planned.clear()
    assert cursors(one.write_batch([append(A, b"a3")])) == [(4,)]
    assert cursors(one.write_batch([append(A, b"a4")])) == [(5,)]
    assert planned == ["read", "planned"]


def test_a_mailbox_closed_on_another_instance_refuses_what_was_planned_for_it(
        instances: tuple[PostgresStorage, PostgresStorage], planned: list) -> None:
    one, two = instances
    one.write_batch([append(A, b"a1")])
    two.write_batch([CloseOp(A.mailbox, 20)])
    planned.clear()
    results = one.write_batch([append(A, b"late")])
    assert planned == ["planned, left [0]", "read"]
    assert isinstance(results[0], Gone)
    assert one.fetch(A.mailbox, 0, 10, 1 << 20) == [(1, b"a1")]


def test_counts_a_prune_elsewhere_lowered_are_read_again_not_planned_from(
        schema: str, instances: tuple[PostgresStorage, PostgresStorage],
        planned: list) -> None:
    one, two = instances
    one.write_batch([append(A, b"old1", b"old2", now=10)])
    # Retention on the other instance removes both: the count drops, the cursor stays.
    two.write_batch([PruneOp(now=1000, retention_seconds=100, idle_seconds=10**6)])
    assert row(schema, A) == (2, 0, 0)
    planned.clear()
    assert cursors(one.write_batch([append(A, b"new", now=1000)])) == [(3,)]
    assert planned == ["planned, left [0]", "read"]
    assert row(schema, A) == (3, 1, 3)


def test_a_retry_in_a_planned_batch_gets_its_first_cursor(
        instances: tuple[PostgresStorage, PostgresStorage], planned: list) -> None:
    one, _ = instances
    one.write_batch([append(A, b"a1")])
    planned.clear()
    # The planned insert fails on the stored body; the batch goes again with the lookup.
    assert cursors(one.write_batch([append(A, b"a1", b"a2")])) == [(1, 2)]
    assert planned == ["planned, rolled back"]
    assert one.fetch(A.mailbox, 0, 10, 1 << 20) == [(1, b"a1"), (2, b"a2")]


def test_a_writer_trusts_a_doubted_mailbox_again_once_its_row_is_as_remembered() -> None:
    lane = LaneRows()
    lane.pending[b"m"] = MailboxRow(7, None, 0, 5, 5, 50)
    lane.committed()
    assert lane.plan([b"m"]) == {b"m": MailboxRow(7, None, 0, 5, 5, 50)}
    lane.missed([b"m"])
    assert lane.plan([b"m"]) is None
    lane.read({b"m": MailboxRow(7, None, 0, 6, 6, 60)})     # not remembered: still doubted
    lane.pending[b"m"] = MailboxRow(7, None, 0, 6, 6, 60, touched=1)
    lane.committed()
    assert lane.plan([b"m"]) is None
    lane.read({b"m": MailboxRow(7, None, 0, 6, 6, 60)})     # as remembered: trusted again
    assert lane.plan([b"m"]) == {b"m": MailboxRow(7, None, 0, 6, 6, 60)}
    lane.pending[b"m"] = MailboxRow(7, 70, 0, 6, 6, 60, touched=70)   # closed: never planned
    lane.committed()
    assert lane.plan([b"m"]) is None
