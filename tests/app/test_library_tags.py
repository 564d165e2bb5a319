"""Concurrent tag edits of one library item converge: every client keeps the edit last in
(signed time, author, seq, message id), whatever order the edits arrive in — two admins
editing at once through a real relay, and every arrival order of an add and its edits
against a real store (an edit before its item waits for it)."""
from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.api import Services
from app.store import GroupRecord, NewPost, Store
from app.store.files import LibraryRow, TagOrder
from tests.app.test_services import _pair
from tests.app.test_services_governance import _join
from tests.e2e.harness import RelayProcess

pytestmark = pytest.mark.timeout(240)

G = b"\x01" * 16
ITEM = b"i" * 32


def _tags(svc: Services, gid: str) -> list[tuple[str, ...]]:
    return [i.tags for i in svc.library.items(gid)]


@pytest.mark.parametrize("first", ["Ana", "Ben"])
def test_two_admins_editing_tags_at_once_leave_every_member_with_the_same_tags(
        make_profile: Callable[[str], Services], relay: RelayProcess, first: str) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    cy = make_profile("Cy")
    _join(ana, cy, gid)
    ana.governance.set_role(gid, "Ben", "admin")
    for svc in (ana, ben, cy, ana, ben, cy):
        svc.sync_once()
    post = cy.posts.post(gid, "Field guide").id
    cy.sync_once()
    ana.sync_once()
    item = ana.library.add(gid, post, "Guide", ["start"])
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


def _store(tmp_path: Path, name: str) -> Store:
    store = Store.open(tmp_path / name, os.urandom(32))
    store.groups.add_group(GroupRecord(G, "G", "u", "admin", b"", 1, 1))
    store.posts.insert_posts([NewPost(G, b"p", b"A" * 32, "Ana", 1, 1, 1, text="post")])
    return store


def test_every_arrival_order_of_an_add_and_its_tag_edits_ends_the_same(tmp_path: Path) -> None:
    edits = [  # same second from two admins, an older one, and one across a key change
        (("x",), TagOrder.of(20, b"A" * 32, 0, 7, b"m1")),
        (("y",), TagOrder.of(20, b"B" * 32, 0, 2, b"m2")),
        (("z",), TagOrder.of(15, b"C" * 32, 0, 9, b"m3")),
        (("w",), TagOrder.of(20, b"B" * 32, 1, 1, b"m4")),   # B's next epoch: the last
    ]
    arrivals = list(itertools.permutations(["add", *edits]))      # 120 orders, one item each

    def apply(st: Store) -> None:
        with st.transaction():
            for n, arrival in enumerate(arrivals):
                item = n.to_bytes(32, "big")
                for step in arrival:
                    if step == "add":
                        st.files.library_add(LibraryRow(G, item, b"p", b"M" * 32, 10,
                                                        f"Guide {n}", "", ("start",), "", False))
                    else:
                        st.files.library_tags(G, item, step[0], step[1])

    with _store(tmp_path, "s") as store:
        store.run(apply)
        rows = store.files.library(G)
        assert len(rows) == len(arrivals) and {r.tags for r in rows} == {("w",)}
        assert len(store.search.find_library("w", G, 200)) == len(arrivals)
        assert store.search.find_library("x", G) == []
        assert store.check_integrity() == []


def test_an_older_edit_arriving_late_changes_nothing(tmp_path: Path) -> None:
    with _store(tmp_path, "s") as store:
        def apply(st: Store) -> list[bool]:
            with st.transaction():
                st.files.library_add(LibraryRow(G, ITEM, b"p", b"M" * 32, 10, "Guide", "",
                                                ("start",), "", False))
                return [st.files.library_tags(G, ITEM, ("new",), TagOrder.of(30, b"A" * 32, 0, 1,
                                                                             b"m1")),
                        st.files.library_tags(G, ITEM, ("old",), TagOrder.of(29, b"Z" * 32, 3, 9,
                                                                             b"m2"))]
        assert store.run(apply) == [True, False]
        assert [r.tags for r in store.files.library(G)] == [("new",)]
