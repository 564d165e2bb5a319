"""QR codes (invite links, safety numbers) drawn by segno into a QPixmap."""
from __future__ import annotations

import io

import segno
from PySide6.QtGui import QPixmap


def qr_pixmap(payload: str, scale: int = 6, dark: str = "#000000",
              light: str = "#ffffff") -> QPixmap:
    """A QR code for `payload`; dark modules on a light quiet zone so any phone can read it."""
    code = segno.make(payload, error="m", micro=False)
    buf = io.BytesIO()
    code.save(buf, kind="png", scale=scale, border=4, dark=dark, light=light)
    pixmap = QPixmap()
    if not pixmap.loadFromData(buf.getvalue(), "PNG"):
        raise ValueError("The QR code could not be drawn.")
    return pixmap
