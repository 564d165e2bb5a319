"""Profiles and badges as they arrive (kinds 43-44), for app/inbound.py and for my own
sends: crypto already refused a profile naming anyone but its signer and a badge from
anyone but an admin (docs/protocol.md §5.3.4)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import crypto
from app import avatar_check
from app.badges import granted_titles
from app.moderation_log import log_seq
from app.runtime import Runtime
from app.store import Store
from app.store.profiles import BadgeEntry, ProfileRecord
from crypto.profiles import Badge, Profile

if TYPE_CHECKING:
    from app.inbound_work import GroupWork, Opener

CONTENT_TYPES = (Profile, Badge)


def open_profile(rt: Runtime, gw: GroupWork, gid: bytes, ev: crypto.ContentReceived,
                 name: str, now: int) -> None:
    """crypto checked the signer and role: stored with the batch's changes."""
    gw.members_changed = True
    gw.changes.append((ev.sender_ik, ev, apply_change))


def apply_change(rt: Runtime, store: Store, gid: bytes, gw: GroupWork, sender: bytes,
                 ev: Any) -> None:
    apply_received(store, gid, sender, ev.message_id, ev.sent_at, ev.epoch, ev.seq,
                   ev.content)


def apply_received(store: Store, gid: bytes, sender: bytes, message_id: bytes, sent_at: int,
                   epoch: int, seq: int, content: Any) -> None:
    """Store a profile or badge payload crypto accepted (its signer checked, §5.3.4)."""
    pos = log_seq(epoch, seq)
    if isinstance(content, Profile):
        avatar = content.avatar if avatar_check.acceptable(content.avatar) else None
        store.profiles.put_profile(gid, ProfileRecord(
            content.member, message_id, pos, sent_at, content.name, content.pronouns,
            content.bio, content.timezone, avatar))
    elif isinstance(content, Badge):
        store.profiles.add_badge(gid, BadgeEntry(message_id, sender, content.member,
                                                 content.title, content.on, sent_at, pos))


def reannounce(rt: Runtime, store: Store, gid: bytes, session: crypto.GroupSession,
               admitted_by_me: bool) -> list[crypto.Outgoing]:
    """After members were added: seal my profile again (and, for the admin who added them,
    the titles that hold now) in the new key period, so the newcomers see them too (they
    cannot read what was sent before they joined). Inside the caller's transaction, under
    rt.lock; the caller saves the session and enqueues the envelopes."""
    if session.status == "removed":
        return []
    me = rt.me
    content: list[Any] = []
    mine = store.profiles.profiles(gid).get(me)
    if mine is not None:
        content.append(Profile(me, mine.name, mine.pronouns, mine.bio, mine.timezone,
                               mine.avatar or b""))
    if admitted_by_me and session.is_admin:
        for member, titles in granted_titles(store.profiles.badge_log(gid)).items():
            if session.member(member) is not None:
                content += [Badge(member, title, True) for title in sorted(titles)]
    outgoing = []
    for c in content:
        sealed = session.seal(c, rt.now(), rt.rng)
        apply_received(store, gid, me, sealed.message_id, sealed.sent_at, sealed.epoch,
                       sealed.seq, c)
        outgoing.append(sealed.outgoing)
    return outgoing


OPENERS: dict[type, Opener] = dict.fromkeys(CONTENT_TYPES, open_profile)


def finish(rt: Runtime, store: Store, gid: bytes, gw: GroupWork) -> None:
    if gw.added:
        gw.outgoing += reannounce(rt, store, gid, gw.session, gw.added == "me")
