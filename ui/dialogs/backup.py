"""Back up…, Automatic backups, Restore… and Export…: the window side of app/backup.py and
app/export.py (docs/backup.md, docs/export.md).

Every service call runs on the worker's slow lane (Argon2id, the whole profile read or
written, relays read during a restore); progress comes back as a queued signal.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.backup import SUFFIX, AutoBackup, BackupInfo, RestoreInfo
from app.export import ExportInfo
from app.views import GroupSummary
from ui.dialogs.base import ServiceDialog
from ui.timefmt import full, number
from ui.widgets.passphrase_fields import PassphraseFields
from ui.worker import Worker

if TYPE_CHECKING:
    from app.api import Services
    from ui.context import AppContext

RESTORED_NOTE = QT_TRANSLATE_NOOP("RestoreDialog", "The restored profile becomes a new desktop of yours, with "
                                  "the same identity. If the old computer still runs Coterie, "
                                  "it keeps working beside it; if it is lost or stolen, revoke "
                                  "it afterwards under Linked desktops.")


def _para(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


def _code_field() -> QLineEdit:
    field = QLineEdit()
    field.setPlaceholderText(QCoreApplication.translate("Backup", "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX"))
    field.setAccessibleName(QCoreApplication.translate("Backup", "Recovery code"))
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def _when(ts: int | None) -> str:
    return QCoreApplication.translate("BackupDialog", "never") if ts is None else full(ts)


class _PathRow(QWidget):
    """A path field with a Choose… button (a file to save, a file to open, or a folder)."""

    changed = Signal()

    def __init__(self, name: str, mode: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._mode = mode
        h = QHBoxLayout(self)
        h.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setAccessibleName(name)
        self.edit.textChanged.connect(lambda _text: self.changed.emit())
        self.button = QPushButton(QCoreApplication.translate("_PathRow", "Choose…"))
        self.button.setAccessibleName(QCoreApplication.translate("_PathRow", 'Choose the {what}').format(what=name.lower()))
        self.button.clicked.connect(self._choose)
        h.addWidget(self.edit, 1)
        h.addWidget(self.button)

    def text(self) -> str:
        return self.edit.text().strip()

    def _choose(self) -> None:
        start = self.text() or str(Path.home())
        if self._mode == "folder":
            path = QFileDialog.getExistingDirectory(self, QCoreApplication.translate("BackupDialog", "Choose a folder"), start)
        elif self._mode == "save":
            path, _ = QFileDialog.getSaveFileName(
                self, QCoreApplication.translate("BackupDialog", "Save the backup as"), start,
                QCoreApplication.translate("BackupDialog", "Coterie backups ({pattern})").format(pattern="*" + SUFFIX))
            if path and not path.endswith(SUFFIX):
                path += SUFFIX
        else:
            path, _ = QFileDialog.getOpenFileName(
                self, QCoreApplication.translate("BackupDialog", "Choose a backup"), start,
                QCoreApplication.translate("BackupDialog", "Coterie backups ({pattern})").format(pattern="*" + SUFFIX)
                + ";;" + QCoreApplication.translate("BackupDialog", "All files (*)"))
        if path:
            self.edit.setText(path)


class _Progress(QProgressBar):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.setAccessibleName(name)
        self.setRange(0, 0)
        self.setTextVisible(False)
        self.setMaximumHeight(8)
        self.hide()


def _advance(bar: QProgressBar, done: int, total: int) -> None:
    """Bytes done of total, in thousandths (a bar's range is a C int)."""
    if total > 0:
        bar.setRange(0, 1000)
        bar.setValue(min(1000, done * 1000 // total))


class BackupDialog(ServiceDialog):
    """A backup now, and the automatic schedule."""

    progress = Signal(int, int)   # bytes done, bytes in all

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("BackupDialog", "Back up"), parent)
        self._svc = ctx.services
        self._has_code = False
        self._ready = False       # what the profile has is known (loaded off the GUI thread)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(_para(
            QCoreApplication.translate("BackupDialog", "A backup is one file with all your groups, their history, files and settings. "
            "It opens only with your recovery code, on any computer.")))
        form = QFormLayout()
        self.file_row = _PathRow(QCoreApplication.translate("BackupDialog", "Backup file"), "save")
        stamp = time.strftime("%Y-%m-%d")
        self.file_row.edit.setText(str(Path.home() / f"coterie-{stamp}{SUFFIX}"))
        form.addRow(QCoreApplication.translate("BackupDialog", "Save as"), self.file_row)
        self.code_edit = _code_field()
        self.code_label = QLabel(QCoreApplication.translate("BackupDialog", "Recovery code"))
        form.addRow(self.code_label, self.code_edit)
        layout.addLayout(form)
        self.code_hint = _para(QCoreApplication.translate("BackupDialog", "Coterie asks for the recovery code once; after that it makes "
                               "backups, automatic ones too, without it."), "hint")
        layout.addWidget(self.code_hint)
        for w in (self.code_edit, self.code_label, self.code_hint):
            w.hide()
        self.bar = _Progress(QCoreApplication.translate("BackupDialog", "Backup progress"))
        layout.addWidget(self.bar)
        self.result_label = _para("", "hint")
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.hide()
        layout.addWidget(self.result_label)
        row = QHBoxLayout()
        row.addStretch(1)
        self.backup_button = QPushButton(QCoreApplication.translate("BackupDialog", "Back up now"))
        self.backup_button.setProperty("primary", True)
        self.backup_button.setAccessibleName(QCoreApplication.translate("BackupDialog", "Back up now"))
        self.backup_button.clicked.connect(self._backup)
        row.addWidget(self.backup_button)
        layout.addLayout(row)

        self.auto_box = QGroupBox(QCoreApplication.translate("BackupDialog", "Automatic backups"))
        av = QVBoxLayout(self.auto_box)
        self.auto_check = QCheckBox(QCoreApplication.translate("BackupDialog", "Back up automatically while Coterie runs"))
        self.auto_check.setAccessibleName(QCoreApplication.translate("BackupDialog", "Back up automatically"))
        av.addWidget(self.auto_check)
        aform = QFormLayout()
        self.folder_row = _PathRow(QCoreApplication.translate("BackupDialog", "Backup folder"), "folder")
        aform.addRow(QCoreApplication.translate("BackupDialog", "Into the folder"), self.folder_row)
        self.every_spin = QSpinBox()
        self.every_spin.setRange(1, 24 * 365)
        self.every_spin.setValue(24)
        self.every_spin.setSuffix(QCoreApplication.translate("BackupDialog", " hours"))
        self.every_spin.setAccessibleName(QCoreApplication.translate("BackupDialog", "Hours between backups"))
        aform.addRow(QCoreApplication.translate("BackupDialog", "Every"), self.every_spin)
        self.keep_spin = QSpinBox()
        self.keep_spin.setRange(1, 1000)
        self.keep_spin.setValue(7)
        self.keep_spin.setAccessibleName(QCoreApplication.translate("BackupDialog", "Backups to keep"))
        aform.addRow(QCoreApplication.translate("BackupDialog", "Keep the newest"), self.keep_spin)
        av.addLayout(aform)
        self.auto_status = _para("", "hint")
        av.addWidget(self.auto_status)
        arow = QHBoxLayout()
        arow.addStretch(1)
        self.save_button = QPushButton(QCoreApplication.translate("BackupDialog", "Save schedule"))
        self.save_button.setAccessibleName(QCoreApplication.translate("BackupDialog", "Save the automatic backup schedule"))
        self.save_button.clicked.connect(self._save_schedule)
        arow.addWidget(self.save_button)
        av.addLayout(arow)
        layout.addWidget(self.auto_box)
        layout.addWidget(self.error_label)
        close = QPushButton(QCoreApplication.translate("BackupDialog", "Close"))
        close.clicked.connect(self.reject)
        crow = QHBoxLayout()
        crow.addStretch(1)
        crow.addWidget(close)
        layout.addLayout(crow)
        self._busy_buttons = [self.backup_button, self.save_button]
        self.progress.connect(self._progress)
        for w in (self.file_row.changed, self.code_edit.textChanged, self.folder_row.changed):
            w.connect(self.refresh_buttons)
        self.auto_check.toggled.connect(self.refresh_buttons)
        self._load()

    def _load(self) -> None:
        svc = self._svc
        self._worker.run(lambda: (svc.backup.has_code(), svc.backup.automatic()), self._loaded,
                         lambda e: self.show_error(str(e)), slow=True, owner=self)

    def _loaded(self, answer: tuple[bool, AutoBackup]) -> None:
        self._has_code, auto = answer
        self._ready = True
        self.code_edit.setVisible(not self._has_code)
        self.code_label.setVisible(not self._has_code)
        self.code_hint.setVisible(not self._has_code)
        self.auto_check.setChecked(auto.enabled)
        if auto.folder:
            self.folder_row.edit.setText(auto.folder)
        self.every_spin.setValue(auto.every_hours)
        self.keep_spin.setValue(auto.keep)
        self._show_auto(auto)
        self.refresh_buttons()
        self.fit_height()

    def _show_auto(self, auto: AutoBackup) -> None:
        text = (QCoreApplication.translate("BackupDialog", "On: every {hours} h into {folder}, keeping {keep}.").format(
            hours=number(auto.every_hours), folder=auto.folder, keep=number(auto.keep))
            if auto.enabled else QCoreApplication.translate("BackupDialog", "Off."))
        text += " " + QCoreApplication.translate("BackupDialog", "Last automatic backup: {when}.").format(when=_when(auto.last))
        if auto.error:
            text += " " + QCoreApplication.translate("BackupDialog", "The last attempt failed: {error}").format(error=auto.error)
        self.auto_status.setText(text)

    def refresh_buttons(self) -> None:
        if not hasattr(self, "save_button"):
            return
        code_ok = self._ready and (self._has_code or bool(self.code_edit.text().strip()))
        self.backup_button.setEnabled(not self.busy and code_ok and bool(self.file_row.text()))
        auto = self.auto_check.isChecked()
        for w in (self.folder_row, self.every_spin, self.keep_spin):
            w.setEnabled(auto)
        self.save_button.setEnabled(not self.busy and (
            self._ready and (not auto or (code_ok and bool(self.folder_row.text())))))

    def _remember(self) -> None:
        if not self._has_code:
            self._svc.backup.remember_code(self.code_edit.text())

    def _backup(self) -> None:
        svc, dest = self._svc, self.file_row.text()
        self.bar.setRange(0, 0)
        self.bar.show()
        self.result_label.hide()

        def work() -> BackupInfo:
            self._remember()
            return svc.backup.create(dest, self.progress.emit)

        self.call(work, self._done, slow=True, busy_text=QCoreApplication.translate("BackupDialog", "Backing up…"),
                  on_error=lambda _e: self.bar.hide())

    def _progress(self, done: int, total: int) -> None:
        _advance(self.bar, done, total)
        self.bar.setAccessibleDescription(QCoreApplication.translate("BackupDialog", '{value} MB written').format(value=number(done // 1_000_000)))

    def _done(self, info: BackupInfo) -> None:
        self._has_code = True
        self.code_edit.clear()
        self._loaded_code_hidden()
        self.bar.hide()
        self.result_label.setText(QCoreApplication.translate(
            "BackupDialog", "Backup saved: {path} ({size}). Keep it apart from your recovery "
            "code.").format(path=info.path, size=QLocale().formattedDataSize(
                info.size, 1, QLocale.DataSizeFormat.DataSizeSIFormat)))
        self.result_label.show()
        self.fit_height()

    def _loaded_code_hidden(self) -> None:
        for w in (self.code_edit, self.code_label, self.code_hint):
            w.hide()
        self.refresh_buttons()

    def _save_schedule(self) -> None:
        svc = self._svc
        on = self.auto_check.isChecked()
        folder = self.folder_row.text()
        every, keep = self.every_spin.value(), self.keep_spin.value()

        def work() -> AutoBackup:
            if not on:
                return svc.backup.set_automatic(None)
            self._remember()
            return svc.backup.set_automatic(str(Path(folder).expanduser().absolute()), every, keep)

        def saved(auto: AutoBackup) -> None:
            if on:
                self._has_code = True
                self._loaded_code_hidden()
            self._show_auto(auto)

        self.call(work, saved, slow=True, busy_text=QCoreApplication.translate("BackupDialog", "Saving…"))


class ExportDialog(ServiceDialog):
    """One group as a readable HTML page and a JSON document in a folder."""

    progress = Signal(int)

    def __init__(self, ctx: AppContext, group: GroupSummary, parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("ExportDialog", "Export"), parent)
        self._svc = ctx.services
        self._group = group
        self.setMinimumWidth(540)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        title = QLabel()
        title.setObjectName("conversationTitle")
        title.setText(QCoreApplication.translate("ExportDialog", 'Export “{name}”').format(name=group.name))
        title.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(title)
        layout.addWidget(_para(
            QCoreApplication.translate("ExportDialog", "Writes every post, reply, reaction, edit and deletion of this group, with the "
            "member list and fingerprints, as a page any browser opens offline and as JSON "
            "data. The files hold no keys, but anyone who gets them can read them.")))
        form = QFormLayout()
        self.folder_row = _PathRow(QCoreApplication.translate("ExportDialog", "Export folder"), "folder")
        self.folder_row.edit.setText(str(Path.home()))
        form.addRow(QCoreApplication.translate("ExportDialog", "Into the folder"), self.folder_row)
        self.format_combo = QComboBox()
        self.format_combo.setAccessibleName(QCoreApplication.translate("ExportDialog", "Format"))
        for label, value in ((QCoreApplication.translate("ExportDialog", "Web page and JSON"), ("html", "json")),
                             (QCoreApplication.translate("ExportDialog", "Web page (HTML)"), ("html",)),
                             ("JSON", ("json",))):
            self.format_combo.addItem(label, value)
        form.addRow(QCoreApplication.translate("ExportDialog", "Format"), self.format_combo)
        layout.addLayout(form)
        self.bar = _Progress(QCoreApplication.translate("ExportDialog", "Export progress"))
        layout.addWidget(self.bar)
        self.result_label = _para("", "hint")
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.hide()
        layout.addWidget(self.result_label)
        layout.addWidget(self.error_label)
        row = QHBoxLayout()
        row.addStretch(1)
        close = QPushButton(QCoreApplication.translate("ExportDialog", "Close"))
        close.clicked.connect(self.reject)
        self.export_button = QPushButton(QCoreApplication.translate("ExportDialog", "Export"))
        self.export_button.setProperty("primary", True)
        self.export_button.setAccessibleName(QCoreApplication.translate("ExportDialog", "Export the group"))
        self.export_button.clicked.connect(self._export)
        row.addWidget(close)
        row.addWidget(self.export_button)
        layout.addLayout(row)
        self._busy_buttons = [self.export_button]
        self.folder_row.changed.connect(self.refresh_buttons)
        self.progress.connect(lambda n: self.bar.setAccessibleDescription(QCoreApplication.translate("ExportDialog", '{n} posts written').format(n=number(n))))

    def refresh_buttons(self) -> None:
        if hasattr(self, "export_button"):
            self.export_button.setEnabled(not self.busy and bool(self.folder_row.text()))

    def _export(self) -> None:
        svc, gid = self._svc, self._group.id
        folder = self.folder_row.text()
        formats: Any = self.format_combo.currentData()
        self.bar.show()
        self.result_label.hide()
        self.call(lambda: svc.export.write(gid, folder, tuple(formats), self.progress.emit),
                  self._done, slow=True, busy_text=QCoreApplication.translate("ExportDialog", "Exporting…"),
                  on_error=lambda _e: self.bar.hide())

    def _done(self, info: ExportInfo) -> None:
        self.bar.hide()
        written = " and ".join(p for p in (info.html, info.json) if p)
        self.result_label.setText(QCoreApplication.translate("ExportDialog", 'Exported {posts} posts to {written}.').format(posts=number(info.posts), written=written))
        self.result_label.show()
        self.fit_height()


class RestoreDialog(ServiceDialog):
    """Restore a backup into this (new) profile: file, recovery code, new protection."""

    progress = Signal(int, int)   # bytes read, file size

    def __init__(self, services: Services, worker: Worker, keyring: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(worker, QCoreApplication.translate("RestoreDialog", "Restore from a backup"), parent)
        self._services = services
        self._keyring = keyring
        self.restored: RestoreInfo | None = None
        self.setMinimumWidth(580)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        title = QLabel(QCoreApplication.translate("RestoreDialog", "Restore from a backup"))
        title.setObjectName("conversationTitle")
        layout.addWidget(title)
        layout.addWidget(_para(
            QCoreApplication.translate("RestoreDialog", "Brings back your groups, their history, files and settings from a backup file. "
            "Coterie then reads everything posted since the backup before you can post.")))
        form = QFormLayout()
        self.file_row = _PathRow(QCoreApplication.translate("RestoreDialog", "Backup file"), "open")
        form.addRow(QCoreApplication.translate("RestoreDialog", "Backup file"), self.file_row)
        self.code_edit = _code_field()
        form.addRow(QCoreApplication.translate("RestoreDialog", "Recovery code"), self.code_edit)
        layout.addLayout(form)
        self.keyring_radio = QRadioButton(QCoreApplication.translate("RestoreDialog", "Keep the key in this computer's keyring (recommended)"))
        self.keyring_radio.setAccessibleName(QCoreApplication.translate("RestoreDialog", "Use the system keyring"))
        self.pass_radio = QRadioButton(QCoreApplication.translate("RestoreDialog", "Protect it with a passphrase I type each time"))
        self.pass_radio.setAccessibleName(QCoreApplication.translate("RestoreDialog", "Use a passphrase"))
        group = QButtonGroup(self)
        group.addButton(self.keyring_radio)
        group.addButton(self.pass_radio)
        self.passphrase = PassphraseFields(QCoreApplication.translate("RestoreDialog", "New passphrase"))
        if keyring:
            layout.addWidget(self.keyring_radio)
            layout.addWidget(self.pass_radio)
            self.keyring_radio.setChecked(True)
        else:
            layout.addWidget(_para(QCoreApplication.translate("RestoreDialog", "This computer has no secure keyring: choose a passphrase "
                                   "for the restored profile."), "hint"))
            self.pass_radio.setChecked(True)
            self.keyring_radio.hide()
            self.pass_radio.hide()
        layout.addWidget(self.passphrase)
        layout.addWidget(_para(QCoreApplication.translate("RestoreDialog", RESTORED_NOTE), "hint"))
        self.bar = _Progress(QCoreApplication.translate("RestoreDialog", "Restore progress"))
        layout.addWidget(self.bar)
        layout.addWidget(self.error_label)
        row = QHBoxLayout()
        cancel = QPushButton(QCoreApplication.translate("RestoreDialog", "Cancel"))
        cancel.clicked.connect(self.reject)
        self.restore_button = QPushButton(QCoreApplication.translate("RestoreDialog", "Restore"))
        self.restore_button.setProperty("primary", True)
        self.restore_button.setDefault(True)
        self.restore_button.setAccessibleName(QCoreApplication.translate("RestoreDialog", "Restore the backup"))
        self.restore_button.clicked.connect(self._restore)
        row.addStretch(1)
        row.addWidget(cancel)
        row.addWidget(self.restore_button)
        layout.addLayout(row)
        self._busy_buttons = [self.restore_button, cancel]
        self.file_row.changed.connect(self.refresh_buttons)
        self.code_edit.textChanged.connect(self.refresh_buttons)
        self.passphrase.changed.connect(self.refresh_buttons)
        self.keyring_radio.toggled.connect(self._protection_changed)
        self.progress.connect(self._progress)
        self._protection_changed()

    def _progress(self, done: int, total: int) -> None:
        _advance(self.bar, done, total)
        self.bar.setAccessibleDescription(QCoreApplication.translate("RestoreDialog", '{value} MB read').format(value=number(done // 1_000_000)))

    def _protection_changed(self) -> None:
        self.passphrase.setVisible(self.pass_radio.isChecked())
        self.refresh_buttons()
        self.fit_height()

    def refresh_buttons(self) -> None:
        if not hasattr(self, "restore_button"):
            return
        protected = self.keyring_radio.isChecked() or self.passphrase.value() is not None
        self.restore_button.setEnabled(not self.busy and protected and bool(self.file_row.text())
                                       and bool(self.code_edit.text().strip()))

    def _restore(self) -> None:
        svc = self._services
        source, code = self.file_row.text(), self.code_edit.text()
        secret = None if self.keyring_radio.isChecked() else self.passphrase.value()
        self.bar.show()
        self.call(lambda: svc.backup.restore(source, code, secret, self.progress.emit),
                  self._done, slow=True,
                  busy_text=QCoreApplication.translate("RestoreDialog", "Restoring and reading what was posted since the backup…"),
                  on_error=lambda _e: self.bar.hide())

    def _done(self, info: RestoreInfo) -> None:
        self.restored = info
        self.code_edit.clear()
        self.passphrase.first.clear()
        self.passphrase.confirm.clear()
        self.accept()
