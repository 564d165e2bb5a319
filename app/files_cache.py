"""The profile's blob cache and what every file transfer shares.

Blobs stay encrypted under `<profile>/blobs/<id>.blob` (a download in progress is
`<id>.part`); their keys live only in SQLCipher. `BlobCache` keeps at most
`files.cache_limit_mb` (a setting) of them, evicting the least recently used — never one
an upload still needs; an evicted blob is downloaded again while the relay keeps it.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.access import Access
from app.errors import AppError, InvalidInput
from app.file_names import CACHE_DIR
from app.i18n import _
from app.runtime import Runtime

if TYPE_CHECKING:  # imported on first use (blob_client): a command that never talks to
    from sync.blob_transport import BlobClient  # a relay does not load httpx

CACHE_LIMIT_KEY = "files.cache_limit_mb"
CACHE_LIMIT_DEFAULT_MB = 1024

Progress = Callable[[int, int], None]            # (bytes done, bytes in all)


def blob_client(relay: str, clock: Callable[[], float]) -> BlobClient:
    from sync.blob_transport import BlobClient
    return BlobClient(relay, clock=clock)


class Cancelled(AppError):
    """The member cancelled a transfer."""


def cache_dir(rt: Runtime) -> Path:
    folder = Path(rt.profile_dir) / CACHE_DIR
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def blob_path(rt: Runtime, blob_id: bytes) -> Path:
    return cache_dir(rt) / f"{blob_id.hex()}.blob"


class BlobCache:
    """The size limit of the cache and least-recently-used eviction."""

    def __init__(self, access: Access) -> None:
        self._access = access

    def drop_cached(self, rt: Runtime, blob_ids: list[bytes]) -> None:
        for blob_id in blob_ids:
            blob_path(rt, blob_id).unlink(missing_ok=True)
            blob_path(rt, blob_id).with_suffix(".part").unlink(missing_ok=True)
        rt.store.files.cache_forget(blob_ids)

    def cache_limit_mb(self) -> int:
        rt = self._access.runtime()
        value = rt.store.settings.get(CACHE_LIMIT_KEY)
        return int(value) if value and value.isdigit() else CACHE_LIMIT_DEFAULT_MB

    def set_cache_limit_mb(self, mb: int) -> None:
        if not isinstance(mb, int) or mb < 1:
            raise InvalidInput(_("The file cache limit must be at least 1 MB."))
        self._access.runtime().store.settings.set(CACHE_LIMIT_KEY, str(mb))
        self.evict()

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
            blob_path(rt, blob_id).unlink(missing_ok=True)
            gone.append(blob_id)
            used -= size
        if gone:
            rt.store.files.cache_forget(gone)
        return len(gone)

    def cache_bytes(self) -> int:
        return sum(size for _blob, size in self._access.runtime().store.files.cache_lru())


class Lane:
    """`work(piece)` for every piece fed, in order, on a thread of its own, through a short
    queue so memory stays bounded. The first exception `work` raises stops the lane and is
    raised again by the next `feed` or by `close`."""

    def __init__(self, work: Callable[[bytes], object]) -> None:
        self._work = work
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=16)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="coterie-blob-lane",
                                        daemon=True)
        self._thread.start()
        self._closed = False

    def _run(self) -> None:
        while (piece := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._work(piece)
                except BaseException as exc:  # noqa: BLE001 - handed to the feeding thread
                    self._error = exc

    def feed(self, piece: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(piece)

    def close(self, raise_error: bool = True) -> None:
        if not self._closed:
            self._closed = True
            self._queue.put(None)
            self._thread.join()
        if raise_error and self._error is not None:
            raise self._error

    def digest(self) -> bytes:
        """The lane's work was a hash's `update`: close, then that hash's digest."""
        self.close()
        owner = getattr(self._work, "__self__", None)
        assert owner is not None
        return owner.digest()
