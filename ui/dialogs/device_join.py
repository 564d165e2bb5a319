"""Link to a desktop I already use: the new installation's side of linking (app/devices.py).

Offered on first run. The person types or pastes the code the other desktop shows (the
whole code, or its short form with the relay beside it), or reads it from a picture of its
QR code: a file chosen or dropped on the dialog, an image pasted from the clipboard into the
code field, or the camera when QtMultimedia sees one (ui/dialogs/camera_scan.py). A picture
is read on the worker (ui/qr_read.py) and the code it holds fills the field as if typed; the
join checks it the same way. Then the person names this desktop and chooses how its profile
is protected; both desktops then show five words, and only once the person says
they match does the history transfer, with a progress bar. The join runs on the worker's
slow lane and waits there for the person's answer to the words (a threading.Event the
buttons set). When it is done the first-run dialog shows this profile's recovery code.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QMimeData, QObject, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.devices import JoinInfo, LinkFailed
from ui.dialogs.base import ServiceDialog
from ui.dialogs.camera_scan import CameraScanDialog, cameras
from ui.qr_read import PICTURE_SUFFIXES, read_code, read_code_from_file
from ui.widgets.passphrase_fields import PassphraseFields
from ui.worker import Worker, error_sentence

if TYPE_CHECKING:
    from app.api import Services

WORDS_WAIT = 300.0      # seconds the join waits for the person's answer to the words
PICTURE_TYPES = ("image/png", "image/jpeg")

Picture = Path | bytes | QImage


def _para(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


def advice(exc: BaseException) -> str:
    """The failure's sentence and what to do next."""
    text = error_sentence(exc)
    reason = getattr(exc, "reason", "") if isinstance(exc, LinkFailed) else ""
    if reason in ("gone", "timeout", "refused"):
        text += " " + QCoreApplication.translate(
            "JoinDeviceDialog", "On your other desktop, open Desktops and choose Link a desktop "
            "for a new code, then type it here.")
    elif reason == "tampered":
        text += " " + QCoreApplication.translate(
            "JoinDeviceDialog", "If it happens again, someone between the two desktops may be "
            "interfering: link through another relay.")
    return text


class JoinDeviceDialog(ServiceDialog):
    """Make this new installation a desktop of a member whose other desktop shows a code."""

    words_ready = Signal(str, str)
    progress = Signal(int, int)

    def __init__(self, services: Services, worker: Worker, keyring: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(worker, QCoreApplication.translate(
            "JoinDeviceDialog", "Link to a desktop I already use"), parent)
        self._services = services
        self._answer = threading.Event()
        self._match = False
        self.joined: JoinInfo | None = None
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        title = QLabel(QCoreApplication.translate("JoinDeviceDialog",
                                                  "Link to a desktop I already use"))
        title.setObjectName("conversationTitle")
        layout.addWidget(title)
        layout.addWidget(_para(QCoreApplication.translate(
            "JoinDeviceDialog", "On the desktop you already use, open Desktops and choose Link "
            "a desktop. Type or paste the code it shows, or read it from a picture of its QR "
            "code. This desktop then gets your groups and their history, with keys of its "
            "own.")))
        form = QFormLayout()
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText(QCoreApplication.translate(
            "JoinDeviceDialog", "coterie://link#…  or  XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-X"))
        self.code_edit.setAccessibleName(QCoreApplication.translate("JoinDeviceDialog",
                                                                    "Link code"))
        form.addRow(QCoreApplication.translate("JoinDeviceDialog", "Link code"), self.code_edit)
        pictures = QHBoxLayout()
        self.picture_button = QPushButton(QCoreApplication.translate(
            "JoinDeviceDialog", "Read the code from a picture…"))
        self.picture_button.setAccessibleName(QCoreApplication.translate(
            "JoinDeviceDialog", "Read the code from a picture"))
        self.picture_button.setToolTip(QCoreApplication.translate(
            "JoinDeviceDialog", "A screenshot or photo of the QR code. You can also paste "
            "the picture into the code field or drop it on this window."))
        self.picture_button.clicked.connect(self._choose_picture)
        self.camera_button = QPushButton(QCoreApplication.translate(
            "JoinDeviceDialog", "Scan with camera…"))
        self.camera_button.setAccessibleName(QCoreApplication.translate(
            "JoinDeviceDialog", "Scan the code with the camera"))
        self.camera_button.clicked.connect(self._scan)
        self.camera_button.setVisible(bool(cameras()))
        pictures.addWidget(self.picture_button)
        pictures.addWidget(self.camera_button)
        pictures.addStretch(1)
        form.addRow("", pictures)
        self.relay_edit = QLineEdit()
        self.relay_edit.setPlaceholderText(QCoreApplication.translate(
            "JoinDeviceDialog", "Only with the short code: the relay shown beside it"))
        self.relay_edit.setAccessibleName(QCoreApplication.translate("JoinDeviceDialog",
                                                                     "Relay"))
        self.relay_label = QLabel(QCoreApplication.translate("JoinDeviceDialog", "Relay"))
        form.addRow(self.relay_label, self.relay_edit)
        self.name_edit = QLineEdit(QCoreApplication.translate("JoinDeviceDialog", "Desktop"))
        self.name_edit.setMaxLength(64)
        self.name_edit.setAccessibleName(QCoreApplication.translate("JoinDeviceDialog",
                                                                    "This desktop's name"))
        form.addRow(QCoreApplication.translate("JoinDeviceDialog", "This desktop's name"),
                    self.name_edit)
        layout.addLayout(form)
        self.keyring_radio = QRadioButton(QCoreApplication.translate(
            "JoinDeviceDialog", "Keep the key in this computer's keyring (recommended)"))
        self.keyring_radio.setAccessibleName(QCoreApplication.translate(
            "JoinDeviceDialog", "Use the system keyring"))
        self.pass_radio = QRadioButton(QCoreApplication.translate(
            "JoinDeviceDialog", "Protect it with a passphrase I type each time"))
        self.pass_radio.setAccessibleName(QCoreApplication.translate(
            "JoinDeviceDialog", "Use a passphrase"))
        group = QButtonGroup(self)
        group.addButton(self.keyring_radio)
        group.addButton(self.pass_radio)
        self.passphrase = PassphraseFields()
        if keyring:
            layout.addWidget(self.keyring_radio)
            layout.addWidget(self.pass_radio)
            self.keyring_radio.setChecked(True)
        else:
            layout.addWidget(_para(QCoreApplication.translate(
                "JoinDeviceDialog", "This computer has no secure keyring: choose a passphrase "
                "for this desktop's profile."), "hint"))
            self.pass_radio.setChecked(True)
            self.keyring_radio.hide()
            self.pass_radio.hide()
        layout.addWidget(self.passphrase)

        self.status = _para("", "hint")
        self.status.hide()
        layout.addWidget(self.status)
        self.words = QLabel()
        self.words.setObjectName("safetyNumber")
        self.words.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.words.setAccessibleName(QCoreApplication.translate("JoinDeviceDialog",
                                                                "Confirmation words"))
        self.words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.words.hide()
        layout.addWidget(self.words)
        wrow = QHBoxLayout()
        wrow.addStretch(1)
        self.differ_button = QPushButton(QCoreApplication.translate("JoinDeviceDialog",
                                                                    "They differ"))
        self.differ_button.clicked.connect(lambda: self._answer_words(False))
        self.match_button = QPushButton(QCoreApplication.translate("JoinDeviceDialog",
                                                                   "The words match"))
        self.match_button.setProperty("primary", True)
        self.match_button.clicked.connect(lambda: self._answer_words(True))
        wrow.addWidget(self.differ_button)
        wrow.addWidget(self.match_button)
        layout.addLayout(wrow)
        for w in (self.match_button, self.differ_button):
            w.hide()
        self.bar = QProgressBar()
        self.bar.setAccessibleName(QCoreApplication.translate("JoinDeviceDialog",
                                                              "Transfer progress"))
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(8)
        self.bar.hide()
        layout.addWidget(self.bar)
        layout.addWidget(self.error_label)
        row = QHBoxLayout()
        self.cancel_button = QPushButton(QCoreApplication.translate("JoinDeviceDialog",
                                                                    "Cancel"))
        self.cancel_button.clicked.connect(self.reject)
        self.join_button = QPushButton(QCoreApplication.translate("JoinDeviceDialog", "Link"))
        self.join_button.setProperty("primary", True)
        self.join_button.setDefault(True)
        self.join_button.setAccessibleName(QCoreApplication.translate(
            "JoinDeviceDialog", "Link this desktop"))
        self.join_button.clicked.connect(self._join)
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.join_button)
        layout.addLayout(row)
        self._busy_buttons = [self.join_button, self.picture_button, self.camera_button]
        self.setAcceptDrops(True)
        self.code_edit.installEventFilter(self)
        self.code_edit.textChanged.connect(self.refresh_buttons)
        self.relay_edit.textChanged.connect(self.refresh_buttons)
        self.name_edit.textChanged.connect(self.refresh_buttons)
        self.passphrase.changed.connect(self.refresh_buttons)
        self.keyring_radio.toggled.connect(self._protection_changed)
        self.words_ready.connect(self._show_words)
        self.progress.connect(self._progress)
        self._protection_changed()

    def _short(self) -> bool:
        text = self.code_edit.text().strip()
        return bool(text) and not text.startswith("coterie://")   # a whole code names its relay

    def _protection_changed(self) -> None:
        self.passphrase.setVisible(self.pass_radio.isChecked())
        self.refresh_buttons()
        self.fit_height()

    def refresh_buttons(self) -> None:
        if not hasattr(self, "join_button"):
            return
        protected = self.keyring_radio.isChecked() or self.passphrase.value() is not None
        code = bool(self.code_edit.text().strip())
        relay = not self._short() or bool(self.relay_edit.text().strip())
        self.join_button.setEnabled(not self.busy and protected and code and relay
                                    and bool(self.name_edit.text().strip()))

    def _inputs(self, enabled: bool) -> None:
        for w in (self.code_edit, self.relay_edit, self.name_edit, self.keyring_radio,
                  self.pass_radio, self.passphrase, self.picture_button, self.camera_button):
            w.setEnabled(enabled)

    # -- the code from a picture ---------------------------------------------------------

    def _choose_picture(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, QCoreApplication.translate("JoinDeviceDialog", "Picture of the link code"),
            "", QCoreApplication.translate("JoinDeviceDialog", "Pictures (*.png *.jpg *.jpeg)"))
        if path:
            self.read_picture(Path(path))

    def _scan(self) -> None:
        dialog = CameraScanDialog(self._worker, self)
        dialog.accepted.connect(lambda: self._code_read(dialog.code))
        dialog.open()

    def read_picture(self, picture: Picture) -> None:
        """Read the link code in a picture on the worker; it fills the code field."""
        if self.busy or not self.code_edit.isEnabled():
            return
        self.status.hide()
        if isinstance(picture, QImage):
            image = picture.copy()
            fn = lambda: read_code(image)  # noqa: E731
        else:
            fn = lambda: read_code_from_file(picture)  # noqa: E731
        self.call(fn, self._code_read, slow=True, busy_text=QCoreApplication.translate(
            "JoinDeviceDialog", "Reading the code from the picture…"))

    def _code_read(self, code: str) -> None:
        self.show_error("")
        self.code_edit.setText(code)
        self.status.setText(QCoreApplication.translate(
            "JoinDeviceDialog", "The code was read from the picture. Name this desktop, then "
            "choose Link."))
        self.status.show()
        (self.join_button if self.join_button.isEnabled() else self.name_edit).setFocus()
        self.fit_height()

    @staticmethod
    def picture_in(mime: QMimeData | None) -> Picture | None:
        """The picture a drop or the clipboard carries: a PNG or JPEG file, a picture's
        bytes, or an image; None for anything else (text is pasted as text)."""
        if mime is None:
            return None
        for url in mime.urls() if mime.hasUrls() else []:
            if url.isLocalFile() and url.toLocalFile().lower().endswith(PICTURE_SUFFIXES):
                return Path(url.toLocalFile())
        for kind in PICTURE_TYPES:
            if mime.hasFormat(kind):
                data = bytes(mime.data(kind).data())
                if data:
                    return data
        if mime.hasImage():
            image = mime.imageData()
            if isinstance(image, QImage) and not image.isNull():
                return image
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.code_edit:
            kind = event.type()
            if kind == QEvent.Type.KeyPress and event.matches(QKeySequence.StandardKey.Paste):
                picture = self.picture_in(QGuiApplication.clipboard().mimeData())
                if picture is not None:
                    self.read_picture(picture)
                    return True
            elif kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
                if self.picture_in(event.mimeData()) is not None:
                    event.acceptProposedAction()
                    return True
            elif kind == QEvent.Type.Drop:
                picture = self.picture_in(event.mimeData())
                if picture is not None:
                    event.acceptProposedAction()
                    self.read_picture(picture)
                    return True
        return super().eventFilter(watched, event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if self.code_edit.isEnabled() and self.picture_in(event.mimeData()) is not None:
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        picture = self.picture_in(event.mimeData())
        if picture is None:
            super().dropEvent(event)
            return
        event.acceptProposedAction()
        self.read_picture(picture)

    def _join(self) -> None:
        svc = self._services
        code = self.code_edit.text().strip()
        relay = self.relay_edit.text().strip() if self._short() else None
        name = self.name_edit.text().strip()
        secret = None if self.keyring_radio.isChecked() else self.passphrase.value()
        self._answer.clear()
        self._match = False
        self._inputs(False)
        self.words.clear()
        self.words.hide()
        self.status.setText(QCoreApplication.translate(
            "JoinDeviceDialog", "Reaching your other desktop through its relay…"))
        self.status.show()

        def confirm(words: str, other: str) -> bool:
            self.words_ready.emit(words, other)
            self._answer.wait(WORDS_WAIT)
            return self._match

        self.call(lambda: svc.devices.join(code, name, secret, confirm,
                                           lambda d, t: self.progress.emit(d, t), relay=relay),
                  self._done, slow=True, on_error=self._failed)

    def _show_words(self, words: str, other: str) -> None:
        self.status.setText(QCoreApplication.translate(
            "JoinDeviceDialog", "Does your other desktop ({name}) show exactly these words?")
            .format(name=other))
        self.words.setText(words)
        self.words.show()
        for w in (self.match_button, self.differ_button):
            w.show()
        self.match_button.setFocus()
        self.fit_height()

    def _answer_words(self, match: bool) -> None:
        self._match = match
        for w in (self.match_button, self.differ_button):
            w.hide()
        if match:
            self.status.setText(QCoreApplication.translate(
                "JoinDeviceDialog", "Receiving your groups and their history…"))
            self.bar.setRange(0, 0)
            self.bar.show()
        self._answer.set()

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, 1000)
            self.bar.setValue(min(1000, done * 1000 // total))

    def _failed(self, exc: BaseException) -> None:
        self.bar.hide()
        self.words.hide()
        self.status.hide()
        for w in (self.match_button, self.differ_button):
            w.hide()
        self._inputs(True)
        self.show_error(advice(exc))

    def _done(self, info: JoinInfo) -> None:
        self.joined = info
        self.passphrase.first.clear()
        self.passphrase.confirm.clear()
        self.accept()

    def reject(self) -> None:
        self._match = False
        self._answer.set()       # a join waiting for the words ends as "did not match"
        super().reject()
