"""Reports, rules and approval in the window, over real services and a real relay: Eve (a
newcomer, first posts held) reports a post; Ana's queue shows the report with the post in
context and Eve's held post, and approving it shows it in the conversation; the report
dialog from a post's menu; the rules dialog and the changed-rules notice; the join dialog
showing an invite's rules with its accept box. Each rendered light and dark."""
from __future__ import annotations

import pytest

from tests.ui.conftest import settle, show_group
from tests.ui.test_screenshots import _check, _out_dir
from tests.ui.test_screenshots_language import language  # noqa: F401  (fixture)
from ui.dialogs.join import JoinDialog
from ui.dialogs.reports import ReportDialog, ReportQueueDialog, RulesDialog
from ui.markdown import plain_excerpt

RULES = ("# Book club rules\n\n- Be kind, and assume good faith.\n- No spoilers without a "
         "warning.\n- Keep it about books; off-topic goes to *Chatter*.")
WAIT = 60_000


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_report_queue_rules_and_join_render(qtbot, real_app, theme, tmp_path) -> None:  # noqa: ANN001
    _scenario(qtbot, real_app, theme, _out_dir(tmp_path), "")


@pytest.mark.parametrize("language", ["de_DE"], indirect=True)
def test_report_queue_rules_and_join_render_in_german(qtbot, real_app, language,  # noqa: ANN001, F811
                                                      tmp_path) -> None:
    _scenario(qtbot, real_app, "light", _out_dir(tmp_path), "_de")


def _scenario(qtbot, real_app, theme: str, out, suffix: str) -> None:  # noqa: ANN001
    app = real_app
    win = app.window
    win._ctx.theme.apply(theme)
    win.resize(1100, 720)
    world = app.world
    club = world.groups["Book club"]
    ana, eve = app.services, world.services("Eve")
    ana.reports.set_rules(club, RULES)
    ana.moderation.settings(club, approve_first=True)
    [request] = ana.invites.requests(club)
    ana.invites.approve(club, request.id)
    ana.sync_once()
    for _ in range(3):
        eve.sync_once()
    assert any(g.id == club for g in eve.groups.list())
    bea = world.services("Bea")
    bea.sync_once()
    sale = bea.posts.post(club, "Selling my old paperbacks, 2 € each, message me!").id
    bea.sync_once()
    eve.sync_once()
    eve.posts.post(club, "Hello everyone, glad to be here!")
    eve.reports.report(club, sale, "off-topic", "Third time today; this belongs in Chatter.")
    eve.sync_once()
    # Eve's post and report may need more than one round trip (her sender key first);
    # both sides keep syncing until Ana holds both
    qtbot.waitUntil(lambda: bool(eve.sync_once() and ana.sync_once()
                                 and ana.reports.reports(club) and ana.reports.held(club)),
                    timeout=WAIT)

    show_group(qtbot, win, club)
    settle(qtbot, app.worker)
    group = win.pane.group
    queue = ReportQueueDialog(win._ctx, group, win)
    qtbot.addWidget(queue)
    queue.show()
    qtbot.waitUntil(lambda: queue.list.count() == 2, timeout=WAIT)
    queue.list.setCurrentRow(1)   # the report (the held post comes first)
    settle(qtbot, app.worker)
    assert queue.remove_button.isVisible() and "Third time today" in queue.detail.toPlainText()
    assert queue.approve_first.isVisible() and queue.approve_first.isChecked()
    _check(queue, "report_queue" + suffix, theme, out)
    queue.list.setCurrentRow(0)
    assert queue.approve_button.isVisible()
    _check(queue, "report_queue_approval" + suffix, theme, out)
    queue.approve_button.click()
    qtbot.waitUntil(lambda: not ana.reports.held(club), timeout=WAIT)
    queue.close()
    qtbot.waitUntil(lambda: any(
        (p := win.pane.model.post_at(r)).kind == "post" and p.text.startswith("Hello everyone")
        for r in range(win.pane.model.rowCount())), timeout=WAIT)

    model = win.pane.model
    post = next(p for p in (model.post_at(r) for r in range(model.rowCount()))
                if p.kind == "post" and not p.mine)
    menu = win.pane.view.build_menu(post, True)
    assert len(menu.actions()) >= 5
    report = ReportDialog(win._ctx, club, post.id, post.sender_name, plain_excerpt(post.text),
                          win)
    qtbot.addWidget(report)
    report.show()
    settle(qtbot, app.worker)
    _check(report, "report_dialog" + suffix, theme, out)
    report.close()

    rules = RulesDialog(win._ctx, group, win, changed=True)
    qtbot.addWidget(rules)
    rules.show()
    qtbot.waitUntil(lambda: "Be kind" in rules.browser.toPlainText(), timeout=WAIT)
    _check(rules, "rules_changed" + suffix, theme, out)
    rules.close()

    link = ana.invites.create(club).link
    ana.sync_once()   # the invite's mailbox and bundle are on the relay before anyone reads it
    join = JoinDialog(win._ctx, link, win)
    qtbot.addWidget(join)
    join.show()
    qtbot.waitUntil(join.join_button.isEnabled, timeout=WAIT)
    join.join_button.click()
    qtbot.waitUntil(lambda: join.rules_frame.isVisible(), timeout=WAIT)
    assert not join.join_button.isEnabled()         # not before the rules are accepted
    join.rules_box.setChecked(True)
    assert join.join_button.isEnabled()
    settle(qtbot, app.worker)
    _check(join, "join_rules" + suffix, theme, out)
    join.close()
