"""The timeline, sidebar, members and search as a person sees them, over real services:
rendered offscreen in the light and dark theme and written to COTERIE_SCREENSHOTS (default
/tmp/shots) for a person to look at; each image is checked for content and brightness."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from tests.ui.timeline_world import WAIT, People, open_group, rows, settle
from ui.dialogs.members import MembersDialog, SafetyNumberDialog
from ui.dialogs.search import SearchDialog

pytestmark = pytest.mark.slow


def _out() -> Path:
    out = Path(os.environ.get("COTERIE_SCREENSHOTS", "/tmp/shots"))
    out.mkdir(parents=True, exist_ok=True)
    return out


def _brightness(image: QImage) -> float:
    values = [image.pixelColor(x, y).lightness()
              for y in range(0, image.height(), 9) for x in range(0, image.width(), 9)]
    return sum(values) / max(1, len(values))


def _shot(widget: QWidget, name: str, theme: str) -> QImage:
    image = widget.grab().toImage()
    assert image.save(str(_out() / f"timeline_{name}_{theme}.png"))
    light = _brightness(image)
    assert (light > 150) if theme == "light" else (light < 110), f"{name}: brightness {light}"
    return image


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_timeline_views_render(qtbot, qapp, people: People, theme: str) -> None:
    ana, bea, fake = people.person("Ana"), people.person("Bea"), people.person("Bеa", "bea2")
    cleo = people.person("Cleo")
    gid = people.group(ana, "Book club", bea)
    first = bea.services.posts.post(gid, "Shall we read *Middlemarch* next? It is long but _worth_ it.")
    bea.services.sync_once()
    ana.services.sync_once()
    ana.services.posts.reply(gid, first.id, "Yes! I have a copy.")
    mine = ana.services.posts.post(gid, "Thursday at 7 works for me")
    ana.services.posts.edit(gid, mine.id, "Thursday at 7:30 works for me")
    ana.services.posts.react(gid, first.id, "👍")
    gone = ana.services.posts.post(gid, "wrong group, sorry")
    ana.services.posts.delete(gid, gone.id)
    people.admit(ana, gid, fake)
    people.admit(ana, gid, cleo)
    fake.services.posts.post(gid, "It is me, Bea, on a new phone")
    fake.services.sync_once()
    ana.services.sync_once()
    ana.services.groups.promote(gid, bea.fingerprint)
    ana.services.groups.remove_member(gid, fake.fingerprint)
    ana.services.groups.create("نادي الكتاب", people.relay_url)
    ana.services.sync_once()

    window = people.open_window(qtbot, qapp, ana, theme)
    window._ctx.theme.apply(theme)
    open_group(qtbot, ana, gid)
    qtbot.waitUntil(lambda: len(rows(ana)) > 8, timeout=WAIT)
    settle(qtbot, ana)
    qtbot.wait(50)
    _shot(window, "main", theme)

    ana.services.groups.rename(gid, "Book club of the long winter evenings on the hill")
    window.resize(640, 600)
    qtbot.wait(50)
    _shot(window, "main_640", theme)
    window.resize(1000, 700)

    members = MembersDialog(window._ctx, window.pane.group, window)
    members.open()
    qtbot.waitUntil(lambda: members.model.rowCount() == 3, timeout=WAIT)
    settle(qtbot, ana)
    _shot(members, "members", theme)
    members._compare()
    safety = next(d for d in members.findChildren(SafetyNumberDialog) if d.isVisible())
    safety.code_edit.setText(members.current().safety_qr)
    safety.check_button.click()
    qtbot.waitUntil(lambda: safety.result_label.text().startswith("✓"), timeout=WAIT)
    _shot(safety, "safety_checked", theme)
    safety.close()
    qtbot.waitUntil(lambda: members.current() is not None and members.current().verified,
                    timeout=WAIT)
    _shot(members, "members_verified", theme)
    members.close()

    search = SearchDialog(window._ctx, None, window)
    search.open()
    search.field.setText("Thursday")
    qtbot.waitUntil(lambda: search.model.rowCount() > 0, timeout=WAIT)
    settle(qtbot, ana)
    _shot(search, "search", theme)
    search.close()
