"""Rename a channel or set its topic line (admins): one field, the current text offered;
the change is one admin-signed channel definition every member's app checks."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.views import ChannelView
from ui.context import AppContext
from ui.dialogs.base import ServiceDialog


class EditChannelDialog(ServiceDialog):
    """`field` is "name" (rename) or "topic" (the topic line)."""

    def __init__(self, ctx: AppContext, channel: ChannelView, field: str,
                 parent: QWidget | None = None) -> None:
        rename = field == "name"
        super().__init__(ctx.worker, QCoreApplication.translate("EditChannelDialog", "Rename channel")
                         if rename else QCoreApplication.translate("EditChannelDialog", "Channel topic"),
                         parent)
        self._ctx, self._channel, self._field = ctx, channel, field
        self.setMinimumWidth(420)
        intro = QLabel(QCoreApplication.translate(
            "EditChannelDialog", "Every member of the group sees the change."))
        intro.setWordWrap(True)
        self.edit = QLineEdit(channel.name if rename else channel.topic)
        self.edit.setAccessibleName(QCoreApplication.translate("EditChannelDialog", "Channel name")
                                    if rename else QCoreApplication.translate("EditChannelDialog", "Topic"))
        self.edit.setMaxLength(64 if rename else 300)
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

    def accept(self) -> None:
        if self.busy:
            return
        text = self.edit.text().strip()
        c, svc = self._channel, self._ctx.services
        if text == (c.name if self._field == "name" else c.topic):
            QDialog.accept(self)
            return
        work = ((lambda: svc.channels.rename(c.group_id, c.id, text)) if self._field == "name"
                else (lambda: svc.channels.describe(c.group_id, c.id, text)))
        self.call(work, lambda _r: QDialog.accept(self),
                  busy_text=QCoreApplication.translate("EditChannelDialog", "Saving…"))
