"""The moderation log of a group: who removed, timed out, banned or changed a channel's
rules, when and why. Every member can read it (it is what every member's app enforces)."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.moderation import ModLogView
from app.views import GroupSummary
from ui import timefmt
from ui.context import AppContext
from ui.dialogs.base import ServiceDialog


class ModerationLogDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, group: GroupSummary, parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate(
            "ModerationLogDialog", "Moderation log of {name}").format(name=group.name), parent)
        self._ctx = ctx
        self._group = group
        self.setMinimumSize(560, 360)
        intro = QLabel(QCoreApplication.translate(
            "ModerationLogDialog", "Every member's Coterie enforces these actions and keeps "
            "this log; everyone in the group can read it."))
        intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName(QCoreApplication.translate("ModerationLogDialog",
                                                               "Moderation actions"))
        self.list.setWordWrap(True)
        self.empty_label = QLabel(QCoreApplication.translate(
            "ModerationLogDialog", "No moderation actions yet."))
        self.empty_label.setObjectName("hint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        ctx.events.posts.connect(self._event)
        self.refresh()

    def refresh(self) -> None:
        gid = self._group.id
        self._ctx.worker.run(lambda: self._ctx.services.moderation.log(gid), self._show,
                             lambda e: self.show_error(str(e)), owner=self)

    def _event(self, group_id: object, *_rest: object) -> None:
        if group_id == self._group.id:
            self.refresh()

    def _show(self, rows: list[ModLogView]) -> None:
        self.list.clear()
        for v in reversed(rows):   # newest first
            item = QListWidgetItem(QCoreApplication.translate(
                "ModerationLogDialog", "{time} — {what}").format(time=timefmt.full(v.time),
                                                                 what=v.text))
            item.setToolTip(v.actor_fingerprint)
            self.list.addItem(item)
        self.empty_label.setVisible(not rows)
