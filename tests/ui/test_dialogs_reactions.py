"""The reaction picker through the real window and services: six reactions in one row,
large enough to hit, my own shown pressed; choosing one reacts, choosing it again takes
it back."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from tests.ui.conftest import RealApp, show_group
from ui.dialogs.reaction_picker import ReactionRow

pytestmark = pytest.mark.slow
WAIT = 30_000


def _post(qtbot, app: RealApp):  # noqa: ANN001, ANN202
    gid = app.services.groups.create("Book club", app.relay_url).id
    app.services.posts.post(gid, "Piranesi or Jonathan Strange?")
    show_group(qtbot, app.window, gid, WAIT)
    model = app.window.pane.model

    def found():  # noqa: ANN202
        return next((p for p in (model.post_at(r) for r in range(model.rowCount()))
                     if p.kind == "post"), None)

    qtbot.waitUntil(lambda: found() is not None, timeout=WAIT)
    return gid, found


def _row(qtbot, app: RealApp, post) -> ReactionRow:  # noqa: ANN001
    view = app.window.pane.view
    menu = view.reaction_menu(post)
    menu.popup(view.viewport().mapToGlobal(view.viewport().rect().center()))
    qtbot.waitUntil(menu.isVisible, timeout=WAIT)
    return menu.findChild(ReactionRow)


def test_the_picker_is_one_row_that_reacts_and_takes_back(qtbot, real_app: RealApp) -> None:  # noqa: ANN001
    gid, current = _post(qtbot, real_app)
    row = _row(qtbot, real_app, current())
    buttons = row.findChildren(QToolButton)
    assert len(buttons) == 6
    tops = {b.geometry().top() for b in buttons}
    lefts = [b.geometry().left() for b in buttons]
    assert len(tops) == 1 and lefts == sorted(lefts)  # side by side, not a column
    assert all(b.width() >= 28 and b.height() >= 28 for b in buttons)
    heart = next(b for b in buttons if b.text() == "❤️")
    assert not heart.isChecked()
    qtbot.mouseClick(heart, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "❤️" in current().my_reactions, timeout=WAIT)
    assert not row.isVisible()  # choosing closes the picker
    post_id = current().id
    assert "❤️" in real_app.services.posts.get(gid, post_id).my_reactions
    row = _row(qtbot, real_app, current())
    heart = next(b for b in row.findChildren(QToolButton) if b.text() == "❤️")
    assert heart.isChecked() and "Take back" in heart.accessibleName()
    # the keyboard reaches it too: Right moves along the row, Enter chooses
    first = row.buttons[0]
    first.setFocus()
    qtbot.waitUntil(first.hasFocus, timeout=WAIT)
    qtbot.keyClick(first, Qt.Key.Key_Right)
    assert heart.hasFocus()
    qtbot.keyClick(heart, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "❤️" not in current().my_reactions, timeout=WAIT)
    assert "❤️" not in real_app.services.posts.get(gid, post_id).my_reactions
