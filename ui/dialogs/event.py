"""Events in the window: a new event, one event with RSVP buttons (and, for its creator or
an admin, cancel), its .ics export, and the group's Upcoming list."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDateTime, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.polls_views import EventView
from ui.context import AppContext
from ui.dialogs.base import ServiceDialog
from ui.timefmt import full

ANSWERS = (("going", QT_TRANSLATE_NOOP("Events", "Going")),
           ("maybe", QT_TRANSLATE_NOOP("Events", "Maybe")),
           ("no", QT_TRANSLATE_NOOP("Events", "Can't")))


def answer_label(label: str) -> str:
    return QCoreApplication.translate("Events", label)


def when_text(e: EventView) -> str:
    text = full(e.starts_at) + (f" – {full(e.ends_at)}" if e.ends_at else "")
    return text + (f" ({e.tz})" if e.tz else "")


class NewEventDialog(ServiceDialog):
    """Title, start, optional end, place or link, description."""

    def __init__(self, ctx: AppContext, group_id: str, parent: QWidget | None = None,
                 now: QDateTime | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("Events", "New event"), parent)
        self._ctx, self._group = ctx, group_id
        self.created: EventView | None = None
        self.setMinimumWidth(460)
        start = (now or QDateTime.currentDateTime()).addDays(1)
        start.setTime(start.time().fromString("19:00", "HH:mm"))
        self.title = QLineEdit()
        self.title.setAccessibleName(QCoreApplication.translate("Events", "Title"))
        self.starts = QDateTimeEdit(start)
        self.starts.setCalendarPopup(True)
        self.starts.setAccessibleName(QCoreApplication.translate("Events", "Starts"))
        self.has_end = QCheckBox(QCoreApplication.translate("Events", "Ends"))
        self.ends = QDateTimeEdit(start.addSecs(2 * 3600))
        self.ends.setCalendarPopup(True)
        self.ends.setAccessibleName(QCoreApplication.translate("Events", "Ends"))
        self.ends.setEnabled(False)
        self.has_end.toggled.connect(self.ends.setEnabled)
        self.place = QLineEdit()
        self.place.setPlaceholderText(QCoreApplication.translate("Events", "A place or a link"))
        self.place.setAccessibleName(QCoreApplication.translate("Events", "Where"))
        self.description = QLineEdit()
        self.description.setAccessibleName(QCoreApplication.translate("Events", "Description"))
        form = QFormLayout()
        form.addRow(QCoreApplication.translate("Events", "Title"), self.title)
        form.addRow(QCoreApplication.translate("Events", "Starts"), self.starts)
        form.addRow(self.has_end, self.ends)
        form.addRow(QCoreApplication.translate("Events", "Where"), self.place)
        form.addRow(QCoreApplication.translate("Events", "Details"), self.description)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton(QCoreApplication.translate("Events", "Create event"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setProperty("primary", True)
        self.create_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._busy_buttons = [self.create_button]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        if self.busy:
            return
        fmt = Qt.DateFormat.ISODate
        title, place, details = self.title.text(), self.place.text(), self.description.text()
        starts = self.starts.dateTime().toString(fmt)
        ends = self.ends.dateTime().toString(fmt) if self.has_end.isChecked() else None
        svc, group = self._ctx.services, self._group

        def done(view: object) -> None:
            assert isinstance(view, EventView)
            self.created = view
            super(NewEventDialog, self).accept()

        self.call(lambda: svc.events.create(group, title, starts, ends, place=place,
                                            description=details), done)


class EventDialog(ServiceDialog):
    """One event: when, where, who answered; my answer; export; cancel."""

    def __init__(self, ctx: AppContext, group_id: str, event: EventView,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("Events", "Event"), parent)
        self._ctx, self._group, self.event = ctx, group_id, event
        self.setMinimumWidth(440)
        self.title = QLabel()
        self.title.setObjectName("dialogTitle")
        bold = self.title.font()
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        self.title.setFont(bold)
        self.title.setWordWrap(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.answers = QLabel()
        self.answers.setWordWrap(True)
        self.answers.setTextFormat(Qt.TextFormat.PlainText)
        self.rsvp_buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for answer, label in ANSWERS:
            b = QPushButton("✓ " + answer_label(label))
            b.setMinimumWidth(b.sizeHint().width() + 12)   # room for the check mark
            b.setText(answer_label(label))
            b.setCheckable(True)
            b.setAccessibleName(QCoreApplication.translate("Events", "Answer: {answer}").format(answer=answer_label(label)))
            b.clicked.connect(lambda _c=False, a=answer: self.rsvp(a))
            self.rsvp_buttons[answer] = b
            row.addWidget(b)
        row.addStretch(1)
        self.export_button = QPushButton(QCoreApplication.translate("Events", "Add to calendar (.ics)…"))
        self.export_button.clicked.connect(self.export)
        self.cancel_button = QPushButton(QCoreApplication.translate("Events", "Cancel event"))
        self.cancel_button.clicked.connect(self.cancel_event)
        tools = QHBoxLayout()
        tools.addWidget(self.cancel_button)
        tools.addStretch(1)
        tools.addWidget(self.export_button)
        self._busy_buttons = [*self.rsvp_buttons.values(), self.cancel_button]
        done = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        done.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addLayout(row)
        layout.addWidget(self.answers)
        layout.addWidget(self.error_label)
        layout.addLayout(tools)
        layout.addWidget(done)
        self.show_event(event)

    def show_event(self, e: EventView) -> None:
        self.event = e
        self.title.setText(e.title + (" " + QCoreApplication.translate("Events", "(cancelled)") if e.cancelled else ""))
        lines = [when_text(e)]
        if e.place:
            lines.append(e.place)
        if e.description:
            lines.append(e.description)
        lines.append(QCoreApplication.translate("Events", "Created by {name}").format(name=e.creator_name))
        self.details.setText("\n".join(lines))
        by = {a: [r.name for r in e.rsvps if r.answer == a] for a, _l in ANSWERS}
        self.answers.setText("\n".join(
            f"{answer_label(label)}: {', '.join(by[a]) if by[a] else '—'}" for a, label in ANSWERS))
        for (answer, label), b in zip(ANSWERS, self.rsvp_buttons.values(), strict=True):
            mine = e.my_answer == answer
            b.setChecked(mine)
            b.setText("✓ " + answer_label(label) if mine else answer_label(label))
            b.setProperty("primary", mine)   # my answer stands out; click it again to take it back
            self._repolish(b)
        self.refresh_buttons()

    def refresh_buttons(self) -> None:
        if self.busy:
            return
        for b in self.rsvp_buttons.values():
            b.setEnabled(not self.event.cancelled)
        self.cancel_button.setVisible(self.event.can_edit)

    def _update(self, view: object) -> None:
        assert isinstance(view, EventView)
        self.show_event(view)

    def rsvp(self, answer: str) -> None:
        svc, group, event = self._ctx.services, self._group, self.event.id
        chosen = None if self.event.my_answer == answer else answer
        self.call(lambda: svc.events.rsvp(group, event, chosen), self._update)

    def cancel_event(self) -> None:
        svc, group, event = self._ctx.services, self._group, self.event.id
        self.call(lambda: svc.events.cancel(group, event), self._update)

    def export(self) -> None:
        name = "".join(c if c.isalnum() else "-" for c in self.event.title)[:40] or "event"
        path, _filter = QFileDialog.getSaveFileName(self, QCoreApplication.translate("Events", "Save the event"), f"{name}.ics",
                                                    QCoreApplication.translate("Events", "iCalendar (*.ics)"))
        if not path:
            return
        svc, group, event = self._ctx.services, self._group, self.event.id

        def write() -> None:
            with open(path, "wb") as f:
                f.write(svc.events.export_ics(group, event))

        self.call(write, lambda _r: self.show_error(QCoreApplication.translate("Events", "Saved to {path}.").format(path=path)))


class UpcomingDialog(ServiceDialog):
    """The group's upcoming events, soonest first; double-click (or Enter) opens one."""

    open_event = Signal(object)   # EventView

    def __init__(self, ctx: AppContext, group_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("Events", "Upcoming"), parent)
        self._ctx, self._group = ctx, group_id
        self.setMinimumSize(440, 320)
        self.list = QListWidget()
        self.list.setAccessibleName(QCoreApplication.translate("Events", "Upcoming events"))
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(4)
        self.list.itemActivated.connect(self._activated)
        self.empty = QLabel(QCoreApplication.translate("Events", "No upcoming events in this group."))
        self.empty.setObjectName("hint")
        self.empty.hide()
        self.remind = QSpinBox()
        self.remind.setRange(0, 1440)
        self.remind.setSuffix(QCoreApplication.translate("Events", " min"))
        self.remind.setAccessibleName(QCoreApplication.translate("Events", "Reminder, minutes before an event (0: none)"))
        remind_row = QHBoxLayout()
        remind_row.addWidget(QLabel(QCoreApplication.translate("Events", "Desktop reminder before events (0: none)")))
        remind_row.addStretch(1)
        remind_row.addWidget(self.remind)
        done = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        done.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addLayout(remind_row)
        layout.addWidget(self.list)
        layout.addWidget(self.empty)
        layout.addWidget(self.error_label)
        layout.addWidget(done)
        self.reload()

    def reload(self) -> None:
        svc, group = self._ctx.services, self._group
        self.call(lambda: (svc.events.reminder_minutes(), svc.events.upcoming(group)),
                  self._loaded)

    def _loaded(self, result: object) -> None:
        assert isinstance(result, tuple)
        minutes, events = result
        self.remind.blockSignals(True)
        self.remind.setValue(minutes)
        self.remind.blockSignals(False)
        self.remind.valueChanged.connect(self._remind_changed)
        self._show(events)

    def _remind_changed(self, minutes: int) -> None:
        svc = self._ctx.services
        self._ctx.worker.run(lambda: svc.events.set_reminder_minutes(minutes), None,
                             lambda e: self.show_error(str(e)), owner=self)

    def _show(self, events: object) -> None:
        assert isinstance(events, list)
        self.list.clear()
        for e in events:
            answered = QCoreApplication.translate("Events", "{going} going · {maybe} maybe · {no} can't").format(
                going=e.count("going"), maybe=e.count("maybe"), no=e.count("no"))
            lines = [e.title + (" " + QCoreApplication.translate("Events", "(cancelled)") if e.cancelled else ""), when_text(e)]
            if e.place:
                lines.append(e.place)
            lines.append(answered)
            item = QListWidgetItem("\n".join(lines))
            item.setData(Qt.ItemDataRole.UserRole, e)
            spacing = self.list.fontMetrics().lineSpacing()
            item.setSizeHint(QSize(0, spacing * len(lines) + 10))
            self.list.addItem(item)
        self.empty.setVisible(not events)
        self.list.setVisible(bool(events))

    def _activated(self, item: QListWidgetItem) -> None:
        self.open_event.emit(item.data(Qt.ItemDataRole.UserRole))
