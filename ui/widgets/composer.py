"""The composer: Enter sends, Shift+Enter starts a new line, Up on an empty composer edits
my last post, Escape leaves reply or edit mode."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.views import PostView

MAX_LINES = 8


class ComposerEdit(QPlainTextEdit):
    submit = Signal()
    edit_last = Signal()
    cancel = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if mods & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
            else:
                self.submit.emit()
            return
        if key == Qt.Key.Key_Up and not self.toPlainText():
            self.edit_last.emit()
            return
        if key == Qt.Key.Key_Escape:
            self.cancel.emit()
            return
        super().keyPressEvent(event)


class Composer(QFrame):
    """Emits `send(text, reply_to_id | None, edit_id | None)`; the pane does the work."""

    send = Signal(str, object, object)
    edit_last_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composerFrame")
        self.reply_to: PostView | None = None
        self.editing: PostView | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 8, 16, 12)
        outer.setSpacing(6)
        self.mode_bar = QFrame()
        self.mode_bar.setObjectName("composerMode")
        bar = QHBoxLayout(self.mode_bar)
        bar.setContentsMargins(8, 4, 4, 4)
        self.mode_label = QLabel()
        self.mode_label.setTextFormat(Qt.TextFormat.PlainText)
        self.mode_cancel = QToolButton()
        self.mode_cancel.setText("✕")
        self.mode_cancel.setAccessibleName("Cancel reply or edit")
        self.mode_cancel.setToolTip("Cancel (Esc)")
        self.mode_cancel.clicked.connect(self.clear_mode)
        bar.addWidget(self.mode_label, 1)
        bar.addWidget(self.mode_cancel)
        self.mode_bar.hide()
        outer.addWidget(self.mode_bar)
        row = QHBoxLayout()
        row.setSpacing(8)
        self.edit = ComposerEdit()
        self.edit.setObjectName("composer")
        self.edit.setPlaceholderText("Write a post — Enter sends, Shift+Enter for a new line")
        self.edit.setAccessibleName("Message")
        self.edit.setAccessibleDescription("Enter sends, Shift+Enter adds a line, "
                                           "Up edits your last post, Escape cancels")
        self.edit.setTabChangesFocus(True)
        self.edit.document().setDocumentMargin(2)
        self.edit.textChanged.connect(self._fit)
        self.edit.submit.connect(self._submit)
        self.edit.edit_last.connect(self.edit_last_requested)
        self.edit.cancel.connect(self.clear_mode)
        self.send_button = QPushButton("Send")
        self.send_button.setProperty("primary", True)
        self.send_button.setAccessibleName("Send post")
        self.send_button.clicked.connect(self._submit)
        row.addWidget(self.edit, 1)
        row.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        outer.addLayout(row)
        self._fit()

    def _fit(self) -> None:
        lines = max(1, min(MAX_LINES, self.edit.document().lineCount()))
        fm = self.edit.fontMetrics()
        self.edit.setFixedHeight(lines * fm.lineSpacing() + 22)
        self.send_button.setEnabled(bool(self.edit.toPlainText().strip()))

    def _submit(self) -> None:
        text = self.edit.toPlainText().strip()
        if not text:
            return
        self.send.emit(text, self.reply_to.id if self.reply_to else None,
                       self.editing.id if self.editing else None)

    def sent(self) -> None:
        """The pane calls this once the post is queued: empty the box, leave any mode."""
        self.edit.clear()
        self.clear_mode()

    def start_reply(self, post: PostView) -> None:
        self.editing = None
        self.reply_to = post
        excerpt = " ".join(post.text.split())[:80]
        self.mode_label.setText(f"Replying to {post.sender_name}: {excerpt}")
        self.mode_bar.setAccessibleName(self.mode_label.text())
        self.mode_bar.show()
        self.edit.setFocus()

    def start_edit(self, post: PostView) -> None:
        self.reply_to = None
        self.editing = post
        self.mode_label.setText("Editing your post — Enter saves, Escape cancels")
        self.mode_bar.setAccessibleName(self.mode_label.text())
        self.mode_bar.show()
        self.edit.setPlainText(post.text)
        self.edit.moveCursor(self.edit.textCursor().MoveOperation.End)
        self.edit.setFocus()

    def clear_mode(self) -> None:
        was_editing = self.editing is not None
        self.reply_to = None
        self.editing = None
        self.mode_bar.hide()
        if was_editing:
            self.edit.clear()

    def set_read_only(self, reason: str | None) -> None:
        """Removed from a group: the composer says why and takes no input."""
        self.edit.setReadOnly(reason is not None)
        self.edit.setPlaceholderText(reason or "Write a post — Enter sends, Shift+Enter for a new line")
        self.send_button.setEnabled(reason is None and bool(self.edit.toPlainText().strip()))
