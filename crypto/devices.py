"""Linked devices: one member, up to MAX_DEVICES desktops, each with its own keys.

A member is one identity key (IK): what the group's control log names, what admins approve
and what safety numbers are made of. The device that made the IK is the member's first
device and signs with the IK itself, exactly as before devices existed. Every further
device has its own Ed25519 device key and X25519 prekey, certified by the IK:

    cert = member_ik[32] ‖ device_pk[32] ‖ device_spk[32] ‖ linked_at u64 ‖ text(name)
           ‖ sig[64]
    sig  = Ed25519(member IK, "coterie/v1/device-cert\\0" ‖ cert without sig)

A linked device seals envelopes with its device key as the header's sender and keeps its
own sender chain in every epoch (never another device's). Receivers accept such an
envelope only while they hold a valid certificate of that device from a current member
that was not revoked, and attribute what it carries to the member. Certificates and
revocations travel as content payloads (kinds 48 and 49) inside the group's ordinary
envelopes, so they take effect at their place in the relay's order for every reader.
Read positions between a member's own devices (kind 50) and groups the first device hands to
its linked ones (kind 51) are boxed to those devices only.
docs/protocol.md §16 specifies every byte.
"""
from __future__ import annotations

from dataclasses import dataclass

from crypto import labels
from crypto.encoding import Reader, Writer
from crypto.errors import AuthError, DecodeError, reason
from crypto.governance import ACT_MANAGE_MEMBERS, can
from crypto.identity import Identity, verify_prekey
from crypto.pairwise import open_pairwise, seal_pairwise
from crypto.params import MAX_MEMBERS
from crypto.payloads import CHANNEL_ID_LEN, MESSAGE_ID_LEN, register_kind
from crypto.primitives import KEY_LEN, SIG_LEN, Rng, h, verify

KIND_DEVICE_CERT = 48
KIND_DEVICE_REVOKE = 49
KIND_READ_SYNC = 50
KIND_GROUP_HANDOFF = 51
MAX_HANDOFF_STATE = 48_000     # a group state carried to a device must fit one envelope
MAX_DEVICES = 5                 # per member, the first device (the IK itself) included
MAX_DEVICE_NAME_BYTES = 64
DEVICE_ID_LEN = 8
_V1 = 1


def device_id(device_pk: bytes) -> str:
    """A device's short public name: 16 hex digits of H(cot/device-id, key). The key is
    the identity; the id is only how people and the CLI refer to it."""
    return h(labels.HASH_DEVICE_ID, device_pk, DEVICE_ID_LEN).hex()


@dataclass(frozen=True, slots=True)
class DeviceCert:
    """The member's IK vouching for one device key (and the prekey boxes reach it at)."""

    member_ik: bytes
    device_pk: bytes
    device_spk: bytes
    linked_at: int
    name: str
    sig: bytes

    @property
    def device_id(self) -> str:
        return device_id(self.device_pk)

    def fields(self) -> bytes:
        return (Writer().fixed(self.member_ik, KEY_LEN).fixed(self.device_pk, KEY_LEN)
                .fixed(self.device_spk, KEY_LEN).u64(self.linked_at)
                .text(self.name, MAX_DEVICE_NAME_BYTES).bytes())

    def to_bytes(self) -> bytes:
        return self.fields() + self.sig

    @classmethod
    def read(cls, r: Reader) -> DeviceCert:
        member, pk, spk, at = r.fixed(KEY_LEN), r.fixed(KEY_LEN), r.fixed(KEY_LEN), r.u64()
        name = r.text(MAX_DEVICE_NAME_BYTES)
        return cls(member, pk, spk, at, name, r.fixed(SIG_LEN))

    @classmethod
    def from_bytes(cls, data: bytes) -> DeviceCert:
        r = Reader(data)
        cert = cls.read(r)
        r.done()
        return cert

    def verify(self) -> None:
        """AuthError unless the member's IK signed it; DecodeError for a certificate
        that names the member's own key as a device (the IK is the first device already)."""
        if self.device_pk == self.member_ik:
            raise DecodeError("a certificate cannot name the identity key as a device")
        if not self.name.strip():
            raise DecodeError("a device needs a name")
        verify(self.member_ik, labels.SIG_DEVICE_CERT + self.fields(), self.sig)


def certify(member: Identity, device_pk: bytes, device_spk: bytes, name: str,
            linked_at: int) -> DeviceCert:
    """The certificate `member` (holding the IK) signs for a new device."""
    unsigned = DeviceCert(member.ik, device_pk, device_spk, linked_at, name, bytes(SIG_LEN))
    if device_pk == member.ik:
        raise DecodeError("a certificate cannot name the identity key as a device")
    fields = unsigned.fields()   # checks the name's length
    return DeviceCert(member.ik, device_pk, device_spk, linked_at, name,
                      member.sign(labels.SIG_DEVICE_CERT + fields))


@dataclass
class DeviceRecord:
    """A certificate a group member's client accepted, and whether it was revoked since
    (revoked records are kept, so a revoked device stays refused)."""

    cert: DeviceCert
    revoked: bool = False
    revoked_by: bytes = b""          # IK of the member or admin who revoked it

    @property
    def active(self) -> bool:
        return not self.revoked


# ---- payloads ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DeviceCertificate:
    """Kind 48: a member announces one of its devices (the certificate inside)."""

    cert: DeviceCert


@dataclass(frozen=True, slots=True)
class DeviceRevoke:
    """Kind 49: the member (from any of its other devices) or an admin revokes a device.
    It takes effect at its place in the relay's order and asks for a new key period."""

    member_ik: bytes
    device_pk: bytes


@dataclass(frozen=True, slots=True)
class ReadSync:
    """Kind 50: where one of a member's devices has read up to, boxed to that member's
    other devices only: `boxes` = (recipient device key, recipient prekey, pairwise box)."""

    boxes: tuple[tuple[bytes, bytes, bytes], ...]


@dataclass(frozen=True, slots=True)
class ReadPosition:
    """What a ReadSync box carries: in `channel`, everything up to the post `message_id`
    (signed at `sent_at`) was read at `read_at`."""

    channel: bytes
    message_id: bytes
    sent_at: int
    read_at: int


@dataclass(frozen=True, slots=True)
class GroupHandoff:
    """Kind 51: the first device hands a group it entered after a link to the member's
    linked devices: per device a pairwise box (var32) with that device's state of the
    group (`boxes` as in ReadSync)."""

    boxes: tuple[tuple[bytes, bytes, bytes], ...]


@dataclass(frozen=True, slots=True)
class HandedGroup:
    """What a GroupHandoff box carries for this device: the group's id, this device's state
    blob of it and the app's read positions in its mailboxes (opaque here)."""

    group_id: bytes
    state: bytes
    extra: bytes


def _enc_cert(c: DeviceCertificate, w: Writer) -> None:
    w.u8(KIND_DEVICE_CERT).u8(_V1).raw(c.cert.to_bytes())


def _enc_revoke(c: DeviceRevoke, w: Writer) -> None:
    w.u8(KIND_DEVICE_REVOKE).u8(_V1).fixed(c.member_ik, KEY_LEN).fixed(c.device_pk, KEY_LEN)


# A read position and a group handoff are the same shape: one box per other device of the
# member, sorted by device key, each device once; only the kind and the box bound differ.
BoxList = tuple[tuple[bytes, bytes, bytes], ...]


def _enc_boxes(kind: int, what: str, boxes: BoxList, w: Writer, long: bool) -> None:
    entries = sorted(boxes)
    if not 1 <= len(entries) < MAX_DEVICES or len({e[0] for e in entries}) != len(entries):
        raise DecodeError(f"a {what} goes to 1 to 4 other devices, each once")
    w.u8(kind).u8(_V1).u8(len(entries))
    for pk, spk, box in entries:
        w.fixed(pk, KEY_LEN).fixed(spk, KEY_LEN)
        (w.var32 if long else w.var16)(box)


def _dec_boxes(r: Reader, what: str, long: bool) -> BoxList:
    n = r.u8()
    if not 1 <= n < MAX_DEVICES:
        raise DecodeError(f"a {what} goes to 1 to 4 other devices")
    entries = tuple((r.fixed(KEY_LEN), r.fixed(KEY_LEN),
                     r.var32(64 * 1024) if long else r.var16(1024)) for _ in range(n))
    keys = [e[0] for e in entries]
    if keys != sorted(set(keys)):
        raise DecodeError(f"{what} boxes are not sorted and unique")
    return entries


def _enc_read(c: ReadSync, w: Writer) -> None:
    _enc_boxes(KIND_READ_SYNC, "read position", c.boxes, w, long=False)


def _dec_read(r: Reader) -> ReadSync:
    return ReadSync(_dec_boxes(r, "read position", long=False))


def _enc_handoff(c: GroupHandoff, w: Writer) -> None:
    _enc_boxes(KIND_GROUP_HANDOFF, "group handoff", c.boxes, w, long=True)


def _dec_handoff(r: Reader) -> GroupHandoff:
    return GroupHandoff(_dec_boxes(r, "group handoff", long=True))


register_kind(KIND_DEVICE_CERT, _V1, lambda r: DeviceCertificate(DeviceCert.read(r)),
              DeviceCertificate, _enc_cert)
register_kind(KIND_DEVICE_REVOKE, _V1, lambda r: DeviceRevoke(r.fixed(KEY_LEN), r.fixed(KEY_LEN)),
              DeviceRevoke, _enc_revoke)
register_kind(KIND_READ_SYNC, _V1, _dec_read, ReadSync, _enc_read)
register_kind(KIND_GROUP_HANDOFF, _V1, _dec_handoff, GroupHandoff, _enc_handoff)

DEVICE_KINDS = (DeviceCertificate, DeviceRevoke, ReadSync, GroupHandoff)


def read_position_payload(group_id: bytes, pos: ReadPosition) -> bytes:
    return (Writer().fixed(group_id, 16).fixed(pos.channel, CHANNEL_ID_LEN)
            .fixed(pos.message_id, MESSAGE_ID_LEN).u64(pos.sent_at).u64(pos.read_at).bytes())


def seal_read_sync(sender: Identity, group_id: bytes, pos: ReadPosition,
                   recipients: list[tuple[bytes, bytes]], rng: Rng) -> ReadSync:
    payload = read_position_payload(group_id, pos)
    return ReadSync(tuple((pk, spk, seal_pairwise(sender, pk, spk, labels.SIG_READ_SYNC,
                                                  payload, rng))
                          for pk, spk in recipients))


def open_read_sync(me: Identity, group_id: bytes, sender_pk: bytes,
                   sync: ReadSync) -> ReadPosition | None:
    """Our box in a ReadSync from `sender_pk`, or None when it holds none for us."""
    for pk, spk, box in sync.boxes:
        if pk != me.ik:
            continue
        boxed_by, payload = open_pairwise(me, spk, labels.SIG_READ_SYNC, box)
        if boxed_by != sender_pk:
            raise AuthError("the read position did not come from its device")
        r = Reader(payload)
        gid, channel, mid = r.fixed(16), r.fixed(CHANNEL_ID_LEN), r.fixed(MESSAGE_ID_LEN)
        pos = ReadPosition(channel, mid, r.u64(), r.u64())
        r.done()
        if gid != group_id:
            raise AuthError("the read position is for another group")
        return pos
    return None


def seal_handoff(sender: Identity, carrier_group: bytes, handed: HandedGroup,
                 device: tuple[bytes, bytes], rng: Rng) -> GroupHandoff:
    """A group handed to one linked device, boxed to it alone (sent in `carrier_group`)."""
    if len(handed.state) > MAX_HANDOFF_STATE:
        raise DecodeError("the group's state is too large to hand over")
    payload = (Writer().fixed(carrier_group, 16).fixed(handed.group_id, 16)
               .var32(handed.state).var32(handed.extra).bytes())
    pk, spk = device
    return GroupHandoff(((pk, spk, seal_pairwise(sender, pk, spk, labels.SIG_GROUP_HANDOFF,
                                                 payload, rng)),))


def open_handoff(me: Identity, carrier_group: bytes, sender_pk: bytes,
                 handoff: GroupHandoff) -> HandedGroup | None:
    """Our box in a GroupHandoff from `sender_pk`, or None when it holds none for us."""
    for pk, spk, box in handoff.boxes:
        if pk != me.ik:
            continue
        boxed_by, payload = open_pairwise(me, spk, labels.SIG_GROUP_HANDOFF, box)
        if boxed_by != sender_pk:
            raise AuthError("the handoff did not come from its device")
        r = Reader(payload)
        carrier, gid = r.fixed(16), r.fixed(16)
        handed = HandedGroup(gid, r.var32(MAX_HANDOFF_STATE), r.var32(64 * 1024))
        r.done()
        if carrier != carrier_group:
            raise AuthError("the handoff was sent in another group")
        return handed
    return None


# ---- rules every receiver applies ----------------------------------------------------------

class Devices:
    """The device certificates one group member's client holds for one group (every
    member's devices), by device key. Kept in the group state (crypto.codec)."""

    __slots__ = ("records", "rekey", "retired", "prekeys")

    def __init__(self, records: dict[bytes, DeviceRecord] | None = None,
                 rekey: bool = False, retired: dict[bytes, bytes] | None = None,
                 prekeys: dict[bytes, tuple[bytes, int]] | None = None) -> None:
        self.records: dict[bytes, DeviceRecord] = dict(records or {})
        # A device was revoked since the last new key period: an admin starts one
        # (crypto.membership.rotation_due), as for a removal.
        self.rekey = rekey
        # Members whose first device (the IK as a sender) was revoked, to the key of the
        # device (or admin IK) that revoked it: the IK no longer sends or receives keys;
        # what it signs counts only when one of the member's active devices carries it.
        self.retired: dict[bytes, bytes] = dict(retired or {})
        # Devices that rotated their prekey since their certificate: device key to (the
        # prekey now, when it was made), each signed by the device key (§16.9).
        self.prekeys: dict[bytes, tuple[bytes, int]] = dict(prekeys or {})

    def prekey_of(self, cert: DeviceCert) -> bytes:
        """The prekey boxes to this device go to: its newest announced, else its
        certificate's."""
        got = self.prekeys.get(cert.device_pk)
        return got[0] if got is not None else cert.device_spk

    def keys_of(self, certs: list[DeviceCert]) -> list[tuple[bytes, bytes]]:
        """(device key, current prekey) of each certificate."""
        return [(c.device_pk, self.prekey_of(c)) for c in certs]

    def new_prekey(self, device_pk: bytes, spk: bytes, created: int, sig: bytes) -> str | None:
        """Apply a prekey update sent by the active device `device_pk`; the refusal reason,
        or None when taken. Signed by the device key; never older than the one held."""
        rec = self.records.get(device_pk)
        if rec is None or not rec.active:
            return reason("a prekey update from an unknown device was ignored")
        try:
            verify_prekey(device_pk, spk, created, sig)
        except AuthError:
            return reason("a prekey update not signed by its device was ignored")
        held = self.prekeys.get(device_pk)
        if held is not None and created <= held[1]:
            return reason("an older prekey update was ignored")
        self.prekeys[device_pk] = (spk, created)
        return None

    def ik_active(self, member_ik: bytes) -> bool:
        """False once the member's first device (their IK as a sender) was revoked."""
        return member_ik not in self.retired

    def active_of(self, member_ik: bytes) -> list[DeviceCert]:
        return [r.cert for r in self.records.values()
                if r.active and r.cert.member_ik == member_ik]

    def active(self, members: dict) -> list[DeviceCert]:  # type: ignore[type-arg]
        """Active certificates of current members, by device key."""
        return [self.records[k].cert for k in sorted(self.records)
                if self.records[k].active and self.records[k].cert.member_ik in members]

    def member_of(self, device_pk: bytes) -> bytes | None:
        """The member an active device belongs to (revoked and unknown keys: None)."""
        rec = self.records.get(device_pk)
        return rec.cert.member_ik if rec is not None and rec.active else None

    def accept(self, cert: DeviceCert, sender_member: bytes, members: dict,  # type: ignore[type-arg]
               recipients: int) -> str | None:
        """Apply a certificate carried by a message of `sender_member`; the refusal reason,
        or None when it was taken (or is known already)."""
        try:
            cert.verify()
        except (AuthError, DecodeError):
            return reason("a device certificate not signed by its member was refused")
        if cert.member_ik != sender_member or cert.member_ik not in members:
            return reason("a certificate for another member's device was refused")
        if cert.device_pk in members:
            return reason("a certificate naming a member's identity key was refused")
        known = self.records.get(cert.device_pk)
        if known is not None:
            if known.revoked:
                return reason("a revoked device cannot be linked again")
            if known.cert.member_ik != cert.member_ik:
                return reason("that device belongs to another member")
            return None
        if len(self.active_of(cert.member_ik)) >= MAX_DEVICES - 1:
            return reason("a member links at most {count} devices", count=MAX_DEVICES)
        if recipients >= MAX_MEMBERS:
            return reason("a group holds at most {count} members and devices",
                          count=MAX_MEMBERS)
        self.records[cert.device_pk] = DeviceRecord(cert)
        return None

    def revoke(self, revoke: DeviceRevoke, sender_member: bytes, sender_role: str,
               sender_key: bytes | None = None) -> str | None:
        """Apply a revocation sent by `sender_member` (who has `sender_role`) from the key
        `sender_key` (their IK or one of their devices); the refusal reason, or None when
        the device is revoked (now or already).

        A revocation naming the member's IK revokes their first device: it is taken only
        from another of the member's active devices, or from an admin while the member has
        an active linked device (a member is never left without a device)."""
        if revoke.device_pk == revoke.member_ik:
            return self._retire(revoke.member_ik, sender_member, sender_role,
                                sender_key if sender_key is not None else sender_member)
        rec = self.records.get(revoke.device_pk)
        if rec is None or rec.cert.member_ik != revoke.member_ik:
            return reason("a revocation of an unknown device was ignored")
        if sender_member != revoke.member_ik and not can(sender_role, ACT_MANAGE_MEMBERS):
            return reason("only the member or an admin can revoke a device")
        if not rec.revoked:
            rec.revoked = True
            rec.revoked_by = sender_member
            self.rekey = True
        return None

    def _retire(self, member_ik: bytes, sender_member: bytes, sender_role: str,
                sender_key: bytes) -> str | None:
        if member_ik in self.retired:
            return None
        if sender_member == member_ik:
            if sender_key == member_ik:
                return reason("a device cannot revoke itself")
        elif not can(sender_role, ACT_MANAGE_MEMBERS):
            return reason("only the member or an admin can revoke a device")
        if not self.active_of(member_ik):
            return reason("a member's only device cannot be revoked; remove the member instead")
        self.retired[member_ik] = sender_key
        self.rekey = True
        return None

    def drop_member(self, member_ik: bytes) -> None:
        """A removed member's devices go with them (a re-added member links again)."""
        self.retired.pop(member_ik, None)    # a re-added member is a new identity anyway
        for rec in self.records.values():
            if rec.cert.member_ik == member_ik and not rec.revoked:
                rec.revoked = True
                rec.revoked_by = member_ik

    # -- the state blob (governance tag 4) ----------------------------------------------
    def encode(self) -> bytes:
        """b"" when there is nothing to keep. Revoked first devices follow the records
        (`u8 n ‖ n × (member_ik[32] ‖ revoked_by[32])`, sorted) only when there are any, so
        a blob without them is the version-1 blob byte for byte."""
        if not self.records and not self.rekey and not self.retired and not self.prekeys:
            return b""
        w = Writer().u8(1 if self.rekey else 0).u16(len(self.records))
        for pk in sorted(self.records):
            rec = self.records[pk]
            w.var16(rec.cert.to_bytes()).u8(1 if rec.revoked else 0)
            w.fixed(rec.revoked_by if rec.revoked else bytes(KEY_LEN), KEY_LEN)
        prekeys = {pk: v for pk, v in self.prekeys.items() if pk in self.records}
        if self.retired or prekeys:
            w.u8(len(self.retired))
            for ik in sorted(self.retired):
                w.fixed(ik, KEY_LEN).fixed(self.retired[ik], KEY_LEN)
        if prekeys:
            w.u8(len(prekeys))
            for pk in sorted(prekeys):
                spk, created = prekeys[pk]
                w.fixed(pk, KEY_LEN).fixed(spk, KEY_LEN).u64(created)
        return w.bytes()

    @classmethod
    def decode(cls, data: bytes) -> Devices:
        r = Reader(data)
        rekey = r.flag()
        out: dict[bytes, DeviceRecord] = {}
        prev = b""
        for _ in range(r.u16()):
            cert = DeviceCert.from_bytes(r.var16())
            revoked = r.flag()
            by = r.fixed(KEY_LEN)
            if cert.device_pk <= prev:
                raise DecodeError("device records are not sorted and unique")
            prev = cert.device_pk
            out[cert.device_pk] = DeviceRecord(cert, revoked, by if revoked else b"")
        retired: dict[bytes, bytes] = {}
        prekeys: dict[bytes, tuple[bytes, int]] = {}
        if r.remaining():
            prev = b""
            n = r.u8()
            for _ in range(n):
                ik, by = r.fixed(KEY_LEN), r.fixed(KEY_LEN)
                if ik <= prev:
                    raise DecodeError("revoked first devices are not sorted and unique")
                prev = ik
                retired[ik] = by
            if r.remaining():
                prev = b""
                m = r.u8()
                if m == 0:
                    raise DecodeError("an empty list of prekey updates is not canonical")
                for _ in range(m):
                    pk, spk, created = r.fixed(KEY_LEN), r.fixed(KEY_LEN), r.u64()
                    if pk <= prev or pk not in out:
                        raise DecodeError("prekey updates are not sorted, unique and known")
                    prev = pk
                    prekeys[pk] = (spk, created)
            elif n == 0:
                raise DecodeError("an empty list of revoked first devices is not canonical")
        r.done()
        return cls(out, rekey, retired, prekeys)
