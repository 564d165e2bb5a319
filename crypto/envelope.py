"""The envelope: what the relay stores (outer) and what members sign (inner).

Outer (relay-visible), exactly one of params.BUCKETS bytes long:
    version u8 (=1) ‖ nonce[24] ‖ XChaCha20-Poly1305(key, nonce, pad(inner), ad=version ‖ mailbox)
Inner (group messages):
    header[134] = type u8 ‖ version u8 ‖ group_id[16] ‖ epoch u32 ‖ sender_ik[32] ‖ seq u32
                  ‖ prev_id[32] ‖ control_seq u32 ‖ control_hash[32] ‖ sent_at u64
    ‖ body_len u32 ‖ body ‖ pt_hash[32] ‖ sig[64]
    sig = Ed25519(sender IK, SIG_ENVELOPE ‖ header ‖ H_body(body) ‖ pt_hash)
    message id = H_msg-id(header ‖ sig)
"""
from __future__ import annotations

import struct
from collections.abc import Callable
from typing import NamedTuple

from crypto import labels, sodium
from crypto.errors import AuthError, DecodeError, VersionError
from crypto.params import BUCKETS, PROTOCOL_VERSION
from crypto.primitives import (
    AEAD_NONCE_LEN,
    AEAD_TAG_LEN,
    KEY_LEN,
    SIG_LEN,
    Rng,
    aead_seal,
    h,
    pad,
    random_bytes,
    unpad,
    verify,
)

OUTER_OVERHEAD = 1 + AEAD_NONCE_LEN + AEAD_TAG_LEN
_OUTER_NONCE_END = 1 + AEAD_NONCE_LEN
_OUTER_VERSION = bytes((PROTOCOL_VERSION,))
_BUCKET_SET = frozenset(BUCKETS)

TYPE_CONTENT = 1
TYPE_CONTROL = 2
TYPE_SENDER_KEY = 3
TYPE_HEARTBEAT = 4
TYPE_PREKEY = 5
TYPE_COVER = 6      # cover traffic at an epoch start: signed, carries nothing (spec §5.7)

HEADER = struct.Struct(">BB16sI32sI32sI32sQ")
HEADER_LEN = HEADER.size  # 134
# Byte offsets of the header fields a receiver reads before parsing the whole message.
TYPE_AT = 0
SENDER_AT = 1 + 1 + 16 + 4          # after type, version, group_id, epoch
SENDER_END = SENDER_AT + 32
SEQ_AT = SENDER_END
# inner = header ‖ body_len u32 ‖ body ‖ pt_hash[32] ‖ sig[64]
BODY_LEN_AT = HEADER_LEN
BODY_AT = HEADER_LEN + 4
PT_HASH_LEN = 32
TRAILER_LEN = PT_HASH_LEN + SIG_LEN
_U32 = struct.Struct(">I")
MIN_INNER = BODY_AT + TRAILER_LEN


def seal_outer(key: bytes, mailbox_id: bytes, inner: bytes, rng: Rng) -> bytes:
    """Pad `inner` to the smallest bucket that holds it and encrypt it for `mailbox_id`."""
    need = len(inner) + 1 + OUTER_OVERHEAD
    for bucket in BUCKETS:
        if need <= bucket:
            break
    else:
        raise DecodeError("the message is too large for the largest size bucket")
    nonce = random_bytes(rng, AEAD_NONCE_LEN)
    padded = pad(inner, bucket - OUTER_OVERHEAD)
    return _OUTER_VERSION + nonce + aead_seal(key, nonce, padded, _OUTER_VERSION + mailbox_id)


def open_outer(key: bytes, mailbox_id: bytes, envelope: bytes) -> bytes:
    """Check length and version, decrypt and unpad; the inner bytes or a CryptoError."""
    if not isinstance(envelope, bytes) or len(envelope) not in _BUCKET_SET:
        raise DecodeError("the envelope length is not a size bucket")
    if envelope[0] != PROTOCOL_VERSION:
        raise VersionError("unknown envelope version")
    if len(key) != KEY_LEN:
        raise AuthError("the ciphertext does not authenticate")
    # once per envelope read: libsodium directly (crypto.sodium), as aead_open would
    padded = sodium.aead_decrypt(key, envelope[1:_OUTER_NONCE_END],
                                 envelope[_OUTER_NONCE_END:], _OUTER_VERSION + mailbox_id)
    if padded is None:
        raise AuthError("the ciphertext does not authenticate")
    return unpad(padded)


class Header(NamedTuple):
    """The fixed-size signed header of an inner message (a tuple: cheap to build)."""

    type: int
    version: int
    group_id: bytes
    epoch: int
    sender_ik: bytes
    seq: int
    prev_id: bytes
    control_seq: int
    control_hash: bytes
    sent_at: int

    def pack(self) -> bytes:
        return HEADER.pack(*self)


class Inner:
    """A parsed inner message (signature not yet checked: call verify_inner)."""

    __slots__ = ("header", "header_bytes", "body", "pt_hash", "sig", "raw")

    def __init__(self, header: Header, header_bytes: bytes, body: bytes, pt_hash: bytes,
                 sig: bytes, raw: bytes) -> None:
        self.header = header
        self.header_bytes = header_bytes
        self.body = body
        self.pt_hash = pt_hash
        self.sig = sig
        self.raw = raw

    @property
    def message_id(self) -> bytes:
        return message_id(self.header_bytes, self.sig)


def message_id(header_bytes: bytes, sig: bytes) -> bytes:
    """H_msg-id(header ‖ sig): the signature already commits to the body and plaintext
    hashes, so hashing it with the header names the message without rehashing the body."""
    return h(labels.HASH_MESSAGE_ID, header_bytes + sig)


def signed_input_of(header_bytes: bytes, body_hash: bytes, pt_hash: bytes) -> bytes:
    """What the sender's IK signs, given H(cot/body, body)."""
    return labels.SIG_ENVELOPE + header_bytes + body_hash + pt_hash


def signed_input(header_bytes: bytes, body: bytes | memoryview, pt_hash: bytes) -> bytes:
    return signed_input_of(header_bytes, h(labels.HASH_BODY, body), pt_hash)


def build_inner(header_bytes: bytes, body: bytes, pt_hash: bytes,
                sign: Callable[[bytes], bytes]) -> tuple[bytes, bytes]:
    """Sign and assemble an inner message: (inner bytes, its message id).
    `sign` is Identity.sign."""
    sig = sign(signed_input(header_bytes, body, pt_hash))
    return (header_bytes + _U32.pack(len(body)) + body + pt_hash + sig,
            message_id(header_bytes, sig))


def body_end(raw: bytes) -> int | None:
    """Where the body of an inner message ends, or None when the lengths do not add up
    (too short, or body_len disagrees with the message length)."""
    if len(raw) < MIN_INNER:
        return None
    end = BODY_AT + _U32.unpack_from(raw, BODY_LEN_AT)[0]
    return end if end + TRAILER_LEN == len(raw) else None


def sender_of(raw: bytes) -> bytes:
    """The sender IK named by a (checked) inner message's header."""
    return raw[SENDER_AT:SENDER_END]


def seq_of(raw: bytes) -> int:
    """The sequence number named by a (checked) inner message's header."""
    return int(_U32.unpack_from(raw, SEQ_AT)[0])


def parse_inner(raw: bytes) -> Inner:
    """Split an inner message; DecodeError on any length mismatch, VersionError on version."""
    if len(raw) < MIN_INNER:
        raise DecodeError("the inner message is too short")
    fields = HEADER.unpack_from(raw)
    if fields[1] != PROTOCOL_VERSION:
        raise VersionError("unknown message version")
    end = body_end(raw)
    if end is None:
        raise DecodeError("the inner message length does not match its fields")
    return Inner(Header(*fields), raw[:HEADER_LEN], raw[BODY_AT:end],
                 raw[end:end + PT_HASH_LEN], raw[end + PT_HASH_LEN:], raw)


def verify_inner(inner: Inner) -> None:
    """Raise AuthError unless the sender's IK signed this header, body and plaintext hash."""
    verify(inner.header.sender_ik, signed_input(inner.header_bytes, inner.body, inner.pt_hash),
           inner.sig)
