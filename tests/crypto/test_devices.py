"""Linked devices (docs/protocol.md §16): one member, several desktops, each with its own
device key and sender chains; certificates and revocations as content payloads; the
attacks a device design must resist."""
from __future__ import annotations

import pytest

from crypto import (
    AuthError,
    ContentReceived,
    ContentRefused,
    GroupSession,
    Identity,
    IntegrityWarning,
    NotAllowed,
    Post,
)
from crypto.codec import decode_state, encode_state
from crypto.devices import (
    MAX_DEVICES,
    DeviceCert,
    DeviceCertificate,
    DeviceRecord,
    ReadPosition,
    certify,
    device_id,
)
from crypto.events import DeviceChanged
from crypto.payloads import GENERAL
from tests.crypto.conftest import T0, DetRng, Net, Peer, found, join, make_peer


def link(net: Net, owner: Peer, name: str = "ana-laptop") -> Peer:
    """Certify a new device of `owner` in the group and hand it the group's state."""
    assert owner.session is not None
    rng = DetRng(name)
    device = Identity.generate(net.now, rng)
    cert = certify(owner.identity, device.ik, device.spk, name, net.now)
    net.send(owner.session.certify_device(cert, net.now, owner.rng).outgoing)
    blob = owner.session.for_device(device, rng)
    peer = Peer(name, device, rng, GroupSession.from_bytes(blob, device))
    peer.cursors = dict(owner.cursors)
    for mb in peer.session.mailboxes(net.now):
        peer.cursors[mb.id] = len(net.boxes.get(mb.id, []))
    net.send(peer.session.start_device(net.now, rng))
    return peer


def posts(peer: Peer) -> list[tuple[bytes, str]]:
    return [(e.sender_ik, e.content.text) for e in peer.of(ContentReceived)
            if isinstance(e.content, Post)]


def test_a_linked_device_posts_as_its_member_and_reads_everything(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    lap = link(net, ana)
    net.pump(ana, ben, cai, lap)
    assert lap.session.member_ik == ana.identity.ik and lap.session.my_ik != ana.identity.ik
    assert not lap.session.holds_identity
    net.send(lap.session.seal(Post("from the laptop"), net.now, lap.rng).outgoing)
    net.send(ana.session.seal(Post("from the desktop"), net.now, ana.rng).outgoing)
    net.send(ben.session.seal(Post("from Ben"), net.now, ben.rng).outgoing)
    net.pump(ana, ben, cai, lap)
    me = ana.identity.ik
    assert posts(ben)[-2:] == [(me, "from the laptop"), (me, "from the desktop")]
    assert posts(cai)[-3:] == [(me, "from the laptop"), (me, "from the desktop"),
                               (ben.identity.ik, "from Ben")]
    # each device sees the other's post as the member's own, exactly once
    assert posts(ana)[-2:] == [(me, "from the laptop"), (ben.identity.ik, "from Ben")]
    assert posts(lap) == [(me, "from the desktop"), (ben.identity.ik, "from Ben")]
    laptop_post = [e for e in ben.of(ContentReceived) if e.content == Post("from the laptop")]
    assert laptop_post[0].device_pk == lap.identity.ik
    assert not any(isinstance(e, IntegrityWarning) for p in trio + (lap,) for e in p.events)
    # the safety number stays the member's: the member list does not change
    assert [m.ik for m in cai.session.members()] == [p.identity.ik for p in trio]


def test_each_device_has_its_own_sender_chain(trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    lap = link(net, ana)
    net.pump(ana, ben, cai, lap)
    ep_desk = ana.session.state.epochs[ana.session.epoch]
    ep_lap = lap.session.state.epochs[lap.session.epoch]
    assert ep_desk.my_ck != ep_lap.my_ck
    chains = ben.session.state.epochs[ben.session.epoch].peers
    assert ana.identity.ik in chains and lap.identity.ik in chains


def test_a_new_key_period_reaches_every_device(trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    lap = link(net, ana)
    net.pump(ana, ben, cai, lap)
    net.send(ana.session.rotate(net.now, ana.rng))
    net.pump(ana, ben, cai, lap)
    assert lap.session.epoch == ana.session.epoch == ben.session.epoch
    net.send(lap.session.seal(Post("after the rotation"), net.now, lap.rng).outgoing)
    net.send(ben.session.seal(Post("me too"), net.now, ben.rng).outgoing)
    net.pump(ana, ben, cai, lap)
    assert posts(cai)[-2:] == [(ana.identity.ik, "after the rotation"), (ben.identity.ik, "me too")]
    assert posts(lap)[-1] == (ben.identity.ik, "me too")


def test_a_joiner_learns_the_devices_from_the_welcome(net: Net) -> None:
    ana, ben = make_peer("ana"), make_peer("ben")
    found(net, ana)
    lap = link(net, ana)
    net.pump(ana, lap)
    join(net, ana, ben)
    net.pump(ana, ben, lap)
    net.send(lap.session.seal(Post("welcome Ben"), net.now, lap.rng).outgoing)
    net.pump(ana, ben, lap)
    assert posts(ben)[-1] == (ana.identity.ik, "welcome Ben")


def test_revocation_rekeys_and_the_revoked_device_reads_and_writes_nothing_after(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    lap = link(net, ana)
    net.pump(ana, ben, cai, lap)
    old_epoch = ana.session.epoch
    out = ana.session.revoke_device(lap.identity.ik, net.now, ana.rng)
    net.send(out)
    net.pump(ana, ben, cai, lap)
    assert ana.session.epoch == old_epoch + 1 == ben.session.epoch
    assert lap.session.epoch == old_epoch      # got no key for the new period
    assert [e.revoked for e in ben.of(DeviceChanged)] == [False, True]
    net.send(ben.session.seal(Post("after the revocation"), net.now, ben.rng).outgoing)
    net.pump(ana, ben, cai, lap)
    assert ("after the revocation" not in [t for _, t in posts(lap)])
    assert posts(ana)[-1] == (ben.identity.ik, "after the revocation")
    # the relay would refuse its writes: it holds no write key of the new mailbox
    new_mb = ana.session.mailboxes(net.now)[0]
    assert new_mb.epoch == old_epoch + 1
    assert all(mb.id != new_mb.id for mb in lap.session.mailboxes(net.now))


def test_attack_post_from_a_revoked_device_after_revocation_is_rejected(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    lap = link(net, ana)
    net.pump(ana, ben, cai, lap)
    ben_before = len(posts(ben))
    # a member who is not the rotating admin revokes: the old mailbox stays usable until
    # the admin's client starts the new period, and the revoked device's later posts there
    # are refused by everyone who read the revocation
    late = lap.session.seal(Post("stolen laptop speaking"), net.now, lap.rng)
    net.send(ana.session.revoke_device(lap.identity.ik, net.now, ana.rng)[:1])
    net.send(late.outgoing)
    with pytest.raises(AuthError, match="not a member"):
        net.pump(ben)
    assert "stolen laptop speaking" not in [t for _, t in posts(ben)]
    assert len(posts(ben)) == ben_before
    assert ben.session.device_member(lap.identity.ik) is None


def test_attack_a_certificate_not_signed_by_the_member_is_refused(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    rogue = Identity.generate(net.now, DetRng("rogue"))
    # Ben's IK signs a certificate naming Ana as the member
    forged = certify(ben.identity, rogue.ik, rogue.spk, "evil", net.now)
    forged = DeviceCert(ana.identity.ik, forged.device_pk, forged.device_spk, forged.linked_at,
                        forged.name, forged.sig)
    with pytest.raises(AuthError):
        forged.verify()
    # a bent client of Ana's sends it anyway: every receiver refuses it
    ana.session.state.devices.records[rogue.ik] = DeviceRecord(forged)
    net.send(ana.session.seal(DeviceCertificate(forged), net.now, ana.rng).outgoing)
    net.pump(ben, cai)
    assert any("not signed by its member" in e.reason for e in ben.of(ContentRefused))
    assert rogue.ik not in ben.session.state.devices.records


def test_attack_a_member_cannot_certify_a_device_for_another_member(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    rogue = Identity.generate(net.now, DetRng("rogue"))
    cert = certify(ana.identity, rogue.ik, rogue.spk, "x", net.now)   # valid, Ana's
    net.send(ben.session.seal(DeviceCertificate(cert), net.now, ben.rng).outgoing)
    net.pump(ana, cai)
    assert any("another member" in e.reason for e in cai.of(ContentRefused))
    assert rogue.ik not in cai.session.state.devices.records


def test_attack_a_device_of_a_non_member_is_not_a_sender(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    outsider = make_peer("dan")
    found(net, outsider, "Elsewhere")
    dev = Identity.generate(net.now, DetRng("dan-dev"))
    cert = certify(outsider.identity, dev.ik, dev.spk, "dan's", net.now)
    # Ana's bent client carries Dan's (validly signed) certificate into the group
    net.send(ana.session.seal(DeviceCertificate(cert), net.now, ana.rng).outgoing)
    net.pump(ben, cai)
    assert dev.ik not in ben.session.state.devices.records
    assert ben.session.device_member(dev.ik) is None


def test_a_removed_members_devices_go_with_them(trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    bdev = link(net, ben, "ben-laptop")
    net.pump(ana, ben, cai, bdev)
    assert cai.session.device_member(bdev.identity.ik) is not None
    net.send(ana.session.remove(ben.identity.ik, net.now, ana.rng))
    net.pump(ana, ben, cai, bdev)
    assert cai.session.device_member(bdev.identity.ik) is None
    assert bdev.session.epoch < cai.session.epoch


def test_limits_and_who_may_revoke(trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    devices = [link(net, ben, f"ben-{i}") for i in range(MAX_DEVICES - 1)]
    net.pump(ana, ben, cai, *devices)
    extra = Identity.generate(net.now, DetRng("one too many"))
    with pytest.raises(NotAllowed, match="at most 5"):
        ben.session.certify_device(certify(ben.identity, extra.ik, extra.spk, "6th", net.now),
                                   net.now, ben.rng)
    with pytest.raises(NotAllowed):     # Cai is neither Ben nor an admin
        cai.session.revoke_device(devices[0].identity.ik, net.now, cai.rng)
    with pytest.raises(NotAllowed):     # a linked device does not certify
        devices[0].session.certify_device(
            certify(ben.identity, extra.ik, extra.spk, "x", net.now), net.now, devices[0].rng)
    with pytest.raises(NotAllowed):     # nor change the group
        devices[0].session.rotate(net.now, devices[0].rng)
    # a sibling device revokes another; an admin revokes a member's device
    net.send(devices[1].session.revoke_device(devices[0].identity.ik, net.now, devices[1].rng))
    net.pump(ana, ben, cai, *devices)
    assert ana.session.rotation_due(net.now)       # the rotating admin owes a new period
    net.send(ana.session.revoke_device(devices[2].identity.ik, net.now, ana.rng))
    net.pump(ana, ben, cai, *devices)
    assert not ana.session.rotation_due(net.now)
    active = {r.cert.device_pk for r in cai.session.device_records(ben.identity.ik) if r.active}
    assert active == {devices[1].identity.ik, devices[3].identity.ik}
    assert devices[1].session.epoch == cai.session.epoch != devices[0].session.epoch


def test_read_positions_reach_only_the_members_own_devices(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    lap = link(net, ana)
    net.pump(ana, ben, cai, lap)
    pos = ReadPosition(GENERAL, bytes(range(32)), T0, T0 + 5)
    sealed = lap.session.read_sync(pos, net.now, lap.rng)
    assert sealed is not None
    net.send(sealed.outgoing)
    net.pump(ana, ben, cai, lap)
    assert [e.content for e in ana.of(ContentReceived)][-1] == pos
    assert not any(isinstance(e.content, ReadPosition) for e in ben.of(ContentReceived))


def test_device_state_round_trips_and_ids_are_derived(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    lap = link(net, ana)
    net.pump(ana, ben, cai, lap)
    for peer in (ana, lap, ben):
        blob = encode_state(peer.session.state)
        assert encode_state(decode_state(blob, peer.identity)) == blob
    assert len(device_id(lap.identity.ik)) == 16
    rec = ben.session.device_records(ana.identity.ik)[0]
    assert rec.cert.device_id == device_id(lap.identity.ik)
    assert DeviceCert.from_bytes(rec.cert.to_bytes()) == rec.cert


def test_a_group_entered_after_the_link_is_handed_to_the_device(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    from crypto.devices import HandedGroup
    ana, ben, cai = trio
    lap = link(net, ana)
    net.pump(ana, ben, cai, lap)
    choir = Peer("Ana", ana.identity, ana.rng)
    found(net, choir, "Choir")
    cert = ana.session.device_records()[0].cert
    net.send(choir.session.certify_device(cert, net.now, choir.rng).outgoing)
    blob = choir.session.for_device(lap.identity, choir.rng)
    handed = HandedGroup(choir.session.group_id, blob, b"{}")
    net.send(ana.session.hand_over(handed, (lap.identity.ik, lap.identity.spk), net.now,
                                   ana.rng).outgoing)
    net.pump(ana, ben, cai, lap)
    got = [e.content for e in lap.of(ContentReceived) if isinstance(e.content, HandedGroup)]
    assert got == [handed]
    assert not any(isinstance(e.content, HandedGroup) for e in ben.of(ContentReceived))
    lap_choir = Peer("lap-choir", lap.identity, lap.rng,
                     GroupSession.from_bytes(got[0].state, lap.identity))
    for mb in lap_choir.session.mailboxes(net.now):
        lap_choir.cursors[mb.id] = len(net.boxes.get(mb.id, []))
    net.send(lap_choir.session.start_device(net.now, lap.rng))
    net.send(lap_choir.session.seal(Post("laptop in the choir"), net.now, lap.rng).outgoing)
    net.pump(choir, lap_choir)
    assert posts(choir)[-1] == (ana.identity.ik, "laptop in the choir")
    with pytest.raises(NotAllowed):   # a linked device hands nothing over
        lap.session.hand_over(handed, (ana.identity.ik, ana.identity.spk), net.now, lap.rng)
