"""The member directory, the profile card and "Edit my profile in this group" over real
services and a real relay: Bea's profile with an avatar and an admin's title reach Ana's
window; search narrows the directory; the card shows local time, badges and fingerprint;
an admin grants a title from the card; my edit is sent. Rendered light and dark."""
from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import settle
from tests.ui.real_services import WAIT, App
from tests.ui.test_screenshots import _check, _out_dir
from ui.dialogs.member_directory import (
    BADGE_MARK,
    EditProfileDialog,
    MemberDirectoryDialog,
    ProfileCardDialog,
    open_edit_profile,
)
from ui.dialogs.members import MembersDialog

pytestmark = pytest.mark.timeout(240)


def _picture(path: Path, colour: tuple[int, int, int]) -> Path:
    im = Image.new("RGB", (400, 300), colour)
    for x in range(120, 280):
        for y in range(60, 240):
            if (x - 200) ** 2 + (y - 150) ** 2 < 80 ** 2:
                im.putpixel((x, y), (255, 255, 255))
    im.save(path, "PNG")
    return path


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_directory_card_and_my_profile(qtbot, ana: App, theme: str,  # noqa: ANN001
                                       tmp_path: Path) -> None:
    services, ctx, win, world = ana.services, ana.ctx, ana.window, ana.world
    club = world.groups["Book club"]
    bea = world.services("Bea")
    bea.member_profiles.update(club, name="Bea K.", pronouns="she/her",
                               bio="Reads on the night bus. Brings the tea.",
                               timezone="Asia/Tokyo",
                               avatar=_picture(tmp_path / "bea.png", (40, 120, 200)))
    services.member_profiles.update(club, pronouns="they/them", bio="Keeps the list.",
                                    avatar=_picture(tmp_path / "ana.png", (200, 90, 40)))
    services.member_profiles.grant_badge(club, "Bea", "Mentor")
    for svc in (bea, services, bea, services):
        svc.sync_once()
    ctx.theme.apply(theme)
    out = _out_dir(tmp_path)
    group = win.pane.group
    assert group is not None and group.id == club

    directory = MemberDirectoryDialog(ctx, group, win)
    qtbot.addWidget(directory)
    directory.resize(640, 520)
    directory.show()
    qtbot.waitUntil(lambda: directory.list.count() >= 2, timeout=WAIT)
    settle(qtbot, ana.worker)
    rows = [directory.list.item(i).text() for i in range(directory.list.count())]
    bea_row = next(r for r in rows if r.startswith("Bea K."))
    assert "she/her" in bea_row and BADGE_MARK in bea_row and "Mentor" in bea_row
    assert "listed as Bea" in bea_row
    assert not directory.list.item(0).icon().isNull()
    _check(directory, "member_directory", theme, out)
    directory.search.setText("mentor")
    qtbot.waitUntil(lambda: directory.list.count() == 1, timeout=WAIT)
    directory.search.clear()
    qtbot.waitUntil(lambda: directory.list.count() >= 2, timeout=WAIT)

    view = next(v for v in directory._views if v.name == "Bea K.")
    card = ProfileCardDialog(ctx, group, view, win)
    qtbot.addWidget(card)
    card.show()
    settle(qtbot, ana.worker)
    assert "Asia/Tokyo" in card.facts.text() and "UTC+09:00" in card.facts.text()
    assert "Mentor" in card.badges_label.text() and view.fingerprint in card.fingerprint.text()
    assert card.admin_box.isVisible()          # Ana owns the group
    _check(card, "profile_card", theme, out)
    card.title_edit.setText("Host of the month")
    card.grant_button.click()
    qtbot.waitUntil(lambda: "Host of the month" in card.badges_label.text(), timeout=WAIT)
    card.close()
    directory.close()

    # the members dialog marks names that carry badges (Bea: Mentor and Host; founding
    # members, most of a young group, are not marked there)
    members = MembersDialog(ctx, group, win)
    qtbot.addWidget(members)
    members.show()
    qtbot.waitUntil(lambda: any(f"{BADGE_MARK}2" in members.model.display(m)
                                for m in members.model.items() if m.name == "Bea"),
                    timeout=WAIT)
    members.close()

    # Edit my profile in this group: the dialog starts from what I have and sends changes
    open_edit_profile(ctx, group, win)
    qtbot.waitUntil(lambda: any(isinstance(w, EditProfileDialog) and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=WAIT)
    edit = next(w for w in QApplication.topLevelWidgets()
                if isinstance(w, EditProfileDialog) and w.isVisible())
    assert edit.pronouns_edit.text() == "they/them"
    _check(edit, "edit_profile", theme, out)
    edit.name_edit.setText("Ana (host)")
    edit.zone.setCurrentIndex(edit.zone.findData("Europe/Lisbon"))
    edit.save()
    qtbot.waitUntil(lambda: not edit.isVisible(), timeout=WAIT)
    mine = services.member_profiles.mine(club)
    assert (mine.name, mine.pronouns, mine.timezone) == ("Ana (host)", "they/them",
                                                        "Europe/Lisbon")
    assert mine.avatar is not None
    services.sync_once()
    bea.sync_once()
    assert bea.member_profiles.show(club, "Ana").name == "Ana (host)"
