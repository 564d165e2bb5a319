"""The few primitives the protocol uses, as thin functions over crypto.sodium and hashlib.

KDF = BLAKE2b keyed with the secret, `person` = a 16-byte label; AEAD =
XChaCha20-Poly1305-IETF with a random 24-byte nonce; signatures = Ed25519; pairwise
encryption = crypto_box (X25519 + XSalsa20-Poly1305). Foreign errors are mapped to
AuthError here so callers see only crypto.errors.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable

from crypto import sodium
from crypto.errors import AuthError, DecodeError

Rng = Callable[[int], bytes]

KEY_LEN = 32
AEAD_NONCE_LEN = 24
AEAD_TAG_LEN = sodium.AEAD_TAG_LEN
SIG_LEN = sodium.SIG_LEN
BOX_NONCE_LEN = 24
BOX_TAG_LEN = 16

_blake2b = hashlib.blake2b


def random_bytes(rng: Rng, n: int) -> bytes:
    """Call the injected rng and insist it honoured the length."""
    out = rng(n)
    if not isinstance(out, bytes) or len(out) != n:
        raise DecodeError("the random source returned the wrong number of bytes")
    return out


def kdf(key: bytes, person: bytes, context: bytes = b"", size: int = 32) -> bytes:
    """BLAKE2b(key=key, person=label, data=context): one output per (key, label, context)."""
    return _blake2b(context, digest_size=size, key=key, person=person).digest()


def h(person: bytes, data: bytes | memoryview, size: int = 32) -> bytes:
    """Unkeyed BLAKE2b with a label."""
    return _blake2b(data, digest_size=size, person=person).digest()


def aead_seal(key: bytes, nonce: bytes, plaintext: bytes, ad: bytes) -> bytes:
    if len(key) != KEY_LEN or len(nonce) != AEAD_NONCE_LEN:
        raise DecodeError("bad AEAD key or nonce length")
    return sodium.aead_encrypt(key, nonce, plaintext, ad)


def aead_open(key: bytes, nonce: bytes, ciphertext: bytes, ad: bytes) -> bytes:
    if len(key) != KEY_LEN or len(nonce) != AEAD_NONCE_LEN:
        raise AuthError("the ciphertext does not authenticate")
    plaintext = sodium.aead_decrypt(key, nonce, ciphertext, ad)
    if plaintext is None:
        raise AuthError("the ciphertext does not authenticate")
    return plaintext


def sign_keypair(seed: bytes) -> tuple[bytes, bytes]:
    """(public key, 64-byte libsodium secret key) for an Ed25519 seed."""
    return sodium.sign_seed_keypair(seed)


def sign(secret_key: bytes, message: bytes) -> bytes:
    """Detached Ed25519 signature with a 64-byte libsodium secret key."""
    if len(secret_key) != 64:
        raise DecodeError("bad signing key length")
    return sodium.sign_detached(secret_key, message)


def verify(public_key: bytes, message: bytes, signature: bytes) -> None:
    """Raise AuthError unless `signature` by `public_key` over `message` is valid."""
    if (len(signature) != SIG_LEN or len(public_key) != KEY_LEN
            or not sodium.verify_detached(public_key, message, signature)):
        raise AuthError("the signature does not verify")


def x25519_public(secret: bytes) -> bytes:
    return sodium.x25519_base(secret)


def x25519_shared(secret: bytes, public: bytes) -> bytes:
    """X25519(secret, public); AuthError for a low-order public key (all-zero result)."""
    try:
        shared = sodium.x25519(secret, public)
    except Exception as exc:  # libsodium refuses low-order points
        raise AuthError("the other side's key is not usable") from exc
    if shared == bytes(32):
        raise AuthError("the other side's key is not usable")
    return shared


def box_seal(secret: bytes, public: bytes, nonce: bytes, plaintext: bytes) -> bytes:
    sealed = sodium.box_easy(secret, public, nonce, plaintext)
    if sealed is None:
        raise AuthError("the recipient key is not usable")
    return sealed


def box_open(secret: bytes, public: bytes, nonce: bytes, ciphertext: bytes) -> bytes:
    plaintext = sodium.box_open_easy(secret, public, nonce, ciphertext)
    if plaintext is None:
        raise AuthError("the pairwise box does not open")
    return plaintext


def pad(data: bytes, size: int) -> bytes:
    """ISO/IEC 7816-4 padding (as sodium_pad): data ‖ 0x80 ‖ zeros, to exactly `size`."""
    if len(data) + 1 > size:
        raise DecodeError("the message is too large for its size bucket")
    return data + b"\x80" + bytes(size - len(data) - 1)


def unpad(data: bytes) -> bytes:
    """Undo `pad`; anything but zeros after the 0x80 marker is a DecodeError."""
    marker = data.rfind(b"\x80")
    # the marker must be the last non-zero byte: everything after it is zeros
    if marker < 0 or data.count(b"\x00", marker + 1) != len(data) - marker - 1:
        raise DecodeError("bad padding")
    return data[:marker]
