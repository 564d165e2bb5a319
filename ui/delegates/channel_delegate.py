"""Paints one channel row: its kind's mark, its name (bold while unread, italic when
archived), a mention mark and the unread badge (grey when the channel is muted)."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.views import ChannelView
from ui.delegates.mirror import flip, lead
from ui.models.channel_list_model import KIND_MARK
from ui.models.keyed_list import ITEM_ROLE
from ui.theme import LIGHT, Theme
from ui.timefmt import number

ROW_H = 30


class ChannelDelegate(QStyledItemDelegate):
    def __init__(self, theme: Theme = LIGHT, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = theme

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(option.rect.width(), ROW_H)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        c: ChannelView | None = index.data(ITEM_ROLE)
        if c is None:
            return
        t = self._theme
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rtl = option.direction == Qt.LayoutDirection.RightToLeft

        def v(rect: QRect | QRectF) -> QRect | QRectF:   # mirrored in a right-to-left window
            return flip(rect, option.rect.width(), rtl, option.rect.left())

        r = option.rect.adjusted(2, 1, -2, -1)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        if selected or hovered:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(t.color("selection") if selected else t.color("border"))
            painter.drawRoundedRect(QRectF(r), 6, 6)
        font = QFont(option.font)
        small = QFont(font)
        if font.pointSizeF() > 0:
            small.setPointSizeF(font.pointSizeF() * 0.9)
        name_font = QFont(font)
        name_font.setBold(bool(c.unread) and not c.muted)
        name_font.setItalic(c.archived)
        fm, sfm = QFontMetrics(name_font), QFontMetrics(small)
        x, right = r.left() + 22, r.right() - 8
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
            painter.setBrush(t.color("badge_muted_bg") if c.muted else t.color("badge_bg"))
            painter.drawRoundedRect(badge, badge.height() / 2, badge.height() / 2)
            painter.setPen(t.color("accent_text"))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, label)
        painter.setFont(name_font)
        painter.setPen(t.color("muted") if c.muted or c.archived else t.color("text"))
        name_w = right - x - (badge_w + 6 if badge_w else 0)
        painter.drawText(v(QRect(x, r.top(), name_w, r.height())),
                         lead(rtl) | Qt.AlignmentFlag.AlignVCenter,
                         fm.elidedText(c.name, Qt.TextElideMode.ElideRight, name_w))
        painter.restore()
