"""Settings: display name, default relay, theme, the file cache and automatic download
limits, and how the profile is protected
(change the passphrase, move the key to or from the keyring, new recovery code)."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.views import ProfileView, Settings
from ui.context import AppContext
from ui.dialogs.base import ServiceDialog
from ui.widgets.passphrase_fields import PassphraseFields

THEMES = ((QT_TRANSLATE_NOOP("SettingsDialog", "Same as the system"), "system"),
          (QT_TRANSLATE_NOOP("SettingsDialog", "Light"), "light"), (QT_TRANSLATE_NOOP("SettingsDialog", "Dark"), "dark"))


class SettingsDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("SettingsDialog", "Settings"), parent)
        self._ctx = ctx
        self._keyring = False
        self.profile: ProfileView | None = None
        self.setMinimumWidth(520)
        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName(QCoreApplication.translate("SettingsDialog", "Display name"))
        self.name_edit.setMaxLength(64)
        self.relay_edit = QLineEdit()
        self.relay_edit.setAccessibleName(QCoreApplication.translate("SettingsDialog", "Default relay for new groups"))
        self.relay_edit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", "https://relay.example.org"))
        self.theme_combo = QComboBox()
        self.theme_combo.setAccessibleName(QCoreApplication.translate("SettingsDialog", "Theme"))
        for label, value in THEMES:
            self.theme_combo.addItem(QCoreApplication.translate("SettingsDialog", label), value)
        self.theme_combo.setCurrentIndex(
            max(0, self.theme_combo.findData(ctx.theme.choice)))
        self.theme_combo.currentIndexChanged.connect(
            lambda _i: ctx.theme.apply(self.theme_combo.currentData()))
        general = QFormLayout()
        general.addRow(QCoreApplication.translate("SettingsDialog", "Your name"), self.name_edit)
        general.addRow(QCoreApplication.translate("SettingsDialog", "Default relay"), self.relay_edit)
        general.addRow(QCoreApplication.translate("SettingsDialog", "Theme"), self.theme_combo)
        self.cache_spin = self._mb_spin(1, QCoreApplication.translate(
            "SettingsDialog", "Largest size of the file cache"))
        self.auto_spin = self._mb_spin(0, QCoreApplication.translate(
            "SettingsDialog", "Largest image downloaded automatically"))
        self.files_box = QGroupBox(QCoreApplication.translate("SettingsDialog", "Files"))
        box = QVBoxLayout(self.files_box)
        files = QFormLayout()
        box.addLayout(files)
        files.addRow(QCoreApplication.translate("SettingsDialog", "Keep downloaded files up to"),
                     self.cache_spin)
        files.addRow(QCoreApplication.translate("SettingsDialog", "Download images by themselves up to"),
                     self.auto_spin)
        self.files_note = QLabel(QCoreApplication.translate(
            "SettingsDialog", "Files stay encrypted in the cache; the least recently used go "
            "first and can be downloaded again. 0 MB: no image downloads by itself."))
        self.files_note.setWordWrap(True)
        self.files_note.setObjectName("hint")
        box.addWidget(self.files_note)
        self.files_box.setEnabled(False)  # until the current limits arrive
        self.protection_box = QGroupBox(QCoreApplication.translate("SettingsDialog", "Protection"))
        pv = QVBoxLayout(self.protection_box)
        self.protection_label = QLabel()
        self.protection_label.setWordWrap(True)
        pv.addWidget(self.protection_label)
        self.passphrase = PassphraseFields(QCoreApplication.translate("SettingsDialog", "New passphrase"))
        self.passphrase.hide()
        pv.addWidget(self.passphrase)
        row = QHBoxLayout()
        self.change_button = QPushButton(QCoreApplication.translate("SettingsDialog", "Change passphrase…"))
        self.change_button.setAccessibleName(QCoreApplication.translate("SettingsDialog", "Set a new passphrase"))
        self.change_button.clicked.connect(self._change_passphrase)
        self.keyring_button = QPushButton(QCoreApplication.translate("SettingsDialog", "Use the keyring instead"))
        self.keyring_button.setAccessibleName(QCoreApplication.translate("SettingsDialog", "Move the key into the system keyring"))
        self.keyring_button.clicked.connect(self._to_keyring)
        self.keyring_button.hide()
        self.recovery_button = QPushButton(QCoreApplication.translate("SettingsDialog", "New recovery code…"))
        self.recovery_button.setAccessibleName(QCoreApplication.translate("SettingsDialog", "Make a new recovery code"))
        self.recovery_button.clicked.connect(self._new_recovery)
        self.recovery_button.setVisible(hasattr(ctx.services, "new_recovery_code"))
        row.addWidget(self.change_button)
        row.addWidget(self.keyring_button)
        row.addWidget(self.recovery_button)
        row.addStretch(1)
        pv.addLayout(row)
        self.code_label = QLabel()
        self.code_label.setObjectName("recoveryCode")
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setAccessibleName(QCoreApplication.translate("SettingsDialog", "New recovery code"))
        self.code_label.hide()
        pv.addWidget(self.code_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(QCoreApplication.translate("SettingsDialog", "Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setProperty("primary", True)
        self.save_button.setAccessibleName(QCoreApplication.translate("SettingsDialog", "Save settings"))
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        self._busy_buttons = [self.save_button, self.change_button, self.keyring_button,
                              self.recovery_button]
        self._theme_at_open = ctx.theme.choice
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addLayout(general)
        layout.addWidget(self.files_box)
        layout.addWidget(self.protection_box)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        svc = ctx.services
        ctx.worker.run(lambda: (svc.settings.get(), svc.profile.me(), svc.profile.keyring_available(),
                                svc.files.cache_limit_mb(), svc.files.auto_download_mb()),
                       self._loaded, lambda e: self.show_error(str(e)), owner=self)

    @staticmethod
    def _mb_spin(least: int, name: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(least, 1_000_000)
        spin.setSuffix(" MB")
        spin.setAccessibleName(name)
        return spin

    def _loaded(self, answer: tuple[Settings, ProfileView, bool, int, int]) -> None:
        settings, me, keyring, cache_mb, auto_mb = answer
        self.profile = me
        self._keyring = keyring
        self.cache_spin.setValue(cache_mb)
        self.auto_spin.setValue(auto_mb)
        self.files_box.setEnabled(True)
        self.name_edit.setText(settings.display_name or me.name)
        self.relay_edit.setText(settings.default_relay)
        self._show_protection(me.protection)

    def _show_protection(self, protection: str) -> None:
        if protection == "keyring":
            self.protection_label.setText(QCoreApplication.translate("SettingsDialog", "Your profile's key is kept in this computer's "
                                          "keyring; Coterie opens without a passphrase."))
            self.change_button.setText(QCoreApplication.translate("SettingsDialog", "Use a passphrase instead…"))
        else:
            self.protection_label.setText(QCoreApplication.translate("SettingsDialog", "Your profile is protected by a passphrase."))
            self.change_button.setText(QCoreApplication.translate("SettingsDialog", "Change passphrase…"))
        self.keyring_button.setVisible(self._keyring and protection != "keyring")
        self.fit_height()  # the text arrives after the dialog opened

    def _change_passphrase(self) -> None:
        if not self.passphrase.isVisible():
            self.passphrase.show()
            self.passphrase.first.setFocus()
            self.change_button.setText(QCoreApplication.translate("SettingsDialog", "Set this passphrase"))
            return
        new = self.passphrase.value()
        if new is None:
            self.show_error(self.passphrase.problem() or "")
            return
        svc = self._ctx.services
        self.call(lambda: svc.profile.change_passphrase(new), lambda _r: self._protected("passphrase"),
                  slow=True, busy_text=QCoreApplication.translate("SettingsDialog", "Protecting your profile with the new passphrase…"))

    def _to_keyring(self) -> None:
        svc = self._ctx.services
        self.call(lambda: svc.profile.change_passphrase(None), lambda _r: self._protected("keyring"),
                  slow=True, busy_text=QCoreApplication.translate("SettingsDialog", "Moving the key into the keyring…"))

    def _protected(self, protection: str) -> None:
        self.passphrase.first.clear()
        self.passphrase.confirm.clear()
        self.passphrase.hide()
        self._show_protection(protection)
        self.show_error("")
        self.protection_label.setText(QCoreApplication.translate(
            "SettingsDialog", "{protection} Changed.").format(protection=self.protection_label.text()))
        self.fit_height()

    def _new_recovery(self) -> None:
        svc = self._ctx.services
        self.call(lambda: svc.profile.new_recovery_code(), self._show_code, slow=True,  # type: ignore[attr-defined]
                  busy_text=QCoreApplication.translate("SettingsDialog", "Making a new recovery code…"))

    def _show_code(self, code: str) -> None:
        self.code_label.setText(code)
        self.code_label.show()
        self.protection_label.setText(QCoreApplication.translate("SettingsDialog", "Your old recovery code no longer works. Save this new "
                                      "one now; it is shown only once."))
        self.fit_height()

    def _save(self) -> None:
        name = self.name_edit.text().strip()
        relay = self.relay_edit.text().strip()
        theme = self.theme_combo.currentData()
        limits = ((self.cache_spin.value(), self.auto_spin.value())
                  if self.files_box.isEnabled() else None)
        svc = self._ctx.services

        def save() -> None:
            svc.settings.update(display_name=name or None, default_relay=relay, theme=theme)
            if limits is not None:
                svc.files.set_cache_limit_mb(limits[0])
                svc.files.set_auto_download_mb(limits[1])

        self.call(save, lambda _r: self.accept(), busy_text=QCoreApplication.translate("SettingsDialog", "Saving…"))

    def reject(self) -> None:
        if self._ctx.theme.choice != self._theme_at_open:
            self._ctx.theme.apply(self._theme_at_open)  # cancel undoes the live preview
        super().reject()
