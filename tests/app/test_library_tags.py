"""Concurrent tag edits of one library item converge: every client keeps the edit last in
(signed time, author, seq, message id), whatever order the edits arrive in — two admins
editing at once through a real relay, and every arrival order of an add and its edits
against a real store (an edit before its item waits for it)."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.api import Services
from app.store import Store
from app.store.files import TagOrder
from tests.app.library_world import (
    G,
    every_arrival_order,
    guide,
    library_item,
    one_group_store,
    two_admins_and_a_member,
)
from tests.e2e.harness import RelayProcess

pytestmark = pytest.mark.timeout(240)

ITEM = b"i" * 32


def _tags(svc: Services, gid: str) -> list[tuple[str, ...]]:
    return [i.tags for i in svc.library.items(gid)]


@pytest.mark.parametrize("first", ["Ana", "Ben"])
def test_two_admins_editing_tags_at_once_leave_every_member_with_the_same_tags(
        make_profile: Callable[[str], Services], relay: RelayProcess, first: str) -> None:
    ana, ben, cy, gid = two_admins_and_a_member(make_profile, relay)
    item = library_item(ana, cy, gid)
    for svc in (ana, ben, cy):
        svc.sync_once()

    # both edit before either hears of the other; the relay gets them in either order
    ana.library.set_tags(gid, item, ["ana", "birds"])
    ben.library.set_tags(gid, item, ["ben", "moss"])
    order = (ana, ben) if first == "Ana" else (ben, ana)
    for svc in order:
        svc.sync_once()
    for svc in (cy, *order, cy):
        svc.sync_once()

    seen = [_tags(svc, gid) for svc in (ana, ben, cy)]
    assert seen[0] == seen[1] == seen[2], seen
    assert seen[0][0] in (("ana", "birds"), ("ben", "moss"))
    # the same winner by title search too: the index follows the tags in effect
    winner = seen[0][0][0]
    for svc in (ana, ben, cy):
        assert [h.kind for h in svc.search.find(winner, gid)] == ["library"]

    # a later edit wins everywhere (signed a second later: within one second, edits are
    # ordered by author, not by who saw whose)
    ben._access.runtime().clock = lambda: time.time() + 2
    ben.library.set_tags(gid, item, ["settled"])
    for svc in (ben, ana, cy):
        svc.sync_once()
    assert _tags(ana, gid) == _tags(ben, gid) == _tags(cy, gid) == [("settled",)]


def test_every_arrival_order_of_an_add_and_its_tag_edits_ends_the_same(tmp_path: Path) -> None:
    edits = [  # same second from two admins, an older one, and one across a key change
        (("x",), TagOrder.of(20, b"A" * 32, 0, 7, b"m1")),
        (("y",), TagOrder.of(20, b"B" * 32, 0, 2, b"m2")),
        (("z",), TagOrder.of(15, b"C" * 32, 0, 9, b"m3")),
        (("w",), TagOrder.of(20, b"B" * 32, 1, 1, b"m4")),   # B's next epoch: the last
    ]
    with one_group_store(tmp_path) as store:
        orders = every_arrival_order(   # 120 orders, one item each
            store, edits, lambda st, item, edit: st.files.library_tags(G, item, *edit))
        rows = store.files.library(G)
        assert len(rows) == orders and {r.tags for r in rows} == {("w",)}
        assert len(store.search.find_library("w", G, 200)) == orders
        assert store.search.find_library("x", G) == []
        assert store.check_integrity() == []


def test_an_older_edit_arriving_late_changes_nothing(tmp_path: Path) -> None:
    with one_group_store(tmp_path) as store:
        def apply(st: Store) -> list[bool]:
            with st.transaction():
                st.files.library_add(guide(ITEM))
                return [st.files.library_tags(G, ITEM, ("new",), TagOrder.of(30, b"A" * 32, 0, 1,
                                                                             b"m1")),
                        st.files.library_tags(G, ITEM, ("old",), TagOrder.of(29, b"Z" * 32, 3, 9,
                                                                             b"m2"))]
        assert store.run(apply) == [True, False]
        assert [r.tags for r in store.files.library(G)] == [("new",)]
