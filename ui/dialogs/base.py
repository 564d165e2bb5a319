"""Shared dialog behaviour: run a service call off the GUI thread while the dialog shows it
is busy, then report the app's one-sentence error inline."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QWidget

from ui.worker import Worker, error_sentence


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
        self.error_label.setAccessibleName("Error")
        self.error_label.hide()
        self._busy_buttons: list[QPushButton] = []
        self.busy = False

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

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
