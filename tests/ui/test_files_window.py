"""Files in the window, over real services and a real relay: files dropped on the
conversation and an image pasted into the composer show as chips (✕ removes one), go up
with a progress bar, and the post appears; the Files dialog shows cards with the embedded
preview, Download works and an image opens in the viewer; light and dark screenshots."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QImage
from PySide6.QtWidgets import QFrame, QMenu, QPushButton

from tests.ui.conftest import settle
from tests.ui.real_services import WAIT, App
from tests.ui.test_screenshots import _check, _out_dir
from ui.dialogs.library import ImageViewer, LibraryDialog


def _photo(path: Path, w: int = 1600, h: int = 1200) -> Path:
    image = QImage(w, h, QImage.Format.Format_RGB32)
    image.fill(QColor("#4a7fb0"))
    for y in range(0, h, 40):
        for x in range(0, w, 40):
            image.setPixelColor(x, y, QColor((x * 3) % 255, (y * 5) % 255, 90))
    assert image.save(str(path), "JPEG", 85)
    return path


def _drop(widget, paths: list[Path]) -> None:  # noqa: ANN001
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPoint(10, 10).toPointF(), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    widget.dropEvent(event)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_files_are_dropped_pasted_sent_and_shown(qtbot, ana: App, tmp_path: Path,  # noqa: ANN001
                                                 theme: str) -> None:
    win, ctx = ana.window, ana.ctx
    ctx.theme.apply(theme)
    out = _out_dir(tmp_path)
    photo = _photo(tmp_path / "lake.jpg")
    notes = tmp_path / "minutes.pdf"
    notes.write_bytes(b"%PDF-1.4\n" + os.urandom(200_000))
    extra = tmp_path / "extra.txt"
    extra.write_text("not this one")
    composer = win.pane.composer
    _drop(win.pane, [photo, notes, extra])
    pasted = QMimeData()
    small = QImage(300, 200, QImage.Format.Format_RGB32)
    small.fill(QColor("#c0392b"))
    pasted.setImageData(small)
    composer.edit.insertFromMimeData(pasted)
    assert len(composer.tray.paths) == 4 and composer.tray.isVisible()
    chip = next(c for c in composer.tray._chips if c.path == extra)
    chip.remove_button.click()
    assert extra not in composer.tray.paths and len(composer.tray.paths) == 3
    settle(qtbot, ana.worker)
    qtbot.waitUntil(lambda: composer.tray._chips[0].icon.pixmap() is not None
                    and not composer.tray._chips[0].icon.pixmap().isNull(), timeout=WAIT)
    composer.edit.setPlainText("Photos from the walk")
    assert composer.send_button.isEnabled()
    _check(win, "composer_attachments", theme, out)

    seen: list[int] = []
    win.pane.files.upload.moved.connect(lambda d, t: seen.append(d))
    composer.send_button.click()
    assert composer.tray.progress.isVisible()
    qtbot.waitUntil(lambda: not composer.tray.isVisible(), timeout=60_000)
    assert seen and composer.edit.toPlainText() == ""
    gid = win.pane.group.id
    qtbot.waitUntil(lambda: any("Photos from the walk" in (p.text or "")
                                for p in (win.pane.model.post_at(r)
                                          for r in range(win.pane.model.rowCount()))),
                    timeout=WAIT)

    # inline in the timeline: the caption, previews from the embedded thumbnails, a card
    model, view = win.pane.model, win.pane.view
    row = next(r for r in range(model.rowCount())
               if model.post_at(r).attachments)
    post = model.post_at(row)
    assert post.text == "Photos from the walk"
    assert [f.name for f in post.attachments] == ["lake.jpg", "minutes.pdf",
                                                  "pasted-image-1.png"]
    assert post.attachments[0].thumbnail and post.attachments[0].width == 1600
    view.scrollTo(model.index(row, 0))
    settle(qtbot, ana.worker)
    _check(win, "timeline_attachments", theme, out)
    option = view.viewOptions() if hasattr(view, "viewOptions") else None
    rect = view.visualRect(model.index(row, 0))
    layout = win.pane.delegate._fast[post.id][3]   # (the stand-in shown while sending had its own)
    assert layout is not None and len(layout.files) == 3
    clicked: list[tuple[str, int]] = []
    win.pane.delegate.file_clicked.connect(lambda pid, i, _w: clicked.append((pid, i)))
    card = layout.files[1][0]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.topLeft() + card.center())
    assert clicked == [(post.id, 1)]
    menus = [m for m in win.pane.findChildren(QMenu) if m.accessibleName() == "File actions"]
    assert menus and [a.text() for a in menus[-1].actions()] == ["Open", "Save as…"]
    menus[-1].close()
    del option

    # saved to the library from the post's menu, then curated in the Files dialog
    save = win.pane.files.save_to_library(post)
    qtbot.addWidget(save)
    save.title_edit.setText("Walk photos")
    save.tags_edit.setText("walks, photos")
    save.save()
    qtbot.waitUntil(lambda: not save.isVisible(), timeout=WAIT)
    assert [(i.title, i.tags) for i in ctx.services.library.items(gid)] == [
        ("Walk photos", ("walks", "photos"))]

    dialog = LibraryDialog(ctx, win.pane.group, win)
    qtbot.addWidget(dialog)
    dialog.resize(720, 560)
    dialog.show()
    qtbot.waitUntil(lambda: len(dialog.cards) >= 3, timeout=WAIT)
    settle(qtbot, ana.worker)
    lake = next(c for c in dialog.cards if c.view.name == "lake.jpg")
    assert lake.preview.pixmap() is not None and not lake.preview.pixmap().isNull()
    assert (lake.view.width, lake.view.height) == (1600, 1200)
    _check(dialog, "files_dialog", theme, out)
    lake.download_button.click()
    qtbot.waitUntil(lambda: lake.download_button.text() == "Downloaded", timeout=WAIT)
    viewers: list[ImageViewer] = []
    original = ImageViewer.open
    ImageViewer.open = lambda self: (viewers.append(self), original(self))  # type: ignore[method-assign]
    try:
        lake.mouseDoubleClickEvent(None)
        qtbot.waitUntil(lambda: bool(viewers), timeout=WAIT)
    finally:
        ImageViewer.open = original  # type: ignore[method-assign]
    settle(qtbot, ana.worker)
    shot = viewers[0].grab().toImage()          # the photo itself sets its brightness
    assert shot.width() >= 600 and shot.save(str(out / f"image_viewer_{theme}.png"))
    viewers[0].close()
    rows = dialog.findChildren(QFrame, "libraryItem")
    assert len(rows) == 1
    buttons = {b.text(): b for b in rows[0].findChildren(QPushButton)}
    assert set(buttons) == {"Pin", "Edit tags…", "Remove"}        # Ana is an admin
    buttons["Pin"].click()
    qtbot.waitUntil(lambda: ctx.services.library.items(gid)[0].pinned, timeout=WAIT)
    settle(qtbot, ana.worker)
    qtbot.waitUntil(lambda: len(dialog.cards) >= 3, timeout=WAIT)
    dialog.close()
    assert ctx.services.files.list(gid, "images")
