"""The window offers each control to the roles the permission table grants it (crypto's
`can`, docs/protocol.md §8.1), over real services and a real relay: Bea makes Ana a
moderator of "Climbing Tuesdays"; Ana's window then offers Delete on Bea's post there, but
not in "Family", where Ana is an ordinary member, and neither pins nor invites anywhere."""
from __future__ import annotations

import pytest

from app.api import Services
from tests.ui.conftest import settle, show_group
from tests.ui.real_services import WAIT, App

pytestmark = pytest.mark.slow


def _menu_texts(app: App, post_id: str) -> list[str]:
    view, model = app.window.pane.view, app.window.pane.model
    menu = view.build_menu(model.post_at(model.row_of(post_id)), view.can_delete_any)
    return [a.text().split("\t")[0] for a in menu.actions()]


def test_a_moderator_may_delete_others_posts_where_a_member_may_not(qtbot, ana: App) -> None:  # noqa: ANN001
    world = ana.world
    climbing, family = world.groups["Climbing Tuesdays"], world.groups["Family"]
    bea = Services(world.profile_dir("Bea"), keyring_backend=world.keyring)
    try:
        bea.profile.unlock()
        bea.sync_once()
        bea.governance.set_role(climbing, "Ana", "moderator")
        on_wall = bea.posts.post(climbing, "Wall session moved to 7").id
        at_home = bea.posts.post(family, "Sunday lunch at ours").id
        bea.sync_once()
    finally:
        bea.close()
    ana.services.sync_once()

    show_group(qtbot, ana.window, climbing)
    qtbot.waitUntil(lambda: ana.window.pane.group.my_role == "moderator"
                    and ana.window.pane.model.row_of(on_wall) >= 0, timeout=WAIT)
    settle(qtbot, ana.worker)
    pane = ana.window.pane
    assert pane.view.can_delete_any and pane.thread_panel.view.can_delete_any
    assert "Delete…" in _menu_texts(ana, on_wall)
    # moderating is not managing: no pins, no invites, no renaming the group
    assert not pane.view.can_pin and "Pin to the channel" not in _menu_texts(ana, on_wall)
    assert not pane.header.invite_button.isVisible() and not pane.header.rename_action.isVisible()

    show_group(qtbot, ana.window, family)
    qtbot.waitUntil(lambda: ana.window.pane.model.row_of(at_home) >= 0, timeout=WAIT)
    assert ana.window.pane.group.my_role == "member"
    assert not pane.view.can_delete_any
    assert "Delete…" not in _menu_texts(ana, at_home)
