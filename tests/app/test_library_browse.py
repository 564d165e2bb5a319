"""Browsing the library: files, links and library items filtered by channel and by member,
and sorted (newest, oldest, name, size) — two real profiles on a real relay."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from app.api import Services
from app.errors import InvalidInput, NotAllowed, NotFound
from crypto.file_payloads import LibraryTags
from tests.app.test_channels import _forge
from tests.app.test_files import _pair
from tests.e2e.harness import RelayProcess

pytestmark = pytest.mark.timeout(240)


def _put(tmp_path: Path, name: str, size: int) -> Path:
    path = tmp_path / name
    path.write_bytes(os.urandom(size))
    return path


def test_files_filter_by_channel_and_member_and_sort(
        make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    ana.channels.create(gid, "Reading")
    ana.sync_once()
    ben.sync_once()
    reading = ben.files.channel_id(gid, "Reading")
    a_post = ana.files.attach(gid, [_put(tmp_path, "b-notes.pdf", 3000)]).post_id
    ana.sync_once()
    b_post = ben.files.attach(gid, [_put(tmp_path, "a-photo.png", 9000)], "",
                              reading).post_id
    ben.posts.post(gid, "See https://example.org/zz-guide")
    ben.sync_once()
    ana.sync_once()

    every = ana.files.list(gid)
    assert {getattr(v, "name", None) or getattr(v, "url", None) for v in every} == {
        "b-notes.pdf", "a-photo.png", "https://example.org/zz-guide"}
    in_reading = ana.files.list(gid, channel=reading)
    assert [v.post_id for v in in_reading] == [b_post]
    bens = ana.files.list(gid, member="Ben")
    anas = ana.files.list(gid, member="Ana")
    assert [v.post_id for v in anas] == [a_post]
    assert len(bens) == 2 and {v.sender for v in bens} != {anas[0].sender}
    assert len({v.sender for v in bens}) == 1
    assert ana.files.list(gid, member=bens[0].sender[:9]) == bens    # by fingerprint

    names = [getattr(v, "name", None) or v.url for v in ana.files.list(gid, sort="name")]
    assert names == ["a-photo.png", "b-notes.pdf", "https://example.org/zz-guide"]
    sizes = [getattr(v, "size", None) for v in ana.files.list(gid, sort="size")]
    assert sizes == [9000, 3000, None]
    newest = [v.post_id for v in ana.files.list(gid, kind="images", sort="newest")]
    assert newest == [b_post]
    oldest = ana.files.list(gid, sort="oldest")
    assert [v.sent_at for v in oldest] == sorted(v.sent_at for v in every)
    assert sorted(map(repr, oldest)) == sorted(map(repr, every))

    with pytest.raises(InvalidInput):
        ana.files.list(gid, sort="colour")
    with pytest.raises(NotFound):
        ana.files.list(gid, member="Nobody")


def test_library_items_filter_by_channel_and_member(
        make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    ana.channels.create(gid, "Reading")
    ana.sync_once()
    ben.sync_once()
    reading = ben.files.channel_id(gid, "Reading")
    general = ana.posts.post(gid, "Read https://example.org/a").id
    other = ben.files.attach(gid, [_put(tmp_path, "x.txt", 10)], "", reading).post_id
    ana.sync_once()
    ben.sync_once()
    ana.sync_once()
    ben.library.add(gid, general, "From general")
    ana.library.add(gid, other, "From reading")
    ben.sync_once()
    ana.sync_once()
    ben.sync_once()
    for svc in (ana, ben):
        assert [i.title for i in svc.library.items(gid, channel=reading)] == ["From reading"]
        assert [i.title for i in svc.library.items(gid, member="Ben")] == ["From general"]
        assert {i.title for i in svc.library.items(gid)} == {"From general", "From reading"}


def test_admins_edit_the_tags_of_a_library_item_and_a_members_edit_counts_nowhere(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    post = ben.posts.post(gid, "Notes at https://example.org/notes").id
    ben.sync_once()
    ana.sync_once()
    item = ben.library.add(gid, post, "Notes", ["draft"])
    ben.sync_once()
    ana.sync_once()
    with pytest.raises(NotAllowed):
        ben.library.set_tags(gid, item, ["mine"])
    with pytest.raises(InvalidInput):
        ana.library.set_tags(gid, item, ["x" * 300])
    ana.library.set_tags(gid, item[:10], ["reading", "spring", "reading"])
    ana.sync_once()
    ben.sync_once()
    for svc in (ana, ben):
        assert [i.tags for i in svc.library.items(gid)] == [("reading", "spring")]

    # a member's client that believes itself an admin: every other client ignores the edit
    _forge(ben, gid, LibraryTags(bytes.fromhex(item), ("hijacked",)))
    ana.sync_once()
    assert [i.tags for i in ana.library.items(gid)] == [("reading", "spring")]
    ana.library.set_tags(gid, item, [])
    ana.sync_once()
    ben.sync_once()
    assert [i.tags for i in ben.library.items(gid)] == [()]


def test_search_finds_library_items_by_title_description_tags_and_link_and_files_by_name(
        make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    doc = ben.files.attach(gid, [_put(tmp_path, "moorland-survey.pdf", 500)],
                           "Field notes from the walk").post_id
    link_post = ben.posts.post(gid, "Maps at https://example.org/tors").id
    ben.sync_once()
    ana.sync_once()
    item = ana.library.add(gid, doc, "Heather census", ["botany"], "Counts per square")
    ana.library.add(gid, link_post, "Ordnance sheets", link="https://example.org/tors")
    ana.sync_once()
    ben.sync_once()

    for svc in (ana, ben):                       # the author's and a receiver's index
        def kinds(query: str, svc: Services = svc) -> list[tuple[str, str]]:
            return [(h.kind, h.post_id) for h in svc.search.find(query, gid)]

        assert kinds("heather") == [("library", doc)]          # title
        assert kinds("squar") == [("library", doc)]            # description, as a prefix
        assert kinds("botany") == [("library", doc)]           # tag
        assert kinds("ordnance") == [("library", link_post)]   # a link's title
        assert ("library", link_post) in kinds("tors")         # the link itself, and the post
        assert kinds("moorland") == [("post", doc)]            # the file's name
        assert kinds("field notes") == [("post", doc)]         # the caption
        [hit] = svc.search.find("census")
        assert hit.sender_name == "Ana" and "\x02census\x03" in hit.snippet
        assert hit.group_name == "Book club"

    ana.library.set_tags(gid, item, ["mosses"])    # an admin's curation reaches the index
    ana.sync_once()
    ben.sync_once()
    assert [h.kind for h in ben.search.find("mosses", gid)] == ["library"]
    assert ben.search.find("botany", gid) == []
    ana.library.remove(gid, item)                   # removed from the library: not found
    ana.sync_once()
    ben.sync_once()
    assert ben.search.find("heather") == [] and ana.search.find("heather") == []
    assert [h.kind for h in ben.search.find("moorland")] == ["post"]   # the post stays
    ben.posts.delete(gid, link_post)                # a deleted post takes its item along
    ben.sync_once()
    ana.sync_once()
    assert ana.search.find("ordnance") == []
