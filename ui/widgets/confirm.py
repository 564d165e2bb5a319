"""A confirmation that names its action: the button says what happens ("Delete",
"Leave"), and Cancel is the default, so Enter never destroys anything by accident."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget


def confirm(parent: QWidget, title: str, text: str, action: str,
            on_confirm: Callable[[], None]) -> QMessageBox:
    """Open a window-modal question (non-blocking); `on_confirm` runs only if `action`
    is clicked. Returns the box (tests click its buttons)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton,
                      parent)
    box.setObjectName("confirmBox")
    go = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.setAccessibleName(title)

    def finished(_result: int) -> None:
        if box.clickedButton() is go:
            on_confirm()
        box.deleteLater()

    box.finished.connect(finished)
    box.open()
    return box
