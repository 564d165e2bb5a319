"""Paints one group in the sidebar: identicon, name, time of last activity, a one-line
preview of the latest post and the unread badge (grey when the group is muted)."""
from __future__ import annotations

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QRectF,
    Qt,
)
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

from app.names import isolate
from app.views import GroupSummary
from ui.delegates.mirror import flip, lead, trail
from ui.identicon import identicon
from ui.theme import Theme
from ui.timefmt import list_time, number

Index = QModelIndex | QPersistentModelIndex
ROW_H = 62
ICON = 38
CHEVRON_W = 16   # the fold mark at the leading side of a group row; a click there folds it


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


def paint_group(painter: QPainter, option: QStyleOptionViewItem, t: Theme, g: GroupSummary,
                expanded: bool) -> None:
    """One group row of the sidebar's tree: a fold mark (its channels shown or folded
    away), the identicon, name, time, preview, and the unread badge while its channels are
    folded (unfolded, each channel shows its own)."""
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
    font = QFont(option.font)
    bold = QFont(font)
    bold.setBold(True)
    small = QFont(font)
    if font.pointSizeF() > 0:
        small.setPointSizeF(font.pointSizeF() * 0.9)
    fm, bfm, sfm = QFontMetrics(font), QFontMetrics(bold), QFontMetrics(small)
    painter.setFont(small)
    painter.setPen(t.color("muted"))
    painter.drawText(v(QRect(r.left(), r.top(), CHEVRON_W, r.height())),
                     Qt.AlignmentFlag.AlignCenter, "▾" if expanded else ("◂" if rtl else "▸"))
    left = r.left() + CHEVRON_W
    dpr = painter.device().devicePixelRatioF()
    painter.drawImage(v(QRectF(left, r.top() + (r.height() - ICON) / 2, ICON,
                               ICON)).topLeft(), identicon(g.id, ICON, dpr))
    x = left + ICON + 10
    right = r.right() - 10
    badged = bool(g.unread) and not expanded
    line1 = r.top() + 10
    when = list_time(g.last_activity)
    painter.setPen(t.color("accent") if badged and not g.muted else t.color("muted"))
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
    if badged:
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
