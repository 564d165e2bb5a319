"""Paints one timeline row: day separator, sender (identicon, name, time), reply quote,
the post as safe Markdown, tombstones, "edited", reactions, inline warnings, and the
one-line notes of membership changes.

Laying out rich text is the expensive part, so each row's geometry (with its laid-out
QTextDocument) is cached by what it depends on: the post's content, the width, whether the
header and day separator show, and the theme. Painting a cached row is cheap, so a scroll
or a new post at the bottom lays out only the rows that are new. Where each part sits is
`ui.delegates.post_layout`; each part's painter is in `ui.delegates.post_painters`.
"""
from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.views import PostView
from ui.delegates import post_painters
from ui.delegates.post_layout import (
    CONTENT_X,
    Fonts,
    RowLayout,
    action_rects,
    build,
    cancel_rect,
    fonts_for,
    show_header,
)
from ui.models.conversation_model import ConversationModel
from ui.models.keyed_list import ITEM_ROLE
from ui.theme import LIGHT, Theme
from ui.timefmt import day_key, day_label
from ui.transfers import Transfers

__all__ = ["CONTENT_X", "PostDelegate", "RowLayout", "action_rects", "show_header"]

Index = QModelIndex | QPersistentModelIndex
CACHE_ROWS = 800


class PostDelegate(QStyledItemDelegate):
    reaction_clicked = Signal(str, str, bool)   # post id, emoji, on
    action_clicked = Signal(str, str, QPoint)   # post id, "reply"|"react"|"more", global pos
    quote_clicked = Signal(str)                 # quoted post id
    link_clicked = Signal(str)                  # url the user clicked
    file_clicked = Signal(str, int, QPoint)     # post id, file index, global pos
    thread_clicked = Signal(str)                # the root of the thread to open
    card_clicked = Signal(str, str)             # poll or event id, "poll"|"calendar"

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
        self._fonts: dict[str, Fonts] = {}
        self.transfers: Transfers | None = None   # set by the pane: files moving now

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
        width = max(200, option.rect.width() - self._gutter(option))
        rtl = option.direction == Qt.LayoutDirection.RightToLeft
        fast = self._fast.get(post.id)
        if fast is not None and fast[0] is post and fast[1] is prev and fast[2] == width \
                and fast[3].rtl == rtl:
            return fast[3]
        row = self._layout_slow(post, prev, width, option.font, rtl)
        if len(self._fast) > 2 * CACHE_ROWS:
            self._fast.clear()
        self._fast[post.id] = (post, prev, width, row)
        return row

    @staticmethod
    def origin(option: QStyleOptionViewItem, row: RowLayout) -> QPoint:
        """Where the row's layout starts in the view: mirrored, the room kept for the
        scrollbar is on the left, where a right-to-left window shows it."""
        shift = option.rect.width() - row.width if row.rtl else 0
        return option.rect.topLeft() + QPoint(shift, 0)

    @staticmethod
    def span(option: QStyleOptionViewItem, row: RowLayout) -> int:
        return row.width if row.rtl else option.rect.width()

    @staticmethod
    def _gutter(option: QStyleOptionViewItem) -> int:
        """Room kept for the vertical scrollbar while it is hidden: rows are laid out at the
        width they have once it shows, so a thread or channel longer than the view is not
        laid out twice (once before the scrollbar appears, and again after)."""
        view = option.widget
        if isinstance(view, QAbstractScrollArea):
            bar = view.verticalScrollBar()
            if not bar.isVisibleTo(view) \
                    and view.verticalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
                return bar.sizeHint().width()
        return 0

    def _layout_slow(self, post: PostView, prev: PostView | None, width: int,
                     font: QFont, rtl: bool = False) -> RowLayout:
        day = None if prev is not None and day_key(prev.sent_at) == day_key(post.sent_at) \
            else day_label(post.sent_at)
        header = show_header(post, prev)
        key = (post.id, post.text, post.kind, post.sender_name, post.edited, post.deleted, post.deleted_by,
               post.sending, post.reply_to, tuple(sorted((e, len(n)) for e, n in post.reactions.items())),
               post.my_reactions, post.warnings, post.title, post.tags, post.thread, post.rejected,
               post.pinned, post.card, width, header, day, self._theme.name, len(post.attachments),
               rtl, post.approval)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        row = build(post, header, day, width, self._metrics(font),
                    link_color=self._theme.color("accent"), rtl=rtl)
        self.layouts_built += 1
        self._cache[key] = row
        if len(self._cache) > CACHE_ROWS:
            self._cache.popitem(last=False)
        return row

    def _metrics(self, font: QFont) -> Fonts:
        key = font.key()
        found = self._fonts.get(key)
        if found is None:
            found = self._fonts[key] = fonts_for(font)
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
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # Rows are laid out by hand (mirrored in a right-to-left window); each text takes
        # the direction of its own first strong letter, so Arabic posts read right to left
        # in any window.
        painter.setLayoutDirection(Qt.LayoutDirection.LayoutDirectionAuto)
        origin = self.origin(option, row)
        painter.translate(origin)
        state = option.state
        part = post_painters.Paint(
            painter, row, post, self._theme, self._metrics(option.font), self.span(option, row),
            hovered=bool(state & QStyle.StateFlag.State_MouseOver),
            selected=bool(state & QStyle.StateFlag.State_Selected),
            offset=origin.x() - option.rect.left(), transfers=self.transfers)
        for paint_part in post_painters.PARTS:
            paint_part(part)
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
        origin = self.origin(option, row)
        pos = event.position().toPoint() - origin
        return (self._click_action(post, row, pos, option) or self._click_chip(post, row, pos)
                or self._click_quote(post, row, pos) or self._click_thread(post, row, pos)
                or self._click_link(row, pos) or self._click_file(post, row, pos, origin, option)
                or self._click_card(post, row, pos))

    def _click_thread(self, post: PostView, row: RowLayout, pos: QPoint) -> bool:
        if not row.thread_rect.isNull() and row.thread_rect.contains(pos):
            self.thread_clicked.emit(post.id)
            return True
        return False

    def _click_file(self, post: PostView, row: RowLayout, pos: QPoint, origin: QPoint,
                    option: QStyleOptionViewItem) -> bool:
        for rect, index in row.files:
            if rect.contains(pos):
                if self.transfers is not None \
                        and self.transfers.state(post.id, index) is not None:
                    # while it moves, a card answers only its Cancel button
                    if cancel_rect(rect, self._metrics(option.font), row.rtl).contains(pos):
                        self.transfers.cancel(post.id, index)
                    return True
                if post.uploading:
                    return True
                widget = option.widget
                corner = (rect.bottomRight() if row.rtl else rect.bottomLeft()) + origin
                where = widget.mapToGlobal(corner) if widget is not None else corner
                self.file_clicked.emit(post.id, index, where)
                return True
        return False

    def _click_card(self, post: PostView, row: RowLayout, pos: QPoint) -> bool:
        if row.body_kind in ("poll", "calendar") and row.body_rect.contains(pos):
            self.card_clicked.emit(post.id, row.body_kind)
            return True
        return False

    def _click_action(self, post: PostView, row: RowLayout, pos: QPoint,
                      option: QStyleOptionViewItem) -> bool:
        if post.kind != "post" or post.deleted or post.uploading:
            return False
        for rect, name, _glyph in action_rects(self.span(option, row), row):
            if rect.contains(pos):
                widget = option.widget
                corner = (rect.bottomRight() if row.rtl else rect.bottomLeft()) + \
                    self.origin(option, row)
                where = widget.mapToGlobal(corner) if widget is not None else corner
                self.action_clicked.emit(post.id, name, where)
                return True
        return False

    def _click_chip(self, post: PostView, row: RowLayout, pos: QPoint) -> bool:
        for rect, emoji, _count, mine in row.chips:
            if rect.contains(pos):
                self.reaction_clicked.emit(post.id, emoji, not mine)
                return True
        return False

    def _click_quote(self, post: PostView, row: RowLayout, pos: QPoint) -> bool:
        if post.reply_to is not None and row.quote_rect.contains(pos):
            self.quote_clicked.emit(post.reply_to.post_id)
            return True
        return False

    def _click_link(self, row: RowLayout, pos: QPoint) -> bool:
        if row.doc is None or row.body_kind != "text" or not row.body_rect.contains(pos):
            return False
        anchor = row.doc.documentLayout().anchorAt(QPointF(pos - row.body_rect.topLeft()))
        if anchor:
            self.link_clicked.emit(anchor)
            return True
        return False
