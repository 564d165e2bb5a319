"""Blob bytes on disk: one file per blob under `<data>/blobs/<2 hex>/<blob id hex>.blob`.

Chunk i is written in place at offset i × chunk size; `sync` makes a blob file's bytes
durable before the chunks written to it are acknowledged (relay/blobs.py commits chunks in
groups: one fsync of a blob's file covers every chunk written to it since, then one
transaction records their rows). A chunk that was being written when the relay died is
simply not listed as stored, and the client sends it again over whatever is there. The
directory entry is made durable once, when the blob's first chunk creates the file. Names are the blob id in hex: nothing about groups or
members.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

READ_PIECE = 1 << 20    # one thread hop of the streaming response per piece


class BlobFiles:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)

    def path(self, blob: bytes) -> Path:
        name = blob.hex()
        return self.root / name[:2] / f"{name}.blob"

    def write_chunk(self, blob: bytes, index: int, chunk_size: int, data: bytes) -> None:
        """Write chunk `index` in place (durable once `sync(blob)` returns after this)."""
        path = self.path(blob)
        fresh = not path.exists()
        if fresh:
            path.parent.mkdir(mode=0o700, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            view = memoryview(data)
            offset = index * chunk_size
            while view:
                written = os.pwrite(fd, view, offset)
                view, offset = view[written:], offset + written
        finally:
            os.close(fd)
        if fresh:
            _fsync_dir(path.parent)

    def sync(self, blob: bytes) -> None:
        """Make every chunk written to the blob's file so far durable."""
        fd = os.open(self.path(blob), os.O_WRONLY)
        try:
            _datasync(fd)
        finally:
            os.close(fd)

    def read(self, blob: bytes, start: int, end: int) -> Iterator[bytes]:
        """Bytes [start, end) of the blob, piece by piece (never the whole blob at once)."""
        with open(self.path(blob), "rb") as f:
            f.seek(start)
            left = end - start
            while left:
                piece = f.read(min(READ_PIECE, left))
                if not piece:
                    raise OSError("a stored blob is shorter than recorded")
                left -= len(piece)
                yield piece

    def delete(self, blob: bytes) -> None:
        self.path(blob).unlink(missing_ok=True)


_datasync = getattr(os, "fdatasync", os.fsync)   # macOS has no fdatasync


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
