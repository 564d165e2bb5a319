"""A restored profile becomes a new device of the same member, through real parts: three
profiles on a real relay, Ana backed up, restored on a "new machine" while the old one
keeps posting, then the old machine revoked from the restored one (protocol §16.8,
app/device_restore.py)."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.api import Services
from app.errors import NotAllowed
from crypto.params import PREKEY_ROTATE_SECONDS
from crypto.relay_wire import MailboxCapability
from sync.errors import SyncError
from sync.transport import RelayClient
from tests.app.test_devices import link_device, post_anyway, texts
from tests.e2e.harness import RelayProcess
from tests.keyring_double import MemoryKeyring

pytestmark = pytest.mark.timeout(240)


def _warnings(svc: Services, gid: str) -> list[str]:
    rt = svc._access.runtime()
    return [w.text for w in rt.store.groups.list_warnings(bytes.fromhex(gid))]


def _sync(*svcs: Services) -> None:
    for svc in svcs:
        svc.sync_once()


@pytest.fixture
def restored(make_profile: Callable[[str], Services], relay: RelayProcess, tmp_path: Path,
             memory_keyring: MemoryKeyring):  # type: ignore[no-untyped-def]
    ana = Services(tmp_path / "Ana", keyring_backend=memory_keyring)
    code = ana.profile.create("Ana")
    ben, cai = make_profile("Ben"), make_profile("Cai")
    gid = ana.groups.create("Book club", relay.url).id
    for joiner in (ben, cai):
        link = ana.invites.create(gid).link
        ana.sync_once()
        assert joiner.invites.join(link).status == "waiting"
        joiner.sync_once()
        assert ana.sync_once().admitted == 1
        assert joiner.sync_once().joined == (gid,)
    _sync(ben, cai, ana)
    ana.posts.post(gid, "before the backup")
    ana.sync_once()
    ana.backup.remember_code(code)
    file = tmp_path / "ana.coterie-backup"
    ana.backup.create(file)
    ana.posts.post(gid, "after the backup")
    _sync(ana, ben, cai)
    offset = [0.0]      # the restored profile's protocol clock (tests move it on)
    new = Services(tmp_path / "ana-new", keyring_backend=memory_keyring,
                   clock=lambda: time.time() + offset[0])
    new.offset = offset  # type: ignore[attr-defined]
    info = new.backup.restore(file, code, None, device_name="new desktop")
    assert info.fingerprint == ana.profile.me().fingerprint and info.caught_up
    yield ana, ben, cai, new, gid
    new.close()
    ana.close()


def test_a_restored_profile_is_a_second_device_beside_the_old_machine(restored) -> None:  # type: ignore[no-untyped-def]
    ana, ben, cai, new, gid = restored
    assert ("Ana", "after the backup") in texts(new, gid)       # read before it went on
    listed = new.devices.list()
    assert [(d.first, d.this_device, d.revoked) for d in listed] == [
        (True, False, False), (False, True, False)]
    assert listed[1].name == "new desktop"
    ana.sync_once()                   # the old machine learns of the new device
    assert [d.id for d in ana.devices.list()] == [d.id for d in listed]
    # both machines post, without reading each other in between, several times
    for i in range(3):
        new.posts.post(gid, f"restored {i}")
        ana.posts.post(gid, f"old {i}")
        _sync(new, ana)
    _sync(ben, cai, new, ana)
    for svc in (ben, cai, ana, new):
        got = texts(svc, gid)
        for i in range(3):
            assert got.count(("Ana", f"restored {i}")) == 1, (svc.profile_dir, got)
            assert got.count(("Ana", f"old {i}")) == 1, (svc.profile_dir, got)
    for svc in (ben, cai, new):
        assert not _warnings(svc, gid), (svc.profile_dir, _warnings(svc, gid))
    mine = [p for p in ana.posts.latest(gid, 100).posts if p.text == "restored 0"]
    assert mine[0].mine


def test_the_restored_device_revokes_the_old_machine_and_keeps_administering(
        restored, relay: RelayProcess) -> None:  # type: ignore[no-untyped-def]
    ana, ben, cai, new, gid = restored
    with pytest.raises(NotAllowed):          # no device revokes itself
        ana.devices.revoke(ana.devices.list()[0].id)
    old_caps = {mb.id: mb.capability for mb in
                ana._access.runtime().session(bytes.fromhex(gid)).mailboxes(int(time.time()))}
    first = new.devices.list()[0]
    assert new.devices.revoke(first.id) == 1     # Ana's only admin device starts the new period
    _sync(new, ben, cai, ana)
    assert new.devices.list()[0].revoked
    assert [d.revoked for d in ben.devices.list()] == [False]   # Ben's own, untouched
    ben.posts.post(gid, "after the revocation")
    _sync(ben, cai, new, ana)
    assert ("Ben", "after the revocation") in texts(new, gid)
    assert ("Ben", "after the revocation") in texts(cai, gid)
    assert ("Ben", "after the revocation") not in texts(ana, gid)
    # the relay refuses the old machine's writes to the new key period's mailbox
    new_mb = new._access.runtime().session(bytes.fromhex(gid)).mailboxes(int(time.time()))[0]
    assert new_mb.id not in old_caps
    old = next(iter(old_caps.values()))
    forged = MailboxCapability(new_mb.id, old.write_seed, old.read_seed)

    async def try_write() -> None:
        client = RelayClient(relay.url, clock=time.time, rng=lambda n: b"\1" * n)
        try:
            await client.append(forged, [b"\0" * 1024])
        finally:
            await client.aclose()

    with pytest.raises(SyncError):
        asyncio.run(try_write())
    # what the old machine still sends (as the member's identity key) is refused by all
    post_anyway(ana, gid, "the old machine speaking")
    _sync(ben, cai, new)
    for svc in (ben, cai, new):
        assert ("Ana", "the old machine speaking") not in texts(svc, gid)
    # the restored device, holding the identity key, is still the group's admin
    new.groups.remove_member(gid, "Cai")
    _sync(new, ben, cai)
    assert [m.name for m in ben.groups.members(gid)] == ["Ana", "Ben"]
    new.posts.post(gid, "just us now")
    _sync(new, ben, cai)
    assert ("Ana", "just us now") in texts(ben, gid)
    assert ("Ana", "just us now") not in texts(cai, gid)
    # ... and invites and admits (its invite link names Ana's identity key)
    dan = Services(new.profile_dir.parent / "Dan", keyring_backend=new._keyring_backend)
    try:
        dan.profile.create("Dan")
        link = new.invites.create(gid).link
        new.sync_once()
        assert dan.invites.join(link).status == "waiting"
        dan.sync_once()
        assert new.sync_once().admitted == 1
        assert dan.sync_once().joined == (gid,)
        _sync(ben, new)
        dan.posts.post(gid, "hello, I am Dan")
        _sync(dan, new, ben)
        assert ("Dan", "hello, I am Dan") in texts(new, gid)
        assert ("Ana", "just us now") not in texts(dan, gid)     # no history for joiners
        new.posts.post(gid, "welcome Dan")
        _sync(new, dan)
        assert ("Ana", "welcome Dan") in texts(dan, gid)
    finally:
        dan.close()


def test_the_restored_device_links_another_desktop(
        restored, tmp_path: Path, memory_keyring: MemoryKeyring) -> None:  # type: ignore[no-untyped-def]
    ana, ben, cai, new, gid = restored
    lap = link_device(new, tmp_path, memory_keyring, "laptop")
    try:
        lap.posts.post(gid, "from the laptop")
        _sync(lap, ben, new, ana)
        for svc in (ben, new, ana):
            assert ("Ana", "from the laptop") in texts(svc, gid)
        assert sorted(d.name for d in lap.devices.list()[1:]) == ["laptop", "new desktop"]
        with pytest.raises(NotAllowed):       # a plain linked desktop holds no identity key
            lap.devices.link(lambda _code: None, lambda _w, _n: True)
    finally:
        lap.close()


def test_the_restored_device_creates_and_joins_groups_and_rotates_the_key_it_holds(
        restored, relay: RelayProcess) -> None:  # type: ignore[no-untyped-def]
    ana, ben, cai, new, gid = restored
    # a group it creates: it founds it as the member (the identity key it holds seals there)
    mine = new.groups.create("Elsewhere", relay.url).id
    link = new.invites.create(mine).link
    new.sync_once()
    assert ben.invites.join(link).status == "waiting"
    ben.sync_once()
    assert new.sync_once().admitted == 1
    assert ben.sync_once().joined == (mine,)
    new.posts.post(mine, "my own group")
    _sync(new, ben)
    assert ("Ana", "my own group") in texts(ben, mine)
    # a group it joins
    theirs = cai.groups.create("Cai's", relay.url).id
    link = cai.invites.create(theirs).link
    cai.sync_once()
    assert new.invites.join(link).status == "waiting"
    new.sync_once()
    assert cai.sync_once().admitted == 1
    assert new.sync_once().joined == (theirs,)
    cai.posts.post(theirs, "hi Ana")
    _sync(cai, new)
    assert ("Cai", "hi Ana") in texts(new, theirs)
    # a week on: its device key and the identity key it holds both rotate their prekey,
    # each announced where it seals
    rt = new._access.runtime()
    device_spk, held_spk = rt.identity.spk, rt.member_key.spk
    new.offset[0] = PREKEY_ROTATE_SECONDS + 60
    new.sync_once()
    assert rt.identity.spk != device_spk and rt.member_key.spk != held_spk
    _sync(ben, cai)
    me = rt.me
    for svc, group in ((ben, mine), (cai, theirs)):
        assert svc._access.runtime().session(bytes.fromhex(group)).member(me).spk == \
            rt.member_key.spk
    session = ben._access.runtime().session(bytes.fromhex(gid))
    [rec] = [r for r in session.device_records(me) if r.cert.device_pk == rt.identity.ik]
    assert session.state.devices.prekey_of(rec.cert) == rt.identity.spk
    # the held key survives a restart
    key_hex = rt.store.settings.get("device.member_key")
    assert key_hex and bytes.fromhex(key_hex) == rt.member_key.to_bytes()
    # revoking the old machine touches only the groups it shares with it
    first = new.devices.list()[0]
    assert new.devices.revoke(first.id) == 1
