"""Control-log operations over a GroupState: genesis, issuing and applying entries.

Owners and admins issue entries (crypto.governance.can). An entry that changes the epoch (add, remove, rotate) carries a
commitment to a fresh epoch secret ES; the secret travels pairwise, in the same control
message, to every member who stays (never to a removed one). Every member checks the
author is an admin, the hash chain links, and that its ES opens to the commitment.
"""
from __future__ import annotations

from dataclasses import replace
from enum import Enum

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
    OP_ROLE,
    OP_ROTATE,
    ZERO32,
    ControlEntry,
    MemberRecord,
    decode_entry,
    genesis_data,
    name_data,
    sign_entry,
)
from crypto.devices import Devices
from crypto.encoding import Reader, Writer
from crypto.envelope import TYPE_CONTROL, Inner
from crypto.errors import AuthError, DecodeError, NotAllowed, reason
from crypto.events import (
    ROLE_ADMIN,
    ROLE_OWNER,
    WARNING_FORK,
    WARNING_MISSING_KEY,
    WARNING_REPLAY,
    EpochChanged,
    Event,
    IntegrityWarning,
    Member,
    MembershipChanged,
    Opened,
    Outgoing,
    RemovedFromGroup,
)
from crypto.governance import (
    ACT_HAND_OVER,
    ACT_MANAGE_MEMBERS,
    ACT_MANAGE_ROLES,
    ROLE_LOG_KEEP,
    STARTING_ROLES,
    RoleChange,
    can,
    role_data,
)
from crypto.identity import Identity
from crypto.invite import InviteLink, Welcome
from crypto.pairwise import (
    decode_box_list,
    encode_box_list,
    find_box,
    group_key_payload,
    open_group_key,
    padded_key_list,
    seal_pairwise,
)
from crypto.params import (
    MAX_MEMBERS,
    MAX_NAME_BYTES,
    MAX_RELAY_URL_BYTES,
    ROTATE_AFTER_MESSAGES,
    ROTATE_AFTER_SECONDS,
)
from crypto.primitives import KEY_LEN, Rng, random_bytes
from crypto.send import epoch_cover, seal_plain, sender_key_message
from crypto.state import STATUS_REMOVED, GroupState, Leaving


class ControlOutcome(Enum):
    """What apply_control did with a control message (the receive path records it unless
    it was held)."""

    HELD = "held"          # a predecessor is missing: retry later, do not count it yet
    IGNORED = "ignored"    # a replay, fork or missing key: warned, nothing applied
    APPLIED = "applied"    # the entry is now our control-log head


_EMPTY = {"group name": reason("the group name must not be empty"),
          "display name": reason("the display name must not be empty")}
_TOO_LONG = {"group name": reason("the group name is longer than {limit} bytes"),
             "display name": reason("the display name is longer than {limit} bytes")}


def check_name(name: str, what: str) -> None:
    """`what` is "group name" or "display name"."""
    if not isinstance(name, str) or not name.strip():
        raise NotAllowed(_EMPTY[what])
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise NotAllowed(_TOO_LONG[what], limit=MAX_NAME_BYTES)


def genesis(identity: Identity, name: str, relay_url: str, display_name: str, now: int,
            rng: Rng) -> GroupState:
    check_name(name, "group name")
    check_name(display_name, "display name")
    if not relay_url or len(relay_url.encode("utf-8")) > MAX_RELAY_URL_BYTES:
        raise NotAllowed("the relay address is missing or too long")
    group_id = random_bytes(rng, 16)
    state = GroupState(identity, group_id, name, relay_url)
    es = random_bytes(rng, KEY_LEN)
    founder = MemberRecord(identity.ik, identity.spk, identity.spk_created_at,
                           identity.spk_signature, display_name, ROLE_ADMIN)
    entry = sign_entry(ControlEntry(group_id, 0, ZERO32, identity.ik, now, OP_GENESIS, 0,
                                    commitment(es, group_id, 0), genesis_data(name, founder)),
                       identity.sign)
    state.members[identity.ik] = Member(identity.ik, identity.spk, display_name, ROLE_OWNER, 0)
    state.control_base = 0
    state.control_hashes = [entry.hash]
    state.register_epoch(EpochState.derive(es, group_id, 0, now, random_bytes(rng, KEY_LEN)))
    state.current = 0
    return state


def issue(state: GroupState, op: int, data: bytes, now: int, rng: Rng,
          recipients: list[tuple[bytes, bytes]]) -> tuple[ControlEntry, bytes | None, Outgoing]:
    """Sign the next entry, box a fresh ES to `recipients` ((key, prekey) of members and
    their linked devices) when the op changes the epoch, and seal the control message into
    the current (soon old) epoch's mailbox."""
    ep = state.require_active()
    me = state.members.get(state.member_ik)
    ident = state.signer      # the member's IK signs; this device's key seals (§16.8)
    if ident is None:
        raise NotAllowed("a linked device cannot change the group; use the member's first "
                         "device")
    if me is None or not can(me.role, op_action(op)):
        raise NotAllowed("only an admin can change the group")
    head_seq, head_hash = state.control_head
    es = random_bytes(rng, KEY_LEN) if op in EPOCH_OPS else None
    epoch = state.current + 1 if es is not None else state.current
    entry = sign_entry(ControlEntry(
        state.group_id, head_seq + 1, head_hash, ident.ik, now, op, epoch,
        commitment(es, state.group_id, epoch) if es is not None else ZERO32, data), ident.sign)
    body = Writer().var32(entry.encode())
    if es is not None:
        payload = group_key_payload(state.group_id, epoch, es)
        boxes = [(ik, spk, seal_pairwise(ident, ik, spk, labels.SIG_EPOCH_KEY, payload, rng))
                 for ik, spk in recipients]
        after = len(recipients) + 1 + (1 if op == OP_ADD else 0)   # with us and a joiner
        body.raw(padded_key_list(boxes, after, rng))
    else:
        body.raw(encode_box_list([]))
    return entry, es, seal_plain(state, ep, TYPE_CONTROL, body.bytes(), now, rng)


def op_action(op: int) -> str:
    """What `op` asks of its author's role (crypto.governance)."""
    return ACT_MANAGE_ROLES if op in (OP_PROMOTE, OP_ROLE) else ACT_MANAGE_MEMBERS


def _set_role(state: GroupState, ik: bytes, role: str, entry: ControlEntry) -> None:
    m = state.members[ik]
    state.members[ik] = Member(m.ik, m.spk, m.name, role, m.joined_seq)
    state.role_log.append(RoleChange(entry.seq, entry.time, ik, m.role, role))
    del state.role_log[:-ROLE_LOG_KEEP]


def apply_entry(state: GroupState, entry: ControlEntry, es: bytes | None, now: int,
                rng: Rng, result: Opened, issued: bool = False) -> None:
    """Apply a checked entry: members, log head, and the new epoch when there is one."""
    op = entry.op
    me = state.member_ik
    target_ik: bytes | None = None
    target_name: str | None = None
    role: str | None = None
    if op == OP_ADD:
        rec = entry.member_record()
        state.members[rec.ik] = Member(rec.ik, rec.spk, rec.name, rec.role, entry.seq)
        target_ik, target_name = rec.ik, rec.name
    elif op == OP_REMOVE:
        target_ik = entry.target_ik()
        target_name = state.members.pop(target_ik).name
        state.devices.drop_member(target_ik)
    elif op == OP_PROMOTE:
        target_ik = entry.target_ik()  # the older way to make an admin: not in the role
        m = state.members[target_ik]    # log, as it only adds rights (state blobs keep)
        state.members[target_ik] = Member(m.ik, m.spk, m.name, ROLE_ADMIN, m.joined_seq)
        target_name, role = m.name, ROLE_ADMIN
    elif op == OP_ROLE:
        target_ik, role = entry.role_change()
        if role == ROLE_OWNER:  # a hand-over: the owner stays an admin
            _set_role(state, entry.author_ik, ROLE_ADMIN, entry)
        _set_role(state, target_ik, role, entry)
        target_name = state.members[target_ik].name
    elif op == OP_RENAME:
        state.name = target_name = entry.group_name()
    state.control_hashes.append(entry.hash)
    result.events.append(MembershipChanged(OP_NAMES[op], entry.author_ik, target_ik, target_name,
                                           entry.seq, entry.time, entry.epoch, role))
    if op == OP_REMOVE and target_ik == me:
        state.status = STATUS_REMOVED
        state.epochs[state.current].superseded_at = entry.time
        result.events.append(RemovedFromGroup(entry.author_ik, entry.time))
        return
    if es is not None:
        state.devices.rekey = False       # the new key period leaves revoked devices out
        enter_epoch(state, es, entry.epoch, entry.time, now, rng, result,
                    started_by_me=issued)


def enter_epoch(state: GroupState, es: bytes, epoch: int, at: int, now: int, rng: Rng,
                result: Opened, started_by_me: bool) -> None:
    """Move to the new epoch and send our sender key there; the member who started it
    also sends the epoch's cover messages."""
    old = state.epochs[state.current]
    old.superseded_at = at
    ep = EpochState.derive(es, state.group_id, epoch, at, random_bytes(rng, KEY_LEN))
    state.register_epoch(ep)
    state.current = epoch
    result.events.append(EpochChanged(epoch, state.epoch_mailbox(ep),
                                      state.epoch_mailbox(old)))
    out = sender_key_message(state, ep, now, rng)
    if out is not None:
        result.outgoing.append(out)
    if started_by_me:
        result.outgoing.extend(epoch_cover(state, ep, now, rng))


def _validate(state: GroupState, entry: ControlEntry) -> None:
    """The entry's operation must make sense against the current member list."""
    op = entry.op
    members = state.members
    if op in EPOCH_OPS and entry.epoch != state.current + 1:
        raise AuthError("the change does not start the next key period")
    if op not in EPOCH_OPS and entry.epoch != state.current:
        raise AuthError("the change names the wrong key period")
    if op == OP_GENESIS:
        raise AuthError("a group has only one genesis")
    if op == OP_ADD:
        rec = entry.member_record()
        rec.verify()
        if (rec.ik in members or rec.role not in STARTING_ROLES
                or state.recipient_count() >= MAX_MEMBERS or rec.ik in state.devices.records):
            raise AuthError("the add entry is not valid for this group")
    elif op in (OP_REMOVE, OP_PROMOTE, OP_ROLE):
        target = entry.target_ik()
        if target not in members:
            raise AuthError("the entry names someone who is not a member")
        if op == OP_REMOVE and target == entry.author_ik:
            raise AuthError("an admin cannot remove themselves")
        if op == OP_REMOVE and members[target].role == ROLE_OWNER:
            raise AuthError("no one can remove the owner")
        if op == OP_PROMOTE and members[target].is_admin:
            raise AuthError("the member is already an admin")
        if op == OP_ROLE:
            check_role_change(members, entry.author_ik, target, entry.role_change()[1],
                              AuthError)
    elif op == OP_RENAME:
        entry.group_name()


def check_role_change(members: dict[bytes, Member], author: bytes, target: bytes, role: str,
                      error: type[Exception]) -> None:
    """A role entry's rules: the owner's role changes only by handing ownership over,
    which only the owner can do; a role entry must change the role."""
    current = members[target].role
    if role == current:
        raise error(f"that member is already {'the' if role == ROLE_OWNER else 'a'} {role}")
    if current == ROLE_OWNER:
        raise error("the owner's role changes only when they hand ownership over")
    if role == ROLE_OWNER and not can(members[author].role, ACT_HAND_OVER):
        raise error("only the owner can hand ownership over")


def apply_control(state: GroupState, ep: EpochState, inner: Inner, now: int, rng: Rng,
                  result: Opened) -> ControlOutcome:
    """Check and apply a control message (docs/protocol.md §8, in the order given there)."""
    hd = inner.header
    events = result.events
    r = Reader(inner.body)
    entry = decode_entry(r.var32())
    boxes = decode_box_list(r)
    r.done()
    carrier = state.sender(hd.sender_ik, ep.epoch)
    if (entry.author_ik != hd.sender_ik and (carrier is None or carrier.ik != entry.author_ik)
            or entry.group_id != state.group_id):
        # the author's IK, or one of the author's active devices (§16.8)
        raise AuthError("the control entry was not sent by its author")
    entry.verify()
    head_seq, head_hash = state.control_head
    if entry.seq <= head_seq:
        idx = entry.seq - state.control_base
        known = state.control_hashes[idx] if idx >= 0 else None
        if known is not None and known != entry.hash:
            state.fork = True
            events.append(IntegrityWarning(
                WARNING_FORK, reason("Two different changes to the member list were made at the same "
                "point: the group's history was forked."), hd.sender_ik, 1, ep.epoch))
        else:
            events.append(IntegrityWarning(
                WARNING_REPLAY, reason("An old change to the member list was delivered again and "
                "ignored."), hd.sender_ik, 1, ep.epoch))
        return ControlOutcome.IGNORED
    if entry.seq > head_seq + 1:
        state.hold(ep.epoch, inner.raw)
        return ControlOutcome.HELD
    if state.fork or entry.prev_hash != head_hash:
        state.fork = True
        events.append(IntegrityWarning(
            WARNING_FORK, reason("A change to the member list does not follow the one you have: the "
            "group's history was forked."), hd.sender_ik, 1, ep.epoch))
        return ControlOutcome.IGNORED
    author = state.members.get(entry.author_ik)
    if author is None or not can(author.role, op_action(entry.op)):
        raise AuthError("only an admin can change the group")
    _validate(state, entry)
    es = None
    if entry.op in EPOCH_OPS and not (entry.op == OP_REMOVE
                                      and entry.target_ik() == state.member_ik):
        mine = find_box(boxes, state.my_ik)
        if mine is None:
            events.append(IntegrityWarning(
                WARNING_MISSING_KEY, reason("A membership change arrived without your new key; ask an "
                "admin to re-add you."), hd.sender_ik, 1, ep.epoch))
            return ControlOutcome.IGNORED
        es = open_epoch_key(state, entry, mine)
    apply_entry(state, entry, es, now, rng, result)
    return ControlOutcome.APPLIED


def open_epoch_key(state: GroupState, entry: ControlEntry, box: tuple[bytes, bytes]) -> bytes:
    es = open_group_key(state.identity, box, labels.SIG_EPOCH_KEY, entry.author_ik,
                        state.group_id, entry.epoch, "epoch key")
    if commitment(es, state.group_id, entry.epoch) != entry.commitment:
        raise AuthError("the epoch key does not match the entry's commitment")
    return es


def _others(state: GroupState, exclude: bytes | None = None) -> list[tuple[bytes, bytes]]:
    """Who gets a new epoch key: everyone but us and `exclude` (with their devices)."""
    return state.recipients(exclude)


def _run(state: GroupState, op: int, data: bytes, now: int, rng: Rng,
         recipients: list[tuple[bytes, bytes]]) -> list[Outgoing]:
    entry, es, out = issue(state, op, data, now, rng, recipients)
    result = Opened()
    apply_entry(state, entry, es, now, rng, result, issued=True)
    return [out] + result.outgoing


def remove(state: GroupState, member_ik: bytes, now: int, rng: Rng) -> list[Outgoing]:
    if member_ik == state.member_ik:
        raise NotAllowed("you cannot remove yourself; leave the group instead")
    leaving = state.members.get(member_ik)
    if leaving is None:
        raise NotAllowed("that person is not a member of this group")
    if leaving.role == ROLE_OWNER:
        raise NotAllowed("no one can remove the owner; the owner can hand ownership over")
    ended = state.current
    out = _run(state, OP_REMOVE, member_ik, now, rng, _others(state, member_ik))
    # The relay may already hold posts they sent before this entry, which the others read
    # ahead of it: keep accepting those until the entry comes back (receive._process).
    entry = replace(out[0], echo=True)
    assert entry.message_id is not None
    state.leaving[ended] = Leaving(leaving, entry.message_id)
    return [entry] + out[1:]


def promote(state: GroupState, member_ik: bytes, now: int, rng: Rng) -> list[Outgoing]:
    m = state.members.get(member_ik)
    if m is None:
        raise NotAllowed("that person is not a member of this group")
    if m.is_admin:
        raise NotAllowed("that member is already an admin")
    return _run(state, OP_PROMOTE, member_ik, now, rng, [])


def set_role(state: GroupState, member_ik: bytes, role: str, now: int,
             rng: Rng) -> list[Outgoing]:
    """Give a member a role (owner: hand ownership over; this member stays an admin)."""
    if member_ik not in state.members:
        raise NotAllowed("that person is not a member of this group")
    state.require_active()
    me = state.members.get(state.member_ik)
    if me is None or not can(me.role, ACT_MANAGE_ROLES):
        raise NotAllowed("only an admin can change roles")
    check_role_change(state.members, state.member_ik, member_ik, role, NotAllowed)
    return _run(state, OP_ROLE, role_data(member_ik, role), now, rng, [])


def rename(state: GroupState, name: str, now: int, rng: Rng) -> list[Outgoing]:
    check_name(name, "group name")
    return _run(state, OP_RENAME, name_data(name), now, rng, [])


def rotate(state: GroupState, now: int, rng: Rng) -> list[Outgoing]:
    return _run(state, OP_ROTATE, b"", now, rng, _others(state))


def add(state: GroupState, record: MemberRecord, now: int,
        rng: Rng) -> tuple[ControlEntry, bytes, list[Outgoing]]:
    """Issue and apply an add entry; returns the entry and ES for the Welcome."""
    if state.recipient_count() >= MAX_MEMBERS:
        raise NotAllowed("a group has at most {count} members and linked devices", count=MAX_MEMBERS)
    if record.ik in state.members:
        raise NotAllowed("that person is already a member")
    entry, es, out = issue(state, OP_ADD, record.encode(Writer()).bytes(), now, rng,
                           _others(state))
    assert es is not None
    result = Opened()
    apply_entry(state, entry, es, now, rng, result, issued=True)
    return entry, es, [out] + result.outgoing



def join_from_welcome(identity: Identity, link: InviteLink, welcome: Welcome, now: int,
                      rng: Rng) -> tuple[GroupState, list[Outgoing], list[Event]]:
    """The joiner's state from a verified-sender Welcome, after checking that the add entry
    names us, is signed by an admin of the listed group, and that ES opens to the entry's
    commitment. Returns the state, what to send (our sender key) and the events."""
    entry = welcome.entry
    members = {m.ik: m for m in welcome.members}
    author = members.get(entry.author_ik)
    if (entry.op != OP_ADD or entry.group_id != welcome.group_id
            or welcome.invite_id != link.invite_id or entry.author_ik != link.inviter_ik):
        raise AuthError("the Welcome's add entry does not match this invite")
    if entry.member_record().ik != identity.ik or identity.ik not in members:
        raise AuthError("the Welcome does not add this member")
    if author is None or not author.is_admin:
        raise AuthError("the Welcome was not made by an admin of the group")
    entry.verify()
    if commitment(welcome.es, welcome.group_id, entry.epoch) != entry.commitment:
        raise AuthError("the Welcome's key does not match its commitment")
    check_name(welcome.name, "group name")
    if len(members) > MAX_MEMBERS:
        raise DecodeError("the Welcome lists too many members")
    state = GroupState(identity, welcome.group_id, welcome.name, link.relay_url,
                       members=dict(members), control_base=entry.seq,
                       control_hashes=[entry.hash], current=entry.epoch)
    ep = EpochState.derive(welcome.es, welcome.group_id, entry.epoch, entry.time,
                           random_bytes(rng, KEY_LEN))
    state.register_epoch(ep)
    state.mark_owner(welcome.owner)
    if welcome.devices is not None:
        devices = Devices.decode(welcome.devices)
        for rec in devices.records.values():
            rec.cert.verify()
            if rec.revoked or rec.cert.member_ik not in members or rec.cert.device_pk in members:
                raise AuthError("the Welcome lists a device that is not a member's")
        for ik in devices.retired:
            if ik not in members or not devices.active_of(ik):
                raise AuthError("the Welcome revokes a first device it should not")
        state.devices = devices
    me = state.members[identity.ik]
    events: list[Event] = [MembershipChanged("add", entry.author_ik, identity.ik, me.name,
                                             entry.seq, entry.time, entry.epoch),
                           EpochChanged(entry.epoch, state.epoch_mailbox(ep), None)]
    out = sender_key_message(state, ep, now, rng)
    return state, [out] if out is not None else [], events


def rotation_due(state: GroupState, now: int) -> bool:
    """True on the one device that should rotate now when the epoch is
    ROTATE_AFTER_SECONDS old, has carried ROTATE_AFTER_MESSAGES or a device was revoked:
    the longest-standing admin's first device; when that admin's first device was revoked,
    the next admin's; when every admin's was, the device that revoked the longest-standing
    admin's, if it holds that admin's identity key (a restored profile, §16.8)."""
    if not state.is_admin or state.signer is None:
        return False
    admins = [m.ik for m in state.members.values() if m.is_admin]
    live = [ik for ik in admins if ik not in state.devices.retired]
    rotator = live[0] if live else state.devices.retired[admins[0]]
    if rotator != state.my_ik or state.signer.ik != (live[0] if live else admins[0]):
        return False
    ep = state.epochs[state.current]
    return (state.devices.rekey or now - ep.started_at >= ROTATE_AFTER_SECONDS
            or ep.message_count >= ROTATE_AFTER_MESSAGES)
