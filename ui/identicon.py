"""Identicons: a 5x5 mirrored pattern and a hue drawn from a member's fingerprint.

The same fingerprint always gives the same picture, so members learn to recognise each
other at a glance; it is a visual aid, not a verification (safety numbers are that).
"""
from __future__ import annotations

import hashlib
from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath


def _digest(fingerprint: str) -> bytes:
    return hashlib.blake2b(fingerprint.encode("utf-8"), digest_size=16,
                           person=b"coterie-identicn").digest()


def identicon_color(fingerprint: str, dark: bool = False) -> QColor:
    """The member's colour, also used for their name above posts (lighter on dark themes)."""
    d = _digest(fingerprint)
    hue = int.from_bytes(d[:2], "big") % 360
    return QColor.fromHsl(hue, 150, 175 if dark else 105)


@lru_cache(maxsize=512)
def identicon(fingerprint: str, size: int, dpr: float = 1.0) -> QImage:
    """A rounded-square identicon `size` logical pixels wide at device pixel ratio `dpr`."""
    px = max(1, round(size * dpr))
    image = QImage(px, px, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(dpr)
    image.fill(Qt.GlobalColor.transparent)
    d = _digest(fingerprint)
    fg = identicon_color(fingerprint)
    bg = QColor.fromHsl(fg.hslHue(), 90, 232)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    clip = QPainterPath()
    clip.addRoundedRect(QRectF(0, 0, size, size), size * 0.22, size * 0.22)
    painter.setClipPath(clip)
    painter.fillRect(QRectF(0, 0, size, size), bg)
    cell = size / 6.0
    margin = cell / 2.0
    bits = int.from_bytes(d[2:6], "big")
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fg)
    for row in range(5):
        for col in range(3):  # columns 0..2 decide, 3 and 4 mirror 1 and 0
            if bits >> (row * 3 + col) & 1:
                for c in {col, 4 - col}:
                    painter.drawRect(QRectF(margin + c * cell, margin + row * cell,
                                            cell + 0.5, cell + 0.5))
    painter.end()
    return image
