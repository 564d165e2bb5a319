"""The services facade in-process: real stores, real crypto, a real relay on loopback."""
from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.api import Services
from app.errors import InvalidInput, NotAllowed, NotFound, ProfileError
from app.views import ChangeEvent, ChangeKind, ConnectionState, Page, ProfileState
from tests.e2e.harness import RelayProcess
from tests.keyring_double import MemoryKeyring

pytestmark = pytest.mark.timeout(90)


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def _pair(make: Callable[[str], Services], relay: RelayProcess) -> tuple[Services, Services, str]:
    ana, ben = make("Ana"), make("Ben")
    gid = ana.groups.create("Book club", relay.url).id
    link = ana.invites.create(gid).link
    ana.sync_once()
    assert ben.invites.join(link).status == "waiting"
    ben.sync_once()
    assert ana.sync_once().admitted == 1
    assert ben.sync_once().joined == (gid,)
    return ana, ben, gid


def test_a_profile_is_created_locked_and_unlocked(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    svc = Services(tmp_path / "p", keyring_backend=memory_keyring)
    assert svc.profile.state() is ProfileState.NEW
    with pytest.raises(ProfileError):
        svc.groups.list()
    code = svc.profile.create("  Ana  ")
    me = svc.profile.me()
    assert me.name == "Ana" and me.protection == "keyring" and len(code) > 20
    svc.close()
    again = Services(tmp_path / "p", keyring_backend=memory_keyring)
    assert again.profile.state() is ProfileState.LOCKED and again.profile.unlock_info().keyring
    again.profile.unlock()
    assert again.profile.me().fingerprint == me.fingerprint
    again.close()


def test_a_lost_keyring_entry_is_recovered_with_the_code(tmp_path: Path,
                                                         memory_keyring: MemoryKeyring) -> None:
    svc = Services(tmp_path / "p", keyring_backend=memory_keyring)
    code = svc.profile.create("Ana")
    fingerprint = svc.profile.me().fingerprint
    svc.close()
    memory_keyring.entries.clear()
    again = Services(tmp_path / "p", keyring_backend=memory_keyring)
    with pytest.raises(ProfileError):
        again.profile.unlock()
    again.profile.unlock_with_recovery(code, None)
    assert again.profile.me().fingerprint == fingerprint
    again.close()


def test_settings_are_kept_and_checked(make_profile: Callable[[str], Services]) -> None:
    ana = make_profile("Ana")
    ana.settings.update(default_relay="http://127.0.0.1:8765/", theme="dark")
    assert ana.settings.get().default_relay == "http://127.0.0.1:8765"
    assert ana.settings.get().theme == "dark"
    with pytest.raises(InvalidInput):
        ana.settings.update(theme="purple")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        ana.groups.create("   ", "http://127.0.0.1:8765")


def _posts_of(page: Page) -> list[str]:
    """The posts of a page, without the membership notes shown between them."""
    return [p.id for p in page.posts if p.kind == "post"]


def test_posts_flow_both_ways_with_paging_and_search(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    ids = [ana.posts.post(gid, f"post number {i}").id for i in range(12)]
    ana.sync_once()
    assert ben.sync_once().new_posts == 12
    latest = ben.posts.latest(gid, 5)
    assert _posts_of(latest) == ids[-5:] and latest.more_before
    older = ben.posts.before(gid, ids[-5], 5)
    assert _posts_of(older) == ids[2:7]
    newer = ben.posts.after(gid, ids[2], 3)
    assert _posts_of(newer) == ids[3:6]
    around = ben.posts.around(gid, ids[6], 4)
    assert ids[6] in [p.id for p in around.posts]
    hits = ben.search.find("number 7", gid)
    assert hits and hits[0].post_id == ids[7]
    assert ben.groups.get(gid).unread == 12
    ben.groups.mark_read(gid)
    assert ben.groups.get(gid).unread == 0
    with pytest.raises(NotFound):
        ben.posts.get(gid, "00" * 32)


def test_only_the_author_edits_and_only_admins_delete_others(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    pid = ana.posts.post(gid, "mine").id
    ana.sync_once()
    ben.sync_once()
    with pytest.raises(NotAllowed):
        ben.posts.edit(gid, pid, "not mine")
    with pytest.raises(NotAllowed):
        ben.posts.delete(gid, pid)
    mine = ben.posts.post(gid, "ben's").id
    ben.sync_once()
    ana.sync_once()
    ana.posts.delete(gid, mine)
    ana.sync_once()
    ben.sync_once()
    assert ben.posts.get(gid, mine).deleted_by == "Ana"


def test_listeners_hear_live_posts_from_a_sync_thread(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    got = threading.Event()
    seen: list[tuple[ChangeEvent, str]] = []

    def listener(event: ChangeEvent) -> None:
        seen.append((event, threading.current_thread().name))
        if event.kind is ChangeKind.POSTS and event.incoming:
            got.set()

    ben.add_listener(listener)
    ben.start()
    ana.start()
    try:
        deadline = time.monotonic() + 10
        while ben.connection().state is not ConnectionState.ONLINE and time.monotonic() < deadline:
            time.sleep(0.05)
        pid = ana.posts.post(gid, "live hello").id
        assert got.wait(10)
        assert ben.posts.get(gid, pid).text == "live hello"
        assert all(name != threading.main_thread().name for e, name in seen
                   if e.kind is ChangeKind.POSTS and e.incoming)
    finally:
        ana.stop()
        ben.stop()


def test_a_relay_that_has_not_answered_yet_is_not_shown_online(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, _gid = _pair(make_profile, relay)
    assert relay.proc is not None
    assert ben.connection().detail == "Connecting…"   # before live sync starts
    relay.proc.send_signal(signal.SIGSTOP)   # connections are accepted, nothing answers
    try:
        ben.start()
        status = ben.connection()
        assert status.state is ConnectionState.SYNCING
    finally:
        relay.proc.send_signal(signal.SIGCONT)
    deadline = time.monotonic() + 20
    while ben.connection().state is not ConnectionState.ONLINE and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        assert ben.connection().state is ConnectionState.ONLINE
    finally:
        ben.stop()


def test_scheduled_rotation_moves_the_group_to_a_new_mailbox(
        tmp_path: Path, memory_keyring: MemoryKeyring, relay: RelayProcess) -> None:
    clock = Clock()
    made = []

    def make(name: str) -> Services:
        svc = Services(tmp_path / name, keyring_backend=memory_keyring, clock=clock)
        svc.profile.create(name)
        made.append(svc)
        return svc

    try:
        ana, ben, gid = _pair(make, relay)
        before = {mb.id for mb in ana._access.runtime().session(bytes.fromhex(gid)).mailboxes(int(clock.now))
                  if mb.current}
        clock.now += 7 * 86400 + 60
        ana.sync_once()
        after = {mb.id for mb in ana._access.runtime().session(bytes.fromhex(gid)).mailboxes(int(clock.now))
                 if mb.current}
        assert before and after and before != after
        ben.sync_once()
        pid = ana.posts.post(gid, "after rotation").id
        ana.sync_once()
        ben.sync_once()
        assert ben.posts.get(gid, pid).text == "after rotation"
    finally:
        for svc in made:
            svc.close()


def test_a_live_join_completes_while_both_apps_run(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben = make_profile("Ana"), make_profile("Ben")
    joined = threading.Event()
    ben.add_listener(lambda e: joined.set() if e.kind is ChangeKind.JOINS and e.group_id else None)
    ana.start()
    ben.start()
    try:
        gid = ana.groups.create("Live club", relay.url).id
        link = ana.invites.create(gid).link          # usable as soon as it returns
        assert ben.invites.join(link).message == "Waiting for an admin to come online."
        assert joined.wait(15)
        assert [j.status for j in ben.invites.joins()] == ["joined"]
        assert ben.groups.get(gid).member_count == 2
    finally:
        ana.stop()
        ben.stop()


def test_the_default_relay_is_one_setting_that_new_groups_use(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana = make_profile("Ana")
    with pytest.raises(InvalidInput):
        ana.groups.create("Nowhere")
    assert ana.settings.adopt_default_relay(relay.url) == relay.url
    assert ana.settings.get().default_relay == relay.url == ana.settings.default_relay()
    assert ana.settings.adopt_default_relay("https://other.example.org") == relay.url
    assert ana.groups.create("Garden").relay == relay.url


def test_capabilities_and_sync_are_made_on_first_use_and_the_outbox_waits_for_them(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, ben, gid = _pair(make_profile, relay)
    ana.close()
    ana.profile.unlock()
    assert ana._access.syncer_if_open() is None       # unlocking makes no sync engine
    assert "search" not in vars(ana) and ana.search is ana.search
    sent = ana.posts.post(gid, "written before the sync engine existed").id
    assert ana._access.syncer_if_open() is None
    ana.sync_once()                                   # made now, it takes the stored outbox
    assert ben.sync_once().new_posts == 1
    assert ben.posts.get(gid, sent).text == "written before the sync engine existed"
