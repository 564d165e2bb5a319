"""The sync core on its own: positions, dedupe, batching, failure and epoch switches."""
from __future__ import annotations

from crypto.relay_wire import body_hash
from sync.core import SyncCore, Verdict
from sync.values import MailboxSpec, Subscription
from tests.sync.caps import cap, item

R = "http://relay.test"
A, B = cap("a"), cap("b")


def core_with(*subs: Subscription, **kwargs: int) -> SyncCore:
    core = SyncCore(**kwargs)
    core.set_mailboxes(R, list(subs))
    return core


def accept(core: SyncCore, mailbox: bytes, cursor: int, body: bytes) -> Verdict:
    return core.accept(R, core.session(R), mailbox, cursor, body)[0]


def test_a_batch_carries_envelopes_in_order_and_the_new_cursor_per_mailbox() -> None:
    core = core_with(Subscription(A), Subscription(B, after=7))
    for cursor in (1, 2, 3):
        assert accept(core, A.mailbox, cursor, b"a%d" % cursor) is Verdict.NEW
    assert accept(core, B.mailbox, 8, b"b8") is Verdict.NEW
    batch = core.take_batch()
    assert batch is not None
    assert [e.body for e in batch.envelopes] == [b"a1", b"a2", b"a3", b"b8"]
    assert batch.cursors == {A.mailbox: 3, B.mailbox: 8}
    assert batch.envelopes[0].body_hash == body_hash(b"a1")


def test_cursors_move_only_when_the_app_confirms_the_batch() -> None:
    core = core_with(Subscription(A))
    accept(core, A.mailbox, 1, b"x")
    batch = core.take_batch()
    assert core.position(R, A.mailbox) == (1, 0)
    assert batch is not None
    core.committed(batch)
    assert core.position(R, A.mailbox) == (1, 1)
    assert not core.busy(R)


def test_only_one_batch_per_relay_is_in_flight() -> None:
    core = core_with(Subscription(A))
    accept(core, A.mailbox, 1, b"x")
    first = core.take_batch()
    accept(core, A.mailbox, 2, b"y")
    assert core.take_batch() is None
    assert first is not None
    core.committed(first)
    second = core.take_batch()
    assert second is not None and [e.cursor for e in second.envelopes] == [2]


def test_a_resent_position_is_never_delivered_twice_and_stays_silent() -> None:
    core = core_with(Subscription(A))
    accept(core, A.mailbox, 1, b"x")
    verdict, anomaly = core.accept(R, core.session(R), A.mailbox, 1, b"x")
    assert verdict is Verdict.STALE and anomaly is None
    batch = core.take_batch()
    assert batch is not None and len(batch.envelopes) == 1


def test_two_bodies_at_one_position_are_reported_as_an_anomaly() -> None:
    core = core_with(Subscription(A))
    accept(core, A.mailbox, 1, b"x")
    verdict, anomaly = core.accept(R, core.session(R), A.mailbox, 1, b"other")
    assert verdict is Verdict.STALE
    assert anomaly == "The relay sent two different messages at one position."


def test_the_same_body_at_a_new_position_is_a_reported_replay_and_its_cursor_advances() -> None:
    core = core_with(Subscription(A), Subscription(B))
    accept(core, A.mailbox, 1, b"same")
    assert core.accept(R, core.session(R), B.mailbox, 1, b"same") == (
        Verdict.DUPLICATE, "The relay served the same message twice.")
    batch = core.take_batch()
    assert batch is not None
    assert [e.mailbox for e in batch.envelopes] == [A.mailbox]
    assert batch.cursors == {A.mailbox: 1, B.mailbox: 1}
    core.committed(batch)
    assert accept(core, A.mailbox, 2, b"same") is Verdict.DUPLICATE


def test_our_own_echo_is_dropped_silently_but_a_replay_of_it_is_reported() -> None:
    core = core_with(Subscription(A))
    core.enqueue([item("p1", A, b"mine")])
    assert core.accept(R, core.session(R), A.mailbox, 1, b"mine") == (Verdict.DUPLICATE, None)
    assert core.accept(R, core.session(R), A.mailbox, 2, b"mine")[1] == (
        "The relay served the same message twice.")


def test_a_batch_of_only_duplicates_still_moves_the_cursor() -> None:
    core = core_with(Subscription(A))
    core.enqueue([item("p1", A, b"mine")])
    assert accept(core, A.mailbox, 1, b"mine") is Verdict.DUPLICATE
    batch = core.take_batch()
    assert batch is not None and batch.envelopes == () and batch.cursors == {A.mailbox: 1}


def test_dedupe_memory_is_bounded_and_forgets_the_oldest() -> None:
    core = core_with(Subscription(A), Subscription(B), dedupe_capacity=2)
    for cursor, body in enumerate((b"1", b"2", b"3"), start=1):
        accept(core, A.mailbox, cursor, body)
    batch = core.take_batch()
    assert batch is not None
    core.committed(batch)
    assert accept(core, B.mailbox, 1, b"1") is Verdict.NEW
    assert accept(core, B.mailbox, 2, b"3") is Verdict.DUPLICATE


def test_batches_are_capped_by_count() -> None:
    core = core_with(Subscription(A), batch_items=2)
    for cursor in range(1, 6):
        accept(core, A.mailbox, cursor, b"m%d" % cursor)
    sizes = []
    while (batch := core.take_batch()) is not None:
        sizes.append(len(batch.envelopes))
        core.committed(batch)
    assert sizes == [2, 2, 1]
    assert core.position(R, A.mailbox) == (5, 5)


def test_a_failed_delivery_rewinds_to_the_committed_cursor_and_redelivers() -> None:
    core = core_with(Subscription(A))
    accept(core, A.mailbox, 1, b"one")
    first = core.take_batch()
    assert first is not None
    core.committed(first)
    old_session = core.session(R)
    accept(core, A.mailbox, 2, b"two")
    accept(core, A.mailbox, 3, b"three")
    assert core.take_batch() is not None
    core.delivery_failed(R)
    assert core.position(R, A.mailbox) == (1, 1)
    assert core.to_fetch(R) == [(A, 1)]
    # A reader that started before the failure cannot slip a later cursor in.
    assert core.accept(R, old_session, A.mailbox, 4, b"four")[0] is Verdict.UNKNOWN
    assert accept(core, A.mailbox, 2, b"two") is Verdict.NEW
    assert accept(core, A.mailbox, 3, b"three") is Verdict.NEW
    again = core.take_batch()
    assert again is not None and [e.body for e in again.envelopes] == [b"two", b"three"]


def test_switching_epochs_keeps_known_positions_and_adds_new_mailboxes() -> None:
    core = core_with(Subscription(A, after=4))
    accept(core, A.mailbox, 5, b"x")
    generation = core.book(R).generation
    assert core.set_mailboxes(R, [Subscription(A, after=4), Subscription(B)]) is True
    assert core.book(R).generation == generation + 1
    assert dict((c.mailbox, after) for c, after in core.subscriptions(R)) == {
        A.mailbox: 5, B.mailbox: 0}
    assert core.set_mailboxes(R, [Subscription(A), Subscription(B)]) is False


def test_a_mailbox_leaving_the_set_ignores_what_the_relay_still_sends() -> None:
    core = core_with(Subscription(A), Subscription(B))
    core.set_mailboxes(R, [Subscription(B)])
    assert accept(core, A.mailbox, 1, b"late") is Verdict.UNKNOWN
    assert core.take_batch() is None


def test_an_app_cursor_ahead_of_ours_wins() -> None:
    core = core_with(Subscription(A, after=2))
    core.set_mailboxes(R, [Subscription(A, after=9)])
    assert core.position(R, A.mailbox) == (9, 9)


def test_a_closed_mailbox_is_dropped_with_its_queued_items() -> None:
    core = core_with(Subscription(A, create=MailboxSpec()))
    core.enqueue([item("1", A, b"x"), item("2", A, b"y"), item("3", B, b"z")])
    refused = core.gone(R, A.mailbox)
    assert [i.local_id for i in refused] == ["1", "2"]
    assert core.position(R, A.mailbox) is None
    assert len(core.outbox(R)) == 1


def test_create_spec_comes_from_the_subscription() -> None:
    core = core_with(Subscription(A, create=MailboxSpec(1, 99)), Subscription(B))
    assert core.create_spec(R, A.mailbox) == MailboxSpec(1, 99)
    assert core.create_spec(R, B.mailbox) is None


def test_acks_come_back_in_batch_order() -> None:
    core = SyncCore()
    core.enqueue([item("1", A, b"x"), item("2", A, b"y")])
    (batch,) = core.outbox(R).next_batches()
    acks = core.sent(batch, [10, 11])
    assert [(a.local_id, a.cursor) for a in acks] == [("1", 10), ("2", 11)]
    assert core.outbox(R).idle()
