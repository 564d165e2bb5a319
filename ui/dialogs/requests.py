"""Join requests waiting for an admin: who asks (name and fingerprint), approve or decline."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QModelIndex
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.views import GroupSummary, JoinRequestView
from ui.context import AppContext
from ui.dialogs.base import ServiceDialog
from ui.models.keyed_list import ITEM_ROLE
from ui.models.request_model import JoinRequestListModel


class JoinRequestsDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, group: GroupSummary, parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("JoinRequestsDialog", 'Join requests for {name}').format(name=group.name), parent)
        self._ctx = ctx
        self._group = group
        self.setMinimumWidth(520)
        intro = QLabel(QCoreApplication.translate("JoinRequestsDialog", "Before approving, check the fingerprint with the person through a "
                       "channel you trust (in person or a call)."))
        intro.setWordWrap(True)
        self.model = JoinRequestListModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setAccessibleName(QCoreApplication.translate("JoinRequestsDialog", "Waiting join requests"))
        self.empty_label = QLabel(QCoreApplication.translate("JoinRequestsDialog", "No one is waiting to join."))
        self.empty_label.setObjectName("hint")
        self.approve_button = QPushButton(QCoreApplication.translate("JoinRequestsDialog", "Approve"))
        self.approve_button.setProperty("primary", True)
        self.approve_button.setAccessibleName(QCoreApplication.translate("JoinRequestsDialog", "Approve the selected request"))
        self.decline_button = QPushButton(QCoreApplication.translate("JoinRequestsDialog", "Decline"))
        self.decline_button.setProperty("danger", True)
        self.decline_button.setAccessibleName(QCoreApplication.translate("JoinRequestsDialog", "Decline the selected request"))
        self.approve_button.clicked.connect(lambda: self._settle(True))
        self.decline_button.clicked.connect(lambda: self._settle(False))
        self._busy_buttons = [self.approve_button, self.decline_button]
        self.list.selectionModel().currentChanged.connect(
            lambda _c, _p: self.refresh_buttons())
        self.model.rowsInserted.connect(self._select_first)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.decline_button)
        row.addWidget(self.approve_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.error_label)
        layout.addLayout(row)
        layout.addWidget(buttons)
        ctx.events.requests.connect(self._event)
        self.refresh_buttons()
        self.refresh()

    def refresh(self) -> None:
        gid = self._group.id
        self._ctx.worker.run(lambda: self._ctx.services.invites.requests(gid), self._show,
                             lambda e: self.show_error(str(e)), owner=self)

    def _show(self, requests: list[JoinRequestView]) -> None:
        self.model.set_requests(requests)
        self.empty_label.setVisible(self.model.rowCount() == 0)
        self.refresh_buttons()

    def _select_first(self, *_args: object) -> None:
        if not self.list.currentIndex().isValid() and self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0, 0))

    def _event(self, group_id: object) -> None:
        if group_id == self._group.id:
            self.refresh()

    def refresh_buttons(self) -> None:
        ok = self.list.currentIndex().isValid() and not self.busy
        self.approve_button.setEnabled(ok)
        self.decline_button.setEnabled(ok)

    def _settle(self, approve: bool) -> None:
        index: QModelIndex = self.list.currentIndex()
        request: JoinRequestView | None = index.data(ITEM_ROLE) if index.isValid() else None
        if request is None:
            return
        gid, svc = self._group.id, self._ctx.services
        work = (lambda: svc.invites.approve(gid, request.id)) if approve else \
            (lambda: svc.invites.decline(gid, request.id))
        self.call(work, lambda _r: self.refresh(), slow=True,
                  busy_text=QCoreApplication.translate("JoinRequestsDialog", "Admitting…") if approve else QCoreApplication.translate("JoinRequestsDialog", "Declining…"))
