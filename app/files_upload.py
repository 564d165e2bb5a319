"""Sending files (docs/protocol.md §15): `Uploads`, behind `Services.files`.

Each file is encrypted with its own key, a chunk at a time, into the profile's blob cache
(app.files_cache). Then an upload row is committed durably (the attachment outbox) and the
blobs go to the relay chunk by chunk; the relay's resume list says what is already there,
so a quit, crash or offline spell resumes where it stopped (`resume_uploads`, which `sync`
calls). Only when the relay holds every file is the post sealed, in the transaction that
marks the upload sent, so it is sent exactly once. The original file may be moved or
deleted after `attach` returns: the encrypted copy is what is uploaded.
"""
from __future__ import annotations

import mimetypes
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import crypto
from app import sending
from app.access import Access
from app.errors import InvalidInput, NotAllowed, NotFound, RelayUnavailable
from app.file_names import attachment_text
from app.files_cache import BlobCache, Cancelled, Lane, Progress, blob_client, blob_path
from app.i18n import _
from app.reasons import sync_text
from app.runtime import Runtime
from app.store import NewPost, Store
from app.store.files import FileRow, Upload, UploadFile
from crypto.file_payloads import GENERAL_CHANNEL, MAX_CAPTION_BYTES, MAX_FILES, Attachment, FileRef
from crypto.files import (
    MAX_FILE_BYTES,
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

if TYPE_CHECKING:
    from sync.blob_transport import BlobClient

UPLOAD_WINDOW = 8             # chunk uploads in flight (1 MiB each)
Previewer = Callable[[Path], tuple[int, int, bytes]]     # (width, height, thumbnail)


@dataclass(frozen=True)
class AttachResult:
    upload_id: int
    post_id: str | None          # set once every file is stored and the post is sealed
    waiting: str | None          # why it waits (relay unreachable), when it does


def guess_media_type(name: str) -> str:
    guessed, _encoding = mimetypes.guess_type(name, strict=False)
    return guessed if guessed and guessed.isascii() and len(guessed) <= 127 else (
        "application/octet-stream")


class Uploads:
    """Attach files to a post: encrypt, keep in the outbox, upload, then seal the post."""

    def __init__(self, access: Access, cache: BlobCache) -> None:
        self._access = access
        self._cache = cache
        self._busy: dict[int, threading.Lock] = {}
        self._busy_lock = threading.Lock()
        # The window sets this (Qt reads images); headless attaches carry no preview.
        self.previewer: Previewer | None = None

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
                blob_path(rt, f.blob_id).unlink(missing_ok=True)
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
            return AttachResult(upload_id, None, sync_text(str(exc)))
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
        final = blob_path(rt, blob_id)
        tmp = final.with_suffix(".tmp")
        hasher = Lane(blob_hasher().update)    # hashes on its own thread while this encrypts
        try:
            with open(path, "rb") as src, open(tmp, "wb") as out:
                def read(n: int) -> bytes:
                    if cancel is not None and cancel.is_set():
                        raise Cancelled(_("The upload was cancelled."))
                    return src.read(n)
                for piece in seal_stream(key, blob_id, size, read, rt.rng):
                    hasher.feed(piece)
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
        finally:
            hasher.close(raise_error=False)
        return UploadFile(idx, blob_id, key, hasher.digest(), delete_seed, size, media_type,
                          name, width, height, thumb)

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
            with blob_client(relay, rt.clock) as client:
                for f in upload.files:
                    try:
                        client.delete(f.blob_id, f.delete_seed)
                    except SyncError:
                        pass
        finally:
            for f in upload.files:
                blob_path(rt, f.blob_id).unlink(missing_ok=True)
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
            with blob_client(session.relay_url, rt.clock) as client:
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
        path = blob_path(rt, f.blob_id)
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
        name = rt.sender_name(session, rt.me)
        text = attachment_text(content)

        class AlreadySent(Exception):
            pass

        def local(store: Store, sealed: crypto.Sealed) -> None:
            if not store.files.finish_upload(upload.id, sealed.message_id):
                raise AlreadySent
            store.posts.insert_posts([NewPost(gid, sealed.message_id, rt.me, name,
                                              sealed.sent_at, sealed.sent_at, sealed.seq,
                                              "post", text, upload.reply_to, None, True,
                                              upload.channel_id)])
            store.files.insert_files([
                FileRow(gid, sealed.message_id, f.idx, f.blob_id, f.file_key, f.blob_hash,
                        f.size, f.media_type, f.name, f.width, f.height, f.thumbnail,
                        rt.me, sealed.sent_at, upload.channel_id, upload.caption,
                        f.delete_seed) for f in upload.files])

        try:
            sealed = sending.seal_checked(rt, gid, session, content, local)
        except AlreadySent:
            again = rt.store.files.get_upload(upload.id)
            return again.msg_id.hex() if again and again.msg_id else None
        self._cache.evict()
        return sealed.message_id.hex()

