"""The admin-signed control log: genesis, add, remove, promote, rename, rotate, role.

Entry = version u8 ‖ group_id[16] ‖ seq u32 ‖ prev_hash[32] ‖ author_ik[32] ‖ time u64
        ‖ op u8 ‖ epoch u32 ‖ commitment[32] ‖ data_len u16 ‖ data ‖ sig[64]
sig = Ed25519(author IK, SIG_CONTROL ‖ everything before sig); hash = H_control(entry).
Entries form a hash chain; two valid entries at one seq are a fork.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from crypto import labels
from crypto.encoding import Reader, Writer
from crypto.errors import DecodeError, VersionError
from crypto.governance import decode_role_data, record_role, role_code
from crypto.identity import verify_prekey
from crypto.params import MAX_NAME_BYTES, PROTOCOL_VERSION
from crypto.primitives import KEY_LEN, SIG_LEN, h, verify

OP_GENESIS = 0
OP_ADD = 1
OP_REMOVE = 2
OP_PROMOTE = 3
OP_RENAME = 4
OP_ROTATE = 5
OP_ROLE = 6
OP_NAMES = {OP_GENESIS: "genesis", OP_ADD: "add", OP_REMOVE: "remove", OP_PROMOTE: "promote",
            OP_RENAME: "rename", OP_ROTATE: "rotate", OP_ROLE: "role"}
EPOCH_OPS = frozenset({OP_GENESIS, OP_ADD, OP_REMOVE, OP_ROTATE})
ZERO32 = bytes(32)


@dataclass(frozen=True)
class MemberRecord:
    """A member as an add/genesis entry introduces them, with their IK-signed prekey."""

    ik: bytes
    spk: bytes
    spk_created: int
    spk_sig: bytes
    name: str
    role: str

    def encode(self, w: Writer) -> Writer:
        w.fixed(self.ik, KEY_LEN).fixed(self.spk, KEY_LEN).u64(self.spk_created)
        w.fixed(self.spk_sig, SIG_LEN).text(self.name, MAX_NAME_BYTES).u8(role_code(self.role))
        return w

    @classmethod
    def decode(cls, r: Reader) -> MemberRecord:
        ik, spk, created, sig = r.fixed(KEY_LEN), r.fixed(KEY_LEN), r.u64(), r.fixed(SIG_LEN)
        name = r.text(MAX_NAME_BYTES)
        return cls(ik, spk, created, sig, name, record_role(r.u8()))

    def verify(self) -> None:
        verify_prekey(self.ik, self.spk, self.spk_created, self.spk_sig)


@dataclass(frozen=True)
class ControlEntry:
    group_id: bytes
    seq: int
    prev_hash: bytes
    author_ik: bytes
    time: int
    op: int
    epoch: int
    commitment: bytes
    data: bytes
    sig: bytes = b""

    def unsigned(self) -> bytes:
        w = Writer().u8(PROTOCOL_VERSION).fixed(self.group_id, 16).u32(self.seq)
        w.fixed(self.prev_hash, 32).fixed(self.author_ik, KEY_LEN).u64(self.time).u8(self.op)
        w.u32(self.epoch).fixed(self.commitment, 32).var16(self.data)
        return w.bytes()

    def encode(self) -> bytes:
        return self.unsigned() + self.sig

    @property
    def hash(self) -> bytes:
        return h(labels.HASH_CONTROL, self.encode())

    def verify(self) -> None:
        """Raise AuthError unless the author's IK signed the entry."""
        verify(self.author_ik, labels.SIG_CONTROL + self.unsigned(), self.sig)

    # -- op data ----------------------------------------------------------------------------
    def member_record(self) -> MemberRecord:
        """The member introduced by a genesis or add entry."""
        r = Reader(self.data)
        if self.op == OP_GENESIS:
            r.text(MAX_NAME_BYTES)
        rec = MemberRecord.decode(r)
        r.done()
        return rec

    def group_name(self) -> str:
        """The group name set by genesis or rename."""
        r = Reader(self.data)
        name = r.text(MAX_NAME_BYTES)
        if self.op == OP_GENESIS:
            MemberRecord.decode(r)
        r.done()
        return name

    def role_change(self) -> tuple[bytes, str]:
        """The member a role entry names and their new role (owner: a hand-over)."""
        return decode_role_data(self.data)

    def target_ik(self) -> bytes:
        """The member a remove, promote or role entry names."""
        if self.op == OP_ROLE:
            return self.role_change()[0]
        r = Reader(self.data)
        ik = r.fixed(KEY_LEN)
        r.done()
        return ik


def sign_entry(entry: ControlEntry, sign: Callable[[bytes], bytes]) -> ControlEntry:
    """The entry signed with `sign` (the author's Identity.sign)."""
    sig = sign(labels.SIG_CONTROL + entry.unsigned())
    return ControlEntry(entry.group_id, entry.seq, entry.prev_hash, entry.author_ik, entry.time,
                        entry.op, entry.epoch, entry.commitment, entry.data, sig)


def decode_entry(data: bytes) -> ControlEntry:
    r = Reader(data)
    if r.u8() != PROTOCOL_VERSION:
        raise VersionError("unknown control entry version")
    entry = ControlEntry(r.fixed(16), r.u32(), r.fixed(32), r.fixed(KEY_LEN), r.u64(), r.u8(),
                         r.u32(), r.fixed(32), r.var16(), r.fixed(SIG_LEN))
    r.done()
    if entry.op not in OP_NAMES:
        raise DecodeError("unknown control operation")
    if (entry.op in EPOCH_OPS) != (entry.commitment != ZERO32):
        raise DecodeError("an epoch commitment must be present exactly on epoch changes")
    _check_data(entry)
    return entry


def _check_data(entry: ControlEntry) -> None:
    if entry.op in (OP_GENESIS, OP_ADD):
        entry.member_record()
    elif entry.op in (OP_REMOVE, OP_PROMOTE):
        entry.target_ik()
    elif entry.op == OP_RENAME:
        entry.group_name()
    elif entry.op == OP_ROLE:
        entry.role_change()
    elif entry.data:
        raise DecodeError("a rotate entry carries no data")


def genesis_data(name: str, founder: MemberRecord) -> bytes:
    return founder.encode(Writer().text(name, MAX_NAME_BYTES)).bytes()


def add_data(member: MemberRecord) -> bytes:
    return member.encode(Writer()).bytes()


def name_data(name: str) -> bytes:
    return Writer().text(name, MAX_NAME_BYTES).bytes()
