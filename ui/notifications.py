"""New-post notifications through the system tray while the window is not focused."""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon, QWidget

from app.views import GroupSummary, PostView
from ui.context import AppContext
from ui.theme import app_icon

PREVIEW_CHARS = 120


class Notifier(QObject):
    """Shows one tray message per new incoming post; clicking it opens that group."""

    open_group = Signal(str)

    def __init__(self, ctx: AppContext, window: QWidget) -> None:
        super().__init__(window)
        self._ctx = ctx
        self._window = window
        self.shown: list[tuple[str, str]] = []  # (title, text) of each notification, newest last
        self._last_group: str | None = None
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(app_icon(), self)
            self.tray.setToolTip("Coterie")
            menu = QMenu(window)
            menu.addAction("Show Coterie", self._raise)
            menu.addAction("Quit", window.close)
            self.tray.setContextMenu(menu)
            self.tray.activated.connect(lambda _reason: self._raise())
            self.tray.messageClicked.connect(self.clicked)
            self.tray.show()

    def notify_post(self, group: GroupSummary, post_id: str) -> None:
        gid = group.id
        self._ctx.worker.run(lambda: self._ctx.services.posts.get(gid, post_id),
                             lambda post: self._show(group, post), lambda e: None, owner=self)

    def _show(self, group: GroupSummary, post: PostView) -> None:
        if post.mine or post.kind != "post" or post.deleted:
            return
        text = " ".join(post.text.split())
        if len(text) > PREVIEW_CHARS:
            text = text[: PREVIEW_CHARS - 1] + "…"
        title = group.name
        body = f"{post.sender_name}: {text}"
        self.shown.append((title, body))
        self._last_group = group.id
        if self.tray is not None:
            self.tray.showMessage(title, body, app_icon(), 6000)
        else:
            self._window.setWindowTitle(f"• {group.name} — Coterie")
            QApplication.alert(self._window, 0)

    def clicked(self) -> None:
        """The latest notification was clicked: show its group."""
        self._raise()
        if self._last_group is not None:
            self.open_group.emit(self._last_group)

    def _raise(self) -> None:
        self._window.showNormal()
        self._window.raise_()
        self._window.activateWindow()

    def hide(self) -> None:
        if self.tray is not None:
            self.tray.hide()
