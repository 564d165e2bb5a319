"""A removal that crosses a post on the relay: every member keeps the removed member's last
post, whichever of the two they read first, and nothing the removed member sends after it.

Real services, a real relay on loopback: Ana (admin) removes Fay while Fay's last post is
already on the relay but not yet read by Ana."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.api import Services
from tests.e2e.harness import RelayProcess
from tests.keyring_double import MemoryKeyring

pytestmark = pytest.mark.timeout(120)


def _club(make: Callable[[str], Services],
          relay: RelayProcess) -> tuple[Services, Services, Services, str]:
    ana, bea, fay = make("Ana"), make("Bea"), make("Fay")
    gid = ana.groups.create("Club", relay.url).id
    for joiner in (bea, fay):
        link = ana.invites.create(gid).link
        ana.sync_once()
        joiner.invites.join(link)
        joiner.sync_once()
        assert ana.sync_once().admitted == 1
        assert joiner.sync_once().joined == (gid,)
        for svc in (ana, bea, fay):  # sender keys of the new epoch reach everyone
            svc.sync_once()
    return ana, bea, fay, gid


def _texts(svc: Services, gid: str) -> list[str]:
    return [p.text for p in svc.posts.latest(gid).posts if p.kind == "post"]


def _warnings(svc: Services, gid: str) -> list[str]:
    return [p.text for p in svc.posts.latest(gid).posts if p.kind == "warning"]


def test_a_post_sent_before_the_removal_is_kept_by_every_member(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, bea, fay, gid = _club(make_profile, relay)
    fay.posts.post(gid, "before removal")
    fay.sync_once()  # on the relay, not yet read by Ana or Bea
    fay_fp = fay.profile.me().fingerprint
    ana.groups.remove_member(gid, fay_fp)
    outcome = ana.sync_once()  # reads Fay's post, then her own remove entry
    assert outcome.warnings == ()
    assert _texts(ana, gid) == ["before removal"]
    assert _warnings(ana, gid) == []
    assert [p.sender_name for p in ana.posts.latest(gid).posts if p.kind == "post"] == ["Fay"]
    bea.sync_once()  # reads the post, then the remove entry
    assert _texts(bea, gid) == ["before removal"]
    assert [m.name for m in ana.groups.members(gid)] == ["Ana", "Bea"]
    assert [m.name for m in bea.groups.members(gid)] == ["Ana", "Bea"]


def test_the_removed_member_cannot_post_after_the_remove_entry(
        make_profile: Callable[[str], Services], relay: RelayProcess) -> None:
    ana, bea, fay, gid = _club(make_profile, relay)
    ana.groups.remove_member(gid, fay.profile.me().fingerprint)
    ana.sync_once()  # the remove entry is on the relay, read back by Ana
    # Fay's client has not read it yet: its post lands behind the entry in the old mailbox
    fay.posts.post(gid, "after removal")
    fay.sync_once()
    for svc in (ana, bea):
        svc.sync_once()
        assert "after removal" not in _texts(svc, gid)
    assert fay.groups.get(gid).status == "removed"


def test_a_remove_entry_queued_before_a_restart_still_finds_its_place(
        make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path,
        memory_keyring: MemoryKeyring) -> None:
    ana, bea, fay, gid = _club(make_profile, relay)
    fay.posts.post(gid, "before removal")
    fay.sync_once()
    ana.groups.remove_member(gid, fay.profile.me().fingerprint)
    ana.close()  # the entry waits in the outbox; the app starts again before sending it
    ana = Services(tmp_path / "Ana", keyring_backend=memory_keyring)
    ana.profile.unlock()
    try:
        ana.sync_once()
        fay.posts.post(gid, "after removal")  # lands behind the entry
        fay.sync_once()
        assert ana.sync_once().warnings != ()
        assert _texts(ana, gid) == ["before removal"]
        bea.sync_once()
        assert _texts(bea, gid) == ["before removal"]
    finally:
        ana.close()
