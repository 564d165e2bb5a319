"""The live engine against the relay on a loopback port: push, set changes, reconnects."""
from __future__ import annotations

import asyncio
import itertools
import logging
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from crypto.relay_wire import KIND_INVITE, MailboxCapability
from relay.testing import RelayThread
from sync.engine import SyncEngine
from sync.errors import UnknownMailbox
from sync.transport import RelayClient
from sync.values import FetchPage, InboundBatch, MailboxSpec, Subscription
from tests.sync.app_double import RecordingApp
from tests.sync.caps import cap, item
from tests.sync.conftest import RelayProcess, loopback_client, stop_relay

A, B = cap("a"), cap("b")


@pytest.fixture
def engines() -> Iterator[list[SyncEngine]]:
    started: list[SyncEngine] = []
    yield started
    for engine in started:
        engine.stop()


def live_member(relay: RelayThread | RelayProcess, engines: list[SyncEngine],
                *subs: Subscription, **kwargs: object) -> tuple[RecordingApp, SyncEngine]:
    app = RecordingApp()
    engine = app.engine(loopback_client, **({"backoff_base": 0.1, "backoff_cap": 0.5} | kwargs))
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
    # Bob's jitter alternates between the bottom and the middle of each interval, so every
    # wait is known in advance and no two waits in a row are equal (each is reported).
    draws = itertools.cycle([0.0, 0.5])
    drawn: list[float] = []

    def random01() -> float:
        drawn.append(next(draws))
        return drawn[-1]

    bob, _ = live_member(loopback_relay, engines, backoff_base=0.1, backoff_cap=0.4,
                         random01=random01)
    alice, alice_engine = live_member(loopback_relay, engines)
    for n in range(5):
        alice.post(alice_engine, item(f"before{n}", A, b"before %d" % n, url))
    bob.wait_for(lambda: len(bob.bodies()) == 5)

    bob.wait_for(lambda: online(bob))
    outage_starts = len(bob.states)

    def waits() -> list[float]:
        return [s.retry_in for s in bob.states[outage_starts:]
                if s.state == "offline" and s.retry_in is not None]

    stop_relay(loopback_relay)
    bob.wait_for(lambda: bob.states[-1].state == "offline")
    for n in range(5):
        alice.post(alice_engine, item(f"during{n}", A, b"during %d" % n, url))
    bob.wait_for(lambda: len(waits()) >= 6)         # past the cap: growth and cap both seen
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
    # Every wait of the outage, exactly: ceilings 0.1, 0.2, 0.4 (doubling), then the cap of
    # 0.4 s; each wait is ceiling/2 + draw * ceiling/2 (half jitter).
    bob.wait_for(lambda: online(bob))
    outage = bob.states[outage_starts:]
    outage = outage[:next(i for i, s in enumerate(outage) if s.state == "online")]
    seen = [s.retry_in for s in outage if s.state == "offline"]
    expected = [0.05, 0.15, 0.2, 0.3] + [0.2, 0.3] * len(seen)
    assert seen == expected[:len(seen)] and len(seen) == len(drawn) >= 6


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


def test_more_mailboxes_than_one_connection_carries_are_split(
        loopback_relay: RelayThread, engines: list[SyncEngine],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sync.flows.MAX_SUBSCRIBE", 1)
    bob, _ = live_member(loopback_relay, engines, Subscription(A, create=MailboxSpec()),
                         Subscription(B, create=MailboxSpec()))
    bob.wait_for(lambda: online(bob))
    alice, alice_engine = live_member(loopback_relay, engines)
    alice.post(alice_engine, item("a", A, b"to a", loopback_relay.url))
    alice.post(alice_engine, item("b", B, b"to b", loopback_relay.url))
    bob.wait_for(lambda: sorted(bob.bodies()) == [b"to a", b"to b"])


def test_relay_killed_mid_stream_loses_nothing_acknowledged(
        tmp_path: Path, engines: list[SyncEngine]) -> None:
    relay = RelayProcess(tmp_path / "killed")
    relay.start()
    try:
        bob, _ = live_member(relay, engines)
        alice, alice_engine = live_member(relay, engines)
        for n in range(40):
            alice.post(alice_engine, item(f"p{n}", A, b"post %02d" % n, relay.url))
            if n == 20:
                relay.kill()                      # SIGKILL: no graceful end of streams
                relay.start()
        alice.wait_for(lambda: alice.outbox == {}, timeout=20)
        bob.wait_for(lambda: len(bob.bodies()) == 40, timeout=20)
        assert sorted(bob.bodies()) == [b"post %02d" % n for n in range(40)]
        assert [c for _m, c, _b in bob.stored] == list(range(1, 41))
        assert sorted(a.cursor for a in alice.acks) == list(range(1, 41))
    finally:
        relay.kill()


def test_deliver_may_hand_the_batch_to_a_store_thread_and_return_a_future(
        loopback_relay: RelayThread, engines: list[SyncEngine]) -> None:
    store_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
    bob = RecordingApp()
    names: set[str] = set()

    def store(batch: InboundBatch) -> None:
        names.add(threading.current_thread().name)
        bob.deliver(batch)

    engine = SyncEngine(lambda batch: store_thread.submit(store, batch), bob.on_acked,
                        on_state=bob.on_state, client_factory=loopback_client)
    engine.start()           # started before it knows any relay: the runner starts later
    engines.append(engine)
    engine.set_mailboxes(loopback_relay.url, [Subscription(A, create=MailboxSpec())])
    bob.wait_for(lambda: online(bob))
    alice, alice_engine = live_member(loopback_relay, engines)
    for n in range(20):
        alice.post(alice_engine, item(f"p{n}", A, b"m%02d" % n, loopback_relay.url))
    bob.wait_for(lambda: len(bob.bodies()) == 20)
    assert bob.bodies() == [b"m%02d" % n for n in range(20)]
    assert all(name.startswith("store") for name in names)
    engine.stop()
    store_thread.shutdown()


@pytest.mark.parametrize("relay_up", [True, False], ids=["streaming", "backing-off"])
def test_stop_is_prompt(loopback_relay: RelayThread, caplog: pytest.LogCaptureFixture,
                        relay_up: bool) -> None:
    caplog.set_level(logging.WARNING, logger="coterie.sync")
    app = RecordingApp()
    engine = app.engine(loopback_client, backoff_base=0.2, backoff_cap=0.4)
    engine.set_mailboxes(loopback_relay.url, [Subscription(A, create=MailboxSpec())])
    engine.start()
    app.wait_for(lambda: online(app))
    if not relay_up:
        stop_relay(loopback_relay)
        app.wait_for(lambda: app.states[-1].state == "offline")
    started = time.monotonic()
    engine.stop()
    assert time.monotonic() - started < 2
    assert "did not stop cleanly" not in caplog.text


def test_stop_right_after_a_set_change_is_prompt(loopback_relay: RelayThread,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    # stop() then lands while the receiver is unwinding the old push connection.
    caplog.set_level(logging.WARNING, logger="coterie.sync")
    for round_ in range(5):
        app = RecordingApp()
        engine = app.engine(loopback_client)
        engine.set_mailboxes(loopback_relay.url, [Subscription(A, create=MailboxSpec())])
        engine.start()
        app.wait_for(lambda app=app: online(app))
        engine.set_mailboxes(loopback_relay.url, [Subscription(A), Subscription(cap(f"n{round_}"))])
        started = time.monotonic()
        engine.stop()
        assert time.monotonic() - started < 2
    assert "did not stop cleanly" not in caplog.text


def test_wait_sent_returns_once_the_item_is_on_the_relay(loopback_relay: RelayThread,
                                                         engines: list[SyncEngine]) -> None:
    invite = cap("invite")
    admin, admin_engine = live_member(loopback_relay, engines)
    admin.wait_for(lambda: online(admin))
    spec = MailboxSpec(KIND_INVITE, int(time.time()) + 3600)
    admin_engine.set_mailboxes(loopback_relay.url, [Subscription(A, create=MailboxSpec()),
                                                    Subscription(invite, create=spec)])
    admin.post(admin_engine, item("bundle", invite, b"invite bundle", loopback_relay.url))
    assert admin_engine.wait_sent(["bundle"], timeout=5) is True
    joiner = RecordingApp().engine(loopback_client)
    page = joiner.fetch(loopback_relay.url, invite)      # no 404: it is there already
    assert [body for _c, body in page.messages] == [b"invite bundle"]


def test_wait_sent_times_out_while_the_relay_is_down(loopback_relay: RelayThread,
                                                     engines: list[SyncEngine]) -> None:
    admin, admin_engine = live_member(loopback_relay, engines)
    admin.wait_for(lambda: online(admin))
    stop_relay(loopback_relay)
    admin.post(admin_engine, item("late", A, b"waits", loopback_relay.url))
    assert admin_engine.wait_sent(["late"], timeout=0.5) is False
    loopback_relay.start()
    assert admin_engine.wait_sent(["late"], timeout=10) is True


def test_a_relay_that_lost_its_data_gets_the_mailboxes_created_again(
        tmp_path: Path, engines: list[SyncEngine]) -> None:
    relay = RelayProcess(tmp_path / "first")
    relay.start()
    try:
        alice, alice_engine = live_member(relay, engines)
        alice.post(alice_engine, item("1", A, b"before the wipe", relay.url))
        alice.wait_for(lambda: alice.outbox == {})
        relay.kill()
        relay.data_dir = tmp_path / "wiped"       # same address, empty database
        relay.start()
        alice.post(alice_engine, item("2", A, b"after the wipe", relay.url))
        alice.wait_for(lambda: alice.outbox == {}, timeout=15)
        assert alice.rejected == [] and alice.gone == []
    finally:
        relay.kill()


def test_an_unexpected_fault_in_the_receiver_is_retried_not_fatal(
        loopback_relay: RelayThread, engines: list[SyncEngine],
        caplog: pytest.LogCaptureFixture) -> None:
    faults = [ValueError("a bug")]

    class Faulty(RelayClient):
        async def fetch(self, *args: object, **kwargs: object) -> FetchPage:
            if faults:
                raise faults.pop()
            return await super().fetch(*args, **kwargs)  # type: ignore[arg-type]

    app = RecordingApp()
    engine = app.engine(lambda url: Faulty(url, clock=time.time, rng=os.urandom),
                        backoff_base=0.05, backoff_cap=0.1)
    engine.set_mailboxes(loopback_relay.url, [Subscription(A, create=MailboxSpec())])
    engine.start()
    engines.append(engine)
    app.wait_for(lambda: online(app))
    assert [s.detail for s in app.states if s.state == "offline"] == [
        "Sync failed unexpectedly; retrying."]
    assert "sync receive failed (ValueError)" in caplog.text
    alice, alice_engine = live_member(loopback_relay, engines)
    alice.post(alice_engine, item("p", A, b"after the fault", loopback_relay.url))
    app.wait_for(lambda: app.bodies() == [b"after the fault"])


def test_wait_delivered_returns_once_what_was_read_is_stored(loopback_relay: RelayThread,
                                                             engines: list[SyncEngine]) -> None:
    # A closed invite mailbox's join is decided only after the pages read before the close
    # were stored: the wait ends on the store's commit, not after a fixed pause.
    gate = threading.Event()
    bob, bob_engine = live_member(loopback_relay, engines)
    bob.wait_for(lambda: online(bob))
    bob.on_batch = lambda _batch: gate.wait(10)   # the app is slow to store this batch
    alice, alice_engine = live_member(loopback_relay, engines)
    alice.post(alice_engine, item("p1", A, b"held in delivery", loopback_relay.url))
    bob.wait_for(lambda: bob.batches == 1)
    assert bob_engine.wait_delivered(loopback_relay.url, timeout=0.3) is False
    gate.set()
    assert bob_engine.wait_delivered(loopback_relay.url, timeout=5) is True


def test_a_post_racing_the_fetch_that_creates_its_mailbox_is_sent_not_refused(
        loopback_relay: RelayThread, engines: list[SyncEngine]) -> None:
    # The push and the fetch of a new mailbox run side by side: the append reaches the relay
    # before the mailbox exists (404), the fetch creates it meanwhile. That 404 is stale; the
    # post must go out, not be refused as if the relay were not keeping the mailbox.
    saw_404, created = threading.Event(), threading.Event()

    class Racing(RelayClient):
        async def append(self, capability: MailboxCapability, bodies: list[bytes]) -> list[int]:
            try:
                return await super().append(capability, bodies)
            except UnknownMailbox:
                if not saw_404.is_set():
                    saw_404.set()
                    await asyncio.to_thread(created.wait, 10)
                raise

        async def create_mailbox(self, capability: MailboxCapability,
                                 spec: MailboxSpec) -> bool:
            await asyncio.to_thread(saw_404.wait, 10)
            made = await super().create_mailbox(capability, spec)
            created.set()
            return made

    app = RecordingApp()
    engine = app.engine(lambda url: Racing(url, clock=time.time, rng=os.urandom),
                        backoff_base=0.05, backoff_cap=0.1)
    engine.set_mailboxes(loopback_relay.url, [Subscription(A, create=MailboxSpec())])
    app.post(engine, item("p", A, b"racing the create", loopback_relay.url))
    engine.start()
    engines.append(engine)
    app.wait_for(lambda: app.outbox == {} or bool(app.rejected), timeout=15)
    assert saw_404.is_set() and created.is_set()
    assert app.rejected == [] and app.outbox == {}
    bob, _ = live_member(loopback_relay, engines, Subscription(A))
    bob.wait_for(lambda: bob.bodies() == [b"racing the create"])
