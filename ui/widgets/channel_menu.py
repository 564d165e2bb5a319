"""What a channel's menu in the sidebar offers: mark read and mute for everyone; rename,
topic, a forum's tags, reorder and archive for those the role table lets manage channels."""
from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QMenu, QWidget

from app.views import GENERAL_ID, ChannelView, GroupSummary
from ui.context import AppContext
from ui.dialogs.edit_channel import EditChannelDialog
from ui.roles import MANAGE_CHANNELS, may


class ChannelActions(QObject):
    error = Signal(str)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx

    def menu(self, parent: QWidget, group: GroupSummary, c: ChannelView,
             siblings: Sequence[ChannelView]) -> QMenu:
        svc, gid = self._ctx.services, group.id
        run = self._ctx.worker.run
        menu = QMenu(parent)
        menu.addAction(QCoreApplication.translate("ChannelList", "Mark as read"), lambda: run(
            lambda: svc.channels.mark_read(gid, c.id), None, lambda e: None, owner=self))
        menu.addAction(QCoreApplication.translate("ChannelList", "Unmute") if c.muted
                       else QCoreApplication.translate("ChannelList", "Mute"), lambda: run(
            lambda: svc.channels.set_muted(gid, c.id, not c.muted), None, lambda e: None,
            owner=self))
        if may(group, MANAGE_CHANNELS):
            menu.addSeparator()
            menu.addAction(QCoreApplication.translate("ChannelList", "Rename…"),
                           lambda: self.edit(parent, c, "name"))
            menu.addAction(QCoreApplication.translate("ChannelList", "Edit topic…"),
                           lambda: self.edit(parent, c, "topic"))
            if c.kind == "forum":
                menu.addAction(QCoreApplication.translate("ChannelList", "Edit tags…"),
                               lambda: self.edit(parent, c, "tags"))
            if c.id != GENERAL_ID:
                if not c.archived:
                    menu.addAction(QCoreApplication.translate("ChannelList", "Move up"),
                                   lambda: self.move(c, -1, siblings))
                    menu.addAction(QCoreApplication.translate("ChannelList", "Move down"),
                                   lambda: self.move(c, 1, siblings))
                menu.addAction(QCoreApplication.translate("ChannelList", "Restore") if c.archived
                               else QCoreApplication.translate("ChannelList", "Archive"),
                               lambda: self.archive(c, not c.archived))
        return menu

    def edit(self, parent: QWidget, c: ChannelView, field: str) -> EditChannelDialog:
        dialog = EditChannelDialog(self._ctx, c, field, parent)
        dialog.open()
        return dialog

    def archive(self, c: ChannelView, archived: bool) -> None:
        svc = self._ctx.services
        self._ctx.worker.run(lambda: svc.channels.archive(c.group_id, c.id, archived), None,
                             lambda e: self.error.emit(str(e)), owner=self)

    def move(self, c: ChannelView, delta: int, siblings: Sequence[ChannelView]) -> None:
        """Swap places with the neighbouring channel (General stays first, archived last)."""
        movable = [x for x in siblings if x.id != GENERAL_ID and not x.archived]
        at = next((i for i, x in enumerate(movable) if x.id == c.id), -1)
        to = at + delta
        if at < 0 or not 0 <= to < len(movable):
            return
        order = list(movable)
        order[at], order[to] = order[to], order[at]
        changes = [(x, i + 1) for i, x in enumerate(order) if x.position != i + 1]
        svc = self._ctx.services

        def work() -> None:
            for x, position in changes:
                svc.channels.move(x.group_id, x.id, position)

        self._ctx.worker.run(work, None, lambda e: self.error.emit(str(e)), owner=self)
