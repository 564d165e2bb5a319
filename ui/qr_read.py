"""Reading a link code from a picture: a file, the clipboard or a camera frame (zxing-cpp).

Pictures are hostile input. A file, or an image's bytes from the clipboard, goes through
ui.image_preview: its header's size is checked against MAX_PIXELS before anything is
decoded (a decompression bomb is refused unread, under Qt's allocation limit too) and it is
decoded scaled to fit READ_SIDE. An image that arrives already decoded (a clipboard image, a
camera frame) is refused above the same pixel count and scaled the same way. zxing-cpp only
ever sees grey pixels, and only QR codes are looked for; only a whole Coterie link code is
taken (app.devices.is_link_code; the join checks it again like a typed one), anything else
is one sentence saying what to do. The text read is never logged: it carries the link's
secret. Safe off the GUI thread (QImage, not QPixmap); the dialogs run it on the worker.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QImage

from app.devices import is_link_code
from app.errors import AppError
from ui.image_preview import MAX_PIXELS, ImageRefused, image_size, scaled_image

READ_SIDE = 2048            # a screenshot's or photo's QR stays readable at this size
PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg")


class PictureRefused(AppError):
    """A picture that gave no link code; the message says what to do instead."""


def no_code() -> PictureRefused:
    return PictureRefused(QCoreApplication.translate(
        "ReadCode", "This picture holds no Coterie link code. Show the code on your other "
        "desktop and try again."))


def too_large() -> PictureRefused:
    return PictureRefused(QCoreApplication.translate(
        "ReadCode", "This picture is too large to read. Take a picture of just the code and "
        "try again."))


def unreadable() -> PictureRefused:
    return PictureRefused(QCoreApplication.translate(
        "ReadCode", "This is not a picture Coterie can read. Choose a PNG or JPEG picture of "
        "the code."))


def read_code_from_file(source: Path | bytes) -> str:
    """The link code in a picture file (or a picture's bytes); PictureRefused otherwise."""
    size = image_size(source)
    if not size.isValid() or size.width() <= 0 or size.height() <= 0:
        raise unreadable()
    if size.width() * size.height() > MAX_PIXELS:
        raise too_large()                           # refused from its header, unread
    try:
        image = scaled_image(source, READ_SIDE)
    except ImageRefused:
        raise unreadable() from None
    return read_code(image)


def read_code(image: QImage) -> str:
    """The link code in an image already decoded; PictureRefused otherwise."""
    if image.isNull() or image.width() <= 0 or image.height() <= 0:
        raise unreadable()
    if image.width() * image.height() > MAX_PIXELS:
        raise too_large()
    if max(image.width(), image.height()) > READ_SIDE:
        image = image.scaled(READ_SIDE, READ_SIDE, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    import zxingcpp  # here, on the worker: the window opens ~10 ms sooner without it

    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    for barcode in zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormat.QRCode):
        text = barcode.text.strip()
        if is_link_code(text):
            return text
    raise no_code()
