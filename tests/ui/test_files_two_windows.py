"""Files between two windows live on one relay: Ana drops a document on the conversation
in her window and sends it; Bea's window shows the post's file card, and Bea downloads it
from the Files dialog of her window, with a progress bar, to the same bytes."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import settle, show_group
from tests.ui.flows import plain
from tests.ui.test_files_window import _drop
from ui.delegates.search_delegate import SearchDelegate
from ui.dialogs.library import LibraryDialog
from ui.dialogs.search import SearchDialog

pytestmark = pytest.mark.timeout(180)
WAIT = 30_000


def test_a_file_sent_from_one_window_is_downloaded_in_the_other(
        qtbot, qapp, real_app, tmp_path: Path) -> None:  # noqa: ANN001
    from ui.context import AppContext
    from ui.events import EventBridge
    from ui.main_window import MainWindow
    from ui.theme import ThemeController
    from ui.worker import Worker

    app, world = real_app, real_app.world
    ana_win = app.window
    gid = world.groups["Book club"]
    bea = world.services("Bea")
    worker = Worker()
    events = EventBridge(bea)
    ctx = AppContext(bea, worker, events, ThemeController(qapp, "light"), world.relay_url)
    bea_win = MainWindow(ctx)
    events.setParent(bea_win)
    qtbot.addWidget(bea_win)
    bea_win.show()
    bea_win.start()
    worker.run(bea.start, None, lambda e: None, slow=True)
    try:
        for win in (ana_win, bea_win):
            win.resize(1000, 700)
            show_group(qtbot, win, gid)
        data = b"%PDF-1.4\n" + os.urandom(1_500_000)
        doc = tmp_path / "reading list.pdf"
        doc.write_bytes(data)
        composer = ana_win.pane.composer
        _drop(ana_win.pane, [doc])
        assert composer.tray.paths == [doc]
        composer.edit.setPlainText("The list for spring")
        composer.send_button.click()
        qtbot.waitUntil(lambda: not composer.tray.isVisible(), timeout=60_000)

        def bea_post():  # noqa: ANN202
            model = bea_win.pane.model
            rows = [model.post_at(r) for r in range(model.rowCount())]
            return next((p for p in rows if p.attachments
                         and p.text == "The list for spring"), None)

        qtbot.waitUntil(lambda: bea_post() is not None, timeout=WAIT)
        post = bea_post()
        assert [(f.name, f.size) for f in post.attachments] == [("reading list.pdf", len(data))]

        dialog = LibraryDialog(ctx, bea.groups.get(gid), bea_win)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: any(c.view.post_id == post.id for c in dialog.cards),
                        timeout=WAIT)
        card = next(c for c in dialog.cards if c.view.post_id == post.id)
        assert card.download_button.text() == "Download"
        seen: list[int] = []
        card.moved.connect(lambda d, _t: seen.append(d))
        card.download_button.click()
        assert not card.progress.isHidden()     # shown (the window itself may be covered)
        qtbot.waitUntil(lambda: card.download_button.text() == "Downloaded", timeout=60_000)
        assert seen
        settle(qtbot, worker)
        (tmp_path / "bea").mkdir()
        saved = bea.files.save(gid, post.id, 0, tmp_path / "bea")   # from Bea's cache
        assert hashlib.sha256(saved.read_bytes()).digest() == hashlib.sha256(data).digest()
        assert saved.name == "reading list.pdf"
        dialog.close()

        # Ana saves the post to the library; Bea's window finds it by its title (Ctrl+K)
        # and Enter goes to the post
        app.services.library.add(gid, post.id, "Spring syllabus", ["seminar"])
        found = SearchDialog(ctx, None, bea_win)
        qtbot.addWidget(found)
        found.open_hit.connect(bea_win.open_hit)
        found.show()
        qtbot.keyClicks(found.field, "syllab")
        qtbot.waitUntil(lambda: found.model.rowCount() == 1, timeout=WAIT)
        hit = found.model.item_at(0)
        assert (hit.kind, hit.post_id) == ("library", post.id)
        assert hit.snippet == "Spring \x02syllabus\x03 · #seminar"
        assert plain(SearchDelegate.where(hit)).startswith("Book club · in the library, saved by Ana")
        found.field.clear()
        qtbot.keyClicks(found.field, "reading list.pdf")    # the file's name: the post itself
        qtbot.waitUntil(lambda: [(h.kind, h.post_id) for h in found.model.items()]
                        == [("post", post.id)], timeout=WAIT)
        found.field.clear()
        qtbot.keyClicks(found.field, "seminar")
        qtbot.waitUntil(lambda: found.model.rowCount() == 1
                        and found.model.item_at(0).kind == "library", timeout=WAIT)
        qtbot.keyClick(found.field, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not found.isVisible(), timeout=WAIT)
        settle(qtbot, worker)
        current = bea_win.pane.view.currentIndex()
        assert bea_win.pane.model.post_at(current.row()).id == post.id
    finally:
        bea_win.close()
        worker.shutdown()
        events.detach()
