"""Unlock a profile: with the passphrase, or with the recovery code (which then sets a new
passphrase, or puts the key back into the keyring). The keyring path needs no dialog: the
launcher tries it silently first and opens this only when that fails."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.views import UnlockInfo
from ui.dialogs.base import PageStack, ServiceDialog
from ui.dialogs.reveal import add_reveal_toggle
from ui.widgets.passphrase_fields import PassphraseFields
from ui.worker import Worker

if TYPE_CHECKING:
    from app.api import Services


class UnlockDialog(ServiceDialog):
    def __init__(self, services: Services, worker: Worker, info: UnlockInfo,
                 keyring_available: bool, reason: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(worker, QCoreApplication.translate("UnlockDialog", "Unlock Coterie"), parent)
        self._services = services
        self._info = info
        self.setMinimumWidth(460)
        self.pages = PageStack()
        self.pages.addWidget(self._passphrase_page(reason))
        self.pages.addWidget(self._recovery_page(keyring_available, reason))
        self.switch_button = QPushButton(QCoreApplication.translate("UnlockDialog", "Use my recovery code instead"))
        self.switch_button.setFlat(True)
        self.switch_button.setAccessibleName(QCoreApplication.translate("UnlockDialog", "Switch between passphrase and recovery code"))
        self.switch_button.clicked.connect(self._switch)
        self.unlock_button = QPushButton(QCoreApplication.translate("UnlockDialog", "Unlock"))
        self.unlock_button.setProperty("primary", True)
        self.unlock_button.setDefault(True)
        self.unlock_button.setAccessibleName(QCoreApplication.translate("UnlockDialog", "Unlock"))
        self.unlock_button.clicked.connect(self._unlock)
        self._busy_buttons = [self.unlock_button, self.switch_button]
        row = QHBoxLayout()
        row.addWidget(self.switch_button)
        row.addStretch(1)
        row.addWidget(self.unlock_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.addWidget(self.pages)
        layout.addWidget(self.error_label)
        layout.addLayout(row)
        if not info.passphrase:
            self.pages.setCurrentIndex(1)
            self.switch_button.hide()
        for w in (self.passphrase_edit, self.code_edit):
            w.textChanged.connect(self.refresh_buttons)
        self.new_pass.changed.connect(self.refresh_buttons)
        self.refresh_buttons()

    def _passphrase_page(self, reason: str) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        title = QLabel(QCoreApplication.translate("UnlockDialog", "Welcome back"))
        title.setObjectName("conversationTitle")
        v.addWidget(title)
        text = QLabel(reason or QCoreApplication.translate("UnlockDialog", "Type your passphrase to open your groups."))
        text.setWordWrap(True)
        v.addWidget(text)
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setPlaceholderText(QCoreApplication.translate("UnlockDialog", "Passphrase"))
        self.passphrase_edit.setAccessibleName(QCoreApplication.translate("UnlockDialog", "Passphrase"))
        self.reveal = add_reveal_toggle(self.passphrase_edit)
        v.addWidget(self.passphrase_edit)
        v.addStretch(1)
        return page

    def _recovery_page(self, keyring_available: bool, reason: str) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        title = QLabel(QCoreApplication.translate("UnlockDialog", "Open with your recovery code"))
        title.setObjectName("conversationTitle")
        v.addWidget(title)
        if reason:
            # A keyring-only profile opens on this page: say first why the keyring did not
            # open it, since unlocking the keyring and starting again keeps its protection.
            why = QLabel(reason)
            why.setWordWrap(True)
            v.addWidget(why)
        text = QLabel(QCoreApplication.translate("UnlockDialog", "Type the recovery code you saved when you created this profile, then "
                      "choose a new passphrase."))
        text.setWordWrap(True)
        v.addWidget(text)
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText(QCoreApplication.translate("UnlockDialog", "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX"))
        self.code_edit.setAccessibleName(QCoreApplication.translate("UnlockDialog", "Recovery code"))
        v.addWidget(self.code_edit)
        self.use_keyring = QCheckBox(QCoreApplication.translate("UnlockDialog", "Keep the key in this computer's keyring instead"))
        self.use_keyring.setAccessibleName(QCoreApplication.translate("UnlockDialog", "Use the system keyring instead of a passphrase"))
        self.use_keyring.setVisible(keyring_available)
        self.use_keyring.toggled.connect(lambda on: (self.new_pass.setVisible(not on),
                                                     self.refresh_buttons()))
        v.addWidget(self.use_keyring)
        self.new_pass = PassphraseFields(QCoreApplication.translate("UnlockDialog", "New passphrase"))
        v.addWidget(self.new_pass)
        v.addStretch(1)
        return page

    def _switch(self) -> None:
        to_recovery = self.pages.currentIndex() == 0
        self.pages.setCurrentIndex(1 if to_recovery else 0)
        self.switch_button.setText(QCoreApplication.translate("UnlockDialog", "Use my passphrase instead") if to_recovery
                                   else QCoreApplication.translate("UnlockDialog", "Use my recovery code instead"))
        (self.code_edit if to_recovery else self.passphrase_edit).setFocus()
        self.show_error("")
        self.refresh_buttons()

    def refresh_buttons(self) -> None:
        if not hasattr(self, "unlock_button"):
            return
        if self.pages.currentIndex() == 0:
            ok = bool(self.passphrase_edit.text())
        else:
            ok = bool(self.code_edit.text().strip()) and (
                self.use_keyring.isChecked() or self.new_pass.value() is not None)
        self.unlock_button.setEnabled(ok and not self.busy)

    def _unlock(self) -> None:
        svc = self._services
        if self.pages.currentIndex() == 0:
            secret = self.passphrase_edit.text()
            self.call(lambda: svc.profile.unlock(secret), self._opened, slow=True,
                      busy_text=QCoreApplication.translate("UnlockDialog", "Unlocking…"),
                      on_error=lambda _e: self.passphrase_edit.selectAll())
        else:
            code = self.code_edit.text().strip()
            new = None if self.use_keyring.isChecked() else self.new_pass.value()
            self.call(lambda: svc.profile.unlock_with_recovery(code, new), self._opened, slow=True,
                      busy_text=QCoreApplication.translate("UnlockDialog", "Unlocking…"))

    def _opened(self, _result: object) -> None:
        self.passphrase_edit.clear()
        self.code_edit.clear()
        self.accept()
