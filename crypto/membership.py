"""Control-log operations on a GroupSession: genesis, issuing and applying entries.

Only admins issue entries. An entry that changes the epoch (add, remove, rotate) carries a
commitment to a fresh epoch secret ES; the secret travels pairwise, in the same control
message, to every member who stays (never to a removed one). Every member checks the
author is an admin, the hash chain links, and that its ES opens to the commitment.
"""
from __future__ import annotations

import struct
from typing import TYPE_CHECKING

from crypto import labels
from crypto.chains import EpochState, commitment
from crypto.control import (
    EPOCH_OPS,
    OP_ADD,
    OP_GENESIS,
    OP_NAMES,
    OP_PROMOTE,
    OP_REMOVE,
    OP_RENAME,
    OP_ROTATE,
    ZERO32,
    ControlEntry,
    MemberRecord,
    decode_entry,
    genesis_data,
    name_data,
    sign_entry,
)
from crypto.encoding import Reader, Writer
from crypto.envelope import TYPE_CONTROL, Inner
from crypto.errors import AuthError, DecodeError, NotAllowed
from crypto.events import (
    ROLE_ADMIN,
    ROLE_MEMBER,
    WARNING_FORK,
    WARNING_MISSING_KEY,
    WARNING_REPLAY,
    EpochChanged,
    IntegrityWarning,
    Member,
    MembershipChanged,
    Opened,
    Outgoing,
    RemovedFromGroup,
)
from crypto.identity import Identity
from crypto.pairwise import decode_box_list, encode_box_list, find_box, open_pairwise, seal_pairwise
from crypto.params import MAX_MEMBERS, MAX_NAME_BYTES
from crypto.primitives import KEY_LEN, Rng, random_bytes

if TYPE_CHECKING:
    from crypto.session import GroupSession

_U32 = struct.Struct(">I")
MAX_RELAY_URL_BYTES = 512


def check_name(name: str, what: str) -> None:
    if not isinstance(name, str) or not name.strip():
        raise NotAllowed(f"the {what} must not be empty")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise NotAllowed(f"the {what} is longer than {MAX_NAME_BYTES} bytes")


def genesis(cls: type[GroupSession], identity: Identity, name: str, relay_url: str,
            display_name: str, now: int, rng: Rng) -> GroupSession:
    check_name(name, "group name")
    check_name(display_name, "display name")
    if not relay_url or len(relay_url.encode("utf-8")) > MAX_RELAY_URL_BYTES:
        raise NotAllowed("the relay address is missing or too long")
    group_id = random_bytes(rng, 16)
    session = cls(identity, group_id, name, relay_url)
    es = random_bytes(rng, KEY_LEN)
    founder = MemberRecord(identity.ik, identity.spk, identity.spk_created_at,
                           identity.spk_signature, display_name, ROLE_ADMIN)
    entry = sign_entry(ControlEntry(group_id, 0, ZERO32, identity.ik, now, OP_GENESIS, 0,
                                    commitment(es, group_id, 0), genesis_data(name, founder)),
                       identity.sign)
    session._members[identity.ik] = Member(identity.ik, identity.spk, display_name, ROLE_ADMIN, 0)
    session._control_base = 0
    session._control_hashes = [entry.hash]
    session._register_epoch(EpochState.derive(es, group_id, 0, now, random_bytes(rng, KEY_LEN)))
    session._current = 0
    return session


def epoch_key_payload(group_id: bytes, epoch: int, es: bytes) -> bytes:
    return group_id + _U32.pack(epoch) + es


def issue(session: GroupSession, op: int, data: bytes, now: int, rng: Rng,
          recipients: list[Member]) -> tuple[ControlEntry, bytes | None, Outgoing]:
    """Sign the next entry, box a fresh ES to `recipients` when the op changes the epoch,
    and seal the control message into the current (soon old) epoch's mailbox."""
    ep = session._require_active()
    if not session.is_admin:
        raise NotAllowed("only an admin can change the group")
    ident = session.identity
    head_seq, head_hash = session.control_head
    es = random_bytes(rng, KEY_LEN) if op in EPOCH_OPS else None
    epoch = session.epoch + 1 if es is not None else session.epoch
    entry = sign_entry(ControlEntry(
        session.group_id, head_seq + 1, head_hash, ident.ik, now, op, epoch,
        commitment(es, session.group_id, epoch) if es is not None else ZERO32, data), ident.sign)
    boxes = []
    if es is not None:
        payload = epoch_key_payload(session.group_id, epoch, es)
        boxes = [(m.ik, m.spk, seal_pairwise(ident, m.ik, m.spk, labels.SIG_EPOCH_KEY, payload,
                                             rng)) for m in recipients]
    body = Writer().var32(entry.encode()).raw(encode_box_list(boxes)).bytes()
    return entry, es, session._seal_plain(ep, TYPE_CONTROL, body, now, rng)


def apply_entry(session: GroupSession, entry: ControlEntry, es: bytes | None, now: int,
                rng: Rng, result: Opened) -> None:
    """Apply a checked entry: members, log head, and the new epoch when there is one."""
    op = entry.op
    me = session.my_ik
    target_ik: bytes | None = None
    target_name: str | None = None
    if op == OP_ADD:
        rec = entry.member_record()
        session._members[rec.ik] = Member(rec.ik, rec.spk, rec.name, ROLE_MEMBER, entry.seq)
        target_ik, target_name = rec.ik, rec.name
    elif op == OP_REMOVE:
        target_ik = entry.target_ik()
        target_name = session._members.pop(target_ik).name
    elif op == OP_PROMOTE:
        target_ik = entry.target_ik()
        m = session._members[target_ik]
        session._members[target_ik] = Member(m.ik, m.spk, m.name, ROLE_ADMIN, m.joined_seq)
        target_name = m.name
    elif op == OP_RENAME:
        session._name = target_name = entry.group_name()
    session._control_hashes.append(entry.hash)
    session._applied_control = True
    result.events.append(MembershipChanged(OP_NAMES[op], entry.author_ik, target_ik, target_name,
                                           entry.seq, entry.time, entry.epoch))
    if op == OP_REMOVE and target_ik == me:
        session._status = "removed"
        session._epochs[session.epoch].superseded_at = entry.time
        result.events.append(RemovedFromGroup(entry.author_ik, entry.time))
        return
    if es is not None:
        enter_epoch(session, es, entry.epoch, entry.time, now, rng, result)


def enter_epoch(session: GroupSession, es: bytes, epoch: int, at: int, now: int, rng: Rng,
                result: Opened) -> None:
    old = session._epochs[session.epoch]
    old.superseded_at = at
    ep = EpochState.derive(es, session.group_id, epoch, at, random_bytes(rng, KEY_LEN))
    session._register_epoch(ep)
    session._current = epoch
    result.events.append(EpochChanged(epoch, session._epoch_mailbox(ep),
                                      session._epoch_mailbox(old)))
    out = session.sender_key_message(ep, now, rng)
    if out is not None:
        result.outgoing.append(out)


def _validate(session: GroupSession, entry: ControlEntry) -> None:
    """The entry's operation must make sense against the current member list."""
    op = entry.op
    members = session._members
    if op in EPOCH_OPS and entry.epoch != session.epoch + 1:
        raise AuthError("the change does not start the next key period")
    if op not in EPOCH_OPS and entry.epoch != session.epoch:
        raise AuthError("the change names the wrong key period")
    if op == OP_GENESIS:
        raise AuthError("a group has only one genesis")
    if op == OP_ADD:
        rec = entry.member_record()
        rec.verify()
        if rec.ik in members or rec.role != ROLE_MEMBER or len(members) >= MAX_MEMBERS:
            raise AuthError("the add entry is not valid for this group")
    elif op in (OP_REMOVE, OP_PROMOTE):
        target = entry.target_ik()
        if target not in members:
            raise AuthError("the entry names someone who is not a member")
        if op == OP_REMOVE and target == entry.author_ik:
            raise AuthError("an admin cannot remove themselves")
        if op == OP_PROMOTE and members[target].role == ROLE_ADMIN:
            raise AuthError("the member is already an admin")
    elif op == OP_RENAME:
        entry.group_name()


def apply_control(session: GroupSession, ep: EpochState, inner: Inner, now: int, rng: Rng,
                  result: Opened) -> bool:
    """Check and apply a control message. False when it was held back (a predecessor is
    missing) and so must not count as received yet."""
    hd = inner.header
    events = result.events
    r = Reader(inner.body)
    entry = decode_entry(r.var32())
    boxes = decode_box_list(r)
    r.done()
    if entry.author_ik != hd.sender_ik or entry.group_id != session.group_id:
        raise AuthError("the control entry was not sent by its author")
    entry.verify()
    head_seq, head_hash = session.control_head
    if entry.seq <= head_seq:
        idx = entry.seq - session._control_base
        known = session._control_hashes[idx] if idx >= 0 else None
        if known is not None and known != entry.hash:
            session._fork = True
            events.append(IntegrityWarning(
                WARNING_FORK, "Two different changes to the member list were made at the same "
                "point: the group's history was forked.", hd.sender_ik, 1, ep.epoch))
        else:
            events.append(IntegrityWarning(
                WARNING_REPLAY, "An old change to the member list was delivered again and "
                "ignored.", hd.sender_ik, 1, ep.epoch))
        return True
    if entry.seq > head_seq + 1:
        session._hold(ep, inner)
        return False
    if session._fork or entry.prev_hash != head_hash:
        session._fork = True
        events.append(IntegrityWarning(
            WARNING_FORK, "A change to the member list does not follow the one you have: the "
            "group's history was forked.", hd.sender_ik, 1, ep.epoch))
        return True
    author = session._members.get(entry.author_ik)
    if author is None or author.role != ROLE_ADMIN:
        raise AuthError("only an admin can change the group")
    _validate(session, entry)
    es = None
    if entry.op in EPOCH_OPS and not (entry.op == OP_REMOVE and entry.target_ik() == session.my_ik):
        mine = find_box(boxes, session.my_ik)
        if mine is None:
            events.append(IntegrityWarning(
                WARNING_MISSING_KEY, "A membership change arrived without your new key; ask an "
                "admin to re-add you.", hd.sender_ik, 1, ep.epoch))
            return True
        es = open_epoch_key(session, entry, mine)
    apply_entry(session, entry, es, now, rng, result)
    return True


def open_epoch_key(session: GroupSession, entry: ControlEntry, box: tuple[bytes, bytes]) -> bytes:
    sender_ik, payload = open_pairwise(session.identity, box[0], labels.SIG_EPOCH_KEY, box[1])
    if sender_ik != entry.author_ik:
        raise AuthError("the epoch key was not boxed by the entry's author")
    r = Reader(payload)
    gid, epoch, es = r.fixed(16), r.u32(), r.fixed(KEY_LEN)
    r.done()
    if gid != session.group_id or epoch != entry.epoch:
        raise AuthError("the epoch key is for another group or epoch")
    if commitment(es, gid, epoch) != entry.commitment:
        raise AuthError("the epoch key does not match the entry's commitment")
    return es


def _others(session: GroupSession, exclude: bytes | None = None) -> list[Member]:
    return [m for m in session._members.values() if m.ik not in (session.my_ik, exclude)]


def _run(session: GroupSession, op: int, data: bytes, now: int, rng: Rng,
         recipients: list[Member]) -> list[Outgoing]:
    entry, es, out = issue(session, op, data, now, rng, recipients)
    result = Opened()
    apply_entry(session, entry, es, now, rng, result)
    return [out] + result.outgoing


def remove(session: GroupSession, member_ik: bytes, now: int, rng: Rng) -> list[Outgoing]:
    if member_ik == session.my_ik:
        raise NotAllowed("you cannot remove yourself; leave the group instead")
    if member_ik not in session._members:
        raise NotAllowed("that person is not a member of this group")
    return _run(session, OP_REMOVE, member_ik, now, rng, _others(session, member_ik))


def promote(session: GroupSession, member_ik: bytes, now: int, rng: Rng) -> list[Outgoing]:
    m = session._members.get(member_ik)
    if m is None:
        raise NotAllowed("that person is not a member of this group")
    if m.role == ROLE_ADMIN:
        raise NotAllowed("that member is already an admin")
    return _run(session, OP_PROMOTE, member_ik, now, rng, [])


def rename(session: GroupSession, name: str, now: int, rng: Rng) -> list[Outgoing]:
    check_name(name, "group name")
    return _run(session, OP_RENAME, name_data(name), now, rng, [])


def rotate(session: GroupSession, now: int, rng: Rng) -> list[Outgoing]:
    return _run(session, OP_ROTATE, b"", now, rng, _others(session))


def add(session: GroupSession, record: MemberRecord, now: int,
        rng: Rng) -> tuple[ControlEntry, bytes, list[Outgoing]]:
    """Issue and apply an add entry; returns the entry and ES for the Welcome."""
    if len(session._members) >= MAX_MEMBERS:
        raise NotAllowed(f"a group has at most {MAX_MEMBERS} members")
    if record.ik in session._members:
        raise NotAllowed("that person is already a member")
    entry, es, out = issue(session, OP_ADD, record.encode(Writer()).bytes(), now, rng,
                           _others(session))
    assert es is not None
    result = Opened()
    apply_entry(session, entry, es, now, rng, result)
    return entry, es, [out] + result.outgoing



def join_from_welcome(identity: Identity, link: object, welcome: object, now: int,
                      rng: Rng) -> object:
    """Build the joiner's session from a verified-sender Welcome after checking that the
    add entry names us, is signed by an admin of the listed group, and that ES opens to
    the entry's commitment."""
    from crypto.invite import InviteLink, Joined, Welcome
    from crypto.session import GroupSession
    assert isinstance(link, InviteLink) and isinstance(welcome, Welcome)
    entry = welcome.entry
    members = {m.ik: m for m in welcome.members}
    author = members.get(entry.author_ik)
    if (entry.op != OP_ADD or entry.group_id != welcome.group_id
            or welcome.invite_id != link.invite_id or entry.author_ik != link.inviter_ik):
        raise AuthError("the Welcome's add entry does not match this invite")
    if entry.member_record().ik != identity.ik or identity.ik not in members:
        raise AuthError("the Welcome does not add this member")
    if author is None or author.role != ROLE_ADMIN:
        raise AuthError("the Welcome was not made by an admin of the group")
    entry.verify()
    if commitment(welcome.es, welcome.group_id, entry.epoch) != entry.commitment:
        raise AuthError("the Welcome's key does not match its commitment")
    check_name(welcome.name, "group name")
    if len(members) > MAX_MEMBERS:
        raise DecodeError("the Welcome lists too many members")
    session = GroupSession(identity, welcome.group_id, welcome.name, link.relay_url)
    session._members = dict(members)
    session._control_base = entry.seq
    session._control_hashes = [entry.hash]
    ep = EpochState.derive(welcome.es, welcome.group_id, entry.epoch, entry.time,
                           random_bytes(rng, KEY_LEN))
    session._register_epoch(ep)
    session._current = entry.epoch
    me = members[identity.ik]
    events: list = [MembershipChanged("add", entry.author_ik, identity.ik, me.name, entry.seq,
                                      entry.time, entry.epoch),
                    EpochChanged(entry.epoch, session._epoch_mailbox(ep), None)]
    out = session.sender_key_message(ep, now, rng)
    return Joined(session, [out] if out is not None else [], events)
