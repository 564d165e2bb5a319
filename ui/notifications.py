"""New-post notifications while the window is not focused.

Where there is a system tray the tray shows the message; elsewhere (GNOME has no tray) the
desktop's notification service does, over the session bus. Either way the window title
names the groups with news and the window asks for attention; focusing the window puts the
title back.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon, QWidget

from app.errors import AppError
from app.names import isolate
from app.views import GroupSummary, PostView
from ui.context import AppContext
from ui.desktop_notify import DesktopNotifications
from ui.theme import app_icon

PREVIEW_CHARS = 120
TITLE_NAMES = 2  # groups named in the window title; more are counted


def news_title(groups: list[str]) -> str:
    """The window title while `groups` (newest last) have news nobody has seen."""
    names = list(dict.fromkeys(reversed(groups)))  # newest first, each once
    shown = ", ".join(isolate(n) for n in names[:TITLE_NAMES])
    more = len(names) - TITLE_NAMES
    return f"• {shown}{f' +{more}' if more > 0 else ''} — Coterie"


class Notifier(QObject):
    """Shows one notification per new incoming post; clicking it opens that group."""

    open_group = Signal(str)

    def __init__(self, ctx: AppContext, window: QWidget,
                 desktop: DesktopNotifications | None = None) -> None:
        super().__init__(window)
        self._ctx = ctx
        self._window = window
        self.shown: list[tuple[str, str]] = []  # (title, text) of each notification, newest last
        self._last_group: str | None = None
        self._news: list[str] = []  # names of the groups with news, newest last
        self._plain_title: str | None = None  # the title before news marked it
        self._marked_title: str | None = None
        self.tray: QSystemTrayIcon | None = None
        self.desktop: DesktopNotifications | None = None
        if desktop is not None:
            self.desktop = desktop
        elif QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(app_icon(), self)
            self.tray.setToolTip(QCoreApplication.translate("Notifier", "Coterie"))
            menu = QMenu(window)
            menu.addAction(QCoreApplication.translate("Notifier", "Show Coterie"), self._raise)
            menu.addAction(QCoreApplication.translate("Notifier", "Quit"), window.close)
            self.tray.setContextMenu(menu)
            self.tray.activated.connect(lambda _reason: self._raise())
            self.tray.messageClicked.connect(self.clicked)
            self.tray.show()
        else:
            self.desktop = DesktopNotifications.on_session_bus(self)
        if self.desktop is not None:
            self.desktop.setParent(self)
            self.desktop.clicked.connect(self._desktop_clicked)
        window.installEventFilter(self)

    def notify_post(self, group: GroupSummary, post_id: str) -> None:
        """Notify of a post unless its channel is muted; a reply in a thread notifies
        only when I follow that thread."""
        gid, svc = group.id, self._ctx.services

        def fetch() -> PostView | None:
            post = svc.posts.get(gid, post_id)
            if post.thread_root is not None:
                return post if svc.threads.is_following(gid, post.thread_root) else None
            try:
                muted = svc.channels.get(gid, post.channel_id).muted
            except AppError:
                muted = False   # its channel's definition has not arrived yet
            return None if muted else post

        self._ctx.worker.run(fetch, lambda post: self._show(group, post) if post else None,
                             lambda e: None, owner=self)

    def notify_text(self, group_id: str, title: str, body: str) -> None:
        """One notification of our own wording (an event reminder); clicking opens the group."""
        self.shown.append((title, body))
        self._last_group = group_id
        if self.tray is not None:
            self.tray.showMessage(title, body, app_icon(), 10_000)
        elif self.desktop is not None:
            self.desktop.notify(group_id, title, body)

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
        elif self.desktop is not None:
            self.desktop.notify(group.id, title, body)
        if not self._window.isActiveWindow():
            self._mark(group.name)

    def _mark(self, group_name: str) -> None:
        current = self._window.windowTitle()
        if current != self._marked_title:
            self._plain_title = current  # the window changed its title since the last mark
        self._news.append(group_name)
        self._marked_title = news_title(self._news)
        self._window.setWindowTitle(self._marked_title)
        QApplication.alert(self._window, 0)  # until the window is active again

    def _seen(self) -> None:
        """The window is focused: the news were seen; the title says what is open again."""
        self._news.clear()
        if self._marked_title is not None and self._window.windowTitle() == self._marked_title \
                and self._plain_title is not None:
            self._window.setWindowTitle(self._plain_title)
        self._marked_title = self._plain_title = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self._window and event.type() == QEvent.Type.ActivationChange \
                and self._window.isActiveWindow():
            self._seen()
        return False

    def clicked(self) -> None:
        """The latest notification was clicked: show its group."""
        self._raise()
        if self._last_group is not None:
            self.open_group.emit(self._last_group)

    def _desktop_clicked(self, group_id: str) -> None:
        self._raise()
        self.open_group.emit(group_id)

    def _raise(self) -> None:
        self._window.showNormal()
        self._window.raise_()
        self._window.activateWindow()

    def hide(self) -> None:
        if self.tray is not None:
            self.tray.hide()
        if self.desktop is not None:
            self.desktop.close()
