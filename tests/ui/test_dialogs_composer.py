"""The composer against the real services: the length counter, edit mode's Save button,
the reply banner in plain words, and a failed send that keeps text, mode and caret."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.errors import AppError
from app.posts import MAX_TEXT_BYTES
from tests.ui.conftest import RealApp, settle, show_group
from tests.ui.real_services import inject_fault

pytestmark = pytest.mark.slow
WAIT = 30_000


def _open_group(qtbot, app: RealApp, name: str = "Book club") -> str:  # noqa: ANN001
    gid = app.services.groups.create(name, app.relay_url).id
    show_group(qtbot, app.window, gid, WAIT)
    return gid


def _posts(app: RealApp) -> list:
    """The posts in the open timeline (membership notes left out)."""
    model = app.window.pane.model
    return [p for p in (model.post_at(r) for r in range(model.rowCount())) if p.kind == "post"]


def _texts(app: RealApp) -> list[str]:
    return [p.text for p in _posts(app)]


def test_near_the_limit_a_counter_shows_characters_left_and_too_long_is_kept(
        qtbot, real_app: RealApp) -> None:  # noqa: ANN001
    _open_group(qtbot, real_app)
    composer = real_app.window.pane.composer
    edit = composer.edit
    edit.setFocus()
    edit.setPlainText("short")
    assert not composer.counter.isVisibleTo(composer)
    edit.setPlainText("x" * (MAX_TEXT_BYTES - 40))
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    assert composer.counter.isVisibleTo(composer)
    assert composer.counter.text() == "40 left"  # characters, before anything is sent
    qtbot.keyClicks(edit, "y" * 45)
    assert composer.counter.text() == "5 too many"
    assert not composer.send_button.isEnabled()
    caret = edit.textCursor().position()
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    settle(qtbot, real_app.worker)
    # nothing was sent, nothing typed was lost, the caret stays where the typing was
    assert edit.toPlainText() == "x" * (MAX_TEXT_BYTES - 40) + "y" * 45
    assert edit.textCursor().position() == caret
    page = real_app.services.posts.latest(real_app.window.pane.group.id, 5)
    assert not [p for p in page.posts if p.kind == "post"]
    # multi-byte text counts characters, not bytes
    edit.setPlainText("é" * (MAX_TEXT_BYTES // 2 - 10))
    assert composer.counter.text() == "10 left"
    for _ in range(5):
        qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    edit.setPlainText("é" * (MAX_TEXT_BYTES // 2 + 3))
    assert composer.counter.text() == "3 too many"


def test_edit_mode_says_save_and_the_reply_banner_shows_plain_words(
        qtbot, real_app: RealApp) -> None:  # noqa: ANN001
    _open_group(qtbot, real_app)
    pane = real_app.window.pane
    composer = pane.composer
    composer.edit.setFocus()
    composer.edit.setPlainText("First book: **Piranesi** by _Susanna Clarke_, see [the notes](https://example.org)")
    qtbot.keyClick(composer.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(_posts(real_app)) == 1, timeout=WAIT)
    assert composer.send_button.text() == "Send"
    post = _posts(real_app)[0]
    composer.start_reply(post)
    assert composer.mode_label.text().replace("\u2068", "").replace("\u2069", "") == ("Replying to Ana: First book: Piranesi by Susanna "
                                          "Clarke, see the notes")
    composer.clear_mode()
    qtbot.keyClick(composer.edit, Qt.Key.Key_Up)  # edits my last post
    assert composer.editing is not None
    assert composer.send_button.text() == "Save"
    qtbot.keyClick(composer.edit, Qt.Key.Key_Escape)
    assert composer.editing is None and composer.send_button.text() == "Send"


def test_a_failed_send_keeps_text_mode_and_caret(qtbot, real_app: RealApp) -> None:  # noqa: ANN001
    gid = _open_group(qtbot, real_app)
    pane = real_app.window.pane
    composer = pane.composer
    real_app.services.posts.post(gid, "Which chapter first?")
    qtbot.waitUntil(lambda: len(_posts(real_app)) == 1, timeout=WAIT)
    target = _posts(real_app)[0]

    # the fault: the store refuses this one reply
    fault = inject_fault(real_app.services, "posts", "reply",
                         AppError("The post could not be stored."))
    composer.start_reply(target)
    qtbot.keyClicks(composer.edit, "Chapter two")
    qtbot.keyClick(composer.edit, Qt.Key.Key_Return)
    settle(qtbot, real_app.worker)
    assert composer.edit.toPlainText() == "Chapter two"
    assert composer.edit.textCursor().position() == len("Chapter two")
    assert composer.reply_to is not None and composer.reply_to.id == target.id
    assert composer.mode_bar.isVisibleTo(composer)
    assert fault.calls == 1
    real_app.services.posts = fault.real
    qtbot.keyClick(composer.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Chapter two" in _texts(real_app), timeout=WAIT)
    assert composer.edit.toPlainText() == "" and composer.reply_to is None
