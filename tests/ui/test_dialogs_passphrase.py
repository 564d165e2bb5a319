"""The profile dialogs against the real services: a passphrase mismatch is an error, the
passphrase can be shown, the recovery code's Copy says it copied, and the unlock dialog
comes up in the theme the person chose."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QLineEdit

from app.api import Services
from ui.dialogs.first_run import FirstRunDialog
from ui.dialogs.unlock import UnlockDialog
from ui.gui import Startup
from ui.theme import ThemeController
from ui.worker import Worker

pytestmark = pytest.mark.slow
WAIT = 30_000
PASS = "saffron kettle under the stairs"


def _finish(startup: Startup, services: Services, worker: Worker) -> None:
    if startup.window is not None:
        startup.window.close()
    worker.run(services.close, None, lambda e: None, slow=True)
    worker.shutdown()


def test_first_run_shows_a_mismatch_as_an_error_and_can_show_the_passphrase(
        qtbot, qapp, tmp_path: Path) -> None:  # noqa: ANN001
    services = Services(tmp_path / "profile")
    worker = Worker()
    startup = Startup(services, worker, ThemeController(qapp, "light"))
    startup.begin()
    try:
        qtbot.waitUntil(lambda: isinstance(startup.dialog, FirstRunDialog), timeout=WAIT)
        dialog = startup.dialog
        qtbot.keyClicks(dialog.name_edit, "Ana")
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
        dialog.pass_radio.setChecked(True)
        fields = dialog.passphrase
        qtbot.keyClicks(fields.first, PASS)
        fields.confirm.setFocus()
        qtbot.waitUntil(fields.confirm.hasFocus, timeout=WAIT)
        qtbot.keyClicks(fields.confirm, "saffron")  # on its way to a match: no error yet
        assert not fields.mismatch.isVisibleTo(dialog)
        qtbot.keyClicks(fields.confirm, " cattle")
        assert fields.mismatch.isVisibleTo(dialog)
        assert fields.mismatch.objectName() == "errorLabel"
        assert fields.confirm.property("invalid") is True
        assert not dialog.next_button.isEnabled()
        # the eye shows both fields, to see where they differ
        assert fields.first.echoMode() == QLineEdit.EchoMode.Password
        fields.reveal.trigger()
        assert fields.first.echoMode() == fields.confirm.echoMode() == QLineEdit.EchoMode.Normal
        fields.reveal.trigger()
        assert fields.confirm.echoMode() == QLineEdit.EchoMode.Password
        fields.confirm.clear()
        qtbot.keyClicks(fields.confirm, PASS)
        assert not fields.mismatch.isVisibleTo(dialog) and dialog.next_button.isEnabled()
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2, timeout=WAIT)
        qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
        assert QGuiApplication.clipboard().text() == dialog.recovery_code
        assert dialog.copy_button.text() == "Copied ✓"
        dialog.saved_box.setChecked(True)
        with qtbot.waitSignal(startup.ready, timeout=WAIT) as got:
            qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
        qtbot.addWidget(got.args[0])
    finally:
        _finish(startup, services, worker)


def _unlock_dialog(qtbot, qapp, profile: Path) -> tuple[Startup, Services, Worker]:  # noqa: ANN001
    services = Services(profile)
    worker = Worker()
    startup = Startup(services, worker, ThemeController(qapp, "light"), profile_dir=profile)
    startup.begin()
    qtbot.waitUntil(lambda: isinstance(startup.dialog, UnlockDialog), timeout=WAIT)
    return startup, services, worker


def _is_dark(dialog: UnlockDialog) -> bool:
    return dialog.palette().color(QPalette.ColorRole.Window).lightness() < 100


def test_the_unlock_dialog_uses_the_chosen_theme_and_can_show_the_passphrase(
        qtbot, qapp, tmp_path: Path) -> None:  # noqa: ANN001
    profile = tmp_path / "profile"
    first = Services(profile)
    first.profile.create("Ana", PASS)
    first.settings.update(theme="dark")
    first.close()
    # the first unlock cannot know the theme yet; the window it opens remembers it
    startup, services, worker = _unlock_dialog(qtbot, qapp, profile)
    try:
        dialog = startup.dialog
        dialog.passphrase_edit.setText(PASS)
        with qtbot.waitSignal(startup.ready, timeout=WAIT) as got:
            qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
        qtbot.addWidget(got.args[0])
    finally:
        _finish(startup, services, worker)
    startup, services, worker = _unlock_dialog(qtbot, qapp, profile)
    try:
        dialog = startup.dialog
        qtbot.addWidget(dialog)
        assert _is_dark(dialog)
        assert startup.theme.theme.name == "dark"
        qtbot.keyClicks(dialog.passphrase_edit, PASS)
        assert dialog.passphrase_edit.echoMode() == QLineEdit.EchoMode.Password
        dialog.reveal.trigger()
        assert dialog.passphrase_edit.echoMode() == QLineEdit.EchoMode.Normal
    finally:
        _finish(startup, services, worker)
        startup.theme.apply("light")
