"""Roles and what each may do: the one rule engine every client runs the same way.

`can(role, action)` is the whole permission table (docs/protocol.md §8.1). Role changes
are admin-signed control entries (op 6, role); a content payload is judged against its
sender's role *at the message* (`role_at`): the role after the last role entry the message
knew of, where an entry is known when its log position is at or before the position the
message's header names, or its signed time is at or before the message's signed time.
Every client with the same log reaches the same verdict whatever order envelopes came in.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from crypto.encoding import Reader, Writer
from crypto.errors import DecodeError, reason
from crypto.events import (
    ROLE_ADMIN,
    ROLE_MEMBER,
    ROLE_MODERATOR,
    ROLE_OBSERVER,
    ROLE_OWNER,
    Member,
)
from crypto.moderation import (
    Ban,
    ChannelRule,
    GroupSettings,
    Lift,
    ModRemove,
    Timeout,
    Unban,
)
from crypto.payloads import AdminRemove, Content, Edit, Post, Reaction
from crypto.primitives import KEY_LEN
from crypto.profiles import Badge
from crypto.profiles import refusal as profile_refusal
from crypto.reports import Approval, ReportResolved, Rules

# What a role may do. Content actions: post (posts, replies, edits), react, moderate
# (remove others' posts; the moderation payloads), manage_channels (channel definitions,
# pins of posts and library items, library tags: what `Member.is_admin` admits in
# crypto.spaces and the library rules), announce (top-level posts in an announcements
# channel: owners, admins and moderators, crypto.spaces.top_level_allowed). Control
# actions: manage_members (add, remove, invite, rename, rotate), manage_roles (role
# entries), hand_over (ownership).
ACT_POST = "post"
ACT_REACT = "react"
ACT_MODERATE = "moderate"
ACT_MANAGE_CHANNELS = "manage_channels"
ACT_ANNOUNCE = "announce"
ACT_MANAGE_MEMBERS = "manage_members"
ACT_MANAGE_ROLES = "manage_roles"
ACT_HAND_OVER = "hand_over"
ACTIONS = (ACT_POST, ACT_REACT, ACT_MODERATE, ACT_MANAGE_CHANNELS, ACT_ANNOUNCE,
           ACT_MANAGE_MEMBERS, ACT_MANAGE_ROLES, ACT_HAND_OVER)

_GRANTS: dict[str, frozenset[str]] = {
    ROLE_OWNER: frozenset(ACTIONS),
    ROLE_ADMIN: frozenset(ACTIONS) - {ACT_HAND_OVER},
    ROLE_MODERATOR: frozenset({ACT_POST, ACT_REACT, ACT_MODERATE, ACT_ANNOUNCE}),
    ROLE_MEMBER: frozenset({ACT_POST, ACT_REACT}),
    ROLE_OBSERVER: frozenset({ACT_REACT}),
}

# Role codes on the wire. Member records (add, Welcome, state blob) carry 0..3; the
# owner is written there as an admin (1) and known from genesis or a hand-over, so every
# byte written before roles existed reads the same. Code 4 appears only in a role entry.
ROLE_CODES = {ROLE_MEMBER: 0, ROLE_ADMIN: 1, ROLE_MODERATOR: 2, ROLE_OBSERVER: 3,
              ROLE_OWNER: 4}
ROLE_BY_CODE = {v: k for k, v in ROLE_CODES.items()}
RECORD_ROLES = frozenset({ROLE_MEMBER, ROLE_ADMIN, ROLE_MODERATOR, ROLE_OBSERVER})
# Roles an invite may give its joiner.
STARTING_ROLES = (ROLE_MEMBER, ROLE_OBSERVER)
# Role changes kept to judge messages that were on their way when one was made.
ROLE_LOG_KEEP = 64

_NEEDS: dict[type, str] = {Post: ACT_POST, Edit: ACT_POST, Reaction: ACT_REACT,
                           AdminRemove: ACT_MODERATE, ModRemove: ACT_MODERATE,
                           Timeout: ACT_MODERATE, Lift: ACT_MODERATE,
                           ChannelRule: ACT_MODERATE, Ban: ACT_MANAGE_MEMBERS,
                           Unban: ACT_MANAGE_MEMBERS, GroupSettings: ACT_MANAGE_MEMBERS,
                           Badge: ACT_MANAGE_ROLES,
                           ReportResolved: ACT_MODERATE, Approval: ACT_MODERATE,
                           Rules: ACT_MANAGE_MEMBERS}
# Refusals worded for one payload rather than its action.
_REFUSED_TYPE = {Rules: reason("only an admin can change the group's rules"),
                 ReportResolved: reason("only a moderator or an admin can resolve a report"),
                 Approval: reason("only a moderator or an admin can approve a newcomer's post")}
# A timeout reaches only members whose role ranks below the one who sets it: a moderator
# cannot silence an admin or the owner, nor another moderator.
_RANK = {ROLE_OBSERVER: 0, ROLE_MEMBER: 1, ROLE_MODERATOR: 2, ROLE_ADMIN: 3, ROLE_OWNER: 4}
_REFUSED_TIMEOUT = reason("a timeout can only reach a member whose role ranks below yours")
_REFUSED = {ACT_POST: reason("an observer cannot post"),
            ACT_REACT: reason("this member cannot react"),
            ACT_MODERATE: reason("only a moderator or an admin can moderate"),
            ACT_MANAGE_MEMBERS: reason("only an admin can ban, unban or change the group's "
                                       "settings"),
            ACT_MANAGE_ROLES: reason("only an admin can grant or revoke badges")}


def can(role: str, action: str) -> bool:
    """True when `role` (owner, admin, moderator, member, observer) may do `action`."""
    grants = _GRANTS.get(role)
    return grants is not None and action in grants


def outranks(role: str, other: str) -> bool:
    """True when `role` ranks above `other` (owner, admin, moderator, member, observer):
    what a timeout needs of the one who sets it over the one it reaches."""
    return _RANK.get(role, 0) > _RANK.get(other, 0)


def role_code(role: str, *, record: bool = True) -> int:
    """The wire code of a role; in a member record the owner is written as an admin."""
    if record and role == ROLE_OWNER:
        return ROLE_CODES[ROLE_ADMIN]
    return ROLE_CODES[role]


def record_role(code: int) -> str:
    """The role a member record's code names (never owner)."""
    role = ROLE_BY_CODE.get(code)
    if role is None or role not in RECORD_ROLES:
        raise DecodeError("unknown member role")
    return role


@dataclass(frozen=True, slots=True)
class RoleChange:
    """One applied role entry (or promote): where and when, whose, from what to what."""

    seq: int
    time: int
    ik: bytes
    old: str
    new: str


def role_at(log: list[RoleChange], member: Member, control_seq: int, sent_at: int) -> str:
    """`member`'s role for a message whose header names log position `control_seq` and
    whose signed time is `sent_at` (see the module docstring)."""
    role = member.role
    if not log:
        return role
    mine = [c for c in log if c.ik == member.ik]
    if not mine:
        return role
    known = [c for c in mine if c.seq <= control_seq or c.time <= sent_at]
    return known[-1].new if known else mine[0].old


def refusal(log: list[RoleChange], member: Member, content: Content, control_seq: int,
            sent_at: int, members: Mapping[bytes, Member] | None = None) -> str | None:
    """Why every client refuses `content` from `member`, or None when it is allowed.
    `members` (the group's) lets a timeout be judged against its target's role."""
    bound = profile_refusal(content, member.ik)
    if bound is not None:
        return bound
    action = _NEEDS.get(type(content))
    if action is None:
        return None
    role = member.role if not log else role_at(log, member, control_seq, sent_at)
    if action not in _GRANTS.get(role, ()):
        return _REFUSED_TYPE.get(type(content)) or _REFUSED[action]
    if type(content) is Timeout and members is not None:
        target = members.get(content.member)
        if target is not None and not outranks(role, role_at(log, target, control_seq,
                                                            sent_at)):
            return _REFUSED_TIMEOUT
    return None


def role_data(ik: bytes, role: str) -> bytes:
    """A role entry's data: target ik[32] ‖ role u8 (0 member .. 4 owner)."""
    return Writer().fixed(ik, KEY_LEN).u8(role_code(role, record=False)).bytes()


def decode_role_data(data: bytes) -> tuple[bytes, str]:
    r = Reader(data)
    ik, code = r.fixed(KEY_LEN), r.u8()
    r.done()
    role = ROLE_BY_CODE.get(code)
    if role is None:
        raise DecodeError("unknown role in a role entry")
    return ik, role


# ---- governance section of the state blob and of the Welcome -------------------------------
# A list of tagged fields, each at most once and in ascending tag order:
#   count u16 ‖ (tag u8 ‖ var32(value))*
# 1 owner: ik[32] (present only when the owner is not the founder, see default_owner)
# 2 role log: u16 ‖ (seq u32 ‖ time u64 ‖ ik[32] ‖ old u8 ‖ new u8)*   (state blob only)
# 3 invite roles: u16 ‖ (invite_id[16] ‖ role u8)*  by invite id          (state blob only)
TAG_OWNER = 1
TAG_ROLE_LOG = 2
TAG_INVITE_ROLES = 3
# Linked devices (crypto.devices): every member's certificates, and on a linked device the
# member's IK; the section carries them opaque, crypto.codec decodes them.
TAG_DEVICES = 4
TAG_ME = 5


@dataclass
class GovState:
    """What the log says beyond members and roles: the owner, recent role changes, the
    starting role of each invite this admin made."""

    owner: bytes | None = None
    role_log: list[RoleChange] | None = None
    invite_roles: dict[bytes, str] | None = None
    devices: bytes | None = None
    me: bytes | None = None


def default_owner(members: dict[bytes, Member]) -> bytes | None:
    """The founder (joined at log position 0) while they are an admin: the owner unless
    ownership was handed over."""
    for m in members.values():
        if m.joined_seq == 0 and m.role in (ROLE_ADMIN, ROLE_OWNER):
            return m.ik
    return None


def encode_gov(owner: bytes | None, members: dict[bytes, Member], role_log: list[RoleChange],
               invite_roles: dict[bytes, str], devices: bytes = b"",
               me: bytes | None = None) -> bytes:
    """The section, or b"" when every field has its default (nothing to write).
    `devices` is crypto.devices.Devices.encode() when any certificate is held."""
    fields: list[tuple[int, bytes]] = []
    if owner is not None and owner != default_owner(members):
        fields.append((TAG_OWNER, owner))
    if role_log:
        w = Writer().u16(len(role_log))
        for c in role_log:
            w.u32(c.seq).u64(c.time).fixed(c.ik, KEY_LEN)
            w.u8(role_code(c.old, record=False)).u8(role_code(c.new, record=False))
        fields.append((TAG_ROLE_LOG, w.bytes()))
    roles = {k: v for k, v in invite_roles.items() if v != ROLE_MEMBER}
    if roles:
        w = Writer().u16(len(roles))
        for invite_id in sorted(roles):
            w.fixed(invite_id, 16).u8(role_code(roles[invite_id]))
        fields.append((TAG_INVITE_ROLES, w.bytes()))
    if devices:
        fields.append((TAG_DEVICES, devices))
    if me is not None:
        fields.append((TAG_ME, me))
    if not fields:
        return b""
    w = Writer().u16(len(fields))
    for tag, value in fields:
        w.u8(tag).var32(value)
    return w.bytes()


def decode_gov(r: Reader) -> GovState:
    out = GovState()
    last = 0
    for _ in range(r.u16()):
        tag = r.u8()
        if tag <= last:
            raise DecodeError("governance fields are not in canonical order")
        last = tag
        f = Reader(r.var32())
        if tag == TAG_OWNER:
            out.owner = f.fixed(KEY_LEN)
        elif tag == TAG_ROLE_LOG:
            log = []
            for _ in range(f.u16()):
                seq, time, ik = f.u32(), f.u64(), f.fixed(KEY_LEN)
                old, new = ROLE_BY_CODE.get(f.u8()), ROLE_BY_CODE.get(f.u8())
                if old is None or new is None:
                    raise DecodeError("unknown role in the role log")
                log.append(RoleChange(seq, time, ik, old, new))
            if len(log) > ROLE_LOG_KEEP:
                raise DecodeError("the role log is too long")
            out.role_log = log
        elif tag == TAG_INVITE_ROLES:
            roles: dict[bytes, str] = {}
            prev = b""
            for _ in range(f.u16()):
                invite_id, role = f.fixed(16), record_role(f.u8())
                if invite_id <= prev:
                    raise DecodeError("invite roles are not sorted and unique")
                prev = invite_id
                roles[invite_id] = role
            out.invite_roles = roles
        elif tag == TAG_DEVICES:
            out.devices = f.rest()
        elif tag == TAG_ME:
            out.me = f.fixed(KEY_LEN)
        else:
            raise DecodeError("unknown governance field")
        f.done()
    return out
