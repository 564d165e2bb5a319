"""Paints one channel row of the sidebar's tree: its kind's mark, its name (bold while
unread, italic when archived), a mention mark and the unread badge (grey when the channel
or its group is muted); and the tree's two other rows, "New channel…" and "Archived (n)".
Laid out left to right and mirrored in a right-to-left window, as the group rows."""
from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from app.views import ChannelView
from ui.delegates.mirror import flip, lead
from ui.models.sidebar_model import KIND_MARK
from ui.theme import Theme
from ui.timefmt import number

ROW_H = 30
INDENT = 22            # a channel sits under its group's identicon
ARCHIVED_INDENT = 12   # an archived channel under "Archived", a step further in


def _background(painter: QPainter, option: QStyleOptionViewItem, t: Theme,
                r: QRect | QRectF) -> None:
    selected = bool(option.state & QStyle.StateFlag.State_Selected)
    hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
    if selected or hovered:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(t.color("selection") if selected else t.color("border"))
        painter.drawRoundedRect(QRectF(r), 6, 6)
    if option.state & QStyle.StateFlag.State_HasFocus and selected:
        painter.setPen(t.color("accent"))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(r).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)


_FONTS: dict[tuple[str, bool, bool, bool], tuple[QFont, QFontMetrics]] = {}


def _font(base: QFont, bold: bool = False, italic: bool = False,
          small: bool = False) -> tuple[QFont, QFontMetrics]:
    """A variant of the row's font with its metrics, made once (every row repaints them)."""
    key = (base.key(), bold, italic, small)
    found = _FONTS.get(key)
    if found is None:
        font = QFont(base)
        if small and base.pointSizeF() > 0:
            font.setPointSizeF(base.pointSizeF() * 0.9)
        font.setBold(bold)
        font.setItalic(italic)
        if len(_FONTS) > 64:
            _FONTS.clear()
        found = _FONTS[key] = (font, QFontMetrics(font))
    return found


def paint_channel(painter: QPainter, option: QStyleOptionViewItem, t: Theme, c: ChannelView,
                  indent: int, group_muted: bool = False, shown: bool = False) -> None:
    """A channel of a muted group is painted as muted (grey badge, plain name); the one
    the timeline shows has an accent bar at its leading edge (its group's row may be the
    current one)."""
    muted = c.muted or group_muted
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setLayoutDirection(Qt.LayoutDirection.LayoutDirectionAuto)
    rtl = option.direction == Qt.LayoutDirection.RightToLeft

    def v(rect: QRect | QRectF) -> QRect | QRectF:   # mirrored in a right-to-left window
        return flip(rect, option.rect.width(), rtl, option.rect.left())

    r = option.rect.adjusted(6 + indent, 1, -6, -1)
    _background(painter, option, t, v(r))
    if shown:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(t.color("accent"))
        painter.drawRoundedRect(v(QRectF(r.left(), r.top() + 6, 3, r.height() - 12)), 1.5, 1.5)
    small, sfm = _font(option.font, small=True)
    name_font, fm = _font(option.font, bold=bool(c.unread) and not muted, italic=c.archived)
    x, right = r.left() + 22, r.right() - 10
    painter.setFont(small)
    painter.setPen(t.color("muted"))
    painter.drawText(v(QRect(r.left() + 4, r.top(), 18, r.height())),
                     Qt.AlignmentFlag.AlignCenter, KIND_MARK.get(c.kind, "#"))
    badge_w = 0
    if c.unread:
        label = number(c.unread) if c.unread < 1000 else number(999) + "+"
        if c.mentions:
            label = "@ " + label
        badge_w = max(sfm.height() + 4, sfm.horizontalAdvance(label) + 12)
        badge = v(QRectF(right - badge_w, r.top() + (r.height() - sfm.height() - 4) / 2,
                         badge_w, sfm.height() + 4))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(t.color("badge_muted_bg") if muted else t.color("badge_bg"))
        painter.drawRoundedRect(badge, badge.height() / 2, badge.height() / 2)
        painter.setPen(t.color("accent_text"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, label)
    painter.setFont(name_font)
    painter.setPen(t.color("muted") if muted or c.archived else t.color("text"))
    name_w = right - x - (badge_w + 6 if badge_w else 0)
    painter.drawText(v(QRect(x, r.top(), name_w, r.height())),
                     lead(rtl) | Qt.AlignmentFlag.AlignVCenter,
                     fm.elidedText(c.name, Qt.TextElideMode.ElideRight, name_w))
    painter.restore()


def paint_marker(painter: QPainter, option: QStyleOptionViewItem, t: Theme, text: str,
                 mark: str, indent: int) -> None:
    """"New channel…" (mark "+") or "Archived (n)" (a fold mark: folded or open)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setLayoutDirection(Qt.LayoutDirection.LayoutDirectionAuto)
    rtl = option.direction == Qt.LayoutDirection.RightToLeft

    def v(rect: QRect | QRectF) -> QRect | QRectF:
        return flip(rect, option.rect.width(), rtl, option.rect.left())

    r = option.rect.adjusted(6 + indent, 1, -6, -1)
    _background(painter, option, t, v(r))
    small, sfm = _font(option.font, small=True)
    painter.setFont(small)
    painter.setPen(t.color("accent") if mark == "+" else t.color("muted"))
    painter.drawText(v(QRect(r.left() + 4, r.top(), 18, r.height())),
                     Qt.AlignmentFlag.AlignCenter, mark)
    x, right = r.left() + 22, r.right() - 10
    painter.drawText(v(QRect(x, r.top(), right - x, r.height())),
                     lead(rtl) | Qt.AlignmentFlag.AlignVCenter,
                     sfm.elidedText(text, Qt.TextElideMode.ElideRight, right - x))
    painter.restore()
