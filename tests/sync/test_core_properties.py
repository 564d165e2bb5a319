"""Property: whatever the interleaving of reads, resends, batches and failed stores, every
envelope of every mailbox reaches the app exactly once, in relay order."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.core import SyncCore
from sync.values import InboundBatch, Subscription
from tests.sync.caps import cap

R = "http://relay.test"
MAILBOXES = [cap("p0"), cap("p1"), cap("p2")]

op = st.one_of(
    st.tuples(st.just("read"), st.integers(0, 2), st.integers(1, 6)),
    st.tuples(st.just("resend"), st.integers(0, 2), st.integers(1, 4)),
    st.tuples(st.just("stale_read"), st.integers(0, 2), st.integers(1, 4)),
    st.tuples(st.just("take"), st.just(0), st.just(0)),
    st.tuples(st.just("commit"), st.just(0), st.just(0)),
    st.tuples(st.just("fail"), st.just(0), st.just(0)),
)


@settings(max_examples=300, deadline=None)
@given(sizes=st.lists(st.integers(0, 15), min_size=3, max_size=3),
       ops=st.lists(op, max_size=80), batch_items=st.integers(1, 5))
def test_every_envelope_is_stored_once_in_order(sizes: list[int], ops: list[tuple[str, int, int]],
                                                batch_items: int) -> None:
    logs = {m.mailbox: [b"%d/%d" % (i, c) for c in range(1, n + 1)]
            for i, (m, n) in enumerate(zip(MAILBOXES, sizes, strict=True))}
    core = SyncCore(batch_items=batch_items)
    core.set_mailboxes(R, [Subscription(m) for m in MAILBOXES])
    stored: dict[bytes, list[bytes]] = {m.mailbox: [] for m in MAILBOXES}
    cursors: dict[bytes, int] = {}
    in_flight: InboundBatch | None = None
    # A reader that started before the last failed store, still reading where it was.
    old_session = core.session(R)
    stale_pos: dict[bytes, int] = {m.mailbox: 0 for m in MAILBOXES}

    def read(mailbox: bytes, after: int, count: int, session: int) -> None:
        for cursor in range(after + 1, min(after + count, len(logs[mailbox])) + 1):
            core.accept(R, session, mailbox, cursor, logs[mailbox][cursor - 1])

    def commit(batch: InboundBatch) -> None:
        for env in batch.envelopes:
            stored[env.mailbox].append(env.body)
        cursors.update(batch.cursors)
        core.committed(batch)

    for name, index, amount in ops:
        mailbox = MAILBOXES[index].mailbox
        received = core.position(R, mailbox)[0]  # type: ignore[index]
        if name == "read":
            read(mailbox, received, amount, core.session(R))
        elif name == "resend":
            read(mailbox, max(0, received - amount), amount, core.session(R))
        elif name == "stale_read":
            read(mailbox, stale_pos[mailbox], amount, old_session)
            stale_pos[mailbox] = min(stale_pos[mailbox] + amount, len(logs[mailbox]))
        elif name == "take" and in_flight is None:
            in_flight = core.take_batch()
        elif name == "commit" and in_flight is not None:
            commit(in_flight)
            in_flight = None
        elif name == "fail" and in_flight is not None:
            old_session = core.session(R)
            stale_pos = {m.mailbox: core.position(R, m.mailbox)[0]  # type: ignore[index]
                         for m in MAILBOXES}
            core.delivery_failed(R)
            in_flight = None

    if in_flight is not None:
        commit(in_flight)
    for m in MAILBOXES:  # the reader catches every mailbox up from where the core says
        read(m.mailbox, core.position(R, m.mailbox)[0], 100, core.session(R))  # type: ignore[index]
    while (batch := core.take_batch()) is not None:
        commit(batch)

    assert stored == logs
    assert {m: c for m, c in cursors.items() if c} == {m: len(b) for m, b in logs.items() if b}
