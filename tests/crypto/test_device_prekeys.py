"""Linked devices rotate their prekey (docs/protocol.md §16.9): the update is signed by the
device key, taken only from a certified device that was not revoked and never older than
the one held; key boxes then go to the newest prekey."""
from __future__ import annotations

import pytest

from crypto import Post
from crypto.codec import decode_state, encode_state
from crypto.devices import Devices
from crypto.encoding import Writer
from crypto.envelope import TYPE_PREKEY
from crypto.errors import DecodeError
from crypto.identity import Identity
from crypto.params import PREKEY_KEEP_SECONDS, PREKEY_ROTATE_SECONDS
from crypto.primitives import KEY_LEN, SIG_LEN
from crypto.send import seal_plain
from tests.crypto.conftest import DetRng, Net, Peer
from tests.crypto.test_devices import link, posts
from tests.crypto.test_restored_device import refuse


def _prekey_of(peer: Peer, device: Peer) -> bytes:
    rec = peer.session.state.devices.records[device.identity.ik]
    return peer.session.state.devices.prekey_of(rec.cert)


def test_a_linked_device_rotates_its_prekey_and_new_keys_reach_it_there(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    lap = link(net, ana)
    net.pump(ana, ben, cai, lap)
    first = lap.identity.spk
    assert _prekey_of(ben, lap) == first
    net.now += PREKEY_ROTATE_SECONDS
    assert lap.identity.prekey_rotation_due(net.now)
    lap.identity.rotate_prekey(net.now, lap.rng)
    net.send(lap.session.announce_prekey(net.now, lap.rng))
    net.pump(ana, ben, cai, lap)
    for p in (ana, ben, cai):
        assert _prekey_of(p, lap) == lap.identity.spk != first
    # the old prekey's secret expires: a new key period still reaches the device, so its
    # box was sealed to the new prekey
    net.now += PREKEY_KEEP_SECONDS
    lap.identity.expire_prekeys(net.now)
    assert len({lap.identity.spk, first}) == 2
    net.send(ana.session.rotate(net.now, ana.rng))
    net.pump(ana, ben, cai, lap)
    assert lap.session.epoch == ben.session.epoch
    net.send(ben.session.seal(Post("new period"), net.now, ben.rng).outgoing)
    net.pump(ana, ben, cai, lap)
    assert posts(lap)[-1] == (ben.identity.ik, "new period")
    # the state keeps it, and a joiner's Welcome carries it
    blob = encode_state(ben.session.state)
    assert decode_state(blob, ben.identity).devices.prekeys == ben.session.state.devices.prekeys
    assert encode_state(decode_state(blob, ben.identity)) == blob


def _bent_prekey(net: Net, device: Peer, spk: bytes, created: int, sig: bytes) -> None:
    state = device.session.state
    body = Writer().fixed(spk, KEY_LEN).u64(created).fixed(sig, SIG_LEN).bytes()
    net.send(seal_plain(state, state.epochs[state.current], TYPE_PREKEY, body, net.now,
                        device.rng))


def test_attack_a_prekey_update_not_signed_by_the_device_or_older_is_refused(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    lap = link(net, ana)
    net.pump(ana, ben, cai, lap)
    other = Identity.generate(net.now + 10, DetRng("someone else"))
    # signed by another key than the sending device's
    _bent_prekey(net, lap, other.spk, other.spk_created_at, other.spk_signature)
    assert refuse(net, ben) == ["a prekey update not signed by its device was ignored"]
    assert _prekey_of(ben, lap) == lap.identity.spk
    # a newer one is taken; the older one sent again afterwards is refused
    old = (lap.identity.spk, lap.identity.spk_created_at, lap.identity.spk_signature)
    net.now += 60
    lap.identity.rotate_prekey(net.now, lap.rng)
    net.send(lap.session.announce_prekey(net.now, lap.rng))
    _bent_prekey(net, lap, *old)
    assert refuse(net, ben) == ["an older prekey update was ignored"]
    assert _prekey_of(ben, lap) == lap.identity.spk
    # a revoked device's update is not even from a member
    net.send(ana.session.revoke_device(lap.identity.ik, net.now, ana.rng)[:1])
    net.pump(ben)
    net.now += 60
    lap.identity.rotate_prekey(net.now, lap.rng)
    lap.session.state.devices.prekeys.clear()
    net.send(lap.session.announce_prekey(net.now, lap.rng))
    assert refuse(net, ben) == ["the sender is not a member of this group"]


def test_prekey_updates_in_the_state_are_canonical(
        trio: tuple[Peer, Peer, Peer], net: Net) -> None:
    ana, ben, cai = trio
    lap = link(net, ana)
    net.pump(ana, ben, cai, lap)
    plain = ben.session.state.devices.encode()
    net.now += 60
    lap.identity.rotate_prekey(net.now, lap.rng)
    net.send(lap.session.announce_prekey(net.now, lap.rng))
    net.pump(ben)
    rotated = ben.session.state.devices.encode()
    # the tail: no revoked first device (0), one prekey update
    assert rotated.startswith(plain) and rotated[len(plain)] == 0 and rotated[len(plain) + 1] == 1
    assert Devices.decode(rotated).prekeys[lap.identity.ik] == (lap.identity.spk, net.now)
    with pytest.raises(DecodeError):      # an empty update list is not canonical
        Devices.decode(plain + b"\0\0")
    with pytest.raises(DecodeError):      # an update for a device with no record
        Devices.decode(plain + b"\0\1" + bytes(32) + bytes(32) + bytes(8))
