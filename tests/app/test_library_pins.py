"""A concurrent pin and unpin of one library item converge: every client keeps the one last
in (signed time, author, seq, message id), whatever order they arrive in — two admins
through a real relay in both orders, and every arrival order against a real store (a pin
before its item waits for it)."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.api import Services
from app.store.files import EditOrder
from tests.app.library_world import (
    G,
    every_arrival_order,
    library_item,
    one_group_store,
    two_admins_and_a_member,
)
from tests.e2e.harness import RelayProcess

pytestmark = pytest.mark.timeout(240)


def _pinned(svc: Services, gid: str) -> list[bool]:
    return [i.pinned for i in svc.library.items(gid)]


@pytest.mark.parametrize("first", ["pin", "unpin"])
def test_a_pin_and_an_unpin_at_once_leave_every_member_with_the_same_state(
        make_profile: Callable[[str], Services], relay: RelayProcess, first: str) -> None:
    ana, ben, cy, gid = two_admins_and_a_member(make_profile, relay)
    item = library_item(ana, cy, gid)
    ana.library.pin(gid, item, True)
    for svc in (ana, ben, cy):
        svc.sync_once()
    assert _pinned(ana, gid) == _pinned(ben, gid) == _pinned(cy, gid) == [True]

    # Ana unpins while Ben (who has not heard) pins again; the relay gets them in either
    # order, so Ana's and Ben's own clients each apply their own first
    ana.library.pin(gid, item, False)
    ben.library.pin(gid, item, True)
    order = (ben, ana) if first == "pin" else (ana, ben)
    for svc in order:
        svc.sync_once()
    for svc in (cy, *order, cy):
        svc.sync_once()
    seen = [_pinned(svc, gid) for svc in (ana, ben, cy)]
    assert seen[0] == seen[1] == seen[2], seen

    # a later unpin wins everywhere (signed later: within one second, order is by author)
    winner = seen[0][0]
    later = ben if winner else ana
    later._access.runtime().clock = lambda: time.time() + 2
    later.library.pin(gid, item, not winner)
    for svc in (later, ana, ben, cy):
        svc.sync_once()
    assert _pinned(ana, gid) == _pinned(ben, gid) == _pinned(cy, gid) == [not winner]


def test_every_arrival_order_of_an_add_and_its_pins_ends_the_same(tmp_path: Path) -> None:
    pins = [  # same second from two admins, an older one, and one across a key change
        (True, EditOrder.of(20, b"A" * 32, 0, 7, b"m1")),
        (True, EditOrder.of(20, b"B" * 32, 0, 2, b"m2")),
        (True, EditOrder.of(15, b"C" * 32, 0, 9, b"m3")),
        (False, EditOrder.of(20, b"B" * 32, 1, 1, b"m4")),   # B's next epoch: the last
    ]
    with one_group_store(tmp_path) as store:
        orders = every_arrival_order(   # 120 orders, one item each
            store, pins, lambda st, item, pin: st.files.library_pin(G, item, *pin))
        rows = store.files.library(G)
        assert len(rows) == orders and not any(r.pinned for r in rows)
        assert store.check_integrity() == []


@pytest.mark.parametrize("first", ["pin", "unpin"])
def test_a_channel_pin_and_unpin_at_once_leave_every_member_with_the_same_pins(
        make_profile: Callable[[str], Services], relay: RelayProcess, first: str) -> None:
    """Post pins (kind 7) already keep the newest per post by (sent time, epoch, seq,
    message id); this holds them to it when two admins cross."""
    ana, ben, cy, gid = two_admins_and_a_member(make_profile, relay)
    post = cy.posts.post(gid, "Meeting notes").id
    for svc in (cy, ana, ben):
        svc.sync_once()
    ana.channels.pin(gid, post)
    for svc in (ana, ben, cy):
        svc.sync_once()

    ana.channels.unpin(gid, post)
    ben.channels.pin(gid, post)
    order = (ben, ana) if first == "pin" else (ana, ben)
    for svc in (*order, cy, *order, cy):
        svc.sync_once()
    seen = [[p.id for p in svc.channels.pins(gid)] for svc in (ana, ben, cy)]
    assert seen[0] == seen[1] == seen[2], seen
