"""The live engine against the relay on a loopback port: push, set changes, reconnects."""
from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from relay.testing import RelayThread
from sync.engine import SyncEngine
from sync.values import MailboxSpec, Subscription
from tests.sync.app_double import RecordingApp
from tests.sync.caps import cap, item
from tests.sync.conftest import loopback_client

A, B = cap("a"), cap("b")


@pytest.fixture
def engines() -> Iterator[list[SyncEngine]]:
    started: list[SyncEngine] = []
    yield started
    for engine in started:
        engine.stop()


def live_member(relay: RelayThread, engines: list[SyncEngine],
                *subs: Subscription) -> tuple[RecordingApp, SyncEngine]:
    app = RecordingApp()
    engine = app.engine(loopback_client, backoff_base=0.1, backoff_cap=0.5)
    engine.set_mailboxes(relay.url, list(subs) or [Subscription(A, create=MailboxSpec())])
    engine.start()
    engines.append(engine)
    return app, engine


def online(app: RecordingApp) -> bool:
    return bool(app.states) and app.states[-1].state == "online"


def test_a_post_is_pushed_to_another_member(loopback_relay: RelayThread,
                                            engines: list[SyncEngine]) -> None:
    bob, _ = live_member(loopback_relay, engines)
    bob.wait_for(lambda: online(bob))
    alice, alice_engine = live_member(loopback_relay, engines)
    alice.post(alice_engine, item("p1", A, b"hello bob", loopback_relay.url))
    bob.wait_for(lambda: bob.bodies() == [b"hello bob"])
    alice.wait_for(lambda: alice.outbox == {})
    assert bob.cursors == {A.mailbox: 1} and alice.stored == []


def test_a_new_mailbox_in_the_set_is_subscribed(loopback_relay: RelayThread,
                                                engines: list[SyncEngine]) -> None:
    bob, bob_engine = live_member(loopback_relay, engines)
    alice, alice_engine = live_member(loopback_relay, engines,
                                      Subscription(A, create=MailboxSpec()),
                                      Subscription(B, create=MailboxSpec()))
    alice.wait_for(lambda: online(alice))
    bob.wait_for(lambda: online(bob))
    alice.post(alice_engine, item("b1", B, b"in the next epoch", loopback_relay.url))
    alice.wait_for(lambda: alice.outbox == {})
    bob_engine.set_mailboxes(loopback_relay.url, [Subscription(A), Subscription(B)])
    bob.wait_for(lambda: bob.bodies(B.mailbox) == [b"in the next epoch"])
    alice.post(alice_engine, item("b2", B, b"live in the next epoch", loopback_relay.url))
    bob.wait_for(lambda: len(bob.bodies(B.mailbox)) == 2)


def test_relay_restart_reconnects_resumes_and_sends_what_waited(
        loopback_relay: RelayThread, engines: list[SyncEngine]) -> None:
    url = loopback_relay.url
    bob, _ = live_member(loopback_relay, engines)
    alice, alice_engine = live_member(loopback_relay, engines)
    for n in range(5):
        alice.post(alice_engine, item(f"before{n}", A, b"before %d" % n, url))
    bob.wait_for(lambda: len(bob.bodies()) == 5)

    loopback_relay.stop()
    bob.wait_for(lambda: bob.states[-1].state == "offline")
    for n in range(5):
        alice.post(alice_engine, item(f"during{n}", A, b"during %d" % n, url))
    time.sleep(0.5)
    assert len(alice.outbox) == 5
    loopback_relay.start()

    alice.wait_for(lambda: alice.outbox == {}, timeout=15)
    bob.wait_for(lambda: len(bob.bodies()) == 10, timeout=15)
    alice.post(alice_engine, item("after", A, b"after", url))
    bob.wait_for(lambda: len(bob.bodies()) == 11)
    cursors = [c for _m, c, _b in bob.stored]
    assert cursors == list(range(1, 12))
    assert bob.bodies() == ([b"before %d" % n for n in range(5)]
                            + [b"during %d" % n for n in range(5)] + [b"after"])
    offline = [s for s in bob.states if s.state == "offline"]
    assert offline and all(s.retry_in is not None and s.retry_in <= 0.5 for s in offline)


def test_a_closed_mailbox_is_reported_and_dropped(loopback_relay: RelayThread,
                                                  engines: list[SyncEngine]) -> None:
    bob, _ = live_member(loopback_relay, engines,
                         Subscription(A, create=MailboxSpec()), Subscription(B, create=MailboxSpec()))
    bob.wait_for(lambda: online(bob))
    alice, alice_engine = live_member(loopback_relay, engines)
    alice_engine.close_mailbox(loopback_relay.url, B)
    bob.wait_for(lambda: [m for m, _e in bob.gone] == [B.mailbox])
    alice.post(alice_engine, item("still", A, b"A still works", loopback_relay.url))
    bob.wait_for(lambda: bob.bodies() == [b"A still works"])


def test_a_failed_store_is_retried_after_a_backoff_without_loss(
        loopback_relay: RelayThread, engines: list[SyncEngine]) -> None:
    bob, _ = live_member(loopback_relay, engines)
    bob.wait_for(lambda: online(bob))
    bob.fail_next = 1
    alice, alice_engine = live_member(loopback_relay, engines)
    alice.post(alice_engine, item("p1", A, b"first", loopback_relay.url))
    bob.wait_for(lambda: bob.bodies() == [b"first"])
    assert any(s.state == "offline" for s in bob.states)
    alice.post(alice_engine, item("p2", A, b"second", loopback_relay.url))
    bob.wait_for(lambda: bob.bodies() == [b"first", b"second"])
    assert bob.cursors == {A.mailbox: 2}
