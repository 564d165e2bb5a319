"""Linked desktops: the window side of app/devices.py (docs/protocol.md §16).

The list shows this member's devices (name, when linked, last active) with Revoke; "Link a
desktop" shows the one-time code as a QR code and as text, then the five words both
screens must show, asks the person to compare them, and shows the transfer's progress.
Every service call runs on the worker's slow lane; the linking call waits there for the
person's answer to the words (a threading.Event the buttons set).
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.devices import DeviceView, LinkInfo, short_code
from ui.dialogs.base import ServiceDialog, copy_to_clipboard
from ui.qr import qr_pixmap
from ui.timefmt import full, moment

if TYPE_CHECKING:
    from ui.context import AppContext


def _para(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


class DevicesDialog(ServiceDialog):
    """This member's desktops, linking a new one, revoking one."""

    code_ready = Signal(str)
    words_ready = Signal(str, str)
    progress = Signal(int, int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("DevicesDialog", "Linked desktops"), parent)
        self._svc = ctx.services
        self._answer = threading.Event()
        self._match = False
        self._linking = False
        self._can_link = True
        self.setMinimumWidth(680)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.addWidget(_para(QCoreApplication.translate("DevicesDialog", "Use Coterie on up to five desktops as the same member. Each "
                                   "desktop has its own keys; the others in your groups still "
                                   "see one person with one safety number.")))
        self.table = QTreeWidget()
        self.table.setAccessibleName(QCoreApplication.translate("DevicesDialog", "Your desktops"))
        self.table.setHeaderLabels([QCoreApplication.translate("DevicesDialog", "Name"), QCoreApplication.translate("DevicesDialog", "Linked"), QCoreApplication.translate("DevicesDialog", "Last active"), QCoreApplication.translate("DevicesDialog", "State")])
        self.table.setRootIsDecorated(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.header()
        header.setStretchLastSection(False)
        for col in (0, 1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setWordWrap(True)
        self.table.setMinimumHeight(130)
        self.table.itemSelectionChanged.connect(self._refresh_buttons)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.revoke_button = QPushButton(QCoreApplication.translate("DevicesDialog", "Revoke…"))
        self.revoke_button.setAccessibleName(QCoreApplication.translate("DevicesDialog", "Revoke the selected desktop"))
        self.revoke_button.clicked.connect(self._revoke)
        self.revoke_button.setEnabled(False)
        row.addWidget(self.revoke_button)
        row.addStretch(1)
        self.history_box = QCheckBox(QCoreApplication.translate(
            "DevicesDialog", "Send the history and files too"))
        self.history_box.setToolTip(QCoreApplication.translate(
            "DevicesDialog", "Without it the new desktop gets your groups and everything "
            "needed to take part, but none of the past posts and files."))
        self.history_box.setChecked(True)
        row.addWidget(self.history_box)
        self.link_button = QPushButton(QCoreApplication.translate("DevicesDialog", "Link a desktop"))
        self.link_button.setProperty("primary", True)
        self.link_button.setAccessibleName(QCoreApplication.translate("DevicesDialog", "Link a desktop"))
        self.link_button.clicked.connect(self._link)
        row.addWidget(self.link_button)
        layout.addLayout(row)

        self.link_box = QWidget()
        lv = QVBoxLayout(self.link_box)
        lv.setContentsMargins(0, 8, 0, 0)
        self.code_box = QWidget()
        top = QHBoxLayout(self.code_box)
        top.setContentsMargins(0, 0, 0, 0)
        self.qr = QLabel()
        self.qr.setAccessibleName(QCoreApplication.translate("DevicesDialog", "Link code as a QR code"))
        self.qr.setFixedSize(180, 180)
        self.qr.setScaledContents(True)
        top.addWidget(self.qr)
        right = QVBoxLayout()
        right.addWidget(_para(QCoreApplication.translate(
            "DevicesDialog", "On the new desktop, choose \"Link to a desktop I already use\" "
            "and type or paste this code. It works once, for 10 minutes; both desktops then "
            "show five words to compare.")))
        self.code = QLineEdit()
        self.code.setReadOnly(True)
        self.code.setAccessibleName(QCoreApplication.translate("DevicesDialog", "Link code"))
        right.addWidget(self.code)
        self.short = QLabel()
        self.short.setObjectName("safetyNumber")
        self.short.setWordWrap(True)
        self.short.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.short.setAccessibleName(QCoreApplication.translate("DevicesDialog", "Short code"))
        right.addWidget(self.short)
        self.short_hint = _para("", "hint")
        right.addWidget(self.short_hint)
        self.copy_button = QPushButton(QCoreApplication.translate("DevicesDialog", "Copy code"))
        self.copy_button.clicked.connect(lambda: copy_to_clipboard(self.copy_button,
                                                                   self.code.text()))
        crow = QHBoxLayout()
        crow.addWidget(self.copy_button)
        crow.addStretch(1)
        right.addLayout(crow)
        right.addStretch(1)
        top.addLayout(right, 1)
        lv.addWidget(self.code_box)
        self.status = _para("", "hint")
        lv.addWidget(self.status)
        self.words = QLabel()
        self.words.setObjectName("safetyNumber")
        self.words.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.words.setAccessibleName(QCoreApplication.translate("DevicesDialog", "Confirmation words"))
        self.words.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lv.addWidget(self.words)
        wrow = QHBoxLayout()
        wrow.addStretch(1)
        self.differ_button = QPushButton(QCoreApplication.translate("DevicesDialog", "They differ"))
        self.differ_button.clicked.connect(lambda: self._answer_words(False))
        self.match_button = QPushButton(QCoreApplication.translate("DevicesDialog", "The words match"))
        self.match_button.setProperty("primary", True)
        self.match_button.clicked.connect(lambda: self._answer_words(True))
        wrow.addWidget(self.differ_button)
        wrow.addWidget(self.match_button)
        lv.addLayout(wrow)
        self.bar = QProgressBar()
        self.bar.setAccessibleName(QCoreApplication.translate("DevicesDialog", "Transfer progress"))
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(8)
        lv.addWidget(self.bar)
        layout.addWidget(self.link_box)
        self.link_box.hide()
        layout.addWidget(self.error_label)
        close = QPushButton(QCoreApplication.translate("DevicesDialog", "Close"))
        close.clicked.connect(self.reject)
        brow = QHBoxLayout()
        brow.addStretch(1)
        brow.addWidget(close)
        layout.addLayout(brow)
        self.code_ready.connect(self._show_code)
        self.words_ready.connect(self._show_words)
        self.progress.connect(self._progress)
        self._devices: list[DeviceView] = []
        self._load()

    # -- the list -------------------------------------------------------------------------------
    def _load(self) -> None:
        svc = self._svc
        self._worker.run(lambda: (svc.devices.list(), svc.devices.can_link()), self._loaded,
                         lambda e: self.show_error(str(e)), slow=True, owner=self)

    def _loaded(self, result: tuple[list[DeviceView], bool]) -> None:
        devices, self._can_link = result
        self._devices = devices
        self.table.clear()
        for d in devices:
            state = []
            if d.this_device:
                state.append(QCoreApplication.translate("DevicesDialog", "this desktop"))
            if d.first:
                state.append(QCoreApplication.translate("DevicesDialog", "holds your identity"))
            if d.revoked:
                state.append(QCoreApplication.translate("DevicesDialog", "revoked"))
            item = QTreeWidgetItem([d.name, moment(d.linked_at) if d.linked_at else "—",
                                    moment(d.last_active) if d.last_active else "—",
                                    ", ".join(state)])
            for col, ts in ((1, d.linked_at), (2, d.last_active)):
                if ts:
                    item.setToolTip(col, full(ts))
            item.setToolTip(3, ", ".join(state))
            item.setData(0, Qt.ItemDataRole.UserRole, d.id)
            self.table.addTopLevelItem(item)
        for col in (1, 2, 3):
            self.table.resizeColumnToContents(col)
        self._refresh_buttons()

    def _selected(self) -> DeviceView | None:
        items = self.table.selectedItems()
        if not items:
            return None
        wanted = items[0].data(0, Qt.ItemDataRole.UserRole)
        return next((d for d in self._devices if d.id == wanted), None)

    def _refresh_buttons(self) -> None:
        d = self._selected()
        # any other desktop, the first one too (from a linked or restored desktop, when it
        # is lost: protocol §16.8); never this one
        self.revoke_button.setEnabled(d is not None and not d.revoked
                                      and not d.this_device and not self._linking)
        # a desktop made by linking holds no identity key: it links nothing (§16.7)
        self.link_button.setEnabled(not self._linking and self._can_link)
        self.history_box.setEnabled(not self._linking and self._can_link)

    def _revoke(self) -> None:
        d = self._selected()
        if d is None:
            return
        self.revoke_button.setEnabled(False)
        self._worker.run(lambda: self._svc.devices.revoke(d.id), lambda _n: self._load(),
                         lambda e: self.show_error(str(e)), slow=True, owner=self)

    # -- linking --------------------------------------------------------------------------------
    def _link(self) -> None:
        self._linking = True
        self._answer.clear()
        self.error_label.clear()
        self.link_box.show()
        self.code_box.show()
        self.qr.clear()
        self.code.setText("")
        self.words.setText("")
        self.status.setText(QCoreApplication.translate("DevicesDialog", "Making a code…"))
        for w in (self.match_button, self.differ_button):
            w.hide()
        self.bar.hide()
        self._refresh_buttons()
        svc = self._svc

        def confirm(words: str, other: str) -> bool:
            self.words_ready.emit(words, other)
            self._answer.wait(300)
            return self._match

        history = self.history_box.isChecked()
        self._worker.run(lambda: svc.devices.link(self.code_ready.emit, confirm,
                                                  lambda d, t: self.progress.emit(d, t),
                                                  history=history),
                         self._linked, self._failed, slow=True, owner=self)

    def _show_code(self, code: str) -> None:
        self.code.setText(code)
        short, relay = short_code(code)
        self.short.setText(short)
        self.short_hint.setText(QCoreApplication.translate(
            "DevicesDialog", "or type this short code, with the relay {relay}").format(relay=relay))
        self.qr.setPixmap(qr_pixmap(code))
        self.status.setText(QCoreApplication.translate("DevicesDialog", "Waiting for the new desktop…"))

    def show_code_for_test(self, code: str) -> None:
        """Show the code and words as a link in progress would (screenshots)."""
        self.link_box.show()
        self._show_code(code)

    def _show_words(self, words: str, other: str) -> None:
        self.status.setText(QCoreApplication.translate("DevicesDialog", "Does \"{name}\" show exactly these words?").format(name=other))
        self.words.setText(words)
        for w in (self.match_button, self.differ_button):
            w.show()

    def _answer_words(self, match: bool) -> None:
        self._match = match
        for w in (self.match_button, self.differ_button):
            w.hide()
        if match:
            self.status.setText(
                QCoreApplication.translate("DevicesDialog", "Sending your groups and their history…")
                if self.history_box.isChecked() else
                QCoreApplication.translate("DevicesDialog", "Sending your groups…"))
            self.bar.setRange(0, 0)
            self.bar.show()
        self._answer.set()

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, 1000)
            self.bar.setValue(min(1000, done * 1000 // total))

    def _linked(self, info: LinkInfo) -> None:
        self._linking = False
        self.bar.hide()
        self.code_box.hide()      # the code is used up
        self.words.clear()
        if info.history:
            text = QCoreApplication.translate("DevicesDialog", "{name} is linked: it has your "
                                              "{count} groups and their history.")
        else:
            text = QCoreApplication.translate("DevicesDialog", "{name} is linked: it has your "
                                              "{count} groups, without their past posts.")
        self.status.setText(text.format(name=info.name, count=info.groups))
        self._load()

    def _failed(self, error: Any) -> None:
        self._linking = False
        self.bar.hide()
        self.link_box.hide()
        self.show_error(str(error))
        self._refresh_buttons()

    def reject(self) -> None:
        self._match = False
        self._answer.set()       # a link waiting for the words ends as "did not match"
        super().reject()
