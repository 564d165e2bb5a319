"""Receiving files: `Downloads`, behind `Services.files`.

A download streams the blob from the relay into the cache (app.files_cache),
authenticating and decrypting as it goes, and a save writes the plaintext to a temporary
file in the chosen folder that is renamed into place only when everything checked out
("this file was altered" otherwise, and nothing is saved). Names come from app.file_names,
never from the post as a path. A 100 MiB file is never held in memory: every step works a
chunk at a time.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from pathlib import Path

import crypto
from app import sending
from app.access import Access
from app.errors import AppError, InvalidInput, NotFound, RelayUnavailable
from app.file_names import unique_path
from app.files_cache import BlobCache, Cancelled, Lane, Progress, blob_client, blob_path
from app.i18n import _
from app.runtime import Runtime
from app.store.files import FileRow
from crypto.files import (
    BlobOpener,
    blob_hasher,
    blob_size_for,
    read_seed,
)
from sync.errors import RelayRejected, SyncError

AUTO_DOWNLOAD_KEY = "files.auto_download_mb"
AUTO_DOWNLOAD_DEFAULT_MB = 10
READ_PIECE = 1 << 20


class FileAltered(AppError):
    """A downloaded file did not authenticate: the relay (or someone) altered it."""

    exit_code = 9


class Downloads:
    """Fetch files into the cache (resumable), save or open plaintext copies."""

    def __init__(self, access: Access, cache: BlobCache) -> None:
        self._access = access
        self._cache = cache
        self._open_dir: Path | None = None

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
                    or blob_path(rt, row.blob_id).exists()):
                continue
            try:
                self._ensure_cached(rt, row, None, None)
            except AppError:
                continue      # unreachable or refused: tried again on the next post
            fetched += 1
        return fetched

    def auto_download_mb(self) -> int:
        value = self._access.runtime().store.settings.get(AUTO_DOWNLOAD_KEY)
        return int(value) if value and value.isdigit() else AUTO_DOWNLOAD_DEFAULT_MB

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
                blob_path(rt, row.blob_id).with_suffix(".part").unlink(missing_ok=True)
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
        path = blob_path(rt, row.blob_id)
        if path.exists():
            rt.store.files.cache_touch(row.blob_id, rt.now())
            return path
        blob_size = blob_size_for(row.size)
        part = path.with_suffix(".part")
        opener = BlobOpener(row.file_key, row.blob_id, row.size, blob_size, row.blob_hash,
                            hash_outside=True, keep_plain=False)
        # The blob's hash and the segment check (authenticate and decrypt, no plaintext
        # kept) each run on a lane of their own, beside this thread receiving and writing:
        # hashlib and libsodium release the GIL for their work, so the three can overlap
        # when a core is free (fed from memory: ~6% faster than checking on this thread;
        # through the relay on the shared 2-core machine the difference was within noise;
        # the same CPU either way).
        hasher = Lane(blob_hasher().update)
        checker = Lane(opener.feed)
        have = 0
        try:
            if part.exists():   # a download that stopped: check what we have, fetch the rest
                with open(part, "rb") as f:
                    while piece := f.read(READ_PIECE):
                        hasher.feed(piece)
                        checker.feed(piece)
                        have += len(piece)
            relay = rt.session(row.group_id).relay_url
            with blob_client(relay, rt.clock) as client, open(part, "ab") as out:
                for piece in client.download(row.blob_id, read_seed(row.file_key), have,
                                             blob_size):
                    if cancel is not None and cancel.is_set():
                        raise Cancelled(_("The download was cancelled."))
                    out.write(piece)
                    hasher.feed(piece)
                    checker.feed(piece)
                    have += len(piece)
                    if progress is not None:
                        progress(have, blob_size)
            # No fsync: the cache can be fetched again, and a copy torn by a power cut
            # fails its check when it is saved and is then dropped.
            checker.close()                     # raises the opener's AuthError, if any
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
            hasher.close(raise_error=False)   # their threads end; a .part stays for a resume
            checker.close(raise_error=False)
        os.replace(part, path)
        rt.store.files.cache_put(row.blob_id, blob_size, rt.now())
        self._cache.evict()
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
