"""The admin's side of invites over a GroupState: making them, checking join requests,
admitting joiners, revoking and declining.

Only the admin who made an invite can admit through it: the link names that admin's IK,
and the joiner accepts a Welcome signed by no one else.
"""
from __future__ import annotations

from crypto.control import MemberRecord
from crypto.devices import DeviceRecord, Devices
from crypto.errors import CryptoError, InviteError, NotAllowed
from crypto.events import ROLE_MEMBER, InviteInfo, JoinRequested, Mailbox, Opened, Outgoing
from crypto.governance import STARTING_ROLES
from crypto.invite import (
    TYPE_JOIN,
    check_join_request,
    encode_welcome,
    format_invite_link,
    open_invite,
    seal_bundle,
    seal_welcome,
)
from crypto.membership import add
from crypto.params import INVITE_MAILBOX_SECONDS, MAX_INVITE_USES, MAX_JOIN_REQUESTS
from crypto.primitives import KEY_LEN, Rng, random_bytes
from crypto.state import GroupState, InviteRecord


def invite_info(state: GroupState, rec: InviteRecord) -> InviteInfo:
    mb = rec.mailbox()
    assert mb.invite_id is not None
    return InviteInfo(mb.invite_id, format_invite_link(state.relay_url, rec.secret, state.member_ik),
                      mb, rec.uses_total, rec.uses_left, rec.expires_at, rec.created_at,
                      rec.revoked, state.invite_roles.get(mb.invite_id, ROLE_MEMBER))


def create_invite(state: GroupState, uses: int, expires_at: int, now: int,
                  rng: Rng, role: str = ROLE_MEMBER,
                  rules: str = "") -> tuple[InviteInfo, Outgoing]:
    """A new invite (1..MAX_INVITE_USES uses) and its bundle envelope for the mailbox;
    its joiners start with `role` (member or observer)."""
    state.require_active()
    if not state.is_admin:
        raise NotAllowed("only an admin can invite")
    signer = state.signer     # the member's IK: the link names it, it seals the bundle
    if signer is None:
        raise NotAllowed("invites are made on a device that holds the member's identity key")
    if role not in STARTING_ROLES:
        raise NotAllowed("an invite can start its joiners as a member or an observer")
    if not isinstance(uses, int) or not 1 <= uses <= MAX_INVITE_USES:
        raise NotAllowed("an invite allows 1 to {count} uses", count=MAX_INVITE_USES)
    if expires_at <= now:
        raise NotAllowed("an invite must expire in the future")
    if expires_at > now + INVITE_MAILBOX_SECONDS:
        raise NotAllowed("an invite lasts at most {count} days",
                         count=INVITE_MAILBOX_SECONDS // 86400)
    secret = random_bytes(rng, KEY_LEN)
    rec = InviteRecord(secret, uses, uses, expires_at, now)
    invite_mb = rec.mailbox()
    assert invite_mb.invite_id is not None
    state.register_invite(invite_mb.invite_id, rec)
    if role != ROLE_MEMBER:
        state.invite_roles[invite_mb.invite_id] = role
    me = state.members.get(state.member_ik)
    assert me is not None
    bundle = seal_bundle(signer, secret, state.name, me.name, expires_at, rng, rules)
    return invite_info(state, rec), Outgoing(invite_mb, bundle)


def revoke_invite(state: GroupState, invite_id: bytes) -> Mailbox:
    """Mark the invite revoked and drop its waiting requests; returns the mailbox to close."""
    rec = state.invites.get(invite_id)
    if rec is None:
        raise NotAllowed("there is no such invite")
    rec.revoked = True
    for request_id in [r.request_id for r in state.requests.values()
                       if r.invite_id == invite_id]:
        del state.requests[request_id]
    return rec.mailbox()


def decline(state: GroupState, request_id: bytes) -> None:
    if state.requests.pop(request_id, None) is None:
        raise NotAllowed("there is no such join request")


def _check_policy(rec: InviteRecord, request_id: bytes, now: int) -> None:
    if rec.revoked:
        raise InviteError("this invite was revoked")
    if now >= rec.expires_at:
        raise InviteError("this invite has expired")
    if request_id in rec.consumed:
        raise InviteError("this join request was already used")
    if rec.uses_left <= 0:
        raise InviteError("this invite has been used up")


def open_invite_envelope(state: GroupState, rec: InviteRecord, envelope: bytes,
                         now: int) -> Opened:
    """Traffic in one of our invite mailboxes: join requests become JoinRequested; our own
    bundle and Welcomes are ignored."""
    typ, body = open_invite(rec.secret, envelope)
    signer = state.signer
    if typ != TYPE_JOIN or not state.is_admin or signer is None:
        return Opened()
    request = check_join_request(signer, rec.secret, body, now)
    _check_policy(rec, request.request_id, now)
    if request.joiner_ik in state.members or request.request_id in state.requests:
        return Opened()
    if len(state.requests) >= MAX_JOIN_REQUESTS:
        raise InviteError("too many join requests are waiting; decline some first")
    state.requests[request.request_id] = request
    return Opened([JoinRequested(request)])


def admit(state: GroupState, request_id: bytes, now: int, rng: Rng) -> list[Outgoing]:
    """Add the joiner: control entry + new epoch (to the old mailbox), the Welcome (to the
    invite mailbox) and our sender key (to the new mailbox)."""
    request = state.requests.get(request_id)
    if request is None:
        raise NotAllowed("there is no such join request")
    rec = state.invites.get(request.invite_id)
    if rec is None:
        raise InviteError("the invite for this request no longer exists")
    _check_policy(rec, request_id, now)
    record = MemberRecord(request.joiner_ik, request.joiner_spk, request.spk_created,
                          request.spk_sig, request.name,
                          state.invite_roles.get(request.invite_id, ROLE_MEMBER))
    try:
        record.verify()
    except CryptoError as exc:
        raise InviteError("the joiner's prekey signature is not valid") from exc
    entry, es, outgoing = add(state, record, now, rng)
    payload = encode_welcome(state.group_id, request.invite_id, state.name, state.relay_url, es,
                             entry.encode(), list(state.members.values()), state.owner,
                             welcome_devices(state))
    signer = state.signer
    if signer is None:
        raise NotAllowed("invites are made on a device that holds the member's identity key")
    welcome = seal_welcome(signer, rec.secret, request.joiner_ik, request.joiner_spk,
                           payload, rng)
    rec.uses_left -= 1
    rec.consumed.append(request_id)
    del state.requests[request_id]
    return [outgoing[0], Outgoing(rec.mailbox(), welcome)] + outgoing[1:]


def welcome_devices(state: GroupState) -> bytes:
    """The members' active device certificates, for a joiner's Welcome (b"" when none)."""
    active = Devices({c.device_pk: DeviceRecord(c) for c in state.devices.active(state.members)},
                     retired={ik: by for ik, by in state.devices.retired.items()
                              if ik in state.members},
                     prekeys=state.devices.prekeys)
    return active.encode()
