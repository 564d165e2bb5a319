"""GroupSession: one member's whole state for one group, and every group operation.

The state (control log head, members, epochs, chains, skipped keys, invites) serialises
to one blob with to_bytes(). Operations take `now` and `rng` and return what to send;
they never send. Save the blob BEFORE sending what an operation returned: a sender
chain restored from an older blob would reuse sequence numbers, which peers report as a
fork.
"""
from __future__ import annotations

from crypto.events import InviteInfo, JoinRequest, Mailbox, Member, Opened, Outgoing, Sealed
from crypto.identity import Identity
from crypto.payloads import Content
from crypto.primitives import Rng


class GroupSession:
    """One member's state for one group. Not thread-safe: one owner at a time."""

    # ---- life cycle ---------------------------------------------------------------------
    @classmethod
    def create(cls, identity: Identity, name: str, relay_url: str, display_name: str,
               now: int, rng: Rng) -> GroupSession:
        """Genesis: a new group with `identity` as founder and only admin, at epoch 0.
        Create the mailboxes from mailboxes(now) on the relay before sending."""
        raise NotImplementedError("lands with the session implementation")

    @classmethod
    def from_bytes(cls, data: bytes, identity: Identity) -> GroupSession:
        """Load a blob made by to_bytes(); `identity` must be the member it belongs to."""
        raise NotImplementedError("lands with the session implementation")

    def to_bytes(self) -> bytes:
        """The whole state (secret: store encrypted). Call once per batch, not per message."""
        raise NotImplementedError("lands with the session implementation")

    # ---- what the app shows ---------------------------------------------------------------
    @property
    def group_id(self) -> bytes:
        """16 random bytes chosen at genesis."""
        raise NotImplementedError

    @property
    def name(self) -> str:
        raise NotImplementedError

    @property
    def relay_url(self) -> str:
        raise NotImplementedError

    @property
    def epoch(self) -> int:
        raise NotImplementedError

    @property
    def my_ik(self) -> bytes:
        raise NotImplementedError

    @property
    def status(self) -> str:
        """'active', or 'removed' once a control entry removed this member."""
        raise NotImplementedError

    @property
    def is_admin(self) -> bool:
        raise NotImplementedError

    @property
    def fork_detected(self) -> bool:
        """True once two different control entries were seen at one position."""
        raise NotImplementedError

    @property
    def control_head(self) -> tuple[int, bytes]:
        """(sequence number, hash) of the last applied control-log entry."""
        raise NotImplementedError

    def members(self) -> list[Member]:
        """Current members in the order they joined."""
        raise NotImplementedError

    def member(self, ik: bytes) -> Member | None:
        raise NotImplementedError

    # ---- relay mailboxes ------------------------------------------------------------------
    def mailboxes(self, now: int) -> list[Mailbox]:
        """Every mailbox to subscribe to: the current epoch's, superseded epochs still kept,
        and (admins) the invite mailboxes of active invites."""
        raise NotImplementedError

    def expire(self, now: int) -> list[Mailbox]:
        """Delete keys that are past their keep time (old epochs, skipped keys, dead
        invites, prekey secrets). Returns the mailboxes to unsubscribe from."""
        raise NotImplementedError

    # ---- messages -------------------------------------------------------------------------
    def seal(self, content: Content, now: int, rng: Rng) -> Sealed:
        """Encrypt and sign one payload for the current epoch. Raises NotAllowed when this
        member was removed, or when AdminRemove is sealed by a non-admin."""
        raise NotImplementedError

    def open(self, mailbox_id: bytes, envelope: bytes, now: int, rng: Rng) -> Opened:
        """Process one envelope read from `mailbox_id`. Authentic input yields events
        (warnings included); malformed or forged input raises a CryptoError subclass.
        `rng` is used only when the envelope makes us send something (our sender key for
        a new epoch)."""
        raise NotImplementedError

    def heartbeat_due(self, now: int) -> bool:
        raise NotImplementedError

    def heartbeat(self, now: int, rng: Rng) -> Outgoing:
        """A checkpoint: our sequence number plus the last one we saw from each member,
        so a dropped tail is detected by everyone."""
        raise NotImplementedError

    def announce_prekey(self, now: int, rng: Rng) -> Outgoing:
        """Tell the group our current signed prekey (after Identity.rotate_prekey)."""
        raise NotImplementedError

    # ---- invites and joining (admins) -----------------------------------------------------
    def create_invite(self, uses: int, expires_at: int, now: int,
                      rng: Rng) -> tuple[InviteInfo, Outgoing]:
        """A new invite (1..1000 uses). Create info.mailbox on the relay (kind invite,
        info.expires_at), then send the returned bundle envelope to it."""
        raise NotImplementedError

    def invites(self) -> list[InviteInfo]:
        raise NotImplementedError

    def revoke_invite(self, invite_id: bytes) -> Mailbox:
        """Mark the invite revoked; close the returned mailbox on the relay."""
        raise NotImplementedError

    def join_requests(self) -> list[JoinRequest]:
        """Verified requests waiting for admit() or decline()."""
        raise NotImplementedError

    def admit(self, request_id: bytes, now: int, rng: Rng) -> list[Outgoing]:
        """Add the joiner: control entry + new epoch (to the old mailbox), the Welcome (to
        the invite mailbox) and our sender key (to the new mailbox)."""
        raise NotImplementedError

    def decline(self, request_id: bytes) -> None:
        raise NotImplementedError

    # ---- membership (admins) ----------------------------------------------------------------
    def remove(self, member_ik: bytes, now: int, rng: Rng) -> list[Outgoing]:
        """Remove a member: new epoch whose key only remaining members receive."""
        raise NotImplementedError

    def promote(self, member_ik: bytes, now: int, rng: Rng) -> list[Outgoing]:
        raise NotImplementedError

    def rename(self, name: str, now: int, rng: Rng) -> list[Outgoing]:
        raise NotImplementedError

    def rotation_due(self, now: int) -> bool:
        """True on the one admin that should rotate now (the longest-standing admin) when
        the epoch is ROTATE_AFTER_SECONDS old or has carried ROTATE_AFTER_MESSAGES."""
        raise NotImplementedError

    def rotate(self, now: int, rng: Rng) -> list[Outgoing]:
        """Scheduled rotation: new epoch, new mailbox, same members."""
        raise NotImplementedError
