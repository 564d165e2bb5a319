"""Every window and dialog rendered offscreen in the light and dark theme.

The images are checked for content (many colours, brightness that matches the theme) and
written to COTERIE_SCREENSHOTS (default: the test's tmp dir) so a person can look at them.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractSpinBox, QWidget

from app.views import ProfileState
from tests.ui.conftest import settle
from tests.ui.fakes import FakeServices
from ui.dialogs.create_group import CreateGroupDialog
from ui.dialogs.first_run import FirstRunDialog
from ui.dialogs.invite import InviteDialog
from ui.dialogs.join import JoinDialog
from ui.dialogs.members import MembersDialog, SafetyNumberDialog
from ui.dialogs.requests import JoinRequestsDialog
from ui.dialogs.search import SearchDialog
from ui.dialogs.settings import SettingsDialog
from ui.dialogs.shortcuts import ShortcutsDialog
from ui.dialogs.unlock import UnlockDialog
from ui.main_window import MainWindow


def _out_dir(tmp_path: Path) -> Path:
    out = Path(os.environ.get("COTERIE_SCREENSHOTS", str(tmp_path)))
    out.mkdir(parents=True, exist_ok=True)
    return out


def _brightness(image: QImage) -> float:
    total = n = 0
    for y in range(0, image.height(), 7):
        for x in range(0, image.width(), 7):
            c = image.pixelColor(x, y)
            total += c.lightness()
            n += 1
    return total / max(1, n)


def _colours(image: QImage) -> int:
    return len({image.pixel(x, y) for y in range(0, image.height(), 3)
                for x in range(0, image.width(), 3)})


def _check(widget: QWidget, name: str, theme: str, out: Path) -> Path:
    image = widget.grab().toImage()
    path = out / f"{name}_{theme}.png"
    assert image.save(str(path))
    assert image.width() > 200 and image.height() > 100, name
    assert _colours(image) > 12, f"{name} looks empty"
    light = _brightness(image)
    assert (light > 150) if theme == "light" else (light < 110), f"{name}: brightness {light}"
    for spin in widget.findChildren(QAbstractSpinBox):
        # a styled spin box can squeeze its text field to a pixel and show nothing
        if spin.isVisible():
            assert spin.lineEdit().width() >= 20, f"{name}: {spin.accessibleName()} hides its value"
    return path


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_windows_and_dialogs_render(qtbot, ctx, fake, demo, worker, theme, tmp_path) -> None:
    ctx.theme.apply(theme)
    out = _out_dir(tmp_path)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1100, 720)
    win.show()
    win.start()
    settle(qtbot, worker)
    model, view = win.pane.model, win.pane.view
    hover = next(r for r in range(model.rowCount()) if model.post_at(r).reply_to is not None)
    qtbot.mouseMove(view.viewport(), view.visualRect(model.index(hover, 0)).center())
    qtbot.wait(30)
    _check(win, "main_window", theme, out)
    group = win.pane.group
    assert group is not None
    fresh = fake.create_group("Choir")
    settle(qtbot, worker)
    win.select_group(fresh.id)
    settle(qtbot, worker)
    assert win.pane.view.model().rowCount() == 0
    _check(win, "main_window_new_group", theme, out)
    assert win.sidebar.model.item_at(0).id == fresh.id  # the newest activity is on top
    win.select_group(group.id)  # back to the group with posts for the dialogs
    settle(qtbot, worker)

    def shot(make: Callable[[], QWidget], name: str,
             prepare: Callable[[QWidget], None] | None = None) -> None:
        dialog = make()
        qtbot.addWidget(dialog)
        dialog.show()
        settle(qtbot, worker)
        if prepare is not None:
            prepare(dialog)
            settle(qtbot, worker)
        _check(dialog, name, theme, out)
        dialog.close()


    def with_invite(d: InviteDialog) -> None:
        d._create()

    def with_query(d: SearchDialog) -> None:
        d.field.setText("the")
        d.run_search()

    shot(lambda: CreateGroupDialog(ctx, win), "create_group")
    shot(lambda: InviteDialog(ctx, group, win), "invite", with_invite)
    shot(lambda: JoinDialog(ctx, "coterie://join#1.relay.secret.founder", win), "join")
    shot(lambda: JoinRequestsDialog(ctx, group, win), "join_requests")
    shot(lambda: MembersDialog(ctx, group, win), "members")
    shot(lambda: SafetyNumberDialog(fake.members(group.id)[1], win), "safety_number")
    shot(lambda: SearchDialog(ctx, None, win), "search", with_query)
    shot(lambda: SettingsDialog(ctx, win), "settings")
    shot(lambda: ShortcutsDialog(win), "shortcuts")
    new = FakeServices(state=ProfileState.NEW, keyring=True)
    first = FirstRunDialog(new, worker, keyring=True)  # type: ignore[arg-type]
    qtbot.addWidget(first)
    first.show()
    _check(first, "first_run_name", theme, out)
    first.name_edit.setText("Ana")
    first._next()
    first.pass_radio.setChecked(True)
    first.passphrase.first.setText("purple tra")
    _check(first, "first_run_protect", theme, out)
    first.keyring_radio.setChecked(True)
    first._next()
    qtbot.waitUntil(lambda: first.pages.currentIndex() == 2)
    first.saved_box.setChecked(True)
    _check(first, "first_run_recovery", theme, out)
    first.close()
    locked = FakeServices(state=ProfileState.LOCKED)
    shot(lambda: UnlockDialog(locked, worker, locked.profile.unlock_info(), True), "unlock")  # type: ignore[arg-type]
    empty = FakeServices(state=ProfileState.UNLOCKED)
    ctx.services = empty  # type: ignore[assignment]
    win2 = MainWindow(ctx)
    qtbot.addWidget(win2)
    win2.resize(1100, 720)
    win2.show()
    win2.start()
    settle(qtbot, worker)
    _check(win2, "main_window_empty", theme, out)
