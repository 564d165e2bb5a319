"""The admin's side of invites: making them, checking join requests, admitting joiners.

Only the admin who made an invite can admit through it: the link names that admin's IK,
and the joiner accepts a Welcome signed by no one else.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from crypto.control import MemberRecord
from crypto.errors import CryptoError, InviteError, NotAllowed
from crypto.events import ROLE_MEMBER, InviteInfo, JoinRequested, Opened, Outgoing
from crypto.invite import (
    TYPE_JOIN,
    check_join_request,
    encode_welcome,
    format_invite_link,
    invite_mailbox,
    open_invite,
    seal_bundle,
    seal_welcome,
)
from crypto.params import MAX_INVITE_USES, MAX_JOIN_REQUESTS
from crypto.primitives import KEY_LEN, Rng, random_bytes

if TYPE_CHECKING:
    from crypto.session import GroupSession, InviteRecord


def invite_info(session: GroupSession, rec: InviteRecord) -> InviteInfo:
    mb = invite_mailbox(rec.secret, rec.expires_at)
    assert mb.invite_id is not None
    return InviteInfo(mb.invite_id, format_invite_link(session.relay_url, rec.secret,
                                                       session.my_ik),
                      mb, rec.uses_total, rec.uses_left, rec.expires_at, rec.created_at,
                      rec.revoked)


def create_invite(session: GroupSession, uses: int, expires_at: int, now: int,
                  rng: Rng) -> tuple[InviteInfo, Outgoing]:
    from crypto.session import InviteRecord
    session._require_active()
    if not session.is_admin:
        raise NotAllowed("only an admin can invite")
    if not isinstance(uses, int) or not 1 <= uses <= MAX_INVITE_USES:
        raise NotAllowed(f"an invite allows 1 to {MAX_INVITE_USES} uses")
    if expires_at <= now:
        raise NotAllowed("an invite must expire in the future")
    secret = random_bytes(rng, KEY_LEN)
    rec = InviteRecord(secret, uses, uses, expires_at, now)
    mb = invite_mailbox(secret, expires_at)
    assert mb.invite_id is not None
    session._invites[mb.invite_id] = rec
    session._invite_by_mailbox[mb.id] = mb.invite_id
    me = session.member(session.my_ik)
    assert me is not None
    bundle = seal_bundle(session.identity, secret, session.name, me.name, expires_at, rng)
    return invite_info(session, rec), Outgoing(mb, bundle)


def _check_policy(rec: InviteRecord, request_id: bytes, now: int) -> None:
    if rec.revoked:
        raise InviteError("this invite was revoked")
    if now >= rec.expires_at:
        raise InviteError("this invite has expired")
    if request_id in rec.consumed:
        raise InviteError("this join request was already used")
    if rec.uses_left <= 0:
        raise InviteError("this invite has been used up")


def open_invite_envelope(session: GroupSession, rec: InviteRecord, envelope: bytes,
                         now: int) -> Opened:
    """Traffic in one of our invite mailboxes: join requests become JoinRequested; our own
    bundle and Welcomes are ignored."""
    typ, body = open_invite(rec.secret, envelope)
    if typ != TYPE_JOIN or not session.is_admin:
        return Opened()
    request = check_join_request(session.identity, rec.secret, body, now)
    _check_policy(rec, request.request_id, now)
    if (request.joiner_ik in {m.ik for m in session.members()}
            or request.request_id in session._requests):
        return Opened()
    if len(session._requests) >= MAX_JOIN_REQUESTS:
        raise InviteError("too many join requests are waiting; decline some first")
    session._requests[request.request_id] = request
    return Opened([JoinRequested(request)])


def admit(session: GroupSession, request_id: bytes, now: int, rng: Rng) -> list[Outgoing]:
    from crypto.membership import add
    request = session._requests.get(request_id)
    if request is None:
        raise NotAllowed("there is no such join request")
    rec = session._invites.get(request.invite_id)
    if rec is None:
        raise InviteError("the invite for this request no longer exists")
    _check_policy(rec, request_id, now)
    record = MemberRecord(request.joiner_ik, request.joiner_spk, request.spk_created,
                          request.spk_sig, request.name, ROLE_MEMBER)
    try:
        record.verify()
    except CryptoError as exc:
        raise InviteError("the joiner's prekey signature is not valid") from exc
    entry, es, outgoing = add(session, record, now, rng)
    payload = encode_welcome(session.group_id, request.invite_id, session.name,
                             session.relay_url, es, entry.encode(), session.members())
    welcome = seal_welcome(session.identity, rec.secret, request.joiner_ik, request.joiner_spk,
                           payload, rng)
    rec.uses_left -= 1
    rec.consumed.append(request_id)
    del session._requests[request_id]
    return [outgoing[0], Outgoing(invite_mailbox(rec.secret, rec.expires_at), welcome)] + outgoing[1:]
