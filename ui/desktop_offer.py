"""The app's one-time offer to put Coterie in the desktop's launcher (ui/desktop_entry.py).

Asked once per profile, after the main window first opens, on Linux only and only when the
entry is not installed already; the answer (either way) is remembered in the profile's
window.ini, so the question never comes back. The files are written on the worker."""
from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QMessageBox, QWidget

from ui import desktop_entry
from ui.worker import Worker

OFFERED_KEY = "desktop_entry_offered"


def should_offer(state: QSettings | None) -> bool:
    return (sys.platform.startswith("linux") and state is not None
            and not _truthy(state.value(OFFERED_KEY)))


def offer_desktop_entry(window: QWidget, state: QSettings | None,
                        worker: Worker) -> None:
    """Ask (without blocking) whether to add Coterie to the applications menu, once."""
    if not should_offer(state):
        return
    assert state is not None
    worker.run(desktop_entry.is_installed,
               lambda installed: None if installed else _ask(window, state, worker),
               lambda _exc: None, owner=window)



def _ask(window: QWidget, state: QSettings, worker: Worker) -> QMessageBox:
    box = QMessageBox(
        QMessageBox.Icon.Question, QCoreApplication.translate("DesktopOffer", "Add Coterie to your applications?"),
        QCoreApplication.translate(
            "DesktopOffer", "Add Coterie to your desktop's applications menu? Invite links "
            "(coterie://…) will then open in Coterie."),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, window)
    box.setObjectName("desktopEntryOffer")
    box.button(QMessageBox.StandardButton.Yes).setText(
        QCoreApplication.translate("DesktopOffer", "Add to applications"))
    box.button(QMessageBox.StandardButton.No).setText(
        QCoreApplication.translate("DesktopOffer", "Not now"))
    box.setInformativeText(QCoreApplication.translate(
        "DesktopOffer", "You can change this later with coterie --install-desktop-entry or "
        "--uninstall-desktop-entry."))

    def failed(exc: BaseException) -> None:
        QMessageBox.warning(window, QCoreApplication.translate("DesktopOffer", "Coterie"), QCoreApplication.translate(
            "DesktopOffer", "Coterie could not add itself to the applications menu "
            "({0}).").format(type(exc).__name__))

    def answered(result: int) -> None:
        if result not in (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No):
            return  # closed with the window, unanswered: ask again next time
        state.setValue(OFFERED_KEY, True)
        state.sync()
        if result == QMessageBox.StandardButton.Yes:
            worker.run(desktop_entry.install, None, failed, owner=window)

    box.finished.connect(answered)
    box.open()
    return box


def _truthy(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")
