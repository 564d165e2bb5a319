"""A member's chosen name in a group changes on the rows of an open conversation wherever it
is scrolled: Ana reads old posts of "Long" (far from the newest), Bea renames herself there
through the real relay, and the rows in view show the new name; Ana's own rename shows on
her own rows at once. Real services and relay; rendered light and dark."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.conftest import settle
from tests.ui.flows import open_group
from tests.ui.real_services import WAIT, App

pytestmark = pytest.mark.timeout(240)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_name_change_reaches_rows_scrolled_far_from_the_newest(
        qtbot, ana: App, theme: str, tmp_path: Path) -> None:  # noqa: ANN001
    world, win = ana.world, ana.window
    long = world.groups["Long"]
    ana.ctx.theme.apply(theme)
    win.resize(900, 600)
    open_group(qtbot, ana, long)
    win.jump_to_post(long, world.long_ids[20])
    settle(qtbot, ana.worker)
    model = win.pane.model
    assert model.more_after and not model.at_live_end
    shown = [model.post_at(r) for r in range(model.rowCount())]
    assert {p.sender_name for p in shown if p.kind == "post"} == {"Bea"}

    bea = world.services("Bea")
    bea.member_profiles.update(long, name="Bea from the river")
    bea.sync_once()
    ana.services.sync_once()

    def renamed() -> bool:
        rows = [model.post_at(r) for r in range(model.rowCount())]
        return {p.sender_name for p in rows if p.kind == "post"} == {"Bea from the river"}

    qtbot.waitUntil(renamed, timeout=WAIT)
    assert model.more_after                     # still reading where it was
    assert world.long_ids[20] in {model.post_at(r).id for r in range(model.rowCount())}
    settle(qtbot, ana.worker)
    win.pane.view.scrollTo(model.index(0, 0), win.pane.view.ScrollHint.PositionAtTop)
    settle(qtbot, ana.worker)
    win.grab().save(str(tmp_path / f"renamed_{theme}.png"))


def test_my_own_rename_shows_on_my_rows_in_view(qtbot, ana: App) -> None:  # noqa: ANN001
    world, win = ana.world, ana.window
    club = world.groups["Book club"]
    model = win.pane.model
    mine = model.row_of(world.posts["chapter"])
    assert mine >= 0 and model.post_at(mine).sender_name == "Ana"
    ana.services.member_profiles.update(club, name="Ana (host)")
    qtbot.waitUntil(lambda: model.post_at(model.row_of(world.posts["chapter"])).sender_name
                    == "Ana (host)", timeout=WAIT)
