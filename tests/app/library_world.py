"""What the library's convergence tests (pins and tags) stand on: two admins and a member
in one group through a real relay, with one library item to edit at once; and a bare store
with one group, into which every arrival order of an item's add and its edits is replayed."""
from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from app.api import Services
from app.store import GroupRecord, NewPost, Store
from app.store.files import LibraryRow
from tests.app.test_services import _pair
from tests.app.test_services_governance import _join
from tests.e2e.harness import RelayProcess

G = b"\x01" * 16       # the bare store's one group
Edit = TypeVar("Edit")


def two_admins_and_a_member(make_profile: Callable[[str], Services], relay: RelayProcess,
                            ) -> tuple[Services, Services, Services, str]:
    """Ana and Ben (both admins) and Cy (a member) in one group, everyone caught up."""
    ana, ben, gid = _pair(make_profile, relay)
    cy = make_profile("Cy")
    _join(ana, cy, gid)
    ana.governance.set_role(gid, "Ben", "admin")
    for svc in (ana, ben, cy, ana, ben, cy):
        svc.sync_once()
    return ana, ben, cy, gid


def library_item(admin: Services, member: Services, gid: str) -> str:
    """The member's post "Field guide", put in the library by the admin as "Guide" (tagged
    start); returns the item id. Nobody else has heard of the item yet."""
    post = member.posts.post(gid, "Field guide").id
    member.sync_once()
    admin.sync_once()
    return admin.library.add(gid, post, "Guide", ["start"])


def one_group_store(tmp_path: Path, name: str = "s") -> Store:
    """A store holding group G and its one post b"p" (what library rows point at)."""
    store = Store.open(tmp_path / name, os.urandom(32))
    store.groups.add_group(GroupRecord(G, "G", "u", "admin", b"", 1, 1))
    store.posts.insert_posts([NewPost(G, b"p", b"A" * 32, "Ana", 1, 1, 1, text="post")])
    return store


def guide(item: bytes, title: str = "Guide") -> LibraryRow:
    """The library row of post b"p" in group G, tagged start, not pinned."""
    return LibraryRow(G, item, b"p", b"M" * 32, 10, title, "", ("start",), "", False)


def every_arrival_order(store: Store, edits: Sequence[Edit],
                        apply_edit: Callable[[Store, bytes, Edit], object]) -> int:
    """Replay, in one transaction, each order of an item's add and its `edits` (one item
    per order: item n is n as 32 bytes, titled "Guide n"); returns how many orders."""
    arrivals = list(itertools.permutations(["add", *edits]))

    def apply(st: Store) -> None:
        with st.transaction():
            for n, arrival in enumerate(arrivals):
                item = n.to_bytes(32, "big")
                for step in arrival:
                    if step == "add":
                        st.files.library_add(guide(item, f"Guide {n}"))
                    else:
                        apply_edit(st, item, step)

    store.run(apply)
    return len(arrivals)
