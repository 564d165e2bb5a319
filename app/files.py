"""Files: attaching, uploading, downloading, saving and deleting — `Services.files`.

`FileService` is the one face of files: it lists and describes the files and links of a
group and withdraws my own, and hands the rest to three parts of its own —
`app.files_upload` (encrypt into the outbox, upload, seal the post once), `app.files_download`
(fetch into the cache, verify, save or open) and `app.files_cache` (the encrypted blob cache
and its least-recently-used limit). docs/protocol.md §15 has the formats.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import crypto
from app import sending
from app.access import Access
from app.errors import InvalidInput, NotAllowed, NotFound
from app.file_names import CACHE_DIR, looks_executable, safe_name
from app.files_cache import BlobCache, Cancelled, Progress, blob_client, blob_path
from app.files_download import Downloads, FileAltered
from app.files_upload import AttachResult, Previewer, Uploads, guess_media_type
from app.i18n import _
from app.runtime import Runtime
from app.store import Store
from app.store.files import FileRow, Upload
from crypto.file_payloads import GENERAL_CHANNEL, MAX_FILES, FileDelete
from sync.errors import SyncError

__all__ = ["CACHE_DIR", "KINDS", "MAX_FILES", "SORTS", "AttachResult", "Cancelled",
           "FileAltered", "FileService", "FileView", "LinkView", "Progress", "describe",
           "guess_media_type", "media_kind"]

KINDS = ("images", "documents", "media", "links")
SORTS = ("newest", "oldest", "name", "size")
_LINK = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)


@dataclass(frozen=True)
class FileView:
    group_id: str
    post_id: str
    index: int
    name: str                    # safe to show and to save under
    size: int
    media_type: str
    kind: str                    # images | documents | media
    width: int
    height: int
    has_preview: bool
    sender: str                  # fingerprint of the sender
    sent_at: int
    channel_id: str
    caption: str
    cached: bool
    executable: bool


@dataclass(frozen=True)
class LinkView:
    group_id: str
    post_id: str
    url: str
    sender: str
    sent_at: int
    channel_id: str


def media_kind(media_type: str) -> str:
    if media_type.startswith("image/"):
        return "images"
    if media_type.startswith(("audio/", "video/")):
        return "media"
    return "documents"



class FileService:
    """Attach, upload, download, save, open and delete files of posts."""

    def __init__(self, access: Access) -> None:
        self._access = access
        self.cache = BlobCache(access)
        self.uploads = Uploads(access, self.cache)
        self.downloads = Downloads(access, self.cache)

    @property
    def previewer(self) -> Previewer | None:
        """Makes (width, height, thumbnail) of an image being attached; the window sets it
        (Qt reads images), headless attaches carry no preview."""
        return self.uploads.previewer

    @previewer.setter
    def previewer(self, make: Previewer | None) -> None:
        self.uploads.previewer = make

    # -- sending (app.files_upload) --------------------------------------------------------
    def attach(self, group: str, paths: list[str | Path], caption: str = "",
               channel: bytes | None = None, reply_to: str | None = None,
               progress: Progress | None = None,
               cancel: threading.Event | None = None) -> AttachResult:
        """Encrypt `paths` into the outbox and upload them; the post goes once all are stored.

        InvalidInput for a missing, unreadable or too large file; the relay being down is
        not an error: the result says the upload waits (`resume_uploads` continues it).
        """
        return self.uploads.attach(group, paths, caption, channel, reply_to, progress, cancel)

    def resume_uploads(self, progress: Callable[[int, int, int], None] | None = None
                       ) -> list[str]:
        """Continue every upload in the outbox; the post ids sent now."""
        return self.uploads.resume_uploads(progress)

    def pending(self) -> list[Upload]:
        return self.uploads.pending()

    def cancel(self, upload_id: int) -> None:
        """Stop an upload for good; what reached the relay is deleted there when it can be."""
        self.uploads.cancel(upload_id)

    # -- receiving (app.files_download) ----------------------------------------------------
    def download(self, group: str, post_id: str, out_dir: str | Path,
                 progress: Progress | None = None,
                 cancel: threading.Event | None = None) -> list[Path]:
        """Save every file of the post into `out_dir` (safe, new names); the paths."""
        return self.downloads.download(group, post_id, out_dir, progress, cancel)

    def save(self, group: str, post_id: str, index: int, out_dir: str | Path,
             progress: Progress | None = None,
             cancel: threading.Event | None = None) -> Path:
        return self.downloads.save(group, post_id, index, out_dir, progress, cancel)

    def fetch(self, group: str, post_id: str, index: int,
              progress: Progress | None = None, cancel: threading.Event | None = None,
              keep_partial: bool = True) -> None:
        """Make sure the file's blob is in the cache (verified), without saving it."""
        self.downloads.fetch(group, post_id, index, progress, cancel, keep_partial)

    def open_copy(self, group: str, post_id: str, index: int) -> Path:
        """A plaintext copy in a private temporary folder removed when the app exits."""
        return self.downloads.open_copy(group, post_id, index)

    def auto_fetch(self, group: str, newest: int = 50) -> int:
        return self.downloads.auto_fetch(group, newest)

    def auto_download_mb(self) -> int:
        return self.downloads.auto_download_mb()

    def set_auto_download_mb(self, mb: int) -> None:
        self.downloads.set_auto_download_mb(mb)

    # -- the cache (app.files_cache) -------------------------------------------------------
    def cache_limit_mb(self) -> int:
        return self.cache.cache_limit_mb()

    def set_cache_limit_mb(self, mb: int) -> None:
        self.cache.set_cache_limit_mb(mb)

    def evict(self) -> int:
        return self.cache.evict()

    def cache_bytes(self) -> int:
        return self.cache.cache_bytes()

    def drop_cached(self, rt: Runtime, blob_ids: list[bytes]) -> None:
        self.cache.drop_cached(rt, blob_ids)

    # -- reading and withdrawing -----------------------------------------------------------
    def channel_id(self, group: str, channel: str | None) -> bytes:
        """A channel named by its name or 32-hex id ("General" or None: General)."""
        if channel is None or channel.strip().lower() in ("", "general"):
            return GENERAL_CHANNEL
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        text = channel.strip()
        found = [c for c in rt.store.channels.list_channels(gid)
                 if c.id.hex() == text.lower() or c.name.lower() == text.lower()]
        if len(found) != 1:
            raise NotFound(_("There is no channel '{channel}' in this group.").format(channel=channel))
        return found[0].id

    def _view(self, rt: Runtime, row: FileRow) -> FileView:
        return FileView(row.group_id.hex(), row.msg_id.hex(), row.idx, safe_name(row.name),
                        row.size, row.media_type, media_kind(row.media_type), row.width,
                        row.height, bool(row.thumbnail), crypto.fingerprint(row.sender_ik),
                        row.sent_time, row.channel_id.hex(), row.caption,
                        blob_path(rt, row.blob_id).exists(), looks_executable(row.name))

    def post_files(self, group: str, post_id: str) -> list[FileView]:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        post = sending.stored_post(rt, gid, post_id)
        return [self._view(rt, r) for r in rt.store.files.post_files(gid, post.msg_id)
                if not r.deleted]

    def thumbnail(self, group: str, post_id: str, index: int) -> bytes:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        post = sending.stored_post(rt, gid, post_id)
        for r in rt.store.files.post_files(gid, post.msg_id):
            if r.idx == index and not r.deleted:
                return r.thumbnail
        raise NotFound(_("That post has no such file."))

    def list(self, group: str, kind: str | None = None, limit: int = 1000,
             channel: bytes | None = None, member: str | None = None,
             sort: str = "newest") -> list[FileView | LinkView]:
        """The group's files (and links found in posts), newest first; `kind`, `channel` (an
        id) and `member` (a name or fingerprint of who shared it) filter; `sort` is one of
        newest, oldest, name (file name or link) or size (largest first; links last)."""
        if kind is not None and kind not in KINDS:
            raise InvalidInput(_("The kind must be one of {kinds}.").format(kinds=", ".join(KINDS)))
        if sort not in SORTS:
            raise InvalidInput(_("The order must be one of {orders}.").format(
                orders=", ".join(SORTS)))
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        who = (crypto.fingerprint(rt.resolve_member(gid, member).ik)
               if member is not None else None)
        out: list[FileView | LinkView] = []
        if kind != "links":
            out += [v for v in (self._view(rt, r) for r in rt.store.files.group_files(gid, limit))
                    if kind is None or v.kind == kind]
        if kind in (None, "links"):
            page = rt.store.posts.latest_posts(gid, min(limit, 5000))
            for post in reversed(page.posts):
                if post.deleted or post.kind != "post":
                    continue
                for url in dict.fromkeys(_LINK.findall(post.text or "")):
                    out.append(LinkView(gid.hex(), post.msg_id.hex(), url.rstrip(".,;:!?"),
                                        crypto.fingerprint(post.sender_ik), post.sent_time,
                                        post.channel_id.hex()))
        if channel is not None:
            out = [v for v in out if v.channel_id == channel.hex()]
        if who is not None:
            out = [v for v in out if v.sender == who]
        out.sort(key=lambda v: v.sent_at if sort == "oldest" else -v.sent_at)
        if sort == "name":
            out.sort(key=lambda v: (v.url if isinstance(v, LinkView) else v.name).casefold())
        elif sort == "size":
            out.sort(key=lambda v: -v.size if isinstance(v, FileView) else 1)
        return out[:limit]

    def delete(self, group: str, post_id: str) -> None:
        """Withdraw the files of my own attachment post (and the post); the relay deletes
        the blobs and everyone's clients drop their copies."""
        rt = self._access.runtime()
        gid, session = sending.active(rt, group)
        post = sending.stored_post(rt, gid, post_id)
        rows = rt.store.files.post_files(gid, post.msg_id)
        if not rows:
            raise NotFound(_("That post has no files."))
        if post.sender_ik != rt.me:
            raise NotAllowed(_("Only the sender can delete a post's files."))

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.files.delete_files(gid, post.msg_id, rt.me)
            store.posts.apply_delete(gid, post.msg_id, rt.me, sealed.sent_at,
                                     admin=False)

        sending.seal_checked(rt, gid, session, FileDelete(post.msg_id), local, post.msg_id)
        self.cache.drop_cached(rt, [r.blob_id for r in rows])
        try:
            with blob_client(session.relay_url, rt.clock) as client:
                for r in rows:
                    if r.delete_seed:
                        client.delete(r.blob_id, r.delete_seed)
        except SyncError:
            pass   # the relay's retention removes them in the end


def describe(view: FileView | LinkView) -> dict[str, Any]:
    """The JSON document of a file or link (docs/cli.md)."""
    if isinstance(view, LinkView):
        return {"kind": "links", "group": view.group_id, "post": view.post_id, "url": view.url,
                "sender": view.sender, "sent_at": view.sent_at, "channel": view.channel_id}
    return {"kind": view.kind, "group": view.group_id, "post": view.post_id,
            "index": view.index, "name": view.name, "size": view.size,
            "media_type": view.media_type, "width": view.width, "height": view.height,
            "sender": view.sender, "sent_at": view.sent_at, "channel": view.channel_id,
            "caption": view.caption, "cached": view.cached, "executable": view.executable}
