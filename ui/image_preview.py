"""Image previews that cannot be made to allocate: sizes are read from the header first.

`QImageReader.setAllocationLimit` (MB) makes Qt refuse to decode an image whose decoded
size would pass it; on top of that the header's size is checked against MAX_PIXELS before
anything is decoded, so a decompression bomb (a tiny file claiming 40,000 × 40,000
pixels) is refused without allocating. Large photos are decoded scaled down
(`setScaledSize`), which JPEG does at a fraction of the full cost. Safe to call off the
GUI thread (QImage, not QPixmap).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QSize, Qt
from PySide6.QtGui import QImage, QImageReader

ALLOCATION_LIMIT_MB = 256
MAX_PIXELS = 64_000_000          # 64 megapixels: more is refused unread
THUMB_SIDE = 96                  # the preview embedded in the post (≤ 4 KB)
THUMB_BYTES = 4096
PREVIEW_SIDE = 640               # the composer's and the viewer's scaled copy

QImageReader.setAllocationLimit(ALLOCATION_LIMIT_MB)


class ImageRefused(ValueError):
    """Not an image Coterie will decode (unreadable, or too large once decoded)."""


def _reader(source: Path | bytes) -> tuple[QImageReader, QBuffer | None]:
    if isinstance(source, (bytes, bytearray)):
        buf = QBuffer()
        buf.setData(QByteArray(bytes(source)))
        buf.open(QIODevice.OpenModeFlag.ReadOnly)
        return QImageReader(buf), buf
    return QImageReader(str(source)), None


def image_size(source: Path | bytes) -> QSize:
    reader, _buf = _reader(source)
    return reader.size()


def scaled_image(source: Path | bytes, side: int) -> QImage:
    """The image fitted in side × side (never upscaled); ImageRefused for a bomb or junk."""
    reader, _buf = _reader(source)
    reader.setAutoTransform(True)
    size = reader.size()
    if not size.isValid() or size.width() <= 0 or size.height() <= 0:
        raise ImageRefused(QCoreApplication.translate("ImagePreview", "This is not an image Coterie can show."))
    if size.width() * size.height() > MAX_PIXELS:
        raise ImageRefused(QCoreApplication.translate("ImagePreview", "This image is too large to show."))
    if max(size.width(), size.height()) > side:
        reader.setScaledSize(size.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        raise ImageRefused(QCoreApplication.translate("ImagePreview", "This is not an image Coterie can show."))
    return image


def thumbnail(path: Path) -> tuple[int, int, bytes]:
    """(width, height, JPEG of at most 4 KB) for the post: what app.files.previewer wants."""
    size = image_size(path)
    image = scaled_image(path, THUMB_SIDE)
    for quality in (70, 55, 40, 25, 10):
        data = QByteArray()
        buf = QBuffer(data)
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        image.convertToFormat(QImage.Format.Format_RGB32).save(buf, "JPEG", quality)
        if data.size() <= THUMB_BYTES:
            return size.width(), size.height(), bytes(data.data())
        image = image.scaled(image.width() * 3 // 4, image.height() * 3 // 4,
                             Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    return size.width(), size.height(), b""
