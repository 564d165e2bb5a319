"""Outbox grouping, ordering and failure rules."""
from __future__ import annotations

import pytest

from sync.outbox import Outbox
from tests.sync.caps import cap, item

R = "http://relay.test"
A, B = cap("a"), cap("b")


def test_items_group_per_mailbox_in_enqueue_order() -> None:
    box = Outbox(R)
    for local_id, mailbox in (("1", A), ("2", B), ("3", A)):
        box.add(item(local_id, mailbox, local_id.encode()))
    batches = {b.mailbox: [i.local_id for i in b.items] for b in box.next_batches()}
    assert batches == {A.mailbox: ["1", "3"], B.mailbox: ["2"]}


def test_one_append_per_mailbox_in_flight() -> None:
    box = Outbox(R)
    box.add(item("1", A, b"x"))
    (first,) = box.next_batches()
    box.add(item("2", A, b"y"))
    assert box.next_batches() == []
    box.sent(first, [1])
    (second,) = box.next_batches()
    assert [i.local_id for i in second.items] == ["2"]


def test_a_failed_append_keeps_the_items_first_in_line() -> None:
    box = Outbox(R)
    box.add(item("1", A, b"x"))
    (batch,) = box.next_batches()
    box.add(item("2", A, b"y"))
    box.retry_later(batch)
    (again,) = box.next_batches()
    assert [i.local_id for i in again.items] == ["1", "2"]


def test_re_enqueueing_the_same_row_is_ignored() -> None:
    box = Outbox(R)
    assert box.add(item("1", A, b"x")) is True
    assert box.add(item("1", A, b"x")) is False
    assert len(box) == 1


def test_batches_respect_item_and_byte_limits() -> None:
    box = Outbox(R, max_items=3, max_bytes=10)
    for n in range(5):
        box.add(item(str(n), A, b"12345"))
    (batch,) = box.next_batches()
    assert len(batch.items) == 2
    big = Outbox(R, max_items=3, max_bytes=10)
    big.add(item("huge", A, b"x" * 50))
    (alone,) = big.next_batches()
    assert len(alone.items) == 1


def test_too_large_halves_the_batch_until_one_item_is_left() -> None:
    box = Outbox(R)
    for n in range(4):
        box.add(item(str(n), A, b"x%d" % n))
    (batch,) = box.next_batches()
    assert box.shrink(batch) is True
    (half,) = box.next_batches()
    assert len(half.items) == 2
    box.shrink(half)
    (single,) = box.next_batches()
    assert box.shrink(single) is False
    (single,) = box.next_batches()
    assert [i.local_id for i in box.drop_batch(single)] == ["0"]
    assert len(box) == 3


def test_the_relay_must_answer_one_cursor_per_item() -> None:
    box = Outbox(R)
    box.add(item("1", A, b"x"))
    (batch,) = box.next_batches()
    with pytest.raises(ValueError):
        box.sent(batch, [1, 2])


def test_dropping_a_mailbox_leaves_the_append_in_flight_to_the_relays_answer() -> None:
    box = Outbox(R)
    box.add(item("1", A, b"x"))
    (batch,) = box.next_batches()
    box.add(item("2", A, b"y"))
    assert [i.local_id for i in box.drop_mailbox(A.mailbox)] == ["2"]
    assert [a.local_id for a in box.sent(batch, [1])] == ["1"]
    assert box.idle()


def test_an_in_flight_item_of_a_dropped_mailbox_is_retried_for_a_final_answer() -> None:
    box = Outbox(R)
    box.add(item("1", A, b"x"))
    (batch,) = box.next_batches()
    assert box.drop_mailbox(A.mailbox) == []
    box.retry_later(batch)
    (again,) = box.next_batches()
    assert [i.local_id for i in box.drop_batch(again)] == ["1"]
    assert box.idle()


def test_items_of_another_relay_are_refused() -> None:
    with pytest.raises(ValueError):
        Outbox(R).add(item("1", A, b"x", relay="http://other.test"))
