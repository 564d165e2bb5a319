"""Plain values crypto/ hands to the app: what to send, and what an envelope meant.

Nothing here sends or stores anything. The app sends every `Outgoing` to the relay (after
saving the session), and turns each event into store rows and UI notifications.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from crypto.params import (  # noqa: F401  (re-exported: crypto.events.ROLES and the rest)
    ROLE_ADMIN,
    ROLE_MEMBER,
    ROLE_MODERATOR,
    ROLE_OBSERVER,
    ROLE_OWNER,
    ROLES,
)
from crypto.payloads import Content
from crypto.quick import quick_init
from crypto.relay_wire import KIND_GROUP, MailboxCapability


@dataclass(frozen=True, slots=True)
class Mailbox:
    """A relay mailbox and how to use it.

    `kind` is relay_wire.KIND_GROUP or KIND_INVITE and `expires_at` what to put in the
    create request (0 = never). `epoch` is set for group mailboxes, `invite_id` for invite
    mailboxes. `current` is False for an old epoch still read during its grace window.
    """

    capability: MailboxCapability
    kind: int = KIND_GROUP
    expires_at: int = 0
    epoch: int | None = None
    invite_id: bytes | None = None
    current: bool = True

    @property
    def id(self) -> bytes:
        return self.capability.mailbox


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One envelope to append to `mailbox` (create the mailbox first if needed).

    `message_id` is the stable id of the envelope's inner message (None for invite
    traffic, which has no per-sender chain). `echo`: the relay's copy must come back to
    GroupSession.open (not be dropped as our own): where it lands orders what others sent.
    """

    mailbox: Mailbox
    body: bytes
    message_id: bytes | None = None
    echo: bool = False


@dataclass(frozen=True, slots=True)
class Member:
    """A member as the control log says: identity key, current prekey, name, role."""

    ik: bytes
    spk: bytes
    name: str
    role: str
    joined_seq: int

    @property
    def is_admin(self) -> bool:
        """Owner or admin: who may change the member list and roles."""
        return self.role in (ROLE_ADMIN, ROLE_OWNER)


@dataclass(frozen=True, slots=True)
class Sealed:
    """The result of sealing a payload: what to send and the new message's identity."""

    outgoing: Outgoing
    message_id: bytes
    epoch: int
    seq: int
    sent_at: int


# ---- events returned by GroupSession.open -------------------------------------------------

@quick_init   # one per received post: see crypto.quick
@dataclass(frozen=True, slots=True)
class ContentReceived:
    """An authentic payload from `sender_ik` (a Post, Reaction, Edit, Delete, AdminRemove
    or Unsupported). Order posts by (sent_at, sender_ik, seq); ids are stable."""

    message_id: bytes
    sender_ik: bytes
    epoch: int
    seq: int
    sent_at: int
    content: Content
    # the linked device that sealed it (its chain holds `seq`); b"" when the member's own IK
    device_pk: bytes = b""
    # For posts: the signed message as evidence a member can hand a moderator in a report
    # (crypto.reports.evidence_of); empty for everything else.
    evidence: bytes = field(default=b"", compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ContentRefused:
    """An authentic payload every client refuses by the group's rules (an observer's
    post, a moderation payload from someone without the role). The sender's chain moved
    past it, so it is no gap; `reason` is one sentence without secrets."""

    message_id: bytes
    sender_ik: bytes
    epoch: int
    seq: int
    sent_at: int
    reason: str


@dataclass(frozen=True, slots=True)
class OwnEcho:
    """The relay delivered back an envelope this member sealed (already known)."""

    message_id: bytes
    epoch: int
    seq: int


@dataclass(frozen=True, slots=True)
class MembershipChanged:
    """A control-log entry was applied. `op` is one of genesis, add, remove, promote,
    rename, rotate, role; `target_ik`/`target_name` name the member concerned (None for
    rotate and rename; for rename `target_name` is the new group name); `role` is the
    target's role after a role (or promote) entry."""

    op: str
    actor_ik: bytes
    target_ik: bytes | None
    target_name: str | None
    control_seq: int
    at: int
    epoch: int
    role: str | None = None


@dataclass(frozen=True, slots=True)
class EpochChanged:
    """The group moved to a new epoch: subscribe to `mailbox` (create it if needed) and keep
    reading `previous` until it leaves GroupSession.mailboxes()."""

    epoch: int
    mailbox: Mailbox
    previous: Mailbox | None


@dataclass(frozen=True, slots=True)
class RemovedFromGroup:
    """This member was removed by `by_ik`; the session is now read-only."""

    by_ik: bytes
    at: int


@dataclass(frozen=True, slots=True)
class SenderKeyReceived:
    """`sender_ik`'s chain for `epoch` arrived; held-back posts from them follow."""

    sender_ik: bytes
    epoch: int


@dataclass(frozen=True, slots=True)
class PrekeyChanged:
    """`member_ik` (or a linked device, by its device key) announced a new signed prekey."""

    member_ik: bytes


@dataclass(frozen=True, slots=True)
class JoinRequested:
    """A verified join request arrived in one of this admin's invite mailboxes."""

    request: JoinRequest


WARNING_GAP = "gap"
WARNING_FORK = "fork"
WARNING_REPLAY = "replay"
WARNING_STALE_EPOCH = "stale_epoch"
WARNING_UNSUPPORTED = "unsupported"
WARNING_MISSING_KEY = "missing_key"


@dataclass(frozen=True, slots=True)
class IntegrityWarning:
    """Something the relay (or a peer) did that the member should see.

    kind: gap (`count` messages from `sender_ik` are missing; `tail` when a heartbeat
    revealed them), fork (two histories at one position), replay (an envelope seen
    before), stale_epoch (an old-epoch message after its grace window), unsupported (a
    message type from a newer version), missing_key (an epoch change without our key).
    `detail` is one sentence without secrets, in English; an app that shows it in another
    language translates `reason` (the sentence as written, placeholders unfilled; `detail`
    itself when empty) filled with `params` (crypto/errors.py says why).
    """

    kind: str
    detail: str
    sender_ik: bytes | None = None
    count: int = 0
    epoch: int | None = None
    tail: bool = False
    reason: str = ""
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class DeviceChanged:
    """A member linked (`revoked` False) or lost (`revoked` True) a device; `by_ik` is who
    revoked it (the member or an admin). After a revocation the group needs a new key
    period (GroupSession.rotation_due says so on the admin that starts it)."""

    member_ik: bytes
    device_pk: bytes
    revoked: bool
    by_ik: bytes


Event = (ContentReceived | ContentRefused | OwnEcho | MembershipChanged | EpochChanged | RemovedFromGroup
         | SenderKeyReceived | PrekeyChanged | JoinRequested | IntegrityWarning | DeviceChanged)


@quick_init
@dataclass(frozen=True, slots=True)
class Opened:
    """What one envelope meant (`events`, in order) and what to send because of it."""

    events: list[Event] = field(default_factory=list)
    outgoing: list[Outgoing] = field(default_factory=list)


# ---- invites -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class JoinRequest:
    """A verified request to join, held by the session until admitted or declined.

    `sas` is a short code both sides can compare; `fingerprint` is the joiner's.
    """

    request_id: bytes
    invite_id: bytes
    joiner_ik: bytes
    joiner_spk: bytes
    name: str
    sent_at: int
    received_at: int
    fingerprint: str
    sas: str
    spk_created: int = 0
    spk_sig: bytes = b""
    rules_hash: bytes | None = None   # the rules the joiner accepted (crypto.reports.rules_hash)


@dataclass(frozen=True, slots=True)
class InviteInfo:
    """An invite this admin made: its link (secret inside: never log it) and its state."""

    invite_id: bytes
    link: str = field(repr=False)
    mailbox: Mailbox = field(repr=False)
    uses_total: int
    uses_left: int
    expires_at: int
    created_at: int
    revoked: bool
    role: str = ROLE_MEMBER        # the role its joiners start with

    def status(self, now: int) -> str:
        if self.revoked:
            return "revoked"
        if self.uses_left <= 0:
            return "used up"
        if now >= self.expires_at:
            return "expired"
        return "active"


@dataclass(frozen=True, slots=True)
class InviteBundle:
    """The inviting admin's signed offer, verified against the IK in the link."""

    invite_id: bytes
    group_name: str
    inviter_ik: bytes
    inviter_spk: bytes
    inviter_name: str
    expires_at: int
    rules: str = ""      # the group's rules (Markdown) the joiner must accept; "" for none
