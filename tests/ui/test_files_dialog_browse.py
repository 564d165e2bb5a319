"""The Files dialog over real services and a real relay: Bea shares files from her own
profile; in Ana's window the dialog filters them by channel and by who shared them, sorts
them, and a download shows its progress and can be cancelled, then finishes with the same
bytes. Light and dark screenshots."""
from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import settle
from tests.ui.real_services import WAIT, App
from tests.ui.test_screenshots import _check, _out_dir
from ui.dialogs.library import LibraryDialog

pytestmark = pytest.mark.timeout(180)


def _names(dialog: LibraryDialog) -> list[str]:
    return [c.view.name for c in dialog.cards]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_files_dialog_filters_sorts_and_cancels_a_download(
        qtbot, ana: App, tmp_path: Path, theme: str) -> None:  # noqa: ANN001
    win, ctx = ana.window, ana.ctx
    ctx.theme.apply(theme)
    out = _out_dir(tmp_path)
    club = ana.world.groups["Book club"]
    bea = ana.world.services("Bea")
    ana.services.channels.create(club, "Reading")
    ana.services.sync_once(timeout=30.0)
    bea.sync_once(timeout=30.0)
    big = tmp_path / "atlas.pdf"
    data = os.urandom(3 * (1 << 20) + 12345)
    big.write_bytes(data)
    small = tmp_path / "notes.txt"
    small.write_bytes(b"chapter notes")
    reading = bea.files.channel_id(club, "Reading")
    assert bea.files.attach(club, [big], "", reading).post_id
    assert bea.files.attach(club, [small]).post_id
    bea.sync_once(timeout=30.0)
    ana.services.sync_once(timeout=30.0)
    mine = tmp_path / "mine.txt"
    mine.write_bytes(b"from ana")
    assert ana.services.files.attach(club, [mine]).post_id

    group = ana.services.groups.get(club)
    dialog = LibraryDialog(ctx, group, win)
    qtbot.addWidget(dialog)
    dialog.resize(760, 560)
    dialog.show()
    qtbot.waitUntil(lambda: len(dialog.cards) == 3 and dialog.channel.count() > 2, timeout=WAIT)
    dialog.sort.setCurrentIndex(3)                        # largest first
    qtbot.waitUntil(lambda: _names(dialog) == ["atlas.pdf", "notes.txt", "mine.txt"],
                    timeout=WAIT)
    dialog.member.setCurrentIndex(dialog.member.findText("Bea"))
    qtbot.waitUntil(lambda: _names(dialog) == ["atlas.pdf", "notes.txt"], timeout=WAIT)
    dialog.channel.setCurrentIndex(dialog.channel.findText("Reading"))
    qtbot.waitUntil(lambda: _names(dialog) == ["atlas.pdf"], timeout=WAIT)
    settle(qtbot, ana.worker)
    card = dialog.cards[0]

    # the first progress report waits until Cancel was pressed: the cancel lands mid-way
    gate = threading.Event()
    card.moved.connect(lambda _d, _t: gate.wait(10), Qt.ConnectionType.DirectConnection)
    card.download_button.click()
    assert card.progress.isVisible() and card.download_button.text() == "Cancel"
    _check(dialog, "files_dialog_browse", theme, out)
    card.download_button.click()
    gate.set()
    qtbot.waitUntil(lambda: card.download_button.text() == "Download", timeout=WAIT)
    assert not card.progress.isVisible() and card.download_button.isEnabled()
    assert "cancelled" in dialog.error_label.text()
    assert not [v for v in ana.services.files.list(club) if v.name == "atlas.pdf"][0].cached

    seen: list[tuple[int, int]] = []
    card.moved.connect(lambda d, t: seen.append((d, t)))
    card.download_button.click()
    qtbot.waitUntil(lambda: card.download_button.text() == "Downloaded", timeout=60_000)
    assert seen and seen[-1][0] == seen[-1][1] >= len(data)      # the padded blob, all of it
    assert not card.progress.isVisible()
    view = card.view
    saved = ana.services.files.save(club, view.post_id, view.index, tmp_path)
    assert hashlib.sha256(saved.read_bytes()).digest() == hashlib.sha256(data).digest()


def test_an_admin_edits_a_library_items_tags_in_the_files_dialog(
        qtbot, ana: App, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QInputDialog, QLabel, QPushButton

    win, ctx = ana.window, ana.ctx
    out = _out_dir(tmp_path)
    club = ana.world.groups["Book club"]
    post = ana.world.posts["river"]
    item = ana.services.library.add(club, post, "The river café", ["meet"])
    dialog = LibraryDialog(ctx, ana.services.groups.get(club), win)
    qtbot.addWidget(dialog)
    dialog.resize(760, 400)
    dialog.show()

    def button() -> QPushButton | None:
        found = [b for b in dialog.findChildren(QPushButton) if b.text() == "Edit tags…"]
        return found[0] if found else None

    qtbot.waitUntil(lambda: button() is not None, timeout=WAIT)
    settle(qtbot, ana.worker)
    for theme in ("light", "dark"):
        ctx.theme.apply(theme)
        _check(dialog, "files_dialog_tags", theme, out)
    asked: list[str] = []

    def answer(_parent, _title, _label, text=""):  # noqa: ANN001, ANN202
        asked.append(text)
        return "spring, meet", True

    monkeypatch.setattr(QInputDialog, "getText", answer)
    button().click()
    assert asked == ["meet"]
    qtbot.waitUntil(lambda: [i.tags for i in ana.services.library.items(club)
                             if i.id == item] == [("spring", "meet")], timeout=WAIT)
    qtbot.waitUntil(lambda: any("#spring  #meet" in label.text()
                                for label in dialog.findChildren(QLabel)), timeout=WAIT)
