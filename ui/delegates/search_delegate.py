"""Paints one search hit: where and who on the first line, the snippet with its matched
words highlighted on the second (drawn span by span: the snippet is never parsed as markup)."""
from __future__ import annotations

import re

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.views import HIGHLIGHT_END, HIGHLIGHT_START, SearchHit
from ui.markdown import markup_free
from ui.models.keyed_list import ITEM_ROLE
from ui.theme import LIGHT, Theme
from ui.timefmt import clock, day_label

Index = QModelIndex | QPersistentModelIndex


def snippet_spans(snippet: str) -> list[tuple[str, bool]]:
    """[(text, highlighted)] from a snippet with HIGHLIGHT_START/END markers, shown as
    plain words (the snippet is cut from Markdown source)."""
    snippet = markup_free(snippet)
    spans: list[tuple[str, bool]] = []
    on = False
    buf = ""
    for ch in snippet:
        if ch in (HIGHLIGHT_START, HIGHLIGHT_END):
            if buf:
                spans.append((buf, on))
            buf = ""
            on = ch == HIGHLIGHT_START
        else:
            buf += ch
    if buf:
        spans.append((buf, on))
    return [(re.sub(r"\s+", " ", t), h) for t, h in spans]


class SearchDelegate(QStyledItemDelegate):
    def __init__(self, theme: Theme = LIGHT, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = theme

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        fm = QFontMetrics(option.font)
        return QSize(option.rect.width(), fm.height() * 2 + 18)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        hit: SearchHit | None = index.data(ITEM_ROLE)
        if hit is None:
            return
        t = self._theme
        painter.save()
        r = option.rect.adjusted(4, 2, -4, -2)
        if option.state & QStyle.StateFlag.State_Selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(t.color("selection"))
            painter.drawRoundedRect(QRectF(r), 6, 6)
        font = QFont(option.font)
        small = QFont(font)
        if font.pointSizeF() > 0:
            small.setPointSizeF(font.pointSizeF() * 0.88)
        fm, sfm = QFontMetrics(font), QFontMetrics(small)
        x, y, w = r.left() + 10, r.top() + 5, r.width() - 20
        painter.setFont(small)
        painter.setPen(t.color("muted"))
        where = f"{hit.group_name} · {hit.sender_name} · {day_label(hit.sent_at)} {clock(hit.sent_at)}"
        painter.drawText(QRect(x, y, w, sfm.height()), Qt.AlignmentFlag.AlignLeft,
                         sfm.elidedText(where, Qt.TextElideMode.ElideRight, w))
        y += sfm.height() + 3
        painter.setFont(font)
        cx = x
        for text, lit in snippet_spans(hit.snippet):
            room = x + w - cx
            if room <= 10:
                break
            shown = fm.elidedText(text, Qt.TextElideMode.ElideRight, room)
            tw = fm.horizontalAdvance(shown)
            if lit:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(t.color("highlight_bg"))
                painter.drawRoundedRect(QRectF(cx - 1, y, tw + 2, fm.height()), 3, 3)
                bold = QFont(font)
                bold.setBold(True)
                painter.setFont(bold)
                shown = QFontMetrics(bold).elidedText(text, Qt.TextElideMode.ElideRight, room)
                tw = QFontMetrics(bold).horizontalAdvance(shown)
            painter.setPen(t.color("text"))
            painter.drawText(QRect(cx, y, tw + 1, fm.height()), Qt.AlignmentFlag.AlignLeft, shown)
            painter.setFont(font)
            cx += tw
            if shown != text:
                break
        painter.restore()
