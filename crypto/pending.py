"""The joiner's side of joining: between sending a join request and holding a session.

Above crypto.session (a completed join hands over a GroupSession); the checks of the
Welcome itself are crypto.membership.join_from_welcome.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from crypto import labels
from crypto.encoding import Reader, Writer
from crypto.errors import AuthError, DecodeError, InviteError, VersionError
from crypto.events import Event, InviteBundle, Outgoing
from crypto.identity import Identity
from crypto.invite import (
    TYPE_WELCOME,
    InviteLink,
    build_join_request,
    decode_welcome,
    open_invite,
    parse_invite_link,
)
from crypto.membership import join_from_welcome
from crypto.pairwise import open_pairwise
from crypto.params import MAX_LINK_CHARS, MAX_NAME_BYTES
from crypto.primitives import KEY_LEN, Rng
from crypto.reports import MAX_RULES_BYTES, rules_hash
from crypto.session import GroupSession


@dataclass(frozen=True)
class Joined:
    """A completed join: the new session, envelopes to send (our sender key), events."""

    session: GroupSession
    outgoing: list[Outgoing]
    events: list[Event]


class PendingJoin:
    """The joiner's side between sending a join request and receiving the Welcome.

    Serialise with to_bytes() (it holds the invite secret: store encrypted).
    """

    _VERSION = 1

    def __init__(self, identity: Identity, link: InviteLink, bundle: InviteBundle,
                 display_name: str, request_id: bytes, sent_at: int) -> None:
        self._ident = identity
        self._link = link
        self._bundle = bundle
        self.display_name = display_name
        self.request_id = request_id
        self.sent_at = sent_at

    @classmethod
    def start(cls, identity: Identity, link: InviteLink, bundle: InviteBundle,
              display_name: str, now: int, rng: Rng,
              accept_rules: bool = False) -> tuple[PendingJoin, Outgoing]:
        """Build the join request (boxed to the inviter, signed by our IK, MAC'd with the
        invite secret) and return the pending state plus the envelope to append to
        link.mailbox."""
        if not isinstance(display_name, str) or not display_name.strip() or len(
                display_name.encode("utf-8")) > MAX_NAME_BYTES:
            raise InviteError("a display name of 1 to 200 bytes is needed to join")
        if bundle.inviter_ik != link.inviter_ik or bundle.invite_id != link.invite_id:
            raise InviteError("the bundle does not belong to this invite link")
        if bundle.rules and not accept_rules:
            raise InviteError("the group's rules must be accepted before joining")
        accepted = rules_hash(bundle.rules) if bundle.rules else None
        request_id, envelope = build_join_request(identity, link, bundle, display_name, now, rng,
                                                  accepted)
        pending = cls(identity, link, bundle, display_name, request_id, now)
        return pending, Outgoing(link.mailbox, envelope)

    @property
    def link(self) -> InviteLink:
        return self._link

    @property
    def bundle(self) -> InviteBundle:
        """The verified bundle: group name and inviter, for the "waiting" view."""
        return self._bundle

    def open(self, envelope: bytes, now: int, rng: Rng) -> Joined | None:
        """Feed every envelope read from the invite mailbox: returns Joined for our Welcome,
        None for anything else (the bundle, other joiners' traffic, our own request).
        A Welcome for us that does not verify raises AuthError."""
        typ, body = open_invite(self._link.secret, envelope)
        if typ != TYPE_WELCOME:
            return None
        if len(body) < 2 * KEY_LEN or body[:KEY_LEN] != self._ident.ik:
            return None
        spk = body[KEY_LEN:2 * KEY_LEN]
        sender_ik, payload = open_pairwise(self._ident, spk, labels.SIG_WELCOME, body[2 * KEY_LEN:])
        if sender_ik != self._link.inviter_ik:
            raise AuthError("the Welcome is not signed by the admin named in the link")
        state, outgoing, events = join_from_welcome(self._ident, self._link,
                                                    decode_welcome(payload), now, rng)
        return Joined(GroupSession(state), outgoing, events)

    def to_bytes(self) -> bytes:
        b = self._bundle
        w = Writer().u8(self._VERSION).text(str(self._link), MAX_LINK_CHARS)
        w.fixed(b.invite_id, 16).text(b.group_name, MAX_NAME_BYTES).fixed(b.inviter_ik, KEY_LEN)
        w.fixed(b.inviter_spk, KEY_LEN).text(b.inviter_name, MAX_NAME_BYTES).u64(b.expires_at)
        w.text(self.display_name, MAX_NAME_BYTES).fixed(self.request_id, 32).u64(self.sent_at)
        if b.rules:   # the rules the joiner accepted (kept to show once joined)
            w.text(b.rules, MAX_RULES_BYTES)
        return w.bytes()

    @classmethod
    def from_bytes(cls, data: bytes, identity: Identity) -> PendingJoin:
        r = Reader(data)
        if r.u8() != cls._VERSION:
            raise VersionError("unknown pending-join version")
        try:
            link = parse_invite_link(r.text(MAX_LINK_CHARS))
        except InviteError as exc:
            raise DecodeError("the stored invite link is not valid") from exc
        bundle = InviteBundle(r.fixed(16), r.text(MAX_NAME_BYTES), r.fixed(KEY_LEN),
                              r.fixed(KEY_LEN), r.text(MAX_NAME_BYTES), r.u64())
        name, request_id, sent_at = r.text(MAX_NAME_BYTES), r.fixed(32), r.u64()
        if r.remaining():
            bundle = replace(bundle, rules=r.text(MAX_RULES_BYTES))
        r.done()
        return cls(identity, link, bundle, name, request_id, sent_at)
