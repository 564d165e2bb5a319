"""One-shot sync (the CLI path) against the real relay through httpx.ASGITransport."""
from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from crypto.relay_wire import b64e
from relay.testing import RelayThread
from sync.engine import SyncEngine
from sync.errors import MailboxClosed, UnknownMailbox
from sync.transport import RelayClient
from sync.values import InboundBatch, MailboxSpec, Subscription
from tests.sync.app_double import RecordingApp
from tests.sync.caps import cap, item
from tests.sync.conftest import free_port, loopback_client
from ui.launcher import quiet_network_logs

GROUP = cap("group")
NEXT = cap("next-epoch")


def member(relay: RelayThread, *subs: Subscription,
           **kwargs: object) -> tuple[RecordingApp, SyncEngine]:
    app = RecordingApp()
    engine = app.engine(loopback_client, **kwargs)
    engine.set_mailboxes(relay.url, list(subs) or [Subscription(GROUP, create=MailboxSpec())])
    return app, engine


def test_posts_go_out_and_arrive_once_in_order(loopback_relay: RelayThread) -> None:
    alice, alice_engine = member(loopback_relay)
    bob, bob_engine = member(loopback_relay)
    for n in range(3):
        alice.post(alice_engine, item(f"p{n}", GROUP, b"post %d" % n, loopback_relay.url))
    result = alice_engine.sync_once()
    assert result.sent == 3 and result.received == 0 and alice.outbox == {}
    assert [a.cursor for a in alice.acks] == [1, 2, 3]
    assert bob_engine.sync_once().received == 3
    assert bob.bodies() == [b"post 0", b"post 1", b"post 2"]
    assert bob.cursors == {GROUP.mailbox: 3}
    assert bob_engine.sync_once().received == 0


def test_a_backlog_is_paged_batched_and_stored_exactly_once(loopback_relay: RelayThread) -> None:
    alice, alice_engine = member(loopback_relay)
    bodies = [b"backlog %04d" % n for n in range(2300)]
    for n, body in enumerate(bodies):
        alice.outbox[str(n)] = item(str(n), GROUP, body, loopback_relay.url)
    alice_engine.enqueue(list(alice.outbox.values()))
    assert alice_engine.sync_once().sent == 2300
    bob, bob_engine = member(loopback_relay, page_limit=500)
    assert bob_engine.sync_once().received == 2300
    assert bob.bodies() == bodies
    assert bob.batches >= 3 and bob.cursors == {GROUP.mailbox: 2300}


def test_a_resent_item_after_a_crash_gets_the_same_cursor_and_arrives_once(
        loopback_relay: RelayThread) -> None:
    first_run = RecordingApp()
    engine = first_run.engine(loopback_client)
    engine.set_mailboxes(loopback_relay.url, [Subscription(GROUP, create=MailboxSpec())])
    row = item("row-1", GROUP, b"typed before the crash", loopback_relay.url)
    first_run.post(engine, row)
    engine.sync_once()
    # The process died before deleting the row: the next start sends the same bytes.
    second_run = RecordingApp()
    restarted = second_run.engine(loopback_client)
    restarted.set_mailboxes(loopback_relay.url, [Subscription(GROUP, create=MailboxSpec())])
    second_run.post(restarted, row)
    restarted.sync_once()
    assert [a.cursor for a in second_run.acks] == [a.cursor for a in first_run.acks] == [1]
    bob, bob_engine = member(loopback_relay)
    bob_engine.sync_once()
    assert bob.bodies() == [b"typed before the crash"]


def test_a_failed_store_raises_and_the_next_sync_delivers_the_same_again(
        loopback_relay: RelayThread) -> None:
    alice, alice_engine = member(loopback_relay)
    for n in range(5):
        alice.post(alice_engine, item(f"p{n}", GROUP, b"m%d" % n, loopback_relay.url))
    alice_engine.sync_once()
    bob, bob_engine = member(loopback_relay, page_limit=2)
    bob.fail_next = 1
    with pytest.raises(OSError):
        bob_engine.sync_once()
    assert bob.stored == [] and bob.cursors == {}
    assert bob_engine.sync_once().received == 5
    assert bob.bodies() == [b"m0", b"m1", b"m2", b"m3", b"m4"]


def test_an_epoch_switch_inside_deliver_is_followed_in_the_same_sync(loopback_relay: RelayThread) -> None:
    alice, alice_engine = member(loopback_relay, Subscription(GROUP, create=MailboxSpec()),
                                 Subscription(NEXT, create=MailboxSpec()))
    alice.post(alice_engine, item("rotate", GROUP, b"rotate to next epoch", loopback_relay.url))
    alice.post(alice_engine, item("new", NEXT, b"first post of the next epoch", loopback_relay.url))
    alice_engine.sync_once()
    bob, bob_engine = member(loopback_relay)

    def on_batch(batch: InboundBatch) -> None:
        if any(e.body == b"rotate to next epoch" for e in batch.envelopes):
            bob_engine.set_mailboxes(loopback_relay.url, [Subscription(GROUP, after=bob.cursors[GROUP.mailbox]),
                                           Subscription(NEXT)])

    bob.on_batch = on_batch
    assert bob_engine.sync_once().received == 2
    assert bob.bodies(NEXT.mailbox) == [b"first post of the next epoch"]


def test_a_missing_group_mailbox_is_created_and_a_missing_invite_is_gone(
        loopback_relay: RelayThread) -> None:
    invite = cap("invite")
    joiner, engine = member(loopback_relay, Subscription(GROUP, create=MailboxSpec()),
                            Subscription(invite))
    joiner.post(engine, item("req", invite, b"join request", loopback_relay.url))
    result = engine.sync_once()
    assert result.rejected == ("req",) and isinstance(joiner.rejected[0][1], UnknownMailbox)
    assert [m for m, _e in joiner.gone] == [invite.mailbox]
    joiner.post(engine, item("hello", GROUP, b"hello", loopback_relay.url))
    assert engine.sync_once().sent == 1


def test_a_closed_mailbox_refuses_queued_items_and_leaves_the_set(loopback_relay: RelayThread) -> None:
    alice, alice_engine = member(loopback_relay)
    alice.post(alice_engine, item("a", GROUP, b"before close", loopback_relay.url))
    alice_engine.sync_once()
    alice_engine.close_mailbox(loopback_relay.url, GROUP)
    alice.post(alice_engine, item("b", GROUP, b"after close", loopback_relay.url))
    result = alice_engine.sync_once()
    assert result.rejected == ("b",) and isinstance(alice.rejected[0][1], MailboxClosed)
    assert "b" in alice.outbox  # the app decides what to do with a refused row
    bob, bob_engine = member(loopback_relay, Subscription(GROUP))
    bob_engine.sync_once()
    assert bob.bodies() == [b"before close"] and len(bob.gone) == 1


def test_an_unreachable_relay_keeps_the_outbox_and_says_so() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    app = RecordingApp()
    engine = app.engine(lambda u: RelayClient(u, clock=time.time, rng=os.urandom, timeout=2))
    engine.set_mailboxes(url, [Subscription(GROUP, create=MailboxSpec())])
    app.post(engine, item("p", GROUP, b"waiting", url))
    result = engine.sync_once()
    assert result.unreachable == (url,) and result.sent == 0 and "p" in app.outbox
    assert result.errors == ((url, "The relay could not be reached."),)
    assert app.states[-1].state == "offline"


def test_own_posts_are_not_delivered_back(loopback_relay: RelayThread) -> None:
    alice, alice_engine = member(loopback_relay)
    alice.post(alice_engine, item("p", GROUP, b"mine", loopback_relay.url))
    alice_engine.sync_once()
    alice_engine.sync_once()
    assert alice.stored == [] and alice.cursors == {GROUP.mailbox: 1}


@pytest.fixture
def program_logging() -> Iterator[None]:
    """The logging policy `coterie` sets when it starts, undone afterwards."""
    loggers = [logging.getLogger(name) for name in ("httpx", "httpcore")]
    before = [logger.level for logger in loggers]
    quiet_network_logs()
    yield
    for logger, level in zip(loggers, before, strict=True):
        logger.setLevel(level)


@pytest.mark.usefixtures("program_logging")
def test_logs_carry_no_mailbox_ids_bodies_or_addresses(loopback_relay: RelayThread,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    alice, alice_engine = member(loopback_relay)
    alice.post(alice_engine, item("p", GROUP, b"secret words", loopback_relay.url))
    alice_engine.sync_once()
    bob, bob_engine = member(loopback_relay)
    bob.fail_next = 1
    with pytest.raises(OSError):
        bob_engine.sync_once()
    assert "storing received envelopes failed (OSError)" in caplog.text
    for secret in (b64e(GROUP.mailbox), GROUP.mailbox.hex(), "secret words",
                   str(loopback_relay.port), b64e(GROUP.read_seed)):
        assert secret not in caplog.text


def test_importing_sync_leaves_the_process_logging_alone() -> None:
    code = ("import logging, sync, sync.engine, sync.transport; "
            "print([logging.getLogger(n).level for n in ('httpx', 'httpcore')])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[0, 0]"      # NOTSET: the program decides, not a library


def test_a_relay_that_never_answers_cannot_hold_sync_beyond_its_timeout() -> None:
    with socket.socket() as silent:           # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        app = RecordingApp()
        engine = app.engine(lambda u: RelayClient(u, clock=time.time, rng=os.urandom))
        engine.set_mailboxes(url, [Subscription(GROUP, create=MailboxSpec())])
        app.post(engine, item("p", GROUP, b"waiting", url))
        started = time.monotonic()
        result = engine.sync_once(timeout=1.0)
        assert result.timed_out and result.sent == 0 and "p" in app.outbox
        assert time.monotonic() - started < 5


def test_push_only_sends_without_reading(loopback_relay: RelayThread) -> None:
    bob, bob_engine = member(loopback_relay)
    bob.post(bob_engine, item("b", GROUP, b"from bob", loopback_relay.url))
    bob_engine.sync_once()
    alice, alice_engine = member(loopback_relay)
    alice.post(alice_engine, item("a", GROUP, b"from alice", loopback_relay.url))
    result = alice_engine.sync_once(pull=False)
    assert result.sent == 1 and result.received == 0 and alice.stored == []
    assert alice_engine.sync_once().received == 1
