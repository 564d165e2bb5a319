"""The relay-facing wire format: what a client signs to use a mailbox, and what the relay checks.

This is the only part of crypto/ the relay imports. The relay learns nothing from it but a
mailbox id and two public keys; it never sees an identity or an epoch secret.

Every signed input starts with its own domain-separation label (see docs/protocol.md,
"Label registry") so a signature made for one operation can never be used for another.
"""
from __future__ import annotations

import binascii
import hashlib
import struct
from dataclasses import dataclass, field

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from crypto.blob_sizes import RELAY_CHUNK, buckets, chunk_count, chunk_span, is_bucket
from crypto.errors import CryptoError

__all__ = ["buckets", "chunk_count", "chunk_span", "is_bucket"]   # the blob sizes the relay accepts

MAILBOX_ID_LEN = 32
NONCE_LEN = 16
SIG_LEN = 64
KEY_LEN = 32

LABEL_CREATE = b"coterie/relay/v1/create\x00"
LABEL_APPEND = b"coterie/relay/v1/append\x00"
LABEL_READ = b"coterie/relay/v1/read\x00"
LABEL_CLOSE = b"coterie/relay/v1/close\x00"
LABEL_BLOB_CREATE = b"coterie/relay/v1/blob-create\x00"
LABEL_BLOB_PUT = b"coterie/relay/v1/blob-put\x00"
LABEL_BLOB_READ = b"coterie/relay/v1/blob-read\x00"
LABEL_BLOB_DELETE = b"coterie/relay/v1/blob-delete\x00"
BLOB_ID_LEN = 32
# The relay stores blobs in chunks of this many bytes (crypto/files.py, spec §15).
BLOB_CHUNK = RELAY_CHUNK

KIND_GROUP = 0
KIND_INVITE = 1


class WireError(CryptoError):
    """A relay request field is malformed or a capability signature does not verify."""


_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")


def b64e(data: bytes) -> str:
    """base64url without padding: the encoding of every binary field on the relay API."""
    return b64e_ascii(data).decode("ascii")


def b64e_ascii(data: bytes) -> bytes:
    """b64e as ASCII bytes, for a response written without a JSON encoder."""
    return binascii.b2a_base64(data, newline=False).translate(_TO_URLSAFE).rstrip(b"=")


# base64url -> standard alphabet for binascii; "+" and "/" are not base64url, so they become
# a character the strict decoder refuses
_TO_STANDARD = bytes.maketrans(b"-_+/", b"+/!!")
_PADDING = (b"", b"", b"==", b"=")          # by the unpadded length modulo 4
_VALUE = {c: i for i, c in enumerate(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")}
_UNUSED_BITS = (0, 0, 0x0F, 0x03)             # of the last character, by that length modulo 4


def b64d(text: str, length: int | None = None) -> bytes:
    """Decode base64url (padding optional); check the exact length when one is given.

    Only the canonical encoding is accepted: the base64url alphabet and nothing else, no
    length that leaves one character over, and zero in the last character's unused bits
    (what re-encoding the result and comparing would check, without encoding again: this
    runs once per envelope a client reads)."""
    if not isinstance(text, str) or len(text) > 1_500_000:
        raise WireError("expected a base64url string")
    body = text.rstrip("=")
    rest = len(body) % 4
    try:
        raw = body.encode("ascii")
        if rest == 1:
            raise ValueError("a base64url string cannot leave one character over")
        data = binascii.a2b_base64(raw.translate(_TO_STANDARD) + _PADDING[rest],
                                   strict_mode=True)
    except (binascii.Error, ValueError) as exc:   # UnicodeEncodeError is a ValueError
        raise WireError("not valid base64url") from exc
    if rest and _VALUE[raw[-1]] & _UNUSED_BITS[rest]:
        raise WireError("non-canonical base64url")
    if length is not None and len(data) != length:
        raise WireError(f"expected {length} bytes, got {len(data)}")
    return data


def body_hash(body: bytes) -> bytes:
    """BLAKE2b-256 of an envelope: what an append signature covers (and the idempotency key)."""
    return hashlib.blake2b(body, digest_size=32).digest()


def create_message(mailbox: bytes, write_pk: bytes, read_pk: bytes, kind: int,
                   expires_at: int) -> bytes:
    return (LABEL_CREATE + mailbox + write_pk + read_pk + bytes([kind])
            + struct.pack(">Q", expires_at))


def append_message(mailbox: bytes, body: bytes) -> bytes:
    return LABEL_APPEND + mailbox + body_hash(body)


def read_message(mailbox: bytes, time_s: int, nonce: bytes) -> bytes:
    return LABEL_READ + mailbox + struct.pack(">Q", time_s) + nonce


def close_message(mailbox: bytes, time_s: int, nonce: bytes) -> bytes:
    return LABEL_CLOSE + mailbox + struct.pack(">Q", time_s) + nonce


def blob_create_message(mailbox: bytes, blob: bytes, size: int, read_pk: bytes,
                        delete_pk: bytes) -> bytes:
    """Signed by the mailbox's write key: only members of the epoch can store blobs."""
    return (LABEL_BLOB_CREATE + mailbox + blob + struct.pack(">Q", size) + read_pk
            + delete_pk)


def blob_put_message(blob: bytes, index: int, chunk: bytes | memoryview) -> bytes:
    """Signed by the write key of the blob's mailbox, one per chunk."""
    return blob_put_message_of(blob, index, body_hash(bytes(chunk)))


def blob_put_message_of(blob: bytes, index: int, digest: bytes) -> bytes:
    """`blob_put_message` from the chunk's BLAKE2b-256 (for a relay that keeps the hash)."""
    return LABEL_BLOB_PUT + blob + struct.pack(">I", index) + digest


def blob_read_message(blob: bytes, time_s: int, nonce: bytes) -> bytes:
    """Signed by the blob's read key (derived from the file key in the post)."""
    return LABEL_BLOB_READ + blob + struct.pack(">Q", time_s) + nonce


def blob_delete_message(blob: bytes, time_s: int, nonce: bytes) -> bytes:
    """Signed by the blob's delete key, which only its uploader holds."""
    return LABEL_BLOB_DELETE + blob + struct.pack(">Q", time_s) + nonce


def sign(signing_seed: bytes, message: bytes) -> bytes:
    """Detached Ed25519 signature with the 32-byte seed of a mailbox write or read key."""
    return SigningKey(signing_seed).sign(message).signature


def verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True when `signature` by `public_key` over `message` is valid; never raises."""
    if len(public_key) != KEY_LEN or len(signature) != SIG_LEN:
        return False
    try:
        VerifyKey(public_key).verify(message, signature)
    except (BadSignatureError, ValueError, TypeError):
        return False
    return True


@dataclass(frozen=True)
class MailboxCapability:
    """Everything a client needs to use one mailbox: its id and the two signing seeds.

    Whoever holds `write_seed` may append and close; whoever holds `read_seed` may read.
    Never send the seeds anywhere; the relay gets only the public keys.
    """

    mailbox: bytes
    write_seed: bytes = field(repr=False)
    read_seed: bytes = field(repr=False)

    @property
    def write_pk(self) -> bytes:
        return bytes(SigningKey(self.write_seed).verify_key)

    @property
    def read_pk(self) -> bytes:
        return bytes(SigningKey(self.read_seed).verify_key)
