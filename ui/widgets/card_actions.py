"""Polls and events from the conversation: clicking a card opens it, the group menu offers
New poll…, New event… and Upcoming events… (Ctrl+Shift+E)."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QMenu, QWidget

from app.polls_views import EventView, PollView
from ui.context import AppContext
from ui.dialogs.event import EventDialog, NewEventDialog, UpcomingDialog
from ui.dialogs.poll import NewPollDialog, PollDialog

UPCOMING_KEYS = "Ctrl+Shift+E"


class CardActions(QObject):
    """Opens the poll and event dialogs of the group the pane shows."""

    def __init__(self, ctx: AppContext, pane: QWidget, group_id: Callable[[], str | None],
                 menu: QMenu, on_error: Callable[[str], None]) -> None:
        super().__init__(pane)
        self._ctx, self._pane, self._group_id, self._error = ctx, pane, group_id, on_error
        self.dialog: QDialog | None = None
        menu.addSeparator()
        menu.addAction(QCoreApplication.translate("Polls", "New poll…"), self.new_poll)
        menu.addAction(QCoreApplication.translate("Events", "New event…"), self.new_event)
        menu.addAction(QCoreApplication.translate("Events", "Upcoming events…") + "\t"
                       + UPCOMING_KEYS, self.upcoming)
        QShortcut(QKeySequence(UPCOMING_KEYS), pane, self.upcoming)

    def _show(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        dialog.setModal(True)
        dialog.show()
        return dialog

    def new_poll(self) -> QDialog | None:
        gid = self._group_id()
        return self._show(NewPollDialog(self._ctx, gid, self._pane)) if gid else None

    def new_event(self) -> QDialog | None:
        gid = self._group_id()
        return self._show(NewEventDialog(self._ctx, gid, self._pane)) if gid else None

    def upcoming(self) -> QDialog | None:
        gid = self._group_id()
        if not gid:
            return None
        dialog = UpcomingDialog(self._ctx, gid, self._pane)
        dialog.open_event.connect(lambda e: self.show_event(gid, e))
        return self._show(dialog)

    def show_event(self, gid: str, event: EventView) -> QDialog:
        return self._show(EventDialog(self._ctx, gid, event, self._pane))

    def open_card(self, item_id: str, kind: str) -> None:
        """A card was clicked: read it afresh (worker), then open its dialog."""
        gid = self._group_id()
        if not gid:
            return
        svc = self._ctx.services

        def opened(view: object) -> None:
            if isinstance(view, PollView):
                self._show(PollDialog(self._ctx, gid, view, self._pane))
            elif isinstance(view, EventView):
                self.show_event(gid, view)

        read = (lambda: svc.polls.get(gid, item_id)) if kind == "poll" else (
            lambda: svc.events.get(gid, item_id))
        self._ctx.worker.run(read, opened, lambda e: self._error(str(e)), owner=self)
