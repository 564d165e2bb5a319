"""Threads: `Services.threads` — following, read state and the list of followed threads.

A thread is a post (its root) and the replies that name it; reading and writing them goes
through `Services.posts` (`latest(..., thread=ROOT)`, `post(..., thread=ROOT)`). This
device follows the threads it starts on its own posts and replies in; following means
new replies notify. Forum topics are threads.
"""
from __future__ import annotations

import crypto
from app.access import Access
from app.errors import NotFound
from app.i18n import _
from app.posts import decorate
from app.render import PostRenderer
from app.runtime import Runtime
from app.store import Post
from app.views import ChangeEvent, ChangeKind, PostView


class ThreadService:
    """Follow, unfollow and mark threads read; list the threads I follow."""

    def __init__(self, access: Access) -> None:
        self._access = access

    @staticmethod
    def _root(rt: Runtime, group: str, post_id: str) -> tuple[bytes, Post]:
        gid = rt.resolve_group(group).id
        text = (post_id or "").strip().lower()
        ids: list[bytes] = []
        if len(text) == 64:
            try:
                ids = [bytes.fromhex(text)]
            except ValueError:
                ids = []
        elif 6 <= len(text) < 64 and all(c in "0123456789abcdef" for c in text):
            ids = rt.store.posts.find_msg_ids(gid, text, 2)
        post = rt.store.posts.get_post(gid, ids[0]) if len(ids) == 1 else None
        if post is None:
            raise NotFound(_("There is no post '{ref}' in this group.").format(ref=post_id))
        if post.thread_root is not None:
            root = rt.store.posts.get_post(gid, post.thread_root)
            if root is None:
                raise NotFound(_("That thread's first post is not on this device."))
            post = root
        return gid, post

    def follow(self, group: str, post_id: str, following: bool = True) -> None:
        """Follow (replies notify) or unfollow the thread of `post_id` (any of its posts)."""
        rt = self._access.runtime()
        gid, root = self._root(rt, group, post_id)
        rt.store.channels.set_following(gid, root.msg_id, following)
        rt.hub.emit(ChangeEvent(ChangeKind.POSTS, gid.hex(), (root.msg_id.hex(),)))

    def mark_read(self, group: str, post_id: str) -> None:
        rt = self._access.runtime()
        gid, root = self._root(rt, group, post_id)
        if rt.store.channels.mark_thread_read(gid, root.msg_id):
            rt.hub.emit(ChangeEvent(ChangeKind.POSTS, gid.hex(), (root.msg_id.hex(),)))

    def root(self, group: str, post_id: str) -> PostView:
        """The thread's first post, with its reply count, last replier and my state."""
        rt = self._access.runtime()
        gid, root = self._root(rt, group, post_id)
        return self._views(rt, gid, [root])[0]

    def is_following(self, group: str, post_id: str) -> bool:
        rt = self._access.runtime()
        gid, root = self._root(rt, group, post_id)
        return rt.store.channels.is_following(gid, root.msg_id)

    def followed(self, group: str) -> list[PostView]:
        """The roots of the threads I follow, newest reply first."""
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        stored = rt.store.posts.get_posts(gid, rt.store.channels.followed_roots(gid))
        views = self._views(rt, gid, list(stored.values()))
        return sorted(views, key=lambda v: (v.thread.last_at or v.sent_at) if v.thread
                      else v.sent_at, reverse=True)

    @staticmethod
    def _views(rt: Runtime, gid: bytes, posts: list[Post]) -> list[PostView]:
        renderer = PostRenderer(gid, rt.me, rt.store.groups.list_members(gid),
                                crypto.fingerprint, lambda ids: rt.store.posts.get_posts(gid, ids),
                                rt.store.profiles.names(gid))
        return decorate(rt.store, gid, posts, renderer.posts(posts))
