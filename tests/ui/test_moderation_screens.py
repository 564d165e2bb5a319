"""The moderation views rendered light and dark over real services: removing a post with a
reason, timing a member out, a channel's slow mode and lock, the moderation log with one
entry of each kind, and the composer of a member who is timed out."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.views import GENERAL_ID
from tests.ui.conftest import settle, show_group
from tests.ui.real_services import WAIT, App, close_app, open_app
from tests.ui.test_screenshots import _check, _out_dir
from tests.ui.test_screenshots_language import language  # noqa: F401 (fixture)
from ui import timefmt
from ui.dialogs.moderate import ChannelRulesDialog, RemovePostDialog, TimeoutDialog
from ui.dialogs.moderation_log import ModerationLogDialog

pytestmark = pytest.mark.timeout(240)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_moderation_views_render(qtbot, qapp: QApplication, ana: App, theme: str,  # noqa: ANN001
                                 tmp_path: Path) -> None:
    services, ctx, win, world = ana.services, ana.ctx, ana.window, ana.world
    club = world.groups["Book club"]
    out = _out_dir(tmp_path)
    ctx.theme.apply(theme)
    bea = world.services("Bea")
    bea.sync_once()
    spam = bea.posts.post(club, "Cheap watches here, message me for the link").id
    bea.sync_once()
    services.sync_once()
    fp = next(m.fingerprint for m in services.groups.members(club) if m.name == "Bea")

    def shot(dialog, name: str) -> None:  # noqa: ANN001
        qtbot.addWidget(dialog)
        dialog.show()
        settle(qtbot, ana.worker)
        _check(dialog, name, theme, out)
        dialog.close()

    shot(RemovePostDialog(ctx, club, spam, "Bea", "Cheap watches here, message me for the "
                          "link", win), "remove_post")
    shot(TimeoutDialog(ctx, club, "Bea", fp, win), "timeout_member")
    shot(ChannelRulesDialog(ctx, club, GENERAL_ID, "General", win), "channel_rules")

    services.moderation.remove_post(club, spam, "spam")
    services.moderation.channel_rule(club, "General", locked=True)
    services.moderation.channel_rule(club, "General", locked=False, slowmode=30)
    services.moderation.timeout(club, "Bea", 3600, "a cooling-off hour")
    services.sync_once()
    shot(TimeoutDialog(ctx, club, "Bea", fp, win), "timeout_member_lift")
    group = win.pane.group
    log = ModerationLogDialog(ctx, group, win)
    qtbot.addWidget(log)
    log.show()
    qtbot.waitUntil(lambda: log.list.count() == 4, timeout=WAIT)
    settle(qtbot, ana.worker)
    _timeout_end_in_locale(log, services, club)
    _check(log, "moderation_log_actions", theme, out)
    log.close()

    other = open_app(qtbot, qapp, world, "Bea")
    try:
        other.ctx.theme.apply(theme)
        bea.sync_once()
        show_group(qtbot, other.window, club)
        composer = other.window.pane.composer
        qtbot.waitUntil(lambda: composer.edit.isReadOnly(), timeout=WAIT)
        settle(qtbot, other.worker)
        assert composer.edit.placeholderText().startswith("A moderator timed you out until")
        fm = composer.edit.fontMetrics()
        assert composer.edit.height() >= 2 * fm.lineSpacing()     # the reason is read whole
        _check(other.window, "composer_timed_out", theme, out)
    finally:
        close_app(other)


def _timeout_end_in_locale(log: ModerationLogDialog, services, club: str) -> str:  # noqa: ANN001
    """The log's timeout line ends at the locale's short date and time (timefmt.moment),
    like the window's other dates, not at the terminal's YYYY-MM-DD HH:MM."""
    (until,) = [v.until for v in services.moderation.log(club) if v.action == "timeout"]
    (line,) = [log.list.item(i).text() for i in range(log.list.count())
               if timefmt.moment(until) in log.list.item(i).text()]
    assert not re.search(r"\d{4}-\d\d-\d\d", line), line
    return line


@pytest.mark.parametrize("language", ["de_DE"], indirect=True)
def test_moderation_dialogs_in_german(qtbot, ana: App, language: str,  # noqa: ANN001, F811
                                      tmp_path: Path) -> None:
    ctx, win, club = ana.ctx, ana.window, ana.world.groups["Book club"]
    out = _out_dir(tmp_path)
    fp = next(m.fingerprint for m in ana.services.groups.members(club) if m.name == "Bea")
    post = ana.world.posts["tea"]
    for dialog, name, words in (
            (RemovePostDialog(ctx, club, post, "Bea", "Thursday works.", win), "remove_post",
             "Beitrag entfernen"),
            (TimeoutDialog(ctx, club, "Bea", fp, win), "timeout_member", "Auszeit geben"),
            (ChannelRulesDialog(ctx, club, GENERAL_ID, "General", win), "channel_rules",
             "Langsamer Modus")):
        qtbot.addWidget(dialog)
        dialog.show()
        settle(qtbot, ana.worker)
        shown = " ".join([dialog.windowTitle(), dialog.intro.text(),
                          *(b.text() for b in dialog.buttons.buttons())])
        assert words in shown, shown
        _check(dialog, f"{name}_{language}", "light", out)
        dialog.close()

    ana.services.moderation.timeout(club, "Bea", 3600, "eine Stunde Pause")
    log = ModerationLogDialog(ctx, win.pane.group, win)
    qtbot.addWidget(log)
    log.show()
    qtbot.waitUntil(lambda: log.list.count() == 1, timeout=WAIT)
    settle(qtbot, ana.worker)
    assert log.windowTitle().startswith("Moderationsprotokoll")
    line = _timeout_end_in_locale(log, ana.services, club)
    assert re.search(r"Du hast .*Bea.* bis \d\d\.\d\d\.\d\d, \d\d:\d\d stummgeschaltet", line), line
    _check(log, f"moderation_log_{language}", "light", out)
