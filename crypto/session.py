"""GroupSession: one member's whole state for one group, and every group operation.

The state (control log head, members, epochs, chains, skipped keys, invites) serialises
to one blob with to_bytes(). Operations take `now` and `rng` and return what to send;
they never send. Save the blob BEFORE sending what an operation returned: a sender
chain restored from an older blob would reuse sequence numbers, which peers report as a
fork.

Membership operations live in crypto.membership, invite handling in crypto.admission and
the blob format in crypto.codec and the receiving checks in crypto.receive; this module
holds the state, the sending half and the public entry points.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

from crypto import labels
from crypto.chains import EpochState
from crypto.encoding import Writer
from crypto.envelope import (
    HEADER,
    TYPE_CONTENT,
    TYPE_HEARTBEAT,
    TYPE_PREKEY,
    TYPE_SENDER_KEY,
    open_outer,
    seal_outer,
)
from crypto.errors import NotAllowed, UnknownMailbox
from crypto.events import (
    ROLE_ADMIN,
    InviteInfo,
    JoinRequest,
    Mailbox,
    Member,
    Opened,
    Outgoing,
    Sealed,
)
from crypto.identity import Identity
from crypto.pairwise import encode_box_list, seal_pairwise
from crypto.params import (
    HEARTBEAT_SECONDS,
    OLD_EPOCH_KEEP_SECONDS,
    PROTOCOL_VERSION,
    ROTATE_AFTER_MESSAGES,
    ROTATE_AFTER_SECONDS,
)
from crypto.payloads import AdminRemove, Content, encode_content
from crypto.primitives import (
    AEAD_NONCE_LEN,
    KEY_LEN,
    SIG_LEN,
    Rng,
    aead_seal,
    h,
    random_bytes,
)
from crypto.receive import ReceivePath
from crypto.relay_wire import MailboxCapability

_U32 = struct.Struct(">I")
_ZERO32 = bytes(32)
_H_PLAIN = labels.HASH_PLAINTEXT
_H_BODY = labels.HASH_BODY
_H_ID = labels.HASH_MESSAGE_ID
_SIG_ENV = labels.SIG_ENVELOPE
INVITE_RECORD_KEEP_SECONDS = 30 * 24 * 3600


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


class GroupSession(ReceivePath):
    """One member's state for one group. Not thread-safe: one owner at a time."""

    def __init__(self, identity: Identity, group_id: bytes, name: str, relay_url: str) -> None:
        self._ident = identity
        self._group_id = group_id
        self._name = name
        self._relay_url = relay_url
        self._status = "active"
        self._fork = False
        self._last_heartbeat = 0
        self._members: dict[bytes, Member] = {}
        self._control_base = 0
        self._control_hashes: list[bytes] = []
        self._current = 0
        self._epochs: dict[int, EpochState] = {}
        self._by_mailbox: dict[bytes, EpochState] = {}
        self._invites: dict[bytes, InviteRecord] = {}
        self._invite_by_mailbox: dict[bytes, bytes] = {}
        self._requests: dict[bytes, JoinRequest] = {}
        self._held: list[tuple[int, bytes]] = []
        self._applied_control = False

    # ---- life cycle ---------------------------------------------------------------------
    @classmethod
    def create(cls, identity: Identity, name: str, relay_url: str, display_name: str,
               now: int, rng: Rng) -> GroupSession:
        """Genesis: a new group with `identity` as founder and only admin, at epoch 0.
        Create the mailboxes from mailboxes(now) on the relay before sending."""
        from crypto.membership import genesis
        return genesis(cls, identity, name, relay_url, display_name, now, rng)

    @classmethod
    def from_bytes(cls, data: bytes, identity: Identity) -> GroupSession:
        """Load a blob made by to_bytes(); `identity` must be the member it belongs to."""
        from crypto.codec import decode_session
        return decode_session(cls, data, identity)

    def to_bytes(self) -> bytes:
        """The whole state (secret: store encrypted). Call once per batch, not per message."""
        from crypto.codec import encode_session
        return encode_session(self)

    # ---- what the app shows ---------------------------------------------------------------
    @property
    def group_id(self) -> bytes:
        """16 random bytes chosen at genesis."""
        return self._group_id

    @property
    def name(self) -> str:
        return self._name

    @property
    def relay_url(self) -> str:
        return self._relay_url

    @property
    def epoch(self) -> int:
        return self._current

    @property
    def my_ik(self) -> bytes:
        return self._ident.ik

    @property
    def identity(self) -> Identity:
        return self._ident

    @property
    def status(self) -> str:
        """'active', or 'removed' once a control entry removed this member."""
        return self._status

    @property
    def is_admin(self) -> bool:
        me = self._members.get(self._ident.ik)
        return me is not None and me.role == ROLE_ADMIN and self._status == "active"

    @property
    def fork_detected(self) -> bool:
        """True once two different control entries were seen at one position."""
        return self._fork

    @property
    def control_head(self) -> tuple[int, bytes]:
        """(sequence number, hash) of the last applied control-log entry."""
        return self._control_base + len(self._control_hashes) - 1, self._control_hashes[-1]

    def members(self) -> list[Member]:
        """Current members in the order they joined."""
        return list(self._members.values())

    def member(self, ik: bytes) -> Member | None:
        return self._members.get(ik)

    # ---- relay mailboxes ------------------------------------------------------------------
    def _epoch_mailbox(self, ep: EpochState) -> Mailbox:
        cap = MailboxCapability(ep.mailbox, ep.write_seed, ep.read_seed)
        return Mailbox(cap, epoch=ep.epoch, current=ep.epoch == self._current
                       and self._status == "active")

    def _register_epoch(self, ep: EpochState) -> None:
        self._epochs[ep.epoch] = ep
        self._by_mailbox[ep.mailbox] = ep

    def mailboxes(self, now: int) -> list[Mailbox]:
        """Every mailbox to subscribe to: the current epoch's, superseded epochs still kept,
        and (admins) the invite mailboxes of active invites."""
        from crypto.invite import invite_mailbox
        out = [self._epoch_mailbox(ep) for ep in sorted(self._epochs.values(),
                                                          key=lambda e: -e.epoch)
               if ep.superseded_at == 0 or now - ep.superseded_at < OLD_EPOCH_KEEP_SECONDS]
        if self.is_admin:
            out += [invite_mailbox(rec.secret, rec.expires_at) for rec in self._invites.values()
                    if rec.active(now)]
        return out

    def expire(self, now: int) -> list[Mailbox]:
        """Delete keys that are past their keep time (old epochs, skipped keys, dead
        invites, prekey secrets). Returns the mailboxes to unsubscribe from."""
        from crypto.invite import invite_mailbox
        dropped: list[Mailbox] = []
        for ep in list(self._epochs.values()):
            if ep.superseded_at and now - ep.superseded_at >= OLD_EPOCH_KEEP_SECONDS:
                dropped.append(self._epoch_mailbox(ep))
                del self._epochs[ep.epoch]
                del self._by_mailbox[ep.mailbox]
            else:
                for chain in ep.peers.values():
                    chain.expire(now)
        for invite_id, rec in list(self._invites.items()):
            if not rec.active(now) and now - rec.expires_at >= INVITE_RECORD_KEEP_SECONDS:
                mb = invite_mailbox(rec.secret, rec.expires_at)
                dropped.append(mb)
                del self._invites[invite_id]
                self._invite_by_mailbox.pop(mb.id, None)
        kept = set(self._epochs)
        self._held = [(e, raw) for e, raw in self._held if e in kept]
        self._ident.expire_prekeys(now)
        return dropped

    # ---- sealing ----------------------------------------------------------------------------
    def _require_active(self) -> EpochState:
        if self._status != "active":
            raise NotAllowed("you are no longer a member of this group")
        return self._epochs[self._current]

    def _header(self, ep: EpochState, typ: int, seq: int, prev: bytes, now: int) -> bytes:
        head_seq, head_hash = self.control_head
        return HEADER.pack(typ, PROTOCOL_VERSION, self._group_id, ep.epoch, self._ident.ik, seq,
                           prev, head_seq, head_hash, now)

    def _finish(self, ep: EpochState, header: bytes, body: bytes, pt_hash: bytes,
                rng: Rng) -> Outgoing:
        sig = self._ident.sign(_SIG_ENV + header + h(_H_BODY, body) + pt_hash)
        inner = header + _U32.pack(len(body)) + body + pt_hash + sig
        mid = h(_H_ID, header + sig)
        ep.my_last_id = mid
        ep.message_count += 1
        return Outgoing(self._epoch_mailbox(ep), seal_outer(ep.header_key, ep.mailbox, inner, rng),
                        mid)

    def _seal_plain(self, ep: EpochState, typ: int, body: bytes, now: int, rng: Rng) -> Outgoing:
        """A non-content message: the body is protected by the envelope layer only."""
        seq, _ = ep.next_own_key()
        header = self._header(ep, typ, seq, ep.my_last_id, now)
        return self._finish(ep, header, body, h(_H_PLAIN, body), rng)

    def seal(self, content: Content, now: int, rng: Rng) -> Sealed:
        """Encrypt and sign one payload for the current epoch. Raises NotAllowed when this
        member was removed, or when AdminRemove is sealed by a non-admin."""
        ep = self._require_active()
        if isinstance(content, AdminRemove) and not self.is_admin:
            raise NotAllowed("only an admin can remove someone else's post")
        payload = encode_content(content)
        seq, mk = ep.next_own_key()
        header = self._header(ep, TYPE_CONTENT, seq, ep.my_last_id, now)
        nonce = random_bytes(rng, AEAD_NONCE_LEN)
        body = nonce + aead_seal(mk, nonce, payload, header)
        out = self._finish(ep, header, body, h(_H_PLAIN, payload), rng)
        assert out.message_id is not None
        return Sealed(out, out.message_id, ep.epoch, seq, now)

    def sender_key_message(self, ep: EpochState, now: int, rng: Rng) -> Outgoing | None:
        """Our chain key for `ep`, boxed to every other member (sequence number 0)."""
        entries = []
        payload = self._group_id + _U32.pack(ep.epoch) + ep.my_ck
        for m in self._members.values():
            if m.ik != self._ident.ik:
                entries.append((m.ik, m.spk, seal_pairwise(self._ident, m.ik, m.spk,
                                                           labels.SIG_SENDER_KEY, payload, rng)))
        if not entries:
            return None
        body = encode_box_list(entries)
        header = self._header(ep, TYPE_SENDER_KEY, 0, _ZERO32, now)
        return self._finish(ep, header, body, h(_H_PLAIN, body), rng)

    def heartbeat_due(self, now: int) -> bool:
        return self._status == "active" and now - self._last_heartbeat >= HEARTBEAT_SECONDS

    def heartbeat(self, now: int, rng: Rng) -> Outgoing:
        """A checkpoint: our sequence number plus the last one we saw from each member,
        so a dropped tail is detected by everyone."""
        ep = self._require_active()
        w = Writer()
        others = sorted(ik for ik in self._members if ik != self._ident.ik)
        w.u16(len(others))
        for ik in others:
            chain = ep.peers.get(ik)
            w.fixed(ik, KEY_LEN).u32(0 if chain is None else chain.max_seq + 1)
        self._last_heartbeat = now
        return self._seal_plain(ep, TYPE_HEARTBEAT, w.bytes(), now, rng)

    def announce_prekey(self, now: int, rng: Rng) -> Outgoing:
        """Tell the group our current signed prekey (after Identity.rotate_prekey)."""
        ep = self._require_active()
        ident = self._ident
        body = Writer().fixed(ident.spk, KEY_LEN).u64(ident.spk_created_at).fixed(
            ident.spk_signature, SIG_LEN).bytes()
        me = self._members[ident.ik]
        self._members[ident.ik] = Member(me.ik, ident.spk, me.name, me.role, me.joined_seq)
        return self._seal_plain(ep, TYPE_PREKEY, body, now, rng)

    # ---- opening ----------------------------------------------------------------------------
    def open(self, mailbox_id: bytes, envelope: bytes, now: int, rng: Rng) -> Opened:
        """Process one envelope read from `mailbox_id`. Authentic input yields events
        (warnings included); malformed or forged input raises a CryptoError subclass.
        `rng` is used only when the envelope makes us send something (our sender key for
        a new epoch)."""
        ep = self._by_mailbox.get(mailbox_id)
        if ep is None:
            invite_id = self._invite_by_mailbox.get(mailbox_id)
            if invite_id is None:
                raise UnknownMailbox("this group holds no keys for that mailbox")
            from crypto.admission import open_invite_envelope
            return open_invite_envelope(self, self._invites[invite_id], envelope, now)
        raw = open_outer(ep.header_key, mailbox_id, envelope)
        fast = self._open_next_post(ep, raw, now)
        if fast is not None:
            return fast
        return self._open_raw(ep, raw, now, rng)

    # ---- invites and joining (admins) -----------------------------------------------------
    def create_invite(self, uses: int, expires_at: int, now: int,
                      rng: Rng) -> tuple[InviteInfo, Outgoing]:
        """A new invite (1..1000 uses). Create info.mailbox on the relay (kind invite,
        info.expires_at), then send the returned bundle envelope to it."""
        from crypto.admission import create_invite
        return create_invite(self, uses, expires_at, now, rng)

    def invites(self) -> list[InviteInfo]:
        from crypto.admission import invite_info
        return [invite_info(self, rec) for rec in self._invites.values()]

    def revoke_invite(self, invite_id: bytes) -> Mailbox:
        """Mark the invite revoked; close the returned mailbox on the relay."""
        from crypto.invite import invite_mailbox
        rec = self._invites.get(invite_id)
        if rec is None:
            raise NotAllowed("there is no such invite")
        rec.revoked = True
        for request_id in [r.request_id for r in self._requests.values()
                           if r.invite_id == invite_id]:
            del self._requests[request_id]
        return invite_mailbox(rec.secret, rec.expires_at)

    def join_requests(self) -> list[JoinRequest]:
        """Verified requests waiting for admit() or decline()."""
        return list(self._requests.values())

    def admit(self, request_id: bytes, now: int, rng: Rng) -> list[Outgoing]:
        """Add the joiner: control entry + new epoch (to the old mailbox), the Welcome (to
        the invite mailbox) and our sender key (to the new mailbox)."""
        from crypto.admission import admit
        return admit(self, request_id, now, rng)

    def decline(self, request_id: bytes) -> None:
        if self._requests.pop(request_id, None) is None:
            raise NotAllowed("there is no such join request")

    # ---- membership (admins) ----------------------------------------------------------------
    def remove(self, member_ik: bytes, now: int, rng: Rng) -> list[Outgoing]:
        """Remove a member: new epoch whose key only remaining members receive."""
        from crypto.membership import remove
        return remove(self, member_ik, now, rng)

    def promote(self, member_ik: bytes, now: int, rng: Rng) -> list[Outgoing]:
        from crypto.membership import promote
        return promote(self, member_ik, now, rng)

    def rename(self, name: str, now: int, rng: Rng) -> list[Outgoing]:
        from crypto.membership import rename
        return rename(self, name, now, rng)

    def rotation_due(self, now: int) -> bool:
        """True on the one admin that should rotate now (the longest-standing admin) when
        the epoch is ROTATE_AFTER_SECONDS old or has carried ROTATE_AFTER_MESSAGES."""
        if not self.is_admin:
            return False
        first_admin = next(m.ik for m in self._members.values() if m.role == ROLE_ADMIN)
        if first_admin != self._ident.ik:
            return False
        ep = self._epochs[self._current]
        return (now - ep.started_at >= ROTATE_AFTER_SECONDS
                or ep.message_count >= ROTATE_AFTER_MESSAGES)

    def rotate(self, now: int, rng: Rng) -> list[Outgoing]:
        """Scheduled rotation: new epoch, new mailbox, same members."""
        from crypto.membership import rotate
        return rotate(self, now, rng)
