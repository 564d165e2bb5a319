"""Later runs against the real services: the unlock dialog with a wrong and a right
passphrase, and the recovery code that sets a new passphrase."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.api import Services
from app.errors import AppError
from app.views import ProfileState
from tests.keyring_double import MemoryKeyring
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
    code = svc.profile.create("Ana", PASS)
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
        assert services.profile.state() is ProfileState.LOCKED
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
    again.profile.unlock("a brand new passphrase here")
    assert again.profile.me().name == "Ana"
    again.close()




def test_with_a_keyring_the_first_run_offers_it_and_later_runs_open_silently(
        qtbot, qapp, tmp_path: Path) -> None:  # noqa: ANN001
    from ui.dialogs.first_run import FirstRunDialog

    keyring = MemoryKeyring()
    services = Services(tmp_path / "profile", keyring_backend=keyring)
    worker = Worker()
    startup = Startup(services, worker, ThemeController(qapp, "light"))
    startup.begin()
    qtbot.waitUntil(lambda: isinstance(startup.dialog, FirstRunDialog), timeout=WAIT)
    dialog = startup.dialog
    qtbot.keyClicks(dialog.name_edit, "Ana")
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.keyring_radio.isVisible() and dialog.keyring_radio.isChecked()
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2, timeout=WAIT)
    dialog.saved_box.setChecked(True)
    with qtbot.waitSignal(startup.ready, timeout=WAIT) as got:
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    qtbot.addWidget(got.args[0])
    assert keyring.entries  # the store key went into the keyring
    _finish(startup, services, worker)

    later = Services(tmp_path / "profile", keyring_backend=keyring)
    worker2 = Worker()
    startup2 = Startup(later, worker2, ThemeController(qapp, "light"))
    with qtbot.waitSignal(startup2.ready, timeout=WAIT) as got2:
        startup2.begin()
    qtbot.addWidget(got2.args[0])
    assert startup2.dialog is None  # no passphrase, no dialog
    _finish(startup2, later, worker2)


def test_settings_move_the_key_and_renew_the_recovery_code(qtbot, qapp, tmp_path: Path) -> None:
    from ui.dialogs.settings import SettingsDialog

    keyring = MemoryKeyring()
    services = Services(tmp_path / "profile", keyring_backend=keyring)
    old_code = services.profile.create("Ana", PASS)
    worker = Worker()
    startup = Startup(services, worker, ThemeController(qapp, "light"))
    with qtbot.waitSignal(startup.ready, timeout=WAIT) as got:
        startup.begin()
    window = got.args[0]
    qtbot.addWidget(window)
    try:
        window.open_settings()
        dialog = next(d for d in window.findChildren(SettingsDialog) if d.isVisible())
        qtbot.waitUntil(dialog.keyring_button.isVisible, timeout=WAIT)
        qtbot.mouseClick(dialog.keyring_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Changed." in dialog.protection_label.text(), timeout=WAIT)
        assert services.profile.me().protection == "keyring" and keyring.entries
        qtbot.mouseClick(dialog.recovery_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.code_label.text() != "", timeout=WAIT)
        new_code = dialog.code_label.text()
        assert new_code != old_code
    finally:
        _finish(startup, services, worker)
    keyring.entries.clear()  # the keyring is lost: only the recovery code opens the profile
    again = Services(tmp_path / "profile", keyring_backend=keyring)
    with pytest.raises(AppError, match="recovery code"):
        again.profile.unlock_with_recovery(old_code, "another long passphrase")
    again.profile.unlock_with_recovery(new_code, "another long passphrase")
    assert again.profile.me().name == "Ana"
    again.close()
