"""A profile restored from a backup becomes a new device of the same member (docs/protocol.md
§16.8): it keeps the identity key, certifies a device key of its own and seals with it,
so the old machine keeps working beside it; it can revoke the old machine (the IK as a
sender), after which the IK sends nothing anyone accepts and receives no new keys."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from crypto import (
    AuthError,
    ContentRefused,
    GroupSession,
    Identity,
    IntegrityWarning,
    NotAllowed,
    Post,
)
from crypto.codec import decode_state, encode_state
from crypto.devices import DeviceCert, DeviceCertificate, DeviceRevoke, Devices, certify
from crypto.events import DeviceChanged
from tests.crypto.conftest import DetRng, Net, Peer, found, join, make_peer
from tests.crypto.test_devices import link, posts

Backup = tuple[bytes, dict[bytes, int]]


def backup(peer: Peer) -> Backup:
    assert peer.session is not None
    return peer.session.to_bytes(), dict(peer.cursors)


def restore(net: Net, old: Peer, saved: Backup, name: str = "ana-restored") -> Peer:
    """What `backup restore` does: read what the relay holds since the backup (as the
    member's IK, stepping past the old machine's places), then continue as a new device
    whose key the IK certifies, announced with its first sender key; the IK is held beside
    it and never seals again."""
    blob, cursors = saved
    copy = Peer("copy", old.identity, DetRng(name + "-copy"),
                GroupSession.from_bytes(blob, old.identity), dict(cursors))
    net.pump(copy)
    rng = DetRng(name)
    device = Identity.generate(net.now, rng)
    cert = certify(old.identity, device.ik, device.spk, name, net.now)
    assert copy.session is not None
    state = copy.session.restored_device(device, cert, rng)
    peer = Peer(name, device, rng, GroupSession.from_bytes(state, device, old.identity),
                dict(copy.cursors))
    net.send(peer.session.start_device(net.now, rng, cert))
    return peer


def refuse(net: Net, peer: Peer) -> list[str]:
    """Deliver what `peer` has not read, envelope by envelope, collecting the errors of
    those it rejects (Net.pump stops at the first)."""
    errors = []
    assert peer.session is not None
    for mb in peer.session.mailboxes(net.now):
        box = net.boxes.get(mb.id, [])
        for body in box[peer.cursors.get(mb.id, 0):]:
            try:
                opened = peer.session.open(mb.id, body, net.now, peer.rng)
            except AuthError as exc:
                errors.append(str(exc))
                continue
            peer.events.extend(opened.events)
            net.send(opened.outgoing)
        peer.cursors[mb.id] = len(box)
    return errors


def warnings(peer: Peer) -> list[str]:
    return [e.detail for e in peer.of(IntegrityWarning)]


def test_a_restored_profile_is_a_new_device_and_the_old_machine_keeps_working(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    saved = backup(ana)
    net.send(ana.session.seal(Post("after the backup"), net.now, ana.rng).outgoing)
    net.pump(ana, ben, cai)
    new = restore(net, ana, saved)
    assert new.session.member_ik == ana.identity.ik and new.session.holds_member_key
    assert not new.session.holds_identity
    net.pump(ana, ben, cai, new)
    for i in range(3):      # both machines post, in turns and without reading in between
        net.send(new.session.seal(Post(f"restored {i}"), net.now, new.rng).outgoing)
        net.send(ana.session.seal(Post(f"old {i}"), net.now, ana.rng).outgoing)
    net.pump(ana, ben, cai, new)
    me = ana.identity.ik
    expected = [(me, t) for i in range(3) for t in (f"restored {i}", f"old {i}")]
    assert posts(ben)[-6:] == expected == posts(cai)[-6:]
    assert posts(ana)[-3:] == [(me, f"restored {i}") for i in range(3)]
    assert posts(new)[-3:] == [(me, f"old {i}") for i in range(3)]
    # one member, one safety number, no fork anywhere: the restored profile never sealed
    # as the IK, so it took no place of the old machine's
    for p in (ben, cai, ana, new):
        assert not warnings(p), p.name
    for p in (ana, ben, cai):
        assert [(e.device_pk, e.revoked) for e in p.of(DeviceChanged)] == [
            (new.identity.ik, False)]
    assert [m.ik for m in ben.session.members()] == [p.identity.ik for p in trio]
    # the restored device rotates keys with the others: a new key period reaches both
    net.send(ana.session.rotate(net.now, ana.rng))
    net.pump(ana, ben, cai, new)
    net.send(new.session.seal(Post("next period"), net.now, new.rng).outgoing)
    net.pump(ana, ben, cai, new)
    assert posts(ben)[-1] == (me, "next period") == posts(ana)[-1]


def test_the_restored_device_revokes_the_old_machine(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio             # Ana founded the group: its only admin
    new = restore(net, ana, backup(ana))
    net.pump(ana, ben, cai, new)
    old_epoch = ben.session.epoch
    late = ana.session.seal(Post("the thief speaking"), net.now, ana.rng)
    out = new.session.revoke_device(ana.identity.ik, net.now, new.rng)
    # Ana's only admin device left is the restored one: it starts the new period at once
    assert len(out) > 1
    net.send(out)
    net.send(late.outgoing)
    assert refuse(net, ben) == ["the sender is not a member of this group"]
    assert refuse(net, cai) == ["the sender is not a member of this group"]
    assert refuse(net, new) == ["the sender is not a member of this group"]
    refuse(net, ana)
    net.pump(ana, ben, cai, new)
    assert ben.session.first_device_revoked(ana.identity.ik)
    assert [e.revoked for e in ben.of(DeviceChanged) if e.device_pk == ana.identity.ik] == [True]
    assert ben.session.epoch == old_epoch + 1 == new.session.epoch == cai.session.epoch
    assert ana.session.epoch == old_epoch          # boxed nothing: reads nothing new
    assert all(mb.id != ben.session.mailboxes(net.now)[0].id
               for mb in ana.session.mailboxes(net.now))
    assert "the thief speaking" not in [t for _, t in posts(ben)]
    # the member goes on from the restored device, as admin too
    net.send(new.session.seal(Post("still me"), net.now, new.rng).outgoing)
    net.send(new.session.remove(cai.identity.ik, net.now, new.rng))
    net.pump(ben, cai, new)
    assert posts(ben)[-1] == (ana.identity.ik, "still me")
    assert cai.identity.ik not in {m.ik for m in ben.session.members()}
    assert ben.session.epoch == new.session.epoch == old_epoch + 2
    # and can link a new device with the identity key it holds
    rng = DetRng("ana-laptop")
    device = Identity.generate(net.now, rng)
    cert = certify(ana.identity, device.ik, device.spk, "ana-laptop", net.now)
    net.send(new.session.certify_device(cert, net.now, new.rng).outgoing)
    lap = Peer("ana-laptop", device, rng,
               GroupSession.from_bytes(new.session.for_device(device, rng), device),
               dict(new.cursors))
    net.send(lap.session.start_device(net.now, rng))
    net.pump(ben, new, lap)
    net.send(lap.session.seal(Post("from the laptop"), net.now, lap.rng).outgoing)
    net.pump(ben, new, lap)
    assert posts(ben)[-1] == (ana.identity.ik, "from the laptop")
    assert posts(new)[-1] == (ana.identity.ik, "from the laptop")


def test_a_linked_device_revokes_the_first_device_and_another_admin_rekeys(
        net: Net) -> None:
    ana, ben, cai = make_peer("ana"), make_peer("ben"), make_peer("cai")
    found(net, ana)
    join(net, ana, ben)
    join(net, ana, cai, others=(ben,))
    lap = link(net, ben, "ben-laptop")      # Ben is no admin; his first device is lost
    net.pump(ana, ben, cai, lap)
    net.send(lap.session.revoke_device(ben.identity.ik, net.now, lap.rng))
    net.pump(ana, ben, cai, lap)
    assert ana.session.rotation_due(net.now)     # the app rotates on this (as for devices)
    net.send(ana.session.rotate(net.now, ana.rng))
    net.pump(ana, ben, cai, lap)
    assert ana.session.epoch == cai.session.epoch == lap.session.epoch > ben.session.epoch
    net.send(ben.session.seal(Post("lost desktop"), net.now, ben.rng).outgoing)
    assert refuse(net, cai) == ["the sender is not a member of this group"]
    assert "lost desktop" not in [t for _, t in posts(cai)]
    net.send(lap.session.seal(Post("from the laptop"), net.now, lap.rng).outgoing)
    refuse(net, ana)
    refuse(net, lap)
    net.pump(ana, cai, lap)
    assert posts(cai)[-1] == (ben.identity.ik, "from the laptop")
    # a joiner learns of the revocation from the Welcome
    dan = make_peer("dan")
    join(net, ana, dan, others=(cai, lap))
    assert dan.session.first_device_revoked(ben.identity.ik)
    net.send(lap.session.seal(Post("hello Dan"), net.now, lap.rng).outgoing)
    net.pump(ana, cai, lap, dan)
    assert posts(dan)[-1] == (ben.identity.ik, "hello Dan")


def test_attack_the_revoked_identity_key_cannot_certify_change_or_post(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    new = restore(net, ana, backup(ana))
    net.pump(ana, ben, cai, new)
    net.send(new.session.revoke_device(ana.identity.ik, net.now, new.rng))
    net.pump(ben, cai, new)
    # the thief holding the IK certifies a device of their own and sends it from the IK
    thief = Identity.generate(net.now, DetRng("thief"))
    cert = certify(ana.identity, thief.ik, thief.spk, "thief", net.now)
    net.send(ana.session.seal(DeviceCertificate(cert), net.now, ana.rng).outgoing)
    assert "the sender is not a member of this group" in refuse(net, ben)
    assert thief.ik not in ben.session.state.devices.records
    # ...and changes the group from the IK (it still thinks it may)
    ana.session.state.devices.retired.clear()
    net.send(ana.session.remove(cai.identity.ik, net.now, ana.rng))
    assert "the sender is not a member of this group" in refuse(net, ben)
    assert cai.identity.ik in {m.ik for m in ben.session.members()}


def test_attack_who_may_revoke_a_first_device(trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    # a device cannot revoke itself; a member with no other device cannot lose it
    with pytest.raises(NotAllowed):
        ana.session.revoke_device(ana.identity.ik, net.now, ana.rng)
    with pytest.raises(NotAllowed, match="only device"):
        ana.session.revoke_device(ben.identity.ik, net.now, ana.rng)
    lap = link(net, ben, "ben-laptop")
    net.pump(ana, ben, cai, lap)
    with pytest.raises(NotAllowed):          # Cai is neither Ben nor an admin
        cai.session.revoke_device(ben.identity.ik, net.now, cai.rng)
    # bent clients send it anyway: every receiver refuses it
    for peer, target in ((cai, ben.identity.ik), (ben, ben.identity.ik)):
        net.send(peer.session.seal(DeviceRevoke(target, target), net.now, peer.rng).outgoing)
    net.pump(ana, lap)
    assert not ana.session.first_device_revoked(ben.identity.ik)
    reasons = [e.reason for e in ana.of(ContentRefused)]
    assert any("only the member or an admin" in r for r in reasons)
    assert any("cannot revoke itself" in r for r in reasons)
    # an admin may, for a member who lost it
    net.send(ana.session.revoke_device(ben.identity.ik, net.now, ana.rng))
    net.pump(ana, cai, lap)
    assert cai.session.first_device_revoked(ben.identity.ik)


def test_attack_a_control_entry_carried_by_another_members_device_is_rejected(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    lap = link(net, ana)                     # holds no IK: cannot sign entries
    net.pump(ana, ben, cai, lap)
    with pytest.raises(NotAllowed):
        lap.session.rotate(net.now, lap.rng)
    # Ben's bent client holds Ana's IK (say a thief gave it to him) and carries an entry it
    # signs in his own envelope: the entry's author is not the envelope's member
    state = ben.session.state
    state.me, state.member_key = ana.identity.ik, ana.identity
    net.send(ben.session.rotate(net.now, ben.rng)[:1])
    with pytest.raises(AuthError, match="not sent by its author"):
        net.pump(cai)


def test_revoked_first_devices_round_trip_in_the_state(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    new = restore(net, ana, backup(ana))
    net.pump(ana, ben, cai, new)
    blob_before = encode_state(ben.session.state)
    net.send(new.session.revoke_device(ana.identity.ik, net.now, new.rng))
    net.pump(ben)
    blob = encode_state(ben.session.state)
    assert blob != blob_before
    again = decode_state(blob, ben.identity)
    assert again.devices.retired == {ana.identity.ik: new.identity.ik}
    assert encode_state(again) == blob
    # a blob without revoked first devices is the version-1 blob byte for byte
    d = Devices()
    assert d.encode() == b"" and Devices.decode(ben.session.state.devices.encode()).retired


def _introduce(net: Net, holder: Peer, name: str, cert: Callable[[Identity], DeviceCert]
               ) -> Peer:
    """A (possibly bent) client of `holder`'s member that introduces a new device with its
    first sender key, carrying `cert(device)`."""
    rng = DetRng(name)
    device = Identity.generate(net.now, rng)
    assert holder.session is not None
    state = decode_state(encode_state(holder.session.state), holder.identity)
    honest = certify(holder.identity, device.ik, device.spk, name, net.now)
    blob = GroupSession(state).restored_device(device, honest, rng)
    peer = Peer(name, device, rng, GroupSession.from_bytes(blob, device), dict(holder.cursors))
    net.send(peer.session.start_device(net.now, rng, cert(device)))
    return peer


def test_attack_a_device_introducing_itself_needs_its_members_valid_certificate(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    other = Identity.generate(net.now, DetRng("someone else"))

    def forged(device: Identity) -> DeviceCert:     # Ben's signature, Ana named
        c = certify(ben.identity, device.ik, device.spk, "forged", net.now)
        return DeviceCert(ana.identity.ik, c.device_pk, c.device_spk, c.linked_at, c.name,
                          c.sig)

    bad = [_introduce(net, ana, "forged", forged),
           # Ana's valid certificate, but for another key than the envelope's sender
           _introduce(net, ana, "moved",
                      lambda d: certify(ana.identity, other.ik, other.spk, "moved", net.now))]
    assert refuse(net, cai) == ["the sender is not a member of this group"] * 2
    for dev in bad:
        assert cai.session.device_member(dev.identity.ik) is None
    assert cai.session.device_member(other.ik) is None
    # the honest introduction is taken
    good = _introduce(net, ana, "good",
                      lambda d: certify(ana.identity, d.ik, d.spk, "good", net.now))
    assert refuse(net, cai) == []
    assert cai.session.device_member(good.identity.ik).ik == ana.identity.ik
    # revoked, it cannot come back by introducing itself again
    assert len(refuse(net, ana)) == 2
    net.send(ana.session.revoke_device(good.identity.ik, net.now, ana.rng)[:1])
    net.pump(cai)
    again = certify(ana.identity, good.identity.ik, good.identity.spk, "good", net.now)
    good.session.state.epochs[good.session.epoch].my_last_id = bytes(32)
    net.send(good.session.start_device(net.now, good.rng, again))
    assert refuse(net, cai) == ["the sender is not a member of this group"]


def test_attack_after_the_first_device_is_revoked_the_ik_introduces_no_device(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    new = restore(net, ana, backup(ana))
    net.pump(ana, ben, cai, new)
    net.send(new.session.revoke_device(ana.identity.ik, net.now, new.rng))
    net.pump(ben, cai, new)
    # the thief with the IK (say, the backup file and its code) restores it elsewhere
    thief = _introduce(net, ana, "thief",
                       lambda d: certify(ana.identity, d.ik, d.spk, "thief", net.now))
    assert "the sender is not a member of this group" in refuse(net, ben)
    assert ben.session.device_member(thief.identity.ik) is None


def test_the_restored_device_of_an_admin_invites_and_admits(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    new = restore(net, ana, backup(ana))
    net.pump(ana, ben, cai, new)
    net.send(new.session.revoke_device(ana.identity.ik, net.now, new.rng))
    net.pump(ben, cai, new)
    lap = link(net, ben, "ben-laptop")       # a device made by linking invites no one
    net.pump(ben, cai, new, lap)
    with pytest.raises(NotAllowed):
        lap.session.create_invite(1, net.now + 3600, net.now, lap.rng)
    dan = make_peer("dan")
    join(net, new, dan, others=(ben, cai, lap))   # the link names Ana's IK; her device admits
    assert {m.ik for m in dan.session.members()} == {p.identity.ik for p in (ana, ben, cai, dan)}
    assert dan.session.first_device_revoked(ana.identity.ik)
    net.send(new.session.seal(Post("welcome Dan"), net.now, new.rng).outgoing)
    net.send(dan.session.seal(Post("thanks"), net.now, dan.rng).outgoing)
    net.pump(ben, cai, new, dan, lap)
    assert posts(dan)[-1] == (ana.identity.ik, "welcome Dan")
    assert posts(new)[-1] == (dan.identity.ik, "thanks")
    # the old machine holds no key of the periods since
    net.send(ana.session.seal(Post("the thief"), net.now, ana.rng).outgoing)
    assert refuse(net, dan) == []            # in a mailbox Dan never had
    assert "the thief" not in [t for _, t in posts(dan)]


def test_a_certificate_sent_by_another_copy_of_the_first_device_is_applied(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    """A message in the member's own name that this device did not send (another copy of
    the profile, protocol §6.3) that carries a certificate: taken as from the member."""
    ana, ben, cai = trio
    blob, cursors = backup(ana)
    copy = Peer("copy", ana.identity, DetRng("copy"),
                GroupSession.from_bytes(blob, ana.identity), dict(cursors))
    device = Identity.generate(net.now, DetRng("copy's device"))
    cert = certify(ana.identity, device.ik, device.spk, "copy's device", net.now)
    net.send(copy.session.certify_device(cert, net.now, copy.rng).outgoing)
    net.pump(ana, ben)
    assert ana.session.device_member(device.ik).ik == ana.identity.ik
    assert ben.session.device_member(device.ik).ik == ana.identity.ik
    assert [e.device_pk for e in ana.of(DeviceChanged)] == [device.ik]
