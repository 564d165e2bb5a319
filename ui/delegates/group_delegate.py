"""Paints one group in the sidebar: identicon, name, time of last activity, a one-line
preview of the latest post and the unread badge (grey when the group is muted)."""
from __future__ import annotations

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.names import isolate
from app.views import GroupSummary
from ui.delegates.mirror import flip, lead, trail
from ui.identicon import identicon
from ui.models.keyed_list import ITEM_ROLE
from ui.theme import LIGHT, Theme
from ui.timefmt import list_time, number

Index = QModelIndex | QPersistentModelIndex
ROW_H = 62
ICON = 38


def preview_text(g: GroupSummary) -> str:
    """The group's second line: the latest post with its sender (isolated), or its state."""
    if g.status == "removed":
        preview = QCoreApplication.translate("GroupList", "You were removed from this group")
    elif g.status == "left":
        preview = QCoreApplication.translate("GroupList", "You left this group")
    elif g.last_preview:
        preview = (f"{isolate(g.last_sender)}: " if g.last_sender else "") + g.last_preview
    else:
        preview = QCoreApplication.translate("GroupList", "No posts yet")
    if g.muted:
        preview = QCoreApplication.translate("GroupList", "Muted · {preview}").format(preview=preview)
    if g.warnings:
        preview = "⚠ " + preview
    return preview


class GroupDelegate(QStyledItemDelegate):
    def __init__(self, theme: Theme = LIGHT, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = theme

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(option.rect.width(), ROW_H)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        g: GroupSummary | None = index.data(ITEM_ROLE)
        if g is None:
            return
        t = self._theme
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # Rows are laid out left to right by hand and mirrored in a right-to-left window;
        # each text takes the direction of its own first strong letter.
        painter.setLayoutDirection(Qt.LayoutDirection.LayoutDirectionAuto)
        rtl = option.direction == Qt.LayoutDirection.RightToLeft

        def v(rect: QRect | QRectF) -> QRect | QRectF:
            return flip(rect, option.rect.width(), rtl, option.rect.left())

        r = option.rect.adjusted(6, 2, -6, -2)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        if selected or hovered:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(t.color("selection") if selected else t.color("border"))
            painter.drawRoundedRect(QRectF(r), 8, 8)
        if option.state & QStyle.StateFlag.State_HasFocus and selected:
            painter.setPen(t.color("accent"))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(r).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
        dpr = painter.device().devicePixelRatioF()
        painter.drawImage(v(QRectF(r.left() + 8, r.top() + (r.height() - ICON) / 2, ICON,
                                   ICON)).topLeft(), identicon(g.id, ICON, dpr))
        x = r.left() + 8 + ICON + 10
        right = r.right() - 10
        font = QFont(option.font)
        bold = QFont(font)
        bold.setBold(True)
        small = QFont(font)
        if font.pointSizeF() > 0:
            small.setPointSizeF(font.pointSizeF() * 0.9)
        fm, bfm, sfm = QFontMetrics(font), QFontMetrics(bold), QFontMetrics(small)
        line1 = r.top() + 10
        when = list_time(g.last_activity)
        painter.setFont(small)
        painter.setPen(t.color("accent") if g.unread and not g.muted else t.color("muted"))
        tw = sfm.horizontalAdvance(when)
        painter.drawText(v(QRect(right - tw, line1 + bfm.ascent() - sfm.ascent(), tw, sfm.height())),
                         trail(rtl), when)
        painter.setFont(bold if g.unread else font)
        painter.setPen(t.color("text"))
        name_w = right - tw - 8 - x
        painter.drawText(v(QRect(x, line1, name_w, bfm.height())), lead(rtl),
                         (bfm if g.unread else fm).elidedText(g.name, Qt.TextElideMode.ElideRight, name_w))
        line2 = line1 + bfm.height() + 3
        badge_w = 0
        if g.unread:
            label = number(g.unread) if g.unread < 1000 else number(999) + "+"
            badge_w = max(sfm.height() + 4, sfm.horizontalAdvance(label) + 12)
            badge = v(QRectF(right - badge_w, line2, badge_w, sfm.height() + 4))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(t.color("badge_muted_bg") if g.muted else t.color("badge_bg"))
            painter.drawRoundedRect(badge, badge.height() / 2, badge.height() / 2)
            painter.setFont(small)
            painter.setPen(t.color("accent_text"))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, label)
        preview = preview_text(g)
        painter.setFont(small)
        painter.setPen(t.color("muted"))
        pw = right - x - (badge_w + 8 if badge_w else 0)
        painter.drawText(v(QRect(x, line2 + 2, pw, sfm.height())), lead(rtl),
                         sfm.elidedText(" ".join(preview.split()), Qt.TextElideMode.ElideRight, pw))
        painter.restore()
