"""What a member does to a post or channel beyond writing: delete one's own post (or, as a
moderator, remove someone else's with a reason), report a post, pin or unpin it, set the
channel's slow mode and lock, and read the group's rules once after they changed.

Each action opens its dialog or queues its service call; refusals come back as `error`.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from app.errors import PinsFull
from app.names import isolate
from app.reports import RulesView
from app.views import GENERAL_ID, ChannelView, GroupSummary, PostView
from ui.context import AppContext
from ui.dialogs.moderate import ChannelRulesDialog, RemovePostDialog
from ui.dialogs.reports import ReportDialog, RulesDialog
from ui.markdown import plain_excerpt
from ui.roles import MODERATE, may
from ui.widgets.confirm import confirm


class ModerationActions(QObject):
    """The post and channel actions of the conversation `host` shows."""

    error = Signal(str)
    pins_changed = Signal(str, str)    # group id, channel id

    def __init__(self, ctx: AppContext, host: QWidget,
                 group: Callable[[], GroupSummary | None],
                 channel: Callable[[], ChannelView | None]) -> None:
        super().__init__(host)
        self._ctx, self._host = ctx, host
        self._group, self._channel = group, channel

    def delete(self, post: PostView) -> QDialog | None:
        """Ask (Cancel is the default), then delete for everyone; returns the question.
        A moderator removing someone else's post gives a reason instead."""
        group = self._group()
        if group is None:
            return None
        if not post.mine and may(group, MODERATE):
            dialog = RemovePostDialog(self._ctx, group.id, post.id,
                                      isolate(post.sender_name), plain_excerpt(post.text),
                                      self._host.window())
            dialog.open()
            return dialog
        whose = (QCoreApplication.translate("ConversationPane", "your post") if post.mine else
                 QCoreApplication.translate("ConversationPane", "this post by {name}").format(
                     name=isolate(post.sender_name)))
        gid, svc = group.id, self._ctx.services
        return confirm(self._host, QCoreApplication.translate("ConversationPane", "Delete post"),
                       QCoreApplication.translate(
                           "ConversationPane", 'Delete {whose} for everyone in the group? A note '
                           'that it was deleted stays in its place.').format(whose=whose),
                       QCoreApplication.translate("ConversationPane", "Delete"),
                       lambda: self._ctx.worker.run(lambda: svc.posts.delete(gid, post.id), None,
                                                    lambda e: self.error.emit(str(e)),
                                                    owner=self))

    def report(self, post: PostView) -> None:
        group = self._group()
        if group is None:
            return
        ReportDialog(self._ctx, group.id, post.id, post.sender_name,
                     plain_excerpt(post.text), self._host.window()).open()

    def pin(self, post: PostView, on: bool) -> None:
        group = self._group()
        if group is None:
            return
        gid, svc = group.id, self._ctx.services
        cid = post.channel_id
        self._ctx.worker.run(lambda: svc.channels.pin(gid, post.id) if on
                             else svc.channels.unpin(gid, post.id),
                             lambda _r: self.pins_changed.emit(gid, cid), self._pin_failed,
                             owner=self)

    def _pin_failed(self, error: BaseException) -> QMessageBox | None:
        """A full channel gets a dialog (the admin must unpin first); other errors a line."""
        if not isinstance(error, PinsFull):
            self.error.emit(str(error))
            return None
        box = QMessageBox(QMessageBox.Icon.Information,
                          QCoreApplication.translate("ConversationPane",
                                                     "The channel's pins are full"),
                          QCoreApplication.translate(
                              "ConversationPane", "This channel already has {count} pinned "
                              "posts. Unpin one of them first, then pin this post.").format(
                                  count=error.limit),
                          QMessageBox.StandardButton.Ok, self._host)
        box.setObjectName("pinsFullDialog")
        box.open()
        return box

    def channel_rules(self) -> ChannelRulesDialog | None:
        """Moderators set slow mode and the lock of the channel shown."""
        group = self._group()
        if not may(group, MODERATE):
            return None
        assert group is not None
        c = self._channel()
        dialog = ChannelRulesDialog(self._ctx, group.id, c.id if c else GENERAL_ID,
                                    c.name if c else "General", self._host.window())
        dialog.open()
        return dialog

    def check_rules(self, gid: str) -> None:
        """Show the group's rules once after an admin changed them."""
        svc = self._ctx.services

        def changed(view: RulesView) -> None:
            group = self._group()
            if view.unseen_change and group is not None and group.id == gid:
                RulesDialog(self._ctx, group, self._host.window(), changed=True).open()

        self._ctx.worker.run(lambda: svc.reports.rules(gid), changed, lambda e: None,
                             owner=self)
