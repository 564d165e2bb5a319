"""The one-time channel that links a new device (docs/protocol.md §16.6).

The linking device (holding the member's IK) draws a 16-byte secret S and shows a code
that carries it with the relay's address; the new device reads the code. S never reaches
the relay: from it both sides derive a link mailbox (its id and relay keys) and the link
key, so only someone holding the code can read or write the channel, and the relay cannot
alter a message without the AEAD failing. Both sides add an ephemeral X25519 key; the
transfer is encrypted under a key from S, the Diffie-Hellman secret and the transcript, and
both show five words derived from the transcript: someone who learned the code and sat in
the middle would make the two transcripts, and so the words, differ.

    code      = "coterie://link#1." b64(relay URL) "." b64(S)
    inner     = type u8 ‖ 0x01 ‖ body        (sealed as an envelope, §5.1, under the link key)
    hello  (1, new device)      = eph_pk[32] ‖ device_pk[32] ‖ device_spk[32] ‖ text(name)
    offer  (2, linking device)  = eph_pk[32] ‖ member_ik[32] ‖ text(member name)
    data   (3, linking device)  = index u32 ‖ count u32 ‖ nonce[24] ‖ AEAD(TK, chunk, ad = index ‖ count)
    done   (4, new device)      = H(cot/link/words, whole transfer)[32]
    T  = H(cot/link/words, hello ‖ offer); TK = KDF(link key, cot/link/xfer, DH ‖ T)
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

from crypto import labels
from crypto.encoding import Reader, Writer
from crypto.envelope import open_outer, seal_outer
from crypto.errors import AuthError, DecodeError, InviteError
from crypto.params import MAX_RELAY_URL_BYTES
from crypto.primitives import (
    AEAD_NONCE_LEN,
    KEY_LEN,
    Rng,
    aead_open,
    aead_seal,
    h,
    kdf,
    random_bytes,
    x25519_public,
    x25519_shared,
)
from crypto.relay_wire import MailboxCapability, WireError, b64d, b64e

CODE_PREFIX = "coterie://link#"
CODE_VERSION = "1"
SECRET_LEN = 16
LINK_SECONDS = 600              # a code expires 10 minutes after it was made
CHUNK = 60_000                  # transfer bytes per data message (one 64 KiB envelope)
MAX_CHUNKS = 1 << 16            # about 3.9 GB
TYPE_HELLO, TYPE_OFFER, TYPE_DATA, TYPE_DONE = 1, 2, 3, 4
MAX_DEVICE_NAME = 64
MAX_NAME = 200

WORDS = (
    "acorn", "amber", "anchor", "apple", "arrow", "aspen", "badge", "bamboo",
    "banjo", "basil", "beacon", "birch", "bison", "bread", "brook", "cactus",
    "camel", "candle", "canyon", "cedar", "cherry", "cloud", "clover", "comet",
    "coral", "cotton", "crane", "daisy", "delta", "dune", "eagle", "ember",
    "falcon", "fern", "fig", "flute", "forest", "fox", "garnet", "ginger",
    "glacier", "harbor", "hazel", "heron", "honey", "iris", "ivy", "jasmine",
    "kettle", "lantern", "lemon", "lily", "maple", "meadow", "mint", "nectar",
    "olive", "orchid", "otter", "pebble", "pepper", "pine", "quartz", "willow",
)


@dataclass(frozen=True)
class LinkCode:
    relay_url: str
    secret: bytes

    @property
    def key(self) -> bytes:
        return kdf(self.secret, labels.KDF_LINK_KEY)

    @property
    def capability(self) -> MailboxCapability:
        return MailboxCapability(kdf(self.secret, labels.KDF_LINK_MAILBOX),
                                 kdf(self.secret, labels.KDF_LINK_WRITE),
                                 kdf(self.secret, labels.KDF_LINK_READ))

    def text(self) -> str:
        return (f"{CODE_PREFIX}{CODE_VERSION}.{b64e(self.relay_url.encode('utf-8'))}."
                f"{b64e(self.secret)}")

    def short(self) -> str:
        """The secret alone, to type: 26 characters of Crockford base32 in groups of five
        (the relay is given beside it)."""
        n = int.from_bytes(self.secret, "big") << 2          # 128 bits -> 130 = 26 x 5
        chars = "".join(_B32[(n >> (5 * (25 - i))) & 31] for i in range(26))
        return "-".join(chars[i:i + 5] for i in range(0, 26, 5))


def new_code(relay_url: str, rng: Rng) -> LinkCode:
    return LinkCode(relay_url, random_bytes(rng, SECRET_LEN))


_B32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"     # Crockford: no I, L, O, U
_B32_READ = {c: i for i, c in enumerate(_B32)} | {"I": 1, "L": 1, "O": 0}


def parse_short(text: str, relay_url: str) -> LinkCode:
    """A typed short code (any case; spaces, dashes; I/L read as 1, O as 0) with its relay;
    InviteError for anything else."""
    if not isinstance(text, str) or len(text) > 64:
        raise InviteError("this is not a Coterie link code")
    chars = [c for c in text.upper() if c not in " -"]
    if len(chars) != 26 or any(c not in _B32_READ for c in chars):
        raise InviteError("this is not a Coterie link code")
    n = 0
    for c in chars:
        n = (n << 5) | _B32_READ[c]
    if n & 3:
        raise InviteError("the link code is malformed")
    url = relay_url.strip() if isinstance(relay_url, str) else ""
    return parse_code(f"{CODE_PREFIX}{CODE_VERSION}.{b64e(url.encode('utf-8'))}."
                      f"{b64e((n >> 2).to_bytes(SECRET_LEN, 'big'))}") if url else _no_relay()


def _no_relay() -> LinkCode:
    raise InviteError("the link code names no usable relay")


def parse_code(text: str) -> LinkCode:
    """Parse a link code; InviteError for anything else (a code typed wrong included)."""
    if not isinstance(text, str) or len(text) > 1024:
        raise InviteError("this is not a Coterie link code")
    text = text.strip()
    if not text.startswith(CODE_PREFIX):
        raise InviteError("this is not a Coterie link code")
    parts = text[len(CODE_PREFIX):].split(".")
    if len(parts) != 3 or not all(parts) or any(c in text[len(CODE_PREFIX):] for c in "#?/ "):
        raise InviteError("the link code is malformed")
    if parts[0] != CODE_VERSION:
        raise InviteError("this link code needs a newer version of Coterie")
    try:
        relay_raw, secret = b64d(parts[1]), b64d(parts[2], SECRET_LEN)
        relay_url = relay_raw.decode("utf-8")
    except (WireError, UnicodeDecodeError) as exc:
        raise InviteError("the link code is malformed") from exc
    if (not relay_url or len(relay_raw) > MAX_RELAY_URL_BYTES
            or not relay_url.startswith(("http://", "https://"))
            or any(ord(c) < 33 for c in relay_url)):
        raise InviteError("the link code names no usable relay")
    return LinkCode(relay_url, secret)


def seal(code: LinkCode, typ: int, body: bytes, rng: Rng) -> bytes:
    return seal_outer(code.key, code.capability.mailbox, bytes([typ, 1]) + body, rng)


def open_message(code: LinkCode, envelope: bytes) -> tuple[int, bytes]:
    """(type, body) of one channel message; a CryptoError when it was not sealed under
    this code's key (altered, injected, or another channel's)."""
    inner = open_outer(code.key, code.capability.mailbox, envelope)
    if len(inner) < 2 or inner[1] != 1 or inner[0] not in (TYPE_HELLO, TYPE_OFFER, TYPE_DATA,
                                                           TYPE_DONE):
        raise DecodeError("not a link message")
    return inner[0], inner[2:]


@dataclass(frozen=True)
class Hello:
    eph_pk: bytes
    device_pk: bytes
    device_spk: bytes
    name: str

    def encode(self) -> bytes:
        return (Writer().fixed(self.eph_pk, KEY_LEN).fixed(self.device_pk, KEY_LEN)
                .fixed(self.device_spk, KEY_LEN).text(self.name, MAX_DEVICE_NAME).bytes())

    @classmethod
    def decode(cls, body: bytes) -> Hello:
        r = Reader(body)
        out = cls(r.fixed(KEY_LEN), r.fixed(KEY_LEN), r.fixed(KEY_LEN), r.text(MAX_DEVICE_NAME))
        r.done()
        return out


@dataclass(frozen=True)
class Offer:
    eph_pk: bytes
    member_ik: bytes
    member_name: str

    def encode(self) -> bytes:
        return (Writer().fixed(self.eph_pk, KEY_LEN).fixed(self.member_ik, KEY_LEN)
                .text(self.member_name, MAX_NAME).bytes())

    @classmethod
    def decode(cls, body: bytes) -> Offer:
        r = Reader(body)
        out = cls(r.fixed(KEY_LEN), r.fixed(KEY_LEN), r.text(MAX_NAME))
        r.done()
        return out


def transcript(hello: bytes, offer: bytes) -> bytes:
    return h(labels.HASH_LINK_WORDS, Writer().var16(hello).var16(offer).bytes())


def words(t: bytes) -> str:
    """Five words (30 bits) both screens show; they differ when the transcripts do."""
    n = int.from_bytes(t[:8], "big")
    return " ".join(WORDS[(n >> (6 * i)) & 63] for i in range(5))


def transfer_key(code: LinkCode, my_eph_secret: bytes, their_eph_pk: bytes, t: bytes) -> bytes:
    shared = x25519_shared(my_eph_secret, their_eph_pk)
    return kdf(code.key, labels.KDF_LINK_XFER, shared + t)


def ephemeral(rng: Rng) -> tuple[bytes, bytes]:
    """(secret, public) X25519 key pair for one linking."""
    secret = random_bytes(rng, KEY_LEN)
    return secret, x25519_public(secret)


def seal_chunks(code: LinkCode, tk: bytes, data: bytes, rng: Rng) -> list[bytes]:
    """The transfer as data messages, in order."""
    parts = [data[i:i + CHUNK] for i in range(0, len(data), CHUNK)] or [b""]
    if len(parts) > MAX_CHUNKS:
        raise DecodeError("the transfer is too large")
    out = []
    for index, part in enumerate(parts):
        ad = struct.pack(">II", index, len(parts))
        nonce = random_bytes(rng, AEAD_NONCE_LEN)
        out.append(seal(code, TYPE_DATA, ad + nonce + aead_seal(tk, nonce, part, ad), rng))
    return out


def open_chunk(tk: bytes, body: bytes) -> tuple[int, int, bytes]:
    """(index, count, bytes) of one data message; AuthError when altered."""
    if len(body) < 8 + AEAD_NONCE_LEN + 16:
        raise DecodeError("a transfer message is too short")
    index, count = struct.unpack(">II", body[:8])
    if not 0 <= index < count <= MAX_CHUNKS:
        raise DecodeError("a transfer message is out of range")
    nonce = body[8:8 + AEAD_NONCE_LEN]
    try:
        return index, count, aead_open(tk, nonce, body[8 + AEAD_NONCE_LEN:], body[:8])
    except AuthError:
        raise AuthError("the transfer was altered on its way") from None


def done_digest(data: bytes) -> bytes:
    return h(labels.HASH_LINK_WORDS, b"done" + data)
