"""Files: attaching, uploading, downloading, saving and deleting — `Services.files`.

Sending (docs/protocol.md §15): each file is encrypted with its own key, a chunk at a time,
into the profile's blob cache (`<profile>/blobs/<id>.blob`, still encrypted; keys only in
SQLCipher). Then an upload row is committed durably (the attachment outbox) and the blobs
go to the relay chunk by chunk; the relay's resume list says what is already there, so a
quit, crash or offline spell resumes where it stopped (`resume_uploads`, which `sync`
calls). Only when the relay holds every file is the post sealed, in the transaction that
marks the upload sent, so it is sent exactly once. The original file may be moved or
deleted after `attach` returns: the encrypted copy is what is uploaded.

Receiving: `download` streams the blob from the relay into the cache, authenticating and
decrypting as it goes, and writes the plaintext to a temporary file in the chosen folder
that is renamed into place only when everything checked out ("this file was altered"
otherwise, and nothing is saved). Names come from app.file_names, never from the post
as a path. A 100 MiB file is never held in memory: every step works a chunk at a time.

The cache keeps at most `files.cache_limit_mb` (a setting) of blobs, evicting the least
recently used (never one an upload still needs); an evicted blob is downloaded again while
the relay keeps it.
"""
from __future__ import annotations

import atexit
import mimetypes
import os
import queue
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import crypto
from app import sending
from app.access import Access
from app.errors import AppError, InvalidInput, NotAllowed, NotFound, RelayUnavailable
from app.file_names import (
    CACHE_DIR,
    attachment_text,
    looks_executable,
    safe_name,
    unique_path,
)
from app.i18n import _
from app.runtime import Runtime
from app.store import NewPost, Store
from app.store.files import FileRow, Upload, UploadFile
from crypto.file_payloads import (
    GENERAL_CHANNEL,
    MAX_CAPTION_BYTES,
    MAX_FILES,
    Attachment,
    FileDelete,
    FileRef,
)
from crypto.files import (
    MAX_FILE_BYTES,
    BlobOpener,
    blob_hasher,
    blob_size_for,
    chunk_count,
    chunk_span,
    read_public,
    read_seed,
    seal_stream,
)
from crypto.relay_wire import KIND_GROUP, MailboxCapability
from sync.errors import RelayRejected, SyncError

if TYPE_CHECKING:  # imported on first use (_blob_client): a command that never talks to
    from sync.blob_transport import BlobClient  # a relay does not load httpx

CACHE_LIMIT_KEY = "files.cache_limit_mb"
CACHE_LIMIT_DEFAULT_MB = 1024
AUTO_DOWNLOAD_KEY = "files.auto_download_mb"
AUTO_DOWNLOAD_DEFAULT_MB = 10
READ_PIECE = 1 << 20
UPLOAD_WINDOW = 4             # chunk uploads in flight
KINDS = ("images", "documents", "media", "links")
SORTS = ("newest", "oldest", "name", "size")
_LINK = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)

Progress = Callable[[int, int], None]            # (bytes done, bytes in all)


def _blob_client(relay: str, clock: Callable[[], float]) -> BlobClient:
    from sync.blob_transport import BlobClient
    return BlobClient(relay, clock=clock)


class Cancelled(AppError):
    """The member cancelled a transfer."""


@dataclass(frozen=True)
class AttachResult:
    upload_id: int
    post_id: str | None          # set once every file is stored and the post is sealed
    waiting: str | None          # why it waits (relay unreachable), when it does


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


def guess_media_type(name: str) -> str:
    guessed, _encoding = mimetypes.guess_type(name, strict=False)
    return guessed if guessed and guessed.isascii() and len(guessed) <= 127 else (
        "application/octet-stream")


Previewer = Callable[[Path], tuple[int, int, bytes]]     # (width, height, thumbnail)


class FileService:
    """Attach, upload, download, save, open and delete files of posts."""

    def __init__(self, access: Access) -> None:
        self._access = access
        self._busy: dict[int, threading.Lock] = {}
        self._busy_lock = threading.Lock()
        self._open_dir: Path | None = None
        # The window sets this (Qt reads images); headless attaches carry no preview.
        self.previewer: Previewer | None = None

    # -- places ----------------------------------------------------------------------------
    def _cache_dir(self, rt: Runtime) -> Path:
        folder = Path(rt.profile_dir) / CACHE_DIR
        folder.mkdir(mode=0o700, exist_ok=True)
        return folder

    def _blob_path(self, rt: Runtime, blob_id: bytes) -> Path:
        return self._cache_dir(rt) / f"{blob_id.hex()}.blob"

    # -- attaching -------------------------------------------------------------------------
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

    def attach(self, group: str, paths: list[str | Path], caption: str = "",
               channel: bytes | None = None, reply_to: str | None = None,
               progress: Progress | None = None,
               cancel: threading.Event | None = None) -> AttachResult:
        """Encrypt `paths` into the outbox and upload them; the post goes once all are stored.

        InvalidInput for a missing, unreadable or too large file; the relay being down is
        not an error: the result says the upload waits (`resume_uploads` continues it).
        """
        rt = self._access.runtime()
        gid, _session = sending.active(rt, group)
        if not paths:
            raise InvalidInput(_("Name at least one file to attach."))
        if len(paths) > MAX_FILES:
            raise InvalidInput(_("A post carries at most {count} files.").format(count=MAX_FILES))
        if len(caption.encode("utf-8")) > MAX_CAPTION_BYTES:
            raise InvalidInput(_("The caption is too long; the limit is {limit} bytes.").format(
                limit=MAX_CAPTION_BYTES))
        target = sending.stored_post(rt, gid, reply_to).msg_id if reply_to else None
        files = [self._checked(Path(p)) for p in paths]
        sealed: list[UploadFile] = []
        try:
            for idx, (path, size) in enumerate(files):
                sealed.append(self._encrypt(rt, idx, path, size, cancel))
        except BaseException:
            for f in sealed:
                self._blob_path(rt, f.blob_id).unlink(missing_ok=True)
            raise
        upload_id = rt.store.files.add_upload(gid, rt.now(), caption, channel or GENERAL_CHANNEL,
                                              target, sealed)
        for f in sealed:
            rt.store.files.cache_put(f.blob_id, blob_size_for(f.size), rt.now())
        try:
            post_id = self._push(rt, upload_id, progress, cancel)
        except Cancelled:   # stopped, not abandoned: `cancel(upload_id)` abandons it
            return AttachResult(upload_id, None, _("The upload was paused."))
        except SyncError as exc:
            if isinstance(exc, RelayRejected) and not exc.retryable:
                raise RelayUnavailable(_("The relay refused the file: {reason}").format(
                    reason=exc)) from None
            return AttachResult(upload_id, None, str(exc))
        return AttachResult(upload_id, post_id, None)

    @staticmethod
    def _checked(path: Path) -> tuple[Path, int]:
        try:
            st = path.stat()
        except FileNotFoundError:
            raise InvalidInput(_("The file {path} does not exist.").format(path=path)) from None
        except OSError as exc:
            raise InvalidInput(_("The file {path} cannot be read ({reason}).").format(
                path=path, reason=exc.strerror)) from None
        if not path.is_file():
            raise InvalidInput(_("{path} is not a file.").format(path=path))
        if st.st_size > MAX_FILE_BYTES:
            raise InvalidInput(_("The file {name} is larger than {limit} MiB, the limit.").format(
                name=path.name, limit=MAX_FILE_BYTES >> 20))
        if not os.access(path, os.R_OK):
            raise InvalidInput(_("The file {path} cannot be read (permission denied).").format(
                path=path))
        return path, st.st_size

    def _encrypt(self, rt: Runtime, idx: int, path: Path, size: int,
                 cancel: threading.Event | None) -> UploadFile:
        key, blob_id, delete_seed = rt.rng(32), rt.rng(32), rt.rng(32)
        name = path.name
        media_type = guess_media_type(name)
        width = height = 0
        thumb = b""
        if self.previewer is not None and media_type.startswith("image/"):
            try:
                width, height, thumb = self.previewer(path)
            except (OSError, ValueError):
                width = height = 0
                thumb = b""
        final = self._blob_path(rt, blob_id)
        tmp = final.with_suffix(".tmp")
        hasher = blob_hasher()
        try:
            with open(path, "rb") as src, open(tmp, "wb") as out:
                def read(n: int) -> bytes:
                    if cancel is not None and cancel.is_set():
                        raise Cancelled(_("The upload was cancelled."))
                    return src.read(n)
                for piece in seal_stream(key, blob_id, size, read, rt.rng):
                    hasher.update(piece)
                    out.write(piece)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, final)
        except crypto.DecodeError:
            tmp.unlink(missing_ok=True)
            raise InvalidInput(_("The file {name} changed while it was being read; attach it "
                                 "again.").format(name=name)) from None
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise InvalidInput(_("The file {path} cannot be read ({reason}).").format(
                path=path, reason=exc.strerror)) from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return UploadFile(idx, blob_id, key, hasher.digest(), delete_seed, size, media_type,
                          name, width, height, thumb)

    # -- uploading -------------------------------------------------------------------------
    def resume_uploads(self, progress: Callable[[int, int, int], None] | None = None
                       ) -> list[str]:
        """Continue every upload in the outbox; the post ids sent now. Unreachable relays
        are left for next time."""
        rt = self._access.runtime()
        sent = []
        for upload in rt.store.files.pending_uploads():
            def each(done: int, total: int, uid: int = upload.id) -> None:
                if progress is not None:
                    progress(uid, done, total)
            try:
                post_id = self._push(rt, upload.id, each, None)
            except (SyncError, Cancelled):
                continue
            except NotAllowed:   # removed from the group meanwhile: it can never go
                rt.store.files.cancel_upload(upload.id)
                continue
            if post_id:
                sent.append(post_id)
        return sent

    def pending(self) -> list[Upload]:
        return self._access.runtime().store.files.pending_uploads()

    def cancel(self, upload_id: int) -> None:
        """Stop an upload for good; what reached the relay is deleted there when it can be."""
        rt = self._access.runtime()
        upload = rt.store.files.get_upload(upload_id)
        if upload is None or not rt.store.files.cancel_upload(upload_id):
            return
        relay = rt.session(upload.group_id).relay_url
        try:
            with _blob_client(relay, rt.clock) as client:
                for f in upload.files:
                    try:
                        client.delete(f.blob_id, f.delete_seed)
                    except SyncError:
                        pass
        finally:
            for f in upload.files:
                self._blob_path(rt, f.blob_id).unlink(missing_ok=True)
            rt.store.files.cache_forget([f.blob_id for f in upload.files])

    def _lock_for(self, upload_id: int) -> threading.Lock:
        with self._busy_lock:
            return self._busy.setdefault(upload_id, threading.Lock())

    @staticmethod
    def _current_cap(session: crypto.GroupSession, now: int) -> MailboxCapability:
        for box in session.mailboxes(now):
            if box.kind == KIND_GROUP and box.current:
                return box.capability
        raise NotAllowed(_("You were removed from this group; it is read-only now."))

    def _push(self, rt: Runtime, upload_id: int, progress: Progress | None,
              cancel: threading.Event | None) -> str | None:
        with self._lock_for(upload_id):
            upload = rt.store.files.get_upload(upload_id)
            if upload is None or upload.state == "cancelled":
                return None
            if upload.state == "sent":
                return upload.msg_id.hex() if upload.msg_id else None
            session = rt.session(upload.group_id)
            cap = self._current_cap(session, rt.now())
            total = sum(blob_size_for(f.size) for f in upload.files)
            done = sum(blob_size_for(f.size) for f in upload.files if f.stored)
            with _blob_client(session.relay_url, rt.clock) as client:
                for f in upload.files:
                    if f.stored:
                        continue
                    done = self._push_file(rt, client, cap, f, done, total, progress, cancel)
                    rt.store.files.mark_stored(upload_id, f.idx)
            return self._send_post(rt, upload)

    def _push_file(self, rt: Runtime, client: BlobClient, cap: MailboxCapability,
                   f: UploadFile, done: int, total: int, progress: Progress | None,
                   cancel: threading.Event | None) -> int:
        blob_size = blob_size_for(f.size)
        path = self._blob_path(rt, f.blob_id)
        client.create(cap, f.blob_id, blob_size, read_public(f.file_key), f.delete_seed)
        have = client.stored(f.blob_id, read_seed(f.file_key))
        done += sum(chunk_span(blob_size, i)[1] for i in have if i < chunk_count(blob_size))
        if progress is not None:
            progress(done, total)
        try:
            src = open(path, "rb")
        except FileNotFoundError:
            raise NotFound(_("The encrypted copy of a file waiting to be sent is gone; "
                             "attach it again.")) from None
        # A few chunks in flight: the relay fsyncs each before it answers, so one at a
        # time would leave the link idle during every fsync. Memory: UPLOAD_WINDOW MiB.
        with src, ThreadPoolExecutor(UPLOAD_WINDOW, thread_name_prefix="coterie-up") as pool:
            flying: list[tuple[Future[bool], int]] = []
            try:
                for index in range(chunk_count(blob_size)):
                    if index in have:
                        continue
                    if cancel is not None and cancel.is_set():
                        raise Cancelled(_("The upload was cancelled."))
                    start, length = chunk_span(blob_size, index)
                    src.seek(start)
                    chunk = src.read(length)
                    flying.append((pool.submit(client.put, cap, f.blob_id, index, chunk),
                                   length))
                    while len(flying) >= UPLOAD_WINDOW:
                        done = self._landed(flying.pop(0), done, total, progress)
                while flying:
                    done = self._landed(flying.pop(0), done, total, progress)
            finally:
                for future, _chunk in flying:
                    future.cancel()
        return done

    @staticmethod
    def _landed(item: tuple[Future[bool], int], done: int, total: int,
                progress: Progress | None) -> int:
        future, length = item
        future.result()              # a refusal or an unreachable relay raises here
        done += length
        if progress is not None:
            progress(done, total)
        return done

    def _send_post(self, rt: Runtime, upload: Upload) -> str | None:
        gid = upload.group_id
        session = rt.session(gid)
        refs = tuple(FileRef(f.blob_id, f.file_key, f.blob_hash, f.size, f.media_type, f.name,
                             f.width, f.height, f.thumbnail) for f in upload.files)
        content = Attachment(refs, upload.caption, upload.channel_id, upload.reply_to)
        name = rt.sender_name(session, rt.identity.ik)
        text = attachment_text(content)

        class AlreadySent(Exception):
            pass

        def local(store: Store, sealed: crypto.Sealed) -> None:
            if not store.files.finish_upload(upload.id, sealed.message_id):
                raise AlreadySent
            store.posts.insert_posts([NewPost(gid, sealed.message_id, rt.identity.ik, name,
                                              sealed.sent_at, sealed.sent_at, sealed.seq,
                                              "post", text, upload.reply_to, None, True,
                                              upload.channel_id)])
            store.files.insert_files([
                FileRow(gid, sealed.message_id, f.idx, f.blob_id, f.file_key, f.blob_hash,
                        f.size, f.media_type, f.name, f.width, f.height, f.thumbnail,
                        rt.identity.ik, sealed.sent_at, upload.channel_id, upload.caption,
                        f.delete_seed) for f in upload.files])

        try:
            sealed = sending.seal_checked(rt, gid, session, content, local)
        except AlreadySent:
            again = rt.store.files.get_upload(upload.id)
            return again.msg_id.hex() if again and again.msg_id else None
        self.evict()
        return sealed.message_id.hex()

    # -- reading ---------------------------------------------------------------------------
    def _view(self, rt: Runtime, row: FileRow) -> FileView:
        return FileView(row.group_id.hex(), row.msg_id.hex(), row.idx, safe_name(row.name),
                        row.size, row.media_type, media_kind(row.media_type), row.width,
                        row.height, bool(row.thumbnail), crypto.fingerprint(row.sender_ik),
                        row.sent_time, row.channel_id.hex(), row.caption,
                        self._blob_path(rt, row.blob_id).exists(), looks_executable(row.name))

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

    # -- downloading -----------------------------------------------------------------------
    def _row(self, rt: Runtime, group: str, post_id: str, index: int) -> FileRow:
        gid = rt.resolve_group(group).id
        post = sending.stored_post(rt, gid, post_id)
        for r in rt.store.files.post_files(gid, post.msg_id):
            if r.idx == index:
                if r.deleted:
                    raise NotFound(_("That file was deleted by its sender."))
                return r
        raise NotFound(_("That post has no such file."))

    def download(self, group: str, post_id: str, out_dir: str | Path,
                 progress: Progress | None = None,
                 cancel: threading.Event | None = None) -> list[Path]:
        """Save every file of the post into `out_dir` (safe, new names); the paths."""
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        post = sending.stored_post(rt, gid, post_id)
        rows = [r for r in rt.store.files.post_files(gid, post.msg_id) if not r.deleted]
        if not rows:
            raise NotFound(_("That post has no files."))
        folder = Path(out_dir)
        if not folder.is_dir():
            raise InvalidInput(_("The folder {folder} does not exist.").format(folder=folder))
        return [self._save(rt, r, folder, progress, cancel) for r in rows]

    def auto_fetch(self, group: str, newest: int = 50) -> int:
        """Download the group's recent images up to `files.auto_download_mb` (default 10)
        into the cache, so they open at once; never other kinds. How many came."""
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        limit = self.auto_download_mb() << 20
        fetched = 0
        for row in rt.store.files.group_files(gid, newest):
            if (not row.media_type.startswith("image/") or row.size > limit
                    or self._blob_path(rt, row.blob_id).exists()):
                continue
            try:
                self._ensure_cached(rt, row, None, None)
            except AppError:
                continue      # unreachable or refused: tried again on the next post
            fetched += 1
        return fetched

    def set_auto_download_mb(self, mb: int) -> None:
        if not isinstance(mb, int) or mb < 0:
            raise InvalidInput(_("The automatic download limit must be 0 MB or more."))
        self._access.runtime().store.settings.set(AUTO_DOWNLOAD_KEY, str(mb))

    def save(self, group: str, post_id: str, index: int, out_dir: str | Path,
             progress: Progress | None = None,
             cancel: threading.Event | None = None) -> Path:
        rt = self._access.runtime()
        folder = Path(out_dir)
        if not folder.is_dir():
            raise InvalidInput(_("The folder {folder} does not exist.").format(folder=folder))
        return self._save(rt, self._row(rt, group, post_id, index), folder, progress, cancel)

    def fetch(self, group: str, post_id: str, index: int,
              progress: Progress | None = None, cancel: threading.Event | None = None,
              keep_partial: bool = True) -> None:
        """Make sure the file's blob is in the cache (verified), without saving it. A
        cancelled fetch keeps what it got for a resume, unless `keep_partial` is False (the
        user cancelled the download: nothing of it stays)."""
        rt = self._access.runtime()
        row = self._row(rt, group, post_id, index)
        try:
            self._ensure_cached(rt, row, progress, cancel)
        except Cancelled:
            if not keep_partial:
                self._blob_path(rt, row.blob_id).with_suffix(".part").unlink(missing_ok=True)
            raise

    def open_copy(self, group: str, post_id: str, index: int) -> Path:
        """A plaintext copy in a private temporary folder removed when the app exits (for
        opening with another app). The caller must never open an executable automatically."""
        rt = self._access.runtime()
        row = self._row(rt, group, post_id, index)
        if self._open_dir is None:
            self._open_dir = Path(tempfile.mkdtemp(prefix="coterie-open-"))
            atexit.register(shutil.rmtree, self._open_dir, True)
        return self._save(rt, row, self._open_dir, None, None)

    def _ensure_cached(self, rt: Runtime, row: FileRow, progress: Progress | None,
                       cancel: threading.Event | None) -> Path:
        path = self._blob_path(rt, row.blob_id)
        if path.exists():
            rt.store.files.cache_touch(row.blob_id, rt.now())
            return path
        blob_size = blob_size_for(row.size)
        part = path.with_suffix(".part")
        opener = BlobOpener(row.file_key, row.blob_id, row.size, blob_size, row.blob_hash,
                            hash_outside=True)
        hasher = _Hasher()      # hashes on its own thread while this one decrypts
        have = 0
        try:
            if part.exists():   # a download that stopped: check what we have, fetch the rest
                with open(part, "rb") as f:
                    while piece := f.read(READ_PIECE):
                        hasher.feed(piece)
                        opener.feed(piece)
                        have += len(piece)
            relay = rt.session(row.group_id).relay_url
            with _blob_client(relay, rt.clock) as client, open(part, "ab") as out:
                for piece in client.download(row.blob_id, read_seed(row.file_key), have,
                                             blob_size):
                    if cancel is not None and cancel.is_set():
                        raise Cancelled(_("The download was cancelled."))
                    out.write(piece)
                    hasher.feed(piece)
                    opener.feed(piece)
                    have += len(piece)
                    if progress is not None:
                        progress(have, blob_size)
            # No fsync: the cache can be fetched again, and a copy torn by a power cut
            # fails its check when it is saved and is then dropped.
            opener.finish(hasher.digest())
        except crypto.AuthError:
            part.unlink(missing_ok=True)
            raise FileAltered(_("This file was altered on the way; nothing was saved.")) from None
        except RelayRejected as exc:
            if exc.status in (404, 410):
                raise NotFound(_("The relay no longer has this file.")) from None
            raise RelayUnavailable(_("The relay refused the download: {reason}").format(
                reason=exc)) from None
        except SyncError as exc:
            raise RelayUnavailable(_("{reason} The download can be resumed later.").format(
                reason=exc)) from None
        finally:
            hasher.close()   # its thread ends; a .part file stays for a resume
        os.replace(part, path)
        rt.store.files.cache_put(row.blob_id, blob_size, rt.now())
        self.evict()
        return path

    def _save(self, rt: Runtime, row: FileRow, folder: Path, progress: Progress | None,
              cancel: threading.Event | None) -> Path:
        blob = self._ensure_cached(rt, row, progress, cancel)
        target = unique_path(folder, row.name)
        tmp = folder / f".{target.name}.{os.urandom(4).hex()}.part"
        opener = BlobOpener(row.file_key, row.blob_id, row.size, blob_size_for(row.size),
                            row.blob_hash)
        try:
            with open(blob, "rb") as src, open(tmp, "xb") as out:
                while piece := src.read(READ_PIECE):
                    out.write(opener.feed(piece))
                opener.finish()
                out.flush()
                os.fsync(out.fileno())
        except crypto.AuthError:
            tmp.unlink(missing_ok=True)
            blob.unlink(missing_ok=True)          # a cached copy that fails is dropped
            rt.store.files.cache_forget([row.blob_id])
            raise FileAltered(_("This file was altered on the way; nothing was saved.")) from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        target = unique_path(folder, row.name)   # again: something may have appeared
        os.replace(tmp, target)
        return target

    # -- deleting --------------------------------------------------------------------------
    def delete(self, group: str, post_id: str) -> None:
        """Withdraw the files of my own attachment post (and the post); the relay deletes
        the blobs and everyone's clients drop their copies."""
        rt = self._access.runtime()
        gid, session = sending.active(rt, group)
        post = sending.stored_post(rt, gid, post_id)
        rows = rt.store.files.post_files(gid, post.msg_id)
        if not rows:
            raise NotFound(_("That post has no files."))
        if post.sender_ik != rt.identity.ik:
            raise NotAllowed(_("Only the sender can delete a post's files."))

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.files.delete_files(gid, post.msg_id, rt.identity.ik)
            store.posts.apply_delete(gid, post.msg_id, rt.identity.ik, sealed.sent_at,
                                     admin=False)

        sending.seal_checked(rt, gid, session, FileDelete(post.msg_id), local, post.msg_id)
        self.drop_cached(rt, [r.blob_id for r in rows])
        try:
            with _blob_client(session.relay_url, rt.clock) as client:
                for r in rows:
                    if r.delete_seed:
                        client.delete(r.blob_id, r.delete_seed)
        except SyncError:
            pass   # the relay's retention removes them in the end

    def drop_cached(self, rt: Runtime, blob_ids: list[bytes]) -> None:
        for blob_id in blob_ids:
            self._blob_path(rt, blob_id).unlink(missing_ok=True)
            self._blob_path(rt, blob_id).with_suffix(".part").unlink(missing_ok=True)
        rt.store.files.cache_forget(blob_ids)

    # -- the cache -------------------------------------------------------------------------
    def cache_limit_mb(self) -> int:
        rt = self._access.runtime()
        value = rt.store.settings.get(CACHE_LIMIT_KEY)
        return int(value) if value and value.isdigit() else CACHE_LIMIT_DEFAULT_MB

    def set_cache_limit_mb(self, mb: int) -> None:
        if not isinstance(mb, int) or mb < 1:
            raise InvalidInput(_("The file cache limit must be at least 1 MB."))
        self._access.runtime().store.settings.set(CACHE_LIMIT_KEY, str(mb))
        self.evict()

    def auto_download_mb(self) -> int:
        value = self._access.runtime().store.settings.get(AUTO_DOWNLOAD_KEY)
        return int(value) if value and value.isdigit() else AUTO_DOWNLOAD_DEFAULT_MB

    def evict(self) -> int:
        """Remove least recently used blobs until the cache fits its limit; how many went."""
        rt = self._access.runtime()
        limit = self.cache_limit_mb() << 20
        entries = rt.store.files.cache_lru()
        used = sum(size for _blob, size in entries)
        pinned = rt.store.files.pinned_blobs()
        gone = []
        for blob_id, size in entries:
            if used <= limit:
                break
            if blob_id in pinned:
                continue
            self._blob_path(rt, blob_id).unlink(missing_ok=True)
            gone.append(blob_id)
            used -= size
        if gone:
            rt.store.files.cache_forget(gone)
        return len(gone)

    def cache_bytes(self) -> int:
        return sum(size for _blob, size in self._access.runtime().store.files.cache_lru())


class _Hasher:
    """BLAKE2b of a blob on a thread of its own (hashlib releases the GIL), fed in order
    through a short queue so memory stays bounded."""

    def __init__(self) -> None:
        self._hash = blob_hasher()
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=16)
        self._thread = threading.Thread(target=self._run, name="coterie-blob-hash",
                                        daemon=True)
        self._thread.start()
        self._closed = False

    def _run(self) -> None:
        while (piece := self._queue.get()) is not None:
            self._hash.update(piece)

    def feed(self, piece: bytes) -> None:
        self._queue.put(piece)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._queue.put(None)
            self._thread.join()

    def digest(self) -> bytes:
        self.close()
        return self._hash.digest()


class FileAltered(AppError):
    """A downloaded file did not authenticate: the relay (or someone) altered it."""

    exit_code = 9


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
