"""Shared dialog behaviour: run a service call off the GUI thread while the dialog shows it
is busy, then report the app's one-sentence error inline."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.worker import Worker, error_sentence

COPIED_MS = 2500  # how long a copy button says it copied


def copy_to_clipboard(button: QPushButton, text: str) -> None:
    """Copy `text` and let the button say so for a moment, then read as before."""
    QGuiApplication.clipboard().setText(text)
    label = button.property("copyLabel") or button.text()
    button.setProperty("copyLabel", label)
    button.setText(QCoreApplication.translate("Base", "Copied ✓"))
    button.setAccessibleDescription(QCoreApplication.translate("Base", "Copied to the clipboard"))
    QTimer.singleShot(COPIED_MS, button, lambda: (button.setText(label),
                                                 button.setAccessibleDescription("")))


class PageStack(QWidget):
    """Pages shown one at a time, sized to the page on show (QStackedWidget takes the
    largest page's size, which leaves a short page floating in empty space)."""

    currentChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._pages: list[QWidget] = []
        self._current = -1

    def addWidget(self, page: QWidget) -> int:  # noqa: N802 - mirrors QStackedWidget
        self._pages.append(page)
        self._layout.addWidget(page)
        page.setVisible(len(self._pages) == 1)
        if self._current < 0:
            self._current = 0
        return len(self._pages) - 1

    def count(self) -> int:
        return len(self._pages)

    def widget(self, index: int) -> QWidget:
        return self._pages[index]

    def currentIndex(self) -> int:  # noqa: N802
        return self._current

    def setCurrentIndex(self, index: int) -> None:  # noqa: N802
        if index == self._current or not 0 <= index < len(self._pages):
            return
        for i, page in enumerate(self._pages):
            page.setVisible(i == index)
        self._current = index
        self.currentChanged.emit(index)
        window = self.window()
        if window is not None and window is not self:
            window.adjustSize()


class ServiceDialog(QDialog):
    def __init__(self, worker: Worker, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorLabel")
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName(QCoreApplication.translate("ServiceDialog", "Error"))
        self.error_label.hide()
        self._busy_buttons: list[QPushButton] = []
        self.busy = False

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))
        self.fit_height()

    def showEvent(self, event: QShowEvent) -> None:
        """Open at least as large as the texts need: a translation can be longer than the
        English the dialog's fixed minimum size was chosen for."""
        super().showEvent(event)
        layout = self.layout()
        if layout is not None:
            layout.activate()
            wanted = self.size().expandedTo(layout.minimumSize())
            if wanted != self.size():
                self.resize(wanted)
        self.fit_height()

    def fit_height(self) -> None:
        """Grow to show every line: a wrapped label's height depends on the width, which
        a dialog's layout does not enforce by itself (text added later is cut off)."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = layout.totalHeightForWidth(self.width())
        if needed < 0:
            # Some layouts (a form layout, a group box) do not report height-for-width:
            # grow by what each wrapped label lacks at the width it was given.
            needed = self.height() + sum(
                max(0, label.heightForWidth(label.width()) - label.height())
                for label in self.findChildren(QLabel)
                if label.wordWrap() and label.isVisible() and label.text())
        if needed > self.height():
            self.resize(self.width(), needed)

    def call(self, fn: Callable[[], Any], on_done: Callable[[Any], None], *,
             slow: bool = False, busy_text: str = "",
             on_error: Callable[[BaseException], None] | None = None) -> None:
        """Run `fn` on the worker; buttons are disabled until the answer arrives."""
        self.busy = True
        self.show_error(busy_text)
        if busy_text:
            self.error_label.setObjectName("hint")
            self._repolish(self.error_label)
        for b in self._busy_buttons:
            b.setEnabled(False)

        def done(result: Any) -> None:
            self._idle()
            self.show_error("")
            on_done(result)

        def failed(exc: BaseException) -> None:
            self._idle()
            self.error_label.setObjectName("errorLabel")
            self._repolish(self.error_label)
            self.show_error(error_sentence(exc))
            if on_error is not None:
                on_error(exc)

        self._worker.run(fn, done, failed, slow=slow, owner=self)

    def _idle(self) -> None:
        self.busy = False
        for b in self._busy_buttons:
            b.setEnabled(True)
        self.refresh_buttons()

    def refresh_buttons(self) -> None:
        """Subclasses re-check which buttons may be pressed."""

    @staticmethod
    def _repolish(w: QWidget) -> None:
        w.style().unpolish(w)
        w.style().polish(w)
