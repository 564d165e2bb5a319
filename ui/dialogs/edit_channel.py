"""Rename a channel, set its topic line or a forum's tags (admins): one field, the current
text offered; the change is one admin-signed channel definition every member's app checks."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.views import ChannelView
from ui.context import AppContext
from ui.dialogs.base import ServiceDialog


class EditChannelDialog(ServiceDialog):
    """`field` is "name" (rename), "topic" (the topic line) or "tags" (a forum's tags,
    separated by commas)."""

    def __init__(self, ctx: AppContext, channel: ChannelView, field: str,
                 parent: QWidget | None = None) -> None:
        rename = field == "name"
        titles = {"name": QCoreApplication.translate("EditChannelDialog", "Rename channel"),
                  "topic": QCoreApplication.translate("EditChannelDialog", "Channel topic"),
                  "tags": QCoreApplication.translate("EditChannelDialog", "Forum tags")}
        super().__init__(ctx.worker, titles[field], parent)
        self._ctx, self._channel, self._field = ctx, channel, field
        self.setMinimumWidth(420)
        intro = QLabel(QCoreApplication.translate(
            "EditChannelDialog", "Every member of the group sees the change."))
        intro.setWordWrap(True)
        self.edit = QLineEdit(self._current())
        names = {"name": QCoreApplication.translate("EditChannelDialog", "Channel name"),
                 "topic": QCoreApplication.translate("EditChannelDialog", "Topic"),
                 "tags": QCoreApplication.translate("EditChannelDialog",
                                                    "Tags for topics, separated by commas")}
        self.edit.setAccessibleName(names[field])
        if field == "tags":
            intro.setText(QCoreApplication.translate(
                "EditChannelDialog", "Tags new topics can carry, separated by commas. Topics "
                "keep the tags they have. Every member of the group sees the change."))
            self.edit.setPlaceholderText(QCoreApplication.translate("EditChannelDialog",
                                                                    "fiction, poetry, essays"))
        self.edit.setMaxLength(64 if rename else 700)
        self.edit.selectAll()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(QCoreApplication.translate("EditChannelDialog", "Save"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setProperty("primary", True)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._busy_buttons = [self.save_button]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(intro)
        layout.addWidget(self.edit)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def _current(self) -> str:
        c = self._channel
        return {"name": c.name, "topic": c.topic, "tags": ", ".join(c.tags)}[self._field]

    def accept(self) -> None:
        if self.busy:
            return
        text = self.edit.text().strip()
        c, svc = self._channel, self._ctx.services
        if self._field == "tags":
            tags = [t.strip() for t in text.split(",") if t.strip()]
            if sorted(set(tags)) == sorted(c.tags):
                QDialog.accept(self)
                return
            work = lambda: svc.channels.set_tags(c.group_id, c.id, tags)  # noqa: E731
        elif text == self._current():
            QDialog.accept(self)
            return
        elif self._field == "name":
            work = lambda: svc.channels.rename(c.group_id, c.id, text)  # noqa: E731
        else:
            work = lambda: svc.channels.describe(c.group_id, c.id, text)  # noqa: E731
        self.call(work, lambda _r: QDialog.accept(self),
                  busy_text=QCoreApplication.translate("EditChannelDialog", "Saving…"))
