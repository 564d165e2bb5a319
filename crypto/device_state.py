"""Operations over a GroupState for linked devices: certify, revoke, hand a group to a new
device, and tell the member's other devices where this one has read up to.

The new device's state is the first device's, seen as a reader: the same members, control
log, epochs and the other senders' chains at the same read position, plus the first
device's own chain as one more sender's; its own chain is fresh in every epoch (it never
seals where another device did), and admin duties (invites, join requests) stay with the
device holding the member's IK. docs/protocol.md §16.
"""
from __future__ import annotations

from crypto import membership, send
from crypto.chains import PeerChain
from crypto.codec import decode_state, encode_state
from crypto.devices import (
    DeviceCert,
    DeviceCertificate,
    DeviceRevoke,
    Devices,
    HandedGroup,
    ReadPosition,
    seal_handoff,
    seal_read_sync,
)
from crypto.errors import NotAllowed
from crypto.events import Outgoing, Sealed
from crypto.governance import ACT_MANAGE_MEMBERS, can
from crypto.identity import Identity
from crypto.primitives import KEY_LEN, Rng, random_bytes
from crypto.state import GroupState


def certify_device(state: GroupState, cert: DeviceCert, now: int, rng: Rng) -> Sealed:
    """Announce a device the member's IK certified (on the member's first device)."""
    state.require_active()
    if state.signer is None:
        raise NotAllowed("only a device holding the member's identity key links devices")
    if cert.member_ik != state.member_ik:
        raise NotAllowed("that certificate is for another member")
    why = state.devices.accept(cert, state.member_ik, state.members, state.recipient_count())
    if why is not None:
        raise NotAllowed(why)
    return send.seal(state, DeviceCertificate(cert), now, rng)


def revoke_device(state: GroupState, device_pk: bytes, now: int, rng: Rng) -> list[Outgoing]:
    """Revoke one of the member's devices (or, as an admin, another member's). A key that
    is a member's IK revokes that member's first device (from another of their devices, or
    by an admin while the member has a linked device). When this client is the one that
    starts new key periods it starts one at once; otherwise that admin's client does when
    the revocation reaches it (GroupSession.rotation_due)."""
    state.require_active()
    me = state.members[state.member_ik]
    if device_pk == state.my_ik:
        raise NotAllowed("revoke this device from another one")
    if device_pk in state.members:
        if device_pk in state.devices.retired:
            raise NotAllowed("that device is revoked already")
        revoke = DeviceRevoke(device_pk, device_pk)
    else:
        rec = state.devices.records.get(device_pk)
        if rec is None:
            raise NotAllowed("there is no such device in this group")
        if rec.revoked:
            raise NotAllowed("that device is revoked already")
        revoke = DeviceRevoke(rec.cert.member_ik, device_pk)
    if revoke.member_ik != me.ik and not can(me.role, ACT_MANAGE_MEMBERS):
        raise NotAllowed("only the member or an admin can revoke a device")
    # checked as every receiver will check it, before anything is sent
    trial = Devices(dict(state.devices.records), state.devices.rekey, state.devices.retired)
    if revoke.device_pk == revoke.member_ik:
        why = trial.revoke(revoke, me.ik, me.role, state.my_ik)
        if why is not None:
            raise NotAllowed(why)
    sealed = send.seal(state, revoke, now, rng)
    state.devices.revoke(revoke, me.ik, me.role, state.my_ik)
    out = [sealed.outgoing]
    if membership.rotation_due(state, now):
        out += membership.rotate(state, now, rng)
    return out


def state_for_device(state: GroupState, device: Identity, rng: Rng) -> GroupState:
    """The group state a new device of this member starts from (see the module doc).
    Only `device.ik` is used: the device's secret keys never leave it."""
    if state.signer is None:
        raise NotAllowed("only a device holding the member's identity key links devices")
    rec = state.devices.records.get(device.ik)
    if state.status == "active" and (rec is None or not rec.active):
        raise NotAllowed("certify the device in this group first")
    member = state.member_ik
    s = decode_state(encode_state(state), state.identity)
    s.identity = device
    s.me = member
    s.invites, s.invite_by_mailbox, s.requests, s.invite_roles = {}, {}, {}, {}
    s.held = []
    for ep in s.epochs.values():
        own = PeerChain(ep.my_ck, ep.my_seq, ep.my_seq - 1, ep.my_seq - 1)
        if ep.my_seq > 0 and ep.my_last_id != bytes(32):
            own.recent[ep.my_seq - 1] = ep.my_last_id
        ep.peers[state.my_ik] = own     # this device's chain: another device's for it
        ep.peers.pop(device.ik, None)
        ep.my_ck, ep.my_seq, ep.my_last_id = random_bytes(rng, KEY_LEN), 1, bytes(32)
    return s


def restored_state(state: GroupState, device: Identity, cert: DeviceCert,
                   rng: Rng) -> GroupState:
    """On a profile restored from a backup (holding the member's IK): the state of its new
    device `device`, certified by `cert`, which it announces itself with its first sender
    key (start_device with `cert`, §16.8), never sealing as the IK again."""
    if state.signer is None or cert.member_ik != state.member_ik:
        raise NotAllowed("only a device holding the member's identity key links devices")
    if cert.device_pk != device.ik:
        raise NotAllowed("that certificate is for another device")
    if state.status == "active":
        why = state.devices.accept(cert, state.member_ik, state.members,
                                   state.recipient_count())
        if why is not None:
            raise NotAllowed(why)
    return state_for_device(state, device, rng)


def start_device(state: GroupState, now: int, rng: Rng,
                 cert: DeviceCert | None = None) -> list[Outgoing]:
    """On a new device: our sender key for the current key period (sequence number 0),
    carrying `cert` when the device introduces itself (a restored one, §16.8)."""
    ep = state.require_active()
    if ep.my_last_id != bytes(32):
        return []
    out = send.sender_key_message(state, ep, now, rng,
                                  cert.to_bytes() if cert is not None else b"")
    return [out] if out is not None else []


def hand_over(state: GroupState, handed: HandedGroup, device: tuple[bytes, bytes], now: int,
              rng: Rng) -> Sealed:
    """On the first device: hand `handed` (a group's state made for `device`) to that
    linked device, through this group (where the device must be active)."""
    if not state.holds_identity:
        raise NotAllowed("only the device holding the member's identity key hands groups over")
    rec = state.devices.records.get(device[0])
    if rec is None or not rec.active or rec.cert.member_ik != state.member_ik:
        raise NotAllowed("that device is not one of this member's in this group")
    return send.seal(state, seal_handoff(state.identity, state.group_id, handed, device, rng),
                     now, rng)


def own_devices(state: GroupState) -> list[tuple[bytes, bytes]]:
    """(key, prekey) of this member's other devices: the first device and every active
    linked one, this device excluded."""
    me = state.members.get(state.member_ik)
    out = ([] if me is None or state.holds_identity or me.ik in state.devices.retired
           else [(me.ik, me.spk)])
    out += state.devices.keys_of([c for c in state.devices.active_of(state.member_ik)
                                  if c.device_pk != state.my_ik])
    return out


def read_sync(state: GroupState, pos: ReadPosition, now: int, rng: Rng) -> Sealed | None:
    """Tell the member's other devices where this one has read up to (None: it has none)."""
    others = own_devices(state)
    if not others:
        return None
    return send.seal(state, seal_read_sync(state.identity, state.group_id, pos, others, rng),
                     now, rng)
