"""A show/hide toggle inside passphrase fields: people check what they typed before a
passphrase they cannot recover is set, or when an unlock keeps failing."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QLineEdit

from ui.theme import RESOURCES

SHOW = QT_TRANSLATE_NOOP("Reveal", "Show the passphrase")
HIDE = QT_TRANSLATE_NOOP("Reveal", "Hide the passphrase")


def add_reveal_toggle(field: QLineEdit, *others: QLineEdit) -> QAction:
    """A checkable eye at the end of `field` that shows or hides it and `others` together."""
    action = QAction(QIcon(str(RESOURCES / "eye.svg")), QCoreApplication.translate("Reveal", SHOW), field)
    action.setCheckable(True)
    action.setToolTip(QCoreApplication.translate("Reveal", SHOW))

    def toggled(shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        for edit in (field, *others):
            edit.setEchoMode(mode)
        action.setIcon(QIcon(str(RESOURCES / ("eye-off.svg" if shown else "eye.svg"))))
        action.setText(QCoreApplication.translate("Reveal", HIDE if shown else SHOW))
        action.setToolTip(action.text())

    action.toggled.connect(toggled)
    field.addAction(action, QLineEdit.ActionPosition.TrailingPosition)
    return action
