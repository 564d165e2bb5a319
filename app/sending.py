"""Sending a group message: the one path posts, files, the library, polls, events and
channels take from "the member asked for it" to "it waits in the outbox".

- `active(rt, group)`: the group and its session, refused once I was removed.
- `stored_post(rt, gid, ref)`: a post of the group by its id or a unique prefix of it.
- `seal_all(...)`: seal payloads, then commit the group state, the outbox rows and the
  local effects (`local(store, sealed)`) in one durable transaction, and announce the rows
  that changed. `seal_and_store` is its one-payload form; `seal_checked` first asks the
  moderation log whether I may send it now (my own timeout, a lock, slow mode).

Nothing here decides what a payload means: each capability builds its payload and its
local effect and hands both over.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import crypto
from app import moderation_log as moderation
from app.admin import sentence
from app.errors import InvalidInput, NotAllowed, NotFound
from app.i18n import _
from app.runtime import Pending, Runtime
from app.store import Post, Store
from app.views import ChangeEvent, ChangeKind

Local = Callable[[Store, "crypto.Sealed"], None]   # (a string: crypto loads it lazily)
More = Callable[[Store], list[Any]]       # further outgoing messages owed in the same commit


def msg_removed() -> str:
    return _("You were removed from this group; it is read-only now.")


def msg_revoked() -> str:
    return _("This desktop was revoked from another of your devices; the others refuse what "
             "it sends in this group.")


def active(rt: Runtime, group: str) -> tuple[bytes, crypto.GroupSession]:
    """The group's id and session; NotAllowed once I was removed from it or this device
    was revoked there."""
    record = rt.resolve_group(group)
    if record.removed:
        raise NotAllowed(msg_removed())
    session = rt.session(record.id)
    if session.this_device_revoked:
        raise NotAllowed(msg_revoked())
    return record.id, session


def msg_id(rt: Runtime, gid: bytes, ref: str, missing: str | None = None,
           several: str | None = None) -> bytes:
    """A post's message id from its 64-hex id or a unique prefix of 6 or more digits;
    `missing` and `several` (with {ref}) word the refusals for other items (a poll...)."""
    text = (ref or "").strip().lower()
    if len(text) == 64:
        try:
            return bytes.fromhex(text)
        except ValueError:
            pass
    if 6 <= len(text) < 64 and all(c in "0123456789abcdef" for c in text):
        found = rt.store.posts.find_msg_ids(gid, text, 2)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise InvalidInput((several or _("Several posts start with '{ref}'; give more of "
                                             "the id.")).format(ref=ref))
    raise NotFound(missing or _("There is no post '{ref}' in this group.").format(ref=ref))


def stored_post(rt: Runtime, gid: bytes, ref: str) -> Post:
    post = rt.store.posts.get_post(gid, msg_id(rt, gid, ref))
    if post is None:
        raise NotFound(_("There is no post '{ref}' in this group.").format(ref=ref))
    return post


def seal_all(rt: Runtime, gid: bytes, session: crypto.GroupSession,
             items: Sequence[tuple[Any, Local | None]], shown: bytes | None = None,
             more: More | None = None, channels: bool = False,
             forget_on_refusal: bool = False) -> list[crypto.Sealed]:
    """Seal payloads, then commit group state + outbox rows + local effects at once.

    `shown` names the row the messages alter (an edit, reaction or delete alters its post;
    a vote its poll), since a message's own id is no row anyone shows; by default the first
    message's. `more` adds outgoing messages computed inside the transaction; `channels`
    also announces a change of the channel list (unread counts).
    """
    with rt.lock:
        sealed_all: list[crypto.Sealed] = []
        try:
            for content, _local in items:
                sealed_all.append(session.seal(content, rt.now(), rt.rng))
        except crypto.NotAllowed as exc:
            if forget_on_refusal:
                rt.forget([gid])
            raise NotAllowed(msg_removed() if session.status == "removed"
                             else sentence(exc)) from exc

        def work(store: Store, pending: Pending) -> None:
            store.groups.save_group_state(gid, session.to_bytes())
            for (_content, local), sealed in zip(items, sealed_all, strict=True):
                if local is not None:
                    local(store, sealed)
            outgoing = [s.outgoing for s in sealed_all]
            if more is not None:
                outgoing += more(store)
                store.groups.save_group_state(gid, session.to_bytes())
            rt.enqueue_in_txn(store, session.relay_url, outgoing, gid, pending)
            row = shown if shown is not None else sealed_all[0].message_id
            pending.events.append(ChangeEvent(ChangeKind.POSTS, gid.hex(), (row.hex(),)))
            pending.events.append(ChangeEvent(ChangeKind.GROUPS, gid.hex()))
            if channels:
                pending.events.append(ChangeEvent(ChangeKind.CHANNELS, gid.hex()))

        rt.commit(work, touched=[gid])
    return sealed_all


def save_and_send(rt: Runtime, gid: bytes, session: crypto.GroupSession,
                  outgoing: Sequence[crypto.Outgoing]) -> None:
    """Store a group's new state and queue what it sends, in one transaction (what sealed
    `outgoing` advanced the session: both are durable together or not at all)."""

    def work(store: Store, pending: Pending) -> None:
        store.groups.save_group_state(gid, session.to_bytes())
        rt.enqueue_in_txn(store, session.relay_url, outgoing, gid, pending)
        pending.relays.add(session.relay_url)

    rt.commit(work, touched=[gid])


def seal_and_store(rt: Runtime, gid: bytes, session: crypto.GroupSession, content: Any,
                   local: Local | None = None, changes: bytes | None = None) -> crypto.Sealed:
    """Seal one payload and commit it with its local effect (see `seal_all`)."""
    [sealed] = seal_all(rt, gid, session, [(content, local)], changes, channels=True)
    return sealed


def seal_checked(rt: Runtime, gid: bytes, session: crypto.GroupSession, content: Any,
                 local: Local | None = None, changes: bytes | None = None) -> crypto.Sealed:
    """`seal_and_store`, unless the moderation log refuses it now (NotAllowed, saying why)."""
    why = moderation.own_refusal(rt, gid, session, content)
    if why is not None:
        raise NotAllowed(_("You cannot do that now: {why}.").format(why=why))
    return seal_and_store(rt, gid, session, content, local, changes)
