"""A newcomer's own post that a moderator did not approve (first-post approval) reads so in
the newcomer's window, not as an ordinary deletion. Real services and relay: Ana founds a
group with approval on, Bea joins and posts, Ana rejects it; Bea's window shows the row.
Rendered light and dark."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import settle
from tests.ui.flows import open_group
from tests.ui.real_services import WAIT, LiveWorld, close_app, open_app
from ui.delegates.post_painters import tombstone_text

pytestmark = pytest.mark.timeout(240)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_rejected_first_post_reads_not_approved_in_its_authors_window(
        qtbot, qapp: QApplication, world: LiveWorld, theme: str,  # noqa: ANN001
        tmp_path: Path) -> None:
    ana, bea = world.services("Ana"), world.services("Bea")
    gid = ana.groups.create("Newcomers", world.relay_url).id
    ana.moderation.settings(gid, approve_first=True)
    link = ana.invites.create(gid).link
    ana.sync_once()
    bea.invites.join(link)
    for svc in (ana, bea, ana, bea):
        svc.sync_once()
    held = bea.posts.post(gid, "hello, I am new here").id
    bea.sync_once()
    ana.sync_once()
    ana.reports.approve(gid, held, approve=False)
    ana.sync_once()
    bea.sync_once()

    app = open_app(qtbot, qapp, world, "Bea")
    try:
        app.ctx.theme.apply(theme)
        qtbot.waitUntil(lambda: bool(app.window.groups), timeout=WAIT)
        open_group(qtbot, app, gid)
        model = app.window.pane.model
        qtbot.waitUntil(lambda: model.row_of(held) >= 0, timeout=WAIT)
        settle(qtbot, app.worker)
        post = model.post_at(model.row_of(held))
        assert post.approval == "rejected" and post.deleted
        assert tombstone_text(post) == ("A moderator did not approve this post; the others "
                                        "never saw it")
        app.window.grab().save(str(tmp_path / f"not_approved_{theme}.png"))
    finally:
        close_app(app)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_held_first_post_says_it_waits_until_a_moderator_approves_it(
        qtbot, qapp: QApplication, world: LiveWorld, theme: str,  # noqa: ANN001
        tmp_path: Path) -> None:
    ana, bea = world.services("Ana"), world.services("Bea")
    gid = ana.groups.create("Newcomers", world.relay_url).id
    ana.moderation.settings(gid, approve_first=True)
    link = ana.invites.create(gid).link
    ana.sync_once()
    bea.invites.join(link)
    for svc in (ana, bea, ana, bea):
        svc.sync_once()

    app = open_app(qtbot, qapp, world, "Bea")
    try:
        app.ctx.theme.apply(theme)
        qtbot.waitUntil(lambda: bool(app.window.groups), timeout=WAIT)
        open_group(qtbot, app, gid)
        model = app.window.pane.model
        held = app.services.posts.post(gid, "hello, I am new here").id
        qtbot.waitUntil(lambda: model.row_of(held) >= 0
                        and model.post_at(model.row_of(held)).approval == "waiting",
                        timeout=WAIT)
        settle(qtbot, app.worker)
        app.window.grab().save(str(tmp_path / f"waiting_{theme}.png"))
        app.services.sync_once()
        ana.sync_once()
        ana.reports.approve(gid, held)
        ana.sync_once()
        app.services.sync_once()
        qtbot.waitUntil(lambda: model.post_at(model.row_of(held)).approval == "", timeout=WAIT)
    finally:
        close_app(app)
