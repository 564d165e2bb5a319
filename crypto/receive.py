"""The receiving half of a GroupSession: checking, ordering and applying envelopes.

Kept apart from crypto.session (which holds the state and the sending half) so each
stays small. Every check happens before any state changes; see docs/protocol.md §5-§6.
"""
from __future__ import annotations

import hashlib
import struct

from nacl._sodium import ffi, lib

from crypto import labels
from crypto.chains import RECENT, EpochState
from crypto.encoding import Reader
from crypto.envelope import (
    HEADER,
    HEADER_LEN,
    TYPE_CONTENT,
    TYPE_CONTROL,
    TYPE_HEARTBEAT,
    TYPE_PREKEY,
    TYPE_SENDER_KEY,
    Inner,
    parse_inner,
    verify_inner,
)
from crypto.errors import AuthError, CryptoError, DecodeError, NotAllowed
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
    Member,
    Opened,
    OwnEcho,
    PrekeyChanged,
    SenderKeyReceived,
)
from crypto.identity import Identity, fingerprint, verify_prekey
from crypto.pairwise import decode_box_list, find_box, open_pairwise
from crypto.params import (
    GRACE_SECONDS,
    MAX_PENDING,
    PROTOCOL_VERSION,
)
from crypto.payloads import AdminRemove, decode_content, decode_post_fast
from crypto.primitives import (
    AEAD_NONCE_LEN,
    KEY_LEN,
    SIG_LEN,
    Rng,
    aead_open,
    h,
)

_U32 = struct.Struct(">I")
_H_PLAIN = labels.HASH_PLAINTEXT
_H_BODY = labels.HASH_BODY
_H_ID = labels.HASH_MESSAGE_ID
_SIG_ENV = labels.SIG_ENVELOPE
_MSG = labels.KDF_CHAIN_MSG
_NEXT = labels.KDF_CHAIN_NEXT
_MIN_INNER = HEADER_LEN + 4 + 32 + SIG_LEN
MAX_HELD_UNKNOWN = 64
# direct handles for the post path (same libsodium functions as crypto.primitives)
_blake2b = hashlib.blake2b
_new = ffi.new
_buffer = ffi.buffer
_NULL = ffi.NULL
_sign_open_c = lib.crypto_sign_open
_aead_dec_c = lib.crypto_aead_xchacha20poly1305_ietf_decrypt


class ReceivePath:
    """Mixed into GroupSession; relies on the state attributes it declares."""

    _ident: Identity
    _group_id: bytes
    _members: dict[bytes, Member]
    _control_base: int
    _control_hashes: list[bytes]
    _current: int
    _fork: bool
    _held: list[tuple[int, bytes]]
    _epochs: dict[int, EpochState]
    _applied_control: bool

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
        pass. The primitives are called directly here: at post sizes the Python call
        layers cost as much as the cipher, and this runs once per post in a backlog."""
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
        signed = (sig + _SIG_ENV + header
                  + _blake2b(memoryview(raw)[body_at:end], digest_size=32,
                             person=_H_BODY).digest() + pt_hash)
        out = _new("unsigned char[]", len(signed))
        out_len = _new("unsigned long long *")
        if _sign_open_c(out, out_len, signed, len(signed), sender) != 0:
            raise AuthError("the signature does not verify")
        ck = chain.ck
        mk = _blake2b(b"", digest_size=32, key=ck, person=_MSG).digest()
        ct = raw[body_at + AEAD_NONCE_LEN:end]
        n = len(ct) - 16
        out = _new("unsigned char[]", n + 1)
        if _aead_dec_c(out, out_len, _NULL, ct, n + 16, header, HEADER_LEN,
                       raw[body_at:body_at + AEAD_NONCE_LEN], mk) != 0:
            raise AuthError("the ciphertext does not authenticate")
        plaintext = _buffer(out, out_len[0])[:]
        if _blake2b(plaintext, digest_size=32, person=_H_PLAIN).digest() != pt_hash:
            raise AuthError("the plaintext does not match its signed hash")
        content = decode_post_fast(plaintext) or decode_content(plaintext)
        if member.role != ROLE_ADMIN and isinstance(content, AdminRemove):
            raise NotAllowed("only an admin can remove someone else's post")
        mid = _blake2b(header + sig, digest_size=32, person=_H_ID).digest()
        events: list[Event] = []
        idx = cseq - self._control_base
        if 0 <= idx < len(self._control_hashes) and self._control_hashes[idx] != chash:
            self._check_head(cseq, chash, sender, events)
        chain.ck = _blake2b(b"", digest_size=32, key=ck, person=_NEXT).digest()
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

