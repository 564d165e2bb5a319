"""The keyboard shortcuts, one place to learn them (F1)."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QGridLayout, QLabel, QVBoxLayout, QWidget

SHORTCUTS = (
    ("Ctrl+K", QT_TRANSLATE_NOOP("ShortcutsDialog", "Search all groups")),
    ("Ctrl+F", QT_TRANSLATE_NOOP("ShortcutsDialog", "Search in this group")),
    ("Ctrl+N", QT_TRANSLATE_NOOP("ShortcutsDialog", "New group")),
    ("Ctrl+J", QT_TRANSLATE_NOOP("ShortcutsDialog", "Join with an invite link")),
    (QT_TRANSLATE_NOOP("ShortcutsDialog", "Alt+Up / Alt+Down"), QT_TRANSLATE_NOOP("ShortcutsDialog", "Previous / next group")),
    (QT_TRANSLATE_NOOP("ShortcutsDialog", "Alt+Shift+Up / Alt+Shift+Down"),
     QT_TRANSLATE_NOOP("ShortcutsDialog", "Previous / next channel of the group")),
    (QT_TRANSLATE_NOOP("ShortcutsDialog", "Left / Right (in the sidebar)"),
     QT_TRANSLATE_NOOP("ShortcutsDialog", "Fold / unfold a group's channels")),
    ("T", QT_TRANSLATE_NOOP("ShortcutsDialog", "Open the selected post's thread")),
    (QT_TRANSLATE_NOOP("ShortcutsDialog", "Escape (in a thread)"),
     QT_TRANSLATE_NOOP("ShortcutsDialog", "Close the thread panel")),
    ("Ctrl+L", QT_TRANSLATE_NOOP("ShortcutsDialog", "Write a post")),
    ("Ctrl+Shift+E", QT_TRANSLATE_NOOP("ShortcutsDialog", "Upcoming events of this group")),
    (QT_TRANSLATE_NOOP("ShortcutsDialog", "Enter / Shift+Enter"), QT_TRANSLATE_NOOP("ShortcutsDialog", "Send / new line")),
    (QT_TRANSLATE_NOOP("ShortcutsDialog", "Up (empty composer)"), QT_TRANSLATE_NOOP("ShortcutsDialog", "Edit your last post")),
    (QT_TRANSLATE_NOOP("ShortcutsDialog", "Escape"), QT_TRANSLATE_NOOP("ShortcutsDialog", "Leave reply or edit mode")),
    (QT_TRANSLATE_NOOP("ShortcutsDialog", "R / E / Delete / +"),
     QT_TRANSLATE_NOOP("ShortcutsDialog", "Reply to, edit, delete or react to the selected post")),
    ("Ctrl+End", QT_TRANSLATE_NOOP("ShortcutsDialog", "Jump to the latest posts")),
    ("Ctrl+,", QT_TRANSLATE_NOOP("ShortcutsDialog", "Settings")),
    ("Ctrl+Q", QT_TRANSLATE_NOOP("ShortcutsDialog", "Quit")),
)


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(QCoreApplication.translate("ShortcutsDialog", "Keyboard shortcuts"))
        self.setAccessibleName(QCoreApplication.translate("ShortcutsDialog", "Keyboard shortcuts"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        for row, (keys, what) in enumerate(SHORTCUTS):
            key_label = QLabel(QCoreApplication.translate("ShortcutsDialog", keys))
            key_label.setObjectName("shortcutKeys")
            grid.addWidget(key_label, row, 0)
            grid.addWidget(QLabel(QCoreApplication.translate("ShortcutsDialog", what)), row, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addLayout(grid)
        layout.addWidget(buttons)
