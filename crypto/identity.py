"""A member's long-term identity: an Ed25519 identity key (IK) and X25519 signed prekeys.

The IK is the member's only identifier anywhere in the protocol; nothing the relay assigns
ever names a member. Prekeys (SPK) receive pairwise boxes; a new one is made every
PREKEY_ROTATE_SECONDS and old secrets are deleted after PREKEY_KEEP_SECONDS so that
captured boxes cannot be opened later.
"""
from __future__ import annotations

import struct

from crypto import labels
from crypto.encoding import Reader, Writer
from crypto.errors import DecodeError, VersionError
from crypto.params import MAX_PREKEYS, PREKEY_KEEP_SECONDS, PREKEY_ROTATE_SECONDS
from crypto.primitives import (
    KEY_LEN,
    Rng,
    h,
    random_bytes,
    sign,
    sign_keypair,
    verify,
    x25519_public,
)
from crypto.relay_wire import b64e

IDENTITY_VERSION = 1


def prekey_signed_input(ik: bytes, spk: bytes, created_at: int) -> bytes:
    return labels.SIG_PREKEY + ik + spk + struct.pack(">Q", created_at)


def verify_prekey(ik: bytes, spk: bytes, created_at: int, signature: bytes) -> None:
    """Raise AuthError unless `spk` was signed by identity key `ik`."""
    verify(ik, prekey_signed_input(ik, spk, created_at), signature)


class Identity:
    """Secret keys of one member. Serialise with to_bytes(); store only encrypted.

    Never log, print or send `to_bytes()`; share only `ik` and the signed prekey.
    """

    __slots__ = ("_seed", "_sk", "ik", "_prekeys")

    def __init__(self, seed: bytes, prekeys: list[tuple[int, bytes]]) -> None:
        if len(seed) != KEY_LEN or not prekeys:
            raise DecodeError("an identity needs a 32-byte seed and a prekey")
        self._seed = seed
        self.ik, self._sk = sign_keypair(seed)
        self._prekeys = sorted(prekeys)   # (created_at, x25519 secret), newest last

    @classmethod
    def generate(cls, now: int, rng: Rng) -> Identity:
        """A fresh identity with one signed prekey created at `now`."""
        return cls(random_bytes(rng, KEY_LEN), [(now, random_bytes(rng, KEY_LEN))])

    # -- public parts -----------------------------------------------------------------
    @property
    def fingerprint(self) -> str:
        return fingerprint(self.ik)

    @property
    def spk(self) -> bytes:
        """The current signed prekey (X25519 public key)."""
        return x25519_public(self._prekeys[-1][1])

    @property
    def spk_created_at(self) -> int:
        return self._prekeys[-1][0]

    @property
    def spk_signature(self) -> bytes:
        return self.sign(prekey_signed_input(self.ik, self.spk, self.spk_created_at))

    # -- operations ---------------------------------------------------------------------
    def sign(self, message: bytes) -> bytes:
        """Ed25519 signature by the IK. Callers pass a labelled input (crypto.labels)."""
        return sign(self._sk, message)

    def prekey_secret(self, spk: bytes) -> bytes | None:
        """The X25519 secret for one of our still-kept prekeys, or None."""
        for _, secret in self._prekeys:
            if x25519_public(secret) == spk:
                return secret
        return None

    def prekey_rotation_due(self, now: int) -> bool:
        return now - self.spk_created_at >= PREKEY_ROTATE_SECONDS

    def rotate_prekey(self, now: int, rng: Rng) -> None:
        """Make a new current prekey; then announce it with GroupSession.announce_prekey."""
        self._prekeys.append((now, random_bytes(rng, KEY_LEN)))
        self.expire_prekeys(now)

    def expire_prekeys(self, now: int) -> None:
        """Delete prekey secrets older than PREKEY_KEEP_SECONDS (never the current one)."""
        current = self._prekeys[-1]
        kept = [p for p in self._prekeys[:-1] if now - p[0] < PREKEY_KEEP_SECONDS]
        self._prekeys = (kept + [current])[-MAX_PREKEYS:]

    # -- serialisation -------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """Secret serialisation (version ‖ seed ‖ prekeys). Encrypt before storing."""
        w = Writer().u8(IDENTITY_VERSION).fixed(self._seed, KEY_LEN).u8(len(self._prekeys))
        for created, secret in self._prekeys:
            w.u64(created).fixed(secret, KEY_LEN)
        return w.bytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Identity:
        r = Reader(data)
        if r.u8() != IDENTITY_VERSION:
            raise VersionError("unknown identity version")
        seed = r.fixed(KEY_LEN)
        count = r.u8()
        if not 1 <= count <= MAX_PREKEYS:
            raise DecodeError("an identity holds 1 to 16 prekeys")
        prekeys = [(r.u64(), r.fixed(KEY_LEN)) for _ in range(count)]
        r.done()
        if prekeys != sorted(prekeys):
            raise DecodeError("prekeys are not in canonical order")
        return cls(seed, prekeys)


def fingerprint(ik: bytes) -> str:
    """The member's fingerprint: 32 hex digits of BLAKE2b(IK) in groups of four."""
    digest = h(labels.HASH_FINGERPRINT, ik, 16).hex()
    return " ".join(digest[i:i + 4] for i in range(0, 32, 4))


def _thirty_digits(ik: bytes) -> str:
    digest = h(labels.HASH_SAFETY, ik, 30)
    return "".join(f"{int.from_bytes(digest[i:i + 5], 'big') % 100000:05d}"
                   for i in range(0, 30, 5))


def safety_number(ik_a: bytes, ik_b: bytes) -> str:
    """60 digits (12 groups of 5) that two members compare; the same from both sides."""
    first, second = sorted((ik_a, ik_b))
    digits = _thirty_digits(first) + _thirty_digits(second)
    return " ".join(digits[i:i + 5] for i in range(0, 60, 5))


def safety_qr_payload(ik_a: bytes, ik_b: bytes) -> str:
    """The text to show as a QR code for the pair; scanning side compares it with its own."""
    first, second = sorted((ik_a, ik_b))
    return f"coterie://verify#1.{b64e(first)}.{b64e(second)}"


def join_sas(invite_id: bytes, inviter_ik: bytes, joiner_ik: bytes) -> str:
    """Six digits the joiner and the admitting admin can read to each other."""
    digest = h(labels.HASH_SAS, invite_id + inviter_ik + joiner_ik, 8)
    n = int.from_bytes(digest, "big") % 1_000_000
    return f"{n // 1000:03d} {n % 1000:03d}"
