"""The resource library of a group — `Services.library`.

Members save posts (or one link of a post) with a title, description and tags; entries are
signed payloads (kinds 26-29) every client checks: anyone removes their own entries, admins
remove anyone's, pin and replace tags. Removing an entry takes it out of the library,
never the post out of the conversation.
"""
from __future__ import annotations

from dataclasses import dataclass

import crypto
from app import sending
from app.access import Access
from app.errors import InvalidInput, NotAllowed, NotFound
from app.i18n import _
from app.store import Store
from app.store.files import LibraryRow, TagOrder
from crypto.file_payloads import (
    MAX_DESCRIPTION_BYTES,
    MAX_TAG_BYTES,
    MAX_TAGS,
    MAX_TITLE_BYTES,
    LibraryAdd,
    LibraryPin,
    LibraryRemove,
    LibraryTags,
)


@dataclass(frozen=True)
class LibraryItem:
    id: str
    post_id: str
    title: str
    description: str
    tags: tuple[str, ...]
    link: str
    author: str          # fingerprint
    added_at: int
    pinned: bool


def _tags(tags: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    clean = tuple(dict.fromkeys(t.strip() for t in tags if t.strip()))
    if len(clean) > MAX_TAGS or any(len(t.encode()) > MAX_TAG_BYTES for t in clean):
        raise InvalidInput(_("At most {count} tags of up to {limit} bytes each.").format(
            count=MAX_TAGS, limit=MAX_TAG_BYTES))
    return clean


class LibraryService:
    def __init__(self, access: Access) -> None:
        self._access = access

    def add(self, group: str, post_id: str, title: str = "", tags: list[str] | None = None,
            description: str = "", link: str = "") -> str:
        """Save a post to the library; the new item's id."""
        rt = self._access.runtime()
        gid, session = sending.active(rt, group)
        post = sending.stored_post(rt, gid, post_id)
        if post.deleted:
            raise NotAllowed(_("That post was deleted."))
        if len(title.encode()) > MAX_TITLE_BYTES:
            raise InvalidInput(_("The title is too long; the limit is {limit} bytes.").format(
                limit=MAX_TITLE_BYTES))
        if len(description.encode()) > MAX_DESCRIPTION_BYTES:
            raise InvalidInput(_("The description is too long; the limit is {limit} bytes.").format(
                limit=MAX_DESCRIPTION_BYTES))
        content = LibraryAdd(post.msg_id, title, description, _tags(tags or []), link)

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.files.library_add(LibraryRow(gid, sealed.message_id, post.msg_id,
                                               rt.me, sealed.sent_at, title,
                                               description, content.tags, link, False))

        sealed = sending.seal_checked(rt, gid, session, content, local, post.msg_id)
        return sealed.message_id.hex()

    def _item(self, group: str, item_id: str) -> tuple[bytes, LibraryRow]:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        text = (item_id or "").strip().lower()
        found = [r for r in rt.store.files.library(gid) if r.item_id.hex().startswith(text)]
        if not text or not found:
            raise NotFound(_("There is no library item '{item}' in this group.").format(item=item_id))
        if len(found) > 1:
            raise InvalidInput(_("Several library items start with '{item}'; give more of it.").format(
                item=item_id))
        return gid, found[0]

    def remove(self, group: str, item_id: str) -> None:
        rt = self._access.runtime()
        gid, row = self._item(group, item_id)
        _gid, session = sending.active(rt, group)
        mine = row.author_ik == rt.me
        if not mine and not session.is_admin:
            raise NotAllowed(_("Only its author or an admin can remove a library item."))

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.files.library_remove(gid, row.item_id, rt.me, session.is_admin)

        sending.seal_checked(rt, gid, session, LibraryRemove(row.item_id), local, row.target)

    def pin(self, group: str, item_id: str, pinned: bool = True) -> None:
        rt = self._access.runtime()
        gid, row = self._item(group, item_id)
        _gid, session = sending.active(rt, group)
        if not session.is_admin:
            raise NotAllowed(_("Only admins can pin library items."))

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.files.library_pin(gid, row.item_id, pinned, TagOrder.of(
                sealed.sent_at, rt.me, sealed.epoch, sealed.seq, sealed.message_id))

        sending.seal_checked(rt, gid, session, LibraryPin(row.item_id, pinned), local, row.target)

    def set_tags(self, group: str, item_id: str, tags: list[str]) -> None:
        """Admins replace a library item's tags (a signed payload only admins' count);
        concurrent edits converge on the one last in (signed time, author, seq)."""
        rt = self._access.runtime()
        gid, row = self._item(group, item_id)
        _gid, session = sending.active(rt, group)
        if not session.is_admin:
            raise NotAllowed(_("Only admins can edit the tags of library items."))
        clean = _tags(tags)

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.files.library_tags(gid, row.item_id, clean, TagOrder.of(
                sealed.sent_at, rt.me, sealed.epoch, sealed.seq, sealed.message_id))

        sending.seal_checked(rt, gid, session, LibraryTags(row.item_id, clean), local, row.target)

    def items(self, group: str, channel: bytes | None = None,
              member: str | None = None) -> list[LibraryItem]:
        """Pinned first, then newest first; `channel` keeps items whose post is in that
        channel, `member` (a name or fingerprint) items that member saved."""
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        who = rt.resolve_member(gid, member).ik if member is not None else None
        rows = [r for r in rt.store.files.library(gid) if who is None or r.author_ik == who]
        if channel is not None:
            rows = [r for r in rows if (p := rt.store.posts.get_post(gid, r.target)) is not None
                    and p.channel_id == channel]
        return [LibraryItem(r.item_id.hex(), r.target.hex(), r.title, r.description, r.tags,
                            r.link, crypto.fingerprint(r.author_ik), r.added_time, r.pinned)
                for r in rows]
