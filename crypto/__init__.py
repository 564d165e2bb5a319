"""Coterie's protocol core: identities, groups, envelopes and invites, as pure code.

No I/O, no clock, no randomness of its own: every operation takes `now` (unix seconds)
and `rng` (a function n -> n random bytes, e.g. os.urandom) from the caller, and returns
what to send as plain values; the caller sends and stores. The public surface is what
this module re-exports; docs/protocol.md specifies every byte.

Typical use (app side):

    ident = Identity.generate(now, os.urandom)
    group = GroupSession.create(ident, "Book club", "https://relay.example", "Ana", now, rng)
    info, bundle_out = group.create_invite(uses=1, expires_at=now + 72 * 3600, now=now, rng=rng)
    sealed = group.seal(Post("hello"), now, rng)        # send sealed.outgoing
    opened = group.open(mailbox_id, envelope, now, rng)     # events + envelopes to send
    blob = group.to_bytes()                              # persist once per batch
"""
from __future__ import annotations

import importlib
from typing import Any

# public name -> the module that defines it
_EXPORTS: dict[str, tuple[str, ...]] = {
    "crypto.errors": (
        "AuthError", "ChainError", "CryptoError", "DecodeError", "InviteError", "NotAllowed",
        "UnknownMailbox", "VersionError",
    ),
    "crypto.events": (
        "ContentRefused", "WARNING_FORK", "WARNING_GAP", "WARNING_MISSING_KEY",
        "WARNING_REPLAY", "WARNING_STALE_EPOCH", "WARNING_UNSUPPORTED", "ContentReceived",
        "EpochChanged", "Event", "IntegrityWarning", "InviteBundle", "InviteInfo", "JoinRequest",
        "JoinRequested", "Mailbox", "Member", "MembershipChanged", "Opened", "Outgoing",
        "OwnEcho", "PrekeyChanged", "RemovedFromGroup", "Sealed", "SenderKeyReceived",
    ),
    "crypto.governance": ("ACTIONS", "can", "outranks"),
    "crypto.moderation": ("Ban", "ChannelRule", "GroupSettings", "Lift", "ModRemove",
                          "Timeout", "Unban"),
    "crypto.reports": ("Approval", "Report", "ReportResolved", "Rules"),
    "crypto.identity": (
        "Identity", "fingerprint", "join_sas", "safety_number", "safety_qr_payload",
    ),
    "crypto.invite": ("InviteLink", "open_invite_bundle", "parse_invite_link"),
    "crypto.pending": ("Joined", "PendingJoin"),
    "crypto.params": (
        "BUCKETS", "GRACE_SECONDS", "HEARTBEAT_SECONDS", "INVITE_MAILBOX_SECONDS",
        "MAX_MEMBERS", "MAX_SKIP", "OLD_EPOCH_KEEP_SECONDS", "ROTATE_AFTER_MESSAGES",
        "ROTATE_AFTER_SECONDS", "ROLE_ADMIN", "ROLE_MEMBER", "ROLE_MODERATOR", "ROLE_OBSERVER",
        "ROLE_OWNER", "ROLES",
    ),
    "crypto.payloads": (
        "AdminRemove", "Content", "Delete", "Edit", "GENERAL", "Post", "Reaction",
        "Unsupported", "register_kind",
    ),
    "crypto.kinds": ("admin_only", "decode_content", "encode_content"),
    "crypto.spaces": ("ChannelDef", "Pin"),
    "crypto.profiles": ("Badge", "Profile"),
    "crypto.polls": (
        "EventCreate", "EventFields", "EventUpdate", "PollClose", "PollCreate",
        "PollSealedVote", "PollTally", "PollVote", "Rsvp",
    ),
    "crypto.relay_wire": ("KIND_GROUP", "KIND_INVITE", "MailboxCapability", "WireError"),
    "crypto.session": ("GroupSession",),
}
_HOME = {name: module for module, names in _EXPORTS.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        # `import crypto` then `crypto.errors`: load the submodule the way an eager
        # package would have
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module 'crypto' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME))


__all__ = [
    # errors
    "CryptoError", "ChainError", "DecodeError", "VersionError", "AuthError", "InviteError",
    "NotAllowed",
    "UnknownMailbox", "WireError",
    # identity
    "Identity", "fingerprint", "safety_number", "safety_qr_payload", "join_sas",
    # group
    "GroupSession", "Member", "ROLE_ADMIN", "ROLE_MEMBER", "ROLE_MODERATOR", "ROLE_OBSERVER",
    "ROLE_OWNER", "ROLES", "can", "outranks", "ACTIONS", "ContentRefused", "Mailbox", "MailboxCapability",
    "KIND_GROUP", "KIND_INVITE", "Outgoing", "Sealed", "Opened",
    # events
    "Event", "ContentReceived", "OwnEcho", "MembershipChanged", "EpochChanged",
    "RemovedFromGroup", "SenderKeyReceived", "PrekeyChanged", "JoinRequested",
    "IntegrityWarning", "WARNING_GAP", "WARNING_FORK", "WARNING_REPLAY",
    "WARNING_STALE_EPOCH", "WARNING_UNSUPPORTED", "WARNING_MISSING_KEY",
    # payloads
    "Content", "Post", "Reaction", "Edit", "Delete", "AdminRemove", "Unsupported",
    "encode_content", "decode_content", "register_kind", "admin_only", "GENERAL",
    "ChannelDef", "Pin",
    # polls and events (crypto/polls.py)
    "PollCreate", "PollVote", "PollSealedVote", "PollTally", "PollClose", "EventFields",
    "EventCreate", "EventUpdate", "Rsvp",
    # profiles and badges (crypto/profiles.py)
    "Profile", "Badge",
    # invites
    "InviteLink", "parse_invite_link", "InviteBundle", "open_invite_bundle", "PendingJoin",
    "Joined", "InviteInfo", "JoinRequest",
    # parameters
    "BUCKETS", "GRACE_SECONDS", "HEARTBEAT_SECONDS", "INVITE_MAILBOX_SECONDS", "MAX_MEMBERS",
    "MAX_SKIP",
    "OLD_EPOCH_KEEP_SECONDS", "ROTATE_AFTER_MESSAGES", "ROTATE_AFTER_SECONDS",
]
