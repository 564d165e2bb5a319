"""The GroupState blob: every field of the state in one strict, versioned encoding.

Decoding checks everything the encoder guarantees (sorted unique keys, known enums,
lengths, no trailing bytes), so a damaged blob is a DecodeError, never a half-loaded
state; docs/protocol.md §13 gives the layout. The blob holds secrets: the store keeps it
encrypted.
"""
from __future__ import annotations

from crypto.chains import EpochState, PeerChain
from crypto.devices import Devices
from crypto.encoding import Reader, Writer
from crypto.errors import DecodeError, VersionError
from crypto.events import JoinRequest, Member
from crypto.governance import decode_gov, encode_gov, record_role, role_code
from crypto.identity import Identity, fingerprint, join_sas
from crypto.params import MAX_MEMBERS, MAX_NAME_BYTES, MAX_PENDING, MAX_RELAY_URL_BYTES
from crypto.primitives import KEY_LEN, SIG_LEN
from crypto.state import STATUS_ACTIVE, STATUS_REMOVED, GroupState, InviteRecord, Leaving

BLOB_VERSION = 1
# Version 2 is version 1 followed by the leaving members (GroupState.leaving); it is
# written only while there is one, so every other blob stays version 1.
BLOB_VERSION_LEAVING = 2
# Version 3 is version 1, the leaving members (possibly none) and the governance section
# (crypto.governance); written only while that section is not empty.
BLOB_VERSION_GOV = 3
_STATUS = {STATUS_ACTIVE: 0, STATUS_REMOVED: 1}
_STATUS_NAMES = {v: k for k, v in _STATUS.items()}


def _sorted_keys(keys: list[int]) -> None:
    if any(b <= a for a, b in zip(keys, keys[1:], strict=False)):
        raise DecodeError("state entries are not in canonical order")


def _enc_chain(w: Writer, c: PeerChain) -> None:
    w.opt(c.ck, KEY_LEN).u32(c.ck_index).u32(c.max_seq + 1).u32(c.reported + 1)
    w.u16(len(c.missing))
    for s in sorted(c.missing):
        w.u32(s).u64(c.missing[s])
    w.u16(len(c.skipped))
    for s in sorted(c.skipped):
        mk, at = c.skipped[s]
        w.u32(s).fixed(mk, KEY_LEN).u64(at)
    w.u16(len(c.recent))
    for s in sorted(c.recent):
        w.u32(s).fixed(c.recent[s], 32)
    w.u16(len(c.claimed_prev))
    for s in sorted(c.claimed_prev):
        w.u32(s).fixed(c.claimed_prev[s], 32)


def _dec_chain(r: Reader) -> PeerChain:
    c = PeerChain(r.opt(KEY_LEN), r.u32(), r.u32() - 1, r.u32() - 1)
    missing = [(r.u32(), r.u64()) for _ in range(r.u16())]
    skipped = [(r.u32(), r.fixed(KEY_LEN), r.u64()) for _ in range(r.u16())]
    recent = [(r.u32(), r.fixed(32)) for _ in range(r.u16())]
    claimed = [(r.u32(), r.fixed(32)) for _ in range(r.u16())]
    for rows in (missing, skipped, recent, claimed):
        _sorted_keys([row[0] for row in rows])
    c.missing = dict(missing)
    c.skipped = {s: (mk, at) for s, mk, at in skipped}
    c.recent = dict(recent)
    c.claimed_prev = dict(claimed)
    return c


def _enc_epoch(w: Writer, ep: EpochState) -> None:
    w.u32(ep.epoch).fixed(ep.mailbox, 32).fixed(ep.header_key, KEY_LEN)
    w.fixed(ep.write_seed, KEY_LEN).fixed(ep.read_seed, KEY_LEN).fixed(ep.commitment, 32)
    w.u64(ep.started_at).u64(ep.superseded_at).u32(ep.message_count)
    w.fixed(ep.my_ck, KEY_LEN).u32(ep.my_seq).fixed(ep.my_last_id, 32)
    w.u16(len(ep.peers))
    for ik in sorted(ep.peers):
        w.fixed(ik, KEY_LEN)
        _enc_chain(w, ep.peers[ik])


def _dec_epoch(r: Reader) -> EpochState:
    ep = EpochState(r.u32(), r.fixed(32), r.fixed(KEY_LEN), r.fixed(KEY_LEN), r.fixed(KEY_LEN),
                    r.fixed(32), r.u64(), r.u64(), r.u32(), r.fixed(KEY_LEN), r.u32(),
                    r.fixed(32))
    peers = [(r.fixed(KEY_LEN), _dec_chain(r)) for _ in range(r.u16())]
    if [p[0] for p in peers] != sorted({p[0] for p in peers}):
        raise DecodeError("state entries are not in canonical order")
    ep.peers = dict(peers)
    return ep


def _enc_member(w: Writer, m: Member) -> None:
    w.fixed(m.ik, KEY_LEN).fixed(m.spk, KEY_LEN).u8(role_code(m.role))
    w.u32(m.joined_seq).text(m.name, MAX_NAME_BYTES)


def _dec_member(r: Reader) -> Member:
    ik, spk, code, joined = r.fixed(KEY_LEN), r.fixed(KEY_LEN), r.u8(), r.u32()
    try:
        role = record_role(code)
    except DecodeError:
        raise DecodeError("a member record in the group state is not valid") from None
    return Member(ik, spk, r.text(MAX_NAME_BYTES), role, joined)


def encode_state(s: GroupState) -> bytes:
    gov = encode_gov(s.owner, s.members, s.role_log, s.invite_roles, s.devices.encode(), s.me)
    version = BLOB_VERSION_GOV if gov else BLOB_VERSION_LEAVING if s.leaving else BLOB_VERSION
    w = Writer().u8(version).fixed(s.my_ik, KEY_LEN).fixed(s.group_id, 16)
    w.text(s.name, MAX_NAME_BYTES).text(s.relay_url, MAX_RELAY_URL_BYTES).u8(_STATUS[s.status])
    w.u8(1 if s.fork else 0).u64(s.last_heartbeat)
    w.u16(len(s.members))
    for m in s.members.values():
        _enc_member(w, m)
    w.u32(s.control_base).u32(len(s.control_hashes))
    for digest in s.control_hashes:
        w.fixed(digest, 32)
    w.u32(s.current).u16(len(s.epochs))
    for epoch in sorted(s.epochs):
        _enc_epoch(w, s.epochs[epoch])
    w.u16(len(s.invites))
    for invite_id in sorted(s.invites):
        rec = s.invites[invite_id]
        w.fixed(rec.secret, KEY_LEN).u16(rec.uses_total).u16(rec.uses_left)
        w.u64(rec.expires_at).u64(rec.created_at).u8(1 if rec.revoked else 0)
        w.u16(len(rec.consumed))
        for rid in rec.consumed:
            w.fixed(rid, 32)
    w.u16(len(s.requests))
    for rid in sorted(s.requests):
        q = s.requests[rid]
        w.fixed(q.request_id, 32).fixed(q.invite_id, 16).fixed(q.joiner_ik, KEY_LEN)
        w.fixed(q.joiner_spk, KEY_LEN).u64(q.spk_created).fixed(q.spk_sig, SIG_LEN)
        w.text(q.name, MAX_NAME_BYTES).u64(q.sent_at).u64(q.received_at)
    w.u32(len(s.held))
    for epoch, raw in s.held:
        w.u32(epoch).var32(raw)
    if s.leaving or gov:
        w.u16(len(s.leaving))
        for epoch in sorted(s.leaving):
            _enc_member(w.u32(epoch), s.leaving[epoch].member)
            w.fixed(s.leaving[epoch].message_id, 32)
    return w.raw(gov).bytes()


def decode_state(data: bytes, identity: Identity) -> GroupState:
    """Load a blob made by encode_state; `identity` must be the member it belongs to."""
    r = Reader(data)
    version = r.u8()
    if version not in (BLOB_VERSION, BLOB_VERSION_LEAVING, BLOB_VERSION_GOV):
        raise VersionError("unknown group state version")
    if r.fixed(KEY_LEN) != identity.ik:
        raise DecodeError("this group state belongs to another identity")
    s = GroupState(identity, r.fixed(16), r.text(MAX_NAME_BYTES), r.text(MAX_RELAY_URL_BYTES))
    status = _STATUS_NAMES.get(r.u8())
    if status is None:
        raise DecodeError("unknown group status")
    s.status = status
    s.fork = r.flag()
    s.last_heartbeat = r.u64()
    _dec_members(r, s)
    s.control_base = r.u32()
    n_hashes = r.u32()
    if not 1 <= n_hashes <= r.remaining() // 32:
        raise DecodeError("the control log in the group state is not valid")
    s.control_hashes = [r.fixed(32) for _ in range(n_hashes)]
    s.current = r.u32()
    epochs = [_dec_epoch(r) for _ in range(r.u16())]
    _sorted_keys([ep.epoch for ep in epochs])
    for ep in epochs:
        s.register_epoch(ep)
    if s.current not in s.epochs:
        raise DecodeError("the group state has no keys for its current epoch")
    _dec_invites(r, s)
    _dec_requests(r, s, identity)
    n_held = r.u32()
    if n_held > MAX_PENDING:
        raise DecodeError("too many held messages in the group state")
    s.held = [(r.u32(), r.var32()) for _ in range(n_held)]
    if version == BLOB_VERSION_LEAVING:
        _dec_leaving(r, s)
    owner = None
    if version == BLOB_VERSION_GOV:
        _dec_leaving(r, s, allow_empty=True)
        gov = decode_gov(r)
        if gov.owner is not None and gov.owner not in s.members:
            raise DecodeError("the group state names an owner who is not a member")
        owner = gov.owner
        s.role_log = gov.role_log or []
        s.invite_roles = gov.invite_roles or {}
        if any(k not in s.invites for k in s.invite_roles):
            raise DecodeError("the group state gives a role to an invite it does not hold")
        if gov.devices is not None:
            s.devices = Devices.decode(gov.devices)
            if not s.devices.records and not s.devices.rekey:
                raise DecodeError("an empty device section in the group state")
        s.me = gov.me
        if s.me is not None and (s.me not in s.members and s.status == STATUS_ACTIVE
                                 or s.me == identity.ik):
            raise DecodeError("the group state names a member this device is not of")
    r.done()
    s.mark_owner(owner)
    return s


def _dec_leaving(r: Reader, s: GroupState, allow_empty: bool = False) -> None:
    """Leaving members by epoch, at least one in a version 2 blob (else it is version 1),
    each of a kept epoch and no longer a member."""
    rows = [(r.u32(), Leaving(_dec_member(r), r.fixed(32))) for _ in range(r.u16())]
    _sorted_keys([epoch for epoch, _m in rows])
    if (not rows and not allow_empty) or any(e not in s.epochs or g.member.ik in s.members for e, g in rows):
        raise DecodeError("the leaving members in the group state are not valid")
    s.leaving = dict(rows)


def _dec_members(r: Reader, s: GroupState) -> None:
    count = r.u16()
    if count > MAX_MEMBERS:
        raise DecodeError("too many members in the group state")
    for _ in range(count):
        m = _dec_member(r)
        if m.ik in s.members:
            raise DecodeError("a member record in the group state is not valid")
        s.members[m.ik] = m


def _dec_invites(r: Reader, s: GroupState) -> None:
    """Invites in ascending invite id, each once (the encoder's order, spec §4)."""
    last: bytes | None = None
    for _ in range(r.u16()):
        rec = InviteRecord(r.fixed(KEY_LEN), r.u16(), r.u16(), r.u64(), r.u64(), r.flag())
        rec.consumed = [r.fixed(32) for _ in range(r.u16())]
        invite_id = rec.mailbox().invite_id
        assert invite_id is not None
        if last is not None and invite_id <= last:
            raise DecodeError("the invites in the group state are not sorted and unique")
        last = invite_id
        s.register_invite(invite_id, rec)


def _dec_requests(r: Reader, s: GroupState, identity: Identity) -> None:
    """Join requests in ascending request id, each once (the encoder's order, spec §4)."""
    last: bytes | None = None
    for _ in range(r.u16()):
        rid, invite_id, ik, spk = r.fixed(32), r.fixed(16), r.fixed(KEY_LEN), r.fixed(KEY_LEN)
        created, sig, name = r.u64(), r.fixed(SIG_LEN), r.text(MAX_NAME_BYTES)
        sent_at, received_at = r.u64(), r.u64()
        if last is not None and rid <= last:
            raise DecodeError("the join requests in the group state are not sorted and unique")
        last = rid
        s.requests[rid] = JoinRequest(rid, invite_id, ik, spk, name, sent_at, received_at,
                                      fingerprint(ik), join_sas(invite_id, identity.ik, ik),
                                      created, sig)
