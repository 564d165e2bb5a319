"""Files in the conversation: sending the composer's files (encrypted and uploaded on the
slow lane, the post standing in the timeline with a progress bar and Cancel meanwhile),
resuming uploads that waited for the relay, and what a file card's click offers (view an
image, open, save; save a post to the library).

Downloads and uploads report through `Transfers`, which the post delegate paints.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QPoint, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from app.files import guess_media_type
from app.views import (
    GENERAL_ID,
    AttachmentView,
    ChannelView,
    ConnectionState,
    GroupSummary,
    PostView,
)
from ui.context import AppContext
from ui.dialogs.library import ImageViewer, SaveToLibraryDialog
from ui.image_preview import PREVIEW_SIDE, scaled_image, thumbnail
from ui.models.conversation_model import ConversationModel
from ui.transfers import Transfers
from ui.widgets.composer import Composer
from ui.widgets.conversation_view import ConversationView


class FileActions(QObject):
    """Sends, fetches, opens and saves the files of the conversation `host` shows."""

    error = Signal(str)

    def __init__(self, ctx: AppContext, host: QWidget, composer: Composer,
                 model: ConversationModel, view: ConversationView,
                 group: Callable[[], GroupSummary | None],
                 channel: Callable[[], ChannelView | None]) -> None:
        super().__init__(host)
        self._ctx, self._host = ctx, host
        self._composer, self._model, self._view = composer, model, view
        self._group, self._channel = group, channel
        ctx.services.files.previewer = thumbnail   # previews travel in attachment posts
        self.upload = UploadProgress(self)
        self._upload_seq = 0
        self._resuming = False
        self._outgoing: PostView | None = None   # my attachment post while it uploads
        self.transfers = Transfers(self)
        self.transfers.changed.connect(self.repaint_post)
        self.upload.moved.connect(composer.tray.set_progress)
        composer.send_files.connect(self.send_files)
        composer.tray.cancel_requested.connect(self.cancel_upload)
        model.opened.connect(lambda _g, _r: self.show_outgoing())
        ctx.events.connection.connect(self.resume_uploads)

    # -- sending -----------------------------------------------------------------------------
    def send_files(self, caption: str, paths: list[Path]) -> None:
        """Attach on the slow lane: encrypt, upload with progress, then the post goes.

        Meanwhile the post stands in the conversation as "sending…" with a progress bar
        and Cancel on its file cards (as in the composer). Cancel abandons the upload: the
        post is never sent, its outbox entry and encrypted copies are dropped (the relay
        deletes what it got), and the files and caption stay in the composer to send again.
        """
        group, channel_shown = self._group(), self._channel()
        if group is None or self.upload.busy:
            return
        gid, svc = group.id, self._ctx.services
        composer = self._composer
        reply_to = composer.reply_to.id if composer.reply_to else None
        channel = bytes.fromhex(channel_shown.id) if channel_shown is not None else None
        up = self.upload
        up.start()
        composer.tray.sending(True)
        self._upload_seq += 1
        outgoing = f"uploading-{self._upload_seq}"
        up.cancel = self.transfers.start(outgoing)
        report = self.transfers.reporter(outgoing)

        def progress(done: int, total: int) -> None:
            up.report(done, total)
            report(done, total)

        def show(me: object) -> None:
            if not up.busy or self._upload_seq != int(outgoing.rsplit("-", 1)[1]):
                return      # done (or cancelled) before the name came
            self._outgoing = PostView(
                outgoing, gid, getattr(me, "name", ""), getattr(me, "fingerprint", ""),
                int(time.time()), caption, mine=True, sending=True, uploading=True,
                channel_id=channel_shown.id if channel_shown is not None else GENERAL_ID,
                attachments=tuple(_attachment(i, p) for i, p in enumerate(paths)))
            self.show_outgoing()
            self._view.scrollToBottom()

        def work() -> object:
            return svc.files.attach(gid, paths, caption, channel=channel, reply_to=reply_to,
                                    progress=progress, cancel=up.cancel)

        def finished() -> None:
            up.busy = False
            self.transfers.finish(outgoing)
            if self._outgoing is not None:
                self._model.discard(self._outgoing.id)
                self._outgoing = None

        def done(result: object) -> None:
            finished()
            upload_id = getattr(result, "upload_id", None)
            if up.cancel.is_set() and getattr(result, "post_id", None) is None:
                # Cancel abandons the upload; the files stay in the composer to try again.
                composer.tray.sending(False)
                if upload_id is not None:
                    self._ctx.worker.run(lambda: svc.files.cancel(upload_id), None,
                                         lambda e: None, slow=True)
                return
            composer.tray.clear()
            composer.sent()
            waiting = getattr(result, "waiting", None)
            if waiting:
                self.error.emit(QCoreApplication.translate(
                    "ConversationPane", "{reason}: the files wait in the outbox and go when "
                    "the relay can be reached.").format(reason=waiting.rstrip(".")))

        def failed(exc: BaseException) -> None:
            finished()
            composer.tray.sending(False)   # the files stay in the composer
            if not up.cancel.is_set():     # cancelled while encrypting: nothing went
                self.error.emit(str(exc) or "The files could not be attached.")

        self._ctx.worker.run(svc.profile.me, show, lambda e: show(None), owner=self)
        self._ctx.worker.run(work, done, failed, slow=True, owner=self)

    def show_outgoing(self) -> None:
        """Put the uploading post (back) into the window: a reload forgets local rows."""
        group = self._group()
        if self._outgoing is not None and group is not None \
                and self._outgoing.group_id == group.id:
            self._model.apply_posts(None, [self._outgoing])

    def cancel_upload(self) -> None:
        self.upload.cancel.set()
        if self._outgoing is not None:
            self.repaint_post(self._outgoing.id)

    def resume_uploads(self) -> None:
        """Back online: attachments waiting in the outbox go on (once at a time)."""
        if self._resuming or self.upload.busy:
            return
        svc = self._ctx.services

        def resume() -> object:
            if svc.connection().state is not ConnectionState.ONLINE or not svc.files.pending():
                return None
            return svc.files.resume_uploads()

        def finished(_r: object = None) -> None:
            self._resuming = False

        self._resuming = True
        self._ctx.worker.run(resume, finished, lambda e: finished(), slow=True, owner=self)

    def repaint_post(self, post_id: str) -> None:
        row = self._model.row_of(post_id)
        if row >= 0:
            self._view.update(self._model.index(row, 0))

    # -- a file card's click -----------------------------------------------------------------
    def file_menu(self, post_id: str, index: int, where: QPoint) -> QMenu | None:
        """A file in the timeline was clicked: view an image, open or save a file."""
        group = self._group()
        if group is None:
            return None
        post = self._model.post_at(self._model.row_of(post_id))
        found = [f for f in (post.attachments if post else ()) if f.index == index]
        gid = group.id
        menu = QMenu(self._host)
        menu.setAccessibleName(QCoreApplication.translate("ConversationPane", "File actions"))
        if found and found[0].is_image:
            menu.addAction(QCoreApplication.translate("ConversationPane", "View"),
                           lambda: self._view_image(gid, post_id, index, found[0].name))
        if not found or not found[0].executable:
            menu.addAction(QCoreApplication.translate("ConversationPane", "Open"),
                           lambda: self._open_file(gid, post_id, index))
        menu.addAction(QCoreApplication.translate("ConversationPane", "Save as…"),
                       lambda: self._save_file(gid, post_id, index))
        menu.popup(where)
        return menu

    def save_to_library(self, post: PostView) -> SaveToLibraryDialog | None:
        group = self._group()
        if group is None:
            return None
        dialog = SaveToLibraryDialog(self._ctx, group, post, self._host)
        dialog.open()
        return dialog

    def _fetch_then(self, gid: str, post_id: str, index: int, then: Callable[[], None]) -> None:
        """Download the file into the cache with a progress bar and Cancel on its card, then
        `then()` (on the GUI thread). Cancel removes what was fetched so far."""
        if self.transfers.state(post_id, index) is not None:
            return
        svc = self._ctx.services
        cancel = self.transfers.start(post_id, index)
        report = self.transfers.reporter(post_id, index)

        def done(_r: object) -> None:
            self.transfers.finish(post_id, index)
            then()

        def failed(exc: BaseException) -> None:
            self.transfers.finish(post_id, index)
            self.error.emit(QCoreApplication.translate("ConversationPane", "Download cancelled.")
                            if cancel.is_set() else str(exc))

        self._ctx.worker.run(lambda: svc.files.fetch(gid, post_id, index, progress=report,
                                                     cancel=cancel, keep_partial=False),
                             done, failed, slow=True, owner=self)

    def _open_file(self, gid: str, post_id: str, index: int) -> None:
        svc = self._ctx.services
        self._fetch_then(gid, post_id, index, lambda: self._ctx.worker.run(
            lambda: svc.files.open_copy(gid, post_id, index),
            lambda path: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))),
            lambda e: self.error.emit(str(e)), slow=True, owner=self))

    def _save_file(self, gid: str, post_id: str, index: int) -> None:
        folder = QFileDialog.getExistingDirectory(
            self._host, QCoreApplication.translate("ConversationPane", "Save into folder"))
        if folder:
            svc = self._ctx.services
            self._fetch_then(gid, post_id, index, lambda: self._ctx.worker.run(
                lambda: svc.files.save(gid, post_id, index, Path(folder)),
                None, lambda e: self.error.emit(str(e)), slow=True, owner=self))

    def _view_image(self, gid: str, post_id: str, index: int, name: str) -> None:
        svc = self._ctx.services

        def load() -> object:
            path = svc.files.open_copy(gid, post_id, index)
            try:
                return scaled_image(path, PREVIEW_SIDE * 2)
            finally:
                path.unlink(missing_ok=True)

        self._fetch_then(gid, post_id, index, lambda: self._ctx.worker.run(
            load, lambda image: ImageViewer(name, image, self._host).open(),
            lambda e: self.error.emit(str(e)), slow=True, owner=self))


def _attachment(index: int, path: Path) -> AttachmentView:
    """A file of my post being uploaded, as its card shows it until the post is sent."""
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    return AttachmentView(index, path.name, size, guess_media_type(path.name))


class UploadProgress(QObject):
    """Carries upload progress from the worker thread to the GUI thread (queued signal)."""

    moved = Signal(int, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cancel = threading.Event()
        self.busy = False

    def start(self) -> None:
        self.cancel = threading.Event()
        self.busy = True

    def report(self, done: int, total: int) -> None:
        self.moved.emit(done, total)
