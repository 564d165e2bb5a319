"""Blob bytes on disk: one file per stored chunk under `<data>/blobs/`.

A chunk is written to a temporary file in its blob's directory, fsynced, renamed into
place, and the directory fsynced: when `write_chunk` returns the chunk survives a crash
(kill -9 or power loss), and a torn write can only leave a temporary file, which is never
served and is removed with its blob. Names are the blob id in hex and the chunk index:
nothing about groups or members.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

READ_PIECE = 1 << 20    # one thread hop of the streaming response per piece


class BlobFiles:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)

    def _dir(self, blob: bytes) -> Path:
        name = blob.hex()
        return self.root / name[:2] / name

    def chunk_path(self, blob: bytes, index: int) -> Path:
        return self._dir(blob) / f"{index:06d}.chunk"

    def write_chunk(self, blob: bytes, index: int, data: bytes) -> None:
        folder = self._dir(blob)
        if not folder.is_dir():
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            _fsync_dir(folder.parent)
        final = self.chunk_path(blob, index)
        tmp = folder / f".{index:06d}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, final)
        _fsync_dir(folder)

    def read(self, blob: bytes, chunk_size: int, start: int, end: int) -> Iterator[bytes]:
        """Bytes [start, end) of the blob, piece by piece (never the whole blob at once)."""
        pos = start
        while pos < end:
            index, offset = divmod(pos, chunk_size)
            want = min(end - pos, chunk_size - offset)
            with open(self.chunk_path(blob, index), "rb") as f:
                f.seek(offset)
                while want:
                    piece = f.read(min(READ_PIECE, want))
                    if not piece:
                        raise OSError("a stored chunk is shorter than recorded")
                    want -= len(piece)
                    pos += len(piece)
                    yield piece

    def delete(self, blob: bytes) -> None:
        shutil.rmtree(self._dir(blob), ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
