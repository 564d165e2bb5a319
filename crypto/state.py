"""GroupState: one member's whole state for one group, as a plain value.

Members, roles, epochs and their chains, invites, join requests, held messages and the
control-log head. The operations are functions over it in their own modules (send,
receive, membership, admission, codec); crypto.session.GroupSession is the facade the
app holds. The helpers here only read the state or make the few changes every
operation shares (registering an epoch, holding a message, the mailbox list).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from crypto.chains import EpochState
from crypto.devices import Devices
from crypto.errors import NotAllowed
from crypto.events import ROLE_OWNER, JoinRequest, Mailbox, Member
from crypto.governance import RoleChange, default_owner
from crypto.identity import Identity, fingerprint
from crypto.invite import invite_mailbox
from crypto.params import (
    INVITE_MAILBOX_SECONDS,
    INVITE_RECORD_KEEP_SECONDS,
    MAX_PENDING,
    OLD_EPOCH_KEEP_SECONDS,
)
from crypto.relay_wire import MailboxCapability

STATUS_ACTIVE = "active"
STATUS_REMOVED = "removed"


@dataclass
class InviteRecord:
    """An invite this admin made. The secret is the invite: it stays in the blob only."""

    secret: bytes = field(repr=False)
    uses_total: int
    uses_left: int
    expires_at: int
    created_at: int
    revoked: bool = False
    consumed: list[bytes] = field(default_factory=list)

    def active(self, now: int) -> bool:
        return not self.revoked and self.uses_left > 0 and now < self.expires_at

    def mailbox(self) -> Mailbox:
        """The invite mailbox, with the relay-visible expiry every invite gets."""
        return invite_mailbox(self.secret, self.created_at + INVITE_MAILBOX_SECONDS)


@dataclass(frozen=True)
class Leaving:
    """The member whose removal this member issued to end an epoch, until the remove entry
    (`message_id`) is read back from that epoch's mailbox: what they sent there before it
    was sent while they were a member (docs/protocol.md §11, Remove)."""

    member: Member
    message_id: bytes


@dataclass
class GroupState:
    """Everything one member knows about one group (secret: serialise with crypto.codec)."""

    identity: Identity = field(repr=False)
    group_id: bytes
    name: str
    relay_url: str
    status: str = STATUS_ACTIVE
    fork: bool = False
    last_heartbeat: int = 0
    members: dict[bytes, Member] = field(default_factory=dict)   # in join order
    control_base: int = 0
    control_hashes: list[bytes] = field(default_factory=list)    # log from control_base
    current: int = 0
    epochs: dict[int, EpochState] = field(default_factory=dict, repr=False)
    by_mailbox: dict[bytes, EpochState] = field(default_factory=dict, repr=False)
    invites: dict[bytes, InviteRecord] = field(default_factory=dict, repr=False)
    invite_by_mailbox: dict[bytes, bytes] = field(default_factory=dict, repr=False)
    requests: dict[bytes, JoinRequest] = field(default_factory=dict, repr=False)
    held: list[tuple[int, bytes]] = field(default_factory=list, repr=False)
    leaving: dict[int, Leaving] = field(default_factory=dict, repr=False)  # by ended epoch
    role_log: list[RoleChange] = field(default_factory=list, repr=False)  # crypto.governance
    invite_roles: dict[bytes, str] = field(default_factory=dict, repr=False)  # non-member only
    devices: Devices = field(default_factory=Devices, repr=False)   # crypto.devices
    # On a linked device: the member's IK (identity is then the device's own key); None on
    # the member's first device, whose identity key is the member's.
    me: bytes | None = None
    # On a linked device that also holds the member's identity key (a profile restored from
    # a backup, docs/protocol.md §16.8): that key, to sign certificates and control entries
    # this device carries. Never in the blob: the app keeps it and hands it over on load.
    member_key: Identity | None = field(default=None, repr=False)

    @property
    def my_ik(self) -> bytes:
        return self.identity.ik

    @property
    def member_ik(self) -> bytes:
        """The member this state speaks for (the device key is my_ik)."""
        return self.me if self.me is not None else self.identity.ik

    @property
    def holds_identity(self) -> bool:
        """True on the member's first device, which signs with the member's IK."""
        return self.me is None

    @property
    def signer(self) -> Identity | None:
        """The member's identity key when this device holds it (the first device, or a
        restored one): what signs certificates and control entries. None elsewhere."""
        return self.identity if self.me is None else self.member_key

    def ik_sends(self, ik: bytes) -> bool:
        """False for a member whose first device was revoked: their IK is no sender."""
        return ik not in self.devices.retired

    def recipients(self, exclude: bytes | None = None) -> list[tuple[bytes, bytes]]:
        """(key, prekey) of everyone who receives the group's keys: every member and every
        active device of a member, but this device and `exclude` (a member, with their
        devices)."""
        out = [(m.ik, m.spk) for m in self.members.values()
               if m.ik != exclude and m.ik not in self.devices.retired]
        out += self.devices.keys_of([c for c in self.devices.active(self.members)
                                     if c.member_ik != exclude])
        return [x for x in out if x[0] != self.identity.ik]   # members in join order first

    def recipient_count(self) -> int:
        """Members plus their active linked devices (a revoked first device not counted)."""
        return (len(self.members) + len(self.devices.active(self.members))
                - sum(1 for ik in self.devices.retired if ik in self.members))

    def device_member(self, key: bytes) -> Member | None:
        """The current member an active device key belongs to."""
        ik = self.devices.member_of(key)
        return self.members.get(ik) if ik is not None else None

    @property
    def control_head(self) -> tuple[int, bytes]:
        """(sequence number, hash) of the last applied control-log entry."""
        return self.control_base + len(self.control_hashes) - 1, self.control_hashes[-1]

    @property
    def is_admin(self) -> bool:
        me = self.members.get(self.member_ik)
        return me is not None and me.is_admin and self.status == STATUS_ACTIVE

    @property
    def my_role(self) -> str | None:
        """This member's role while active (owner, admin, moderator, member, observer)."""
        me = self.members.get(self.member_ik)
        return me.role if me is not None and self.status == STATUS_ACTIVE else None

    @property
    def owner(self) -> bytes | None:
        return next((m.ik for m in self.members.values() if m.role == ROLE_OWNER), None)

    def mark_owner(self, owner: bytes | None) -> None:
        """Make `owner` (default: the founder while an admin) the owner after loading
        member records, which write the owner as an admin (crypto.governance)."""
        ik = owner if owner is not None else default_owner(self.members)
        m = self.members.get(ik) if ik is not None else None
        if m is not None:
            self.members[m.ik] = Member(m.ik, m.spk, m.name, ROLE_OWNER, m.joined_seq)

    def display(self, ik: bytes) -> str:
        """A member's name for a warning, or the start of their fingerprint."""
        m = self.members.get(ik) or self.device_member(ik)
        return m.name if m is not None and m.name else fingerprint(ik)[:9]

    def sender(self, ik: bytes, epoch: int) -> Member | None:
        """Who may send in `epoch`: a current member, or the member whose removal ended
        it while the remove entry is not yet read back (see `leaving`). Receiving also
        refuses a member's IK once their first device was revoked (`ik_sends`); the member
        is still named by it."""
        m = self.members.get(ik) or self.device_member(ik)
        if m is None:
            gone = self.leaving.get(epoch)
            if gone is not None and gone.member.ik == ik:
                m = gone.member
        return m

    def require_active(self) -> EpochState:
        """The current epoch; NotAllowed once this member was removed."""
        if self.status != STATUS_ACTIVE:
            raise NotAllowed("you are no longer a member of this group")
        return self.epochs[self.current]

    def epoch_mailbox(self, ep: EpochState) -> Mailbox:
        cap = MailboxCapability(ep.mailbox, ep.write_seed, ep.read_seed)
        return Mailbox(cap, epoch=ep.epoch, current=ep.epoch == self.current
                       and self.status == STATUS_ACTIVE)

    def register_epoch(self, ep: EpochState) -> None:
        self.epochs[ep.epoch] = ep
        self.by_mailbox[ep.mailbox] = ep

    def register_invite(self, invite_id: bytes, rec: InviteRecord) -> Mailbox:
        mb = rec.mailbox()
        self.invites[invite_id] = rec
        self.invite_by_mailbox[mb.id] = invite_id
        return mb

    def hold(self, epoch: int, raw: bytes) -> None:
        """Keep an inner message to retry once its sender key or control entry arrives."""
        self.held.append((epoch, raw))
        if len(self.held) > MAX_PENDING:
            del self.held[0]


def mailboxes(state: GroupState, now: int) -> list[Mailbox]:
    """Every mailbox to subscribe to: the current epoch's, superseded epochs still kept,
    and (admins) the invite mailboxes of active invites."""
    out = [state.epoch_mailbox(ep) for ep in sorted(state.epochs.values(),
                                                    key=lambda e: -e.epoch)
           if ep.superseded_at == 0 or now - ep.superseded_at < OLD_EPOCH_KEEP_SECONDS]
    if state.is_admin:
        out += [rec.mailbox() for rec in state.invites.values() if rec.active(now)]
    return out


def expire(state: GroupState, now: int) -> list[Mailbox]:
    """Delete keys past their keep time (old epochs, skipped keys, dead invites, prekey
    secrets). Returns the mailboxes to unsubscribe from."""
    dropped: list[Mailbox] = []
    for ep in list(state.epochs.values()):
        if ep.superseded_at and now - ep.superseded_at >= OLD_EPOCH_KEEP_SECONDS:
            dropped.append(state.epoch_mailbox(ep))
            del state.epochs[ep.epoch]
            del state.by_mailbox[ep.mailbox]
        else:
            for chain in ep.peers.values():
                chain.expire(now)
    for invite_id, rec in list(state.invites.items()):
        if not rec.active(now) and now - rec.expires_at >= INVITE_RECORD_KEEP_SECONDS:
            mb = rec.mailbox()
            dropped.append(mb)
            del state.invites[invite_id]
            state.invite_by_mailbox.pop(mb.id, None)
            state.invite_roles.pop(invite_id, None)
    kept = set(state.epochs)
    state.held = [(e, raw) for e, raw in state.held if e in kept]
    state.leaving = {e: m for e, m in state.leaving.items() if e in kept}
    state.identity.expire_prekeys(now)
    return dropped
