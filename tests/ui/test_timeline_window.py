"""The window's smaller promises, each through the real window over real services, a real
relay and real stores: the sidebar after a delete, confirmations that name their action,
search that says when there is more, an indicator that is not cut off, a header that
elides, "edited" on the text's line, the timeline opening at the bottom, and safety codes
the app can check."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QMessageBox, QStyleOptionViewItem

from app.views import ConnectionState, ConnectionStatus
from tests.ui.timeline_world import WAIT, People, open_group, posts, settle
from ui.context import AppContext
from ui.delegates.group_delegate import preview_text
from ui.delegates.search_delegate import snippet_layout
from ui.dialogs.members import MembersDialog, SafetyNumberDialog
from ui.dialogs.requests import JoinRequestsDialog
from ui.dialogs.search import LIMIT, SearchDialog
from ui.events import EventBridge
from ui.main_window import MainWindow
from ui.theme import ThemeController
from ui.worker import Worker

pytestmark = pytest.mark.slow


def _visible_box(window) -> QMessageBox:  # noqa: ANN001
    return next(b for b in window.findChildren(QMessageBox) if b.isVisible())


def test_deleting_the_latest_post_leaves_a_true_preview(qtbot, qapp, people: People) -> None:
    ana = people.person("Ana")
    gid = people.group(ana, "Club")
    ana.services.posts.post(gid, "first")
    last = ana.services.posts.post(gid, "second")
    window = people.open_window(qtbot, qapp, ana)
    open_group(qtbot, ana, gid)
    ana.services.posts.delete(gid, last.id)
    qtbot.waitUntil(lambda: window.groups and window.groups[0].last_preview != "second",
                    timeout=WAIT)
    text = preview_text(window.groups[0])
    assert "No posts yet" not in text
    assert text.endswith("This post was deleted")


def test_leave_names_its_action_and_defaults_to_cancel(qtbot, qapp, people: People) -> None:
    ana = people.person("Ana")
    gid = people.group(ana, "Club")
    window = people.open_window(qtbot, qapp, ana)
    open_group(qtbot, ana, gid)
    box = window.leave_group(gid)
    assert box is _visible_box(window)
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    assert [b.text() for b in box.buttons() if b.text() == "Leave"] == ["Leave"]
    assert not any(b.text() in ("&Yes", "Yes") for b in box.buttons())
    qtbot.keyClick(box, Qt.Key.Key_Return)
    settle(qtbot, ana)
    assert [g.id for g in ana.services.groups.list()] == [gid]
    box = window.leave_group(gid)
    qtbot.mouseClick(next(b for b in box.buttons() if b.text() == "Leave"),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ana.services.groups.list() == [], timeout=WAIT)


def test_search_says_when_there_are_more_and_highlights_whole_words(qtbot, qapp,
                                                                    people: People) -> None:
    ana = people.person("Ana")
    gid = people.group(ana, "Club")
    for i in range(LIMIT + 10):
        ana.services.posts.post(gid, f"tea number {i}")
    window = people.open_window(qtbot, qapp, ana)
    open_group(qtbot, ana, gid)
    dialog = SearchDialog(window._ctx, None, window)
    dialog.open()
    dialog.field.setText("tea")
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0, timeout=WAIT)
    settle(qtbot, ana)
    assert dialog.model.rowCount() == LIMIT
    assert "more" in dialog.status.text() and f"{LIMIT} results" not in dialog.status.text()
    assert dialog.list.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    assert not dialog.list.horizontalScrollBar().isVisible()
    font = QFont(dialog.list.font())
    spans = snippet_layout(dialog.model.item_at(0).snippet, font, 0, 0, 500)
    lit = [(rect, text, f) for rect, text, on, f in spans if on]
    assert lit, spans
    rect, text, span_font = lit[0]
    assert span_font.bold()
    bold = QFont(font)
    bold.setBold(True)
    assert rect.width() >= QFontMetrics(bold).horizontalAdvance(text)
    dialog.close()


def test_the_offline_indicator_is_never_cut_off(qtbot, qapp, people: People) -> None:
    ana = people.person("Ana")
    window = people.open_window(qtbot, qapp, ana)
    settle(qtbot, ana)
    window.splitter.setSizes([window.sidebar.minimumWidth(), 2000])
    indicator = window.sidebar.connection
    indicator.show_status(ConnectionStatus(ConnectionState.OFFLINE, 12))
    qtbot.wait(20)
    assert "12 posts waiting" in indicator.text()
    assert indicator.width() >= indicator.sizeHint().width()
    assert indicator.height() >= indicator.sizeHint().height()


def test_the_header_elides_a_long_name_in_a_narrow_window(qtbot, qapp, people: People) -> None:
    ana = people.person("Ana")
    gid = people.group(ana, "The extremely long name of our neighbourhood reading circle")
    window = people.open_window(qtbot, qapp, ana)
    open_group(qtbot, ana, gid)
    window.resize(640, 500)
    qtbot.waitUntil(lambda: window.width() <= 800, timeout=WAIT)
    qtbot.wait(20)
    title = window.pane.header.title
    shown = title.shown_text()
    assert shown.endswith("…") and len(shown) > 3
    assert title.fontMetrics().horizontalAdvance(shown) <= title.contentsRect().width()
    assert title.toolTip() == window.pane.group.name
    buttons = window.pane.header.more_button
    assert buttons.geometry().right() <= window.pane.width()


def test_edited_sits_at_the_end_of_the_text(qtbot, qapp, people: People) -> None:
    ana = people.person("Ana")
    gid = people.group(ana, "Club")
    mine = ana.services.posts.post(gid, "Thursday at 7 works")
    ana.services.posts.edit(gid, mine.id, "Thursday at 7:30 works")
    long = ana.services.posts.post(gid, "word " * 120)
    ana.services.posts.edit(gid, long.id, "word " * 121)
    window = people.open_window(qtbot, qapp, ana)
    open_group(qtbot, ana, gid)
    view, model, delegate = window.pane.view, window.pane.model, window.pane.delegate
    option = QStyleOptionViewItem()
    for post in posts(ana):
        row = model.row_of(post.id)
        option.rect = view.visualRect(model.index(row, 0))
        option.font = view.font()
        layout = delegate.layout_for(option, model.index(row, 0))
        assert layout.meta.startswith("edited")  # "· sending…" until the relay has it
        body = layout.body_rect
        # on the last line of the text, to its right: not a line of its own
        assert body.top() <= layout.meta_rect.top() < body.bottom(), post.text[:20]
        assert layout.meta_rect.left() > body.left()


def test_the_timeline_opens_at_the_bottom_after_a_restart(qtbot, qapp, people: People,
                                                          tmp_path) -> None:  # noqa: ANN001
    ana = people.person("Ana")
    gid = people.group(ana, "Club")
    for i in range(40):
        ana.services.posts.post(gid, f"post {i}: " + "a few words that wrap " * (i % 5 + 1))
    state = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    # the first run leaves a narrow window behind; the next run restores it
    worker = Worker()
    ctx = AppContext(ana.services, worker, EventBridge(ana.services),
                     ThemeController(qapp, "light"), people.relay_url)
    first = MainWindow(ctx, window_state=state)
    qtbot.addWidget(first)
    first.resize(820, 560)
    first.show()
    first.close()
    ctx.events.detach()
    worker.shutdown()

    window = MainWindow(AppContext(ana.services, Worker(), EventBridge(ana.services),
                                   ThemeController(qapp, "light"), people.relay_url),
                        window_state=state)
    qtbot.addWidget(window)
    ana.worker, ana.window = window._ctx.worker, window
    window.show()
    window.start()
    open_group(qtbot, ana, gid)
    qtbot.wait(100)
    view = window.pane.view
    bar = view.verticalScrollBar()
    assert bar.maximum() > 0
    assert bar.value() == bar.maximum()
    # rows that change height after opening (a narrower window) keep the reader at the bottom
    window.resize(700, 560)
    qtbot.wait(100)
    assert bar.value() == bar.maximum()
    assert view.visualRect(window.pane.model.index(window.pane.model.rowCount() - 1, 0)) \
        .bottom() <= view.viewport().height()


def test_approve_and_decline_are_off_without_requests(qtbot, qapp, people: People) -> None:
    ana, bea = people.person("Ana"), people.person("Bea")
    gid = people.group(ana, "Club")
    window = people.open_window(qtbot, qapp, ana)
    open_group(qtbot, ana, gid)
    dialog = JoinRequestsDialog(window._ctx, window.pane.group, window)
    dialog.open()
    settle(qtbot, ana)
    assert dialog.model.rowCount() == 0
    assert not dialog.approve_button.isEnabled() and not dialog.decline_button.isEnabled()
    # one request arrives (a link for several people waits for approval) and is approved
    link = ana.services.invites.create(gid, uses=3).link
    ana.services.sync_once()
    bea.services.invites.join(link)
    bea.services.sync_once()
    ana.services.sync_once()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=WAIT)
    assert dialog.approve_button.isEnabled()
    qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0 and not dialog.busy, timeout=WAIT)
    settle(qtbot, ana)
    assert not dialog.approve_button.isEnabled() and not dialog.decline_button.isEnabled()
    dialog.close()


def test_a_pasted_safety_code_is_checked_and_marks_the_member(qtbot, qapp,
                                                              people: People) -> None:
    ana, bea, mallory = people.person("Ana"), people.person("Bea"), people.person("Bea", "mal")
    gid = people.group(ana, "Club", bea)
    window = people.open_window(qtbot, qapp, ana)
    open_group(qtbot, ana, gid)
    members = MembersDialog(window._ctx, window.pane.group, window)
    members.open()
    qtbot.waitUntil(lambda: members.current() is not None
                    and not members.current().is_me, timeout=WAIT)
    assert not members.current().verified

    def safety_dialog() -> SafetyNumberDialog:
        members._compare()
        return next(d for d in members.findChildren(SafetyNumberDialog) if d.isVisible())

    # what Bea's screen shows for Ana: her QR holds the same link
    theirs = next(m for m in bea.services.groups.members(gid) if not m.is_me)
    dialog = safety_dialog()
    dialog.code_edit.setText(theirs.safety_qr[:-2] + "AA")
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "NOT match" in dialog.result_label.text(), timeout=WAIT)
    dialog.code_edit.setText(theirs.safety_qr)
    qtbot.keyClick(dialog.code_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result_label.text().startswith("✓ Matches"), timeout=WAIT)
    dialog.close()
    qtbot.waitUntil(lambda: members.current() is not None and members.current().verified,
                    timeout=WAIT)
    assert "verified" in members.role_label.text()
    row = members.list.currentIndex()
    assert "✓ verified" in row.data(Qt.ItemDataRole.DisplayRole)

    # the digits work too, spaces and line breaks ignored
    dialog = safety_dialog()
    dialog.code_edit.setText(theirs.safety_number.replace(" ", "\n"))
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_label.text().startswith("✓ Matches"), timeout=WAIT)
    dialog.close()

    # someone else named Bea, with another key, joins: she is not verified
    people.admit(ana, gid, mallory)
    members.refresh()
    settle(qtbot, ana)
    marks = {m.fingerprint: m.verified for m in ana.services.groups.members(gid)}
    assert marks[bea.fingerprint] and not marks[mallory.fingerprint]
    members.close()
    assert members.list.selectionMode() != QAbstractItemView.SelectionMode.NoSelection
