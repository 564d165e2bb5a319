"""The composer's attachments: one chip per file (preview or icon, name, size, ✕), then,
while sending, one progress bar with Cancel. Files come from the picker, a drop onto the
conversation or a pasted image; previews are made on the worker, never the GUI thread."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.file_names import safe_name
from app.files import MAX_FILES
from ui.image_preview import ImageRefused, scaled_image

CHIP_PREVIEW = 48
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"}


def human_size(n: int) -> str:
    """"1.5 MB", "1,5 MB": the locale's digits and decimal sign (QLocale)."""
    return QLocale().formattedDataSize(n, 1, QLocale.DataSizeFormat.DataSizeSIFormat)


def type_label(name: str) -> str:
    """What a file's icon says until (or instead of) a preview: its extension, or FILE."""
    ext = Path(name).suffix.lstrip(".").upper()
    return ext[:4] if ext.isalnum() else "FILE"


def preview_image(path: Path) -> QImage | None:
    """A chip-sized preview (worker thread); None for non-images and refused ones."""
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return None
    try:
        return scaled_image(path, CHIP_PREVIEW * 2)
    except ImageRefused:
        return None


class AttachmentChip(QFrame):
    removed = Signal(object)

    def __init__(self, path: Path, size: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentChip")
        self.path = path
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 4, 4, 4)
        row.setSpacing(6)
        self.icon = QLabel(type_label(path.name))
        self.icon.setObjectName("fileTypeIcon")
        self.icon.setFixedSize(CHIP_PREVIEW, CHIP_PREVIEW)
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        texts = QVBoxLayout()
        texts.setSpacing(0)
        name = QLabel(safe_name(path.name))
        name.setTextFormat(Qt.TextFormat.PlainText)
        name.setMaximumWidth(180)
        detail = QLabel(human_size(size))
        detail.setObjectName("attachmentSize")
        texts.addWidget(name)
        texts.addWidget(detail)
        self.remove_button = QToolButton()
        self.remove_button.setText("✕")
        self.remove_button.setAccessibleName(QCoreApplication.translate("AttachmentChip", 'Remove {safe_name}').format(safe_name=safe_name(path.name)))
        self.remove_button.setToolTip(QCoreApplication.translate("AttachmentChip", "Remove this file"))
        self.remove_button.clicked.connect(lambda: self.removed.emit(self))
        row.addWidget(self.icon)
        row.addLayout(texts)
        row.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)

    def set_preview(self, image: QImage | None) -> None:
        if image is not None and not image.isNull():
            self.icon.setPixmap(QPixmap.fromImage(image).scaled(
                CHIP_PREVIEW, CHIP_PREVIEW, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))


class AttachmentTray(QFrame):
    """Files waiting to be sent with the next post; emits `changed` when the list changes."""

    changed = Signal()
    cancel_requested = Signal()
    refused = Signal(str)

    def __init__(self, worker: object | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachmentTray")
        self._worker = worker
        self._chips: list[AttachmentChip] = []
        self._pasted_dir: Path | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setFixedHeight(CHIP_PREVIEW + 16)
        inner = QWidget()
        self._row = QHBoxLayout(inner)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(6)
        self._row.addStretch(1)
        self._scroll.setWidget(inner)
        outer.addWidget(self._scroll)
        progress_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setAccessibleName(QCoreApplication.translate("AttachmentTray", "Upload progress"))
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton(QCoreApplication.translate("AttachmentTray", "Cancel"))
        self.cancel_button.setAccessibleName(QCoreApplication.translate("AttachmentTray", "Cancel the upload"))
        self.cancel_button.clicked.connect(self.cancel_requested)
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        self._progress_box = QWidget()
        self._progress_box.setLayout(progress_row)
        self._progress_box.hide()
        outer.addWidget(self._progress_box)
        self.hide()

    @property
    def paths(self) -> list[Path]:
        return [chip.path for chip in self._chips]

    def add_paths(self, paths: list[Path]) -> None:
        for path in paths:
            if len(self._chips) >= MAX_FILES:
                self.refused.emit(self.tr("A post carries at most {count} files.").format(
                    count=MAX_FILES))
                break
            try:
                size = path.stat().st_size
            except OSError:
                self.refused.emit(self.tr("The file {name} cannot be read.").format(
                    name=path.name))
                continue
            if not path.is_file() or path in self.paths:
                continue
            chip = AttachmentChip(path, size)
            chip.removed.connect(self._remove)
            self._chips.append(chip)
            self._row.insertWidget(self._row.count() - 1, chip)
            if self._worker is not None:
                self._worker.run(lambda p=path: preview_image(p),  # type: ignore[attr-defined]
                                 chip.set_preview, lambda e: None, owner=chip)
        self.setVisible(bool(self._chips))
        self.changed.emit()

    def add_image(self, image: QImage) -> None:
        """A pasted image: saved as PNG in a private temporary folder, then attached."""
        if self._pasted_dir is None:
            self._pasted_dir = Path(tempfile.mkdtemp(prefix="coterie-paste-"))
        n = len(list(self._pasted_dir.iterdir())) + 1
        path = self._pasted_dir / f"pasted-image-{n}.png"
        if image.save(str(path), "PNG"):
            os.chmod(path, 0o600)
            self.add_paths([path])

    def _remove(self, chip: AttachmentChip) -> None:
        self._chips.remove(chip)
        chip.setParent(None)
        chip.deleteLater()
        self.setVisible(bool(self._chips))
        self.changed.emit()

    def clear(self) -> None:
        for chip in list(self._chips):
            self._remove(chip)
        self.sending(False)

    def sending(self, active: bool) -> None:
        self._progress_box.setVisible(active)
        for chip in self._chips:
            chip.remove_button.setEnabled(not active)
        if active:
            self.progress.setRange(0, 1000)
            self.progress.setValue(0)

    def set_progress(self, done: int, total: int) -> None:
        self.progress.setValue(int(1000 * done / total) if total else 0)
        self.progress.setFormat(f"{human_size(done)} of {human_size(total)}")
