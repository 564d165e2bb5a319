"""Sending files (docs/protocol.md §15): `Uploads`, behind `Services.files`.

Each file is encrypted with its own key, a chunk at a time, into the profile's blob cache
(app.files_cache), and uploaded while it is being encrypted: the upload row (the attachment
outbox) is committed durably first, naming each file's source, then one thread encrypts the
files in turn while this one sends every 1 MiB of ciphertext as soon as it is written. A
file's row loses its source (and gains its blob hash) once its encrypted copy is complete
and durable: on the relay (every chunk acknowledged; the local copy is then a cache entry
like a downloaded blob) or, when the upload stops first, fsynced locally. `attach` returns
only after every file got there, so the original may be moved or deleted after it
returns: the encrypted copy is what is uploaded. A crash while a file
was still being encrypted leaves its source in the row: the resume encrypts it again from
there under a new blob id and key (the relay's part of the old blob is deleted). The
relay's resume list says what is already stored, so a quit, crash or offline spell resumes
where it stopped (`resume_uploads`, which `sync` calls). Only when the relay holds every
file is the post sealed, in the transaction that marks the upload sent, so it is sent
exactly once.
"""
from __future__ import annotations

import mimetypes
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

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
    RELAY_CHUNK,
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
        planned = [self._plan(rt, idx, path, size) for idx, (path, size) in enumerate(files)]
        upload_id = rt.store.files.add_upload(gid, rt.now(), caption, channel or GENERAL_CHANNEL,
                                              target, planned)
        try:
            post_id = self._push(rt, upload_id, progress, cancel, first=True)
        except Cancelled:   # stopped, not abandoned: `cancel(upload_id)` abandons it
            return AttachResult(upload_id, None, _("The upload was paused."))
        except SyncError as exc:
            if isinstance(exc, RelayRejected) and not exc.retryable:
                raise RelayUnavailable(_("The relay refused the file: {reason}").format(
                    reason=exc)) from None
            return AttachResult(upload_id, None, sync_text(str(exc)))
        except InvalidInput:      # a file could not be read whole: nothing is sent
            self.cancel(upload_id)
            raise
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

    def _plan(self, rt: Runtime, idx: int, path: Path, size: int) -> UploadFile:
        """A file's outbox row before it is encrypted: keys, ids, preview, its source."""
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
        return UploadFile(idx, rt.rng(32), rt.rng(32), bytes(32), rt.rng(32), size, media_type,
                          name, width, height, thumb, source=str(path.resolve()))

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
            except InvalidInput:  # cut short while encrypting, and the file is gone now
                self.cancel(upload.id)
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
                blob_path(rt, f.blob_id).with_suffix(".tmp").unlink(missing_ok=True)
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
              cancel: threading.Event | None, first: bool = False) -> str | None:
        """Encrypt what is not yet encrypted while uploading what the relay lacks; seal the
        post once the relay holds every file. `first`: called by `attach` right after the
        row was written (nothing encrypted yet); otherwise a file that still names its
        source was cut short and is encrypted again under a new blob id and key."""
        with self._lock_for(upload_id):
            upload = rt.store.files.get_upload(upload_id)
            if upload is None or upload.state == "cancelled":
                return None
            if upload.state == "sent":
                return upload.msg_id.hex() if upload.msg_id else None
            session = rt.session(upload.group_id)
            cap = self._current_cap(session, rt.now())
            stale = [] if first else [f for f in upload.files if f.source is not None]
            if stale:
                upload = self._renew(rt, upload, stale)
            total = sum(blob_size_for(f.size) for f in upload.files)
            done = sum(blob_size_for(f.size) for f in upload.files if f.stored)
            sealing = _Sealing(rt, upload_id, [f for f in upload.files if f.source is not None])
            try:
                with blob_client(session.relay_url, rt.clock) as client:
                    for f in stale:     # the relay's part of a blob that was cut short
                        try:
                            client.delete(f.blob_id, f.delete_seed)
                        except SyncError:
                            pass        # unknown there or unreachable: it expires anyway
                    for f in upload.files:
                        if f.stored:
                            continue
                        done = self._push_file(rt, client, cap, f, sealing, done, total,
                                               progress, cancel)
                        if not sealing.stored(f.idx):
                            rt.store.files.mark_stored(upload_id, f.idx)
            finally:
                # Whatever stopped the upload, every file ends up whole and durable in the
                # outbox (or the reason it cannot is raised) before this returns.
                sealing.finish()
            upload = rt.store.files.get_upload(upload_id) or upload
            return self._send_post(rt, upload)

    @staticmethod
    def _renew(rt: Runtime, upload: Upload, stale: list[UploadFile]) -> Upload:
        for f in stale:
            blob_path(rt, f.blob_id).with_suffix(".tmp").unlink(missing_ok=True)
            blob_path(rt, f.blob_id).unlink(missing_ok=True)
            rt.store.files.renew_upload_file(upload.id, f.idx, rt.rng(32), rt.rng(32),
                                             rt.rng(32))
        rt.store.files.cache_forget([f.blob_id for f in stale])
        return rt.store.files.get_upload(upload.id) or upload

    def _push_file(self, rt: Runtime, client: BlobClient, cap: MailboxCapability,
                   f: UploadFile, sealing: _Sealing, done: int, total: int,
                   progress: Progress | None, cancel: threading.Event | None) -> int:
        blob_size = blob_size_for(f.size)
        client.create(cap, f.blob_id, blob_size, read_public(f.file_key), f.delete_seed)
        have = client.stored(f.blob_id, read_seed(f.file_key))
        done += sum(chunk_span(blob_size, i)[1] for i in have if i < chunk_count(blob_size))
        if progress is not None:
            progress(done, total)
        src = sealing.open(f)
        # A few chunks in flight: the relay fsyncs before it answers, so one at a time
        # would leave the link idle during every fsync. Memory: UPLOAD_WINDOW MiB.
        with src, ThreadPoolExecutor(UPLOAD_WINDOW, thread_name_prefix="coterie-up") as pool:
            flying: list[tuple[Future[bool], int]] = []
            try:
                for index in range(chunk_count(blob_size)):
                    if index in have:
                        continue
                    if cancel is not None and cancel.is_set():
                        raise Cancelled(_("The upload was cancelled."))
                    start, length = chunk_span(blob_size, index)
                    sealing.until(f.idx, start + length)   # encrypted that far
                    chunk = os.pread(src.fileno(), length, start)
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



class _Sealing:
    """Encrypts an upload's files that still name a source, one after another, on a thread
    of its own, into `<id>.tmp` (renamed `<id>.blob` when complete) in the blob cache; the
    uploading thread reads each chunk once `until` says it is written.

    A file's row is sealed (blob hash set, source cleared) only once its encrypted copy no
    longer depends on the source: either the relay acknowledged every chunk (`stored`: the
    relay's copy is durable, so the local one is a cache like a downloaded blob and needs no
    fsync of its own; the row is sealed and marked stored in one durable write), or, for a
    file the relay does not hold yet when the upload stops, after the local copy was fsynced
    (`finish`). The first error (the source unreadable or changed: InvalidInput) stops the
    encryption and is raised to the uploading thread."""

    def __init__(self, rt: Runtime, upload_id: int, files: list[UploadFile]) -> None:
        self._rt = rt
        self._upload_id = upload_id
        self._files = {f.idx: f for f in files}
        self._cond = threading.Condition()
        self._written: dict[int, int] = {}      # file idx -> ciphertext bytes written
        self._digests: dict[int, bytes] = {}    # encrypted whole: the blob hash
        self._sealed: set[int] = set()          # rows sealed
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if files:
            self._thread = threading.Thread(target=self._run, name="coterie-seal", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        for f in self._files.values():
            try:
                digest = self._encrypt(f)
            except BaseException as exc:  # noqa: BLE001 - handed to the uploading thread
                with self._cond:
                    self._error = exc
                    self._cond.notify_all()
                return
            with self._cond:
                self._digests[f.idx] = digest
                self._cond.notify_all()

    def _encrypt(self, f: UploadFile) -> bytes:
        rt = self._rt
        final = blob_path(rt, f.blob_id)
        tmp = final.with_suffix(".tmp")
        assert f.source is not None
        hasher = Lane(blob_hasher().update)    # hashes on its own thread while this encrypts
        written = 0
        try:
            with open(f.source, "rb") as src, open(tmp, "wb") as out:
                with self._cond:
                    self._written[f.idx] = 0     # the file exists: it can be opened
                    self._cond.notify_all()
                for piece in seal_stream(f.file_key, f.blob_id, f.size, src.read, rt.rng):
                    hasher.feed(piece)
                    out.write(piece)
                    written += len(piece)
                    if written - self._written[f.idx] >= RELAY_CHUNK:
                        out.flush()
                        with self._cond:
                            self._written[f.idx] = written
                            self._cond.notify_all()
                out.flush()
                with self._cond:
                    self._written[f.idx] = written
                    self._cond.notify_all()
            digest = hasher.digest()
            os.replace(tmp, final)
        except crypto.DecodeError:
            tmp.unlink(missing_ok=True)
            raise InvalidInput(_("The file {name} changed while it was being read; attach it "
                                 "again.").format(name=f.name)) from None
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise InvalidInput(_("The file {path} cannot be read ({reason}).").format(
                path=f.source, reason=exc.strerror)) from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        finally:
            hasher.close(raise_error=False)
        return digest

    def _waiting(self, ready: Callable[[], bool]) -> None:
        with self._cond:
            while not ready():
                if self._error is not None:
                    raise self._error
                self._cond.wait()

    def open(self, f: UploadFile) -> BinaryIO:
        """The file's encrypted copy for reading (it may still be being written)."""
        final = blob_path(self._rt, f.blob_id)
        paths = [final]
        if f.idx in self._files:
            self._waiting(lambda: f.idx in self._written or f.idx in self._digests)
            paths.insert(0, final.with_suffix(".tmp"))    # renamed once it is complete
        for path in paths:
            try:
                return open(path, "rb")
            except FileNotFoundError:
                continue
        with self._cond:
            if self._error is not None:
                raise self._error
        raise NotFound(_("The encrypted copy of a file waiting to be sent is gone; "
                         "attach it again."))

    def until(self, idx: int, end: int) -> None:
        """Wait until the file's ciphertext is written up to `end`."""
        if idx in self._files:
            self._waiting(lambda: idx in self._digests or self._written.get(idx, 0) >= end)

    def stored(self, idx: int) -> bool:
        """The relay holds every chunk of the file: once it is encrypted whole, seal its
        row and mark it stored in one durable write. False for a file sealed before."""
        if idx not in self._files:
            return False
        self._waiting(lambda: idx in self._digests)
        f = self._files[idx]
        self._rt.store.files.seal_upload_file(self._upload_id, idx, self._digests[idx],
                                              stored=True)
        self._rt.store.files.cache_put(f.blob_id, blob_size_for(f.size), self._rt.now())
        self._sealed.add(idx)
        return True

    def finish(self) -> None:
        """Wait for the encryption to end; fsync and seal every file encrypted whole that
        the relay does not hold yet; raise the encryption's error if there was one."""
        if self._thread is not None:
            self._thread.join()
        for idx, digest in self._digests.items():
            if idx in self._sealed:
                continue
            f = self._files[idx]
            path = blob_path(self._rt, f.blob_id)
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            self._rt.store.files.seal_upload_file(self._upload_id, idx, digest)
            self._rt.store.files.cache_put(f.blob_id, blob_size_for(f.size), self._rt.now())
            self._sealed.add(idx)
        if self._error is not None:
            raise self._error
