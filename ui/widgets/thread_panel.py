"""A thread beside the timeline: its first post, its replies and a composer of its own.

Opened from a post's thread footer, its menu or T; Esc (or ×) closes it. Replies are a
ConversationModel over the thread's timeline, so they page and update like the channel.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.views import PostView
from ui.context import AppContext
from ui.delegates.post_delegate import PostDelegate
from ui.models.conversation_model import ConversationModel
from ui.widgets.composer import Composer
from ui.widgets.conversation_view import ConversationView
from ui.widgets.elided_label import title_lines


class ThreadPanel(QFrame):
    closed = Signal()
    error = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("threadPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._ctx = ctx
        self.group_id: str | None = None
        self.root: PostView | None = None
        self.model = ConversationModel(ctx.services, ctx.worker, parent=self)
        self.delegate = PostDelegate(ctx.theme.theme, self, self.model)
        ctx.theme.changed.connect(self._theme_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        head = QFrame()
        head.setObjectName("conversationHeader")
        row = QHBoxLayout(head)
        row.setContentsMargins(12, 8, 8, 8)
        titles, self.title, self.subtitle = title_lines()
        self.title.setText(QCoreApplication.translate("ThreadPanel", "Thread"))
        row.addLayout(titles, 1)
        self.follow_button = QPushButton(QCoreApplication.translate("ThreadPanel", "Follow"))
        self.follow_button.setCheckable(True)
        self.follow_button.setAccessibleName(QCoreApplication.translate("ThreadPanel", "Follow this thread: new replies notify you"))
        self.follow_button.toggled.connect(self._follow_toggled)
        row.addWidget(self.follow_button)
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setAccessibleName(QCoreApplication.translate("ThreadPanel", "Close the thread (Esc)"))
        self.close_button.setToolTip(QCoreApplication.translate("ThreadPanel", "Close (Esc)"))
        self.close_button.clicked.connect(self.close_thread)
        row.addWidget(self.close_button)
        layout.addWidget(head)
        self.root_label = QLabel()
        self.root_label.setObjectName("threadRoot")
        self.root_label.setWordWrap(True)
        self.root_label.setTextFormat(Qt.TextFormat.PlainText)
        self.root_label.setContentsMargins(14, 8, 14, 8)
        layout.addWidget(self.root_label)
        self.view = ConversationView(self.model, self.delegate)
        self.view.in_thread = True
        self.view.empty_text = QCoreApplication.translate("ThreadPanel", "No replies yet.")
        layout.addWidget(self.view, 1)
        self.composer = Composer(worker=ctx.worker)
        self.composer.attach_button.hide()   # files go in the channel's composer
        self.composer.edit.setPlaceholderText(QCoreApplication.translate("ThreadPanel", "Reply in the thread…"))
        layout.addWidget(self.composer)
        self.composer.send.connect(self._send)
        self.composer.edit.cancel.connect(self._escape)
        self.view.reply_requested.connect(self.composer.start_reply)
        self.view.edit_requested.connect(self.composer.start_edit)
        self.esc = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self.esc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.esc.activated.connect(self._escape)
        ctx.events.posts.connect(self._posts_event)
        ctx.events.members.connect(self._members_event)
        self.hide()

    def open_thread(self, group_id: str, root: PostView) -> None:
        self.group_id, self.root = group_id, root
        self._show_root(root)
        self.composer.clear_mode()
        self.composer.edit.clear()
        self.model.open(group_id, channel=root.channel_id, thread=root.id)
        self.show()
        self.composer.edit.setFocus()
        svc = self._ctx.services
        self._ctx.worker.run(lambda: svc.threads.mark_read(group_id, root.id), None,
                             lambda e: None, owner=self)

    def _show_root(self, root: PostView) -> None:
        self.root = root
        self.title.setText(root.title or QCoreApplication.translate("ThreadPanel", "Thread"))
        t = root.thread
        replies = t.replies if t else 0
        count = (QCoreApplication.translate("ThreadPanel", "1 reply") if replies == 1
                 else self.tr("%Ln replies", "", replies))
        if t and t.last_replier:
            count = QCoreApplication.translate("ThreadPanel", "{replies} · last by {name}").format(
                replies=count, name=t.last_replier)
        self.subtitle.setText(count)
        text = " ".join(root.text.split())
        self.root_label.setText(QCoreApplication.translate("ThreadPanel", "{name}: {text}").format(
            name=root.sender_name, text=text[:280]))
        self.follow_button.blockSignals(True)
        following = bool(t and t.following)
        self.follow_button.setChecked(following)
        self.follow_button.setText(QCoreApplication.translate("ThreadPanel", "Following") if following
                                   else QCoreApplication.translate("ThreadPanel", "Follow"))
        self.follow_button.blockSignals(False)

    def close_thread(self) -> None:
        self.hide()
        self.model.clear()
        self.group_id = self.root = None
        self.closed.emit()

    def _escape(self) -> None:
        if self.composer.reply_to is not None or self.composer.editing is not None:
            self.composer.clear_mode()
        else:
            self.close_thread()

    def _follow_toggled(self, on: bool) -> None:
        if self.group_id is None or self.root is None:
            return
        gid, rid, svc = self.group_id, self.root.id, self._ctx.services
        self.follow_button.setText(QCoreApplication.translate("ThreadPanel", "Following") if on else QCoreApplication.translate("ThreadPanel", "Follow"))
        self._ctx.worker.run(lambda: svc.threads.follow(gid, rid, on), None,
                             lambda e: self.error.emit(str(e)), owner=self)

    def _send(self, text: str, reply_to: str | None, edit_id: str | None) -> None:
        if self.group_id is None or self.root is None:
            return
        gid, rid, svc = self.group_id, self.root.id, self._ctx.services
        if edit_id is not None:
            work = lambda: svc.posts.edit(gid, edit_id, text)  # noqa: E731
        elif reply_to is not None:
            work = lambda: svc.posts.reply(gid, reply_to, text)  # noqa: E731
        else:
            work = lambda: svc.posts.post(gid, text, thread=rid)  # noqa: E731
        self.composer.sent()

        def failed(exc: BaseException) -> None:
            self.composer.restore(text)
            self.error.emit(str(exc) or "The reply could not be sent.")

        self._ctx.worker.run(work, self._sent, failed, owner=self)

    def _sent(self, result: object) -> None:
        if isinstance(result, PostView):
            self.model.apply_posts(None, [result])
            self.view.scrollToBottom()

    def _members_event(self, group_id: object) -> None:
        if self.root is not None and group_id == self.group_id:
            self.model.members_changed(group_id)  # type: ignore[arg-type]

    def _posts_event(self, group_id: object, post_ids: tuple, incoming: bool) -> None:
        if self.root is None or group_id != self.group_id:
            return
        self.model.posts_changed(group_id, post_ids)  # type: ignore[arg-type]
        gid, rid, svc = self.group_id, self.root.id, self._ctx.services
        assert gid is not None

        def refresh() -> PostView:
            if incoming and self.isVisible():
                svc.threads.mark_read(gid, rid)
            return svc.threads.root(gid, rid)

        self._ctx.worker.run(refresh, lambda r: self._show_root(r) if self.root is not None
                             and r.id == self.root.id else None, lambda e: None, owner=self)

    def _theme_changed(self, theme: object) -> None:
        self.delegate.set_theme(theme)  # type: ignore[arg-type]
        self.view.doItemsLayout()
        self.view.viewport().update()
