"""Image previews: a decompression bomb is refused from its header, without allocating;
thumbnails for posts fit in 4 KB; a 12-megapixel photo previews scaled."""
from __future__ import annotations

import struct
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from ui.image_preview import THUMB_BYTES, ImageRefused, scaled_image, thumbnail


def _png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    # a few KB of zeros that would inflate to width*height*4 bytes
    body = zlib.compress(b"\0" * (1 << 20), 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def test_a_decompression_bomb_is_refused_without_allocating(tmp_path: Path, qapp: object) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_png_claiming(40_000, 40_000))     # 6.4 GB once decoded
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(ImageRefused):
        scaled_image(bomb, 640)
    with pytest.raises(ImageRefused):
        thumbnail(bomb)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert time.perf_counter() - start < 2.0 and peak < 16 << 20


def test_junk_is_refused(tmp_path: Path, qapp: object) -> None:
    junk = tmp_path / "not.png"
    junk.write_bytes(b"\x89PNG not really")
    with pytest.raises(ImageRefused):
        scaled_image(junk, 640)


def test_a_photo_gets_a_small_thumbnail_and_its_size(tmp_path: Path, qapp: object) -> None:
    image = QImage(4000, 3000, QImage.Format.Format_RGB32)
    for y in range(0, 3000, 100):
        for x in range(0, 4000, 100):
            image.setPixelColor(x, y, QColor((x * 7) % 255, (y * 3) % 255, 120))
    path = tmp_path / "photo.jpg"
    assert image.save(str(path), "JPEG", 90)
    width, height, thumb = thumbnail(path)
    assert (width, height) == (4000, 3000)
    assert 0 < len(thumb) <= THUMB_BYTES
    preview = scaled_image(path, 640)
    assert max(preview.width(), preview.height()) == 640
