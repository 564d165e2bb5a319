"""Paints one search hit: where and who on the first line, the snippet with its matched
words highlighted on the second (drawn span by span: the snippet is never parsed as markup)."""
from __future__ import annotations

import re

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
from app.views import HIGHLIGHT_END, HIGHLIGHT_START, SearchHit
from ui.delegates.mirror import lead
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


def snippet_layout(snippet: str, font: QFont, x: int, y: int,
                   width: int) -> list[tuple[QRect, str, bool, QFont]]:
    """Where each span of a snippet is drawn: (rect, shown text, highlighted, font).

    A match is drawn bold, so it is measured in bold: its highlight covers the whole word.
    """
    bold = QFont(font)
    bold.setBold(True)
    height = QFontMetrics(font).height()
    out = []
    cx = x
    for text, lit in snippet_spans(snippet):
        room = x + width - cx
        if room <= 10:
            break
        span_font = bold if lit else font
        fm = QFontMetrics(span_font)
        shown = fm.elidedText(text, Qt.TextElideMode.ElideRight, room)
        tw = fm.horizontalAdvance(shown)
        out.append((QRect(cx, y, tw, height), shown, lit, span_font))
        cx += tw
        if shown != text:
            break
    return out


class SearchDelegate(QStyledItemDelegate):
    def __init__(self, theme: Theme = LIGHT, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = theme

    @staticmethod
    def where(hit: SearchHit) -> str:
        """The hit's first line: group and sender isolated, so a right-to-left name cannot
        swap places with its neighbour."""
        if hit.kind == "channel":
            return QCoreApplication.translate("SearchDelegate", "{group} · channel").format(
                group=isolate(hit.group_name))
        if hit.kind == "topic":
            return QCoreApplication.translate("SearchDelegate", "{group} · topic by {name} · {day}").format(
                group=isolate(hit.group_name), name=isolate(hit.sender_name),
                day=day_label(hit.sent_at))
        if hit.kind == "library":
            return QCoreApplication.translate(
                "SearchDelegate", "{group} · in the library, saved by {name} · {day}").format(
                group=isolate(hit.group_name), name=isolate(hit.sender_name),
                day=day_label(hit.sent_at))
        return (f"{isolate(hit.group_name)} · {isolate(hit.sender_name)} · "
                f"{day_label(hit.sent_at)} {clock(hit.sent_at)}")

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        fm = QFontMetrics(option.font)
        return QSize(option.rect.width(), fm.height() * 2 + 18)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        hit: SearchHit | None = index.data(ITEM_ROLE)
        if hit is None:
            return
        t = self._theme
        painter.save()
        # Rows are laid out left to right by hand; each text takes the direction of its
        # own first strong letter, so Arabic posts read right to left in any window. A
        # right-to-left window aligns both lines to the right.
        painter.setLayoutDirection(Qt.LayoutDirection.LayoutDirectionAuto)
        rtl = option.direction == Qt.LayoutDirection.RightToLeft
        r = option.rect.adjusted(4, 2, -4, -2)
        if option.state & QStyle.StateFlag.State_Selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(t.color("selection"))
            painter.drawRoundedRect(QRectF(r), 6, 6)
        font = QFont(option.font)
        small = QFont(font)
        if font.pointSizeF() > 0:
            small.setPointSizeF(font.pointSizeF() * 0.88)
        sfm = QFontMetrics(small)
        x, y, w = r.left() + 10, r.top() + 5, r.width() - 20
        painter.setFont(small)
        painter.setPen(t.color("muted"))
        where = self.where(hit)
        painter.drawText(QRect(x, y, w, sfm.height()), lead(rtl),
                         sfm.elidedText(where, Qt.TextElideMode.ElideRight, w))
        y += sfm.height() + 3
        spans = snippet_layout(hit.snippet, font, x, y, w)
        if rtl and spans:   # the line keeps its reading order, moved to the right edge
            shift = x + w - spans[-1][0].right() - 1
            spans = [(rect.translated(shift, 0), *rest) for rect, *rest in spans]
        for rect, text, lit, span_font in spans:
            if lit:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(t.color("highlight_bg"))
                painter.drawRoundedRect(QRectF(rect).adjusted(-2, 0, 2, 0), 3, 3)
            painter.setFont(span_font)
            painter.setPen(t.color("text"))
            painter.drawText(rect.adjusted(0, 0, 1, 0), Qt.AlignmentFlag.AlignLeft, text)
        painter.restore()
