"""My own edit, reaction and delete show in the open conversation at once, through the
real window, the real services, a real relay and a real store; and what others change
shows too, even in a part of the timeline that is not the latest page."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QToolButton

from tests.ui.timeline_world import WAIT, People, open_group, posts, settle

pytestmark = pytest.mark.slow


def _send(qtbot, edit, text: str) -> None:  # noqa: ANN001
    edit.setFocus()
    edit.setPlainText(text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def _confirm_box(window) -> QMessageBox:  # noqa: ANN001
    return next(b for b in window.findChildren(QMessageBox) if b.isVisible())


def test_my_edit_reaction_and_delete_update_the_open_timeline(qtbot, qapp, people: People) -> None:
    ana = people.person("Ana")
    gid = people.group(ana, "Book club")
    window = people.open_window(qtbot, qapp, ana)
    open_group(qtbot, ana, gid)
    pane = window.pane

    _send(qtbot, pane.composer.edit, "first draft")
    qtbot.waitUntil(lambda: [p.text for p in posts(ana)] == ["first draft"], timeout=WAIT)
    post = posts(ana)[0]

    # edit: Up in the empty composer edits my last post
    pane.composer.edit.setFocus()
    qtbot.keyClick(pane.composer.edit, Qt.Key.Key_Up)
    assert pane.composer.editing is not None
    _send(qtbot, pane.composer.edit, "final text")
    qtbot.waitUntil(lambda: posts(ana)[0].text == "final text" and posts(ana)[0].edited,
                    timeout=WAIT)

    # reaction: the first choice of the view's reaction picker
    menu = pane.view.reaction_menu(posts(ana)[0])
    choice = next(b for b in menu.findChildren(QToolButton) if b.text() == "👍")
    choice.click()
    qtbot.waitUntil(lambda: posts(ana)[0].my_reactions == frozenset({"👍"}), timeout=WAIT)

    # delete: asked first; Cancel is the default and the action is named
    box = pane.moderation.delete(posts(ana)[0])
    assert box is _confirm_box(window)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    delete = next(b for b in box.buttons() if b.text() == "Delete")
    qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter takes the default: nothing happens
    settle(qtbot, ana)
    assert not posts(ana)[0].deleted
    box = pane.moderation.delete(posts(ana)[0])
    delete = next(b for b in box.buttons() if b.text() == "Delete")
    qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: posts(ana)[0].deleted, timeout=WAIT)
    assert [p.id for p in posts(ana)] == [post.id]


def test_an_edit_by_someone_else_updates_a_row_outside_the_latest_page(qtbot, qapp,
                                                                       people: People) -> None:
    ana, bea = people.person("Ana"), people.person("Bea")
    gid = people.group(ana, "Book club", bea)
    old = bea.services.posts.post(gid, "an old thought")
    for i in range(60):
        bea.services.posts.post(gid, f"filler {i}")
    bea.services.sync_once()
    window = people.open_window(qtbot, qapp, ana)
    ana.services.sync_once()
    open_group(qtbot, ana, gid)
    # Ana reads around the old post (as a search hit opens it): not the latest page
    window.jump_to_post(gid, old.id)
    qtbot.waitUntil(lambda: window.pane.model.row_of(old.id) >= 0, timeout=WAIT)
    settle(qtbot, ana)

    bea.services.posts.edit(gid, old.id, "a better thought")
    bea.services.sync_once()
    ana.services.sync_once()
    model = window.pane.model
    qtbot.waitUntil(lambda: model.post_at(model.row_of(old.id)).text == "a better thought",
                    timeout=WAIT)
