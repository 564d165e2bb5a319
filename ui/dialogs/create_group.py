"""Create a group: its name and the relay it lives on (the default relay is offered)."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.views import GroupSummary, Settings
from ui.context import AppContext
from ui.dialogs.base import ServiceDialog


class CreateGroupDialog(ServiceDialog):
    created = Signal(object)  # GroupSummary

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("CreateGroupDialog", "New group"), parent)
        self._ctx = ctx
        self.setMinimumWidth(440)
        intro = QLabel(QCoreApplication.translate("CreateGroupDialog", "Only people you invite can read a group. You become its first admin."))
        intro.setWordWrap(True)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(QCoreApplication.translate("CreateGroupDialog", "e.g. Book club"))
        self.name_edit.setAccessibleName(QCoreApplication.translate("CreateGroupDialog", "Group name"))
        self.name_edit.setMaxLength(80)
        self.relay_edit = QLineEdit(ctx.default_relay)
        self.relay_edit.setPlaceholderText(QCoreApplication.translate("CreateGroupDialog", "https://relay.example.org"))
        self.relay_edit.setAccessibleName(QCoreApplication.translate("CreateGroupDialog", "Relay address"))
        self.relay_edit.setToolTip(QCoreApplication.translate("CreateGroupDialog", "The relay only ever stores encrypted posts; anyone can run one."))
        form = QFormLayout()
        form.addRow(QCoreApplication.translate("CreateGroupDialog", "Name"), self.name_edit)
        form.addRow(QCoreApplication.translate("CreateGroupDialog", "Relay"), self.relay_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton(QCoreApplication.translate("CreateGroupDialog", "Create group"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setProperty("primary", True)
        self.create_button.setDefault(True)
        self.create_button.setAccessibleName(QCoreApplication.translate("CreateGroupDialog", "Create group"))
        self.buttons.accepted.connect(self._create)
        self.buttons.rejected.connect(self.reject)
        self._busy_buttons = [self.create_button]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.name_edit.textChanged.connect(self.refresh_buttons)
        self.relay_edit.textChanged.connect(self.refresh_buttons)
        self.refresh_buttons()
        ctx.worker.run(ctx.services.settings.get, self._settings, lambda e: None, owner=self)

    def _settings(self, settings: Settings) -> None:
        # the saved default wins over the one offered at start (a local relay by make run)
        if settings.default_relay and not self.relay_edit.isModified():
            self.relay_edit.setText(settings.default_relay)

    def refresh_buttons(self) -> None:
        self.create_button.setEnabled(bool(self.name_edit.text().strip())
                                      and bool(self.relay_edit.text().strip()) and not self.busy)

    def _create(self) -> None:
        name = self.name_edit.text().strip()
        relay = self.relay_edit.text().strip()
        svc = self._ctx.services
        self.call(lambda: svc.groups.create(name, relay), self._done, slow=True,
                  busy_text=QCoreApplication.translate("CreateGroupDialog", "Creating the group on the relay…"))

    def _done(self, group: GroupSummary) -> None:
        self.created.emit(group)
        self.accept()
