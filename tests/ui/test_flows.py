"""The main window and its timeline driven through its widgets, against the real services: a
real relay on loopback, real SQLCipher stores in tmp_path, real crypto and sync.

Each test asserts on what the window shows and on what Ana's store holds afterwards (read
back through the services), never on how a service did it. The world every test starts
from is described in tests/ui/real_services.py."""
from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QStyleOptionViewItem,
    QToolButton,
)

from app.store.errors import StoreError
from tests.ui.conftest import settle
from tests.ui.flows import (
    answer_open_question,
    open_boxes,
    open_dialog,
    open_group,
    plain,
    row_of,
    rows,
    shown_post,
    stored_post,
    texts,
)
from tests.ui.real_services import WAIT, App, close_app, inject_fault, open_app
from ui.dialogs.search import SearchDialog

pytestmark = pytest.mark.timeout(120)

STRONG = "purple tractor sings loudly"
RECOVERY_CODE = re.compile(r"^[0-9A-Z]{4}(-[0-9A-Z]{4}){7}$")


# -- the main window ---------------------------------------------------------------------------

def test_groups_are_listed_by_activity_and_the_latest_opens(qtbot, qapp, world) -> None:
    app = open_app(qtbot, qapp, world, "Ana")
    try:
        settle(qtbot, app.worker)
        stored = app.services.groups.list()
        assert [g.name for g in app.window.sidebar.model.items()] == [g.name for g in stored]
        assert stored[0].name == "Book club"  # the group with the latest post
        qtbot.waitUntil(lambda: app.window.pane.group is not None, timeout=WAIT)
        assert app.window.pane.group.name == "Book club"
        settle(qtbot, app.worker)
        latest = app.services.posts.latest(world.groups["Book club"]).posts
        assert [p.text for p in latest if p.kind == "post"] == \
            [t for t, p in zip(texts(app), rows(app), strict=True) if p.kind == "post"]
    finally:
        close_app(app)



def test_enter_sends_and_shift_enter_adds_a_line(qtbot, ana: App) -> None:
    edit = ana.window.pane.composer.edit
    edit.setFocus()
    qtbot.keyClicks(edit, "first line")
    qtbot.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(edit, "second line")
    assert edit.toPlainText() == "first line\nsecond line"
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: texts(ana)[-1:] == ["first line\nsecond line"], timeout=WAIT)
    assert edit.toPlainText() == ""
    stored = ana.services.posts.latest(ana.world.groups["Book club"], 1).posts[-1]
    assert stored.text == "first line\nsecond line" and stored.mine


def test_a_post_that_cannot_be_saved_keeps_the_text_and_says_why(qtbot, ana: App) -> None:
    club = ana.world.groups["Book club"]
    before = [p.id for p in ana.services.posts.latest(club).posts]
    fault = inject_fault(ana.services, "posts", "post",
                         StoreError("The store could not complete that operation."))
    edit = ana.window.pane.composer.edit
    edit.setFocus()
    qtbot.keyClicks(edit, "an important thought")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: fault.calls == 1 and ana.worker.pending == 0, timeout=WAIT)
    qtbot.waitUntil(lambda: edit.toPlainText() == "an important thought", timeout=WAIT)
    assert "could not complete" in ana.window.statusBar().currentMessage()
    assert [p.id for p in ana.services.posts.latest(club).posts] == before
    assert "an important thought" not in texts(ana)


def test_up_edits_my_last_post_and_the_timeline_shows_it(qtbot, ana: App) -> None:
    club, reply = ana.world.groups["Book club"], ana.world.posts["reply"]
    edit = ana.window.pane.composer.edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    composer = ana.window.pane.composer
    assert composer.editing is not None and composer.editing.id == reply
    assert edit.toPlainText() == "Count me in! Same café as last time?"
    edit.setPlainText("Count me in! Same café as before?")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    # the open conversation shows the change without switching groups
    qtbot.waitUntil(lambda: shown_post(ana, reply).text == "Count me in! Same café as before?",
                    timeout=WAIT)
    assert shown_post(ana, reply).edited
    stored = stored_post(ana, club, reply)
    assert stored.edited and stored.text == "Count me in! Same café as before?"


def test_escape_leaves_edit_mode(qtbot, ana: App) -> None:
    edit = ana.window.pane.composer.edit
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    assert ana.window.pane.composer.mode_bar.isVisibleTo(ana.window)
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert ana.window.pane.composer.editing is None and edit.toPlainText() == ""
    assert not stored_post(ana, ana.world.groups["Book club"], ana.world.posts["reply"]).edited


def test_r_replies_to_the_selected_post(qtbot, ana: App) -> None:
    view, model = ana.window.pane.view, ana.window.pane.model
    row = row_of(ana, ana.world.posts["thursday"])
    view.setCurrentIndex(model.index(row, 0))
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_R)
    assert "Replying to Bea" in plain(ana.window.pane.composer.mode_label.text())
    qtbot.keyClicks(ana.window.pane.composer.edit, "Thursday is good")
    qtbot.keyClick(ana.window.pane.composer.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: texts(ana)[-1] == "Thursday is good", timeout=WAIT)
    shown = rows(ana)[-1]
    assert shown.reply_to is not None and shown.reply_to.post_id == ana.world.posts["thursday"]
    stored = stored_post(ana, ana.world.groups["Book club"], shown.id)
    assert stored.reply_to is not None and stored.reply_to.post_id == ana.world.posts["thursday"]


def test_clicking_my_reaction_takes_it_back(qtbot, ana: App) -> None:
    view, model, delegate = ana.window.pane.view, ana.window.pane.model, ana.window.pane.delegate
    thursday = ana.world.posts["thursday"]
    index = model.index(row_of(ana, thursday), 0)
    view.scrollTo(index)
    qtbot.waitUntil(lambda: view.visualRect(index).isValid(), timeout=WAIT)
    rect = view.visualRect(index)
    option = QStyleOptionViewItem()
    option.rect = rect
    option.font = view.font()
    chip, emoji, _count, mine = delegate.layout_for(option, index).chips[0]
    assert emoji == "❤️" and mine  # the world has Ana's ❤️ on this post
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.topLeft() + chip.center())
    qtbot.waitUntil(lambda: "❤️" not in shown_post(ana, thursday).my_reactions, timeout=WAIT)
    assert "Ana" not in shown_post(ana, thursday).reactions.get("❤️", ())
    assert "❤️" not in stored_post(ana, ana.world.groups["Book club"], thursday).my_reactions


def test_deleting_asks_first_and_leaves_a_tombstone(qtbot, ana: App, monkeypatch) -> None:
    view, model = ana.window.pane.view, ana.window.pane.model
    chapter = ana.world.posts["chapter"]
    view.setCurrentIndex(model.index(row_of(ana, chapter), 0))
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    asked: list[str] = []
    qtbot.waitUntil(lambda: bool(open_boxes()), timeout=WAIT)
    answer_open_question(qtbot, asked, "Delete")
    assert "for everyone" in asked[0]
    qtbot.waitUntil(lambda: shown_post(ana, chapter).deleted, timeout=WAIT)
    assert stored_post(ana, ana.world.groups["Book club"], chapter).deleted


def test_ctrl_k_searches_everything_and_enter_jumps_to_the_post(qtbot, ana: App) -> None:
    open_group(qtbot, ana, ana.world.groups["Climbing Tuesdays"])
    qtbot.keyClick(ana.window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    dialog = open_dialog(ana.window, SearchDialog)
    assert not dialog.scope.isVisible()
    qtbot.keyClicks(dialog.field, "tea")  # only in Bea's edited post ("tee" before the edit)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=WAIT)
    hit = dialog.model.item_at(0)
    assert hit.post_id == ana.world.posts["tea"]
    assert "\x02tea\x03" in hit.snippet
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ana.window.pane.group.id == ana.world.groups["Book club"],
                    timeout=WAIT)
    settle(qtbot, ana.worker)
    current = ana.window.pane.view.currentIndex()
    assert ana.window.pane.model.post_at(current.row()).id == hit.post_id


def test_ctrl_f_searches_the_open_group_only(qtbot, ana: App) -> None:
    open_group(qtbot, ana, ana.world.groups["Climbing Tuesdays"])
    qtbot.keyClick(ana.window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    dialog = open_dialog(ana.window, SearchDialog)
    assert dialog.scope.isChecked()
    qtbot.keyClicks(dialog.field, "tea")
    qtbot.waitUntil(lambda: "No posts match" in dialog.status.text(), timeout=WAIT)
    dialog.scope.setChecked(False)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=WAIT)


def test_new_posts_in_other_groups_notify_unless_muted(qtbot, ana: App) -> None:
    ana.go_live(qtbot)
    bea = ana.world.services("Bea")
    bea.posts.post(ana.world.groups["Family"], "Muted group news")
    bea.posts.post(ana.world.groups["Climbing Tuesdays"], "Route setting tonight!")
    bea.sync_once()
    qtbot.waitUntil(lambda: len(ana.window.notifier.shown) >= 1, timeout=WAIT)
    settle(qtbot, ana.worker)
    assert ana.window.notifier.shown == [("Climbing Tuesdays", "Bea: Route setting tonight!")]
    family = ana.services.groups.get(ana.world.groups["Family"])
    assert family.muted and family.last_preview == "Muted group news"  # stored, not shown
    ana.window.notifier.clicked()  # what clicking the notification does
    qtbot.waitUntil(lambda: ana.window.pane.group.id == ana.world.groups["Climbing Tuesdays"],
                    timeout=WAIT)


def test_the_mute_button_mutes_the_group(qtbot, ana: App) -> None:
    qtbot.mouseClick(ana.window.pane.header.mute_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ana.window.pane.header.mute_button.text() == "Muted", timeout=WAIT)
    qtbot.waitUntil(lambda: ana.services.groups.get(ana.world.groups["Book club"]).muted,
                    timeout=WAIT)
    settle(qtbot, ana.worker)
    assert ana.window.pane.header.mute_button.text() == "Muted"


def test_the_connection_indicator_follows_the_relay(qtbot, ana: App) -> None:
    indicator = ana.window.sidebar.connection
    ana.go_live(qtbot)
    qtbot.waitUntil(lambda: indicator.property("state") == "online", timeout=WAIT)
    ana.world.relay.stop()
    qtbot.waitUntil(lambda: indicator.property("state") == "offline", timeout=WAIT)
    club = ana.world.groups["Book club"]
    for text in ("one", "two", "three"):
        ana.services.posts.post(club, text)
    qtbot.waitUntil(lambda: indicator.text().endswith("3 posts waiting"), timeout=WAIT)
    assert indicator.text().startswith("○ Offline")
    ana.world.relay.start()
    qtbot.waitUntil(lambda: indicator.property("state") == "online", timeout=WAIT)
    assert "waiting" not in indicator.text()
    assert ana.services.connection().waiting == 0


def test_a_removed_member_reads_but_cannot_post(qtbot, ana: App) -> None:
    open_group(qtbot, ana, ana.world.groups["Research team"])
    assert ana.services.groups.get(ana.world.groups["Research team"]).status == "removed"
    assert ana.window.pane.banner.isVisible()
    assert ana.window.pane.composer.edit.isReadOnly()
    assert not ana.window.pane.header.invite_button.isVisible()
    assert "Draft is in the shared folder" in texts(ana)


def test_alt_arrows_move_between_groups(qtbot, ana: App) -> None:
    first, second = ana.services.groups.list()[:2]
    assert ana.window.pane.group.id == first.id
    qtbot.keyClick(ana.window, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: ana.window.pane.group.id == second.id, timeout=WAIT)
    qtbot.keyClick(ana.window, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: ana.window.pane.group.id == first.id, timeout=WAIT)




def test_the_hover_bar_replies_and_reacts(qtbot, ana: App) -> None:
    from PySide6.QtWidgets import QMenu

    from ui.delegates.post_delegate import action_rects

    view, model, delegate = ana.window.pane.view, ana.window.pane.model, ana.window.pane.delegate
    river = ana.world.posts["river"]
    index = model.index(row_of(ana, river), 0)
    view.scrollTo(index)
    qtbot.waitUntil(lambda: view.visualRect(index).isValid(), timeout=WAIT)
    rect = view.visualRect(index)
    option = QStyleOptionViewItem()
    option.rect = rect
    option.font = view.font()
    buttons = {name: r for r, name, _g in action_rects(rect.width(),
                                                        delegate.layout_for(option, index))}
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.topLeft() + buttons["reply"].center())
    assert ana.window.pane.composer.reply_to is not None
    assert ana.window.pane.composer.reply_to.id == river
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.topLeft() + buttons["react"].center())
    menus = [m for m in view.findChildren(QMenu) if m.isVisible()]
    assert menus and menus[-1].accessibleName() == "React"
    menus[-1].findChildren(QToolButton)[0].click()  # 👍, the first of the picker's row
    qtbot.waitUntil(lambda: "👍" in shown_post(ana, river).my_reactions, timeout=WAIT)
    assert "👍" in stored_post(ana, ana.world.groups["Book club"], river).my_reactions


def test_drafts_stay_with_their_group(qtbot, ana: App) -> None:
    edit = ana.window.pane.composer.edit
    qtbot.keyClicks(edit, "half a thought")
    open_group(qtbot, ana, ana.world.groups["Climbing Tuesdays"])
    assert edit.toPlainText() == ""
    open_group(qtbot, ana, ana.world.groups["Book club"])
    assert edit.toPlainText() == "half a thought"


# -- long conversations ------------------------------------------------------------------------

def _open_long(qtbot, ana: App) -> tuple:  # noqa: ANN001
    ana.window.resize(900, 600)
    open_group(qtbot, ana, ana.world.groups["Long"])
    return ana.window.pane.view, ana.window.pane.model



def test_latest_button_returns_from_a_search_hit(qtbot, ana: App) -> None:
    view, model = _open_long(qtbot, ana)
    assert not view.latest_button.isVisible()
    ana.window.jump_to_post(ana.world.groups["Long"], ana.world.long_ids[20])
    settle(qtbot, ana.worker)
    assert model.more_after
    qtbot.waitUntil(view.latest_button.isVisible, timeout=WAIT)
    qtbot.mouseClick(view.latest_button, Qt.MouseButton.LeftButton)
    settle(qtbot, ana.worker)
    assert not model.more_after
    assert model.post_at(model.rowCount() - 1).id == ana.world.long_ids[-1]
    qtbot.waitUntil(lambda: not view.latest_button.isVisible(), timeout=WAIT)


def test_the_window_sliding_down_keeps_the_reader_in_place(qtbot, ana: App) -> None:
    view, model = _open_long(qtbot, ana)
    model._limit = 100
    ana.window.jump_to_post(ana.world.groups["Long"], ana.world.long_ids[30])
    settle(qtbot, ana.worker)
    first_at_start = model.post_at(0).id
    bar = view.verticalScrollBar()
    for _ in range(4):
        bar.setValue(bar.maximum() - 300)  # reading near the end, where newer pages load
        settle(qtbot, ana.worker)
        top = view.indexAt(QPoint(80, 5))
        reading = model.post_at(top.row()).id
        y = view.visualRect(top).top()
        model.load_newer()
        settle(qtbot, ana.worker)
        now = view.visualRect(model.index(model.row_of(reading), 0)).top()
        assert abs(now - y) <= 1, f"the post being read moved from {y} to {now}"
    assert model.post_at(0).id != first_at_start  # the window did slide
    assert model.rowCount() <= 100 + 50


def test_older_posts_arriving_above_keep_the_reader_in_place(qtbot, ana: App) -> None:
    view, model = _open_long(qtbot, ana)
    for _ in range(3):
        view.verticalScrollBar().setValue(300)
        settle(qtbot, ana.worker)
        top = view.indexAt(QPoint(80, 5))
        reading, y = model.post_at(top.row()).id, view.visualRect(top).top()
        rows = model.rowCount()
        model.load_older()
        settle(qtbot, ana.worker)
        assert model.rowCount() > rows
        now = view.visualRect(model.index(model.row_of(reading), 0)).top()
        assert abs(now - y) <= 1, f"the post being read moved from {y} to {now}"
