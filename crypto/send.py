"""The sending half over a GroupState: headers, signing, and every message a member seals.

Each function advances our own chain in the state and returns what to send; nothing is
sent here. The caller saves the state before sending (see crypto.session).
"""
from __future__ import annotations

from crypto import labels
from crypto.chains import EpochState
from crypto.encoding import Writer
from crypto.envelope import (
    HEADER,
    TYPE_CONTENT,
    TYPE_COVER,
    TYPE_HEARTBEAT,
    TYPE_PREKEY,
    TYPE_SENDER_KEY,
    build_inner,
    seal_outer,
)
from crypto.errors import NotAllowed
from crypto.events import Member, Outgoing, Sealed
from crypto.governance import refusal
from crypto.kinds import admin_only, encode_content
from crypto.pairwise import (
    group_key_payload,
    member_bucket,
    padded_key_list,
    padded_key_list_len,
    seal_pairwise,
)
from crypto.params import HEARTBEAT_SECONDS, PROTOCOL_VERSION
from crypto.payloads import AdminRemove, Content
from crypto.primitives import AEAD_NONCE_LEN, KEY_LEN, SIG_LEN, Rng, aead_seal, h, random_bytes
from crypto.state import STATUS_ACTIVE, GroupState

_ZERO32 = bytes(32)


def header(state: GroupState, ep: EpochState, typ: int, seq: int, prev: bytes, now: int) -> bytes:
    head_seq, head_hash = state.control_head
    return HEADER.pack(typ, PROTOCOL_VERSION, state.group_id, ep.epoch, state.my_ik, seq, prev,
                       head_seq, head_hash, now)


def finish(state: GroupState, ep: EpochState, header_bytes: bytes, body: bytes, pt_hash: bytes,
           rng: Rng) -> Outgoing:
    """Sign, link as our latest message in `ep`, and seal into the epoch's mailbox."""
    inner, mid = build_inner(header_bytes, body, pt_hash, state.identity.sign)
    ep.my_last_id = mid
    ep.message_count += 1
    return Outgoing(state.epoch_mailbox(ep), seal_outer(ep.header_key, ep.mailbox, inner, rng),
                    mid)


def seal_plain(state: GroupState, ep: EpochState, typ: int, body: bytes, now: int,
               rng: Rng) -> Outgoing:
    """A non-content message: the body is protected by the envelope layer only."""
    seq, _ = ep.next_own_key()
    hb = header(state, ep, typ, seq, ep.my_last_id, now)
    return finish(state, ep, hb, body, h(labels.HASH_PLAINTEXT, body), rng)


def seal(state: GroupState, content: Content, now: int, rng: Rng) -> Sealed:
    """Encrypt and sign one payload for the current epoch. NotAllowed when this member was
    removed, when its role does not allow the payload (crypto.governance), or when an
    admin-only payload (a channel, a pin) is sealed by a non-admin."""
    ep = state.require_active()
    why = refusal([], state.members[state.member_ik], content, 0, now, state.members)
    if why is not None:
        raise NotAllowed(why)
    if admin_only(content) and not isinstance(content, AdminRemove) and not state.is_admin:
        raise NotAllowed("only an admin can change channels or pins")
    payload = encode_content(content)
    seq, mk = ep.next_own_key()
    hb = header(state, ep, TYPE_CONTENT, seq, ep.my_last_id, now)
    nonce = random_bytes(rng, AEAD_NONCE_LEN)
    body = nonce + aead_seal(mk, nonce, payload, hb)
    out = finish(state, ep, hb, body, h(labels.HASH_PLAINTEXT, payload), rng)
    assert out.message_id is not None
    return Sealed(out, out.message_id, ep.epoch, seq, now)


def sender_key_message(state: GroupState, ep: EpochState, now: int, rng: Rng,
                       intro: bytes = b"") -> Outgoing | None:
    """Our chain key for `ep`, boxed to every other member (sequence number 0), the list
    padded to the group's member bucket; `intro` (a restored device's own certificate,
    docs/protocol.md §16.8) follows the list."""
    payload = group_key_payload(state.group_id, ep.epoch, ep.my_ck)
    entries = [(ik, spk, seal_pairwise(state.identity, ik, spk, labels.SIG_SENDER_KEY,
                                       payload, rng))
               for ik, spk in state.recipients()]
    if not entries:
        return None
    body = padded_key_list(entries, state.recipient_count(), rng) + intro
    hb = header(state, ep, TYPE_SENDER_KEY, 0, _ZERO32, now)
    return finish(state, ep, hb, body, h(labels.HASH_PLAINTEXT, body), rng)


def epoch_cover(state: GroupState, ep: EpochState, now: int, rng: Rng) -> list[Outgoing]:
    """Cover messages from the member who started `ep`: with every member's sender key
    they make the bucket's count of envelopes, each as long as a sender-key message, so
    the relay cannot count the members at the start of the new mailbox."""
    members = state.recipient_count()      # members and their linked devices
    real = members if members > 1 else 0   # alone, no one sends a sender key
    size = padded_key_list_len(members)
    return [seal_plain(state, ep, TYPE_COVER, random_bytes(rng, size), now, rng)
            for _ in range(member_bucket(members) - real)]


def heartbeat(state: GroupState, now: int, rng: Rng) -> Outgoing:
    """A checkpoint: our sequence number plus the last one we saw from each member, so a
    dropped tail is detected by everyone."""
    ep = state.require_active()
    w = Writer()
    others = sorted(ik for ik, _spk in state.recipients())
    w.u16(len(others))
    for ik in others:
        chain = ep.peers.get(ik)
        w.fixed(ik, KEY_LEN).u32(0 if chain is None else chain.max_seq + 1)
    state.last_heartbeat = now
    return seal_plain(state, ep, TYPE_HEARTBEAT, w.bytes(), now, rng)


def announce_prekey(state: GroupState, now: int, rng: Rng) -> Outgoing:
    """Tell the group our current signed prekey (after Identity.rotate_prekey)."""
    ep = state.require_active()
    ident = state.identity
    body = Writer().fixed(ident.spk, KEY_LEN).u64(ident.spk_created_at).fixed(
        ident.spk_signature, SIG_LEN).bytes()
    if state.holds_identity:
        me = state.members[ident.ik]
        state.members[ident.ik] = Member(me.ik, ident.spk, me.name, me.role, me.joined_seq)
    else:   # a linked device: its record's prekey (docs/protocol.md §16.9)
        why = state.devices.new_prekey(ident.ik, ident.spk, ident.spk_created_at,
                                       ident.spk_signature)
        if why is not None:
            raise NotAllowed(why)
    return seal_plain(state, ep, TYPE_PREKEY, body, now, rng)


def heartbeat_due(state: GroupState, now: int) -> bool:
    return state.status == STATUS_ACTIVE and now - state.last_heartbeat >= HEARTBEAT_SECONDS
