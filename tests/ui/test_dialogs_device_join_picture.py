"""The new installation reads the link code from a picture of its QR instead of typing it:
a file chosen, an image pasted into the code field, a file dropped on the dialog, and frames
of a camera (this machine has none: the button is hidden, and frames are fed to the scan
dialog as its video sink would). The QR is segno's, as the linking desktop draws it, of a
real `device link` code; the picture's code fills the field and the join links through the
real relay. A picture without a QR, a QR of another link, and an image too large to read
(refused from its header, never decoded) each give one sentence and leave the field alone;
the code read is never logged. Rendered light and dark and looked at."""
from __future__ import annotations

import io
import logging
import os
import struct
import zlib
from pathlib import Path

import pytest
import segno
import zxingcpp
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel

import ui.qr_read
from app.api import Services
from crypto import link as wire
from tests.keyring_double import MemoryKeyring
from tests.ui.conftest import RealApp
from tests.ui.test_screenshots import _brightness, _check, _out_dir
from ui.dialogs import camera_scan, device_join
from ui.dialogs.camera_scan import CameraScanDialog
from ui.dialogs.device_join import JoinDeviceDialog
from ui.dialogs.devices import DevicesDialog
from ui.dialogs.first_run import FirstRunDialog
from ui.theme import ThemeController
from ui.worker import Worker

WAIT = 90_000
NO_CODE = "This picture holds no Coterie link code"


def qr_png(payload: str, scale: int = 6) -> bytes:
    """The QR as the linking desktop draws it (ui/qr.py: segno, error level M, border 4)."""
    buf = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


def screenshot(payload: str | None, width: int = 1280, height: int = 800) -> QImage:
    """A screen-like picture: a dark window with text, and the QR (if any) in its middle."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#2b2d33"))
    painter = QPainter(image)
    painter.setPen(QColor("#e6e6e6"))
    painter.drawText(40, 60, "Link a desktop — scan this code or type it on the new one")
    if payload is not None:
        qr = QImage.fromData(qr_png(payload))
        painter.drawImage((width - qr.width()) // 2, (height - qr.height()) // 2, qr)
    painter.end()
    return image


def save(image: QImage, path: Path) -> Path:
    assert image.save(str(path))
    return path


def bomb_png(width: int = 40_000, height: int = 40_000) -> bytes:
    """A tiny PNG whose header claims width × height pixels (a decompression bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\0" * 1024)) + chunk(b"IEND", b""))


def drag_and_drop(target, mime: QMimeData) -> bool:  # noqa: ANN001
    """Drag `mime` over `target` and drop it there; whether the drop was taken."""
    enter = QDragEnterEvent(QPoint(20, 10), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(20, 10), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, drop)
    return drop.isAccepted()


def join_dialog(qtbot, tmp_path: Path, worker: Worker) -> tuple[JoinDeviceDialog, Services]:  # noqa: ANN001
    ThemeController(QApplication.instance(), "light")   # as the app does before any dialog
    fresh = Services(tmp_path / "laptop", keyring_backend=MemoryKeyring())
    join = JoinDeviceDialog(fresh, worker, True)
    qtbot.addWidget(join)
    join.show()
    return join, fresh


def idle(qtbot, join: JoinDeviceDialog) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: not join.busy, timeout=WAIT)


def shots(qtbot, qapp: QApplication, dialog, name: str, out: Path) -> None:  # noqa: ANN001
    theme = ThemeController(qapp, "light")
    for choice in ("light", "dark"):
        theme.apply(choice)
        qtbot.wait(150)
        _check(dialog, name, choice, out)
    theme.apply("light")


def camera_shots(qtbot, qapp: QApplication, scan: CameraScanDialog, out: Path) -> None:  # noqa: ANN001
    """Light and dark: the camera's picture is whatever it sees, so the theme is judged on
    the dialog above the picture (title and hint)."""
    theme = ThemeController(qapp, "light")
    for choice in ("light", "dark"):
        theme.apply(choice)
        qtbot.wait(150)
        image = scan.grab().toImage()
        assert image.save(str(out / f"camera_scan_{choice}.png"))
        above = image.copy(0, 0, image.width(), scan.preview.y())
        light = _brightness(above)
        assert (light > 150) if choice == "light" else (light < 110), (choice, light)
        for label in scan.findChildren(QLabel):
            if label.wordWrap() and label.isVisible() and label.text():
                assert label.height() >= label.heightForWidth(label.width())
    theme.apply("light")


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many images zxing-cpp was handed."""
    calls: list[int] = []
    real = zxingcpp.read_barcodes

    def counted(image, **kw):  # noqa: ANN001, ANN003, ANN202
        calls.append(image.width() * image.height())
        return real(image, **kw)

    monkeypatch.setattr(zxingcpp, "read_barcodes", counted)
    return calls


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_picture_of_the_qr_links_the_new_installation(
        qtbot, real_app: RealApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    out = _out_dir(tmp_path)
    ana = real_app.services
    devices = real_app.window.open_devices()
    assert isinstance(devices, DevicesDialog)
    qtbot.waitUntil(lambda: devices.table.topLevelItemCount() == 1, timeout=WAIT)
    devices.history_box.setChecked(False)
    devices.link_button.click()
    qtbot.waitUntil(lambda: devices.code.text().startswith("coterie://link#"), timeout=WAIT)
    code = devices.code.text()
    picture = save(screenshot(code), tmp_path / "code.png")

    fresh = Services(tmp_path / "laptop", keyring_backend=MemoryKeyring())
    worker = Worker()
    try:
        first = FirstRunDialog(fresh, worker, keyring=True)
        qtbot.addWidget(first)
        first.show()
        first.link_button.click()
        join = first.findChild(JoinDeviceDialog)
        assert join is not None
        assert join.picture_button.isVisibleTo(join)
        assert not join.camera_button.isVisibleTo(join)      # this machine has no camera
        monkeypatch.setattr(QFileDialog, "getOpenFileName",
                            staticmethod(lambda *a, **k: (str(picture), "")))
        join.picture_button.click()
        qtbot.waitUntil(lambda: join.code_edit.text() == code, timeout=WAIT)
        idle(qtbot, join)
        assert not join.error_label.isVisibleTo(join)
        assert "read from the picture" in join.status.text()
        assert not join.relay_edit.text()                    # the whole code names its relay
        join.name_edit.setText("Laptop")
        assert join.join_button.isEnabled()
        shots(qtbot, QApplication.instance(), join, "device_join_picture_read", out)
        join.join_button.click()
        qtbot.waitUntil(lambda: join.match_button.isVisibleTo(join), timeout=WAIT)
        qtbot.waitUntil(lambda: devices.match_button.isVisibleTo(devices), timeout=WAIT)
        assert join.words.text() == devices.words.text()
        join.match_button.click()
        devices.match_button.click()
        qtbot.waitUntil(lambda: first.pages.currentIndex() == 2, timeout=WAIT)
        assert fresh.profile.me().fingerprint == ana.profile.me().fingerprint
        assert {g.name for g in fresh.groups.list()} == {g.name for g in ana.groups.list()}
        qtbot.waitUntil(lambda: devices.table.topLevelItemCount() == 2, timeout=WAIT)
    finally:
        worker.shutdown()
        fresh.close()
    secret = code.rsplit(".", 1)[1]
    assert secret not in caplog.text and wire.parse_code(code).short() not in caplog.text


def test_pictures_without_a_link_code_are_refused_with_one_sentence(
        qtbot, qapp: QApplication, worker: Worker, tmp_path: Path,  # noqa: ANN001
        decodes: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    out = _out_dir(tmp_path)
    join, fresh = join_dialog(qtbot, tmp_path, worker)
    try:
        join.code_edit.setText("ABCDE")
        invite = ("coterie://join#1.aHR0cDovLzEyNy4wLjAuMTo4MDAw."
                  "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        for name, payload in (("none", None), ("web", "https://example.org/link#1.abc.def"),
                              ("invite", invite)):
            decodes.clear()
            join.read_picture(save(screenshot(payload), tmp_path / f"{name}.png"))
            idle(qtbot, join)
            assert decodes, name                            # it was looked at …
            assert join.error_label.isVisibleTo(join)
            assert join.error_label.text() == (
                "This picture holds no Coterie link code. Show the code on your other "
                "desktop and try again."), name
            assert join.code_edit.text() == "ABCDE"          # … and the field is left alone
        shots(qtbot, qapp, join, "device_join_picture_no_code", out)

        decodes.clear()
        opened: list[object] = []
        real_scaled = ui.qr_read.scaled_image
        monkeypatch.setattr(ui.qr_read, "scaled_image",
                            lambda src, side: opened.append(src) or real_scaled(src, side))
        join.read_picture(bomb_png())                        # the header says 1.6 gigapixels
        idle(qtbot, join)
        assert "too large to read" in join.error_label.text()
        assert decodes == [] and opened == []        # refused from its header, never decoded
        bomb = tmp_path / "bomb.png"
        bomb.write_bytes(bomb_png(20_000, 20_000))
        join.read_picture(bomb)
        idle(qtbot, join)
        assert "too large to read" in join.error_label.text()
        assert decodes == [] and opened == []
        huge = QImage(9000, 8000, QImage.Format.Format_Mono)    # a pasted image, decoded
        huge.fill(0)
        join.read_picture(huge)
        idle(qtbot, join)
        assert "too large to read" in join.error_label.text() and decodes == []

        junk = tmp_path / "junk.png"
        junk.write_bytes(os.urandom(4096))
        join.read_picture(junk)
        idle(qtbot, join)
        assert "not a picture Coterie can read" in join.error_label.text()
        assert join.code_edit.text() == "ABCDE" and join.code_edit.isEnabled()
    finally:
        fresh.close()


def test_a_pasted_or_dropped_picture_fills_the_code_and_text_pastes_as_text(
        qtbot, worker: Worker, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:  # noqa: ANN001
    caplog.set_level(logging.DEBUG)
    code = wire.new_code("http://127.0.0.1:9", os.urandom).text()
    join, fresh = join_dialog(qtbot, tmp_path, worker)
    clipboard = QGuiApplication.clipboard()
    try:
        clipboard.setImage(screenshot(code, 900, 700))
        join.code_edit.setFocus()
        qtbot.keyClick(join.code_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: join.code_edit.text() == code, timeout=WAIT)
        idle(qtbot, join)

        join.code_edit.clear()
        clipboard.setText("ABCDE-FGHJK")                     # text is pasted as before
        qtbot.keyClick(join.code_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        assert join.code_edit.text() == "ABCDE-FGHJK" and not join.busy

        others = []
        for target in (join, join.code_edit):      # on the dialog, and on the code field
            other = wire.new_code("http://127.0.0.1:9", os.urandom).text()
            others.append(other)
            dropped = save(screenshot(other), tmp_path / f"dropped{len(others)}.jpg")
            mime = QMimeData()
            mime.setUrls([QUrl.fromLocalFile(str(dropped))])
            assert drag_and_drop(target, mime)
            qtbot.waitUntil(lambda o=other: join.code_edit.text() == o, timeout=WAIT)
            idle(qtbot, join)

        text_only = QMimeData()
        text_only.setText("hello")
        assert JoinDeviceDialog.picture_in(text_only) is None
        not_picture = QMimeData()
        not_picture.setUrls([QUrl.fromLocalFile(str(tmp_path / "notes.txt"))])
        assert JoinDeviceDialog.picture_in(not_picture) is None
        assert not drag_and_drop(join, not_picture)
    finally:
        clipboard.clear()
        fresh.close()
    for c in (code, *others):
        assert c.rsplit(".", 1)[1] not in caplog.text


def test_camera_frames_are_read_until_one_holds_the_code(
        qtbot, qapp: QApplication, worker: Worker, tmp_path: Path,  # noqa: ANN001
        monkeypatch: pytest.MonkeyPatch, decodes: list[int]) -> None:
    out = _out_dir(tmp_path)
    assert camera_scan.cameras() == []                       # no camera on this machine
    code = wire.new_code("http://127.0.0.1:9", os.urandom).text()
    # as if one were plugged in: the button shows, and its dialog gets frames from a test
    # instead of a video sink
    monkeypatch.setattr(device_join, "cameras", lambda: ["camera"])
    monkeypatch.setattr(device_join, "CameraScanDialog",
                        lambda w, parent: CameraScanDialog(w, parent, camera=False))
    monkeypatch.setattr(camera_scan, "FRAMES_PER_SECOND", 1000)
    join, fresh = join_dialog(qtbot, tmp_path, worker)
    try:
        assert join.camera_button.isVisibleTo(join)
        shots(qtbot, qapp, join, "device_join_picture_camera", out)
        join.camera_button.click()
        scan = join.findChild(CameraScanDialog)
        assert scan is not None and scan.isVisible()
        for payload in (None, "https://example.org/"):     # frames without a link code
            before = scan.frames_read
            scan.take_frame(screenshot(payload, 640, 480))
            qtbot.waitUntil(lambda b=before: scan.frames_read > b, timeout=WAIT)
            assert scan.isVisible() and not scan.code and not scan.error_label.isVisibleTo(scan)
        assert join.code_edit.text() == ""
        frame = screenshot(code, 640, 480)
        camera_shots(qtbot, qapp, scan, out)
        scan.take_frame(frame)
        qtbot.waitUntil(lambda: join.code_edit.text() == code, timeout=WAIT)
        assert not scan.isVisible() and scan.code == code
        assert decodes and max(decodes) <= 640 * 480
    finally:
        fresh.close()


def test_a_camera_frame_larger_than_the_reading_size_is_scaled_before_reading(
        decodes: list[int], qapp: QApplication) -> None:  # noqa: ANN001
    code = wire.new_code("http://127.0.0.1:9", os.urandom).text()
    image = screenshot(code, 4000, 3000)
    assert ui.qr_read.read_code(image) == code
    assert max(decodes) <= ui.qr_read.READ_SIDE * ui.qr_read.READ_SIDE
