"""The timeline view: a QListView over the windowed ConversationModel.

It asks the model for older posts when the top comes near, keeps the reader's place when
they arrive, follows new posts only when the reader is already at the bottom, and offers
the post actions by keyboard (R reply, E edit, Delete, + react) and by context menu.
"""
from __future__ import annotations

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QModelIndex,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QGuiApplication,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import QAbstractItemView, QListView, QMenu, QToolButton, QWidget

from app.views import PostView
from ui.delegates.post_delegate import CONTENT_X, PostDelegate
from ui.dialogs.reaction_picker import reaction_menu
from ui.models.conversation_model import ConversationModel
from ui.models.keyed_list import ITEM_ROLE

QUICK_REACTIONS = ("👍", "❤️", "😂", "😮", "😢", "🎉")
NEAR_EDGE_PX = 240


class ConversationView(QListView):
    reply_requested = Signal(object)          # PostView
    edit_requested = Signal(object)
    delete_requested = Signal(object)
    library_requested = Signal(object)        # PostView: save it to the library
    react_requested = Signal(object, str, bool)
    thread_requested = Signal(object)         # PostView: open its thread
    pin_requested = Signal(object, bool)      # PostView, pin (True) or unpin
    report_requested = Signal(object)         # PostView: report it to the moderators

    def __init__(self, model: ConversationModel, delegate: PostDelegate,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationView")
        self.setAccessibleName(QCoreApplication.translate("ConversationView", "Posts"))
        self._stick = True
        self._anchor: tuple[str, int] | None = None
        # Before setModel: these must run ahead of QListView's own handlers, which drop
        # the current layout (needed to find the anchor) when rows are about to change.
        model.rowsAboutToBeInserted.connect(self._before_insert)
        model.rowsAboutToBeRemoved.connect(self._before_remove)
        self._model = model
        self.setModel(model)
        self.setItemDelegate(delegate)
        self._delegate = delegate
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setMouseTracking(True)
        self.setWordWrap(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.verticalScrollBar().setSingleStep(24)

        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        # Rows change height after the first layout (the window takes its remembered size,
        # the scrollbar appears and text re-wraps, fonts settle): a reader at the bottom stays
        # at the bottom instead of ending up a line or two short of it.
        self.verticalScrollBar().rangeChanged.connect(self._range_changed)
        # Shown while the reader is away from the newest posts (scrolled up, or looking at
        # a search hit whose window does not reach the end): one click back to the latest.
        self.latest_button = QToolButton(self)
        self.latest_button.setObjectName("latestButton")
        self.latest_button.setText(QCoreApplication.translate("ConversationView", "↓ Latest"))
        self.latest_button.setAccessibleName(QCoreApplication.translate("ConversationView", "Jump to the latest posts"))
        self.latest_button.setToolTip(QCoreApplication.translate("ConversationView", "Jump to the latest posts (Ctrl+End)"))
        self.latest_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.latest_button.clicked.connect(self.jump_to_latest)
        self.latest_button.hide()
        model.opened.connect(self._on_opened)
        model.modelAboutToBeReset.connect(lambda: setattr(self, "_stick", True))
        model.rowsRemoved.connect(self._after_remove)
        model.older_loaded.connect(self._after_older)
        model.appended.connect(self._after_append)
        model.dataChanged.connect(self._row_changed)
        delegate.reaction_clicked.connect(self._chip_clicked)
        delegate.action_clicked.connect(self._action_clicked)

    empty_text = QT_TRANSLATE_NOOP("ConversationView",
                                   "No posts yet. Say hello — everyone in the group will see it.")

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._model.rowCount() == 0 and self._model.group_id is not None \
                and not self._model.loading:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter,
                             QCoreApplication.translate("ConversationView", self.empty_text))
            painter.end()

    # -- scrolling ---------------------------------------------------------------------------
    def at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 4

    def jump_to_latest(self) -> None:
        if self._model.more_after and self._model.group_id is not None:
            self._model.open(self._model.group_id)  # the window is elsewhere: reload the end
        else:
            self.scrollToBottom()
        self.latest_button.hide()

    def _place_latest_button(self) -> None:
        self.latest_button.adjustSize()
        vp = self.viewport().geometry()
        size = self.latest_button.size()
        x = vp.left() + 16 if self.isRightToLeft() else vp.right() - size.width() - 16
        self.latest_button.move(x, vp.bottom() - size.height() - 12)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_latest_button()

    def _scrolled(self, value: int) -> None:
        bar = self.verticalScrollBar()
        self._stick = value >= bar.maximum() - 4
        self._model.follow_live = self._stick and not self._model.more_after
        away = self._model.more_after or value < bar.maximum() - 2 * NEAR_EDGE_PX
        if away != self.latest_button.isVisible():
            self._place_latest_button()
            self.latest_button.setVisible(away)
        if value <= NEAR_EDGE_PX and self._model.more_before:
            self._model.load_older()
        if value >= bar.maximum() - NEAR_EDGE_PX and self._model.more_after:
            self._model.load_newer()

    def _range_changed(self, _low: int, high: int) -> None:
        if self._stick and self._model.at_live_end:
            self.verticalScrollBar().setValue(high)

    def _on_opened(self, _group: str, row: int) -> None:
        if row >= 0:
            index = self._model.index(row, 0)
            self.setCurrentIndex(index)
            self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
            self._stick = False
        else:
            self.scrollToBottom()
            self._stick = True
            self._model.follow_live = not self._model.more_after
        # a short window may not fill the view: ask for older posts right away
        QTimer.singleShot(0, self, lambda: self._scrolled(self.verticalScrollBar().value()))

    # Rows inserted or removed above what the reader sees (older pages arriving, the window
    # sliding down) would shift the view, and the row that becomes first changes height too
    # (it gains a day separator). So the post at the top of the viewport is the anchor: after
    # the change, scroll until it is exactly where it was.
    def _remember_anchor(self) -> None:
        self.executeDelayedItemsLayout()  # rows may have just been added: place them first
        index = self.indexAt(self.viewport().rect().topLeft() + QPoint(CONTENT_X, 1))
        post = self._model.post_at(index.row()) if index.isValid() else None
        self._anchor = (post.id, self.visualRect(index).top()) if post is not None else None

    def _restore_anchor(self) -> None:
        if self._anchor is None:
            return
        post_id, top = self._anchor
        self._anchor = None
        row = self._model.row_of(post_id)
        if row < 0:
            return
        self.executeDelayedItemsLayout()
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + self.visualRect(self._model.index(row, 0)).top() - top)

    def _before_insert(self, _parent: QModelIndex, first: int, _last: int) -> None:
        if first == 0 and self._model.rowCount() > 0:
            self._remember_anchor()

    def _before_remove(self, _parent: QModelIndex, first: int, _last: int) -> None:
        if first == 0 and not self._stick:
            self._remember_anchor()

    def _after_remove(self, _parent: QModelIndex, first: int, _last: int) -> None:
        if first == 0:
            self._restore_anchor()

    def _after_older(self, _count: int) -> None:
        self._restore_anchor()

    def _after_append(self, _count: int) -> None:
        if self._stick:
            self.scrollToBottom()

    def _row_changed(self, top: QModelIndex, bottom: QModelIndex, _roles: object = None) -> None:
        stick = self._stick
        for row in range(top.row(), bottom.row() + 1):
            self._delegate.sizeHintChanged.emit(self._model.index(row, 0))
        if stick:
            QTimer.singleShot(0, self.scrollToBottom)

    # -- actions -----------------------------------------------------------------------------
    def current_post(self) -> PostView | None:
        index = self.currentIndex()
        return index.data(ITEM_ROLE) if index.isValid() else None

    def _chip_clicked(self, post_id: str, emoji: str, on: bool) -> None:
        row = self._model.row_of(post_id)
        post = self._model.post_at(row)
        if post is not None:
            self.react_requested.emit(post, emoji, on)

    def _action_clicked(self, post_id: str, action: str, where: QPoint) -> None:
        row = self._model.row_of(post_id)
        post = self._model.post_at(row)
        if post is None:
            return
        self.setCurrentIndex(self._model.index(row, 0))
        if action == "reply":
            self.reply_requested.emit(post)
        elif action == "react":
            self.reaction_menu(post).popup(where)
        else:
            self.build_menu(post, self.can_delete_any).popup(where)

    def reaction_menu(self, post: PostView) -> QMenu:
        return reaction_menu(self, QUICK_REACTIONS, post.my_reactions,
                             lambda emoji, on: self.react_requested.emit(post, emoji, on))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        post = self.current_post()
        key = event.key()
        if post is not None and post.kind == "post" and not post.deleted and \
                not post.uploading and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            if key == Qt.Key.Key_R:
                self.reply_requested.emit(post)
                return
            if key == Qt.Key.Key_T and not self.in_thread and not post.rejected:
                self.thread_requested.emit(post)
                return
            if key == Qt.Key.Key_E and post.mine:
                self.edit_requested.emit(post)
                return
            if key == Qt.Key.Key_Delete:
                self.delete_requested.emit(post)
                return
            if key in (Qt.Key.Key_Plus, Qt.Key.Key_Menu):
                self._context_menu(self.visualRect(self.currentIndex()).center())
                return
        super().keyPressEvent(event)

    def build_menu(self, post: PostView, can_delete_any: bool) -> QMenu:
        menu = QMenu(self)
        menu.setAccessibleName(QCoreApplication.translate("ConversationView", "Post actions"))
        if post.kind == "post" and not post.deleted and not post.uploading:
            menu.addAction(QCoreApplication.translate("ConversationView", "Reply\tR"), lambda: self.reply_requested.emit(post))
            if not self.in_thread and not post.rejected:
                menu.addAction(QCoreApplication.translate("ConversationView", "Reply in thread\tT"),
                               lambda: self.thread_requested.emit(post))
            if self.can_pin and not self.in_thread:
                menu.addAction(QCoreApplication.translate("ConversationView", "Unpin") if post.pinned
                               else QCoreApplication.translate("ConversationView", "Pin to the channel"),
                               lambda: self.pin_requested.emit(post, not post.pinned))
            react = self.reaction_menu(post)
            react.setTitle(QCoreApplication.translate("ConversationView", "React"))
            menu.addMenu(react)
            if post.mine:
                menu.addAction(QCoreApplication.translate("ConversationView", "Edit\tE"), lambda: self.edit_requested.emit(post))
            if post.mine or can_delete_any:
                menu.addAction(QCoreApplication.translate("ConversationView", "Delete…\tDel"), lambda: self.delete_requested.emit(post))
            menu.addAction(QCoreApplication.translate("ConversationView", "Save to library…"),
                           lambda: self.library_requested.emit(post))
            if not post.mine:
                menu.addAction(QCoreApplication.translate("ConversationView",
                                                          "Report to moderators…"),
                               lambda: self.report_requested.emit(post))
            menu.addSeparator()
            menu.addAction(QCoreApplication.translate("ConversationView", "Copy text"),
                           lambda: QGuiApplication.clipboard().setText(post.text))
        return menu

    can_delete_any = False  # set by the pane: admins may delete anyone's post
    can_pin = False         # set by the pane: admins pin posts
    in_thread = False       # this view shows one thread's replies

    def _context_menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        if not index.isValid():
            return
        self.setCurrentIndex(index)
        post: PostView = index.data(ITEM_ROLE)
        menu = self.build_menu(post, self.can_delete_any)
        if not menu.isEmpty():
            menu.popup(self.viewport().mapToGlobal(pos))
