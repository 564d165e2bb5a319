"""Scan with camera: the camera's picture, read frame after frame until one holds a link code.

Offered by the join dialog only when PySide6's QtMultimedia is installed (the PySide6-Addons
wheel; Coterie itself depends on PySide6-Essentials only) and it sees a camera. Frames come
from a QVideoSink as QImages; at most one is being read at a time, on the worker's slow lane
(ui.qr_read, which caps and scales them like any picture), at most FRAMES_PER_SECOND times a
second. A frame without a link code is the normal case and says nothing; the first that
holds one closes the dialog with `code` set, and the join dialog fills its field with it.
"""
from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.dialogs.base import ServiceDialog
from ui.qr_read import read_code
from ui.worker import Worker

FRAMES_PER_SECOND = 5
PREVIEW_WIDTH, PREVIEW_HEIGHT = 480, 360


def cameras() -> list[Any]:
    """The cameras QtMultimedia sees; none when QtMultimedia is not installed."""
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError:
        return []
    return list(QMediaDevices.videoInputs())


class CameraScanDialog(ServiceDialog):
    """Show the default camera and read its frames; `code` once one held a link code."""

    def __init__(self, worker: Worker, parent: QWidget | None = None, *,
                 camera: bool = True) -> None:
        super().__init__(worker, QCoreApplication.translate(
            "CameraScanDialog", "Scan the code with the camera"), parent)
        self.code = ""
        self.frames_read = 0
        self._reading = False
        self._last = 0.0
        self._camera: Any = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        title = QLabel(QCoreApplication.translate("CameraScanDialog",
                                                  "Scan the code with the camera"))
        title.setObjectName("conversationTitle")
        layout.addWidget(title)
        hint = QLabel(QCoreApplication.translate(
            "CameraScanDialog", "Hold the QR code your other desktop shows in front of this "
            "camera, near enough to fill most of the picture."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.preview = QLabel()
        self.preview.setObjectName("cameraPreview")
        self.preview.setFixedSize(PREVIEW_WIDTH, PREVIEW_HEIGHT)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setAccessibleName(QCoreApplication.translate("CameraScanDialog",
                                                                  "Camera picture"))
        layout.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.error_label)
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel_button = QPushButton(QCoreApplication.translate("CameraScanDialog",
                                                                    "Cancel"))
        self.cancel_button.clicked.connect(self.reject)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        if camera:
            self._start()

    def _start(self) -> None:
        try:
            from PySide6.QtMultimedia import (
                QCamera,
                QMediaCaptureSession,
                QMediaDevices,
                QVideoSink,
            )
        except ImportError:
            self._no_camera()
            return
        if not QMediaDevices.videoInputs():
            self._no_camera()
            return
        self._session = QMediaCaptureSession(self)
        self._camera = QCamera(QMediaDevices.defaultVideoInput(), self)
        self._sink = QVideoSink(self)
        self._session.setCamera(self._camera)
        self._session.setVideoSink(self._sink)
        self._sink.videoFrameChanged.connect(self._frame)
        self._camera.errorOccurred.connect(lambda *_: self._no_camera())
        self._camera.start()

    def _no_camera(self) -> None:
        self.show_error(QCoreApplication.translate(
            "CameraScanDialog", "The camera could not be started. Close this window and read "
            "the code from a picture instead."))

    def _frame(self, frame: Any) -> None:
        if frame.isValid():
            self.take_frame(frame.toImage())

    def take_frame(self, image: QImage) -> None:
        """Show a frame, and read it unless one is being read or one was read just now."""
        if image.isNull() or self.code:
            return
        self.preview.setPixmap(QPixmap.fromImage(image.scaled(
            PREVIEW_WIDTH, PREVIEW_HEIGHT, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.FastTransformation)))
        now = time.monotonic()
        if self._reading or now - self._last < 1.0 / FRAMES_PER_SECOND:
            return
        self._reading = True
        self._last = now
        frame = image.copy()            # the worker's own, whatever the sink does next
        self._worker.run(lambda: read_code(frame), self._read, self._not_yet, slow=True,
                         owner=self)

    def _read(self, code: str) -> None:
        self._reading = False
        self.frames_read += 1
        if self.code:
            return
        self.code = code
        self.accept()

    def _not_yet(self, _exc: BaseException) -> None:
        self._reading = False           # no code in this frame: the next one is read
        self.frames_read += 1

    def done(self, result: int) -> None:
        if self._camera is not None:
            self._camera.stop()
        super().done(result)
