"""Channels and pins: `Services.channels`.

Every group has General; admins define more (chat, forum, announcements), rename them,
give them a topic line, a position and forum tags, and archive them; every change is one
admin-signed channel definition (crypto.spaces.ChannelDef) that every member's client
checks. Pins are admin-signed too. Mute and read state are this device's own.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import crypto
import crypto.spaces
from app.access import Access
from app.channel_refs import channel_view, resolve_channel
from app.errors import InvalidInput, NotAllowed, NotFound, PinsFull
from app.i18n import _
from app.posts import decorate
from app.render import PostRenderer
from app.runtime import Runtime
from app.sending import msg_removed, seal_and_store
from app.store import GENERAL, Channel, Post, Store, order_key
from app.views import ChangeEvent, ChangeKind, ChannelView, PostView

KINDS = {"chat": crypto.spaces.CHANNEL_CHAT, "forum": crypto.spaces.CHANNEL_FORUM,
         "announcements": crypto.spaces.CHANNEL_ANNOUNCEMENTS}
MAX_CHANNELS = 200


def _name(name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput(_("A channel needs a name."))
    name = " ".join(name.split())
    if len(name.encode("utf-8")) > crypto.spaces.MAX_CHANNEL_NAME_BYTES:
        raise InvalidInput(_("That channel name is too long; the limit is 64 bytes."))
    return name


def _topic(topic: str) -> str:
    topic = (topic or "").strip()
    if len(topic.encode("utf-8")) > crypto.spaces.MAX_TOPIC_BYTES:
        raise InvalidInput(_("That topic is too long; the limit is 512 bytes."))
    return topic


def _tags(tags: Sequence[str]) -> tuple[str, ...]:
    clean = tuple(sorted({t.strip() for t in tags if t.strip()}))
    if len(clean) > crypto.spaces.MAX_CHANNEL_TAGS:
        raise InvalidInput(_("A forum keeps at most 20 tags."))
    if any(len(t.encode("utf-8")) > 32 for t in clean):
        raise InvalidInput(_("A tag is at most 32 bytes."))
    return clean


def _definition(c: Channel) -> crypto.ChannelDef:
    return crypto.ChannelDef(c.id, KINDS[c.kind], c.name, c.topic, c.position, c.archived,
                             c.tags)


class ChannelService:
    """List, define and change channels; mute and mark them read; pin posts."""

    def __init__(self, access: Access,
                 on_read: Callable[[bytes, bytes], None] | None = None) -> None:
        self._access = access
        self._on_read = on_read

    def _admin(self, rt: Runtime, group: str) -> tuple[bytes, crypto.GroupSession]:
        record = rt.resolve_group(group)
        if record.removed:
            raise NotAllowed(msg_removed())
        session = rt.session(record.id)
        if not session.is_admin:
            raise NotAllowed(_("Only admins can change channels and pins."))
        return record.id, session

    def _publish(self, rt: Runtime, gid: bytes, session: crypto.GroupSession,
                 definition: crypto.ChannelDef) -> ChannelView:
        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.channels.apply_definition(
                gid, definition.channel, definition.kind_name, definition.name, definition.topic,
                definition.position, definition.archived, definition.tags, sealed.sent_at,
                order_key(sealed.epoch, sealed.seq, sealed.message_id), rt.me)

        seal_and_store(rt, gid, session, definition, local)
        found = rt.store.channels.get_channel(gid, definition.channel)
        assert found is not None
        return channel_view(found)

    def _unique(self, rt: Runtime, gid: bytes, name: str, other_than: bytes | None = None) -> None:
        for c in rt.store.channels.list_channels(gid):
            if c.id != other_than and c.name.casefold() == name.casefold():
                raise InvalidInput(_("There is a channel called '{name}' already.").format(name=c.name))

    # -- reading -----------------------------------------------------------------------------
    def list(self, group: str, include_archived: bool = True) -> list[ChannelView]:
        """The group's channels: General first, then by position and name, archived last."""
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        return [channel_view(c) for c in rt.store.channels.list_channels(gid, include_archived)]

    def get(self, group: str, channel: str | None) -> ChannelView:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        return channel_view(resolve_channel(rt.store, gid, channel))

    def unread_counts(self, groups: Sequence[str]) -> dict[str, dict[str, tuple[int, int, bool]]]:
        """group id → channel id → (unread, mentions, muted), for the sidebar's badges."""
        rt = self._access.runtime()
        ids = [bytes.fromhex(g) for g in groups]
        counts = rt.store.channels.unread_counts(ids)
        return {gid.hex(): {cid.hex(): (u, m, muted) for cid, u, m, muted in rows}
                for gid, rows in counts.items()}

    # -- admins: defining ----------------------------------------------------------------------
    def create(self, group: str, name: str, kind: str = "chat", topic: str = "",
               tags: Sequence[str] = ()) -> ChannelView:
        rt = self._access.runtime()
        if kind not in KINDS:
            raise InvalidInput(_("A channel is chat, forum or announcements."))
        name, topic, clean = _name(name), _topic(topic), _tags(tags)
        if clean and kind != "forum":
            raise InvalidInput(_("Only a forum channel has tags."))
        gid, session = self._admin(rt, group)
        self._unique(rt, gid, name)
        existing = rt.store.channels.list_channels(gid)
        if len(existing) >= MAX_CHANNELS:
            raise NotAllowed(_("A group has at most {count} channels.").format(count=MAX_CHANNELS))
        position = min(0xFFFF, max((c.position for c in existing), default=0) + 1)
        channel_id = bytes(16)
        while channel_id == GENERAL:
            channel_id = rt.rng(16)
        return self._publish(rt, gid, session, crypto.ChannelDef(
            channel_id, KINDS[kind], name, topic, position, False, clean))

    def _change(self, group: str, channel: str, **changes: object) -> ChannelView:
        rt = self._access.runtime()
        gid, session = self._admin(rt, group)
        current = resolve_channel(rt.store, gid, channel)
        return self._publish(rt, gid, session, replace(_definition(current), **changes))  # type: ignore[arg-type]

    def rename(self, group: str, channel: str, name: str) -> ChannelView:
        rt = self._access.runtime()
        name = _name(name)
        gid = rt.resolve_group(group).id
        self._unique(rt, gid, name, resolve_channel(rt.store, gid, channel).id)
        return self._change(group, channel, name=name)

    def describe(self, group: str, channel: str, topic: str) -> ChannelView:
        return self._change(group, channel, topic=_topic(topic))

    def move(self, group: str, channel: str, position: int) -> ChannelView:
        if not 0 <= position <= 0xFFFF:
            raise InvalidInput(_("A position is a number from 0 to 65535."))
        return self._change(group, channel, position=position)

    def set_tags(self, group: str, channel: str, tags: Sequence[str]) -> ChannelView:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        if resolve_channel(rt.store, gid, channel).kind != "forum":
            raise InvalidInput(_("Only a forum channel has tags."))
        return self._change(group, channel, tags=_tags(tags))

    def archive(self, group: str, channel: str, archived: bool = True) -> ChannelView:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        if resolve_channel(rt.store, gid, channel).id == GENERAL:
            raise InvalidInput(_("General cannot be archived."))
        return self._change(group, channel, archived=archived)

    # -- this device's state -------------------------------------------------------------------
    def set_muted(self, group: str, channel: str, muted: bool) -> None:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        rt.store.channels.set_muted(gid, resolve_channel(rt.store, gid, channel).id, muted)
        self._changed(rt, gid)

    def mark_read(self, group: str, channel: str | None) -> None:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        cid = resolve_channel(rt.store, gid, channel).id
        if rt.store.channels.mark_read(gid, cid):
            self._changed(rt, gid)   # opening a channel already read queues no redraws
            if self._on_read is not None:
                self._on_read(gid, cid)   # the member's other devices learn it (app/devices.py)

    @staticmethod
    def _changed(rt: Runtime, gid: bytes) -> None:
        rt.hub.emit(ChangeEvent(ChangeKind.CHANNELS, gid.hex()))
        rt.hub.emit(ChangeEvent(ChangeKind.GROUPS, gid.hex()))

    # -- pins ----------------------------------------------------------------------------------
    def _pin(self, group: str, post_id: str, on: bool) -> None:
        rt = self._access.runtime()
        gid, session = self._admin(rt, group)
        post = self._post(rt, gid, post_id)
        if post.thread_root is not None:
            raise InvalidInput(_("Pin the thread's first post; replies cannot be pinned."))
        if on and post.deleted:
            raise NotAllowed(_("That post was deleted."))
        if on and rt.store.channels.pinned_count(gid, post.channel_id) >= crypto.spaces.MAX_PINS \
                and post.msg_id not in {p.target for p in rt.store.channels.list_pins(gid, post.channel_id)}:
            raise PinsFull(_("This channel has {count} pins already; unpin one first.").format(
                count=crypto.spaces.MAX_PINS), crypto.spaces.MAX_PINS)

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.channels.apply_pin(gid, post.channel_id, post.msg_id, on, rt.me,
                                     sealed.sent_at, order_key(sealed.epoch, sealed.seq,
                                                               sealed.message_id),
                                     crypto.spaces.MAX_PINS)

        seal_and_store(rt, gid, session, crypto.Pin(post.channel_id, post.msg_id, on), local,
                       post.msg_id)

    @staticmethod
    def _post(rt: Runtime, gid: bytes, post_id: str) -> Post:
        text = (post_id or "").strip().lower()
        ids = []
        if len(text) == 64:
            try:
                ids = [bytes.fromhex(text)]
            except ValueError:
                ids = []
        elif 6 <= len(text) < 64:
            ids = rt.store.posts.find_msg_ids(gid, text, 2)
        if len(ids) > 1:
            raise InvalidInput(_("Several posts start with '{ref}'; give more of the id.").format(
                ref=post_id))
        post = rt.store.posts.get_post(gid, ids[0]) if ids else None
        if post is None:
            raise NotFound(_("There is no post '{ref}' in this group.").format(ref=post_id))
        return post

    def pin(self, group: str, post_id: str) -> None:
        self._pin(group, post_id, True)

    def unpin(self, group: str, post_id: str) -> None:
        self._pin(group, post_id, False)

    def pins(self, group: str, channel: str | None = None) -> list[PostView]:
        """Pinned posts, newest pin first: of one channel, or of every channel."""
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        cid = resolve_channel(rt.store, gid, channel).id if channel is not None else None
        pins = rt.store.channels.list_pins(gid, cid)
        stored = rt.store.posts.get_posts(gid, [p.target for p in pins])
        posts = [stored[p.target] for p in pins
                 if p.target in stored and stored[p.target].channel_id == p.channel_id]
        renderer = PostRenderer(gid, rt.me, rt.store.groups.list_members(gid),
                                crypto.fingerprint, lambda ids: rt.store.posts.get_posts(gid, ids),
                                rt.store.profiles.names(gid))
        return decorate(rt.store, gid, posts, renderer.posts(posts))
