"""The conversation's composer at work: sending a post, a reply, an edit or a forum topic
(title and tags), keeping each channel's unsent draft while the app runs, and saying why
the composer is read-only (removed, observer, archived, announcements, timed out, locked)
or when slow mode lets the next post go.

Sending runs on the worker; what is typed is never lost: a refused post goes back into the
composer.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLineEdit

from app.errors import NotAllowed
from app.governance import can
from app.moderation import Standing
from app.views import GENERAL_ID, ChannelView, GroupSummary, PostView
from ui import timefmt
from ui.context import AppContext
from ui.dialogs.moderate import composer_notice
from ui.models.conversation_model import ConversationModel
from ui.roles import ANNOUNCE, POST, may
from ui.widgets.composer import Composer
from ui.widgets.conversation_view import ConversationView


class ComposerActions(QObject):
    """Sends what `composer` gives into the group and channel shown, and keeps it fit for
    that channel."""

    error = Signal(str)

    def __init__(self, ctx: AppContext, composer: Composer, topic_title: QLineEdit,
                 topic_tags: QLineEdit, model: ConversationModel, view: ConversationView,
                 group: Callable[[], GroupSummary | None],
                 channel: Callable[[], ChannelView | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._composer = ctx, composer
        self._title, self._tags = topic_title, topic_tags
        self._model, self._view = model, view
        self._group, self._channel = group, channel
        self._drafts: dict[str, str] = {}  # unsent text per channel, kept while the app runs
        self._blocked = False              # read-only for a reason the role or channel gives
        self._standing_asked = 0           # the latest question to the moderation log
        composer.send.connect(self.send)
        composer.edit_last_requested.connect(self.edit_last)

    def _where(self) -> tuple[GroupSummary | None, str]:
        c = self._channel()
        return self._group(), c.id if c else GENERAL_ID

    # -- drafts ------------------------------------------------------------------------------
    def keep_draft(self) -> None:
        """Keep the text typed in the channel shown (before another one is shown)."""
        group, cid = self._where()
        if group is None:
            return
        key = f"{group.id}:{cid}"
        composer = self._composer
        text = "" if composer.editing is not None else composer.edit.toPlainText()
        if text.strip():
            self._drafts[key] = text
        else:
            self._drafts.pop(key, None)

    def restore_draft(self, gid: str, cid: str) -> None:
        """Show the draft kept for a channel (empty when none). The same text already there
        (the channel list arriving after the first keystrokes) is left alone, with its caret."""
        text = self._drafts.pop(f"{gid}:{cid}", "")
        edit = self._composer.edit
        if edit.toPlainText() != text:
            edit.setPlainText(text)
            edit.moveCursor(QTextCursor.MoveOperation.End)

    # -- what the composer takes -------------------------------------------------------------
    def fit_channel(self) -> None:
        """The topic fields of a forum, or the reason the composer is read-only here."""
        g, c = self._group(), self._channel()
        if g is None:
            return
        forum = c is not None and c.kind == "forum"
        show_title = forum and g.status == "active" and not (c is not None and c.archived)
        self._title.setVisible(show_title)
        self._tags.setVisible(show_title and bool(c is not None and c.tags))
        if c is not None and c.tags:
            self._tags.setPlaceholderText(QCoreApplication.translate(
                "ConversationPane", "Tags: {tags}").format(tags=", ".join(c.tags)))
        composer = self._composer
        self._blocked = True
        self._standing_asked += 1        # an answer still on its way is stale now
        if g.status == "removed":
            composer.set_read_only(QCoreApplication.translate(
                "ConversationPane", "You can no longer post in this group."))
        elif not can(g.my_role, POST):
            composer.set_read_only(QCoreApplication.translate(
                "ConversationPane", "You are an observer here: you read and react, but cannot "
                "post."))
        elif c is not None and c.archived:
            composer.set_read_only(QCoreApplication.translate(
                "ConversationPane", "This channel is archived; it stays readable."))
        elif c is not None and c.kind == "announcements" and not may(g, ANNOUNCE):
            composer.set_read_only(QCoreApplication.translate(
                "ConversationPane", "Only admins and moderators post here; reply in a post's "
                "thread (T)."))
        else:
            self._blocked = False
            composer.set_read_only(None)
            self.check_standing()

    def check_standing(self) -> None:
        """Ask the moderation log whether I am timed out or the channel is locked; the
        composer says so instead of taking a post every client would refuse."""
        g, cid = self._where()
        if g is None or self._blocked:
            return
        gid, svc = g.id, self._ctx.services
        self._standing_asked += 1
        asked = self._standing_asked

        def show(standing: Standing) -> None:
            if asked != self._standing_asked or self._blocked:
                return
            self._composer.set_read_only(composer_notice(standing))
            until = standing.timed_out_until
            if until is not None:   # look again when the timeout ends
                wait_ms = max(0, until - int(time.time())) * 1000 + 1000
                if wait_ms < 86_400_000:
                    QTimer.singleShot(wait_ms, self, self.check_standing)

        self._ctx.worker.run(lambda: svc.moderation.standing(gid, cid), show,
                             lambda e: None, owner=self)

    # -- sending -----------------------------------------------------------------------------
    def send(self, text: str, reply_to: str | None, edit_id: str | None) -> None:
        group, cid = self._where()
        if group is None:
            return
        gid, svc = group.id, self._ctx.services
        title_field, tags_field = self._title, self._tags
        title = title_field.text().strip() if title_field.isVisible() else None
        tags = [t.strip() for t in tags_field.text().split(",") if t.strip()] \
            if tags_field.isVisible() else []
        if edit_id is not None:
            work = lambda: svc.posts.edit(gid, edit_id, text)  # noqa: E731
        elif reply_to is not None:
            work = lambda: svc.posts.reply(gid, reply_to, text)  # noqa: E731
        else:
            work = lambda: svc.posts.post(gid, text, channel=cid, title=title,  # noqa: E731
                                          tags=tags)
        self._composer.sent()

        def failed(exc: BaseException) -> None:
            if title:
                title_field.setText(title)
                tags_field.setText(", ".join(tags))
            self._send_failed(exc, text)

        if title:
            title_field.clear()
            tags_field.clear()
        self._ctx.worker.run(work, self._sent, failed, owner=self)

    def _sent(self, result: object) -> None:
        if isinstance(result, PostView):
            self._model.apply_posts(None, [result])
            self._view.scrollToBottom()

    def _send_failed(self, exc: BaseException, text: str) -> None:
        self._composer.restore(text)  # nothing typed is lost
        self.error.emit(str(exc) or "The post could not be sent.")
        if isinstance(exc, NotAllowed) and self._group() is not None:
            self._explain_slow_mode()

    def _explain_slow_mode(self) -> None:
        """Refused by slow mode: say when a post goes again (the text stays typed)."""
        group, cid = self._where()
        assert group is not None
        gid, svc = group.id, self._ctx.services

        def show(standing: Standing) -> None:
            shown = self._group()
            if standing.next_post_at is None or shown is None or shown.id != gid:
                return
            wait = max(1, standing.next_post_at - int(time.time()))
            if wait < 120:
                self.error.emit(self.tr("Slow mode: your text is kept; you can send it again "
                                        "in %n second(s).", "", wait))
            else:
                self.error.emit(QCoreApplication.translate(
                    "ConversationPane", "Slow mode: your text is kept; you can send it again "
                    "at {time}.").format(time=timefmt.clock(standing.next_post_at)))

        self._ctx.worker.run(lambda: svc.moderation.standing(gid, cid), show,
                             lambda e: None, owner=self)

    def edit_last(self) -> None:
        post = self._model.last_own_post()
        if post is not None:
            self._composer.start_edit(post)
