"""The connection indicator: online / syncing / offline, and how many posts wait to be sent."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject
from PySide6.QtWidgets import QLabel, QWidget

from app.views import ConnectionState, ConnectionStatus
from ui.context import AppContext

_WORDS = {
    ConnectionState.ONLINE: ("●", QT_TRANSLATE_NOOP("ConnectionIndicator", "Online")),
    ConnectionState.SYNCING: ("◐", QT_TRANSLATE_NOOP("ConnectionIndicator", "Syncing…")),
    ConnectionState.OFFLINE: ("○", QT_TRANSLATE_NOOP("ConnectionIndicator", "Offline")),
}


class ConnectionWords(QObject):
    """The plural phrase of describe() (lupdate finds numerus forms only in QObject.tr)."""

    def waiting(self, n: int) -> str:
        return self.tr("%Ln posts waiting", "", n)


_PLURALS = ConnectionWords()


def describe(status: ConnectionStatus) -> str:
    """The state, and on a second line how many posts wait: the sidebar's corner is
    narrow, and the count is the part that must not be cut off."""
    dot, word = _WORDS[status.state]
    word = QCoreApplication.translate("ConnectionIndicator", word)
    if status.waiting:
        count = status.waiting
        waiting = (QCoreApplication.translate("ConnectionIndicator", "1 post waiting") if count == 1 else
                   _PLURALS.waiting(count))
        return f"{dot} {word}\n{waiting}"
    return f"{dot} {word}"


class ConnectionIndicator(QLabel):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setObjectName("connectionIndicator")
        self.status: ConnectionStatus | None = None
        self.setText(QCoreApplication.translate("ConnectionIndicator", "○ Connecting…"))
        self.setAccessibleName(QCoreApplication.translate("ConnectionIndicator", "Connection status"))
        ctx.events.connection.connect(self.refresh)

    def refresh(self) -> None:
        self._ctx.worker.run(self._ctx.services.connection, self.show_status, lambda e: None,
                             owner=self)

    def show_status(self, status: ConnectionStatus) -> None:
        self.status = status
        text = describe(status)
        self.setText(text)
        self.setProperty("state", status.state.value)
        plain = text.lstrip("●◐○ ").replace("\n", " · ")
        self.setToolTip(status.detail or plain)
        self.setAccessibleDescription(plain)
        self.style().unpolish(self)
        self.style().polish(self)
