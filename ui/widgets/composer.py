"""The composer: Enter sends, Shift+Enter starts a new line, Up on an empty composer edits
my last post, Escape leaves reply or edit mode. Near the length limit a counter says how
many characters are left; a post over the limit is not sent and stays in the box."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage, QKeyEvent, QResizeEvent, QTextCursor
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.posts import MAX_TEXT_BYTES
from app.views import PostView
from ui.markdown import plain_excerpt
from ui.widgets.attachment_tray import AttachmentTray

MAX_LINES = 8
COUNTER_FROM = 0.9  # share of the limit from which the counter shows
PLACEHOLDER = QT_TRANSLATE_NOOP("Composer", "Write a post — Enter sends, Shift+Enter for a new line")


def characters_left(text: str, limit: int = MAX_TEXT_BYTES) -> int:
    """Characters that still fit (negative: how many to remove from the end to fit).

    The limit is in UTF-8 bytes; people count characters, so the bytes left are read at
    the text's own bytes per character (exact for plain Latin text, close for the rest)."""
    size = len(text.encode("utf-8"))
    if size <= limit:
        per_char = size / len(text) if text else 1.0
        return int((limit - size) / max(1.0, per_char))
    over, cut = size - limit, 0
    for char in reversed(text):
        if over <= 0:
            break
        over -= len(char.encode("utf-8"))
        cut += 1
    return -cut


def dropped_files(mime: QMimeData) -> list[Path]:
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]


class ComposerEdit(QPlainTextEdit):
    submit = Signal()
    edit_last = Signal()
    cancel = Signal()
    files_pasted = Signal(list)
    image_pasted = Signal(QImage)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:  # noqa: N802
        return source.hasImage() or bool(dropped_files(source)) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802
        """Files and images pasted or dropped become attachments, never text."""
        files = dropped_files(source)
        if files:
            self.files_pasted.emit(files)
        elif source.hasImage():
            image = source.imageData()
            if isinstance(image, QImage) and not image.isNull():
                self.image_pasted.emit(image)
        else:
            super().insertFromMimeData(source)

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
    send_files = Signal(str, list)     # caption, paths: the pane attaches them
    edit_last_requested = Signal()
    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None, worker: object | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composerFrame")
        self.setAcceptDrops(True)
        self.reply_to: PostView | None = None
        self.editing: PostView | None = None
        # the mode of the latest submission, put back if sending it fails
        self._submitted: tuple[PostView | None, PostView | None] = (None, None)
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
        self.mode_cancel.setAccessibleName(QCoreApplication.translate("Composer", "Cancel reply or edit"))
        self.mode_cancel.setToolTip(QCoreApplication.translate("Composer", "Cancel (Esc)"))
        self.mode_cancel.clicked.connect(self.clear_mode)
        bar.addWidget(self.mode_label, 1)
        bar.addWidget(self.mode_cancel)
        self.mode_bar.hide()
        outer.addWidget(self.mode_bar)
        self.tray = AttachmentTray(worker)
        self.tray.changed.connect(self._fit)
        self.tray.refused.connect(self.refused)
        outer.addWidget(self.tray)
        row = QHBoxLayout()
        row.setSpacing(8)
        self.edit = ComposerEdit()
        self.edit.setObjectName("composer")
        self.edit.setPlaceholderText(QCoreApplication.translate("Composer", PLACEHOLDER))
        self.edit.setAccessibleName(QCoreApplication.translate("Composer", "Message"))
        self.edit.setAccessibleDescription(QCoreApplication.translate("Composer", "Enter sends, Shift+Enter adds a line, "
                                           "Up edits your last post, Escape cancels"))
        self.edit.setTabChangesFocus(True)
        self.edit.document().setDocumentMargin(2)
        self.edit.textChanged.connect(self._fit)
        self.edit.submit.connect(self._submit)
        self.edit.edit_last.connect(self.edit_last_requested)
        self.edit.cancel.connect(self.clear_mode)
        self.edit.files_pasted.connect(self.add_files)
        self.edit.image_pasted.connect(self.tray.add_image)
        self.attach_button = QToolButton()
        self.attach_button.setText(QCoreApplication.translate("Composer", "Attach…"))
        self.attach_button.setAccessibleName(QCoreApplication.translate("Composer", "Attach files"))
        self.attach_button.setToolTip(QCoreApplication.translate("Composer", "Attach files (or drop them here, or paste an image)"))
        self.attach_button.clicked.connect(self.pick_files)
        self.send_button = QPushButton(QCoreApplication.translate("Composer", "Send"))
        self.send_button.setProperty("primary", True)
        self.send_button.setAccessibleName(QCoreApplication.translate("Composer", "Send post"))
        self.send_button.clicked.connect(self._submit)
        self.counter = QLabel()
        self.counter.setObjectName("composerCounter")
        self.counter.setAccessibleName(QCoreApplication.translate("Composer", "Characters left"))
        self.counter.hide()
        side = QVBoxLayout()
        side.setSpacing(2)
        side.addStretch(1)
        side.addWidget(self.counter, 0, Qt.AlignmentFlag.AlignRight)
        side.addWidget(self.send_button)
        row.addWidget(self.attach_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.edit, 1)
        row.addLayout(side)
        outer.addLayout(row)
        self._fit()

    def _fit(self) -> None:
        lines = max(1, min(MAX_LINES, self.edit.document().lineCount()))
        fm = self.edit.fontMetrics()
        reason = self.edit.placeholderText()
        if self.edit.isReadOnly() and reason and not self.edit.toPlainText():
            # the reason it takes no posts is read in full: as many lines as it wraps to
            width = max(40, self.edit.viewport().width() - 12)
            lines = max(lines, min(MAX_LINES, -(-fm.horizontalAdvance(reason) // width)))
        self.edit.setFixedHeight(lines * fm.lineSpacing() + 22)
        text = self.edit.toPlainText().strip()
        left = characters_left(text)
        near = len(text.encode("utf-8")) >= COUNTER_FROM * MAX_TEXT_BYTES
        if left < 0:
            over = -left
            self.counter.setText(self.tr("%Ln too many", "", over))
            self.counter.setToolTip(self.tr("Remove %Ln characters to send this post.", "", over))
        else:
            self.counter.setText(self.tr("%Ln left", "", left))
            self.counter.setToolTip(self.tr("%Ln more characters fit in this post.", "", left))
        self.counter.setAccessibleDescription(self.counter.toolTip())
        if self.counter.property("over") != (left < 0):
            self.counter.setProperty("over", left < 0)
            self.counter.style().unpolish(self.counter)
            self.counter.style().polish(self.counter)
        self.counter.setVisible(near)
        files = bool(self.tray.paths) and self.editing is None
        self.send_button.setEnabled((bool(text) or files) and left >= 0
                                    and not self.edit.isReadOnly())
        self.attach_button.setEnabled(not self.edit.isReadOnly() and self.editing is None)

    # -- attachments -----------------------------------------------------------------------
    def pick_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, QCoreApplication.translate("Composer", "Attach files"))
        self.add_files([Path(n) for n in names])

    def add_files(self, paths: list[Path]) -> None:
        if self.edit.isReadOnly() or self.editing is not None:
            return
        self.tray.add_paths(list(paths))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if dropped_files(event.mimeData()) or event.mimeData().hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        files = dropped_files(event.mimeData())
        if files:
            self.add_files(files)
        elif event.mimeData().hasImage():
            self.tray.add_image(event.mimeData().imageData())
        event.acceptProposedAction()

    def _submit(self) -> None:
        text = self.edit.toPlainText().strip()
        if self.tray.paths and self.editing is None:
            if len(text.encode("utf-8")) > 8000:
                self.refused.emit("A caption is at most 8,000 bytes.")
                return
            self._submitted = (self.reply_to, None)
            self.send_files.emit(text, self.tray.paths)
            return
        if not text or characters_left(text) < 0:
            return  # the counter already says how much is too much; the text stays
        self._submitted = (self.reply_to, self.editing)
        self.send.emit(text, self.reply_to.id if self.reply_to else None,
                       self.editing.id if self.editing else None)

    def restore(self, text: str) -> None:
        """Sending `text` failed: put it back with its reply or edit mode, caret at the end,
        unless something new was typed meanwhile (nothing typed is ever lost)."""
        if self.edit.toPlainText():
            return
        reply_to, editing = self._submitted
        if editing is not None:
            self.start_edit(editing)
        elif reply_to is not None:
            self.start_reply(reply_to)
        self.edit.setPlainText(text)
        self.edit.moveCursor(QTextCursor.MoveOperation.End)

    def sent(self) -> None:
        """The pane calls this once the post is queued: empty the box, leave any mode."""
        self.edit.clear()
        self.clear_mode()

    def start_reply(self, post: PostView) -> None:
        self.editing = None
        self.reply_to = post
        excerpt = plain_excerpt(post.text)
        if len(excerpt) > 80:
            excerpt = excerpt[:79] + "…"
        self.mode_label.setText(QCoreApplication.translate("Composer", 'Replying to {sender_name}: {excerpt}').format(sender_name=post.sender_name, excerpt=excerpt))
        self.mode_bar.setAccessibleName(self.mode_label.text())
        self.mode_bar.show()
        self.edit.setFocus()

    def start_edit(self, post: PostView) -> None:
        self.reply_to = None
        self.editing = post
        self.mode_label.setText(QCoreApplication.translate("Composer", "Editing your post — Enter saves, Escape cancels"))
        self.mode_bar.setAccessibleName(self.mode_label.text())
        self.mode_bar.show()
        self.send_button.setText(QCoreApplication.translate("Composer", "Save"))
        self.send_button.setAccessibleName(QCoreApplication.translate("Composer", "Save the edited post"))
        self.edit.setPlainText(post.text)
        self.edit.moveCursor(QTextCursor.MoveOperation.End)
        self.edit.setFocus()

    def clear_mode(self) -> None:
        was_editing = self.editing is not None
        self.reply_to = None
        self.editing = None
        self.mode_bar.hide()
        self.send_button.setText(QCoreApplication.translate("Composer", "Send"))
        self.send_button.setAccessibleName(QCoreApplication.translate("Composer", "Send post"))
        if was_editing:
            self.edit.clear()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.edit.isReadOnly():   # the reason's lines depend on the width
            self._fit()

    def set_read_only(self, reason: str | None) -> None:
        """Removed from a group: the composer says why and takes no input."""
        self.edit.setReadOnly(reason is not None)
        self.edit.setPlaceholderText(reason or QCoreApplication.translate("Composer", PLACEHOLDER))
        self._fit()
