"""The group's resource library: files (previews from the embedded thumbnails), links and
saved items, filtered by kind, channel and who shared them, sorted newest or oldest first,
by name or by size; each file a card with Download (a progress bar, and Cancel while it
runs), Open and Save as…; an image opens in a viewer. Everything reaches the services on the worker.

Open decrypts into a private temporary folder removed when the app exits (the dialog says
so) and never opens an executable: those can only be saved.
"""
from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.files import Cancelled, FileView, LinkView
from app.library import LibraryItem
from app.views import GroupSummary, PostView
from ui.context import AppContext
from ui.dialogs.base import ServiceDialog
from ui.image_preview import PREVIEW_SIDE, ImageRefused, scaled_image
from ui.roles import MANAGE_CHANNELS, may
from ui.widgets.attachment_tray import human_size, type_label

KIND_LABELS = ((QT_TRANSLATE_NOOP("LibraryDialog", "All"), None), (QT_TRANSLATE_NOOP("LibraryDialog", "Images"), "images"),
               (QT_TRANSLATE_NOOP("LibraryDialog", "Documents"), "documents"),
               (QT_TRANSLATE_NOOP("LibraryDialog", "Audio and video"), "media"),
               (QT_TRANSLATE_NOOP("LibraryDialog", "Links"), "links"))
SORT_LABELS = ((QT_TRANSLATE_NOOP("LibraryDialog", "Newest first"), "newest"),
               (QT_TRANSLATE_NOOP("LibraryDialog", "Oldest first"), "oldest"),
               (QT_TRANSLATE_NOOP("LibraryDialog", "By name"), "name"),
               (QT_TRANSLATE_NOOP("LibraryDialog", "Largest first"), "size"))
CARD_PREVIEW = 64
OPEN_NOTE = QT_TRANSLATE_NOOP("LibraryDialog", "Open puts a decrypted copy in a private temporary folder "
                              "that is removed when Coterie closes; files stay encrypted "
                              "everywhere else until you save them.")


class FileCard(QFrame):
    """One file: preview or icon, name, size and type, and what can be done with it; while it
    downloads, a progress bar and the Download button turned into Cancel."""

    moved = Signal(int, int)     # emitted on the worker thread, shown on the GUI thread

    def __init__(self, dialog: LibraryDialog, view: FileView, thumb: bytes) -> None:
        super().__init__()
        self.cancel: threading.Event | None = None
        self.setObjectName("fileCard")
        self.view = view
        self._dialog = dialog
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 6, 8, 6)
        self.preview = QLabel(type_label(view.name))
        self.preview.setObjectName("fileTypeIcon")
        self.preview.setFixedSize(CARD_PREVIEW, CARD_PREVIEW)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if thumb:
            image = QImage.fromData(thumb)
            if not image.isNull():
                self.preview.setPixmap(QPixmap.fromImage(image).scaled(
                    CARD_PREVIEW, CARD_PREVIEW, Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation))
        texts = QVBoxLayout()
        texts.setSpacing(0)
        name = QLabel(view.name)
        name.setTextFormat(Qt.TextFormat.PlainText)
        name.setObjectName("fileName")
        dims = f" · {view.width}×{view.height}" if view.width and view.height else ""
        detail = QLabel(QCoreApplication.translate("FileCard", "{size} · {type}{dims}").format(
            size=human_size(view.size), type=view.media_type, dims=dims))
        detail.setTextFormat(Qt.TextFormat.PlainText)
        detail.setObjectName("fileDetail")
        texts.addWidget(name)
        texts.addWidget(detail)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(QCoreApplication.translate("FileCard", "Download progress"))
        self.progress.setRange(0, 1000)
        self.progress.setMaximumHeight(10)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.moved.connect(self._moved)
        if view.caption:
            caption = QLabel(view.caption[:120])
            caption.setTextFormat(Qt.TextFormat.PlainText)
            caption.setObjectName("fileDetail")
            texts.addWidget(caption)
        texts.addWidget(self.progress)
        row.addWidget(self.preview)
        row.addLayout(texts, 1)
        self.download_button = QPushButton(QCoreApplication.translate("FileCard", "Downloaded") if view.cached else QCoreApplication.translate("FileCard", "Download"))
        self.download_button.setEnabled(not view.cached)
        self.download_button.setAccessibleName(QCoreApplication.translate("FileCard", 'Download {name}').format(name=view.name))
        self.download_button.clicked.connect(self._download_clicked)
        self.open_button = QPushButton(QCoreApplication.translate("FileCard", "Open"))
        self.open_button.setAccessibleName(QCoreApplication.translate("FileCard", 'Open {name}').format(name=view.name))
        self.open_button.setEnabled(not view.executable)
        if view.executable:
            self.open_button.setToolTip(QCoreApplication.translate("FileCard", "Programs are never opened from Coterie; save it "
                                        "and check it first."))
        self.open_button.clicked.connect(lambda: dialog.open_file(self))
        self.save_button = QPushButton(QCoreApplication.translate("FileCard", "Save as…"))
        self.save_button.setAccessibleName(QCoreApplication.translate("FileCard", 'Save {name}').format(name=view.name))
        self.save_button.clicked.connect(lambda: dialog.save_file(self))
        for b in (self.download_button, self.open_button, self.save_button):
            row.addWidget(b)

    def _download_clicked(self) -> None:
        if self.cancel is not None:
            self.cancel.set()
            self.download_button.setEnabled(False)
        else:
            self._dialog.download(self)

    def _moved(self, done: int, total: int) -> None:
        self.progress.setValue(int(done * 1000 / total) if total else 0)

    def mouseDoubleClickEvent(self, event: object) -> None:  # noqa: N802
        if self.view.kind == "images":
            self._dialog.view_image(self)


class ImageViewer(QDialog):
    """The full image, decoded scaled to the screen on the worker (bomb-safe)."""

    def __init__(self, name: str, image: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(name)
        layout = QVBoxLayout(self)
        label = QLabel()
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setPixmap(QPixmap.fromImage(image))
        label.setAccessibleName(name)
        layout.addWidget(label)


class LibraryDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, group: GroupSummary,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("LibraryDialog", 'Files and library — {name}').format(name=group.name), parent)
        self._ctx = ctx
        self._group = group
        self.setMinimumSize(640, 520)
        self.kind = QComboBox()
        self.kind.setAccessibleName(QCoreApplication.translate("LibraryDialog", "Show"))
        for label, _kind in KIND_LABELS:
            self.kind.addItem(QCoreApplication.translate("LibraryDialog", label))
        self.kind.currentIndexChanged.connect(self.reload)
        self.channel = QComboBox()
        self.channel.setAccessibleName(QCoreApplication.translate("LibraryDialog", "Channel"))
        self.channel.addItem(QCoreApplication.translate("LibraryDialog", "Every channel"), None)
        self.member = QComboBox()
        self.member.setAccessibleName(QCoreApplication.translate("LibraryDialog", "Shared by"))
        self.member.addItem(QCoreApplication.translate("LibraryDialog", "Anyone"), None)
        self.sort = QComboBox()
        self.sort.setAccessibleName(QCoreApplication.translate("LibraryDialog", "Order"))
        for label, _sort in SORT_LABELS:
            self.sort.addItem(QCoreApplication.translate("LibraryDialog", label))
        for combo in (self.channel, self.member, self.sort):
            combo.currentIndexChanged.connect(self.reload)
        note = QLabel(QCoreApplication.translate("LibraryDialog", OPEN_NOTE))
        note.setObjectName("hint")
        note.setWordWrap(True)
        self.list_box = QVBoxLayout()
        self.list_box.setSpacing(6)
        inner = QWidget()
        inner.setLayout(self.list_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        top = QHBoxLayout()
        top.addWidget(QLabel(QCoreApplication.translate("LibraryDialog", "Show:")))
        top.addWidget(self.kind)
        top.addWidget(self.channel)
        top.addWidget(self.member)
        top.addWidget(self.sort)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        layout.addWidget(note)
        layout.addWidget(self.error_label)
        self.cards: list[FileCard] = []
        self._me = ""
        self._filters_loaded = False
        self.reload()

    # -- loading ---------------------------------------------------------------------------
    def reload(self) -> None:
        kind = KIND_LABELS[max(0, self.kind.currentIndex())][1]
        sort = SORT_LABELS[max(0, self.sort.currentIndex())][1]
        channel_hex, member = self.channel.currentData(), self.member.currentData()
        channel = bytes.fromhex(channel_hex) if channel_hex else None
        svc, gid = self._ctx.services, self._group.id
        first = not self._filters_loaded

        def load() -> tuple[list, list[LibraryItem], dict, tuple | None]:
            views = svc.files.list(gid, kind, channel=channel, member=member, sort=sort)
            items = svc.library.items(gid, channel, member) if kind is None else []
            thumbs = {(v.post_id, v.index): svc.files.thumbnail(gid, v.post_id, v.index)
                      for v in views if isinstance(v, FileView) and v.has_preview}
            self._me = svc.profile.me().fingerprint
            choices = ([(c.name, c.id) for c in svc.channels.list(gid)],
                       [(m.name, m.fingerprint) for m in svc.groups.members(gid)]) if first else None
            return views, items, thumbs, choices

        self.call(load, self._show)

    def _fill_filters(self, choices: tuple) -> None:
        channels, members = choices
        for combo, rows in ((self.channel, channels), (self.member, members)):
            combo.blockSignals(True)
            for name, value in rows:
                combo.addItem(name, value)
            combo.blockSignals(False)
        self._filters_loaded = True

    def _show(self, loaded: tuple[list, list[LibraryItem], dict, tuple | None]) -> None:
        views, items, thumbs, choices = loaded
        if choices is not None and not self._filters_loaded:
            self._fill_filters(choices)
        while self.list_box.count():
            w = self.list_box.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        self.cards = []
        for item in items:
            tags = "  ".join(f"#{t}" for t in item.tags)
            title = item.title or QCoreApplication.translate("LibraryDialog", "(untitled)")
            if item.pinned:
                title = QCoreApplication.translate("LibraryDialog", "Pinned: {title}").format(title=title)
            self.list_box.addWidget(self._item_row(item, title + ("  " + tags if tags else "")))
        for v in views:
            if isinstance(v, LinkView):
                link = QLabel(QCoreApplication.translate("LibraryDialog", 'Link: {url}').format(url=v.url))
                link.setTextFormat(Qt.TextFormat.PlainText)
                link.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.list_box.addWidget(link)
            else:
                card = FileCard(self, v, thumbs.get((v.post_id, v.index), b""))
                self.cards.append(card)
                self.list_box.addWidget(card)
        if not views and not items:
            empty = QLabel(QCoreApplication.translate("LibraryDialog", "Nothing shared here yet. Drop files on the conversation to share."))
            empty.setObjectName("hint")
            self.list_box.addWidget(empty)
        self.list_box.addStretch(1)

    def _item_row(self, item: LibraryItem, text: str) -> QWidget:
        """A saved item: its title and tags; Pin for admins, Remove for its author or admins."""
        row = QFrame()
        row.setObjectName("libraryItem")
        box = QHBoxLayout(row)
        box.setContentsMargins(8, 2, 8, 2)
        label = QLabel(text)
        label.setTextFormat(Qt.TextFormat.PlainText)
        if item.description:
            label.setToolTip(item.description)
        box.addWidget(label, 1)
        svc, gid = self._ctx.services, self._group.id
        admin = may(self._group, MANAGE_CHANNELS)
        if admin:
            pin = QPushButton(QCoreApplication.translate("LibraryDialog", "Unpin") if item.pinned
                              else QCoreApplication.translate("LibraryDialog", "Pin"))
            pin.clicked.connect(lambda: self.call(
                lambda: svc.library.pin(gid, item.id, not item.pinned),
                lambda _r: self.reload(), slow=True))
            box.addWidget(pin)
            tags = QPushButton(QCoreApplication.translate("LibraryDialog", "Edit tags…"))
            tags.setAccessibleName(QCoreApplication.translate(
                "LibraryDialog", "Edit the tags of {title}").format(title=item.title or item.id[:12]))
            tags.clicked.connect(lambda: self.edit_tags(item))
            box.addWidget(tags)
        if admin or item.author == self._me:
            remove = QPushButton(QCoreApplication.translate("LibraryDialog", "Remove"))
            remove.setToolTip(QCoreApplication.translate(
                "LibraryDialog", "Take it out of the library; the post stays in the conversation."))
            remove.clicked.connect(lambda: self.call(lambda: svc.library.remove(gid, item.id),
                                                     lambda _r: self.reload(), slow=True))
            box.addWidget(remove)
        return row

    # -- actions ---------------------------------------------------------------------------
    def edit_tags(self, item: LibraryItem) -> None:
        """Admins replace the item's tags (comma-separated; empty removes them all)."""
        text, ok = QInputDialog.getText(
            self, QCoreApplication.translate("LibraryDialog", "Edit tags"),
            QCoreApplication.translate("LibraryDialog", "Tags, separated by commas:"),
            text=", ".join(item.tags))
        if not ok:
            return
        svc, gid = self._ctx.services, self._group.id
        tags = [t for t in text.split(",") if t.strip()]
        self.call(lambda: svc.library.set_tags(gid, item.id, tags), lambda _r: self.reload(),
                  slow=True)

    def download(self, card: FileCard) -> None:
        """Fetch into the cache with a progress bar; the button cancels meanwhile."""
        svc, v = self._ctx.services, card.view
        cancel = card.cancel = threading.Event()
        card.download_button.setText(QCoreApplication.translate("LibraryDialog", "Cancel"))
        card.download_button.setAccessibleName(QCoreApplication.translate(
            "LibraryDialog", "Cancel the download of {name}").format(name=v.name))
        card.progress.setValue(0)
        card.progress.show()

        def finished() -> None:
            card.cancel = None
            card.progress.hide()
            card.download_button.setAccessibleName(QCoreApplication.translate(
                "FileCard", "Download {name}").format(name=v.name))

        def done(_r: object) -> None:
            finished()
            card.download_button.setEnabled(False)
            card.download_button.setText(QCoreApplication.translate("LibraryDialog", "Downloaded"))

        def failed(exc: BaseException) -> None:
            finished()
            card.download_button.setText(QCoreApplication.translate("LibraryDialog", "Download"))
            card.download_button.setEnabled(True)
            if isinstance(exc, Cancelled):
                self.show_error(QCoreApplication.translate("LibraryDialog",
                                                           "Download cancelled."))

        def report(done_bytes: int, total: int) -> None:
            try:
                card.moved.emit(done_bytes, total)
            except RuntimeError:     # the card was closed meanwhile: stop the download
                cancel.set()

        self.call(lambda: svc.files.fetch(v.group_id, v.post_id, v.index,
                                          progress=report, cancel=cancel),
                  done, slow=True, on_error=failed)

    def open_file(self, card: FileCard) -> None:
        svc, v = self._ctx.services, card.view
        if v.executable:
            return
        self.call(lambda: svc.files.open_copy(v.group_id, v.post_id, v.index),
                  lambda path: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))),
                  slow=True)

    def save_file(self, card: FileCard) -> None:
        folder = QFileDialog.getExistingDirectory(self, QCoreApplication.translate("LibraryDialog", "Save into folder"))
        if not folder:
            return
        svc, v = self._ctx.services, card.view
        self.call(lambda: svc.files.save(v.group_id, v.post_id, v.index, Path(folder)),
                  lambda path: self.show_error(QCoreApplication.translate("LibraryDialog", 'Saved as {path}.').format(path=path)), slow=True)

    def view_image(self, card: FileCard) -> None:
        svc, v = self._ctx.services, card.view

        def load() -> QImage:
            path = svc.files.open_copy(v.group_id, v.post_id, v.index)
            try:
                return scaled_image(path, PREVIEW_SIDE * 2)
            finally:
                path.unlink(missing_ok=True)

        def show(image: QImage) -> None:
            ImageViewer(v.name, image, self).open()

        def refused(exc: BaseException) -> None:
            if isinstance(exc, ImageRefused):
                self.show_error(str(exc))

        self.call(load, show, slow=True, on_error=refused)


class SaveToLibraryDialog(ServiceDialog):
    """Save a post to the group's library with a title, tags and a description."""

    def __init__(self, ctx: AppContext, group: GroupSummary, post: PostView,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx.worker, QCoreApplication.translate("SaveToLibraryDialog",
                                                                "Save to library"), parent)
        self._ctx, self._group, self._post = ctx, group, post
        self.setMinimumWidth(440)
        form = QFormLayout()
        self.title_edit = QLineEdit(post.text.split("\n", 1)[0][:120] if post.text
                                    else (post.attachments[0].name if post.attachments else ""))
        self.title_edit.setAccessibleName(QCoreApplication.translate("SaveToLibraryDialog", "Title"))
        self.tags_edit = QLineEdit()
        self.tags_edit.setPlaceholderText(QCoreApplication.translate("SaveToLibraryDialog",
                                                                     "comma-separated"))
        self.tags_edit.setAccessibleName(QCoreApplication.translate("SaveToLibraryDialog", "Tags"))
        self.description_edit = QLineEdit()
        self.description_edit.setAccessibleName(QCoreApplication.translate("SaveToLibraryDialog",
                                                                           "Description"))
        form.addRow(QCoreApplication.translate("SaveToLibraryDialog", "Title"), self.title_edit)
        form.addRow(QCoreApplication.translate("SaveToLibraryDialog", "Tags"), self.tags_edit)
        form.addRow(QCoreApplication.translate("SaveToLibraryDialog", "Description"),
                    self.description_edit)
        self.save_button = QPushButton(QCoreApplication.translate("SaveToLibraryDialog", "Save"))
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self.save)
        self._busy_buttons.append(self.save_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        cancel = QPushButton(QCoreApplication.translate("SaveToLibraryDialog", "Cancel"))
        cancel.clicked.connect(self.reject)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)

    def save(self) -> None:
        svc, gid, post = self._ctx.services, self._group.id, self._post
        title = self.title_edit.text().strip()
        tags = [t for t in self.tags_edit.text().split(",") if t.strip()]
        description = self.description_edit.text().strip()
        self.call(lambda: svc.library.add(gid, post.id, title, tags, description),
                  lambda _item: self.accept(), slow=True)
