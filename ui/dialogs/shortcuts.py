"""The keyboard shortcuts, one place to learn them (F1)."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QGridLayout, QLabel, QVBoxLayout, QWidget

SHORTCUTS = (
    ("Ctrl+K", "Search all groups"),
    ("Ctrl+F", "Search in this group"),
    ("Ctrl+N", "New group"),
    ("Ctrl+J", "Join with an invite link"),
    ("Alt+Up / Alt+Down", "Previous / next group"),
    ("Ctrl+L", "Write a post"),
    ("Enter / Shift+Enter", "Send / new line"),
    ("Up (empty composer)", "Edit your last post"),
    ("Escape", "Leave reply or edit mode"),
    ("R / E / Delete / +", "Reply to, edit, delete or react to the selected post"),
    ("Ctrl+End", "Jump to the latest posts"),
    ("Ctrl+,", "Settings"),
    ("Ctrl+Q", "Quit"),
)


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        for row, (keys, what) in enumerate(SHORTCUTS):
            key_label = QLabel(keys)
            key_label.setObjectName("shortcutKeys")
            grid.addWidget(key_label, row, 0)
            grid.addWidget(QLabel(what), row, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addLayout(grid)
        layout.addWidget(buttons)
