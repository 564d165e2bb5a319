"""The one place crypto/ calls libsodium directly, through PyNaCl's own cffi handle.

Why: a post is opened with one Ed25519 verify and two XChaCha20-Poly1305 opens. Through
PyNaCl's public wrappers (nacl.bindings) each call first re-validates and re-formats its
arguments in Python, which at post sizes costs about as much as the cipher itself; the
open path is the hot loop of a backlog catch-up. Calling the same C functions through
`nacl._sodium` (PyNaCl's private cffi module) skips that layer. Key and nonce lengths are
checked by the callers in crypto.primitives instead.

Checked against PyNaCl 1.6.2 (its bundled libsodium): `nacl._sodium` exposes `ffi`
and `lib` with the libsodium signatures used below. PyNaCl is pinned `>=1.5`; if a later
release moves or renames its private module, this file is the only one to change (the
cold paths already go through nacl.bindings).

Every function returns bytes, or a bool / None for "did not verify / authenticate";
mapping failures to crypto.errors is the caller's job (crypto.primitives, crypto.receive).

`SharedChecks` checks a batch of signatures on two threads: cffi releases
the GIL around each libsodium call, so on a machine with two cores two verifications really
run at once (a backlog of posts is bounded by Ed25519 verification).
"""
from __future__ import annotations

import threading
from collections import deque
from collections.abc import Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor

from nacl import bindings
from nacl._sodium import ffi, lib
from nacl.exceptions import CryptoError as NaclError

SIG_LEN = 64
AEAD_TAG_LEN = 16

_aead_enc = lib.crypto_aead_xchacha20poly1305_ietf_encrypt
_aead_dec = lib.crypto_aead_xchacha20poly1305_ietf_decrypt
_sign = lib.crypto_sign
_sign_open = lib.crypto_sign_open
_new = ffi.new
_buffer = ffi.buffer
_NULL = ffi.NULL


def aead_encrypt(key: bytes, nonce: bytes, plaintext: bytes, ad: bytes) -> bytes:
    """XChaCha20-Poly1305-IETF; the caller has checked the key and nonce lengths."""
    out = _new("unsigned char[]", len(plaintext) + AEAD_TAG_LEN)
    out_len = _new("unsigned long long *")
    _aead_enc(out, out_len, plaintext, len(plaintext), ad, len(ad), _NULL, nonce, key)
    return _buffer(out, out_len[0])[:]


def aead_decrypt(key: bytes, nonce: bytes, ciphertext: bytes | memoryview,
                 ad: bytes) -> bytes | None:
    """The plaintext, or None when the tag does not authenticate (or the input is short)."""
    n = len(ciphertext)
    if n < AEAD_TAG_LEN:
        return None
    out = _new("unsigned char[]", n - AEAD_TAG_LEN + 1)
    # libsodium accepts NULL for the length out-parameter; the length is n - tag
    if _aead_dec(out, _NULL, _NULL, ciphertext, n, ad, len(ad), nonce, key) != 0:
        return None
    return _buffer(out, n - AEAD_TAG_LEN)[:]


def sign_detached(secret_key: bytes, message: bytes) -> bytes:
    """Ed25519 over `message` with a 64-byte libsodium secret key (checked by the caller)."""
    out = _new("unsigned char[]", len(message) + SIG_LEN)
    out_len = _new("unsigned long long *")
    _sign(out, out_len, message, len(message), secret_key)
    return _buffer(out, SIG_LEN)[:]


def verify_detached(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True when `signature` (64 bytes, checked by the caller) over `message` is valid."""
    signed = signature + message
    # NULL for the message and length out-parameters: libsodium's crypto_sign_open then
    # only verifies (it copies the message out only when given somewhere to put it)
    return _sign_open(_NULL, _NULL, signed, len(signed), public_key) == 0


# Threads that verify beside the caller's: one, for the two cores of a modest machine (on
# one core the two take turns at no loss; crypto/ reads nothing of the machine).
HELPERS = 1
# Below this many signatures a batch is checked on the caller's thread alone.
PARALLEL_MIN = 16
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _helpers() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(HELPERS, thread_name_prefix="coterie-verify")
        return _pool


class SharedChecks:
    """The signature checks of a batch, shared by the thread that opens the batch in order
    and one helper: the opener takes them from the front, each when it needs it (`verdict`),
    the helper from the back, so the opener's other work overlaps the helper's checks and
    no check runs twice. Items are (key, public key, message, signature)."""

    def __init__(self, items: Sequence[tuple[Hashable, bytes, bytes, bytes]],
                 digests: dict[Hashable, bytes] | None = None) -> None:
        # what the caller hashed to build each signed message, kept so the opener need not
        # hash the same bytes again
        self.digests = digests if digests is not None else {}
        self._todo = deque(items)
        self._keys = {item[0] for item in items}
        self._done: dict[Hashable, bool] = {}
        self._helper = _helpers().submit(self._from_back) \
            if HELPERS and len(items) >= PARALLEL_MIN else None

    def _from_back(self) -> None:
        todo, done = self._todo, self._done
        while True:
            try:
                key, pk, message, sig = todo.pop()  # deque pops are atomic
            except IndexError:
                return
            done[key] = verify_detached(pk, message, sig)

    def verdict(self, key: Hashable) -> bool | None:
        """Whether `key`'s signature holds; None when the batch does not hold `key`."""
        if key not in self._keys:
            return None
        todo, done = self._todo, self._done
        while key not in done:
            try:
                k, pk, message, sig = todo.popleft()
            except IndexError:  # the helper holds the last ones: wait for it
                if self._helper is not None:
                    self._helper.result()
                break
            done[k] = verify_detached(pk, message, sig)
        self._keys.discard(key)
        return done.pop(key, None)

    @property
    def spent(self) -> bool:
        """True once every check of the batch was taken by `verdict`."""
        return not self._keys

    def close(self) -> None:
        """Drop the checks nobody took (the helper stops after its current one)."""
        self._todo.clear()
        self._keys.clear()
        self._done.clear()
        self.digests.clear()


def sign_seed_keypair(seed: bytes) -> tuple[bytes, bytes]:
    """(Ed25519 public key, 64-byte secret key) for a 32-byte seed."""
    return bindings.crypto_sign_seed_keypair(seed)


def x25519_base(secret: bytes) -> bytes:
    return bindings.crypto_scalarmult_base(secret)


def x25519(secret: bytes, public: bytes) -> bytes:
    """The X25519 shared point of our secret and their public key."""
    return bindings.crypto_scalarmult(secret, public)


def box_easy(secret: bytes, public: bytes, nonce: bytes, plaintext: bytes) -> bytes | None:
    """crypto_box; None when the recipient key is not usable."""
    try:
        return bindings.crypto_box_easy(plaintext, nonce, public, secret)
    except (NaclError, ValueError, TypeError):
        return None


def box_open_easy(secret: bytes, public: bytes, nonce: bytes, ciphertext: bytes) -> bytes | None:
    """crypto_box_open; None when the box does not open."""
    try:
        return bindings.crypto_box_open_easy(ciphertext, nonce, public, secret)
    except (NaclError, ValueError, TypeError):
        return None
