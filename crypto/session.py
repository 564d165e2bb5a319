"""GroupSession: the facade the app holds for one member's state in one group.

The state is a plain crypto.state.GroupState; every operation is a function over it in
its own module (send, receive, membership, admission, codec) and each method here only
hands the state to one of them. The state serialises to one blob with to_bytes().
Operations take `now` and `rng` and return what to send; they never send. Save the blob
BEFORE sending what an operation returned: a sender chain restored from an older blob
would reuse sequence numbers, which peers report as a fork.
"""
from __future__ import annotations

from collections.abc import Sequence

from crypto import admission, device_state, membership, send
from crypto.chains import EpochState
from crypto.codec import decode_state, encode_state
from crypto.devices import DeviceCert, DeviceRecord, HandedGroup, ReadPosition
from crypto.envelope import open_outer
from crypto.errors import CryptoError, UnknownMailbox
from crypto.events import InviteInfo, JoinRequest, Mailbox, Member, Opened, Outgoing, Sealed
from crypto.identity import Identity
from crypto.payloads import Content
from crypto.primitives import Rng
from crypto.receive import open_group, preverify
from crypto.sodium import SharedChecks
from crypto.state import GroupState, expire, mailboxes


class GroupSession:
    """One member's state for one group. Not thread-safe: one owner at a time."""

    __slots__ = ("_state", "_inner", "_checks")

    def __init__(self, state: GroupState) -> None:
        self._state = state
        # What prepare() set up ahead of open(): the inner message of each envelope (with
        # the epoch whose key opened it) and the batch's signature checks.
        self._inner: dict[tuple[bytes, bytes], tuple[EpochState, bytes]] = {}
        self._checks: SharedChecks | None = None

    # ---- life cycle ---------------------------------------------------------------------
    @classmethod
    def create(cls, identity: Identity, name: str, relay_url: str, display_name: str,
               now: int, rng: Rng) -> GroupSession:
        """Genesis: a new group with `identity` as founder and only admin, at epoch 0.
        Create the mailboxes from mailboxes(now) on the relay before sending."""
        return cls(membership.genesis(identity, name, relay_url, display_name, now, rng))

    @classmethod
    def from_bytes(cls, data: bytes, identity: Identity,
                   member_key: Identity | None = None) -> GroupSession:
        """Load a blob made by to_bytes(); `identity` must be the member (or device) it
        belongs to. `member_key`: on a linked device that holds the member's identity key
        too (a restored profile), that key; ignored for another member's blob."""
        if member_key is not None and data[1:1 + len(member_key.ik)] == member_key.ik:
            # a group a restored device created or joined itself: it seals there as the IK,
            # the only device of the member in that group (docs/protocol.md §16.8)
            return cls(decode_state(data, member_key))
        state = decode_state(data, identity)
        if member_key is not None and state.me == member_key.ik:
            state.member_key = member_key
        return cls(state)

    def to_bytes(self) -> bytes:
        """The whole state (secret: store encrypted). Call once per batch, not per message."""
        return encode_state(self._state)

    @property
    def state(self) -> GroupState:
        """The state value itself, for inspection by tests and tools; change it only
        through this session's operations."""
        return self._state

    # ---- what the app shows ---------------------------------------------------------------
    @property
    def group_id(self) -> bytes:
        """16 random bytes chosen at genesis."""
        return self._state.group_id

    @property
    def name(self) -> str:
        return self._state.name

    @property
    def relay_url(self) -> str:
        return self._state.relay_url

    @property
    def epoch(self) -> int:
        return self._state.current

    @property
    def my_ik(self) -> bytes:
        return self._state.my_ik

    @property
    def identity(self) -> Identity:
        return self._state.identity

    @property
    def member_ik(self) -> bytes:
        """The member this session speaks for; on a linked device my_ik is the device key."""
        return self._state.member_ik

    @property
    def holds_identity(self) -> bool:
        """True on the member's first device (it signs with the member's IK)."""
        return self._state.holds_identity

    @property
    def status(self) -> str:
        """'active', or 'removed' once a control entry removed this member."""
        return self._state.status

    @property
    def is_admin(self) -> bool:
        """Owner or admin, while active."""
        return self._state.is_admin

    @property
    def my_role(self) -> str | None:
        """owner, admin, moderator, member or observer; None once removed."""
        return self._state.my_role

    @property
    def fork_detected(self) -> bool:
        """True once two different control entries were seen at one position."""
        return self._state.fork

    @property
    def control_head(self) -> tuple[int, bytes]:
        """(sequence number, hash) of the last applied control-log entry."""
        return self._state.control_head

    def members(self) -> list[Member]:
        """Current members in the order they joined."""
        return list(self._state.members.values())

    def member(self, ik: bytes) -> Member | None:
        return self._state.members.get(ik)

    def sender(self, ik: bytes, epoch: int) -> Member | None:
        """Who sent a message of `epoch`: a current member, or the member whose removal
        ended that epoch while their last messages there are still being read."""
        return self._state.sender(ik, epoch)

    def awaits_echo(self, message_id: bytes) -> bool:
        """True for a remove entry this member issued that has not been read back yet: the
        relay's copy must reach `open` (Outgoing.echo)."""
        return any(g.message_id == message_id for g in self._state.leaving.values())

    # ---- relay mailboxes ------------------------------------------------------------------
    def mailboxes(self, now: int) -> list[Mailbox]:
        """Every mailbox to subscribe to: the current epoch's, superseded epochs still kept,
        and (admins) the invite mailboxes of active invites."""
        return mailboxes(self._state, now)

    def expire(self, now: int) -> list[Mailbox]:
        """Delete keys that are past their keep time (old epochs, skipped keys, dead
        invites, prekey secrets). Returns the mailboxes to unsubscribe from."""
        return expire(self._state, now)

    # ---- sealing ----------------------------------------------------------------------------
    def seal(self, content: Content, now: int, rng: Rng) -> Sealed:
        """Encrypt and sign one payload for the current epoch. Raises NotAllowed when this
        member was removed, or when AdminRemove is sealed by a non-admin."""
        return send.seal(self._state, content, now, rng)

    def heartbeat_due(self, now: int) -> bool:
        return send.heartbeat_due(self._state, now)

    def heartbeat(self, now: int, rng: Rng) -> Outgoing:
        """A checkpoint: our sequence number plus the last one we saw from each member,
        so a dropped tail is detected by everyone."""
        return send.heartbeat(self._state, now, rng)

    def announce_prekey(self, now: int, rng: Rng) -> Outgoing:
        """Tell the group our current signed prekey (after Identity.rotate_prekey)."""
        return send.announce_prekey(self._state, now, rng)

    # ---- opening ----------------------------------------------------------------------------
    def open(self, mailbox_id: bytes, envelope: bytes, now: int, rng: Rng) -> Opened:
        """Process one envelope read from `mailbox_id`. Authentic input yields events
        (warnings included); malformed or forged input raises a CryptoError subclass.
        `rng` is used only when the envelope makes us send something (our sender key for
        a new epoch)."""
        state = self._state
        ep = state.by_mailbox.get(mailbox_id)
        if ep is not None:
            known = self._inner.pop((mailbox_id, envelope), None) \
                if self._inner and type(envelope) is bytes else None
            raw = known[1] if known is not None and known[0] is ep else \
                open_outer(ep.header_key, mailbox_id, envelope)
            checks = self._checks
            if checks is not None and checks.spent:
                # every check of the last prepared batch was taken: later envelopes are
                # verified as they are opened, without looking them up there first
                checks.close()
                self._checks = checks = None
            return open_group(state, ep, raw, now, rng, checks)
        invite_id = state.invite_by_mailbox.get(mailbox_id)
        if invite_id is None:
            raise UnknownMailbox("this group holds no keys for that mailbox")
        return admission.open_invite_envelope(state, state.invites[invite_id], envelope, now)

    def prepare(self, items: Sequence[tuple[bytes, bytes]]) -> None:
        """Get a batch of (mailbox id, envelope) about to be opened one by one, in this
        order, ready: the outer layers are opened here and the posts' signatures are
        checked by a helper thread while open() works through the batch (which checks the
        ones the helper has not reached). Optional and changes nothing: open() gives the
        same results with or without it; a new prepare() drops what the last one left."""
        state = self._state
        inner: dict[tuple[bytes, bytes], tuple[EpochState, bytes]] = {}
        for mailbox_id, envelope in items:
            ep = state.by_mailbox.get(mailbox_id)
            if ep is None or type(envelope) is not bytes or type(mailbox_id) is not bytes:
                continue
            try:
                inner[(mailbox_id, envelope)] = (ep, open_outer(ep.header_key, mailbox_id,
                                                                envelope))
            except CryptoError:
                continue  # open() reports it
        if self._checks is not None:
            self._checks.close()
        self._inner = inner
        self._checks = preverify(state, [raw for _ep, raw in inner.values()])

    # ---- invites and joining (admins) -----------------------------------------------------
    def create_invite(self, uses: int, expires_at: int, now: int,
                      rng: Rng, role: str = "member",
                      rules: str = "") -> tuple[InviteInfo, Outgoing]:
        """A new invite (1..1000 uses, expiring within INVITE_MAILBOX_SECONDS; joiners
        start as `role`, member or observer; the bundle carries `rules`, which a joiner
        must accept). Create
        info.mailbox on the relay (kind invite, info.mailbox.expires_at: the same lifetime
        for every invite), then send the returned bundle envelope to it."""
        return admission.create_invite(self._state, uses, expires_at, now, rng, role, rules)

    def invites(self) -> list[InviteInfo]:
        return [admission.invite_info(self._state, rec) for rec in self._state.invites.values()]

    def revoke_invite(self, invite_id: bytes) -> Mailbox:
        """Mark the invite revoked; close the returned mailbox on the relay."""
        return admission.revoke_invite(self._state, invite_id)

    def join_requests(self) -> list[JoinRequest]:
        """Verified requests waiting for admit() or decline()."""
        return list(self._state.requests.values())

    def admit(self, request_id: bytes, now: int, rng: Rng) -> list[Outgoing]:
        """Add the joiner: control entry + new epoch (to the old mailbox), the Welcome (to
        the invite mailbox) and our sender key (to the new mailbox)."""
        return admission.admit(self._state, request_id, now, rng)

    def decline(self, request_id: bytes) -> None:
        admission.decline(self._state, request_id)

    # ---- membership (admins) ----------------------------------------------------------------
    def remove(self, member_ik: bytes, now: int, rng: Rng) -> list[Outgoing]:
        """Remove a member: new epoch whose key only remaining members receive."""
        return membership.remove(self._state, member_ik, now, rng)

    def promote(self, member_ik: bytes, now: int, rng: Rng) -> list[Outgoing]:
        return membership.promote(self._state, member_ik, now, rng)

    def set_role(self, member_ik: bytes, role: str, now: int, rng: Rng) -> list[Outgoing]:
        """A role entry: owner (hand ownership over), admin, moderator, member, observer."""
        return membership.set_role(self._state, member_ik, role, now, rng)

    def rename(self, name: str, now: int, rng: Rng) -> list[Outgoing]:
        return membership.rename(self._state, name, now, rng)

    def rotation_due(self, now: int) -> bool:
        """True on the one admin that should rotate now (the longest-standing admin) when
        the epoch is ROTATE_AFTER_SECONDS old or has carried ROTATE_AFTER_MESSAGES."""
        return membership.rotation_due(self._state, now)

    def rotate(self, now: int, rng: Rng) -> list[Outgoing]:
        """Scheduled rotation: new epoch, new mailbox, same members."""
        return membership.rotate(self._state, now, rng)

    # ---- linked devices (crypto.devices, docs/protocol.md §16) ------------------------------
    def device_records(self, member_ik: bytes | None = None) -> list[DeviceRecord]:
        """The device certificates held for `member_ik` (default: this member), revoked
        ones included, oldest link first."""
        who = self._state.member_ik if member_ik is None else member_ik
        return sorted((r for r in self._state.devices.records.values()
                       if r.cert.member_ik == who), key=lambda r: (r.cert.linked_at,
                                                                    r.cert.device_pk))

    def device_member(self, key: bytes) -> Member | None:
        """The current member an active device key belongs to."""
        return self._state.device_member(key)

    def certify_device(self, cert: DeviceCert, now: int, rng: Rng) -> Sealed:
        """Announce a device this member's IK certified (first device only)."""
        return device_state.certify_device(self._state, cert, now, rng)

    @property
    def holds_member_key(self) -> bool:
        """True where the member's identity key signs: the first device, or a linked device
        that holds it too (a restored profile)."""
        return self._state.signer is not None

    @property
    def this_device_revoked(self) -> bool:
        """True once this device was revoked in this group (what it sends is refused)."""
        s = self._state
        if s.my_ik == s.member_ik:
            return s.member_ik in s.devices.retired
        rec = s.devices.records.get(s.my_ik)
        return rec is not None and rec.revoked

    def first_device_revoked(self, member_ik: bytes | None = None) -> bool:
        """True once the first device (the IK as a sender) of `member_ik` (default: this
        member) was revoked in this group."""
        return (member_ik or self._state.member_ik) in self._state.devices.retired

    def revoke_device(self, device_pk: bytes, now: int, rng: Rng) -> list[Outgoing]:
        """Revoke a device: the signed revocation, and the new key period when this client
        is the one that starts them."""
        return device_state.revoke_device(self._state, device_pk, now, rng)

    def for_device(self, device: Identity, rng: Rng) -> bytes:
        """The state blob a new, certified device of this member starts from."""
        return encode_state(device_state.state_for_device(self._state, device, rng))

    def start_device(self, now: int, rng: Rng, cert: DeviceCert | None = None) -> list[Outgoing]:
        """On a new device: its sender key for the current key period (with its own
        certificate when it introduces itself: a restored profile, §16.8)."""
        return device_state.start_device(self._state, now, rng, cert)

    def restored_device(self, device: Identity, cert: DeviceCert, rng: Rng) -> bytes:
        """On a restored profile holding the member's IK: the state blob of its new device
        (load it with the device key and this IK; then start_device with `cert`)."""
        return encode_state(device_state.restored_state(self._state, device, cert, rng))

    def hand_over(self, handed: HandedGroup, device: tuple[bytes, bytes], now: int,
                  rng: Rng) -> Sealed:
        """Hand another group's state (made for `device` by its for_device) to that linked
        device through this group (first device only)."""
        return device_state.hand_over(self._state, handed, device, now, rng)

    def read_sync(self, pos: ReadPosition, now: int, rng: Rng) -> Sealed | None:
        """Where this device has read up to, for the member's other devices only."""
        return device_state.read_sync(self._state, pos, now, rng)
