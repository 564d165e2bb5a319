"""The receiving half over a GroupState: checking, ordering and applying envelopes.

Every check happens before any state changes; see docs/protocol.md §5-§6. `open_group`
tries the common case first (the next in-order post of a sender whose chain we hold) and
falls back to the general path, which re-checks everything.
"""
from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence

from crypto import device_rules, labels, sodium
from crypto.chains import RECENT, EpochState, PeerChain
from crypto.devices import DEVICE_KINDS, DeviceCert
from crypto.encoding import Reader
from crypto.envelope import (
    BODY_AT,
    BODY_LEN_AT,
    HEADER,
    HEADER_LEN,
    MIN_INNER,
    PT_HASH_LEN,
    TRAILER_LEN,
    TYPE_AT,
    TYPE_CONTENT,
    TYPE_CONTROL,
    TYPE_COVER,
    TYPE_HEARTBEAT,
    TYPE_PREKEY,
    TYPE_SENDER_KEY,
    Inner,
    body_end,
    parse_inner,
    sender_of,
    seq_of,
    signed_input_of,
    verify_inner,
)
from crypto.errors import AuthError, CryptoError, DecodeError, reason
from crypto.events import (
    WARNING_FORK,
    WARNING_GAP,
    WARNING_MISSING_KEY,
    WARNING_REPLAY,
    WARNING_STALE_EPOCH,
    WARNING_UNSUPPORTED,
    ContentReceived,
    ContentRefused,
    DeviceChanged,
    Event,
    IntegrityWarning,
    Member,
    Opened,
    OwnEcho,
    PrekeyChanged,
    SenderKeyReceived,
)
from crypto.governance import refusal
from crypto.identity import verify_prekey
from crypto.kinds import decode_content, decode_post_fast
from crypto.membership import ControlOutcome, apply_control
from crypto.pairwise import decode_box_list, find_box, open_group_key
from crypto.params import GRACE_SECONDS, MAX_HELD_UNKNOWN, MAX_SKIP, PROTOCOL_VERSION
from crypto.payloads import Post
from crypto.primitives import AEAD_NONCE_LEN, AEAD_TAG_LEN, KEY_LEN, SIG_LEN, Rng, aead_open, h
from crypto.reports import evidence_of
from crypto.state import GroupState

# Retries of the held queue after one envelope: each round may unlock the next.
HELD_RETRY_ROUNDS = 8
_NONCE_END = BODY_AT + AEAD_NONCE_LEN
_MIN_BODY = AEAD_NONCE_LEN + AEAD_TAG_LEN
_unpack_header = HEADER.unpack_from
_U32 = struct.Struct(">I")
_unpack_u32 = _U32.unpack_from
_SIG_ENVELOPE = labels.SIG_ENVELOPE
_H_MSG_ID = labels.HASH_MESSAGE_ID
_blake2b = hashlib.blake2b
_H_PLAIN = labels.HASH_PLAINTEXT
_H_BODY = labels.HASH_BODY
_MSG = labels.KDF_CHAIN_MSG
_NEXT = labels.KDF_CHAIN_NEXT


def open_group(state: GroupState, ep: EpochState, raw: bytes, now: int, rng: Rng,
               checks: sodium.SharedChecks | None = None) -> Opened:
    """Process one decrypted inner message read from `ep`'s mailbox. `checks` holds the
    signature checks `preverify` set up for a batch (keyed by the exact bytes)."""
    fast = _open_next_post(state, ep, raw, checks)
    if fast is not None:
        return fast
    inner = parse_inner(raw)
    result = Opened()
    applied = _process(state, ep, inner, now, rng, result)
    if state.held and (applied or any(isinstance(e, (SenderKeyReceived, DeviceChanged))
                                      for e in result.events)):
        _release_held(state, now, rng, result)
    return result


def preverify(state: GroupState, raws: Sequence[bytes]) -> sodium.SharedChecks:
    """The signature checks of the content messages of a batch about to be opened, shared
    with a helper thread (sodium.SharedChecks): it checks from the back of the batch while
    the messages are opened in order from the front.

    A signature's validity depends on the message bytes alone (the signing key is the
    sender named in the signed header), so the fast path may take the verdict for exactly
    these bytes instead of verifying again; everything else (membership, chain, decryption,
    hashes) is still checked when each message is opened, in order. Senders who are not
    members are left to the general path."""
    members = state.members
    jobs: list[tuple[bytes, bytes, bytes, bytes]] = []
    digests: dict[bytes, bytes] = {}
    for raw in raws:
        if len(raw) < MIN_INNER or raw[TYPE_AT] != TYPE_CONTENT:
            continue
        end = body_end(raw)
        sender = sender_of(raw)
        if end is None or sender not in members:
            continue
        body_hash = digests[raw] = _blake2b(memoryview(raw)[BODY_AT:end], digest_size=32,
                                            person=_H_BODY).digest()
        jobs.append((raw, sender, signed_input_of(raw[:HEADER_LEN], body_hash,
                                                  raw[end:end + PT_HASH_LEN]),
                     raw[end + PT_HASH_LEN:]))
    return sodium.SharedChecks(jobs, digests)


def _open_next_post(state: GroupState, ep: EpochState, raw: bytes,
                    checks: sodium.SharedChecks | None = None) -> Opened | None:
    """The common case, kept to one verify plus symmetric work: the next in-order post of a
    sender whose chain we hold, in the current epoch. None means "take the general path"
    (which re-checks everything); nothing is changed before all checks pass. The hashes
    and libsodium calls are made here directly (crypto.sodium): at post sizes the general
    path's layers cost as much as the cipher, and this runs once per post in a backlog."""
    if len(raw) < MIN_INNER or raw[TYPE_AT] != TYPE_CONTENT:
        return None
    _typ, ver, gid, epoch, sender, seq, prev, cseq, chash, sent_at = _unpack_header(raw)
    chain = ep.peers.get(sender)
    if (ver != PROTOCOL_VERSION or gid != state.group_id or epoch != ep.epoch
            or ep.superseded_at or chain is None or chain.ck is None
            or seq != chain.ck_index or seq != chain.max_seq + 1):
        return None
    member = ((state.members.get(sender) if sender not in state.devices.retired else None)
              or state.device_member(sender))
    end = BODY_AT + _unpack_u32(raw, BODY_LEN_AT)[0]   # body_end, inline
    size = len(raw)
    if member is None or end + TRAILER_LEN != size or end - BODY_AT < _MIN_BODY:
        return None
    header = raw[:HEADER_LEN]
    pt_end = end + PT_HASH_LEN
    pt_hash = raw[end:pt_end]
    sig = raw[pt_end:]
    verdict = checks.verdict(raw) if checks is not None else None
    body_hash = checks.digests.get(raw) if verdict is not None else None  # type: ignore[union-attr]
    if verdict is None:
        body_hash = _blake2b(memoryview(raw)[BODY_AT:end], digest_size=32,
                             person=_H_BODY).digest()
        verdict = sodium.verify_detached(sender, _SIG_ENVELOPE + header + body_hash + pt_hash, sig)
    if not verdict:
        raise AuthError("the signature does not verify")
    ck = chain.ck
    mk = _blake2b(b"", digest_size=32, key=ck, person=_MSG).digest()
    plaintext = sodium.aead_decrypt(mk, raw[BODY_AT:_NONCE_END], raw[_NONCE_END:end], header)
    if plaintext is None:
        raise AuthError("the ciphertext does not authenticate")
    if _blake2b(plaintext, digest_size=32, person=_H_PLAIN).digest() != pt_hash:
        raise AuthError("the plaintext does not match its signed hash")
    content = decode_post_fast(plaintext) or decode_content(plaintext)
    kind = type(content)
    if kind in DEVICE_KINDS:
        return None   # changes the state: the general path applies it
    refused = refusal(state.role_log, member, content, cseq, sent_at, state.members)
    mid = _blake2b(header + sig, digest_size=32, person=_H_MSG_ID).digest()  # message_id
    events: list[Event] = []
    idx = cseq - state.control_base
    if 0 <= idx < len(state.control_hashes) and state.control_hashes[idx] != chash:
        _check_head(state, cseq, chash, sender, events)
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
            WARNING_FORK, reason("A member's message history does not link up: it was forked."),
            sender, 1, ep.epoch))
    author = member.ik     # a linked device's posts are its member's
    device = sender if sender != author else b""
    if refused is not None:
        events.append(ContentRefused(mid, author, epoch, seq, sent_at, refused))
    elif kind is Post:
        if body_hash is None:
            body_hash = _blake2b(memoryview(raw)[BODY_AT:end], digest_size=32,
                                 person=_H_BODY).digest()
        events.append(ContentReceived(mid, author, epoch, seq, sent_at, content, device,
                                      evidence_of(header, body_hash, pt_hash, sig, plaintext)))
    else:
        events.append(ContentReceived(mid, author, epoch, seq, sent_at, content, device))
    return Opened(events, [])


def _release_held(state: GroupState, now: int, rng: Rng, result: Opened) -> None:
    """Retry held envelopes after a sender key or control entry arrived."""
    for _ in range(HELD_RETRY_ROUNDS):
        applied = False
        held, state.held = state.held, []
        before = len(held)
        held.sort(key=lambda item: (item[0], seq_of(item[1])))
        for epoch, raw in held:
            ep = state.epochs.get(epoch)
            if ep is None:
                continue
            try:
                applied = _process(state, ep, parse_inner(raw), now, rng, result) or applied
            except CryptoError:
                continue
        if len(state.held) >= before and not applied:
            break


def _hold_unknown_sender(state: GroupState, ep: EpochState, inner: Inner) -> bool:
    """A sender we do not know yet may be one whose add entry is still on its way (its
    control head is ahead of ours): hold a few of those, never many, since a removed
    member can claim any head. True when held."""
    head_seq, _ = state.control_head
    if inner.header.control_seq <= head_seq:
        return False
    unknown = sum(1 for _, raw in state.held if sender_of(raw) not in state.members)
    if unknown >= MAX_HELD_UNKNOWN:
        return False
    verify_inner(inner)
    state.hold(ep.epoch, inner.raw)
    return True


def _process(state: GroupState, ep: EpochState, inner: Inner, now: int, rng: Rng,
             result: Opened) -> bool:
    """Check and apply one inner message. True when it applied a control entry."""
    hd = inner.header
    events = result.events
    if hd.group_id != state.group_id or hd.epoch != ep.epoch:
        raise AuthError("the message belongs to another group or epoch")
    sender = hd.sender_ik
    if sender == state.my_ik:
        _own_echo(state, ep, inner, events)
        gone = state.leaving.get(ep.epoch)
        if gone is not None and gone.message_id == inner.message_id:
            # our remove entry is back (signature checked): its target's later messages
            # here were sent after the removal
            del state.leaving[ep.epoch]
        return False
    member = state.sender(sender, ep.epoch) if sender not in state.devices.retired else None
    if member is None and hd.type == TYPE_SENDER_KEY and hd.seq == 0:
        member = _introduced(state, inner, events)
    if member is None:
        if sender not in state.devices.retired and _hold_unknown_sender(state, ep, inner):
            return False
        raise AuthError("the sender is not a member of this group")
    verify_inner(inner)
    _check_head(state, hd.control_seq, hd.control_hash, sender, events)
    if (ep.superseded_at and hd.type != TYPE_CONTROL
            and hd.sent_at > ep.superseded_at + GRACE_SECONDS):
        events.append(IntegrityWarning(
            WARNING_STALE_EPOCH, reason("A message sealed for an old key period arrived too late."),
            sender, 1, ep.epoch))
        return False
    chain = ep.peer(sender)
    mid = inner.message_id
    status = chain.classify(hd.seq, mid)
    if status != "new":
        kind = WARNING_FORK if status == "fork" else WARNING_REPLAY
        detail = (reason("Two different messages claim the same place in a member's history.")
                  if status == "fork"
                  else reason("A message that was already received arrived again."))
        events.append(IntegrityWarning(kind, detail, sender, 1, ep.epoch))
        return False
    if hd.type == TYPE_CONTENT:
        _receive_content(state, ep, chain, inner, member, mid, now, events)
        return False
    if h(_H_PLAIN, inner.body) != inner.pt_hash:
        raise AuthError("the body does not match its signed hash")
    applied = False
    if hd.type == TYPE_CONTROL:
        outcome = apply_control(state, ep, inner, now, rng, result)
        if outcome is ControlOutcome.HELD:
            return False
        applied = outcome is ControlOutcome.APPLIED
    elif hd.type == TYPE_SENDER_KEY:
        _receive_sender_key(state, ep, chain, inner, events)
    elif hd.type == TYPE_HEARTBEAT:
        _receive_heartbeat(state, ep, inner, events)
    elif hd.type == TYPE_PREKEY:
        _receive_prekey(state, inner, member, events)
    elif hd.type == TYPE_COVER:
        pass  # cover traffic (spec §5.7): signed and counted in the chain, carries nothing
    else:
        events.append(IntegrityWarning(
            WARNING_UNSUPPORTED, reason("A message of a newer kind arrived; update Coterie to see it."),
            sender, 1, ep.epoch))
    chain.advance_past(hd.seq, now)
    _record(state, ep, chain, inner, mid, now, events)
    return applied


def _own_echo(state: GroupState, ep: EpochState, inner: Inner, events: list[Event]) -> None:
    """A message in my name read back from the relay.

    Behind my chain it is an echo of what this device sent. At or beyond it, another copy
    of this profile sent it (a profile restored from a backup while the old machine kept
    running, or a copied profile): warn, and step my own chain past it so this device never
    seals a second message at a place already used in my name. A post there is read like
    any other (it is mine: my chain key opens it), so a restored profile catches up on what
    the old machine posted after the backup. A jump beyond MAX_SKIP is not followed: other
    members refuse it too.
    """
    hd = inner.header
    verify_inner(inner)
    if hd.seq < ep.my_seq or hd.seq == 0:
        events.append(OwnEcho(inner.message_id, ep.epoch, hd.seq))
        return
    events.append(IntegrityWarning(
        WARNING_FORK, reason("A message in your name that this device did not send arrived."),
        hd.sender_ik, 0, ep.epoch))
    if hd.seq - ep.my_seq >= MAX_SKIP:
        return
    mk = b""
    while ep.my_seq <= hd.seq:
        _, mk = ep.next_own_key()
    ep.my_last_id = inner.message_id
    ep.message_count += 1
    if hd.type != TYPE_CONTENT or len(inner.body) < AEAD_NONCE_LEN + AEAD_TAG_LEN:
        return
    try:
        plaintext = aead_open(mk, inner.body[:AEAD_NONCE_LEN], inner.body[AEAD_NONCE_LEN:],
                              inner.header_bytes)
        if h(_H_PLAIN, plaintext) != inner.pt_hash:
            return
        content = decode_content(plaintext)
    except CryptoError:
        return  # sealed under another chain (that copy entered a key period first)
    device = hd.sender_ik if hd.sender_ik != state.member_ik else b""
    if type(content) in DEVICE_KINDS:
        # the other copy certified a device (a restored profile's own, §16.8) or revoked one
        me = state.members.get(state.member_ik)
        if me is None:
            return
        refused, change, content = device_rules.apply(state, me, hd.sender_ik, content)
        if refused is not None:
            return
        if change is not None:
            events.append(change)
    events.append(ContentReceived(inner.message_id, state.member_ik, ep.epoch, hd.seq,
                                  hd.sent_at, content, device))


def _receive_content(state: GroupState, ep: EpochState, chain: PeerChain, inner: Inner,
                     member: Member, mid: bytes, now: int, events: list[Event]) -> None:
    hd = inner.header
    if chain.ck is None and hd.seq not in chain.skipped:
        state.hold(ep.epoch, inner.raw)
        return
    keys = chain.message_key(hd.seq)
    if keys is None:
        events.append(IntegrityWarning(
            WARNING_REPLAY, reason("A message whose key was already used or expired arrived."),
            hd.sender_ik, 1, ep.epoch))
        return
    mk, ck, index, new = keys
    body = inner.body
    if len(body) < AEAD_NONCE_LEN + AEAD_TAG_LEN:
        raise DecodeError("the message body is too short")
    plaintext = aead_open(mk, body[:AEAD_NONCE_LEN], body[AEAD_NONCE_LEN:], inner.header_bytes)
    if h(_H_PLAIN, plaintext) != inner.pt_hash:
        raise AuthError("the plaintext does not match its signed hash")
    content = decode_content(plaintext)
    refused = refusal(state.role_log, member, content, hd.control_seq, hd.sent_at,
                      state.members)
    change: DeviceChanged | None = None
    if refused is None and type(content) in DEVICE_KINDS:
        refused, change, content = device_rules.apply(state, member, hd.sender_ik, content)
    chain.commit_key(hd.seq, ck, index, new, now)
    _record(state, ep, chain, inner, mid, now, events)
    author = member.ik     # a linked device's posts are its member's
    if refused is not None:
        events.append(ContentRefused(mid, author, ep.epoch, hd.seq, hd.sent_at, refused))
        return
    if change is not None:
        events.append(change)
    evidence = (evidence_of(inner.header_bytes, h(_H_BODY, body), inner.pt_hash, inner.sig,
                            plaintext) if type(content) is Post else b"")
    events.append(ContentReceived(mid, author, ep.epoch, hd.seq, hd.sent_at, content,
                                  hd.sender_ik if hd.sender_ik != author else b"", evidence))


def _record(state: GroupState, ep: EpochState, chain: PeerChain, inner: Inner, mid: bytes,
            now: int, events: list[Event]) -> None:
    hd = inner.header
    gap, fork = chain.record(hd.seq, hd.prev_id, mid, now)
    ep.message_count += 1
    if gap:
        name = state.display(hd.sender_ik)
        events.append(IntegrityWarning(
            WARNING_GAP, f"{gap} message{'s' if gap != 1 else ''} from {name} "
            f"{'are' if gap != 1 else 'is'} missing.", hd.sender_ik, gap, ep.epoch,
            params=(("name", name),)))
    if fork:
        events.append(IntegrityWarning(
            WARNING_FORK, reason("A member's message history does not link up: it was forked."),
            hd.sender_ik, 1, ep.epoch))


def _check_head(state: GroupState, control_seq: int, control_hash: bytes, sender: bytes,
                events: list[Event]) -> None:
    idx = control_seq - state.control_base
    if 0 <= idx < len(state.control_hashes) and state.control_hashes[idx] != control_hash:
        if not state.fork:
            state.fork = True
            events.append(IntegrityWarning(
                WARNING_FORK, reason("Another member sees a different member list: the group's "
                "history was forked."), sender, 1, state.current))


def _introduced(state: GroupState, inner: Inner, events: list[Event]) -> Member | None:
    """A device that introduces itself with its first sender key (a restored profile,
    docs/protocol.md §16.8): the certificate after the box list, naming the envelope's
    sender, signed by a current member whose first device was not revoked, within the
    limits every certificate meets. The member, or None (not a sender, then)."""
    r = Reader(inner.body)
    decode_box_list(r)
    if not r.remaining():
        return None
    cert = DeviceCert.read(r)
    r.done()
    member = state.members.get(cert.member_ik)
    if (member is None or cert.device_pk != inner.header.sender_ik
            or cert.member_ik in state.devices.retired):
        return None
    verify_inner(inner)
    if state.devices.accept(cert, cert.member_ik, state.members,
                            state.recipient_count()) is not None:
        return None
    events.append(DeviceChanged(cert.member_ik, cert.device_pk, False, cert.member_ik))
    return member


def _receive_sender_key(state: GroupState, ep: EpochState, chain: PeerChain, inner: Inner,
                        events: list[Event]) -> None:
    hd = inner.header
    if hd.seq != 0:
        raise DecodeError("a sender key travels at sequence number 0")
    r = Reader(inner.body)
    entries = decode_box_list(r)
    if r.remaining():
        DeviceCert.read(r)     # a device's introduction, applied by _introduced
    r.done()
    mine = find_box(entries, state.my_ik)
    if mine is None:
        why = reason("{name} did not send you their key for this period.")
        name = state.display(hd.sender_ik)
        events.append(IntegrityWarning(WARNING_MISSING_KEY, why.format(name=name),
                                       hd.sender_ik, 1, ep.epoch, reason=why,
                                       params=(("name", name),)))
        return
    ck = open_group_key(state.identity, mine, labels.SIG_SENDER_KEY, hd.sender_ik,
                        state.group_id, ep.epoch, "sender key")
    if chain.ck is None:
        chain.ck, chain.ck_index = ck, 1
    events.append(SenderKeyReceived(hd.sender_ik, ep.epoch))


def _receive_heartbeat(state: GroupState, ep: EpochState, inner: Inner,
                       events: list[Event]) -> None:
    r = Reader(inner.body)
    claims = [(r.fixed(KEY_LEN), r.u32()) for _ in range(r.u16())]
    r.done()
    for ik, count in claims:
        if ik == state.my_ik or (ik not in state.members and state.device_member(ik) is None):
            continue
        missing = ep.peer(ik).tail_claim(count)
        if missing:
            events.append(IntegrityWarning(
                WARNING_GAP, f"{missing} message{'s' if missing != 1 else ''} from "
                f"{state.display(ik)} did not reach you.", ik, missing, ep.epoch, tail=True,
                params=(("name", state.display(ik)),)))


def _receive_prekey(state: GroupState, inner: Inner, member: Member,
                    events: list[Event]) -> None:
    r = Reader(inner.body)
    spk, created, sig = r.fixed(KEY_LEN), r.u64(), r.fixed(SIG_LEN)
    r.done()
    if inner.header.sender_ik != member.ik:
        # a linked device's new prekey, signed by its device key (docs/protocol.md §16.9)
        why = state.devices.new_prekey(inner.header.sender_ik, spk, created, sig)
        if why is not None:
            raise AuthError(why)
        events.append(PrekeyChanged(inner.header.sender_ik))
        return
    verify_prekey(member.ik, spk, created, sig)
    if member.ik not in state.members:
        return  # the leaving member of an old epoch: never a member again by a prekey
    state.members[member.ik] = Member(member.ik, spk, member.name, member.role,
                                      member.joined_seq)
    events.append(PrekeyChanged(member.ik))
