"""Join a group with an invite link (pasted, or handed over by the coterie:// URL handler).

A join completes only when an admin's client is online to admit it, so the dialog shows the
request's progress and closes itself when the group arrives.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.views import JoinView
from ui.context import AppContext
from ui.dialogs.base import ServiceDialog

LINK_PREFIX = "coterie://join#"


class JoinDialog(ServiceDialog):
    joined = Signal(str)  # group id

    def __init__(self, ctx: AppContext, link: str = "", parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, "Join a group", parent)
        self._ctx = ctx
        self.join_id: str | None = None
        self.setMinimumWidth(500)
        intro = QLabel("Paste the invite link someone sent you. The link stays on this "
                       "computer; only a request to join is sent.")
        intro.setWordWrap(True)
        self.link_edit = QLineEdit(link)
        self.link_edit.setPlaceholderText("coterie://join#…")
        self.link_edit.setAccessibleName("Invite link")
        self.status_label = QLabel()
        self.status_label.setObjectName("hint")
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Join status")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.join_button = self.buttons.addButton("Join", QDialogButtonBox.ButtonRole.ActionRole)
        self.join_button.setProperty("primary", True)
        self.join_button.setDefault(True)
        self.join_button.setAccessibleName("Send the join request")
        self.join_button.clicked.connect(self._join)
        self.buttons.rejected.connect(self.reject)
        self._busy_buttons = [self.join_button]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(intro)
        layout.addWidget(self.link_edit)
        layout.addWidget(self.status_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.link_edit.textChanged.connect(self.refresh_buttons)
        ctx.events.joins.connect(self._joins_changed)
        if not link:
            clip = QGuiApplication.clipboard().text().strip()
            if clip.startswith(LINK_PREFIX):
                self.link_edit.setText(clip)
        self.refresh_buttons()

    def refresh_buttons(self) -> None:
        self.join_button.setEnabled(self.link_edit.text().strip().startswith(LINK_PREFIX)
                                    and not self.busy and self.join_id is None)

    def _join(self) -> None:
        link = self.link_edit.text().strip()
        svc = self._ctx.services
        self.call(lambda: svc.invites.join(link), self._sent, slow=True,
                  busy_text="Reading the invite and sending your request…")

    def _sent(self, view: JoinView) -> None:
        self.join_id = view.id
        self.link_edit.setReadOnly(True)
        self._show(view)
        self.refresh_buttons()

    def _joins_changed(self) -> None:
        if self.join_id is None:
            return
        self._ctx.worker.run(self._ctx.services.invites.joins, self._update, lambda e: None, owner=self)

    def _update(self, joins: list[JoinView]) -> None:
        for view in joins:
            if view.id == self.join_id:
                self._show(view)

    def _show(self, view: JoinView) -> None:
        name = f"“{view.group_name}”" if view.group_name else "the group"
        if view.status == "joined" and view.group_id:
            self.status_label.setText(f"You joined {name}.")
            self.joined.emit(view.group_id)
            self.accept()
        elif view.status == "waiting":
            self.status_label.setText(f"Request to join {name} sent. {view.message} "
                                      "You can close this window; the group appears when "
                                      "you are admitted.")
        else:
            self.status_label.setText(view.message or f"Joining {name} did not work.")
