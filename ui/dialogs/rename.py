"""Rename a group (admins): the current name is offered selected, a blank name is refused
with a sentence, and the relay's or the store's refusal is shown in the dialog."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.views import GroupSummary
from ui.context import AppContext
from ui.dialogs.base import ServiceDialog

MAX_GROUP_NAME = 80  # as in the new-group dialog
MSG_BLANK = QT_TRANSLATE_NOOP("RenameGroupDialog",
                              "A group needs a name; type one, or press Cancel to keep the old one.")


class RenameGroupDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, group: GroupSummary,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("RenameGroupDialog", "Rename group"), parent)
        self._ctx = ctx
        self._group = group
        self.setMinimumWidth(420)
        intro = QLabel(QCoreApplication.translate("RenameGroupDialog", "The new name is shown to every member of the group."))
        intro.setWordWrap(True)
        self.name_edit = QLineEdit(group.name)
        self.name_edit.setAccessibleName(QCoreApplication.translate("RenameGroupDialog", "Group name"))
        self.name_edit.setMaxLength(MAX_GROUP_NAME)
        self.name_edit.selectAll()
        self.name_edit.textEdited.connect(lambda _t: self._mark_blank(False))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.rename_button = self.buttons.addButton(QCoreApplication.translate("RenameGroupDialog", "Rename"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.rename_button.setProperty("primary", True)
        self.rename_button.setDefault(True)
        self.rename_button.setAccessibleName(QCoreApplication.translate("RenameGroupDialog", "Rename the group"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._busy_buttons = [self.rename_button]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(intro)
        layout.addWidget(self.name_edit)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    # QInputDialog's names, so callers can treat it as the input dialog it replaces
    def textValue(self) -> str:  # noqa: N802
        return self.name_edit.text()

    def setTextValue(self, text: str) -> None:  # noqa: N802
        self.name_edit.setText(text)

    def accept(self) -> None:
        """Rename, or say why not; the dialog closes once the rename is stored."""
        if self.busy:
            return
        name = self.name_edit.text().strip()
        if not name:
            self._mark_blank(True)
            self.show_error(QCoreApplication.translate("RenameGroupDialog", MSG_BLANK))
            self.name_edit.setFocus()
            return
        if name == self._group.name:
            QDialog.accept(self)
            return
        gid, svc = self._group.id, self._ctx.services
        self.call(lambda: svc.groups.rename(gid, name), lambda _r: QDialog.accept(self),
                  slow=True, busy_text=QCoreApplication.translate("RenameGroupDialog", "Renaming…"))

    def _mark_blank(self, blank: bool) -> None:
        if self.name_edit.property("invalid") != blank:
            self.name_edit.setProperty("invalid", blank)
            self._repolish(self.name_edit)
        if not blank and self.error_label.text() == QCoreApplication.translate("RenameGroupDialog", MSG_BLANK):
            self.show_error("")
