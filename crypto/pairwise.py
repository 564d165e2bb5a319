"""Pairwise boxes: one secret for one member, from one member, both identities bound.

    box = eph_pk[32] ‖ nonce[24] ‖ crypto_box(eph_sk, recipient_spk, nonce,
              sender_ik[32] ‖ payload_len u32 ‖ payload ‖ sig[64])
    sig = Ed25519(sender IK, label ‖ sender_ik ‖ recipient_ik ‖ recipient_spk ‖ payload)

The ephemeral key gives forward secrecy once the recipient deletes the prekey; the
signature inside gives sender authentication (a bare sealed box has none) and binds the
recipient, so a box forwarded to someone else does not verify.
"""
from __future__ import annotations

from crypto.encoding import Reader, Writer
from crypto.errors import AuthError, DecodeError
from crypto.identity import Identity
from crypto.params import MAX_PAIRWISE_PAYLOAD, MEMBER_BUCKETS
from crypto.primitives import (
    BOX_NONCE_LEN,
    BOX_TAG_LEN,
    KEY_LEN,
    SIG_LEN,
    Rng,
    box_open,
    box_seal,
    random_bytes,
    verify,
    x25519_public,
)

MAX_PAYLOAD = MAX_PAIRWISE_PAYLOAD
GROUP_KEY_PAYLOAD_LEN = 16 + 4 + KEY_LEN


def box_len(payload_len: int) -> int:
    """The length of a pairwise box carrying `payload_len` bytes."""
    return KEY_LEN + BOX_NONCE_LEN + BOX_TAG_LEN + KEY_LEN + 4 + payload_len + SIG_LEN


# one entry of an epoch-key or sender-key box list: ik ‖ spk ‖ var16(box)
GROUP_KEY_ENTRY_LEN = KEY_LEN + KEY_LEN + 2 + box_len(GROUP_KEY_PAYLOAD_LEN)


def _signed(label: bytes, sender_ik: bytes, recipient_ik: bytes, recipient_spk: bytes,
            payload: bytes) -> bytes:
    return label + sender_ik + recipient_ik + recipient_spk + payload


def seal_pairwise(sender: Identity, recipient_ik: bytes, recipient_spk: bytes, label: bytes,
                  payload: bytes, rng: Rng) -> bytes:
    sig = sender.sign(_signed(label, sender.ik, recipient_ik, recipient_spk, payload))
    plaintext = Writer().fixed(sender.ik, KEY_LEN).var32(payload).fixed(sig, SIG_LEN).bytes()
    eph = random_bytes(rng, KEY_LEN)
    nonce = random_bytes(rng, BOX_NONCE_LEN)
    return x25519_public(eph) + nonce + box_seal(eph, recipient_spk, nonce, plaintext)


def open_pairwise(recipient: Identity, recipient_spk: bytes, label: bytes,
                  box: bytes) -> tuple[bytes, bytes]:
    """Open a box addressed to our prekey `recipient_spk`: (sender_ik, payload).

    The caller must still check that sender_ik is who it expects.
    """
    secret = recipient.prekey_secret(recipient_spk)
    if secret is None:
        raise AuthError("the box is for a prekey this member no longer has")
    if len(box) < KEY_LEN + BOX_NONCE_LEN + 16:
        raise DecodeError("the pairwise box is too short")
    plaintext = box_open(secret, box[:KEY_LEN], box[KEY_LEN:KEY_LEN + BOX_NONCE_LEN],
                         box[KEY_LEN + BOX_NONCE_LEN:])
    r = Reader(plaintext)
    sender_ik = r.fixed(KEY_LEN)
    payload = r.var32(MAX_PAYLOAD)
    sig = r.fixed(SIG_LEN)
    r.done()
    verify(sender_ik, _signed(label, sender_ik, recipient.ik, recipient_spk, payload), sig)
    return sender_ik, payload


def encode_box_list(entries: list[tuple[bytes, bytes, bytes]]) -> bytes:
    """count u16 ‖ (recipient_ik[32] ‖ recipient_spk[32] ‖ box_len u16 ‖ box)*, sorted by IK."""
    w = Writer().u16(len(entries))
    for ik, spk, box in sorted(entries):
        w.fixed(ik, KEY_LEN).fixed(spk, KEY_LEN).var16(box)
    return w.bytes()


def member_bucket(members: int) -> int:
    """The member count the relay is shown for a group of `members`."""
    return next(b for b in MEMBER_BUCKETS if members <= b)


def padded_key_list_len(members: int) -> int:
    """Length of a padded epoch-key or sender-key box list for a group of `members`."""
    return 2 + (member_bucket(members) - 1) * GROUP_KEY_ENTRY_LEN


def padded_key_list(entries: list[tuple[bytes, bytes, bytes]], members: int, rng: Rng) -> bytes:
    """encode_box_list of `entries` (boxes of group-key payloads) plus dummy entries of
    random bytes, up to one per member of the bucket but the sender: the list is as long
    for any group size in the bucket. No one's IK matches a dummy, so no one opens one."""
    dummies = [(random_bytes(rng, KEY_LEN), random_bytes(rng, KEY_LEN),
                random_bytes(rng, box_len(GROUP_KEY_PAYLOAD_LEN)))
               for _ in range(member_bucket(members) - 1 - len(entries))]
    return encode_box_list(entries + dummies)


def decode_box_list(r: Reader) -> list[tuple[bytes, bytes, bytes]]:
    count = r.u16()
    entries = [(r.fixed(KEY_LEN), r.fixed(KEY_LEN), r.var16()) for _ in range(count)]
    iks = [e[0] for e in entries]
    if iks != sorted(set(iks)):
        raise DecodeError("box list entries are not sorted and unique")
    return entries


def find_box(entries: list[tuple[bytes, bytes, bytes]], ik: bytes) -> tuple[bytes, bytes] | None:
    for rik, spk, box in entries:
        if rik == ik:
            return spk, box
    return None


def group_key_payload(group_id: bytes, epoch: int, key: bytes) -> bytes:
    """What an epoch-key or sender-key box carries: group_id[16] ‖ epoch u32 ‖ key[32]."""
    return Writer().fixed(group_id, 16).u32(epoch).fixed(key, KEY_LEN).bytes()


def open_group_key(recipient: Identity, box: tuple[bytes, bytes], label: bytes, sender_ik: bytes,
                   group_id: bytes, epoch: int, what: str) -> bytes:
    """The key in a box from `sender_ik` for `group_id` at `epoch` (`box` = (our prekey,
    box) as find_box returns it); AuthError when any of the three does not match."""
    boxed_by, payload = open_pairwise(recipient, box[0], label, box[1])
    if boxed_by != sender_ik:
        raise AuthError(f"the {what} did not come from its owner")
    r = Reader(payload)
    gid, got_epoch, key = r.fixed(16), r.u32(), r.fixed(KEY_LEN)
    r.done()
    if gid != group_id or got_epoch != epoch:
        raise AuthError(f"the {what} is for another group or epoch")
    return key
