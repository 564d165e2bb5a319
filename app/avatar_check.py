"""Received avatars, checked without decoding: `jpeg_size` walks a JPEG's markers to its
frame header, and an avatar that is not a JPEG of 1..MAX_SIDE pixels a side is not kept.
The window decodes the kept ones under Qt's allocation limit (ui/image_preview.py); the
sender made them with app/avatars.py."""
from __future__ import annotations

import struct

from crypto.profiles import JPEG_MAGIC, MAX_AVATAR_BYTES

MAX_SIDE = 512                    # what a receiver accepts (senders make 128)
# Frame headers (SOF0..SOF15 but DHT, JPG and DAC) carry the picture's size.
_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE,
                  0xCF})
_NO_LENGTH = frozenset({0x01, *range(0xD0, 0xD8)})


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a JPEG's frame header, or None when the bytes are not a JPEG
    whose markers lead to one. Reads headers only; never decodes."""
    if not data.startswith(JPEG_MAGIC):
        return None
    pos = 2
    end = len(data)
    while pos + 4 <= end:
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:          # fill byte
            pos += 1
            continue
        if marker in _NO_LENGTH:
            pos += 2
            continue
        if marker in (0xD8, 0xD9, 0xDA):   # a second start, the end or scan data first
            return None
        (length,) = struct.unpack_from(">H", data, pos + 2)
        if length < 2:
            return None
        if marker in _SOF:
            if pos + 9 > end:
                return None
            height, width = struct.unpack_from(">HH", data, pos + 5)
            return width, height
        pos += 2 + length
    return None


def acceptable(data: bytes) -> bool:
    """Whether a received avatar is kept: a JPEG of 1..MAX_SIDE pixels a side."""
    if not data or len(data) > MAX_AVATAR_BYTES:
        return False
    size = jpeg_size(data)
    return size is not None and all(1 <= s <= MAX_SIDE for s in size)
