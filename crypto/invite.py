"""Invite links, invite-mailbox messages (bundle, join request, Welcome) and their keys.

Link: `coterie://join#1.<relay>.<secret>.<inviter IK>` (each part base64url, no padding).
The secret is only ever in the fragment and never leaves the client: from it both sides
derive the invite mailbox, its write/read keys, the key that hides invite traffic from
the relay, and the MAC key that proves a join request knows the link.
"""
from __future__ import annotations

import hashlib
import hmac
import struct
from dataclasses import dataclass

from crypto import labels
from crypto.control import ControlEntry, decode_entry
from crypto.encoding import Reader, Writer
from crypto.envelope import open_outer, seal_outer
from crypto.errors import AuthError, DecodeError, InviteError, InviteExpired, VersionError
from crypto.events import (
    InviteBundle,
    JoinRequest,
    Mailbox,
    Member,
)
from crypto.governance import decode_gov, encode_gov, record_role, role_code
from crypto.identity import Identity, fingerprint, join_sas, verify_prekey
from crypto.pairwise import open_pairwise, seal_pairwise
from crypto.params import MAX_LINK_CHARS, MAX_NAME_BYTES, MAX_RELAY_URL_BYTES, PROTOCOL_VERSION
from crypto.primitives import KEY_LEN, SIG_LEN, Rng, h, kdf, random_bytes, verify
from crypto.relay_wire import KIND_INVITE, MailboxCapability, WireError, b64d, b64e
from crypto.reports import MAX_RULES_BYTES

LINK_PREFIX = "coterie://join#"
LINK_VERSION = "1"


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


# ---- invite mailbox traffic ----------------------------------------------------------------
# inner = type u8 ‖ version u8 ‖ payload, sealed like any envelope with the invite key.
TYPE_BUNDLE = 16
TYPE_JOIN = 17
TYPE_WELCOME = 18
NONCE16 = 16


def invite_key(secret: bytes) -> bytes:
    return kdf(secret, labels.KDF_INV_KEY)


def seal_invite(secret: bytes, typ: int, payload: bytes, rng: Rng) -> bytes:
    inner = bytes((typ, PROTOCOL_VERSION)) + payload
    return seal_outer(invite_key(secret), invite_mailbox(secret, 0).id, inner, rng)


def open_invite(secret: bytes, envelope: bytes) -> tuple[int, bytes]:
    """(type, payload) of an invite-mailbox envelope; CryptoError when it is not one."""
    inner = open_outer(invite_key(secret), invite_mailbox(secret, 0).id, envelope)
    if len(inner) < 2:
        raise DecodeError("the invite message is too short")
    if inner[1] != PROTOCOL_VERSION:
        raise VersionError("unknown invite message version")
    return inner[0], inner[2:]


def _bundle_fields(invite_id: bytes, inviter_ik: bytes, spk: bytes, spk_created: int,
                   spk_sig: bytes, expires_at: int, group_name: str, inviter_name: str,
                   rules: str = "") -> bytes:
    w = Writer().fixed(invite_id, 16).fixed(inviter_ik, KEY_LEN).fixed(spk, KEY_LEN)
    w.u64(spk_created).fixed(spk_sig, SIG_LEN).u64(expires_at)
    w.text(group_name, MAX_NAME_BYTES).text(inviter_name, MAX_NAME_BYTES)
    if rules:   # the group's rules, for the joiner to read and accept before asking
        w.text(rules, MAX_RULES_BYTES)
    return w.bytes()


def seal_bundle(identity: Identity, secret: bytes, group_name: str, inviter_name: str,
                expires_at: int, rng: Rng, rules: str = "") -> bytes:
    """The inviting admin's signed offer: who invites, to what, with which prekey, and
    the group's rules when it has any (encrypted under the invite key like the rest)."""
    fields = _bundle_fields(kdf(secret, labels.KDF_INV_ID, b"", 16), identity.ik, identity.spk,
                            identity.spk_created_at, identity.spk_signature, expires_at,
                            group_name, inviter_name, rules)
    sig = identity.sign(labels.SIG_BUNDLE + fields)
    return seal_invite(secret, TYPE_BUNDLE, fields + sig, rng)


def open_invite_bundle(link: InviteLink, envelope: bytes, now: int) -> InviteBundle:
    """Verify the inviter's bundle (the first message of the invite mailbox) against the
    IK in the link; raise InviteError if it is not theirs, not for this link, or expired."""
    typ, payload = open_invite(link.secret, envelope)
    if typ != TYPE_BUNDLE:
        raise InviteError("this message is not an invite bundle")
    r = Reader(payload)
    invite_id, ik, spk = r.fixed(16), r.fixed(KEY_LEN), r.fixed(KEY_LEN)
    spk_created, spk_sig, expires_at = r.u64(), r.fixed(SIG_LEN), r.u64()
    group_name, inviter_name = r.text(MAX_NAME_BYTES), r.text(MAX_NAME_BYTES)
    rules = r.text(MAX_RULES_BYTES) if r.remaining() > SIG_LEN else ""
    if r.remaining() > SIG_LEN and not rules:
        raise DecodeError("an invite bundle carries rules only when there are some")
    sig = r.fixed(SIG_LEN)
    r.done()
    if ik != link.inviter_ik or invite_id != link.invite_id:
        raise AuthError("the invite bundle is not signed by the admin named in the link")
    fields = _bundle_fields(invite_id, ik, spk, spk_created, spk_sig, expires_at, group_name,
                            inviter_name, rules)
    verify(link.inviter_ik, labels.SIG_BUNDLE + fields, sig)
    verify_prekey(ik, spk, spk_created, spk_sig)
    if now >= expires_at:
        raise InviteExpired("this invite has expired")
    return InviteBundle(invite_id, group_name, ik, spk, inviter_name, expires_at, rules)


def join_mac(secret: bytes, invite_id: bytes, joiner_ik: bytes, joiner_spk: bytes, sent_at: int,
             nonce: bytes, name: str) -> bytes:
    """Proof that the joiner knows the invite secret, bound to the joiner's identity."""
    data = (labels.MAC_JOIN + invite_id + joiner_ik + joiner_spk + struct.pack(">Q", sent_at)
            + nonce + name.encode("utf-8"))
    return hashlib.blake2b(data, digest_size=32, key=kdf(secret, labels.KDF_INV_MAC)).digest()


def request_id_of(invite_id: bytes, joiner_ik: bytes, nonce: bytes) -> bytes:
    return h(labels.HASH_REQUEST_ID, invite_id + joiner_ik + nonce)


def build_join_request(identity: Identity, link: InviteLink, bundle: InviteBundle,
                       display_name: str, now: int, rng: Rng,
                       accepted: bytes | None = None) -> tuple[bytes, bytes]:
    """(request id, envelope): the request boxed to the inviter, signed by our IK inside the
    box, with a MAC proving we hold the link; `accepted` (the hash of the rules the bundle
    carried, crypto.reports.rules_hash) says the joiner accepted them."""
    nonce = random_bytes(rng, NONCE16)
    mac = join_mac(link.secret, link.invite_id, identity.ik, identity.spk, now, nonce,
                   display_name)
    w = (Writer().fixed(link.invite_id, 16).fixed(identity.spk, KEY_LEN)
         .u64(identity.spk_created_at).fixed(identity.spk_signature, SIG_LEN).u64(now)
         .fixed(nonce, NONCE16).text(display_name, MAX_NAME_BYTES).fixed(mac, 32))
    if accepted is not None:
        w.fixed(accepted, 32)
    payload = w.bytes()
    box = seal_pairwise(identity, bundle.inviter_ik, bundle.inviter_spk, labels.SIG_JOIN,
                        payload, rng)
    body = Writer().fixed(bundle.inviter_spk, KEY_LEN).raw(box).bytes()
    return (request_id_of(link.invite_id, identity.ik, nonce),
            seal_invite(link.secret, TYPE_JOIN, body, rng))


def check_join_request(identity: Identity, secret: bytes, body: bytes, now: int) -> JoinRequest:
    """Open and verify a join request addressed to us: box, joiner signature, prekey
    signature and the MAC. Policy (expiry, uses, revocation) is the caller's."""
    if len(body) < KEY_LEN:
        raise DecodeError("the join request is too short")
    joiner_ik, payload = open_pairwise(identity, body[:KEY_LEN], labels.SIG_JOIN, body[KEY_LEN:])
    r = Reader(payload)
    invite_id, spk, spk_created = r.fixed(16), r.fixed(KEY_LEN), r.u64()
    spk_sig, sent_at, nonce = r.fixed(SIG_LEN), r.u64(), r.fixed(NONCE16)
    name, mac = r.text(MAX_NAME_BYTES), r.fixed(32)
    accepted = r.fixed(32) if r.remaining() else None
    r.done()
    if invite_id != kdf(secret, labels.KDF_INV_ID, b"", 16):
        raise InviteError("the join request is for another invite")
    expected = join_mac(secret, invite_id, joiner_ik, spk, sent_at, nonce, name)
    if not hmac.compare_digest(expected, mac):
        raise AuthError("the join request does not prove knowledge of the invite")
    verify_prekey(joiner_ik, spk, spk_created, spk_sig)
    if not name.strip():
        raise InviteError("the join request carries no name")
    return JoinRequest(request_id_of(invite_id, joiner_ik, nonce), invite_id, joiner_ik, spk,
                       name, sent_at, now, fingerprint(joiner_ik),
                       join_sas(invite_id, identity.ik, joiner_ik), spk_created, spk_sig,
                       accepted)


# ---- the Welcome -----------------------------------------------------------------------------
# payload (boxed to the joiner, signed by the inviter): group_id[16] ‖ invite_id[16]
#   ‖ name ‖ relay_url ‖ ES[32] ‖ add entry (var32) ‖ members: count u16 ‖
#   (ik[32] ‖ spk[32] ‖ role u8 ‖ joined_seq u32 ‖ name)*
#   [‖ governance section (crypto.governance; only the owner, when not the default, and
#    the members' active device certificates, when there are any)]


def encode_welcome(group_id: bytes, invite_id: bytes, name: str, relay_url: str, es: bytes,
                   entry: bytes, members: list[Member], owner: bytes | None = None,
                   devices: bytes = b"") -> bytes:
    w = Writer().fixed(group_id, 16).fixed(invite_id, 16).text(name, MAX_NAME_BYTES)
    w.text(relay_url, MAX_RELAY_URL_BYTES).fixed(es, KEY_LEN).var32(entry).u16(len(members))
    for m in members:
        w.fixed(m.ik, KEY_LEN).fixed(m.spk, KEY_LEN).u8(role_code(m.role))
        w.u32(m.joined_seq).text(m.name, MAX_NAME_BYTES)
    return w.raw(encode_gov(owner, {m.ik: m for m in members}, [], {}, devices)).bytes()


def seal_welcome(identity: Identity, secret: bytes, joiner_ik: bytes, joiner_spk: bytes,
                 payload: bytes, rng: Rng) -> bytes:
    box = seal_pairwise(identity, joiner_ik, joiner_spk, labels.SIG_WELCOME, payload, rng)
    body = Writer().fixed(joiner_ik, KEY_LEN).fixed(joiner_spk, KEY_LEN).raw(box).bytes()
    return seal_invite(secret, TYPE_WELCOME, body, rng)


@dataclass(frozen=True)
class Welcome:
    group_id: bytes
    invite_id: bytes
    name: str
    relay_url: str
    es: bytes
    entry: ControlEntry
    members: list[Member]
    owner: bytes | None = None     # None: the founder, while an admin
    devices: bytes | None = None   # crypto.devices.Devices.encode(), active ones only


def decode_welcome(payload: bytes) -> Welcome:
    r = Reader(payload)
    gid, invite_id = r.fixed(16), r.fixed(16)
    name, relay_url = r.text(MAX_NAME_BYTES), r.text(MAX_RELAY_URL_BYTES)
    es, entry = r.fixed(KEY_LEN), decode_entry(r.var32())
    members = []
    for _ in range(r.u16()):
        ik, spk, code, joined_seq = r.fixed(KEY_LEN), r.fixed(KEY_LEN), r.u8(), r.u32()
        members.append(Member(ik, spk, r.text(MAX_NAME_BYTES), record_role(code), joined_seq))
    owner = None
    devices = None
    if r.remaining():
        gov = decode_gov(r)
        if gov.role_log is not None or gov.invite_roles is not None or gov.me is not None:
            raise DecodeError("a Welcome carries only the owner and devices")
        devices = gov.devices
        owner = gov.owner
        if owner is not None and owner not in {m.ik for m in members}:
            raise DecodeError("the Welcome names an owner who is not a member")
    r.done()
    if len({m.ik for m in members}) != len(members):
        raise DecodeError("a member is listed twice")
    return Welcome(gid, invite_id, name, relay_url, es, entry, members, owner, devices)
