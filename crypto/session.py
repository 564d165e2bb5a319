"""GroupSession: one member's whole state for one group, and every group operation.

The state (control log head, members, epochs, chains, skipped keys, invites) serialises
to one blob with to_bytes(). Operations take `now` and `rng` and return what to send;
they never send. Save the blob BEFORE sending what an operation returned: a sender
chain restored from an older blob would reuse sequence numbers, which peers report as a
fork.

Membership operations live in crypto.membership, invite handling in crypto.admission and
the blob format in crypto.codec; this module holds the state and the message paths.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

from crypto import labels
from crypto.chains import RECENT, EpochState
from crypto.encoding import Reader, Writer
from crypto.envelope import (
    HEADER,
    HEADER_LEN,
    TYPE_CONTENT,
    TYPE_CONTROL,
    TYPE_HEARTBEAT,
    TYPE_PREKEY,
    TYPE_SENDER_KEY,
    Inner,
    open_outer,
    parse_inner,
    seal_outer,
    verify_inner,
)
from crypto.errors import AuthError, CryptoError, DecodeError, NotAllowed, UnknownMailbox
from crypto.events import (
    ROLE_ADMIN,
    WARNING_FORK,
    WARNING_GAP,
    WARNING_MISSING_KEY,
    WARNING_REPLAY,
    WARNING_STALE_EPOCH,
    WARNING_UNSUPPORTED,
    ContentReceived,
    Event,
    IntegrityWarning,
    InviteInfo,
    JoinRequest,
    Mailbox,
    Member,
    Opened,
    Outgoing,
    OwnEcho,
    PrekeyChanged,
    Sealed,
    SenderKeyReceived,
)
from crypto.identity import Identity, fingerprint, verify_prekey
from crypto.pairwise import decode_box_list, encode_box_list, find_box, open_pairwise, seal_pairwise
from crypto.params import (
    GRACE_SECONDS,
    HEARTBEAT_SECONDS,
    MAX_PENDING,
    OLD_EPOCH_KEEP_SECONDS,
    PROTOCOL_VERSION,
    ROTATE_AFTER_MESSAGES,
    ROTATE_AFTER_SECONDS,
)
from crypto.payloads import AdminRemove, Content, decode_content, encode_content
from crypto.primitives import (
    AEAD_NONCE_LEN,
    KEY_LEN,
    SIG_LEN,
    Rng,
    aead_open,
    aead_seal,
    h,
    kdf,
    random_bytes,
    verify,
)
from crypto.relay_wire import MailboxCapability

_U32 = struct.Struct(">I")
_ZERO32 = bytes(32)
_H_PLAIN = labels.HASH_PLAINTEXT
_H_BODY = labels.HASH_BODY
_H_ID = labels.HASH_MESSAGE_ID
_MSG = labels.KDF_CHAIN_MSG
_NEXT = labels.KDF_CHAIN_NEXT
_MIN_INNER = HEADER_LEN + 4 + 32 + SIG_LEN
_SIG_ENV = labels.SIG_ENVELOPE
INVITE_RECORD_KEEP_SECONDS = 30 * 24 * 3600
MAX_HELD_UNKNOWN = 64


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


class GroupSession:
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

    def _open_raw(self, ep: EpochState, raw: bytes, now: int, rng: Rng) -> Opened:
        """The general path for one decrypted inner message."""
        inner = parse_inner(raw)
        result = Opened()
        self._applied_control = False
        self._process(ep, inner, now, rng, result)
        if self._held and (self._applied_control or any(
                isinstance(e, SenderKeyReceived) for e in result.events)):
            self._release_held(now, rng, result)
        return result

    def _open_next_post(self, ep: EpochState, raw: bytes, now: int) -> Opened | None:
        """The common case, kept to one verify plus symmetric work: the next in-order post
        of a sender whose chain we hold, in the current epoch. None means "take the
        general path" (which re-checks everything); nothing is changed before all checks
        pass."""
        if len(raw) < _MIN_INNER or raw[0] != TYPE_CONTENT:
            return None
        typ, ver, gid, epoch, sender, seq, prev, cseq, chash, sent_at = HEADER.unpack_from(raw)
        chain = ep.peers.get(sender)
        if (ver != PROTOCOL_VERSION or gid != self._group_id or epoch != ep.epoch
                or ep.superseded_at or chain is None or chain.ck is None
                or seq != chain.ck_index or seq != chain.max_seq + 1):
            return None
        member = self._members.get(sender)
        if member is None:
            return None
        (body_len,) = _U32.unpack_from(raw, HEADER_LEN)
        end = HEADER_LEN + 4 + body_len
        if end + 32 + SIG_LEN != len(raw) or body_len < AEAD_NONCE_LEN + 16:
            return None
        header = raw[:HEADER_LEN]
        pt_hash = raw[end:end + 32]
        sig = raw[end + 32:]
        body_at = HEADER_LEN + 4
        verify(sender, _SIG_ENV + header + h(_H_BODY, memoryview(raw)[body_at:end]) + pt_hash,
               sig)
        ck = chain.ck
        plaintext = aead_open(kdf(ck, _MSG), raw[body_at:body_at + AEAD_NONCE_LEN],
                              raw[body_at + AEAD_NONCE_LEN:end], header)
        if h(_H_PLAIN, plaintext) != pt_hash:
            raise AuthError("the plaintext does not match its signed hash")
        content = decode_content(plaintext)
        if member.role != ROLE_ADMIN and isinstance(content, AdminRemove):
            raise NotAllowed("only an admin can remove someone else's post")
        mid = h(_H_ID, header + sig)
        events: list[Event] = []
        idx = cseq - self._control_base
        if 0 <= idx < len(self._control_hashes) and self._control_hashes[idx] != chash:
            self._check_head(cseq, chash, sender, events)
        chain.ck = kdf(ck, _NEXT)
        chain.ck_index = seq + 1
        # in order (seq == max_seq + 1): no gap, nothing missing; only the links to check
        recent = chain.recent
        before = recent.get(seq - 1)
        fork = before is not None and before != prev
        if chain.claimed_prev:
            claimed = chain.claimed_prev.pop(seq, None)
            fork = fork or (claimed is not None and claimed != mid)
        chain.max_seq = seq
        recent[seq] = mid
        recent.pop(seq - RECENT, None)
        ep.message_count += 1
        if fork:
            events.append(IntegrityWarning(
                WARNING_FORK, "A member's message history does not link up: it was forked.",
                sender, 1, ep.epoch))
        events.append(ContentReceived(mid, sender, epoch, seq, sent_at, content))
        return Opened(events, [])

    def _hold(self, ep: EpochState, inner: Inner) -> None:
        self._held.append((ep.epoch, inner.raw))
        if len(self._held) > MAX_PENDING:
            del self._held[0]

    def _release_held(self, now: int, rng: Rng, result: Opened) -> None:
        """Retry held envelopes after a sender key or control entry arrived."""
        for _ in range(8):
            self._applied_control = False
            held, self._held = self._held, []
            before = len(held)
            held.sort(key=lambda item: (item[0], HEADER.unpack_from(item[1])[5]))
            for epoch, raw in held:
                ep = self._epochs.get(epoch)
                if ep is None:
                    continue
                try:
                    self._process(ep, parse_inner(raw), now, rng, result)
                except CryptoError:
                    continue
            if len(self._held) >= before and not self._applied_control:
                break

    def _process(self, ep: EpochState, inner: Inner, now: int, rng: Rng, result: Opened) -> None:
        hd = inner.header
        events = result.events
        if hd.group_id != self._group_id or hd.epoch != ep.epoch:
            raise AuthError("the message belongs to another group or epoch")
        sender = hd.sender_ik
        if sender == self._ident.ik:
            verify_inner(inner)
            if hd.seq >= ep.my_seq and hd.seq != 0:
                events.append(IntegrityWarning(
                    WARNING_FORK, "A message in your name that this device did not send arrived.",
                    sender, 0, ep.epoch))
            else:
                events.append(OwnEcho(inner.message_id, ep.epoch, hd.seq))
            return
        member = self._members.get(sender)
        if member is None:
            # A sender we do not know yet may be one whose add entry is still on its way
            # (its control head is ahead of ours): hold a few of those, never many, since a
            # removed member can claim any head.
            head_seq = self._control_base + len(self._control_hashes) - 1
            if hd.control_seq > head_seq and sum(
                    1 for _, held in self._held
                    if held[22:54] not in self._members) < MAX_HELD_UNKNOWN:
                verify_inner(inner)
                self._hold(ep, inner)
                return
            raise AuthError("the sender is not a member of this group")
        verify_inner(inner)
        mid = inner.message_id
        self._check_head(hd.control_seq, hd.control_hash, sender, events)
        if (ep.superseded_at and hd.type != TYPE_CONTROL
                and hd.sent_at > ep.superseded_at + GRACE_SECONDS):
            events.append(IntegrityWarning(
                WARNING_STALE_EPOCH, "A message sealed for an old key period arrived too late.",
                sender, 1, ep.epoch))
            return
        chain = ep.peer(sender)
        status = chain.classify(hd.seq, mid)
        if status != "new":
            kind = WARNING_FORK if status == "fork" else WARNING_REPLAY
            detail = ("Two different messages claim the same place in a member's history."
                      if status == "fork" else "A message that was already received arrived again.")
            events.append(IntegrityWarning(kind, detail, sender, 1, ep.epoch))
            return
        typ = hd.type
        if typ == TYPE_CONTENT:
            if chain.ck is None and hd.seq not in chain.skipped:
                self._hold(ep, inner)
                return
            keys = chain.message_key(hd.seq)
            if keys is None:
                events.append(IntegrityWarning(
                    WARNING_REPLAY, "A message whose key was already used or expired arrived.",
                    sender, 1, ep.epoch))
                return
            mk, ck, index, new = keys
            body = inner.body
            if len(body) < AEAD_NONCE_LEN + 16:
                raise DecodeError("the message body is too short")
            plaintext = aead_open(mk, body[:AEAD_NONCE_LEN], body[AEAD_NONCE_LEN:],
                                  inner.header_bytes)
            if h(_H_PLAIN, plaintext) != inner.pt_hash:
                raise AuthError("the plaintext does not match its signed hash")
            content = decode_content(plaintext)
            if isinstance(content, AdminRemove) and member.role != ROLE_ADMIN:
                raise NotAllowed("only an admin can remove someone else's post")
            chain.commit_key(hd.seq, ck, index, new, now)
            self._record(ep, chain, inner, mid, now, events)
            events.append(ContentReceived(mid, sender, ep.epoch, hd.seq, hd.sent_at, content))
            return
        if h(_H_PLAIN, inner.body) != inner.pt_hash:
            raise AuthError("the body does not match its signed hash")
        if typ == TYPE_CONTROL:
            from crypto.membership import apply_control
            if not apply_control(self, ep, inner, now, rng, result):
                return
        elif typ == TYPE_SENDER_KEY:
            self._receive_sender_key(ep, chain, inner, events)
        elif typ == TYPE_HEARTBEAT:
            self._receive_heartbeat(ep, inner, events)
        elif typ == TYPE_PREKEY:
            self._receive_prekey(inner, member, events)
        else:
            events.append(IntegrityWarning(
                WARNING_UNSUPPORTED, "A message of a newer kind arrived; update Coterie to see it.",
                sender, 1, ep.epoch))
        chain.advance_past(hd.seq, now)
        self._record(ep, chain, inner, mid, now, events)

    def _record(self, ep: EpochState, chain: object, inner: Inner, mid: bytes, now: int,
                events: list[Event]) -> None:
        hd = inner.header
        gap, fork = chain.record(hd.seq, hd.prev_id, mid, now)  # type: ignore[attr-defined]
        ep.message_count += 1
        if gap:
            name = self._display(hd.sender_ik)
            events.append(IntegrityWarning(
                WARNING_GAP, f"{gap} message{'s' if gap != 1 else ''} from {name} "
                f"{'are' if gap != 1 else 'is'} missing.", hd.sender_ik, gap, ep.epoch))
        if fork:
            events.append(IntegrityWarning(
                WARNING_FORK, "A member's message history does not link up: it was forked.",
                hd.sender_ik, 1, ep.epoch))

    def _display(self, ik: bytes) -> str:
        m = self._members.get(ik)
        return m.name if m is not None and m.name else fingerprint(ik)[:9]

    def _check_head(self, control_seq: int, control_hash: bytes, sender: bytes,
                    events: list[Event]) -> None:
        idx = control_seq - self._control_base
        if 0 <= idx < len(self._control_hashes) and self._control_hashes[idx] != control_hash:
            if not self._fork:
                self._fork = True
                events.append(IntegrityWarning(
                    WARNING_FORK, "Another member sees a different member list: the group's "
                    "history was forked.", sender, 1, self._current))

    def _receive_sender_key(self, ep: EpochState, chain: object, inner: Inner,
                            events: list[Event]) -> None:
        hd = inner.header
        if hd.seq != 0:
            raise DecodeError("a sender key travels at sequence number 0")
        r = Reader(inner.body)
        entries = decode_box_list(r)
        r.done()
        mine = find_box(entries, self._ident.ik)
        if mine is None:
            events.append(IntegrityWarning(
                WARNING_MISSING_KEY, f"{self._display(hd.sender_ik)} did not send you their "
                "key for this period.", hd.sender_ik, 1, ep.epoch))
            return
        sender_ik, payload = open_pairwise(self._ident, mine[0], labels.SIG_SENDER_KEY, mine[1])
        if sender_ik != hd.sender_ik:
            raise AuthError("a sender key must come from its owner")
        pr = Reader(payload)
        gid, epoch, ck = pr.fixed(16), pr.u32(), pr.fixed(KEY_LEN)
        pr.done()
        if gid != self._group_id or epoch != ep.epoch:
            raise AuthError("the sender key is for another group or epoch")
        if chain.ck is None:  # type: ignore[attr-defined]
            chain.ck, chain.ck_index = ck, 1  # type: ignore[attr-defined]
        events.append(SenderKeyReceived(sender_ik, ep.epoch))

    def _receive_heartbeat(self, ep: EpochState, inner: Inner, events: list[Event]) -> None:
        r = Reader(inner.body)
        claims = [(r.fixed(KEY_LEN), r.u32()) for _ in range(r.u16())]
        r.done()
        for ik, count in claims:
            if ik == self._ident.ik or ik not in self._members:
                continue
            missing = ep.peer(ik).tail_claim(count)
            if missing:
                events.append(IntegrityWarning(
                    WARNING_GAP, f"{missing} message{'s' if missing != 1 else ''} from "
                    f"{self._display(ik)} did not reach you.", ik, missing, ep.epoch, tail=True))

    def _receive_prekey(self, inner: Inner, member: Member, events: list[Event]) -> None:
        r = Reader(inner.body)
        spk, created, sig = r.fixed(KEY_LEN), r.u64(), r.fixed(SIG_LEN)
        r.done()
        verify_prekey(member.ik, spk, created, sig)
        self._members[member.ik] = Member(member.ik, spk, member.name, member.role,
                                          member.joined_seq)
        events.append(PrekeyChanged(member.ik))

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
