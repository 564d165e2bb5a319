"""Members of a group: roles and safety numbers (digits and QR) for everyone; promote,
change a role and remove for admins, with a confirmation that says what each does."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import AppError
from app.governance import outranks
from app.names import isolate
from app.views import GroupSummary, MemberView
from ui.context import AppContext
from ui.dialogs.base import ServiceDialog
from ui.dialogs.moderate import TimeoutDialog
from ui.models.keyed_list import ITEM_ROLE
from ui.models.member_model import MemberListModel
from ui.qr import qr_pixmap
from ui.roles import MANAGE_MEMBERS, MANAGE_ROLES, MODERATE, may, role_help, role_title
from ui.widgets.confirm import confirm


def removal_warning(member: MemberView, group: GroupSummary) -> str:
    who = isolate(member.name)
    return QCoreApplication.translate(
        "MembersDialog", "Remove {who} from “{group}”?\n\n{who} will not be able to read "
        "anything posted from now on, and cannot post. Everyone's Coterie switches to new keys "
        "and a new mailbox on the relay. What {who} already received stays on their device. "
        "To come back they need a new invite.").format(who=who, group=isolate(group.name))


Checker = Callable[[str, Callable[[bool], None]], None]  # pasted text, answer callback


class SafetyNumberDialog(QDialog):
    """Compare in person: both of you should see the same digits and can scan the QR.

    With a `check`, the other person's code can be pasted here (the link their QR holds,
    or their 60 digits) and the dialog says whether it matches; a match marks them
    verified."""

    def __init__(self, member: MemberView, parent: QWidget | None = None,
                 check: Checker | None = None) -> None:
        super().__init__(parent)
        self._check = check
        self.setWindowTitle(QCoreApplication.translate("SafetyNumberDialog", 'Safety number with {name}').format(name=member.name))
        self.setAccessibleName(self.windowTitle())
        who = isolate(member.name)
        intro = QLabel(QCoreApplication.translate("SafetyNumberDialog", 'Compare these numbers with {who}, in person or on a call. If they match on both devices, nobody is in the middle.').format(who=who))
        intro.setWordWrap(True)
        number = QLabel(format_safety_number(member.safety_number))
        number.setObjectName("safetyNumber")
        number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        number.setAccessibleName(QCoreApplication.translate("SafetyNumberDialog", "Safety number"))
        qr = QLabel()
        qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        qr.setAccessibleName(QCoreApplication.translate("SafetyNumberDialog", "Safety number QR code"))
        if member.safety_qr:
            qr.setPixmap(qr_pixmap(member.safety_qr, scale=5))
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText(QCoreApplication.translate("SafetyNumberDialog", "Paste their code: the coterie://verify link or 60 digits"))
        self.code_edit.setAccessibleName(QCoreApplication.translate("SafetyNumberDialog", 'Safety code from {name}').format(name=member.name))
        self.check_button = QPushButton(QCoreApplication.translate("SafetyNumberDialog", "Check"))
        self.check_button.setAccessibleName(QCoreApplication.translate("SafetyNumberDialog", "Check the pasted safety code"))
        self.check_button.setEnabled(False)
        self.code_edit.textChanged.connect(
            lambda t: self.check_button.setEnabled(bool(t.strip()) and check is not None))
        self.code_edit.returnPressed.connect(self._run_check)
        self.check_button.clicked.connect(self._run_check)
        self.result_label = QLabel(QCoreApplication.translate("SafetyNumberDialog", "✓ Verified on this device") if member.verified else "")
        self.result_label.setObjectName("verifiedLabel" if member.verified else "hint")
        self.result_label.setWordWrap(True)
        self.result_label.setAccessibleName(QCoreApplication.translate("SafetyNumberDialog", "Comparison result"))
        paste = QHBoxLayout()
        paste.addWidget(self.code_edit, 1)
        paste.addWidget(self.check_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(intro)
        layout.addWidget(number)
        layout.addWidget(qr)
        if check is not None:
            layout.addLayout(paste)
            layout.addWidget(self.result_label)
        layout.addWidget(buttons)
        self._name = member.name

    def _run_check(self) -> None:
        text = self.code_edit.text().strip()
        if not text or self._check is None:
            return
        self.check_button.setEnabled(False)
        self._check(text, self._answer)

    def _answer(self, ok: bool) -> None:
        self.check_button.setEnabled(bool(self.code_edit.text().strip()))
        if ok:
            self.result_label.setText(QCoreApplication.translate("SafetyNumberDialog", '✓ Matches. {isolate} is marked verified on this device.').format(isolate=isolate(self._name)))
            self.result_label.setObjectName("verifiedLabel")
        else:
            self.result_label.setText(QCoreApplication.translate("SafetyNumberDialog", "✗ Does NOT match. Do not trust this member's key until "
                                      "you find out why: ask them in person."))
            self.result_label.setObjectName("errorLabel")
        self.result_label.style().unpolish(self.result_label)
        self.result_label.style().polish(self.result_label)
        self.adjustSize()  # the answer may take more lines than the empty label did


def format_safety_number(digits: str) -> str:
    """Groups of five, three groups a line, as they are read aloud."""
    groups = digits.split() if " " in digits.strip() else \
        [digits[i:i + 5] for i in range(0, len(digits), 5)]
    lines = [" ".join(groups[i:i + 3]) for i in range(0, len(groups), 3)]
    return "\n".join(lines)


class MembersDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, group: GroupSummary, parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("MembersDialog", 'Members of {name}').format(name=group.name), parent)
        self._ctx = ctx
        self._group = group
        self.setMinimumSize(640, 420)
        self.model = MemberListModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setAccessibleName(QCoreApplication.translate("MembersDialog", "Members"))
        self.list.setMinimumWidth(230)
        self.list.selectionModel().currentChanged.connect(self._selected)
        self.name_label = QLabel()
        self.name_label.setObjectName("conversationTitle")
        self.role_label = QLabel()
        self.role_label.setObjectName("hint")
        self.fp_label = QLabel()
        self.fp_label.setWordWrap(True)
        self.fp_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fp_label.setAccessibleName(QCoreApplication.translate("MembersDialog", "Fingerprint"))
        self.number_label = QLabel()
        self.number_label.setObjectName("safetyNumber")
        self.number_label.setAccessibleName(QCoreApplication.translate("MembersDialog", "Safety number"))
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.compare_button = QPushButton(QCoreApplication.translate("MembersDialog", "Compare in person (QR)…"))
        self.compare_button.setAccessibleName(QCoreApplication.translate("MembersDialog", "Show the safety number and its QR code"))
        self.compare_button.clicked.connect(self._compare)
        self.promote_button = QPushButton(QCoreApplication.translate("MembersDialog", "Make admin"))
        self.promote_button.setAccessibleName(QCoreApplication.translate("MembersDialog", "Make the selected member an admin"))
        self.promote_button.clicked.connect(self._promote)
        self.remove_button = QPushButton(QCoreApplication.translate("MembersDialog", "Remove from group…"))
        self.remove_button.setProperty("danger", True)
        self.remove_button.setAccessibleName(QCoreApplication.translate("MembersDialog", "Remove the selected member"))
        self.remove_button.clicked.connect(self._remove)
        self.role_box = QComboBox()
        self.role_box.setAccessibleName(
            QCoreApplication.translate("MembersDialog", "New role for the selected member"))
        self.role_button = QPushButton(QCoreApplication.translate("MembersDialog", "Change role…"))
        self.role_button.setAccessibleName(
            QCoreApplication.translate("MembersDialog", "Give the selected member the chosen role"))
        self.role_button.clicked.connect(self._change_role)
        self.role_box.currentIndexChanged.connect(self._role_chosen)
        self.timeout_button = QPushButton(QCoreApplication.translate("MembersDialog", "Time out…"))
        self.timeout_button.setAccessibleName(QCoreApplication.translate(
            "MembersDialog", "Time out the selected member, or lift their timeout"))
        self.timeout_button.clicked.connect(self.time_out)
        self._busy_buttons = [self.promote_button, self.remove_button, self.role_button,
                              self.timeout_button]
        detail = QVBoxLayout()
        detail.addWidget(self.name_label)
        detail.addWidget(self.role_label)
        detail.addSpacing(8)
        detail.addWidget(QLabel(QCoreApplication.translate("MembersDialog", "Fingerprint")))
        detail.addWidget(self.fp_label)
        detail.addSpacing(8)
        self.number_caption = QLabel(QCoreApplication.translate("MembersDialog", "Safety number"))
        detail.addWidget(self.number_caption)
        detail.addWidget(self.number_label)
        detail.addWidget(self.compare_button, 0, Qt.AlignmentFlag.AlignLeft)
        detail.addStretch(1)
        role_row = QHBoxLayout()
        self.role_caption = QLabel(QCoreApplication.translate("MembersDialog", "Role"))
        role_row.addWidget(self.role_caption)
        role_row.addWidget(self.role_box)
        role_row.addWidget(self.role_button)
        role_row.addStretch(1)
        detail.addLayout(role_row)
        admin_row = QHBoxLayout()
        admin_row.addWidget(self.promote_button)
        admin_row.addWidget(self.remove_button)
        admin_row.addStretch(1)
        detail.addLayout(admin_row)
        moderate_row = QHBoxLayout()     # moderators have this row only
        moderate_row.addWidget(self.timeout_button)
        moderate_row.addStretch(1)
        detail.addLayout(moderate_row)
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
        svc = self._ctx.services

        def load() -> tuple[list[MemberView], dict[str, int]]:
            members = svc.groups.members(gid)
            try:
                badges = svc.member_profiles.badges_of_all(gid)
            except AppError:   # the marks are a nicety; the list must show regardless
                badges = {}
            # founding members are most of a young group: their badge is on the card only
            return members, {
                fp: sum(1 for x in b if x.code != "founding") for fp, b in badges.items()}

        self._ctx.worker.run(load, self._loaded, lambda e: self.show_error(str(e)), owner=self)

    def _loaded(self, loaded: tuple[list[MemberView], dict[str, int]]) -> None:
        members, badges = loaded
        self.model.set_badges(badges)
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
        removes = may(self._group, MANAGE_MEMBERS)
        gives_roles = may(self._group, MANAGE_ROLES)
        self.name_label.setText((QCoreApplication.translate("MembersDialog", "{name} (you)") if m.is_me else "{name}")
                                .format(name=isolate(m.name)) if m else "")
        role = QCoreApplication.translate("MembersDialog", "{title} — {what}").format(
            title=role_title(m.role), what=role_help(m.role)) if m else ""
        self.role_label.setText(QCoreApplication.translate("MembersDialog", '{role} · ✓ verified').format(role=role) if m and m.verified else role)
        self.fp_label.setText(m.fingerprint if m else "")
        other = m is not None and not m.is_me
        self.number_label.setText(format_safety_number(m.safety_number) if other and m else
                                  QCoreApplication.translate("MembersDialog", "This is you.") if m else "")
        self.number_caption.setVisible(other)
        self.compare_button.setVisible(other and bool(m and m.safety_number))
        self.promote_button.setVisible(gives_roles and other and m is not None
                                       and m.role not in ("admin", "owner"))
        self.remove_button.setVisible(removes and other and m is not None and m.role != "owner")
        self.timeout_button.setVisible(may(self._group, MODERATE) and other and m is not None
                                       and outranks(self._group.my_role, m.role))
        self._fill_roles(m if gives_roles and other and m is not None and m.role != "owner"
                         else None)

    def time_out(self) -> TimeoutDialog | None:
        """Moderators time the selected member out (or lift it); returns the dialog."""
        m = self.current()
        if m is None or m.is_me:
            return None
        dialog = TimeoutDialog(self._ctx, self._group.id, isolate(m.name), m.fingerprint, self)
        dialog.open()
        return dialog

    def _fill_roles(self, m: MemberView | None) -> None:
        """The roles an admin can give `m` (owner only when I am the owner); hidden for
        members, for myself and for the owner, whose role changes only by a hand-over."""
        self.role_box.blockSignals(True)
        self.role_box.clear()
        if m is not None:
            mine = next((x.role for x in self.model.items() if x.is_me), "member")
            roles = ["admin", "moderator", "member", "observer"]
            if mine == "owner":
                roles.insert(0, "owner")
            for role in roles:
                label = (QCoreApplication.translate("MembersDialog", "Hand ownership over")
                         if role == "owner" else role_title(role))
                self.role_box.addItem(label, role)
            self.role_box.setCurrentIndex(max(0, self.role_box.findData(m.role)))
        self.role_box.blockSignals(False)
        self.role_box.setVisible(m is not None)
        self.role_caption.setVisible(m is not None)
        self.role_button.setVisible(m is not None)
        self._role_chosen()

    def _role_chosen(self, _index: int = 0) -> None:
        m = self.current()
        self.role_button.setEnabled(m is not None and self.role_box.currentData() not in
                                    (None, m.role))

    def refresh_buttons(self) -> None:
        self._show_member(self.current())

    def _compare(self) -> None:
        m = self.current()
        if m is not None:
            SafetyNumberDialog(m, self, self._checker(m)).open()

    def _checker(self, m: MemberView) -> Checker:
        gid, svc, fp = self._group.id, self._ctx.services, m.fingerprint

        def check(text: str, answer: Callable[[bool], None]) -> None:
            self._ctx.worker.run(lambda: svc.verification.check(gid, fp, text), answer,
                                 lambda e: self.show_error(str(e)), owner=self)

        return check

    def _promote(self) -> None:
        m = self.current()
        if m is None:
            return
        gid, svc, fp = self._group.id, self._ctx.services, m.fingerprint

        def promote() -> None:
            self.call(lambda: svc.groups.promote(gid, fp), lambda _r: self.refresh(), slow=True,
                      busy_text=QCoreApplication.translate("MembersDialog", 'Making {isolate} an admin…').format(isolate=isolate(m.name)))

        confirm(self, QCoreApplication.translate("MembersDialog", "Make admin"), QCoreApplication.translate("MembersDialog", 'Make {isolate} an admin? Admins can invite, admit, remove and promote members.').format(isolate=isolate(m.name)), QCoreApplication.translate("MembersDialog", "Make admin"), promote)

    def _change_role(self) -> None:
        m = self.current()
        role = self.role_box.currentData()
        if m is None or role is None or role == m.role:
            return
        gid, svc, fp = self._group.id, self._ctx.services, m.fingerprint
        who = isolate(m.name)
        if role == "owner":
            question = QCoreApplication.translate("MembersDialog", "Hand ownership of “{group}” to {who}? You stay an "
                          "admin; only the new owner can hand it on again.").format(
                group=isolate(self._group.name), who=who)
            action = QCoreApplication.translate("MembersDialog", "Hand over")
        else:
            question = QCoreApplication.translate("MembersDialog", "Make {who} {role}? {role_title}: {what}. Every "
                          "member's Coterie applies the change.").format(
                who=who, role=role_title(role).lower(), role_title=role_title(role),
                what=role_help(role))
            action = QCoreApplication.translate("MembersDialog", "Make {role}").format(role=role_title(role).lower())

        def change() -> None:
            self.call(lambda: svc.governance.set_role(gid, fp, role),
                      lambda _r: self.refresh(), slow=True,
                      busy_text=QCoreApplication.translate("MembersDialog", "Changing the role of {who}…").format(who=who))

        confirm(self, QCoreApplication.translate("MembersDialog", "Change role"), question, action, change)

    def confirm_removal(self, m: MemberView) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, QCoreApplication.translate("MembersDialog", "Remove member"),
                          removal_warning(m, self._group), parent=self)
        remove = box.addButton(QCoreApplication.translate("MembersDialog", "Remove"), QMessageBox.ButtonRole.DestructiveRole)
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
                  busy_text=QCoreApplication.translate("MembersDialog", 'Removing {isolate} and switching to new keys…').format(isolate=isolate(m.name)))
