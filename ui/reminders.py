"""Desktop reminders before events start: once a minute the worker asks the services for
events starting within the reminder lead time (a profile setting, default 15 minutes) that
were not reminded of yet; each becomes one notification."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from app.polls_views import EventView
from ui.context import AppContext
from ui.notifications import Notifier
from ui.timefmt import clock

CHECK_MS = 60_000


def reminder_text(e: EventView) -> tuple[str, str]:
    """(title, body) of an event's reminder."""
    where = f" · {e.place}" if e.place else ""
    return e.group_name, QCoreApplication.translate("Events", "{title} starts at {time}").format(
        title=e.title, time=clock(e.starts_at)) + where


class Reminders(QObject):
    def __init__(self, ctx: AppContext, notifier: Notifier, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._notifier = ctx, notifier
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.timer.start()
        self.check()

    def check(self) -> None:
        events = self._ctx.services.events
        self._ctx.worker.run(events.due_reminders, self._show, lambda e: None, owner=self)

    def _show(self, due: object) -> None:
        for e in due if isinstance(due, list) else []:
            title, body = reminder_text(e)
            self._notifier.notify_text(e.group_id, title, body)
