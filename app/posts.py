"""Posting and reading posts: `Services.posts`."""
from __future__ import annotations

from typing import Any

import crypto
from app import notes
from app.access import Access
from app.errors import InvalidInput, NotAllowed, NotFound
from app.render import PostRenderer, merge_warnings
from app.runtime import Pending, Runtime
from app.store import NewPost, Post, PostPage, Store
from app.views import ChangeEvent, ChangeKind, Page, PostView

MAX_TEXT_BYTES = 32_000
MAX_PAGE = 5000
MSG_REMOVED = "You were removed from this group; it is read-only now."


def _text(text: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("A post needs some text.")
    if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
        raise InvalidInput("That post is too long; the limit is 32,000 bytes.")
    return text


def page_limit(limit: int) -> int:
    """A page size from a caller: at least 1, at most MAX_PAGE."""
    if limit < 1:
        raise InvalidInput("The page size must be at least 1.")
    return min(limit, MAX_PAGE)


class PostService:
    """Write posts, replies, reactions, edits and deletes; read pages of a timeline."""

    def __init__(self, access: Access) -> None:
        self._access = access

    # -- resolving ---------------------------------------------------------------------------
    def _msg_id(self, rt: Runtime, gid: bytes, ref: str) -> bytes:
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
                raise InvalidInput(f"Several posts start with '{ref}'; give more of the id.")
        raise NotFound(f"There is no post '{ref}' in this group.")

    def _stored_post(self, rt: Runtime, gid: bytes, ref: str) -> Post:
        post = rt.store.posts.get_post(gid, self._msg_id(rt, gid, ref))
        if post is None:
            raise NotFound(f"There is no post '{ref}' in this group.")
        return post

    def _active(self, rt: Runtime, group: str) -> tuple[bytes, crypto.GroupSession]:
        record = rt.resolve_group(group)
        if record.removed:
            raise NotAllowed(MSG_REMOVED)
        return record.id, rt.session(record.id)

    # -- writing -----------------------------------------------------------------------------
    def _seal(self, rt: Runtime, gid: bytes, session: crypto.GroupSession, content: Any,
              local: Any = None, changes: bytes | None = None) -> crypto.Sealed:
        """Seal, then commit blob + outbox row (+ the local effect) in one transaction.

        `changes` names the post whose row the message alters (an edit, reaction or delete);
        the change event carries that id, since the message's own id is no row anyone shows.
        """
        with rt.lock:
            try:
                sealed = session.seal(content, rt.now(), rt.rng)
            except crypto.NotAllowed as exc:
                raise NotAllowed(MSG_REMOVED if session.status == "removed"
                                 else f"{str(exc).capitalize().rstrip('.')}.") from exc

            def work(store: Store, pending: Pending) -> None:
                store.groups.save_group_state(gid, session.to_bytes())
                if local is not None:
                    local(store, sealed)
                rt.enqueue_in_txn(store, session.relay_url, [sealed.outgoing], gid, pending)
                shown = changes if changes is not None else sealed.message_id
                pending.events.append(ChangeEvent(ChangeKind.POSTS, gid.hex(), (shown.hex(),)))
                pending.events.append(ChangeEvent(ChangeKind.GROUPS, gid.hex()))

            rt.commit(work, touched=[gid])
        return sealed

    def _post(self, group: str, text: str, reply_to: str | None) -> PostView:
        rt = self._access.runtime()
        text = _text(text)
        gid, session = self._active(rt, group)
        target = self._stored_post(rt, gid, reply_to).msg_id if reply_to else None

        name = rt.sender_name(session, rt.identity.ik)

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.posts.insert_posts([NewPost(gid, sealed.message_id, rt.identity.ik, name,
                                        sealed.sent_at, sealed.sent_at, sealed.seq, "post", text,
                                        target, None, True)])

        sealed = self._seal(rt, gid, session, crypto.Post(text, target), local)
        return self.get(gid.hex(), sealed.message_id.hex())

    def post(self, group: str, text: str) -> PostView:
        return self._post(group, text, None)

    def reply(self, group: str, post_id: str, text: str) -> PostView:
        return self._post(group, text, post_id)

    def react(self, group: str, post_id: str, emoji: str, on: bool = True) -> None:
        rt = self._access.runtime()
        gid, session = self._active(rt, group)
        if not emoji or not emoji.strip() or len(emoji.encode("utf-8")) > 64:
            raise InvalidInput("A reaction is one emoji.")
        target = self._stored_post(rt, gid, post_id)
        if target.deleted:
            raise NotAllowed("That post was deleted.")

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.posts.apply_reaction(gid, target.msg_id, rt.identity.ik, emoji, on, sealed.sent_at)

        self._seal(rt, gid, session, crypto.Reaction(target.msg_id, emoji, on), local,
                   target.msg_id)

    def edit(self, group: str, post_id: str, text: str) -> None:
        rt = self._access.runtime()
        text = _text(text)
        gid, session = self._active(rt, group)
        target = self._stored_post(rt, gid, post_id)
        if target.sender_ik != rt.identity.ik:
            raise NotAllowed("You can only edit your own posts.")
        if target.deleted:
            raise NotAllowed("That post was deleted.")

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.posts.apply_edit(gid, target.msg_id, text, sealed.sent_at, author=rt.identity.ik)

        self._seal(rt, gid, session, crypto.Edit(target.msg_id, text), local, target.msg_id)

    def delete(self, group: str, post_id: str) -> None:
        rt = self._access.runtime()
        gid, session = self._active(rt, group)
        target = self._stored_post(rt, gid, post_id)
        if target.deleted:
            return
        admin = target.sender_ik != rt.identity.ik
        if not admin:
            content: Any = crypto.Delete(target.msg_id)
        elif session.is_admin:
            content = crypto.AdminRemove(target.msg_id)
        else:
            raise NotAllowed("Only admins can delete other members' posts.")

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.posts.apply_delete(gid, target.msg_id, rt.identity.ik, sealed.sent_at, admin=admin)

        self._seal(rt, gid, session, content, local, target.msg_id)

    # -- reading -----------------------------------------------------------------------------
    def _page(self, rt: Runtime, gid: bytes, page: PostPage, *, first: bool | None = None,
              last: bool | None = None) -> Page:
        members = rt.store.groups.list_members(gid)
        renderer = PostRenderer(gid, rt.identity.ik, members, crypto.fingerprint,
                                lambda ids: rt.store.posts.get_posts(gid, ids))
        views = renderer.posts(page.posts)
        warnings = [renderer.warning(w) for w in rt.store.groups.list_warnings(gid)]
        warnings += notes.note_views(rt.store.groups.control_log(gid), renderer.shown,
                                     crypto.fingerprint, rt.identity.ik)
        merged = merge_warnings(views, warnings,
                                first=not page.more_before if first is None else first,
                                last=not page.more_after if last is None else last)
        return Page(tuple(merged), page.more_before, page.more_after)

    def latest(self, group: str, limit: int = 50) -> Page:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        return self._page(rt, gid, rt.store.posts.latest_posts(gid, page_limit(limit)))

    def before(self, group: str, post_id: str, limit: int = 50) -> Page:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        anchor = self._stored_post(rt, gid, post_id)
        return self._page(rt, gid, rt.store.posts.posts_before(gid, anchor.key, page_limit(limit)),
                          last=False)

    def after(self, group: str, post_id: str, limit: int = 50) -> Page:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        anchor = self._stored_post(rt, gid, post_id)
        return self._page(rt, gid, rt.store.posts.posts_after(gid, anchor.key, page_limit(limit)),
                          first=False)

    def around(self, group: str, post_id: str, limit: int = 50) -> Page:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        msg_id = self._msg_id(rt, gid, post_id)
        page = rt.store.posts.posts_around(gid, msg_id, page_limit(limit))
        if page is None:
            raise NotFound(f"There is no post '{post_id}' in this group.")
        return self._page(rt, gid, page)

    def get(self, group: str, post_id: str) -> PostView:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        post = self._stored_post(rt, gid, post_id)
        renderer = PostRenderer(gid, rt.identity.ik, rt.store.groups.list_members(gid),
                                crypto.fingerprint, lambda ids: rt.store.posts.get_posts(gid, ids))
        return renderer.posts([post])[0]
