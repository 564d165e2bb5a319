"""Members of a group: safety numbers (digits and QR) for everyone; promote and remove for
admins, with a confirmation that says what removal does."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.views import GroupSummary, MemberView
from ui.context import AppContext
from ui.dialogs.base import ServiceDialog
from ui.models.keyed_list import ITEM_ROLE
from ui.models.member_model import MemberListModel
from ui.qr import qr_pixmap


def removal_warning(member: MemberView, group: GroupSummary) -> str:
    return (f"Remove {member.name} from “{group.name}”?\n\n"
            f"{member.name} will not be able to read anything posted from now on, and cannot "
            "post. Everyone's Coterie switches to new keys and a new mailbox on the relay. "
            f"What {member.name} already received stays on their device. "
            "To come back they need a new invite.")


class SafetyNumberDialog(QDialog):
    """Compare in person: both of you should see the same digits and can scan the QR."""

    def __init__(self, member: MemberView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Safety number with {member.name}")
        self.setAccessibleName(self.windowTitle())
        intro = QLabel(f"Compare these numbers with {member.name}, in person or on a call. "
                       "If they match on both devices, nobody is in the middle.")
        intro.setWordWrap(True)
        number = QLabel(format_safety_number(member.safety_number))
        number.setObjectName("safetyNumber")
        number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        number.setAccessibleName("Safety number")
        qr = QLabel()
        qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        qr.setAccessibleName("Safety number QR code")
        if member.safety_qr:
            qr.setPixmap(qr_pixmap(member.safety_qr, scale=5))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(intro)
        layout.addWidget(number)
        layout.addWidget(qr)
        layout.addWidget(buttons)


def format_safety_number(digits: str) -> str:
    """Groups of five, three groups a line, as they are read aloud."""
    groups = digits.split() if " " in digits.strip() else \
        [digits[i:i + 5] for i in range(0, len(digits), 5)]
    lines = [" ".join(groups[i:i + 3]) for i in range(0, len(groups), 3)]
    return "\n".join(lines)


class MembersDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, group: GroupSummary, parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, f"Members of {group.name}", parent)
        self._ctx = ctx
        self._group = group
        self.setMinimumSize(640, 420)
        self.model = MemberListModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setAccessibleName("Members")
        self.list.setMinimumWidth(230)
        self.list.selectionModel().currentChanged.connect(self._selected)
        self.name_label = QLabel()
        self.name_label.setObjectName("conversationTitle")
        self.role_label = QLabel()
        self.role_label.setObjectName("hint")
        self.fp_label = QLabel()
        self.fp_label.setWordWrap(True)
        self.fp_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fp_label.setAccessibleName("Fingerprint")
        self.number_label = QLabel()
        self.number_label.setObjectName("safetyNumber")
        self.number_label.setAccessibleName("Safety number")
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.compare_button = QPushButton("Compare in person (QR)…")
        self.compare_button.setAccessibleName("Show the safety number and its QR code")
        self.compare_button.clicked.connect(self._compare)
        self.promote_button = QPushButton("Make admin")
        self.promote_button.setAccessibleName("Make the selected member an admin")
        self.promote_button.clicked.connect(self._promote)
        self.remove_button = QPushButton("Remove from group…")
        self.remove_button.setProperty("danger", True)
        self.remove_button.setAccessibleName("Remove the selected member")
        self.remove_button.clicked.connect(self._remove)
        self._busy_buttons = [self.promote_button, self.remove_button]
        detail = QVBoxLayout()
        detail.addWidget(self.name_label)
        detail.addWidget(self.role_label)
        detail.addSpacing(8)
        detail.addWidget(QLabel("Fingerprint"))
        detail.addWidget(self.fp_label)
        detail.addSpacing(8)
        self.number_caption = QLabel("Safety number")
        detail.addWidget(self.number_caption)
        detail.addWidget(self.number_label)
        detail.addWidget(self.compare_button, 0, Qt.AlignmentFlag.AlignLeft)
        detail.addStretch(1)
        admin_row = QHBoxLayout()
        admin_row.addWidget(self.promote_button)
        admin_row.addWidget(self.remove_button)
        admin_row.addStretch(1)
        detail.addLayout(admin_row)
        detail.addWidget(self.error_label)
        body = QHBoxLayout()
        body.addWidget(self.list)
        body.addLayout(detail, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        ctx.events.members.connect(self._event)
        self._show_member(None)
        self.refresh()

    def refresh(self) -> None:
        gid = self._group.id
        self._ctx.worker.run(lambda: self._ctx.services.groups.members(gid), self._loaded,
                             lambda e: self.show_error(str(e)), owner=self)

    def _loaded(self, members: list[MemberView]) -> None:
        self.model.set_members(members)
        self._select_first()
        self._show_member(self.current())

    def _select_first(self) -> None:
        if not self.list.currentIndex().isValid() and self.model.rowCount():
            first_other = next((r for r in range(self.model.rowCount())
                                if not self.model.item_at(r).is_me), 0)  # type: ignore[union-attr]
            self.list.setCurrentIndex(self.model.index(first_other, 0))

    def _event(self, group_id: object) -> None:
        if group_id == self._group.id:
            self.refresh()

    def current(self) -> MemberView | None:
        index = self.list.currentIndex()
        return index.data(ITEM_ROLE) if index.isValid() else None

    def _selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_member(current.data(ITEM_ROLE) if current.isValid() else None)

    def _show_member(self, m: MemberView | None) -> None:
        admin = self._group.my_role == "admin" and self._group.status == "active"
        self.name_label.setText(m.name + (" (you)" if m.is_me else "") if m else "")
        self.role_label.setText(("Admin" if m.role == "admin" else "Member") if m else "")
        self.fp_label.setText(m.fingerprint if m else "")
        other = m is not None and not m.is_me
        self.number_label.setText(format_safety_number(m.safety_number) if other and m else
                                  "This is you." if m else "")
        self.number_caption.setVisible(other)
        self.compare_button.setVisible(other and bool(m and m.safety_number))
        self.promote_button.setVisible(admin and other and m is not None and m.role != "admin")
        self.remove_button.setVisible(admin and other)

    def refresh_buttons(self) -> None:
        self._show_member(self.current())

    def _compare(self) -> None:
        m = self.current()
        if m is not None:
            SafetyNumberDialog(m, self).open()

    def _promote(self) -> None:
        m = self.current()
        if m is None:
            return
        answer = QMessageBox.question(self, "Make admin",
                                      f"Make {m.name} an admin? Admins can invite, admit, "
                                      "remove and promote members.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        gid, svc, fp = self._group.id, self._ctx.services, m.fingerprint
        self.call(lambda: svc.groups.promote(gid, fp), lambda _r: self.refresh(), slow=True,
                  busy_text=f"Making {m.name} an admin…")

    def confirm_removal(self, m: MemberView) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, "Remove member",
                          removal_warning(m, self._group), parent=self)
        remove = box.addButton("Remove", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is remove

    def _remove(self) -> None:
        m = self.current()
        if m is None:
            return
        if not self.confirm_removal(m):
            return
        gid, svc, fp = self._group.id, self._ctx.services, m.fingerprint
        self.call(lambda: svc.groups.remove_member(gid, fp), lambda _r: self.refresh(), slow=True,
                  busy_text=f"Removing {m.name} and switching to new keys…")
