"""Paints one timeline row: day separator, sender (identicon, name, time), reply quote,
the post as safe Markdown, tombstones, "edited", reactions and inline warnings.

Laying out rich text is the expensive part, so each row's geometry (with its laid-out
QTextDocument) is cached by what it depends on: the post's content, the width, whether the
header and day separator show, and the theme. Painting a cached row is cheap, so a scroll
or a new post at the bottom lays out only the rows that are new.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPalette,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.views import PostView
from ui.identicon import identicon, identicon_color
from ui.markdown import SafeDocument, make_document, needs_markdown, plain_excerpt
from ui.models.conversation_model import ConversationModel
from ui.models.keyed_list import ITEM_ROLE
from ui.theme import LIGHT, Theme
from ui.timefmt import clock, day_key, day_label

Index = QModelIndex | QPersistentModelIndex

MARGIN_L = 16
AVATAR = 34
GAP = 10
CONTENT_X = MARGIN_L + AVATAR + GAP
MARGIN_R = 24
MAX_TEXT = 760
DAY_H = 34
GROUP_SECONDS = 300  # consecutive posts of one sender within 5 minutes share a header
CACHE_ROWS = 800
PLAIN_FLAGS = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) | int(Qt.TextFlag.TextWordWrap)


@dataclass
class RowLayout:
    height: int
    day: str | None
    header: bool
    name_rect: QRect = field(default_factory=QRect)
    time_rect: QRect = field(default_factory=QRect)
    quote_rect: QRect = field(default_factory=QRect)
    body_rect: QRect = field(default_factory=QRect)
    meta_rect: QRect = field(default_factory=QRect)
    warn_rects: list[tuple[QRect, str]] = field(default_factory=list)
    chips: list[tuple[QRect, str, int, bool]] = field(default_factory=list)
    doc: SafeDocument | None = None
    body_kind: str = "text"  # text (Markdown) | plain | tombstone | unsupported | warning


ACTIONS = (("reply", "↩", "Reply"), ("react", "☺", "React"), ("more", "⋯", "More"))
ACTION_W, ACTION_H = 30, 26


def action_rects(width: int, row: RowLayout) -> list[tuple[QRect, str, str]]:
    """Where the hover bar's buttons sit in a row: top right, over the first line."""
    top = (DAY_H if row.day else 0) + 2
    x = min(width, CONTENT_X + MAX_TEXT + MARGIN_R) - MARGIN_R - ACTION_W * len(ACTIONS)
    return [(QRect(x + i * ACTION_W, top, ACTION_W, ACTION_H), name, glyph)
            for i, (name, glyph, _label) in enumerate(ACTIONS)]


def show_header(post: PostView, prev: PostView | None) -> bool:
    if prev is None or post.kind == "warning" or prev.kind == "warning":
        return True
    if prev.sender_fingerprint != post.sender_fingerprint:
        return True
    if post.reply_to is not None:
        return True
    return post.sent_at - prev.sent_at > GROUP_SECONDS or day_key(post.sent_at) != day_key(prev.sent_at)


class PostDelegate(QStyledItemDelegate):
    reaction_clicked = Signal(str, str, bool)   # post id, emoji, on
    action_clicked = Signal(str, str, QPoint)   # post id, "reply"|"react"|"more", global pos
    quote_clicked = Signal(str)                 # quoted post id
    link_clicked = Signal(str)                  # url the user clicked

    def __init__(self, theme: Theme = LIGHT, parent: QWidget | None = None,
                 model: ConversationModel | None = None) -> None:
        super().__init__(parent)
        self._theme = theme
        # With the model at hand, rows are read from its list directly instead of through
        # QModelIndex.data(): a relayout asks every row for its size, so this is the hot path.
        self._model = model
        self._cache: OrderedDict[tuple, RowLayout] = OrderedDict()
        # post id -> (the post object, its predecessor object, width, layout): a relayout
        # that finds the same objects in place returns without building any key
        self._fast: dict[str, tuple[PostView, PostView | None, int, RowLayout]] = {}
        self.layouts_built = 0  # for tests and benchmarks: how often a row was laid out
        self._fonts: dict[str, tuple[QFontMetrics, QFont, QFontMetrics]] = {}

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.clear_cache()

    def clear_cache(self) -> None:
        """Forget every layout (theme or font changed, or a benchmark wants a cold start)."""
        self._cache.clear()
        self._fast.clear()

    # -- geometry ----------------------------------------------------------------------------
    def _rows(self, index: Index) -> tuple[PostView | None, PostView | None]:
        row = index.row()
        if self._model is not None:
            return self._model.post_at(row), self._model.post_at(row - 1)
        post = index.data(ITEM_ROLE)
        prev = index.model().index(row - 1, 0).data(ITEM_ROLE) if row > 0 else None
        return post, prev

    def layout_for(self, option: QStyleOptionViewItem, index: Index) -> RowLayout | None:
        post, prev = self._rows(index)
        if post is None:
            return None
        width = max(200, option.rect.width())
        fast = self._fast.get(post.id)
        if fast is not None and fast[0] is post and fast[1] is prev and fast[2] == width:
            return fast[3]
        row = self._layout_slow(post, prev, width, option.font)
        if len(self._fast) > 2 * CACHE_ROWS:
            self._fast.clear()
        self._fast[post.id] = (post, prev, width, row)
        return row

    def _layout_slow(self, post: PostView, prev: PostView | None, width: int,
                     font: QFont) -> RowLayout:
        day = None if prev is not None and day_key(prev.sent_at) == day_key(post.sent_at) \
            else day_label(post.sent_at)
        header = show_header(post, prev)
        key = (post.id, post.text, post.kind, post.edited, post.deleted, post.deleted_by,
               post.sending, post.reply_to, tuple(sorted((e, len(n)) for e, n in post.reactions.items())),
               post.my_reactions, post.warnings, width, header, day, self._theme.name)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        row = self._build(post, header, day, width, font)
        self.layouts_built += 1
        self._cache[key] = row
        if len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)
        return row

    def _build(self, post: PostView, header: bool, day: str | None, width: int,
               font: QFont) -> RowLayout:
        fm, small, sfm = self._metrics(font)
        text_w = min(MAX_TEXT, width - CONTENT_X - MARGIN_R)
        row = RowLayout(0, day, header)
        y = 0
        if day:
            y += DAY_H
        y += 8 if header else 2
        if post.kind == "warning":
            row.body_kind = "warning"
            doc = make_document(post.text, font, text_w - 28)
            h = int(doc.size().height()) + 12
            row.body_rect = QRect(CONTENT_X, y, text_w, h)
            row.doc = doc
            row.height = y + h + 6
            return row
        if header:
            name_w = min(fm.horizontalAdvance(post.sender_name) + 2, text_w - 80)
            row.name_rect = QRect(CONTENT_X, y, name_w, fm.height())
            tw = sfm.horizontalAdvance("00:00 ") + 4
            row.time_rect = QRect(CONTENT_X + name_w + 8, y + fm.ascent() - sfm.ascent(), tw,
                                  sfm.height())
            y += fm.height() + 2
        if post.reply_to is not None and not post.deleted:
            qh = sfm.height() * 2 + 10
            row.quote_rect = QRect(CONTENT_X, y + 2, min(text_w, 520), qh)
            y += qh + 6
        if post.deleted or post.kind == "unsupported":
            row.body_kind = "tombstone" if post.deleted else "unsupported"
            row.body_rect = QRect(CONTENT_X, y, text_w, fm.height())
            y += fm.height()
        else:
            if needs_markdown(post.text):
                doc = make_document(post.text, font, text_w,
                                    link_color=self._theme.color("accent"))
                row.doc = doc
                h = int(doc.size().height() + 0.5)
            else:
                # Most posts are plain sentences: wrapping them with QFontMetrics costs a
                # fraction of building a QTextDocument, and paint uses the same flags.
                row.body_kind = "plain"
                h = fm.boundingRect(QRect(0, 0, text_w, 1 << 20), PLAIN_FLAGS, post.text).height()
            row.body_rect = QRect(CONTENT_X, y, text_w, h)
            y += h
        meta = []
        if post.edited and not post.deleted:
            meta.append("edited")
        if post.sending:
            meta.append("sending…")
        if meta:
            row.meta_rect = QRect(CONTENT_X, y + 1, text_w, sfm.height())
            y += sfm.height() + 1
        for sentence in post.warnings:
            r = QRect(CONTENT_X, y + 3, text_w, sfm.height() + 6)
            row.warn_rects.append((r, sentence))
            y += r.height() + 3
        if post.reactions and not post.deleted:
            x = CONTENT_X
            y += 4
            ch = sfm.height() + 8
            for emoji, names in sorted(post.reactions.items(), key=lambda kv: (-len(kv[1]), kv[0])):
                label = f"{emoji} {len(names)}"
                w = sfm.horizontalAdvance(label) + 18
                if x + w > CONTENT_X + text_w and x > CONTENT_X:
                    x = CONTENT_X
                    y += ch + 4
                row.chips.append((QRect(x, y, w, ch), emoji, len(names), emoji in post.my_reactions))
                x += w + 6
            y += ch
        row.height = y + 6
        return row

    def _metrics(self, font: QFont) -> tuple[QFontMetrics, QFont, QFontMetrics]:
        key = font.key()
        found = self._fonts.get(key)
        if found is None:
            small = _small(font)
            found = (QFontMetrics(font), small, QFontMetrics(small))
            self._fonts[key] = found
        return found

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        row = self.layout_for(option, index)
        return QSize(option.rect.width(), row.height if row else 0)

    # -- painting ----------------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        row = self.layout_for(option, index)
        post = self._rows(index)[0]
        if row is None or post is None:
            return
        t = self._theme
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(option.rect.topLeft())
        full_w = option.rect.width()
        top = DAY_H if row.day else 0
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        if selected or hovered:
            painter.fillRect(QRect(0, top, full_w, row.height - top),
                             t.color("selection") if selected else t.color("other_bubble"))
        if row.day:
            self._paint_day(painter, row.day, full_w, option.font)
        font = option.font
        small = _small(font)
        if row.body_kind == "warning":
            self._paint_warning_box(painter, row, post.text)
            painter.restore()
            return
        if row.header:
            painter.drawImage(QPointF(MARGIN_L, row.name_rect.top() + 1),
                              identicon(post.sender_fingerprint, AVATAR,
                                        painter.device().devicePixelRatioF()))
            bold = QFont(font)
            bold.setBold(True)
            painter.setFont(bold)
            painter.setPen(identicon_color(post.sender_fingerprint, t.name == "dark"))
            painter.drawText(row.name_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                             QFontMetrics(bold).elidedText(post.sender_name,
                                                           Qt.TextElideMode.ElideRight,
                                                           row.name_rect.width() + 40))
            painter.setFont(small)
            painter.setPen(t.color("muted"))
            painter.drawText(row.time_rect, Qt.AlignmentFlag.AlignLeft, clock(post.sent_at))
        elif hovered or selected:
            painter.setFont(small)
            painter.setPen(t.color("muted"))
            painter.drawText(QRect(4, row.body_rect.top(), CONTENT_X - 10, row.body_rect.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop,
                             clock(post.sent_at))
        if not row.quote_rect.isNull() and post.reply_to is not None:
            self._paint_quote(painter, row.quote_rect, post, small)
        if row.body_kind == "plain":
            painter.setFont(font)
            painter.setPen(t.color("text"))
            painter.drawText(row.body_rect, PLAIN_FLAGS, post.text)
        elif row.body_kind == "text" and row.doc is not None:
            painter.save()
            painter.translate(row.body_rect.topLeft())
            ctx = QAbstractTextDocumentLayout.PaintContext()
            ctx.palette.setColor(QPalette.ColorRole.Text, t.color("text"))
            row.doc.documentLayout().draw(painter, ctx)
            painter.restore()
        else:
            italic = QFont(font)
            italic.setItalic(True)
            painter.setFont(italic)
            painter.setPen(t.color("tombstone"))
            if row.body_kind == "tombstone":
                by = post.deleted_by
                text = ("This post was deleted" if not by or by == post.sender_name
                        else f"This post was deleted by {by}")
            else:
                text = "A newer version of Coterie is needed to show this post."
            painter.drawText(row.body_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        if not row.meta_rect.isNull():
            painter.setFont(small)
            painter.setPen(t.color("muted"))
            meta = " · ".join(x for x in ("edited" if post.edited and not post.deleted else "",
                                          "sending…" if post.sending else "") if x)
            painter.drawText(row.meta_rect, Qt.AlignmentFlag.AlignLeft, meta)
        for rect, sentence in row.warn_rects:
            painter.setFont(small)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(t.color("warning_bg"))
            painter.drawRoundedRect(QRectF(rect), 4, 4)
            painter.setPen(t.color("warning_text"))
            painter.drawText(rect.adjusted(8, 0, -8, 0), Qt.AlignmentFlag.AlignVCenter,
                             f"⚠ {sentence}")
        if hovered and post.kind == "post" and not post.deleted:
            self._paint_actions(painter, row, full_w)
        for rect, emoji, count, mine in row.chips:
            painter.setPen(t.color("accent") if mine else t.color("border"))
            painter.setBrush(t.color("reaction_mine_bg") if mine else t.color("reaction_bg"))
            painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5),
                                    rect.height() / 2, rect.height() / 2)
            painter.setFont(small)
            painter.setPen(t.color("text"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{emoji} {count}")
        painter.restore()

    def _paint_actions(self, painter: QPainter, row: RowLayout, width: int) -> None:
        t = self._theme
        rects = action_rects(width, row)
        bar = rects[0][0].united(rects[-1][0]).adjusted(-2, -1, 2, 1)
        painter.setPen(t.color("border"))
        painter.setBrush(t.color("base"))
        painter.drawRoundedRect(QRectF(bar), 6, 6)
        painter.setPen(t.color("muted"))
        for rect, _name, glyph in rects:
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, glyph)

    def _paint_day(self, painter: QPainter, label: str, width: int, font: QFont) -> None:
        t = self._theme
        small = _small(font)
        small.setBold(True)
        painter.setFont(small)
        fm = QFontMetrics(small)
        tw = fm.horizontalAdvance(label) + 24
        mid = DAY_H // 2
        painter.setPen(t.color("border"))
        painter.drawLine(MARGIN_L, mid, (width - tw) // 2, mid)
        painter.drawLine((width + tw) // 2, mid, width - MARGIN_R, mid)
        painter.setPen(t.color("muted"))
        painter.drawText(QRect((width - tw) // 2, 0, tw, DAY_H), Qt.AlignmentFlag.AlignCenter, label)

    def _paint_quote(self, painter: QPainter, rect: QRect, post: PostView, small: QFont) -> None:
        t = self._theme
        quote = post.reply_to
        assert quote is not None
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(t.color("quote_bg"))
        painter.drawRoundedRect(QRectF(rect), 6, 6)
        painter.setBrush(t.color("quote_bar"))
        painter.drawRoundedRect(QRectF(rect.left(), rect.top(), 3, rect.height()), 1.5, 1.5)
        fm = QFontMetrics(small)
        inner = rect.adjusted(10, 4, -8, -4)
        bold = QFont(small)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(t.color("text"))
        painter.drawText(QRect(inner.left(), inner.top(), inner.width(), fm.height()),
                         Qt.AlignmentFlag.AlignLeft, quote.sender_name or "Someone")
        painter.setFont(small)
        painter.setPen(t.color("muted"))
        if quote.deleted:
            excerpt = "The original post was deleted"
        elif quote.missing:
            excerpt = "The original post is not available on this device"
        else:
            excerpt = plain_excerpt(quote.excerpt)
        painter.drawText(QRect(inner.left(), inner.top() + fm.height(), inner.width(), fm.height()),
                         Qt.AlignmentFlag.AlignLeft,
                         fm.elidedText(excerpt, Qt.TextElideMode.ElideRight, inner.width()))

    def _paint_warning_box(self, painter: QPainter, row: RowLayout, text: str) -> None:
        t = self._theme
        rect = row.body_rect
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(t.color("warning_bg"))
        painter.drawRoundedRect(QRectF(rect), 6, 6)
        painter.setPen(t.color("warning_text"))
        painter.drawText(QRect(rect.left() + 8, rect.top() + 6, 18, 20),
                         Qt.AlignmentFlag.AlignLeft, "⚠")
        if row.doc is not None:
            painter.save()
            painter.translate(rect.left() + 28, rect.top() + 6)
            ctx = QAbstractTextDocumentLayout.PaintContext()
            ctx.palette.setColor(QPalette.ColorRole.Text, t.color("warning_text"))
            row.doc.documentLayout().draw(painter, ctx)
            painter.restore()

    # -- clicks ------------------------------------------------------------------------------
    def editorEvent(self, event: QEvent, model: object, option: QStyleOptionViewItem,
                    index: Index) -> bool:
        if event.type() != QEvent.Type.MouseButtonRelease:
            return False
        assert isinstance(event, QMouseEvent)
        if event.button() != Qt.MouseButton.LeftButton:
            return False
        row = self.layout_for(option, index)
        post = self._rows(index)[0]
        if row is None or post is None:
            return False
        pos = event.position().toPoint() - option.rect.topLeft()
        if post.kind == "post" and not post.deleted:
            for rect, name, _glyph in action_rects(option.rect.width(), row):
                if rect.contains(pos):
                    widget = option.widget
                    corner = rect.bottomLeft() + option.rect.topLeft()
                    where = widget.mapToGlobal(corner) if widget is not None else corner
                    self.action_clicked.emit(post.id, name, where)
                    return True
        for rect, emoji, _count, mine in row.chips:
            if rect.contains(pos):
                self.reaction_clicked.emit(post.id, emoji, not mine)
                return True
        if post.reply_to is not None and row.quote_rect.contains(pos):
            self.quote_clicked.emit(post.reply_to.post_id)
            return True
        if row.doc is not None and row.body_kind == "text" and row.body_rect.contains(pos):
            local = QPointF(pos - row.body_rect.topLeft())
            anchor = row.doc.documentLayout().anchorAt(local)
            if anchor:
                self.link_clicked.emit(anchor)
                return True
        return False


def _small(font: QFont) -> QFont:
    small = QFont(font)
    size = font.pointSizeF()
    if size > 0:
        small.setPointSizeF(size * 0.86)
    else:
        small.setPixelSize(max(8, int(font.pixelSize() * 0.86)))
    return small
