"""Invite links, the joiner's side of joining, and the invite mailbox keys.

Link: `coterie://join#1.<relay>.<secret>.<inviter IK>` (each part base64url, no padding).
The secret is only ever in the fragment and never leaves the client: from it both sides
derive the invite mailbox, its write/read keys, the key that hides invite traffic from
the relay, and the MAC key that proves a join request knows the link.
"""
from __future__ import annotations

from dataclasses import dataclass

from crypto import labels
from crypto.errors import InviteError
from crypto.events import InviteBundle, Mailbox, Outgoing
from crypto.identity import Identity
from crypto.primitives import KEY_LEN, Rng, kdf
from crypto.relay_wire import KIND_INVITE, MailboxCapability, WireError, b64d, b64e

LINK_PREFIX = "coterie://join#"
LINK_VERSION = "1"
MAX_LINK_CHARS = 2048
MAX_RELAY_URL_BYTES = 512


@dataclass(frozen=True)
class InviteLink:
    """A parsed invite link. `secret` is the whole invite: never log or send it."""

    relay_url: str
    secret: bytes
    inviter_ik: bytes

    @property
    def invite_id(self) -> bytes:
        """Public handle of the invite (safe to store and show; reveals nothing of the secret)."""
        return kdf(self.secret, labels.KDF_INV_ID, b"", 16)

    @property
    def mailbox(self) -> Mailbox:
        """The invite mailbox: read it for the bundle and the Welcome, write the request."""
        return invite_mailbox(self.secret, 0)

    def __str__(self) -> str:
        return format_invite_link(self.relay_url, self.secret, self.inviter_ik)

    def __repr__(self) -> str:
        return f"InviteLink(relay_url={self.relay_url!r}, invite_id={self.invite_id.hex()})"


def invite_mailbox(secret: bytes, expires_at: int) -> Mailbox:
    cap = MailboxCapability(kdf(secret, labels.KDF_INV_MAILBOX),
                            kdf(secret, labels.KDF_INV_WRITE),
                            kdf(secret, labels.KDF_INV_READ))
    return Mailbox(cap, KIND_INVITE, expires_at, None, kdf(secret, labels.KDF_INV_ID, b"", 16))


def format_invite_link(relay_url: str, secret: bytes, inviter_ik: bytes) -> str:
    return (f"{LINK_PREFIX}{LINK_VERSION}.{b64e(relay_url.encode('utf-8'))}."
            f"{b64e(secret)}.{b64e(inviter_ik)}")


def parse_invite_link(link: str) -> InviteLink:
    """Parse `coterie://join#1.<relay>.<secret>.<ik>`; anything else is an InviteError.

    A secret in the path or query, a wrong length, an empty part or an unknown version
    is rejected, so a link that would leak its secret to a server is never accepted.
    """
    if not isinstance(link, str) or len(link) > MAX_LINK_CHARS:
        raise InviteError("this is not a Coterie invite link")
    link = link.strip()
    if not link.startswith(LINK_PREFIX):
        raise InviteError("this is not a Coterie invite link")
    fragment = link[len(LINK_PREFIX):]
    if any(c in fragment for c in "#?/ "):
        raise InviteError("the invite link is malformed")
    parts = fragment.split(".")
    if len(parts) != 4 or not all(parts):
        raise InviteError("the invite link is malformed")
    if parts[0] != LINK_VERSION:
        raise InviteError("this invite needs a newer version of Coterie")
    try:
        relay_raw = b64d(parts[1])
        secret = b64d(parts[2], KEY_LEN)
        inviter_ik = b64d(parts[3], KEY_LEN)
        relay_url = relay_raw.decode("utf-8")
    except (WireError, UnicodeDecodeError) as exc:
        raise InviteError("the invite link is malformed") from exc
    if not relay_url or len(relay_raw) > MAX_RELAY_URL_BYTES or not relay_url.startswith(
            ("http://", "https://")) or any(ord(c) < 33 for c in relay_url):
        raise InviteError("the invite link names no usable relay")
    return InviteLink(relay_url, secret, inviter_ik)


def open_invite_bundle(link: InviteLink, envelope: bytes, now: int) -> InviteBundle:
    """Verify the inviter's bundle (the first message of the invite mailbox) against the
    IK in the link; raise InviteError if it is not theirs, not for this link, or expired."""
    raise NotImplementedError("the invite flow lands with the session implementation")


@dataclass(frozen=True)
class Joined:
    """A completed join: the new session, envelopes to send (our sender key), events."""

    session: object
    outgoing: list[Outgoing]
    events: list[object]


class PendingJoin:
    """The joiner's side between sending a join request and receiving the Welcome.

    Serialise with to_bytes() (it holds the invite secret: store encrypted).
    """

    @classmethod
    def start(cls, identity: Identity, link: InviteLink, bundle: InviteBundle,
              display_name: str, now: int, rng: Rng) -> tuple[PendingJoin, Outgoing]:
        """Build the join request (boxed to the inviter, signed by our IK, MAC'd with the
        invite secret) and return the pending state plus the envelope to append to
        link.mailbox."""
        raise NotImplementedError("the invite flow lands with the session implementation")

    def open(self, envelope: bytes, now: int, rng: Rng) -> Joined | None:
        """Feed every envelope read from the invite mailbox: returns Joined for our Welcome,
        None for anything else (the bundle, other joiners' traffic, our own request).
        A Welcome for us that does not verify raises AuthError."""
        raise NotImplementedError("the invite flow lands with the session implementation")

    @property
    def link(self) -> InviteLink:
        raise NotImplementedError("the invite flow lands with the session implementation")

    @property
    def bundle(self) -> InviteBundle:
        """The verified bundle: group name and inviter, for the "waiting" view."""
        raise NotImplementedError("the invite flow lands with the session implementation")

    def to_bytes(self) -> bytes:
        raise NotImplementedError("the invite flow lands with the session implementation")

    @classmethod
    def from_bytes(cls, data: bytes, identity: Identity) -> PendingJoin:
        raise NotImplementedError("the invite flow lands with the session implementation")
