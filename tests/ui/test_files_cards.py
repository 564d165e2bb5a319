"""File cards in the conversation while their files move, over real services and a real
relay: my post stands in the conversation as "sending…" while its files go up, with a
progress bar and Cancel on its cards; Cancel there means the post is never sent, its outbox
entry goes, and the files and caption stay in the composer. A download started from a card
shows its progress on the card; Cancel removes what was fetched so far. Light and dark
screenshots of both."""
from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QMenu

from app.file_names import CACHE_DIR
from tests.ui.conftest import settle
from tests.ui.real_services import WAIT, App
from tests.ui.test_files_window import _drop
from tests.ui.test_screenshots import _check, _out_dir
from ui.delegates.post_layout import cancel_rect

pytestmark = pytest.mark.timeout(240)


def _rows(app: App) -> list:
    model = app.window.pane.model
    return [model.post_at(r) for r in range(model.rowCount())]


def _cancel_point(app: App, post_id: str, index: int = 0) -> QPoint:
    """Where the Cancel button of a file card is, in the conversation's viewport."""
    pane = app.window.pane
    row = pane.model.row_of(post_id)
    layout = pane.delegate._fast[post_id][3]
    card = next(rect for rect, i in layout.files if i == index)
    button = cancel_rect(card, pane.delegate._metrics(pane.view.font()))
    return pane.view.visualRect(pane.model.index(row, 0)).topLeft() + button.center()


def _gate(signal, gate: threading.Event) -> None:  # noqa: ANN001
    """Progress reports (on the worker thread) wait for `gate`: whatever the test does
    before it opens lands while the transfer is under way."""
    def hold(*_args: object) -> None:
        gate.wait(20)
    signal.connect(hold, Qt.ConnectionType.DirectConnection)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_cancel_on_an_uploading_card_sends_nothing_and_keeps_the_files(
        qtbot, ana: App, tmp_path: Path, theme: str) -> None:  # noqa: ANN001
    win, svc = ana.window, ana.services
    ana.ctx.theme.apply(theme)
    win.resize(1000, 700)
    out = _out_dir(tmp_path)
    big = tmp_path / "term papers.pdf"
    big.write_bytes(b"%PDF-1.4\n" + os.urandom(6 << 20))
    pane, composer = win.pane, win.pane.composer
    _drop(pane, [big])
    composer.edit.setPlainText("Term papers")
    gate = threading.Event()
    _gate(pane.files.upload.moved, gate)
    composer.send_button.click()
    try:
        qtbot.waitUntil(lambda: any(p.uploading for p in _rows(ana)), timeout=WAIT)
        outgoing = next(p for p in _rows(ana) if p.uploading)
        assert outgoing.sending and outgoing.text == "Term papers"
        assert [f.name for f in outgoing.attachments] == ["term papers.pdf"]
        assert pane.files.transfers.state(outgoing.id, 0) is not None
        qtbot.wait(50)
        _check(win, "timeline_uploading", theme, out)
        qtbot.mouseClick(pane.view.viewport(), Qt.MouseButton.LeftButton,
                         pos=_cancel_point(ana, outgoing.id))
        assert pane.files.upload.cancel.is_set()
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not any(p.uploading for p in _rows(ana)), timeout=60_000)
    qtbot.waitUntil(lambda: not pane.files.upload.busy and ana.worker.pending == 0, timeout=WAIT)
    # nothing was sent, nothing waits in the outbox, nothing the user attached is lost
    assert not any("Term papers" in (p.text or "") for p in _rows(ana))
    assert svc.files.pending() == []
    assert composer.tray.paths == [big] and composer.tray.isVisible()
    assert composer.edit.toPlainText() == "Term papers"
    assert not composer.tray.progress.isVisible()
    blobs = ana.world.profile_dir("Ana") / CACHE_DIR
    assert not blobs.exists() or list(blobs.iterdir()) == []

    composer.send_button.click()                       # sent again, it goes once
    qtbot.waitUntil(lambda: not composer.tray.isVisible(), timeout=60_000)
    qtbot.waitUntil(lambda: [p.text for p in _rows(ana) if p.attachments]
                    == ["Term papers"], timeout=WAIT)
    assert not any(p.uploading for p in _rows(ana))


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_download_from_a_card_shows_progress_and_cancel_removes_the_partial(
        qtbot, ana: App, tmp_path: Path, monkeypatch, theme: str) -> None:  # noqa: ANN001
    win = ana.window
    ana.ctx.theme.apply(theme)
    win.resize(1000, 700)
    out = _out_dir(tmp_path)
    bea = ana.world.services("Bea")
    data = b"%PDF-1.4\n" + os.urandom(6 << 20)
    src = tmp_path / "src"
    src.mkdir()
    (src / "atlas.pdf").write_bytes(data)
    gid = ana.world.groups["Book club"]
    post_id = bea.files.attach(gid, [src / "atlas.pdf"], "The atlas").post_id
    bea.sync_once()
    ana.go_live(qtbot)
    qtbot.waitUntil(lambda: any(p.id == post_id for p in _rows(ana)), timeout=WAIT)
    pane = win.pane
    pane.view.scrollToBottom()
    settle(qtbot, ana.worker)
    errors: list[str] = []
    pane.error.connect(errors.append)
    saved_to = tmp_path / "saved"
    saved_to.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *_a, **_k: str(saved_to)))

    def save_as() -> None:
        pane.files.file_menu(post_id, 0, QPoint(0, 0))
        menu = [m for m in pane.findChildren(QMenu) if m.accessibleName() == "File actions"][-1]
        next(a for a in menu.actions() if a.text() == "Save as…").trigger()
        menu.close()

    gate = threading.Event()
    _gate(pane.files.transfers.moved, gate)
    save_as()
    try:
        qtbot.waitUntil(lambda: pane.files.transfers.state(post_id, 0) is not None, timeout=WAIT)
        qtbot.wait(50)
        _check(win, "timeline_downloading", theme, out)
        qtbot.mouseClick(pane.view.viewport(), Qt.MouseButton.LeftButton,
                         pos=_cancel_point(ana, post_id))
        state = pane.files.transfers.state(post_id, 0)
        assert state is not None and state[1]          # cancelling
    finally:
        gate.set()
    qtbot.waitUntil(lambda: pane.files.transfers.state(post_id, 0) is None, timeout=60_000)
    assert errors == ["Download cancelled."]
    blobs = ana.world.profile_dir("Ana") / CACHE_DIR
    assert not blobs.exists() or list(blobs.iterdir()) == []   # no partial left behind
    assert list(saved_to.iterdir()) == []

    save_as()                                   # again, to the end: the same bytes
    qtbot.waitUntil(lambda: (saved_to / "atlas.pdf").exists(), timeout=60_000)
    [saved] = saved_to.iterdir()
    assert hashlib.sha256(saved.read_bytes()).digest() == hashlib.sha256(data).digest()
    assert pane.files.transfers.state(post_id, 0) is None
