"""Joining from the window: a new installation's first run links it to a desktop the member
already uses — code typed in, the five words compared on both screens, progress while the
history transfers, then its own recovery code (the linking side's "history and files" box
unticked here: the groups come, their past posts do not). Both sides through real windows and services
and a real relay; a code typed wrong and a code already used are refused with a sentence
saying what to do. Rendered light and dark and looked at."""
from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

import crypto
from app.api import Services
from app.views import ProfileState
from crypto import link as wire
from sync.transport import RelayClient
from sync.values import MailboxSpec
from tests.keyring_double import MemoryKeyring
from tests.ui.conftest import RealApp
from tests.ui.test_screenshots import _check, _out_dir
from ui.dialogs.device_join import JoinDeviceDialog
from ui.dialogs.devices import DevicesDialog
from ui.dialogs.first_run import FirstRunDialog
from ui.worker import Worker

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]
WAIT = 90_000


def _shots(qtbot, real_app: RealApp, dialog, name: str, out: Path) -> None:  # noqa: ANN001
    """Light and dark while calls may be waiting on the workers (no settling)."""
    theme = real_app.window._ctx.theme
    for choice in ("light", "dark"):
        theme.apply(choice)
        qtbot.wait(250)
        _check(dialog, name, choice, out)
    theme.apply("light")


def _wrong(code: str) -> str:
    """The same code with one character of its secret typed wrong."""
    head, secret = code.rsplit(".", 1)
    c = secret[3]
    return f"{head}.{secret[:3]}{'B' if c != 'B' else 'C'}{secret[4:]}"


def test_a_new_installation_links_itself_from_its_first_run(
        qtbot, real_app: RealApp, tmp_path: Path) -> None:  # noqa: ANN001
    out = _out_dir(tmp_path)
    ana = real_app.services
    groups = {g.name for g in ana.groups.list()}
    devices = real_app.window.open_devices()
    assert isinstance(devices, DevicesDialog)
    qtbot.waitUntil(lambda: devices.table.topLevelItemCount() == 1, timeout=WAIT)
    assert devices.history_box.isChecked()           # history goes along unless unticked
    devices.history_box.setChecked(False)
    devices.link_button.click()
    qtbot.waitUntil(lambda: devices.code.text().startswith("coterie://link#"), timeout=WAIT)
    code = devices.code.text()

    keyring = MemoryKeyring()
    fresh = Services(tmp_path / "laptop", keyring_backend=keyring)
    worker = Worker()          # the new installation is another app: its own worker
    try:
        first = FirstRunDialog(fresh, worker, keyring=True)
        qtbot.addWidget(first)
        first.show()
        _shots(qtbot, real_app, first, "first_run_with_link", out)
        first.link_button.click()
        join = first.findChild(JoinDeviceDialog)
        assert join is not None
        assert not join.join_button.isEnabled()          # no code yet
        qtbot.keyClicks(join.code_edit, "ABCDE-FGHJK")
        assert not join.join_button.isEnabled()          # a short code needs its relay
        join.code_edit.clear()
        join.code_edit.setText(_wrong(code))
        join.name_edit.setText("Laptop")
        assert join.join_button.isEnabled()
        join.join_button.click()                          # typed wrong: nothing is waiting
        qtbot.waitUntil(lambda: join.error_label.isVisibleTo(join) and not join.busy,
                        timeout=WAIT)
        assert "No device is waiting for this code" in join.error_label.text()
        assert "for a new code, then type it here" in join.error_label.text()
        assert not (tmp_path / "laptop").exists()
        _shots(qtbot, real_app, join, "device_join_error", out)

        join.code_edit.setText(code)
        join.join_button.click()
        qtbot.waitUntil(lambda: join.match_button.isVisibleTo(join), timeout=WAIT)
        qtbot.waitUntil(lambda: devices.match_button.isVisibleTo(devices), timeout=WAIT)
        assert join.words.text() and join.words.text() == devices.words.text()
        assert "Laptop" in devices.status.text()
        _shots(qtbot, real_app, join, "device_join_words", out)
        join.match_button.click()
        qtbot.waitUntil(lambda: join.bar.isVisibleTo(join), timeout=WAIT)
        _shots(qtbot, real_app, join, "device_join_progress", out)
        steps: list[tuple[int, int]] = []
        join.progress.connect(lambda d, t: steps.append((d, t)))
        devices.match_button.click()
        qtbot.waitUntil(lambda: first.pages.currentIndex() == 2, timeout=WAIT)
        assert not join.isVisible()
        assert steps and steps[-1][0] == steps[-1][1] > 0      # the bar reached its end
        assert first.recovery_code and first.code_label.text() == first.recovery_code
        _shots(qtbot, real_app, first, "first_run_linked", out)
        first.saved_box.setChecked(True)
        first.next_button.click()
        qtbot.waitUntil(lambda: not first.isVisible(), timeout=WAIT)
        assert fresh.profile.state() is ProfileState.UNLOCKED
        assert fresh.profile.me().fingerprint == ana.profile.me().fingerprint
        assert {g.name for g in fresh.groups.list()} == groups
        for g in fresh.groups.list():
            assert g.unread == 0
            assert [p for p in fresh.posts.latest(g.id, 50).posts     # notes and integrity
                    if not p.id.startswith(("note-", "warning-"))] == []   # warnings stay
        assert any(not p.id.startswith(("note-", "warning-")) for g in ana.groups.list()
                   for p in ana.posts.latest(g.id, 50).posts)
        qtbot.waitUntil(lambda: "without their past posts" in devices.status.text(),
                        timeout=WAIT)
        qtbot.waitUntil(lambda: devices.table.topLevelItemCount() == 2, timeout=WAIT)

        # the same code again, on yet another installation: used up
        other = Services(tmp_path / "third", keyring_backend=keyring)
        try:
            again = JoinDeviceDialog(other, worker, True)
            qtbot.addWidget(again)
            again.show()
            again.code_edit.setText(code)
            again.join_button.click()
            qtbot.waitUntil(lambda: again.error_label.isVisibleTo(again) and not again.busy,
                            timeout=WAIT)
            assert "No device is waiting for this code" in again.error_label.text()
            assert not (tmp_path / "third").exists()
        finally:
            other.close()
    finally:
        worker.shutdown()
        fresh.close()


def test_a_relay_that_alters_the_link_channel_is_named_and_nothing_is_kept(
        qtbot, real_app: RealApp, tmp_path: Path) -> None:  # noqa: ANN001
    """The relay (not knowing the code's secret) puts bytes of its own in the link mailbox:
    the window says the link was altered, to start again, and to try another relay."""
    out = _out_dir(tmp_path)
    code = wire.new_code(real_app.relay_url, os.urandom)

    async def tamper() -> None:
        client = RelayClient(real_app.relay_url, clock=time.time, rng=os.urandom)
        try:
            await client.create_mailbox(code.capability, MailboxSpec(
                crypto.KIND_INVITE, int(time.time()) + wire.LINK_SECONDS))
            await client.append(code.capability, [b"\1" + b"\x55" * 1023])
        finally:
            await client.aclose()

    asyncio.run(tamper())
    fresh = Services(tmp_path / "laptop", keyring_backend=MemoryKeyring())
    worker = Worker()
    try:
        join = JoinDeviceDialog(fresh, worker, True)
        qtbot.addWidget(join)
        join.show()
        join.code_edit.setText(code.text())
        join.join_button.click()
        qtbot.waitUntil(lambda: join.error_label.isVisibleTo(join) and not join.busy,
                        timeout=WAIT)
        text = join.error_label.text()
        assert "altered on its way" in text and "another relay" in text
        assert join.join_button.isEnabled() and join.code_edit.isEnabled()   # try again
        assert not (tmp_path / "laptop").exists() or not any((tmp_path / "laptop").iterdir())
        _shots(qtbot, real_app, join, "device_join_tampered", out)
    finally:
        worker.shutdown()
        fresh.close()
