"""First run: name the profile, choose how it is protected, save the recovery code.

Three pages in one dialog. Creating the profile runs Argon2id (passphrase) or talks to the
OS keyring, so it runs on the worker's slow lane while the dialog says what it is doing.
The recovery code is shown once; the dialog cannot be finished until the user confirms
they saved it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui.dialogs.backup import RestoreDialog
from ui.dialogs.base import PageStack, ServiceDialog, copy_to_clipboard
from ui.dialogs.device_join import JoinDeviceDialog
from ui.widgets.passphrase_fields import PassphraseFields
from ui.worker import Worker

if TYPE_CHECKING:
    from app.api import Services


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("conversationTitle")
    return label


def _para(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class FirstRunDialog(ServiceDialog):
    def __init__(self, services: Services, worker: Worker, keyring: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(worker, QCoreApplication.translate("FirstRunDialog", "Welcome to Coterie"), parent)
        self._services = services
        self._keyring = keyring
        self.recovery_code = ""
        self.setMinimumWidth(580)
        self.pages = PageStack()
        self.pages.addWidget(self._name_page())
        self.pages.addWidget(self._protect_page())
        self.pages.addWidget(self._recovery_page())
        self.back_button = QPushButton(QCoreApplication.translate("FirstRunDialog", "Back"))
        self.back_button.setAccessibleName(QCoreApplication.translate("FirstRunDialog", "Back"))
        self.next_button = QPushButton(QCoreApplication.translate("FirstRunDialog", "Next"))
        self.next_button.setProperty("primary", True)
        self.next_button.setDefault(True)
        self.next_button.setAccessibleName(QCoreApplication.translate("FirstRunDialog", "Next"))
        self.back_button.clicked.connect(self._back)
        self.next_button.clicked.connect(self._next)
        self._busy_buttons = [self.back_button, self.next_button]
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.addWidget(self.pages)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self.name_edit.textChanged.connect(self.refresh_buttons)
        self.passphrase.changed.connect(self.refresh_buttons)
        self.saved_box.toggled.connect(self.refresh_buttons)
        self.refresh_buttons()

    # -- pages -------------------------------------------------------------------------------
    def _name_page(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        v.addWidget(_title(QCoreApplication.translate("FirstRunDialog", "Welcome to Coterie")))
        v.addWidget(_para(QCoreApplication.translate("FirstRunDialog", "Coterie keeps your groups private: everything is encrypted on this "
                          "computer before it leaves. First, what should your groups call you?")))
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(QCoreApplication.translate("FirstRunDialog", "Your name"))
        self.name_edit.setAccessibleName(QCoreApplication.translate("FirstRunDialog", "Your name"))
        self.name_edit.setMaxLength(64)
        v.addWidget(self.name_edit)
        v.addStretch(1)
        restore = QHBoxLayout()
        restore.addWidget(_para(QCoreApplication.translate("FirstRunDialog", "Moving from another computer, or starting over after a "
                                "lost one?")))
        self.restore_button = QPushButton(QCoreApplication.translate("FirstRunDialog", "Restore from a backup…"))
        self.restore_button.setAccessibleName(QCoreApplication.translate("FirstRunDialog", "Restore from a backup"))
        self.restore_button.clicked.connect(self._restore)
        restore.addWidget(self.restore_button)
        v.addLayout(restore)
        linked = QHBoxLayout()
        linked.addWidget(_para(QCoreApplication.translate("FirstRunDialog", "Already using "
                               "Coterie on another desktop?")))
        self.link_button = QPushButton(QCoreApplication.translate(
            "FirstRunDialog", "Link to a desktop I already use…"))
        self.link_button.setAccessibleName(QCoreApplication.translate(
            "FirstRunDialog", "Link to a desktop I already use"))
        self.link_button.clicked.connect(self._link)
        linked.addWidget(self.link_button)
        v.addLayout(linked)
        return page

    def _link(self) -> None:
        """This installation becomes a desktop of a member instead: once linked, the
        recovery code of its own profile is shown as after creating one."""
        dialog = JoinDeviceDialog(self._services, self._worker, self._keyring, self)
        dialog.accepted.connect(lambda: self._linked(dialog))
        dialog.open()

    def _linked(self, dialog: JoinDeviceDialog) -> None:
        if dialog.joined is not None:
            self._created(dialog.joined.recovery_code)

    def _restore(self) -> None:
        """The profile comes from a backup file instead: done once that dialog succeeds."""
        dialog = RestoreDialog(self._services, self._worker, self._keyring, self)
        dialog.accepted.connect(self.accept)
        dialog.open()

    def _protect_page(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        v.addWidget(_title(QCoreApplication.translate("FirstRunDialog", "Protect your profile")))
        self.keyring_radio = QRadioButton(QCoreApplication.translate("FirstRunDialog", "Keep the key in this computer's keyring "
                                          "(recommended)"))
        self.keyring_radio.setToolTip(QCoreApplication.translate("FirstRunDialog", "Coterie then opens without typing anything; the "
                                      "keyring is unlocked when you log in."))
        self.keyring_radio.setAccessibleName(QCoreApplication.translate("FirstRunDialog", "Use the system keyring"))
        self.pass_radio = QRadioButton(QCoreApplication.translate("FirstRunDialog", "Protect it with a passphrase I type each time"))
        self.pass_radio.setAccessibleName(QCoreApplication.translate("FirstRunDialog", "Use a passphrase"))
        group = QButtonGroup(page)
        group.addButton(self.keyring_radio)
        group.addButton(self.pass_radio)
        if self._keyring:
            v.addWidget(_para(QCoreApplication.translate("FirstRunDialog", "Your posts are stored encrypted. Choose where the key lives.")))
            v.addWidget(self.keyring_radio)
            v.addWidget(self.pass_radio)
            self.keyring_radio.setChecked(True)
        else:
            v.addWidget(_para(QCoreApplication.translate("FirstRunDialog", "Your posts are stored encrypted. This computer has no secure "
                              "keyring, so choose a passphrase to protect the key.")))
            self.pass_radio.setChecked(True)
            self.keyring_radio.hide()
            self.pass_radio.hide()
        self.passphrase = PassphraseFields()
        v.addWidget(self.passphrase)
        v.addStretch(1)
        self.keyring_radio.toggled.connect(self._protection_changed)
        self._protection_changed()
        return page

    def _recovery_page(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        v.addWidget(_title(QCoreApplication.translate("FirstRunDialog", "Save your recovery code")))
        v.addWidget(_para(QCoreApplication.translate("FirstRunDialog", "If you forget your passphrase or the keyring is lost, this code is "
                          "the only way to open your profile. Write it down or keep it in a "
                          "password manager. Coterie shows it only this once.")))
        self.code_label = QLabel()
        self.code_label.setObjectName("recoveryCode")
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                                | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.code_label.setAccessibleName(QCoreApplication.translate("FirstRunDialog", "Recovery code"))
        self.code_label.setWordWrap(True)
        v.addWidget(self.code_label)
        self.copy_button = QPushButton(QCoreApplication.translate("FirstRunDialog", "Copy code"))
        self.copy_button.setAccessibleName(QCoreApplication.translate("FirstRunDialog", "Copy the recovery code"))
        self.copy_button.clicked.connect(
            lambda: copy_to_clipboard(self.copy_button, self.recovery_code))
        v.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.saved_box = QCheckBox(QCoreApplication.translate("FirstRunDialog", "I have saved my recovery code somewhere safe"))
        self.saved_box.setAccessibleName(QCoreApplication.translate("FirstRunDialog", "I have saved my recovery code"))
        v.addWidget(self.saved_box)
        v.addStretch(1)
        return page

    # -- navigation --------------------------------------------------------------------------
    def _protection_changed(self) -> None:
        self.passphrase.setVisible(self.pass_radio.isChecked())
        self.refresh_buttons()

    def refresh_buttons(self) -> None:
        page = self.pages.currentIndex() if hasattr(self, "pages") else 0
        if not hasattr(self, "next_button"):
            return
        self.back_button.setVisible(page == 1)
        if page == 0:
            self.next_button.setText(QCoreApplication.translate("FirstRunDialog", "Next"))
            ok = bool(self.name_edit.text().strip())
        elif page == 1:
            self.next_button.setText(QCoreApplication.translate("FirstRunDialog", "Create profile"))
            ok = self.keyring_radio.isChecked() or self.passphrase.value() is not None
        else:
            self.next_button.setText(QCoreApplication.translate("FirstRunDialog", "Start using Coterie"))
            ok = self.saved_box.isChecked()
        self.next_button.setEnabled(ok and not self.busy)

    def _back(self) -> None:
        if self.pages.currentIndex() == 1:
            self.pages.setCurrentIndex(0)
            self.show_error("")
            self.refresh_buttons()

    def _next(self) -> None:
        page = self.pages.currentIndex()
        if page == 0:
            self.pages.setCurrentIndex(1)
            (self.passphrase.first if self.pass_radio.isChecked() else self.next_button).setFocus()
        elif page == 1:
            name = self.name_edit.text().strip()
            secret = None if self.keyring_radio.isChecked() else self.passphrase.value()
            svc = self._services
            self.call(lambda: svc.profile.create(name, secret), self._created, slow=True,
                      busy_text=QCoreApplication.translate("FirstRunDialog", "Creating your profile…"))
        else:
            self.recovery_code = ""
            self.code_label.clear()
            self.accept()
        self.refresh_buttons()

    def _created(self, code: str) -> None:
        self.recovery_code = code
        self.code_label.setText(code)
        self.passphrase.first.clear()
        self.passphrase.confirm.clear()
        self.pages.setCurrentIndex(2)
        self.saved_box.setFocus()
        self.refresh_buttons()

    def reject(self) -> None:
        # Closing on the recovery page would lose the only copy of the code; the profile
        # exists already, so only a confirmed save may end the dialog there.
        if self.pages.currentIndex() == 2 and not self.saved_box.isChecked():
            self.show_error(QCoreApplication.translate("FirstRunDialog", "Please save the recovery code and tick the box first."))
            return
        super().reject()
