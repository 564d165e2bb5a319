"""Right-to-left for the hand-painted rows: geometry is worked out left to right, then
mirrored inside the row when the window lays out right to left (an Arabic or Hebrew UI, or
`QGuiApplication.setLayoutDirection(Qt.RightToLeft)`): the avatar, the name and time, the
bubbles, chips and file cards move to the other side.

Text keeps its own direction: a paragraph reads (and aligns) by its first strong letter,
whatever the window's direction. Labels that belong to the layout (names, times, counts, a
list row's preview) hug the side they start from: `lead` is their alignment.
"""
from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QRect, QRectF, Qt

R = TypeVar("R", QRect, QRectF)


def flip(rect: R, width: float, rtl: bool, left: float = 0) -> R:
    """`rect` mirrored inside the span [left, left + width) when `rtl`, else itself."""
    if not rtl or rect.isNull():
        return rect
    out = QRectF(rect) if isinstance(rect, QRectF) else QRect(rect)
    out.moveLeft(type(rect.x())(2 * left + width - rect.x() - rect.width()))
    return out  # type: ignore[return-value]


def lead(rtl: bool) -> Qt.AlignmentFlag:
    """The alignment of a label that starts at the row's leading side."""
    return (Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute) if rtl \
        else (Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignAbsolute)


def trail(rtl: bool) -> Qt.AlignmentFlag:
    """The alignment of a label that sits at the row's trailing side (a time, a count)."""
    return lead(not rtl)
