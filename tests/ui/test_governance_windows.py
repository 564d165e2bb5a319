"""Governance in three windows over three real profiles, a real relay and live sync, driven
through the windows' own controls: Ana (the owner) makes Bea a moderator from the members
dialog; Bea removes Eve's post with a reason from the post's menu, times Eve out from the
members dialog, lifts it, then locks General and sets slow mode from the group's menu.
Every window shows the same moderation lines and the same log; Eve's composer says when
she is timed out or the channel is locked, and a post Eve wrote during her timeout while
offline, delivered late, is refused by every client. Profiles with avatars and an admin's
title reach the member directory and profile card of the other windows; titles are the
same on every client, automatic badges on every client that holds the same history. Eve
reports a post from its menu; the owner removes it from the report queue, and Eve's queue
says her report was handled."""
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtWidgets import QApplication, QMessageBox

from app.api import Services
from app.errors import NotAllowed
from app.views import ConnectionState
from tests.ui.conftest import settle, show_group
from tests.ui.real_services import PEOPLE, App, LiveWorld, close_app, open_app
from tests.ui.test_screenshots import _check, _out_dir
from ui.dialogs.member_directory import BADGE_MARK, MemberDirectoryDialog, ProfileCardDialog
from ui.dialogs.members import MembersDialog
from ui.dialogs.moderate import ChannelRulesDialog, RemovePostDialog, TimeoutDialog
from ui.dialogs.moderation_log import ModerationLogDialog
from ui.dialogs.reports import ReportDialog, ReportQueueDialog
from ui.theme import apply_theme

pytestmark = [pytest.mark.slow, pytest.mark.timeout(420)]
WAIT = 45_000


def _plain(text: str) -> str:
    return text.replace("\u2068", "").replace("\u2069", "")


def _rows(app: App) -> list:
    model = app.window.pane.model
    return [model.post_at(r) for r in range(model.rowCount())]


def _posts(app: App) -> list[str]:
    return [p.text for p in _rows(app) if p.kind == "post" and not p.deleted]


def _mod_lines(app: App) -> list[str]:
    return [_plain(p.text) for p in _rows(app) if p.kind == "event"
            and p.code.startswith("mod:")]


def _log(svc: Services, gid: str) -> list[tuple]:
    return [(v.action, v.actor_fingerprint, v.target_fingerprint, v.target_post, v.reason,
             v.time, v.until, v.slowmode, v.locked) for v in svc.moderation.log(gid)]


def _picture(path: Path, colour: tuple[int, int, int]) -> Path:
    im = Image.new("RGB", (300, 300), colour)
    for x in range(80, 220):
        for y in range(80, 220):
            im.putpixel((x, y), (250, 250, 250))
    im.save(path, "PNG")
    return path


def _wait(qtbot, condition, state) -> None:  # noqa: ANN001
    """Wait for `condition`; on a timeout, say what the window showed instead."""
    try:
        qtbot.waitUntil(condition, timeout=WAIT)
    except Exception as exc:
        raise AssertionError(f"still {state()!r}") from exc


def _menu_action(menu, text: str):  # noqa: ANN001, ANN202
    return next(a for a in menu.actions() if a.text().split("\t")[0] == text)


def _visible(parent, kind: type):  # noqa: ANN001, ANN202
    return next(d for d in parent.findChildren(kind) if d.isVisible())


@pytest.fixture
def three(qtbot, qapp: QApplication, world: LiveWorld,  # noqa: ANN001
          tmp_path: Path) -> Iterator[dict[str, App]]:
    """Eve admitted to "Book club"; Eve and Bea with a profile and an avatar there; the
    three windows open on it and live."""
    club = world.groups["Book club"]
    ana, bea, eve = (world.services(n) for n in PEOPLE)
    [request] = ana.invites.requests(club)
    ana.invites.approve(club, request.id)
    ana.sync_once()
    for _ in range(3):
        eve.sync_once()
    assert any(g.id == club for g in eve.groups.list())
    eve.member_profiles.update(club, pronouns="she/her", bio="New here; reads sci-fi.",
                               avatar=_picture(tmp_path / "eve.png", (30, 140, 90)))
    bea.member_profiles.update(club, pronouns="she/her",
                               avatar=_picture(tmp_path / "bea.png", (40, 90, 200)))
    for svc in (eve, bea, ana, eve, bea):
        svc.sync_once()
    apps: dict[str, App] = {}
    try:
        for name in PEOPLE:
            app = apps[name] = open_app(qtbot, qapp, world, name)
            app.window.resize(900, 640)
            app.go_live(qtbot)
            show_group(qtbot, app.window, club, timeout=WAIT)
        yield apps
    finally:
        for app in apps.values():
            close_app(app)


def test_roles_moderation_profiles_and_badges_in_three_windows(
        qtbot, three: dict[str, App], tmp_path: Path) -> None:  # noqa: ANN001
    ana, bea, eve = three["Ana"], three["Bea"], three["Eve"]
    everyone = (ana, bea, eve)
    club = ana.world.groups["Book club"]
    out = _out_dir(tmp_path)

    # Ana makes Bea a moderator from the members dialog (with its confirmation)
    ana.window.pane.header.members_button.click()
    members = _visible(ana.window, MembersDialog)
    qtbot.waitUntil(lambda: any(m.name == "Bea" for m in members.model.items()), timeout=WAIT)
    row = next(r for r in range(members.model.rowCount())
               if members.model.item_at(r).name == "Bea")
    members.list.setCurrentIndex(members.model.index(row, 0))
    members.role_box.setCurrentIndex(members.role_box.findData("moderator"))
    members.role_button.click()
    box = _visible(members, QMessageBox)
    next(b for b in box.buttons()
         if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole).click()
    qtbot.waitUntil(lambda: bea.window.pane.group.my_role == "moderator", timeout=WAIT)
    members.close()
    for app in everyone:
        qtbot.waitUntil(lambda app=app: {m.name: m.role for m in app.services.groups.members(
            club)}.get("Bea") == "moderator", timeout=WAIT)
    assert bea.window.pane.view.can_delete_any and not eve.window.pane.view.can_delete_any

    # Eve posts from her composer; Bea removes the post with a reason from its menu
    eve.window.pane.composer.edit.setPlainText("Cheap watches here")
    eve.window.pane.composer.send_button.click()
    qtbot.waitUntil(lambda: "Cheap watches here" in _posts(bea), timeout=WAIT)
    spam = next(p for p in _rows(bea) if p.text == "Cheap watches here")
    view = bea.window.pane.view
    _menu_action(view.build_menu(spam, view.can_delete_any), "Delete…").trigger()
    remove = _visible(bea.window, RemovePostDialog)
    assert "Eve" in remove.intro.text()
    _check(remove, "remove_post", "light", out)
    remove.reason.setText("spam")
    remove.action_button.click()
    expected = {"Ana": ["Bea removed a post by Eve: spam"],
                "Bea": ["You removed a post by Eve: spam"],
                "Eve": ["Bea removed a post of yours: spam"]}
    for name, app in three.items():
        _wait(qtbot, lambda app=app, name=name: _mod_lines(app) == expected[name]
              and "Cheap watches here" not in _posts(app),
              lambda app=app: (_mod_lines(app), _posts(app)))

    # Eve goes offline; Bea times her out from the members dialog; Eve, not knowing yet,
    # writes a post in her window; it is delivered once she is back: every client refuses it
    eve.worker.run(eve.services.stop, None, lambda e: None, slow=True)
    settle(qtbot, eve.worker, timeout=WAIT)
    bea.window.pane.header.members_button.click()
    bea_members = _visible(bea.window, MembersDialog)
    qtbot.waitUntil(lambda: any(m.name == "Eve" for m in bea_members.model.items()),
                    timeout=WAIT)
    rows = {bea_members.model.item_at(r).name: r for r in range(bea_members.model.rowCount())}
    bea_members.list.setCurrentIndex(bea_members.model.index(rows["Ana"], 0))
    assert not bea_members.timeout_button.isVisible()   # a moderator cannot silence the owner
    _check(bea_members, "members_moderator_on_owner", "light", out)
    apply_theme(QApplication.instance(), "dark")
    QApplication.processEvents()
    _check(bea_members, "members_moderator_on_owner", "dark", out)
    apply_theme(QApplication.instance(), "light")
    bea_members.list.setCurrentIndex(bea_members.model.index(rows["Eve"], 0))
    assert bea_members.timeout_button.isVisible()
    assert not bea_members.remove_button.isVisible()    # moderating is not managing members
    bea_members.time_out()
    timeout = _visible(bea_members, TimeoutDialog)
    settle(qtbot, bea.worker)
    assert not timeout.lift_button.isVisible()                  # Eve is not timed out
    _check(timeout, "timeout_member", "light", out)
    timeout.duration.setCurrentIndex(timeout.duration.findData(3600))
    timeout.reason.setText("cool down")
    timeout.action_button.click()
    qtbot.waitUntil(lambda: any("timed out Eve" in line for line in _mod_lines(ana)),
                    timeout=WAIT)
    assert not eve.window.pane.composer.edit.isReadOnly()      # Eve has not heard of it
    eve.window.pane.composer.edit.setPlainText("written while timed out, delivered late")
    eve.window.pane.composer.send_button.click()
    qtbot.waitUntil(lambda: "written while timed out, delivered late" in _posts(eve),
                    timeout=WAIT)
    eve.worker.run(eve.services.start, None, lambda e: None, slow=True)
    qtbot.waitUntil(lambda: eve.services.connection().state is ConnectionState.ONLINE,
                    timeout=WAIT)
    qtbot.waitUntil(lambda: eve.window.pane.composer.edit.isReadOnly(), timeout=WAIT)
    notice = eve.window.pane.composer.edit.placeholderText()
    assert notice.startswith("A moderator timed you out until"), notice
    _check(eve.window, "composer_timed_out", "light", out)
    for name, app in three.items():
        qtbot.waitUntil(lambda app=app: any("(1 message refused)" in line
                                            for line in _mod_lines(app)), timeout=WAIT)
        assert "written while timed out, delivered late" not in _posts(app), name
    with pytest.raises(NotAllowed, match="timed out"):
        eve.services.posts.post(club, "still timed out?")
    assert [line for line in _mod_lines(ana) if "timed out" in line][0].startswith(
        "Bea timed out Eve until ")
    assert [line for line in _mod_lines(eve) if "timed" in line][0].startswith(
        "Bea timed you out until ")

    # Bea lifts the timeout from the same dialog; Eve's composer takes posts again
    bea_members.time_out()
    lift = next(d for d in bea_members.findChildren(TimeoutDialog) if d.isVisible())
    qtbot.waitUntil(lift.lift_button.isVisible, timeout=WAIT)   # the log says Eve is
    assert "Eve is timed out until" in _plain(lift.status.text())  # timed out
    lift.lift_button.click()
    qtbot.waitUntil(lambda: not eve.window.pane.composer.edit.isReadOnly(), timeout=WAIT)
    bea_members.close()

    # Bea locks General from the group's menu; Eve's composer says so, Ana's (an admin) not
    more = bea.window.pane.header.more_button.menu()
    rules_action = _menu_action(more, "Slow mode and lock of this channel…")
    assert rules_action.isVisible()
    assert not _menu_action(eve.window.pane.header.more_button.menu(),
                            "Slow mode and lock of this channel…").isVisible()
    rules_action.trigger()
    rules = _visible(bea.window, ChannelRulesDialog)
    settle(qtbot, bea.worker)
    assert not rules.locked.isChecked() and rules.slow.currentData() == 0
    _check(rules, "channel_rules", "light", out)
    rules.locked.setChecked(True)
    rules.action_button.click()
    qtbot.waitUntil(lambda: eve.window.pane.composer.edit.isReadOnly()
                    and "locked" in eve.window.pane.composer.edit.placeholderText(),
                    timeout=WAIT)
    assert not ana.window.pane.composer.edit.isReadOnly()
    with pytest.raises(NotAllowed, match="locked"):
        eve.services.posts.post(club, "locked out")

    # ... then unlocks it with slow mode: Eve's first post goes, her second is refused
    rules_action.trigger()
    rules = _visible(bea.window, ChannelRulesDialog)
    qtbot.waitUntil(lambda: rules.locked.isChecked(), timeout=WAIT)
    rules.locked.setChecked(False)
    rules.slow.setCurrentIndex(rules.slow.findData(10))
    rules.action_button.click()
    qtbot.waitUntil(lambda: not eve.window.pane.composer.edit.isReadOnly(), timeout=WAIT)
    qtbot.waitUntil(lambda: any("slow mode 10 s" in line for line in _mod_lines(eve)),
                    timeout=WAIT)
    # slow mode counts from Eve's previous post (removed or not): ten seconds after it
    last = max(p.sent_at for p in _rows(eve) if p.kind == "post" and p.mine)
    qtbot.waitUntil(lambda: time.time() > last + 11, timeout=15_000)
    composer = eve.window.pane.composer
    composer.edit.setPlainText("one, slowly")
    composer.send_button.click()
    qtbot.waitUntil(lambda: "one, slowly" in _posts(eve), timeout=WAIT)
    composer.edit.setPlainText("two, too soon")
    composer.send_button.click()
    # refused by Eve's own client: the window says why and when it can go
    qtbot.waitUntil(lambda: "Slow mode: your text is kept; you can send it again in"
                    in eve.window.statusBar().currentMessage(), timeout=WAIT)
    assert composer.edit.toPlainText() == "two, too soon"      # nothing typed is lost
    for app in everyone:
        qtbot.waitUntil(lambda app=app: "one, slowly" in _posts(app), timeout=WAIT)
    assert "two, too soon" not in _posts(ana)

    # the same conversation lines and the same log on every window
    for app in everyone:
        qtbot.waitUntil(lambda app=app: len(_mod_lines(app)) == 5, timeout=WAIT)
    logs = [_log(app.services, club) for app in everyone]
    assert logs[0] == logs[1] == logs[2]
    assert [e[0] for e in logs[0]] == ["remove", "timeout", "lift", "channel", "channel"]
    assert _mod_lines(ana) == [
        "Bea removed a post by Eve: spam",
        _mod_lines(ana)[1],
        "Bea lifted the timeout of Eve",
        "Bea locked General; slow mode off",
        "Bea unlocked General; slow mode 10 s"]
    assert _mod_lines(ana)[1].endswith(": cool down (1 message refused)")
    dialogs = []
    for app in everyone:
        _menu_action(app.window.pane.header.more_button.menu(), "Moderation log…").trigger()
        dialog = _visible(app.window, ModerationLogDialog)
        qtbot.waitUntil(lambda d=dialog: d.list.count() == 5, timeout=WAIT)
        dialogs.append(dialog)
    texts = [[_plain(d.list.item(i).text()) for i in range(d.list.count())] for d in dialogs]
    # newest first; each line is the conversation's, with the same time on every window
    assert texts[0] == [f"{t.split(' — ')[0]} — {line}"
                        for t, line in zip(texts[0], reversed(_mod_lines(ana)), strict=True)]
    assert [t.split(" — ")[0] for t in texts[0]] == [t.split(" — ")[0] for t in texts[1]] \
        == [t.split(" — ")[0] for t in texts[2]]
    assert texts[1][-1].endswith("You removed a post by Eve: spam")
    assert texts[2][-1].endswith("Bea removed a post of yours: spam")
    _check(dialogs[0], "moderation_log_three", "light", out)
    for dialog in dialogs:
        dialog.close()

    # profiles with avatars reach Ana's directory and card; Ana grants Bea a title there,
    # and every window's directory shows it; every client computes the same badges
    _menu_action(ana.window.pane.header.more_button.menu(), "Member directory…").trigger()
    directory = _visible(ana.window, MemberDirectoryDialog)
    qtbot.waitUntil(lambda: directory.list.count() == 3, timeout=WAIT)
    eve_row = next(i for i in range(3) if directory.list.item(i).text().startswith("Eve"))
    assert "she/her" in directory.list.item(eve_row).text()
    assert not directory.list.item(eve_row).icon().isNull()
    eve_view = next(v for v in directory._views if v.name == "Eve")
    assert eve_view.avatar is not None
    bea_view = next(v for v in directory._views if v.name == "Bea")
    card = ProfileCardDialog(ana.ctx, ana.window.pane.group, bea_view, ana.window)
    qtbot.addWidget(card)
    card.show()
    settle(qtbot, ana.worker)
    assert card.avatar.pixmap() is not None and not card.avatar.pixmap().isNull()
    card.title_edit.setText("Mentor")
    card.grant_button.click()
    qtbot.waitUntil(lambda: "Mentor" in card.badges_label.text(), timeout=WAIT)
    card.close()
    directory.close()
    for app in (bea, eve):
        qtbot.waitUntil(lambda app=app: any(
            b.title == "Mentor" for b in app.services.member_profiles.badges_of_all(club)
            .get(bea_view.fingerprint, ())), timeout=WAIT)
        _menu_action(app.window.pane.header.more_button.menu(), "Member directory…").trigger()
        theirs = _visible(app.window, MemberDirectoryDialog)
        qtbot.waitUntil(lambda d=theirs: any(
            d.list.item(i).text().startswith("Bea") and BADGE_MARK in d.list.item(i).text()
            and "Mentor" in d.list.item(i).text() for i in range(d.list.count())),
            timeout=WAIT)
        eve_here = next(v for v in theirs._views if v.name == "Eve")
        assert eve_here.avatar == eve_view.avatar
        theirs.close()

    def badges(svc: Services) -> dict[str, list[tuple[str, str]]]:
        return {fp: sorted((b.code, b.title) for b in got)
                for fp, got in svc.member_profiles.badges_of_all(club).items()}

    def granted(svc: Services) -> dict[str, list[str]]:
        return {fp: sorted(b.title for b in got if b.kind == "granted")
                for fp, got in svc.member_profiles.badges_of_all(club).items()}

    # titles are entries every member holds; automatic badges are computed from what a
    # client holds (docs/protocol.md §5.3.4): Ana and Bea hold the same history, Eve
    # joined later and holds less of it
    assert granted(ana.services) == granted(bea.services) == granted(eve.services)
    assert granted(ana.services)[bea_view.fingerprint] == ["Mentor"]
    assert badges(ana.services) == badges(bea.services)
    assert ("founding", "Founding member") in badges(eve.services)[bea_view.fingerprint]

    # a report: Eve reports Bea's post from its menu; the owner's queue shows it with the
    # post, and removing the post resolves it; Eve's queue says it was handled
    bea.window.pane.composer.edit.setPlainText("Selling my old paperbacks, 2 € each")
    bea.window.pane.composer.send_button.click()
    qtbot.waitUntil(lambda: "Selling my old paperbacks, 2 € each" in _posts(eve), timeout=WAIT)
    sale = next(p for p in _rows(eve) if p.text == "Selling my old paperbacks, 2 € each")
    view = eve.window.pane.view
    _menu_action(view.build_menu(sale, view.can_delete_any), "Report to moderators…").trigger()
    report = _visible(eve.window, ReportDialog)
    report.reason.setCurrentIndex(report.reason.findData("off-topic"))
    report.details.setPlainText("This belongs somewhere else.")
    report.send_button.click()
    qtbot.waitUntil(lambda: not report.isVisible(), timeout=WAIT)
    _menu_action(ana.window.pane.header.more_button.menu(), "Reports and approvals…").trigger()
    queue = _visible(ana.window, ReportQueueDialog)
    qtbot.waitUntil(lambda: any("Selling my old paperbacks" in queue.list.item(i).text()
                                for i in range(queue.list.count())), timeout=WAIT)
    row = next(i for i in range(queue.list.count())
               if "Selling my old paperbacks" in queue.list.item(i).text())
    queue.list.setCurrentRow(row)
    assert "This belongs somewhere else." in queue.detail.toPlainText()
    assert queue.remove_button.isVisible()
    queue.remove_button.click()
    for app in everyone:
        qtbot.waitUntil(lambda app=app: "Selling my old paperbacks, 2 € each" not in
                        _posts(app), timeout=WAIT)
    qtbot.waitUntil(lambda: _mod_lines(eve)[-1].startswith("Ana removed a post by Bea"),
                    timeout=WAIT)
    queue.close()
    _menu_action(eve.window.pane.header.more_button.menu(), "Reports and approvals…").trigger()
    mine = _visible(eve.window, ReportQueueDialog)
    qtbot.waitUntil(lambda: mine.list.count() == 1
                    and mine.list.item(0).text().startswith("Handled"), timeout=WAIT)
    mine.close()


def test_a_removal_reaches_a_post_shown_far_from_the_latest(qtbot, ana: App) -> None:  # noqa: ANN001
    """A moderation batch also names the posts it changed: a window reading older posts
    (not at the latest page, which it reloads for the new lines) shows the removal."""
    world = ana.world
    long = world.groups["Long"]
    old = world.long_ids[10]
    show_group(qtbot, ana.window, long)
    ana.window.pane.show_group(ana.window.pane.group, around_post=old)
    model = ana.window.pane.model
    qtbot.waitUntil(lambda: model.row_of(old) >= 0 and not model.loading, timeout=WAIT)
    assert not model.at_live_end
    ana.go_live(qtbot)
    bea = world.services("Bea")
    bea.sync_once()
    bea.moderation.remove_post(long, old, "off-topic")
    bea.sync_once()
    qtbot.waitUntil(lambda: model.row_of(old) >= 0 and model.post_at(model.row_of(old)).deleted,
                    timeout=WAIT)
