"""First run and a failing keyring, through the real services in tmp_path. (Unlocking with a
passphrase or the recovery code, and the keyring's silent start: test_real_unlock.py.)"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
)

from app.api import Services
from app.views import ProfileState
from tests.keyring_double import MemoryKeyring
from tests.ui.flows import (
    open_dialog,
)
from tests.ui.real_services import WAIT, LiveWorld
from ui.dialogs.first_run import FirstRunDialog
from ui.dialogs.join import JoinDialog
from ui.gui import Startup
from ui.theme import ThemeController
from ui.worker import Worker

pytestmark = pytest.mark.timeout(120)

STRONG = "purple tractor sings loudly"
RECOVERY_CODE = re.compile(r"^[0-9A-Z]{4}(-[0-9A-Z]{4}){7}$")


# -- first run ---------------------------------------------------------------------------------
# Unlocking with a passphrase or the recovery code, and the keyring's silent start, are in
# tests/ui/test_real_unlock.py.

def test_first_run_with_a_passphrase_shows_the_recovery_code_once(qtbot, tmp_path: Path) -> None:
    services = Services(tmp_path / "profile", keyring_backend=None)
    worker = Worker()
    dialog = FirstRunDialog(services, worker, keyring=False)
    qtbot.addWidget(dialog)
    try:
        dialog.show()
        assert not dialog.next_button.isEnabled()
        qtbot.keyClicks(dialog.name_edit, "Ana")
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
        assert dialog.pages.currentIndex() == 1
        assert not dialog.keyring_radio.isVisible()  # no real keyring: passphrase only
        qtbot.keyClicks(dialog.passphrase.first, "short")
        assert not dialog.next_button.isEnabled()
        assert dialog.passphrase.hint.text().startswith("Too short")
        dialog.passphrase.first.setText(STRONG)
        qtbot.keyClicks(dialog.passphrase.confirm, STRONG)
        assert dialog.next_button.isEnabled()
        assert dialog.passphrase.meter.value() >= 3
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2, timeout=WAIT)
        code = dialog.code_label.text()
        assert RECOVERY_CODE.match(code), code
        assert not dialog.next_button.isEnabled()
        dialog.reject()  # closing before confirming is refused: the code would be lost
        assert dialog.isVisible()
        dialog.saved_box.setChecked(True)
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
        assert dialog.result() == dialog.DialogCode.Accepted
        assert dialog.code_label.text() == ""
        assert services.profile.state() is ProfileState.UNLOCKED
        assert services.profile.me().name == "Ana"
        assert services.profile.me().protection == "passphrase"
        info = services.profile.unlock_info()
        assert info.passphrase and info.recovery and not info.keyring
    finally:
        worker.shutdown()
        services.close()


def test_a_new_profile_starts_with_the_first_run_dialog(qtbot, qapp, tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    services = Services(tmp_path / "profile", keyring_backend=keyring)
    worker = Worker()
    link = "coterie://join#1.r.s.f"
    startup = Startup(services, worker, ThemeController(qapp, "light"), join_link=link)
    try:
        startup.begin()
        qtbot.waitUntil(lambda: isinstance(startup.dialog, FirstRunDialog), timeout=WAIT)
        dialog = startup.dialog
        qtbot.addWidget(dialog)
        qtbot.keyClicks(dialog.name_edit, "Ana")
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
        assert dialog.keyring_radio.isChecked()
        qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 2, timeout=WAIT)
        dialog.saved_box.setChecked(True)
        with qtbot.waitSignal(startup.ready, timeout=WAIT) as got:
            qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
        window = got.args[0]
        qtbot.addWidget(window)
        join = open_dialog(window, JoinDialog)  # the link from the launcher goes to the join flow
        assert join.link_edit.text() == link
        assert services.profile.me().protection == "keyring" and keyring.entries
    finally:
        if startup.window is not None:
            startup.window.close()
        worker.shutdown()
        services.close()


def test_a_locked_keyring_is_explained_instead_of_opening(qtbot, qapp, world: LiveWorld) -> None:
    from ui.dialogs.unlock import UnlockDialog

    world.keyring.locked = True  # as Secret Service is when its unlock prompt was dismissed
    services = Services(world.profile_dir("Ana"), keyring_backend=world.keyring)
    worker = Worker()
    startup = Startup(services, worker, ThemeController(qapp, "light"))
    try:
        startup.begin()
        qtbot.waitUntil(lambda: isinstance(startup.dialog, UnlockDialog), timeout=WAIT)
        dialog = startup.dialog
        qtbot.addWidget(dialog)
        shown = " ".join(label.text() for label in dialog.findChildren(QLabel)
                         if label.isVisibleTo(dialog)).lower()
        assert startup.window is None
        assert services.profile.state() is ProfileState.LOCKED
        assert dialog.code_edit.isVisible()  # the recovery code still opens it
        # ... but first the user is told why: unlocking the keyring and starting again
        # would do, without replacing the key's protection
        assert "keyring could not be read" in shown, shown
    finally:
        worker.shutdown()
        services.close()
