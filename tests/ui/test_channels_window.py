"""Channels, threads and pins in the window, over real services and a real relay: Ana's
window (admin of Book club) and Bea's profile posting from her own services. The channel
list with unread badges, a forum's topics with their thread footers, the thread panel and
its composer, the pinned drawer, the New channel dialog, channel switching by keyboard,
search jumping to a topic — each rendered light and dark."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.api import Services
from app.views import GENERAL_ID
from tests.ui.conftest import settle
from tests.ui.real_services import WAIT, App
from tests.ui.test_screenshots import _check
from ui.dialogs.create_channel import CreateChannelDialog
from ui.dialogs.search import SearchDialog
from ui.models.keyed_list import ITEM_ROLE
from ui.models.sidebar_model import NODE_ROLE

pytestmark = pytest.mark.slow


def _rows(app: App) -> list:
    model = app.window.pane.model
    return [model.post_at(r) for r in range(model.rowCount())]


def _channel_names(app: App, group: str | None = None) -> list[str]:
    sidebar = app.window.sidebar
    return [c.name for c in sidebar.channels_of(group or app.world.groups["Book club"])]


def _rows_under(app: App, group: str) -> list[tuple[str, str]]:
    """(node, text) of the rows under a group in the sidebar's tree."""
    model = app.window.sidebar.model
    parent = model.group_index(group)
    return [(model.index(r, 0, parent).data(NODE_ROLE), model.index(r, 0, parent).data())
            for r in range(model.rowCount(parent))]


def _out(tmp_path: Path) -> Path:
    out = Path(os.environ.get("COTERIE_SCREENSHOTS", str(tmp_path)))
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_channels_threads_and_pins_in_the_window(qtbot, ana: App, theme, tmp_path) -> None:  # noqa: ANN001
    services, win, world = ana.services, ana.window, ana.world
    club = world.groups["Book club"]
    forum = services.channels.create(club, "Reading list", "forum", "What we read next",
                                     ["fiction", "poetry"])
    services.channels.create(club, "News", "announcements", "From the organisers")
    services.sync_once()
    bea = Services(world.profile_dir("Bea"), keyring_backend=world.keyring)
    try:
        bea.profile.unlock()
        bea.sync_once()
        topic = bea.posts.post(club, "Le Guin again, or something new?", channel=forum.id,
                               title="Next book after Left Hand", tags=["fiction"])
        bea.posts.post(club, "Also: @Ana did you like the ending?", channel=forum.id,
                       title="The ending", tags=[])
        bea.sync_once()
        services.sync_once()
        services.posts.post(club, "Something new!", thread=topic.id)
        services.sync_once()
        bea.sync_once()
        bea.posts.post(club, "Agreed — let's vote on Thursday.", thread=topic.id)
        bea.sync_once()
    finally:
        bea.close()
    services.sync_once()
    ana.ctx.theme.apply(theme)
    out = _out(tmp_path)
    win.resize(1200, 760)

    # the channel list under the groups: General, then the new channels with badges
    qtbot.waitUntil(lambda: _channel_names(ana) == ["General", "Reading list", "News"],
                    timeout=WAIT)
    chans = {c.name: c for c in services.channels.list(club)}
    assert chans["Reading list"].unread == 2 and chans["Reading list"].mentions == 1
    assert ("new", "New channel…") in _rows_under(ana, club)   # Ana may create channels

    # Alt+Shift+Down: the next channel, the forum, with its topics and thread footers
    win.sidebar.tree.setFocus()
    qtbot.keyClick(win, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: win.pane.channel is not None and win.pane.channel.id == forum.id
                    and not win.pane.model.loading and len(_rows(ana)) == 2, timeout=WAIT)
    assert win.pane.topic_title.isVisible()
    assert [p.title for p in _rows(ana)] == ["Next book after Left Hand", "The ending"]
    root = next(p for p in _rows(ana) if p.id == topic.id)
    assert root.thread is not None and root.thread.replies == 2
    assert root.thread.last_replier in ("Ana", "Bea")   # both replied within a second
    qtbot.waitUntil(lambda: services.channels.get(club, forum.id).unread == 0, timeout=WAIT)

    # a new topic from the window: title, a tag from the forum's list, the text
    assert win.pane.topic_tags.isVisible()
    win.pane.topic_title.setText("Poems for winter")
    win.pane.topic_tags.setText("poetry")
    edit = win.pane.composer.edit
    edit.setPlainText("Suggestions welcome")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any(p.title == "Poems for winter" and p.tags == ("poetry",)
                                for p in _rows(ana)), timeout=WAIT)
    assert win.pane.topic_title.text() == "" and win.pane.topic_tags.text() == ""

    # pin the topic: the drawer shows it
    win.pane.moderation.pin(root, True)
    qtbot.waitUntil(lambda: win.pane.pinned.isVisible() and len(win.pane.pinned.pins) == 1,
                    timeout=WAIT)
    win.pane.pinned.toggle.setChecked(True)

    # T on the topic opens its thread beside the timeline; its composer answers in it
    view = win.pane.view
    view.setCurrentIndex(win.pane.model.index(win.pane.model.row_of(topic.id), 0))
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_T)
    panel = win.pane.thread_panel
    qtbot.waitUntil(lambda: panel.isVisible() and panel.model.rowCount() == 2
                    and not panel.model.loading, timeout=WAIT)
    assert panel.title.text() == "Next book after Left Hand"
    assert panel.follow_button.isChecked()          # Ana replied in it: she follows it
    panel.composer.edit.setPlainText("Thursday it is.")
    qtbot.keyClick(panel.composer.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=WAIT)
    qtbot.waitUntil(lambda: next(p for p in _rows(ana) if p.id == topic.id).thread.replies == 3,
                    timeout=WAIT)
    settle(qtbot, ana.worker)
    _check(win, "channels_forum_thread", theme, out)

    # Esc closes the panel
    panel.composer.edit.setFocus()
    qtbot.keyClick(panel.composer.edit, Qt.Key.Key_Escape)
    assert not panel.isVisible()

    # announcements: Ana (admin) may post; the composer is open for her
    win.sidebar.select_channel(club, chans["News"].id)
    qtbot.waitUntil(lambda: win.pane.channel is not None and win.pane.channel.name == "News",
                    timeout=WAIT)
    assert not win.pane.composer.edit.isReadOnly() and not win.pane.topic_title.isVisible()

    # the New channel dialog (a real one) creates a channel that gets selected
    dialog = win.new_channel()
    assert isinstance(dialog, CreateChannelDialog)
    qtbot.keyClicks(dialog.name_edit, "Poetry corner")
    dialog.kind_box.setCurrentIndex(1)
    assert dialog.tags_edit.isVisible()
    dialog.topic_edit.setText("One poem a week")
    settle(qtbot, ana.worker)
    _check(dialog, "channels_new_channel_dialog", theme, out)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.pane.channel is not None
                    and win.pane.channel.name == "Poetry corner", timeout=WAIT)
    assert "Poetry corner" in _channel_names(ana)

    # admins rename, re-topic, reorder and archive from the channel's menu
    actions = win.sidebar.channel_actions
    news = next(c for c in win.sidebar.channels_of(club) if c.name == "News")
    rename = actions.edit(win.sidebar, news, "name")
    rename.edit.setText("Notices")
    rename.accept()
    qtbot.waitUntil(lambda: "Notices" in _channel_names(ana), timeout=WAIT)
    notices = next(c for c in win.sidebar.channels_of(club) if c.name == "Notices")
    actions.move(notices, -1, win.sidebar.channels_of(club))
    qtbot.waitUntil(lambda: _channel_names(ana)[:3] == ["General", "Notices", "Reading list"],
                    timeout=WAIT)
    poetry = next(c for c in win.sidebar.channels_of(club) if c.name == "Poetry corner")
    actions.archive(poetry, True)
    qtbot.waitUntil(lambda: next(c for c in win.sidebar.channels_of(club)
                                 if c.name == "Poetry corner").archived, timeout=WAIT)
    assert _channel_names(ana)[-1] == "Poetry corner"
    # archived while open, it stays open (and current, under Archived), read-only
    assert win.pane.channel.id == poetry.id and win.pane.channel.archived
    assert win.sidebar.tree.currentIndex() == win.sidebar.model.channel_index(club, poetry.id)
    assert win.pane.composer.edit.isReadOnly()
    assert _rows_under(ana, club)[-1] == ("archived", "Archived (1)")   # folded at the end

    # Ctrl+K finds the topic by its title and opens it with its thread
    search = SearchDialog(ana.ctx, None, win)
    search.open_hit.connect(win.open_hit)
    search.field.setText("ending")
    search._timer.stop()
    search.run_search()
    qtbot.waitUntil(lambda: search.model.rowCount() >= 1, timeout=WAIT)
    assert search.model.item_at(0).kind == "topic"
    search.list.setCurrentIndex(search.model.index(0, 0))
    search._open_current()
    qtbot.waitUntil(lambda: win.pane.channel is not None and win.pane.channel.id == forum.id
                    and panel.isVisible() and panel.root is not None
                    and panel.root.title == "The ending", timeout=WAIT)
    settle(qtbot, ana.worker)
    _check(win, "channels_search_topic", theme, out)
    search.close()
    win.sidebar.select_channel(club, GENERAL_ID)
    qtbot.waitUntil(lambda: win.pane.channel is not None and win.pane.channel.id == GENERAL_ID,
                    timeout=WAIT)


def test_a_51st_pin_in_the_window_asks_to_unpin_one_first(qtbot, ana: App, tmp_path) -> None:  # noqa: ANN001
    services, win, world = ana.services, ana.window, ana.world
    club = world.groups["Book club"]
    notes = [services.posts.post(club, f"note {i}").id for i in range(51)]
    for post_id in notes[:50]:
        services.channels.pin(club, post_id)
    win.resize(1200, 760)
    win.sidebar.select(club)
    qtbot.waitUntil(lambda: win.pane.group is not None and win.pane.group.id == club,
                    timeout=WAIT)
    win.pane.moderation.pin(services.posts.get(club, notes[-1]), True)
    qtbot.waitUntil(lambda: win.pane.findChild(QMessageBox, "pinsFullDialog") is not None
                    and win.pane.findChild(QMessageBox, "pinsFullDialog").isVisible(),
                    timeout=WAIT)
    box = win.pane.findChild(QMessageBox, "pinsFullDialog")
    assert box.text() == ("This channel already has 50 pinned posts. Unpin one of them "
                          "first, then pin this post.")
    settle(qtbot, ana.ctx.worker)
    box.grab().save(str(_out(tmp_path) / "pins_full.png"))
    box.accept()
    assert len(services.channels.pins(club)) == 50
    assert not services.posts.get(club, notes[-1]).pinned


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_an_admin_edits_a_forums_tags_in_the_window(qtbot, ana: App, theme, tmp_path) -> None:  # noqa: ANN001
    services, win, world = ana.services, ana.window, ana.world
    club = world.groups["Book club"]
    forum = services.channels.create(club, "Reading list", "forum", "", ["fiction", "poetry"])
    services.sync_once()
    ana.ctx.theme.apply(theme)
    win.resize(1200, 760)
    win.sidebar.select(club)
    qtbot.waitUntil(lambda: "Reading list" in _channel_names(ana), timeout=WAIT)
    sidebar = win.sidebar
    listed = {c.name: c for c in sidebar.channels_of(club)}
    # only a forum's menu offers its tags
    for name, offered in (("Reading list", True), ("General", False)):
        index = sidebar.model.channel_index(club, listed[name].id)
        menu = sidebar.channel_menu(sidebar.tree.visualRect(index).center())
        assert ("Edit tags…" in [a.text() for a in menu.actions()]) is offered
        menu.close()
    dialog = sidebar.channel_actions.edit(sidebar, listed["Reading list"], "tags")
    assert dialog.edit.text() == "fiction, poetry"
    dialog.edit.setText("fiction, essays, ")
    settle(qtbot, ana.worker)
    _check(dialog, "channels_edit_tags_dialog", theme, _out(tmp_path))
    dialog.accept()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    assert services.channels.get(club, forum.id).tags == ("essays", "fiction")
    qtbot.waitUntil(lambda: next(c for c in sidebar.channels_of(club)
                                 if c.id == forum.id).tags == ("essays", "fiction"), timeout=WAIT)
    # a tag too long is one sentence in the dialog, nothing changes
    dialog = sidebar.channel_actions.edit(
        sidebar, next(c for c in sidebar.channels_of(club) if c.id == forum.id), "tags")
    dialog.edit.setText("x" * 40)
    dialog.accept()
    qtbot.waitUntil(lambda: dialog.error_label.text() == "A tag is at most 32 bytes.",
                    timeout=WAIT)
    assert dialog.isVisible() and dialog.error_label.isVisible()
    dialog.reject()
    assert services.channels.get(club, forum.id).tags == ("essays", "fiction")
    # Bea's client, on the relay, gets the new list
    services.sync_once()
    bea = Services(world.profile_dir("Bea"), keyring_backend=world.keyring)
    try:
        bea.profile.unlock()
        bea.sync_once()
        assert bea.channels.get(club, forum.id).tags == ("essays", "fiction")
    finally:
        bea.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_sidebar_shows_every_groups_channels_with_badges_from_the_relay(
        qtbot, ana: App, theme, tmp_path) -> None:  # noqa: ANN001
    services, win, world = ana.services, ana.window, ana.world
    club, climbing = world.groups["Book club"], world.groups["Climbing Tuesdays"]
    reading = services.channels.create(club, "Reading list", "chat", "What we read next")
    services.sync_once()
    bea = Services(world.profile_dir("Bea"), keyring_backend=world.keyring)
    try:
        bea.profile.unlock()
        bea.sync_once()
        routes = bea.channels.create(climbing, "Routes", "chat", "New problems on the wall")
        bea.sync_once()
    finally:
        bea.close()
    services.sync_once()
    ana.ctx.theme.apply(theme)
    win.resize(1200, 760)
    tree, model = win.sidebar.tree, win.sidebar.model

    # two groups' channels at once, each under its group
    qtbot.waitUntil(lambda: "Reading list" in _channel_names(ana, club)
                    and "Routes" in _channel_names(ana, climbing), timeout=WAIT)
    for gid, cid in ((club, reading.id), (climbing, routes.id)):
        rect = tree.visualRect(model.channel_index(gid, cid))
        assert rect.isValid() and tree.viewport().rect().contains(rect)
    # "New channel…" only where Ana's role may create channels (she admins Book club)
    assert ("new", "New channel…") in _rows_under(ana, club)
    assert all(node != "new" for node, _text in _rows_under(ana, climbing))

    # a click on the other group's channel opens that group at that channel
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton,
                     pos=tree.visualRect(model.channel_index(climbing, routes.id)).center())
    qtbot.waitUntil(lambda: win.pane.group is not None and win.pane.group.id == climbing
                    and win.pane.channel is not None and win.pane.channel.id == routes.id
                    and not win.pane.model.loading, timeout=WAIT)
    assert win.windowTitle().startswith("Climbing Tuesdays")
    assert win.sidebar.delegate.shown == (climbing, routes.id)   # its row carries the mark

    # Ana mutes Book club's General; Bea posts there and in Reading list, through the relay
    services.channels.set_muted(club, GENERAL_ID, True)
    bea = Services(world.profile_dir("Bea"), keyring_backend=world.keyring)
    try:
        bea.profile.unlock()
        bea.sync_once()
        bea.posts.post(club, "Has anyone started it?", channel=reading.id)
        bea.posts.post(club, "@Ana your copy is at my place", channel=reading.id)
        bea.posts.post(club, "Snacks on me", channel=GENERAL_ID)
        bea.sync_once()
    finally:
        bea.close()
    services.sync_once()

    def listed(gid: str, cid: str):  # noqa: ANN202
        return model.index(model.channel_index(gid, cid).row(), 0,
                           model.group_index(gid)).data(ITEM_ROLE)

    qtbot.waitUntil(lambda: (listed(club, reading.id).unread, listed(club, reading.id).mentions)
                    == (2, 1) and listed(club, GENERAL_ID).unread >= 1, timeout=WAIT)
    assert listed(club, GENERAL_ID).muted
    # folded, the group's row carries the sum of its unmuted channels
    tree.collapse(model.group_index(club))
    qtbot.waitUntil(lambda: model.item_at(model.row_of(club)).unread == 2, timeout=WAIT)
    assert not tree.isExpanded(model.group_index(club))
    settle(qtbot, ana.worker)
    _check(win, "sidebar_groups_and_channels", theme, _out(tmp_path))

    # keyboard: Alt+Shift+Up is Climbing's channel above Routes, Alt+Up the group above
    tree.setFocus()
    qtbot.keyClick(win, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: win.pane.channel is not None and win.pane.channel.id == GENERAL_ID
                    and win.pane.group.id == climbing, timeout=WAIT)
    above = model.item_at(model.row_of(climbing) - 1)
    qtbot.keyClick(win, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: win.pane.group is not None and win.pane.group.id == above.id,
                    timeout=WAIT)
    # → unfolds the current group, ← folds it (F1 says so)
    win.sidebar.select(club)
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Right)
    assert tree.isExpanded(model.group_index(club))
    qtbot.keyClick(tree, Qt.Key.Key_Left)
    assert not tree.isExpanded(model.group_index(club))
