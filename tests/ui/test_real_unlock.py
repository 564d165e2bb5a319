"""Later runs against the real services: the unlock dialog with a wrong and a right
passphrase, and the recovery code that sets a new passphrase."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.api import Services
from app.views import ProfileState
from ui.dialogs.unlock import UnlockDialog
from ui.gui import Startup
from ui.theme import ThemeController
from ui.worker import Worker

pytestmark = pytest.mark.slow
WAIT = 30_000
PASS = "saffron kettle under the stairs"


@pytest.fixture
def locked_profile(tmp_path: Path) -> tuple[Path, str]:
    svc = Services(tmp_path / "profile")
    code = svc.init_profile("Ana", PASS)
    svc.close()
    return tmp_path / "profile", code


def _startup(qtbot, qapp, profile: Path) -> tuple[Startup, Services, Worker]:  # noqa: ANN001
    services = Services(profile)
    worker = Worker()
    startup = Startup(services, worker, ThemeController(qapp, "light"))
    startup.begin()
    qtbot.waitUntil(lambda: isinstance(startup.dialog, UnlockDialog), timeout=WAIT)
    return startup, services, worker


def _finish(startup: Startup, services: Services, worker: Worker) -> None:
    if startup.window is not None:
        startup.window.close()
    worker.run(services.close, None, lambda e: None, slow=True)
    worker.shutdown()


def test_a_wrong_passphrase_is_explained_and_the_right_one_opens(qtbot, qapp,
                                                                locked_profile) -> None:
    startup, services, worker = _startup(qtbot, qapp, locked_profile[0])
    try:
        dialog = startup.dialog
        qtbot.keyClicks(dialog.passphrase_edit, "not it at all")
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.error_label.objectName() == "errorLabel"
                        and dialog.error_label.text() != "", timeout=WAIT)
        assert "passphrase" in dialog.error_label.text().lower()
        assert services.profile_state() is ProfileState.LOCKED
        dialog.passphrase_edit.setText(PASS)
        with qtbot.waitSignal(startup.ready, timeout=WAIT) as got:
            qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
        qtbot.addWidget(got.args[0])
        qtbot.waitUntil(lambda: got.args[0].sidebar.me_label.text() == "Ana", timeout=WAIT)
    finally:
        _finish(startup, services, worker)


def test_the_recovery_code_opens_and_sets_a_new_passphrase(qtbot, qapp, locked_profile) -> None:
    profile, code = locked_profile
    startup, services, worker = _startup(qtbot, qapp, profile)
    try:
        dialog = startup.dialog
        qtbot.mouseClick(dialog.switch_button, Qt.MouseButton.LeftButton)
        qtbot.keyClicks(dialog.code_edit, code.lower().replace("-", " "))
        dialog.new_pass.first.setText("a brand new passphrase here")
        dialog.new_pass.confirm.setText("a brand new passphrase here")
        with qtbot.waitSignal(startup.ready, timeout=WAIT) as got:
            qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
        qtbot.addWidget(got.args[0])
    finally:
        _finish(startup, services, worker)
    again = Services(profile)
    again.unlock("a brand new passphrase here")
    assert again.me().name == "Ana"
    again.close()
