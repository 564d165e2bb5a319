"""Renaming a group through the real window and services: the name is offered selected, a
blank name is refused with a sentence, a new name reaches the header."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import RealApp, settle, show_group
from ui.dialogs.rename import RenameGroupDialog

pytestmark = pytest.mark.slow
WAIT = 30_000


def test_rename_offers_the_name_refuses_a_blank_and_renames(qtbot, real_app: RealApp) -> None:  # noqa: ANN001
    gid = real_app.services.groups.create("Book club", real_app.relay_url).id
    window = real_app.window
    show_group(qtbot, window, gid, WAIT)
    dialog = window.pane.header.rename_group()
    assert isinstance(dialog, RenameGroupDialog)
    edit = dialog.name_edit
    assert edit.text() == "Book club" and edit.selectedText() == "Book club"
    qtbot.keyClicks(edit, "   ")  # typing replaces the selected name
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert dialog.isVisible()  # refused, not silently ignored
    assert dialog.error_label.isVisibleTo(dialog) and "needs a name" in dialog.error_label.text()
    assert edit.property("invalid") is True
    label = dialog.error_label  # every line of the sentence shows: the dialog grew for it
    assert label.height() >= label.heightForWidth(label.width())
    settle(qtbot, real_app.worker)
    assert real_app.services.groups.get(gid).name == "Book club"
    edit.selectAll()
    qtbot.keyClicks(edit, "Book club 2027")
    assert not dialog.error_label.isVisibleTo(dialog)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    assert real_app.services.groups.get(gid).name == "Book club 2027"
    qtbot.waitUntil(lambda: window.pane.header.title.text() == "Book club 2027", timeout=WAIT)
