"""Invite people: a link with a number of uses and an expiry, shown as text and QR code,
and the list of this group's invites with revoke."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.views import GroupSummary, InviteView
from ui.context import AppContext
from ui.dialogs.base import ServiceDialog, copy_to_clipboard
from ui.models.invite_model import InviteListModel
from ui.models.keyed_list import ITEM_ROLE
from ui.qr import qr_pixmap

EXPIRY_CHOICES = ((QT_TRANSLATE_NOOP("InviteDialog", "1 hour"), 3600), (QT_TRANSLATE_NOOP("InviteDialog", "1 day"), 86400),
                  (QT_TRANSLATE_NOOP("InviteDialog", "3 days"), 3 * 86400),
                  (QT_TRANSLATE_NOOP("InviteDialog", "7 days"), 7 * 86400),
                  (QT_TRANSLATE_NOOP("InviteDialog", "30 days"), 30 * 86400))


class InviteDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, group: GroupSummary, parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("InviteDialog", 'Invite people to {name}').format(name=group.name), parent)
        self._ctx = ctx
        self._group = group
        self.invite: InviteView | None = None
        self.setMinimumWidth(620)
        intro = QLabel(QCoreApplication.translate("InviteDialog", "Anyone with the link can ask to join. Single-use links are admitted "
                       "as soon as an admin's Coterie is online; multi-use links wait for "
                       "your approval."))
        intro.setWordWrap(True)
        self.uses_spin = QSpinBox()
        self.uses_spin.setRange(1, 100)
        self.uses_spin.setValue(1)
        self.uses_spin.setAccessibleName(QCoreApplication.translate("InviteDialog", "How many people can use the link"))
        self.expiry_combo = QComboBox()
        for label, seconds in EXPIRY_CHOICES:
            self.expiry_combo.addItem(QCoreApplication.translate("InviteDialog", label), seconds)
        self.expiry_combo.setCurrentIndex(2)
        self.expiry_combo.setAccessibleName(QCoreApplication.translate("InviteDialog", "Link expires after"))
        self.create_button = QPushButton(QCoreApplication.translate("InviteDialog", "Create link"))
        self.create_button.setProperty("primary", True)
        self.create_button.setAccessibleName(QCoreApplication.translate("InviteDialog", "Create invite link"))
        self.create_button.clicked.connect(self._create)
        self._busy_buttons = [self.create_button]
        form = QFormLayout()
        form.addRow(QCoreApplication.translate("InviteDialog", "Uses"), self.uses_spin)
        form.addRow(QCoreApplication.translate("InviteDialog", "Expires after"), self.expiry_combo)
        form.addRow("", self.create_button)
        self.link_edit = QLineEdit()
        self.link_edit.setReadOnly(True)
        self.link_edit.setPlaceholderText(QCoreApplication.translate("InviteDialog", "The new link appears here"))
        self.link_edit.setAccessibleName(QCoreApplication.translate("InviteDialog", "Invite link"))
        self.copy_button = QPushButton(QCoreApplication.translate("InviteDialog", "Copy link"))
        self.copy_button.setAccessibleName(QCoreApplication.translate("InviteDialog", "Copy invite link"))
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self._copy)
        link_row = QHBoxLayout()
        link_row.addWidget(self.link_edit, 1)
        link_row.addWidget(self.copy_button)
        self.qr_label = QLabel()
        self.qr_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr_label.setMinimumSize(200, 200)
        self.qr_label.setAccessibleName(QCoreApplication.translate("InviteDialog", "Invite QR code"))
        self.qr_label.setText(QCoreApplication.translate("InviteDialog", "QR code of the link"))
        self.qr_label.setObjectName("hint")
        top = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(intro)
        left.addLayout(form)
        left.addLayout(link_row)
        left.addStretch(1)
        top.addLayout(left, 1)
        top.addWidget(self.qr_label)
        self.model = InviteListModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setAccessibleName(QCoreApplication.translate("InviteDialog", "Invites of this group"))
        self.list.setMaximumHeight(150)
        self.revoke_button = QPushButton(QCoreApplication.translate("InviteDialog", "Revoke"))
        self.revoke_button.setProperty("danger", True)
        self.revoke_button.setAccessibleName(QCoreApplication.translate("InviteDialog", "Revoke the selected invite"))
        self.revoke_button.setEnabled(False)
        self.revoke_button.clicked.connect(self._revoke)
        # Revoke acts on the selected invite only: a current row without a selection
        # (the list takes focus) or a list refreshed under it leaves nothing to revoke.
        self.list.selectionModel().selectionChanged.connect(lambda _s, _d: self._selected())
        self.model.modelReset.connect(self._selected)
        self.model.rowsRemoved.connect(self._selected)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addLayout(top)
        layout.addWidget(self.error_label)
        layout.addWidget(QLabel(QCoreApplication.translate("InviteDialog", "Invites")))
        layout.addWidget(self.list)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.revoke_button)
        layout.addLayout(row)
        layout.addWidget(self.buttons)
        ctx.events.invites.connect(self._invites_event)
        self.refresh()

    def refresh(self) -> None:
        gid = self._group.id
        self._ctx.worker.run(lambda: self._ctx.services.invites.list(gid), self.model.set_invites,
                             lambda e: self.show_error(str(e)), owner=self)

    def _invites_event(self, group_id: object) -> None:
        if group_id == self._group.id:
            self.refresh()

    def _create(self) -> None:
        gid, svc = self._group.id, self._ctx.services
        uses = self.uses_spin.value()
        expires = int(self.expiry_combo.currentData())
        self.call(lambda: svc.invites.create(gid, uses, expires), self._created, slow=True,
                  busy_text=QCoreApplication.translate("InviteDialog", "Creating the invite…"))

    def _created(self, invite: InviteView) -> None:
        self.invite = invite
        self.show_invite(invite)
        self.refresh()

    def show_invite(self, invite: InviteView) -> None:
        self.link_edit.setText(invite.link)
        self.link_edit.setCursorPosition(0)
        self.copy_button.setEnabled(True)
        pixmap = qr_pixmap(invite.link, scale=4)
        self.qr_label.setPixmap(pixmap.scaled(220, 220, Qt.AspectRatioMode.KeepAspectRatio,
                                              Qt.TransformationMode.FastTransformation))

    def _copy(self) -> None:
        copy_to_clipboard(self.copy_button, self.link_edit.text())

    def selected_invite(self) -> InviteView | None:
        rows = self.list.selectionModel().selectedIndexes()
        return rows[0].data(ITEM_ROLE) if rows else None

    def _selected(self) -> None:
        invite = self.selected_invite()
        active = invite is not None and invite.status == "active"
        self.revoke_button.setEnabled(active and not self.busy)
        if active and invite is not None and self.link_edit.text() != invite.link:
            self.show_invite(invite)

    def refresh_buttons(self) -> None:
        if hasattr(self, "revoke_button"):
            self._selected()

    def _revoke(self) -> None:
        invite = self.selected_invite()
        if invite is None:
            return
        gid, svc = self._group.id, self._ctx.services
        self.revoke_button.setEnabled(False)
        self.call(lambda: svc.invites.revoke(gid, invite.id), lambda _r: self._revoked(invite),
                  slow=True)

    def _revoked(self, invite: InviteView) -> None:
        if self.link_edit.text() == invite.link:
            self.link_edit.clear()
            self.copy_button.setEnabled(False)
            self.qr_label.clear()
            self.qr_label.setText(QCoreApplication.translate("InviteDialog", "QR code of the link"))
        self.refresh()
