"""Posts, reactions, edits and deletes as they arrive (kinds 1-5), for app/inbound.py.

A post becomes a row for the batch's insert (or waits for first-post approval, see
app/moderation_inbound.py); reactions, edits and deletes are applied on the store thread,
where the store checks the sender against the post's (and keeps early ones until their
post lands, with the same check).
"""
from __future__ import annotations

from typing import Any

import crypto
from app import moderation_inbound, reports_inbound
from app.inbound_work import GroupWork, Opener, queued
from app.runtime import Runtime
from app.store import NewPost, Store
from crypto.governance import ACT_ANNOUNCE


def open_post(rt: Runtime, gw: GroupWork, gid: bytes, ev: crypto.ContentReceived, name: str,
              now: int) -> None:
    c = ev.content
    sender = gw.session.member(ev.sender_ik)
    # by_admin: the sender's role may post top-level in an announcements channel
    by_admin = sender is not None and crypto.can(sender.role, ACT_ANNOUNCE)
    # the member's own post from another of their devices is theirs here too
    row = NewPost(gid, ev.message_id, ev.sender_ik, name, ev.sent_at, now, ev.seq,
                  "post", c.text, c.reply_to, None, ev.sender_ik == rt.me, c.channel, c.thread,
                  c.title or None, c.tags, by_admin, ev.evidence or None)
    if moderation_inbound.for_approval(rt, gw, gid, ev, sender):
        gw.changes.append((ev.sender_ik, reports_inbound.MaybeHeld(row),
                           reports_inbound.apply_change))
        return
    gw.posts.append(row)
    if not c.plain:
        gw.checks.append((ev.message_id, c, name, by_admin))


def open_unsupported(rt: Runtime, gw: GroupWork, gid: bytes, ev: crypto.ContentReceived,
                     name: str, now: int) -> None:
    gw.posts.append(NewPost(gid, ev.message_id, ev.sender_ik, name, ev.sent_at, now,
                            ev.seq, "unsupported", None, None, ev.content.raw))


def apply_reaction(rt: Runtime, store: Store, gid: bytes, gw: GroupWork, sender: bytes,
                   ev: Any) -> None:
    c = ev.content
    store.posts.apply_reaction(gid, c.target, sender, c.emoji, c.on, ev.sent_at)


def apply_edit(rt: Runtime, store: Store, gid: bytes, gw: GroupWork, sender: bytes,
               ev: Any) -> None:
    c = ev.content
    store.posts.apply_edit(gid, c.target, c.text, ev.sent_at, author=sender)


def apply_delete(rt: Runtime, store: Store, gid: bytes, gw: GroupWork, sender: bytes,
                 ev: Any) -> None:
    store.posts.apply_delete(gid, ev.content.target, sender, ev.sent_at, admin=False)


def apply_admin_remove(rt: Runtime, store: Store, gid: bytes, gw: GroupWork, sender: bytes,
                       ev: Any) -> None:
    # crypto accepted it only from a moderator/admin
    store.posts.apply_delete(gid, ev.content.target, sender, ev.sent_at, admin=True)


OPENERS: dict[type, Opener] = {
    crypto.Post: open_post,
    crypto.Unsupported: open_unsupported,
    crypto.Reaction: queued(apply_reaction),
    crypto.Edit: queued(apply_edit),
    crypto.Delete: queued(apply_delete),
    crypto.AdminRemove: queued(apply_admin_remove),
}
