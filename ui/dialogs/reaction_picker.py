"""The reaction picker: the quick reactions side by side in one row, large enough to hit,
my own reactions shown pressed (choosing one again takes it back). It lives in a menu, so
it opens where the menu opens and closes as menus do."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QMenu, QToolButton, QWidget, QWidgetAction

EMOJI_POINTS = 17  # emoji size in the picker; the menu font would draw them tiny


class ReactionRow(QWidget):
    """One button per emoji; Left and Right move between them, Enter or Space choose."""

    def __init__(self, emojis: Sequence[str], mine: Iterable[str],
                 pick: Callable[[str, bool], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reactionPicker")
        self.setAccessibleName(QCoreApplication.translate("ReactionRow", "React"))
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 4, 6, 4)
        row.setSpacing(2)
        chosen = set(mine)
        self.buttons: list[QToolButton] = []
        for emoji in emojis:
            button = QToolButton(self)
            button.setObjectName("reactionChoice")
            button.setText(emoji)
            font = button.font()
            font.setPointSize(EMOJI_POINTS)
            button.setFont(font)
            button.setCheckable(True)
            button.setChecked(emoji in chosen)
            on = emoji not in chosen
            what = (QCoreApplication.translate("ReactionPicker", "React with {emoji}") if on
                    else QCoreApplication.translate("ReactionPicker", "Take back {emoji}")).format(emoji=emoji)
            button.setToolTip(what)
            button.setAccessibleName(what)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            button.clicked.connect(lambda _c=False, e=emoji, o=on: pick(e, o))
            button.installEventFilter(self)
            row.addWidget(button)
            self.buttons.append(button)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress \
                and watched in self.buttons:
            key = event.key()
            step = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}.get(key, 0)
            if step:
                index = self.buttons.index(watched)  # type: ignore[arg-type]
                self.buttons[(index + step) % len(self.buttons)].setFocus()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                watched.click()  # type: ignore[attr-defined]
                return True
        return False


def reaction_menu(parent: QWidget, emojis: Sequence[str], mine: Iterable[str],
                  react: Callable[[str, bool], None]) -> QMenu:
    """A menu holding the picker row; choosing closes it and calls `react(emoji, on)`."""
    menu = QMenu(parent)
    menu.setAccessibleName(QCoreApplication.translate("ReactionPicker", "React"))

    def pick(emoji: str, on: bool) -> None:
        menu.close()
        react(emoji, on)

    action = QWidgetAction(menu)
    row = ReactionRow(emojis, mine, pick, menu)
    action.setDefaultWidget(row)
    menu.addAction(action)
    menu.aboutToShow.connect(lambda: row.buttons[0].setFocus() if row.buttons else None)
    return menu
