"""What received file and library payloads do to the store (called by app/inbound.py).

Attachment posts become a post row (caption + file lines, see app.files.attachment_text)
plus one `files` row per file. A file delete is honoured only from the post's sender; a
library pin only from an admin; a library removal from the entry's author or an admin.
Concurrent tag edits and pins converge: the edit last in (signed time, author, seq, message
id) wins on every client, whatever order they arrive in (store.files.library_tags, _pin).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import crypto
from app.file_names import CACHE_DIR, attachment_text
from app.inbound_work import GroupWork, Opener
from app.runtime import Runtime
from app.store import NewPost, Store
from app.store.files import FileRow, LibraryRow, TagOrder
from crypto.file_payloads import (
    Attachment,
    FileDelete,
    LibraryAdd,
    LibraryPin,
    LibraryRemove,
    LibraryTags,
)
from crypto.governance import ACT_ANNOUNCE

FILE_CONTENT = (Attachment, FileDelete, LibraryAdd, LibraryRemove, LibraryPin, LibraryTags)


def attachment_post(gid: bytes, ev: Any, name: str, now: int, by_admin: bool) -> NewPost:
    c: Attachment = ev.content
    return NewPost(gid, ev.message_id, ev.sender_ik, name, ev.sent_at, now, ev.seq, "post",
                   attachment_text(c), c.reply_to, None, False, c.channel, None, None, (),
                   by_admin)


def allowed(content: object, admin: bool) -> bool:
    """Whether a sender with this role may send `content` at all (checked on arrival)."""
    return admin or not isinstance(content, (LibraryPin, LibraryTags))


def apply(store: Store, profile_dir: Path, gid: bytes, sender: bytes, ev: Any,
          admin: bool) -> None:
    c = ev.content
    if isinstance(c, Attachment):
        store.files.insert_files([
            FileRow(gid, ev.message_id, i, f.blob_id, f.key, f.blob_hash, f.size, f.media_type,
                    f.name, f.width, f.height, f.thumbnail, sender, ev.sent_at, c.channel,
                    c.caption) for i, f in enumerate(c.files)])
    elif isinstance(c, FileDelete):
        gone = store.files.delete_files(gid, c.target, sender)
        if gone:
            store.posts.apply_delete(gid, c.target, sender, ev.sent_at, admin=None)
            folder = Path(profile_dir) / CACHE_DIR
            for blob_id in gone:
                (folder / f"{blob_id.hex()}.blob").unlink(missing_ok=True)
                (folder / f"{blob_id.hex()}.part").unlink(missing_ok=True)
            store.files.cache_forget(gone)
    elif isinstance(c, LibraryAdd):
        store.files.library_add(LibraryRow(gid, ev.message_id, c.target, sender, ev.sent_at,
                                           c.title, c.description, c.tags, c.link, False))
    elif isinstance(c, LibraryRemove):
        store.files.library_remove(gid, c.item, sender, admin)
    elif isinstance(c, LibraryPin) and admin:
        store.files.library_pin(gid, c.item, c.pinned, TagOrder.of(
            ev.sent_at, sender, ev.epoch, ev.seq, ev.message_id))
    elif isinstance(c, LibraryTags) and admin:
        store.files.library_tags(gid, c.item, c.tags, TagOrder.of(
            ev.sent_at, sender, ev.epoch, ev.seq, ev.message_id))


def is_admin(session: crypto.GroupSession, ik: bytes) -> bool:
    member = session.member(ik)
    return member is not None and member.is_admin       # an owner curates as admins do


@dataclass(frozen=True)
class FileChange:
    """A file or library payload queued for the store, with the sender's role on arrival."""

    event: Any
    admin: bool

    @property
    def content(self) -> Any:
        return self.event.content


def open_file(rt: Runtime, gw: GroupWork, gid: bytes, ev: crypto.ContentReceived, name: str,
              now: int) -> None:
    c = ev.content
    admin = is_admin(gw.session, ev.sender_ik)
    if isinstance(c, Attachment):
        sender = gw.session.member(ev.sender_ik)
        gw.posts.append(attachment_post(
            gid, ev, name, now,
            sender is not None and crypto.can(sender.role, ACT_ANNOUNCE)))
    if allowed(c, admin):
        gw.changes.append((ev.sender_ik, FileChange(ev, admin), apply_change))


def apply_change(rt: Runtime, store: Store, gid: bytes, gw: GroupWork, sender: bytes,
                 fc: FileChange) -> None:
    apply(store, rt.profile_dir, gid, sender, fc.event, fc.admin)


OPENERS: dict[type, Opener] = dict.fromkeys(FILE_CONTENT, open_file)
