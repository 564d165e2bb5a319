"""Back up…, Automatic backups, Restore… and Export…: the window side of app/backup.py and
app/export.py (docs/backup.md, docs/export.md).

Every service call runs on the worker's slow lane (Argon2id, the whole profile read or
written, relays read during a restore); progress comes back as a queued signal.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
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
from ui.widgets.passphrase_fields import PassphraseFields
from ui.worker import Worker

if TYPE_CHECKING:
    from app.api import Services
    from ui.context import AppContext

RESTORED_NOTE = ("Do not keep using Coterie with this profile on the old computer: until "
                 "linked devices exist, two computers posting as you make the others' apps "
                 "report a forked history and drop posts.")


def _para(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


def _code_field() -> QLineEdit:
    field = QLineEdit()
    field.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
    field.setAccessibleName("Recovery code")
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def _when(ts: int | None) -> str:
    return "never" if ts is None else time.strftime("%Y-%m-%d %H:%M", time.localtime(ts))


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
        self.button = QPushButton("Choose…")
        self.button.setAccessibleName(f"Choose the {name.lower()}")
        self.button.clicked.connect(self._choose)
        h.addWidget(self.edit, 1)
        h.addWidget(self.button)

    def text(self) -> str:
        return self.edit.text().strip()

    def _choose(self) -> None:
        start = self.text() or str(Path.home())
        if self._mode == "folder":
            path = QFileDialog.getExistingDirectory(self, "Choose a folder", start)
        elif self._mode == "save":
            path, _ = QFileDialog.getSaveFileName(self, "Save the backup as", start,
                                                  f"Coterie backups (*{SUFFIX})")
            if path and not path.endswith(SUFFIX):
                path += SUFFIX
        else:
            path, _ = QFileDialog.getOpenFileName(self, "Choose a backup", start,
                                                  f"Coterie backups (*{SUFFIX});;All files (*)")
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


class BackupDialog(ServiceDialog):
    """A backup now, and the automatic schedule."""

    progress = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, "Back up", parent)
        self._svc = ctx.services
        self._has_code = False
        self._ready = False       # what the profile has is known (loaded off the GUI thread)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(_para(
            "A backup is one file with all your groups, their history, files and settings. "
            "It opens only with your recovery code, on any computer."))
        form = QFormLayout()
        self.file_row = _PathRow("Backup file", "save")
        stamp = time.strftime("%Y-%m-%d")
        self.file_row.edit.setText(str(Path.home() / f"coterie-{stamp}{SUFFIX}"))
        form.addRow("Save as", self.file_row)
        self.code_edit = _code_field()
        self.code_label = QLabel("Recovery code")
        form.addRow(self.code_label, self.code_edit)
        layout.addLayout(form)
        self.code_hint = _para("Coterie asks for the recovery code once; after that it makes "
                               "backups, automatic ones too, without it.", "hint")
        layout.addWidget(self.code_hint)
        for w in (self.code_edit, self.code_label, self.code_hint):
            w.hide()
        self.bar = _Progress("Backup progress")
        layout.addWidget(self.bar)
        self.result_label = _para("", "hint")
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.hide()
        layout.addWidget(self.result_label)
        row = QHBoxLayout()
        row.addStretch(1)
        self.backup_button = QPushButton("Back up now")
        self.backup_button.setProperty("primary", True)
        self.backup_button.setAccessibleName("Back up now")
        self.backup_button.clicked.connect(self._backup)
        row.addWidget(self.backup_button)
        layout.addLayout(row)

        self.auto_box = QGroupBox("Automatic backups")
        av = QVBoxLayout(self.auto_box)
        self.auto_check = QCheckBox("Back up automatically while Coterie runs")
        self.auto_check.setAccessibleName("Back up automatically")
        av.addWidget(self.auto_check)
        aform = QFormLayout()
        self.folder_row = _PathRow("Backup folder", "folder")
        aform.addRow("Into the folder", self.folder_row)
        self.every_spin = QSpinBox()
        self.every_spin.setRange(1, 24 * 365)
        self.every_spin.setValue(24)
        self.every_spin.setSuffix(" hours")
        self.every_spin.setAccessibleName("Hours between backups")
        aform.addRow("Every", self.every_spin)
        self.keep_spin = QSpinBox()
        self.keep_spin.setRange(1, 1000)
        self.keep_spin.setValue(7)
        self.keep_spin.setAccessibleName("Backups to keep")
        aform.addRow("Keep the newest", self.keep_spin)
        av.addLayout(aform)
        self.auto_status = _para("", "hint")
        av.addWidget(self.auto_status)
        arow = QHBoxLayout()
        arow.addStretch(1)
        self.save_button = QPushButton("Save schedule")
        self.save_button.setAccessibleName("Save the automatic backup schedule")
        self.save_button.clicked.connect(self._save_schedule)
        arow.addWidget(self.save_button)
        av.addLayout(arow)
        layout.addWidget(self.auto_box)
        layout.addWidget(self.error_label)
        close = QPushButton("Close")
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
        text = (f"On: every {auto.every_hours} h into {auto.folder}, keeping {auto.keep}. "
                if auto.enabled else "Off. ") + f"Last automatic backup: {_when(auto.last)}."
        if auto.error:
            text += f" The last attempt failed: {auto.error}"
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

        self.call(work, self._done, slow=True, busy_text="Backing up…",
                  on_error=lambda _e: self.bar.hide())

    def _progress(self, done: int) -> None:
        self.bar.setRange(0, 0)
        self.bar.setAccessibleDescription(f"{done // 1_000_000} MB written")

    def _done(self, info: BackupInfo) -> None:
        self._has_code = True
        self.code_edit.clear()
        self._loaded_code_hidden()
        self.bar.hide()
        self.result_label.setText(f"Backup saved: {info.path} ({info.size / 1e6:.1f} MB). "
                                  "Keep it apart from your recovery code.")
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

        self.call(work, saved, slow=True, busy_text="Saving…")


class ExportDialog(ServiceDialog):
    """One group as a readable HTML page and a JSON document in a folder."""

    progress = Signal(int)

    def __init__(self, ctx: AppContext, group: GroupSummary, parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, "Export", parent)
        self._svc = ctx.services
        self._group = group
        self.setMinimumWidth(540)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        title = QLabel()
        title.setObjectName("conversationTitle")
        title.setText(f"Export “{group.name}”")
        title.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(title)
        layout.addWidget(_para(
            "Writes every post, reply, reaction, edit and deletion of this group, with the "
            "member list and fingerprints, as a page any browser opens offline and as JSON "
            "data. The files hold no keys, but anyone who gets them can read them."))
        form = QFormLayout()
        self.folder_row = _PathRow("Export folder", "folder")
        self.folder_row.edit.setText(str(Path.home()))
        form.addRow("Into the folder", self.folder_row)
        self.format_combo = QComboBox()
        self.format_combo.setAccessibleName("Format")
        for label, value in (("Web page and JSON", ("html", "json")), ("Web page (HTML)", ("html",)),
                             ("JSON", ("json",))):
            self.format_combo.addItem(label, value)
        form.addRow("Format", self.format_combo)
        layout.addLayout(form)
        self.bar = _Progress("Export progress")
        layout.addWidget(self.bar)
        self.result_label = _para("", "hint")
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.hide()
        layout.addWidget(self.result_label)
        layout.addWidget(self.error_label)
        row = QHBoxLayout()
        row.addStretch(1)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        self.export_button = QPushButton("Export")
        self.export_button.setProperty("primary", True)
        self.export_button.setAccessibleName("Export the group")
        self.export_button.clicked.connect(self._export)
        row.addWidget(close)
        row.addWidget(self.export_button)
        layout.addLayout(row)
        self._busy_buttons = [self.export_button]
        self.folder_row.changed.connect(self.refresh_buttons)
        self.progress.connect(lambda n: self.bar.setAccessibleDescription(f"{n} posts written"))

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
                  self._done, slow=True, busy_text="Exporting…",
                  on_error=lambda _e: self.bar.hide())

    def _done(self, info: ExportInfo) -> None:
        self.bar.hide()
        written = " and ".join(p for p in (info.html, info.json) if p)
        self.result_label.setText(f"Exported {info.posts} posts to {written}.")
        self.result_label.show()
        self.fit_height()


class RestoreDialog(ServiceDialog):
    """Restore a backup into this (new) profile: file, recovery code, new protection."""

    progress = Signal(int)

    def __init__(self, services: Services, worker: Worker, keyring: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(worker, "Restore from a backup", parent)
        self._services = services
        self._keyring = keyring
        self.restored: RestoreInfo | None = None
        self.setMinimumWidth(580)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        title = QLabel("Restore from a backup")
        title.setObjectName("conversationTitle")
        layout.addWidget(title)
        layout.addWidget(_para(
            "Brings back your groups, their history, files and settings from a backup file. "
            "Coterie then reads everything posted since the backup before you can post."))
        form = QFormLayout()
        self.file_row = _PathRow("Backup file", "open")
        form.addRow("Backup file", self.file_row)
        self.code_edit = _code_field()
        form.addRow("Recovery code", self.code_edit)
        layout.addLayout(form)
        self.keyring_radio = QRadioButton("Keep the key in this computer's keyring (recommended)")
        self.keyring_radio.setAccessibleName("Use the system keyring")
        self.pass_radio = QRadioButton("Protect it with a passphrase I type each time")
        self.pass_radio.setAccessibleName("Use a passphrase")
        group = QButtonGroup(self)
        group.addButton(self.keyring_radio)
        group.addButton(self.pass_radio)
        self.passphrase = PassphraseFields("New passphrase")
        if keyring:
            layout.addWidget(self.keyring_radio)
            layout.addWidget(self.pass_radio)
            self.keyring_radio.setChecked(True)
        else:
            layout.addWidget(_para("This computer has no secure keyring: choose a passphrase "
                                   "for the restored profile.", "hint"))
            self.pass_radio.setChecked(True)
            self.keyring_radio.hide()
            self.pass_radio.hide()
        layout.addWidget(self.passphrase)
        layout.addWidget(_para(RESTORED_NOTE, "hint"))
        self.bar = _Progress("Restore progress")
        layout.addWidget(self.bar)
        layout.addWidget(self.error_label)
        row = QHBoxLayout()
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        self.restore_button = QPushButton("Restore")
        self.restore_button.setProperty("primary", True)
        self.restore_button.setDefault(True)
        self.restore_button.setAccessibleName("Restore the backup")
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
        self.progress.connect(lambda n: self.bar.setAccessibleDescription(f"{n // 1_000_000} MB read"))
        self._protection_changed()

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
                  busy_text="Restoring and reading what was posted since the backup…",
                  on_error=lambda _e: self.bar.hide())

    def _done(self, info: RestoreInfo) -> None:
        self.restored = info
        self.code_edit.clear()
        self.passphrase.first.clear()
        self.passphrase.confirm.clear()
        self.accept()
