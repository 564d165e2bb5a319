"""The invite dialog against the real services and a real relay: the uses field steps with
its arrows, Revoke acts only on a selected invite, and Copy says it copied."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QStyle, QStyleOptionSpinBox

from tests.ui.conftest import RealApp, settle, show_group
from ui.dialogs.invite import InviteDialog

pytestmark = pytest.mark.slow
WAIT = 30_000


def _open(qtbot, app: RealApp, theme: str = "light") -> InviteDialog:  # noqa: ANN001
    app.window._ctx.theme.apply(theme)
    gid = app.services.groups.create("Book club", app.relay_url).id
    show_group(qtbot, app.window, gid, WAIT)
    qtbot.mouseClick(app.window.pane.header.invite_button, Qt.MouseButton.LeftButton)
    dialog = next(d for d in app.window.findChildren(InviteDialog) if d.isVisible())
    settle(qtbot, app.worker)
    return dialog


def _red_pixels(button) -> int:  # noqa: ANN001
    image = button.grab().toImage()
    return sum(1 for y in range(image.height()) for x in range(image.width())
               if (c := image.pixelColor(x, y)).red() > c.green() + 60)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_uses_field_has_arrows_that_step(qtbot, real_app: RealApp, theme: str) -> None:  # noqa: ANN001
    dialog = _open(qtbot, real_app, theme)
    spin = dialog.uses_spin
    option = QStyleOptionSpinBox()
    spin.initStyleOption(option)
    style = spin.style()
    up = style.subControlRect(QStyle.ComplexControl.CC_SpinBox, option,
                              QStyle.SubControl.SC_SpinBoxUp, spin)
    down = style.subControlRect(QStyle.ComplexControl.CC_SpinBox, option,
                                QStyle.SubControl.SC_SpinBoxDown, spin)
    assert up.width() >= 14 and down.width() >= 14
    assert spin.lineEdit().width() >= 20  # and the value still has its room
    qtbot.mouseClick(spin, Qt.MouseButton.LeftButton, pos=up.center())
    qtbot.mouseClick(spin, Qt.MouseButton.LeftButton, pos=up.center())
    assert spin.value() == 3
    qtbot.mouseClick(spin, Qt.MouseButton.LeftButton, pos=down.center())
    assert spin.value() == 2


def test_revoke_needs_a_selected_active_invite(qtbot, real_app: RealApp) -> None:  # noqa: ANN001
    dialog = _open(qtbot, real_app)
    for _ in range(2):
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT)
        settle(qtbot, real_app.worker)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2, timeout=WAIT)
    assert not dialog.revoke_button.isEnabled()
    # the list taking focus makes a row current without selecting it: nothing to revoke
    dialog.list.setFocus()
    qtbot.waitUntil(dialog.list.hasFocus, timeout=WAIT)
    assert dialog.list.currentIndex().isValid() or dialog.model.rowCount() == 2
    assert not dialog.list.selectionModel().hasSelection()
    assert not dialog.revoke_button.isEnabled()
    assert _red_pixels(dialog.revoke_button) == 0  # it also looks disabled, not red
    rect = dialog.list.visualRect(dialog.model.index(1, 0))
    qtbot.mouseClick(dialog.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.revoke_button.isEnabled()
    assert _red_pixels(dialog.revoke_button) > 0
    chosen = dialog.selected_invite()
    assert chosen is not None and dialog.link_edit.text() == chosen.link
    qtbot.mouseClick(dialog.revoke_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(i.id == chosen.id and i.status != "active"
                                for i in dialog.model.items()), timeout=WAIT)
    settle(qtbot, real_app.worker)
    # the revoked invite may stay selected, but there is nothing left to revoke on it
    assert not dialog.revoke_button.isEnabled()
    dialog.list.clearSelection()
    assert not dialog.revoke_button.isEnabled()


def test_copy_says_it_copied(qtbot, real_app: RealApp) -> None:  # noqa: ANN001
    dialog = _open(qtbot, real_app)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.copy_button.isEnabled(), timeout=WAIT)
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == dialog.link_edit.text()
    assert dialog.copy_button.text() == "Copied ✓"
    qtbot.waitUntil(lambda: dialog.copy_button.text() == "Copy link", timeout=WAIT)
