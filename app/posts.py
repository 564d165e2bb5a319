"""Posting and reading posts: `Services.posts`."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

import crypto
import crypto.spaces
from app import cards, file_views, notes, sending
from app import moderation_log as moderation
from app.access import Access
from app.channel_refs import resolve_channel
from app.errors import InvalidInput, NotAllowed, NotFound
from app.governance import announces
from app.i18n import _
from app.render import PostRenderer, merge_warnings
from app.runtime import Runtime
from app.store import GENERAL, Channel, NewPost, Post, PostPage, Store
from app.views import Page, PostView, ThreadInfo

MAX_TEXT_BYTES = 32_000
MAX_PAGE = 5000
MAX_TITLE_BYTES = 200


T = TypeVar("T")


def _text(text: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput(_("A post needs some text."))
    if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
        raise InvalidInput(_("That post is too long; the limit is 32,000 bytes."))
    return text


def on_store_thread(rt: Runtime, read: Callable[[], T]) -> T:
    """Run a page read whole on the store's thread: its half-dozen queries (the page, the
    members, threads, pins, files) run inline there instead of each waiting for that thread
    in turn, which on a busy machine is most of the time a timeline takes to open."""
    return rt.store.run(lambda _store: read())


def page_limit(limit: int) -> int:
    """A page size from a caller: at least 1, at most MAX_PAGE."""
    if limit < 1:
        raise InvalidInput(_("The page size must be at least 1."))
    return min(limit, MAX_PAGE)


class PostService:
    """Write posts, replies, reactions, edits and deletes; read pages of a timeline."""

    def __init__(self, access: Access) -> None:
        self._access = access

    # -- writing -----------------------------------------------------------------------------
    def _post(self, group: str, text: str, reply_to: str | None, channel: str | None = None,
              thread: str | None = None, title: str | None = None,
              tags: Sequence[str] = ()) -> PostView:
        rt = self._access.runtime()
        text = _text(text)
        gid, session = sending.active(rt, group)
        target = sending.stored_post(rt, gid, reply_to).msg_id if reply_to else None
        root: Post | None = None
        if thread is not None:
            root = sending.stored_post(rt, gid, thread)
            if root.thread_root is not None:   # a reply to a reply stays in the root's thread
                root = sending.stored_post(rt, gid, root.thread_root.hex())
            if root.kind != "post" or root.deleted:
                raise NotAllowed(_("That post cannot take replies."))
        chan = resolve_channel(rt.store, gid, channel) if root is None else None
        if root is not None and channel is not None and \
                resolve_channel(rt.store, gid, channel).id != root.channel_id:
            raise InvalidInput(_("That thread is in another channel."))
        title = (title or "").strip()
        tag_list = tuple(sorted(set(t.strip() for t in tags if t.strip())))
        if root is not None and (title or tag_list):
            raise InvalidInput(_("A reply in a thread has no title or tags."))
        if chan is not None:
            _check_top_level(chan, announces(session), title, tag_list)
        channel_id = root.channel_id if root is not None else chan.id  # type: ignore[union-attr]
        content = crypto.Post(text, target, channel_id, root.msg_id if root else None, title,
                              tag_list)
        name = rt.sender_name(session, rt.me)

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.posts.insert_posts([NewPost(gid, sealed.message_id, rt.me, name,
                                        sealed.sent_at, sealed.sent_at, sealed.seq, "post", text,
                                        target, None, True, channel_id,
                                        root.msg_id if root else None, title or None, tag_list,
                                        announces(session))])

        sealed = sending.seal_checked(rt, gid, session, content, local)
        return self.get(gid.hex(), sealed.message_id.hex())

    def post(self, group: str, text: str, *, channel: str | None = None,
             thread: str | None = None, title: str | None = None,
             tags: Sequence[str] = ()) -> PostView:
        """Post to a channel (General by default), as a reply in `thread` (any post of the
        thread), or as a forum topic with a title and tags."""
        return self._post(group, text, None, channel, thread, title, tags)

    def reply(self, group: str, post_id: str, text: str) -> PostView:
        """An inline reply quoting `post_id`, in the same channel and thread."""
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        quoted = sending.stored_post(rt, gid, post_id)
        if quoted.thread_root is not None:
            return self._post(group, text, post_id, None, quoted.thread_root.hex())
        return self._post(group, text, post_id, quoted.channel_id.hex())

    def react(self, group: str, post_id: str, emoji: str, on: bool = True) -> None:
        rt = self._access.runtime()
        gid, session = sending.active(rt, group)
        if not emoji or not emoji.strip() or len(emoji.encode("utf-8")) > 64:
            raise InvalidInput(_("A reaction is one emoji."))
        target = sending.stored_post(rt, gid, post_id)
        if target.deleted:
            raise NotAllowed(_("That post was deleted."))

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.posts.apply_reaction(gid, target.msg_id, rt.me, emoji, on, sealed.sent_at)

        sending.seal_checked(rt, gid, session, crypto.Reaction(target.msg_id, emoji, on), local,
                   target.msg_id)

    def edit(self, group: str, post_id: str, text: str) -> None:
        rt = self._access.runtime()
        text = _text(text)
        gid, session = sending.active(rt, group)
        target = sending.stored_post(rt, gid, post_id)
        if target.sender_ik != rt.me:
            raise NotAllowed(_("You can only edit your own posts."))
        if target.deleted:
            raise NotAllowed(_("That post was deleted."))

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.posts.apply_edit(gid, target.msg_id, text, sealed.sent_at, author=rt.me)

        sending.seal_checked(rt, gid, session, crypto.Edit(target.msg_id, text), local, target.msg_id)

    def delete(self, group: str, post_id: str) -> None:
        rt = self._access.runtime()
        gid, session = sending.active(rt, group)
        target = sending.stored_post(rt, gid, post_id)
        if target.deleted:
            return
        admin = target.sender_ik != rt.me
        if not admin:
            content: Any = crypto.Delete(target.msg_id)
        elif crypto.can(session.my_role or "", "moderate"):
            content = crypto.AdminRemove(target.msg_id)
        else:
            raise NotAllowed(_("Only moderators and admins can delete other members' posts."))

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.posts.apply_delete(gid, target.msg_id, rt.me, sealed.sent_at, admin=admin)

        sending.seal_checked(rt, gid, session, content, local, target.msg_id)

    # -- reading -----------------------------------------------------------------------------
    def _page(self, rt: Runtime, gid: bytes, page: PostPage, *, first: bool | None = None,
              last: bool | None = None, channel: bytes = GENERAL,
              thread: bytes | None = None) -> Page:
        members = rt.store.groups.list_members(gid)
        renderer = PostRenderer(gid, rt.me, members, crypto.fingerprint,
                                lambda ids: rt.store.posts.get_posts(gid, ids),
                                rt.store.profiles.names(gid))
        views = moderation.own_approval(rt, gid, cards.attach(rt, gid, decorate(
            rt.store, gid, page.posts, renderer.posts(page.posts))))
        warnings: list[PostView] = []
        if channel == GENERAL and thread is None:   # group-wide warnings and notes
            warnings = [renderer.warning(w) for w in rt.store.groups.list_warnings(gid)]
            warnings += notes.note_views(rt.store.groups.control_log(gid), renderer.shown,
                                         crypto.fingerprint, rt.me)
            warnings += moderation.timeline_lines(rt, gid)
        merged = merge_warnings(views, warnings,
                                first=not page.more_before if first is None else first,
                                last=not page.more_after if last is None else last)
        return Page(tuple(merged), page.more_before, page.more_after)

    def _scope(self, rt: Runtime, gid: bytes, channel: str | None,
               thread: str | None) -> tuple[bytes, bytes | None]:
        if thread is not None:
            root = sending.stored_post(rt, gid, thread)
            return root.channel_id, root.thread_root or root.msg_id
        return resolve_channel(rt.store, gid, channel).id, None

    def latest(self, group: str, limit: int = 50, *, channel: str | None = None,
               thread: str | None = None) -> Page:
        """The newest posts of a channel (General by default), or of a thread's replies."""
        rt = self._access.runtime()

        def read() -> Page:
            gid = rt.resolve_group(group).id
            cid, root = self._scope(rt, gid, channel, thread)
            page = rt.store.posts.latest_posts(gid, page_limit(limit), cid, root)
            return self._page(rt, gid, page, channel=cid, thread=root)

        return on_store_thread(rt, read)

    def before(self, group: str, post_id: str, limit: int = 50) -> Page:
        """Older posts of the timeline `post_id` is in (its channel or its thread)."""
        rt = self._access.runtime()

        def read() -> Page:
            gid = rt.resolve_group(group).id
            anchor = sending.stored_post(rt, gid, post_id)
            page = rt.store.posts.posts_before(gid, anchor.key, page_limit(limit), anchor.channel_id,
                                               anchor.thread_root)
            return self._page(rt, gid, page, last=False, channel=anchor.channel_id,
                              thread=anchor.thread_root)

        return on_store_thread(rt, read)

    def after(self, group: str, post_id: str, limit: int = 50) -> Page:
        rt = self._access.runtime()

        def read() -> Page:
            gid = rt.resolve_group(group).id
            anchor = sending.stored_post(rt, gid, post_id)
            page = rt.store.posts.posts_after(gid, anchor.key, page_limit(limit), anchor.channel_id,
                                              anchor.thread_root)
            return self._page(rt, gid, page, first=False, channel=anchor.channel_id,
                              thread=anchor.thread_root)

        return on_store_thread(rt, read)

    def around(self, group: str, post_id: str, limit: int = 50) -> Page:
        rt = self._access.runtime()

        def read() -> Page:
            gid = rt.resolve_group(group).id
            msg_id = sending.msg_id(rt, gid, post_id)
            page = rt.store.posts.posts_around(gid, msg_id, page_limit(limit))
            if page is None:
                raise NotFound(_("There is no post '{ref}' in this group.").format(ref=post_id))
            anchor = next(p for p in page.posts if p.msg_id == msg_id)
            return self._page(rt, gid, page, channel=anchor.channel_id, thread=anchor.thread_root)

        return on_store_thread(rt, read)

    def get_many(self, group: str, post_ids: Sequence[str]) -> list[PostView]:
        """Fresh copies of the stored posts among `post_ids` (in that order; ids that are
        not posts, such as note rows, are skipped): a window re-reads the rows it shows."""
        rt = self._access.runtime()
        wanted = []
        for pid in post_ids:
            try:
                raw = bytes.fromhex(pid)
            except ValueError:
                continue
            if len(raw) == 32:          # a message id (note and warning rows have others)
                wanted.append(raw)

        def read() -> list[PostView]:
            gid = rt.resolve_group(group).id
            stored = rt.store.posts.get_posts(gid, wanted)
            posts = [stored[m] for m in wanted if m in stored]
            if not posts:
                return []
            renderer = PostRenderer(gid, rt.me, rt.store.groups.list_members(gid),
                                    crypto.fingerprint,
                                    lambda ids: rt.store.posts.get_posts(gid, ids),
                                    rt.store.profiles.names(gid))
            return moderation.own_approval(rt, gid, cards.attach(rt, gid, decorate(
                rt.store, gid, posts, renderer.posts(posts))))

        return on_store_thread(rt, read)

    def get(self, group: str, post_id: str) -> PostView:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        post = sending.stored_post(rt, gid, post_id)
        renderer = PostRenderer(gid, rt.me, rt.store.groups.list_members(gid),
                                crypto.fingerprint, lambda ids: rt.store.posts.get_posts(gid, ids),
                                rt.store.profiles.names(gid))
        return moderation.own_approval(rt, gid, cards.attach(rt, gid, decorate(
            rt.store, gid, [post], renderer.posts([post]))))[0]


def _check_top_level(chan: Channel, admin: bool, title: str, tags: tuple[str, ...]) -> None:
    """A new top-level post in `chan`: the channel's rules, one sentence each."""
    if chan.archived:
        raise NotAllowed(_("The channel '{name}' is archived; it takes no new posts.").format(
            name=chan.name))
    if chan.kind == "announcements" and not admin:
        raise NotAllowed(_("Only admins and moderators post in '{name}'; reply in a thread "
                           "instead.").format(
            name=chan.name))
    if chan.kind == "forum" and not title:
        raise InvalidInput(_("A post in a forum starts a topic; give it a title."))
    if chan.kind != "forum" and (title or tags):
        raise InvalidInput(_("Only topics in a forum channel have a title and tags."))
    if len(title.encode("utf-8")) > MAX_TITLE_BYTES:
        raise InvalidInput(_("That title is too long; the limit is 200 bytes."))
    unknown = [t for t in tags if t not in chan.tags]
    if unknown:
        raise InvalidInput(_("'{tag}' is not one of this forum's tags.").format(tag=unknown[0]))


def decorate(store: Store, gid: bytes, posts: Sequence[Post],
             views: list[PostView]) -> list[PostView]:
    """Add what channels, threads and pins say about each post: its thread, whether a
    channel rule rejects it, whether it is pinned; and whether a moderator did not approve
    my own post (first-post approval)."""
    roots = [p.msg_id for p in posts if p.thread_root is None and p.kind == "post"]
    threads = store.channels.thread_summaries(gid, roots) if roots else {}
    kinds = {c.id: c for c in store.channels.list_channels(gid)}
    pinned = {(pin.channel_id, pin.target) for pin in store.channels.list_pins(gid)}
    files = store.files.files_for(gid, [p.msg_id for p in posts if not p.deleted])
    # my own posts a moderator did not approve (first-post approval): said so, not "deleted"
    mine = [p.msg_id for p in posts if p.mine and p.deleted]
    not_approved = store.reports.rejected_among(gid, mine) if mine else set()
    out = []
    for p, v in zip(posts, views, strict=True):
        changes: dict[str, Any] = {}
        if p.msg_id in files:
            changes.update(file_views.with_files(v, files[p.msg_id]))
        t = threads.get(p.msg_id)
        if t is not None:
            changes["thread"] = ThreadInfo(t.replies, t.last_sender_name, t.last_time, t.unread,
                                           t.following)
        chan = kinds.get(p.channel_id)
        if p.thread_root is None and not crypto.spaces.top_level_allowed(
                _KIND_CODES.get(chan.kind) if chan else None, p.by_admin):
            changes["rejected"] = crypto.spaces.RULE_ANNOUNCE
        if (p.channel_id, p.msg_id) in pinned:
            changes["pinned"] = True
        if p.msg_id in not_approved:
            changes["approval"] = "rejected"
        if chan is not None and p.tags:
            changes["tags"] = tuple(t for t in p.tags if t in chan.tags)
        out.append(replace(v, **changes) if changes else v)
    return out


_KIND_CODES = {"chat": 0, "forum": 1, "announcements": 2}
