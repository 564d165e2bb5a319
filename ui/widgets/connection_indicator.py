"""The connection indicator: online / syncing / offline, and how many posts wait to be sent."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from app.views import ConnectionState, ConnectionStatus
from ui.context import AppContext

_WORDS = {
    ConnectionState.ONLINE: ("●", "Online"),
    ConnectionState.SYNCING: ("◐", "Syncing…"),
    ConnectionState.OFFLINE: ("○", "Offline"),
}


def describe(status: ConnectionStatus) -> str:
    """The state, and on a second line how many posts wait: the sidebar's corner is
    narrow, and the count is the part that must not be cut off."""
    dot, word = _WORDS[status.state]
    if status.waiting:
        noun = "post" if status.waiting == 1 else "posts"
        return f"{dot} {word}\n{status.waiting} {noun} waiting"
    return f"{dot} {word}"


class ConnectionIndicator(QLabel):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setObjectName("connectionIndicator")
        self.status: ConnectionStatus | None = None
        self.setText("○ Connecting…")
        self.setAccessibleName("Connection status")
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
