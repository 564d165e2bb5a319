"""A channel's 50-pin cap is judged at each pin's place in the channel's pin history (sent
time, epoch, seq, message id), not on arrival: a pin crossing an unpin gets the same
verdict on every client whichever reaches it first. Three real profiles (two admins), a
real relay; the cap replayed for every arrival order of a small history."""
from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import crypto
from app.api import Services
from app.sending import seal_and_store
from app.store import GroupRecord, Store
from app.store.channels import order_key
from tests.app.test_services import _pair
from tests.app.test_services_governance import _join
from tests.e2e.harness import RelayProcess

pytestmark = pytest.mark.timeout(300)
GENERAL = bytes(16)


def _pins(svc: Services, gid: str) -> set[str]:
    return {p.id for p in svc.channels.pins(gid)}


def _plain(text: str) -> str:
    return text.replace("\u2068", "").replace("\u2069", "")


def _refusals(svc: Services, gid: str) -> list[str]:
    return [_plain(p.text) for p in svc.posts.latest(gid, 200).posts
            if p.kind == "warning" and "50 pins" in p.text]


@pytest.mark.parametrize("arrival", ["unpin first", "pin first"])
@pytest.mark.parametrize("signed", ["unpin earlier", "pin earlier"])
def test_a_pin_crossing_an_unpin_gets_one_verdict_on_every_client(
        make_profile: Callable[[str], Services], relay: RelayProcess, arrival: str,
        signed: str) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    cy = make_profile("Cy")
    _join(ana, cy, gid)
    ana.governance.set_role(gid, "Ben", "admin")
    posts = [ana.posts.post(gid, f"note {i}").id for i in range(crypto.spaces.MAX_PINS + 1)]
    for post in posts[:crypto.spaces.MAX_PINS]:
        ana.channels.pin(gid, post)
    for svc in (ana, ben, cy, ana, ben, cy):
        svc.sync_once()
    assert _pins(ana, gid) == _pins(ben, gid) == _pins(cy, gid) == set(posts[:50])

    # Ana unpins the first note while Ben pins the 51st (his client sends it although it
    # still counts 50: it has heard of the unpin elsewhere, or is bent); both are signed
    # after the 50 pins, one two seconds after the other, and Cy receives them in either
    # order
    later, earlier = (ana, ben) if signed == "pin earlier" else (ben, ana)
    earlier._access.runtime().clock = lambda: time.time() + 2
    later._access.runtime().clock = lambda: time.time() + 4
    ana.channels.unpin(gid, posts[0])
    rt, target = ben._access.runtime(), bytes.fromhex(posts[50])

    def local(store: Store, sealed: crypto.Sealed) -> None:   # as ChannelService._pin
        store.channels.apply_pin(bytes.fromhex(gid), GENERAL, target, True, rt.me,
                                 sealed.sent_at, order_key(sealed.epoch, sealed.seq,
                                                           sealed.message_id),
                                 crypto.spaces.MAX_PINS)

    seal_and_store(rt, bytes.fromhex(gid), rt.session(bytes.fromhex(gid)),
                   crypto.Pin(GENERAL, target, True), local, target)
    first, second = (ana, ben) if arrival == "unpin first" else (ben, ana)
    first.sync_once()
    cy.sync_once()            # Cy has one of the two
    second.sync_once()
    for svc in (cy, ana, ben, cy, ana, ben):
        svc.sync_once()

    seen = [_pins(svc, gid) for svc in (ana, ben, cy)]
    assert seen[0] == seen[1] == seen[2]
    if signed == "unpin earlier":      # the unpin made room before the pin: honoured
        assert seen[0] == set(posts[1:51])
        assert cy.posts.get(gid, posts[50]).pinned
    else:                              # the 51st at its place: refused by every client
        assert seen[0] == set(posts[1:50])
        assert not cy.posts.get(gid, posts[50]).pinned
        for svc in (ana, cy):
            assert "1 message from Ben was refused by the group's rules: a channel holds " \
                   "at most 50 pins." in _refusals(svc, gid)


def test_every_arrival_order_of_a_pin_history_ends_the_same(tmp_path: Path) -> None:
    """Cap 2: pins of a and b, an unpin of a, pins of c and d (c signed before the unpin,
    d after): c is refused at its place, d honoured, in every one of the 120 orders."""
    events = [  # (target, on, time, order key)
        (b"a" * 32, True, 10, b"\0" * 8 + b"1"),
        (b"b" * 32, True, 11, b"\0" * 8 + b"2"),
        (b"c" * 32, True, 12, b"\0" * 8 + b"3"),
        (b"a" * 32, False, 13, b"\0" * 8 + b"4"),
        (b"d" * 32, True, 14, b"\0" * 8 + b"5"),
    ]
    store = Store.open(tmp_path / "s", os.urandom(32))
    with store:
        results = set()
        for n, order in enumerate(itertools.permutations(events)):
            gid = n.to_bytes(16, "big")
            store.groups.add_group(GroupRecord(gid, "G", "u", "admin", b"", 1, 1))
            refused: list[bytes] = []
            for target, on, when, key in order:
                refused += store.channels.apply_pin(gid, GENERAL, target, on, b"A" * 32, when,
                                                    key, 2)
            results.add(frozenset(p.target[:1] for p in store.channels.list_pins(gid)))
            assert refused       # c was refused at least once in every order, never dropped silently
        assert results == {frozenset({b"b", b"d"})}
