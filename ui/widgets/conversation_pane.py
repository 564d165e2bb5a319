"""The right-hand side of the main window: a group's header, its timeline and the composer.

Sending, replying, editing, deleting and reacting run on the worker; their results come
back as change events that update single rows of the model.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QPoint, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import NotAllowed, PinsFull
from app.files import guess_media_type
from app.governance import can
from app.moderation import Standing
from app.names import isolate
from app.reports import RulesView
from app.views import (
    GENERAL_ID,
    AttachmentView,
    ChannelView,
    ConnectionState,
    GroupSummary,
    PostView,
)
from ui import timefmt
from ui.context import AppContext
from ui.delegates.post_delegate import PostDelegate
from ui.dialogs.library import ImageViewer, SaveToLibraryDialog
from ui.dialogs.moderate import ChannelRulesDialog, RemovePostDialog, composer_notice
from ui.dialogs.rename import RenameGroupDialog
from ui.dialogs.reports import ReportDialog, RulesDialog
from ui.image_preview import PREVIEW_SIDE, scaled_image, thumbnail
from ui.markdown import plain_excerpt
from ui.models.conversation_model import ConversationModel
from ui.roles import ANNOUNCE, MANAGE_CHANNELS, MANAGE_MEMBERS, MODERATE, POST, may
from ui.transfers import Transfers
from ui.widgets.card_actions import CardActions
from ui.widgets.composer import Composer
from ui.widgets.confirm import confirm
from ui.widgets.conversation_view import ConversationView
from ui.widgets.elided_label import ElidedLabel
from ui.widgets.pinned_drawer import PinnedDrawer
from ui.widgets.thread_panel import ThreadPanel

SAFE_SCHEMES = ("http", "https", "mailto")


class ConversationPane(QWidget):
    invite_requested = Signal(str)
    requests_requested = Signal(str)
    members_requested = Signal(str)
    search_requested = Signal(str)
    files_requested = Signal(str)
    leave_requested = Signal(str)
    export_requested = Signal(str)
    moderation_log_requested = Signal(str)
    reports_requested = Signal(str)
    rules_requested = Signal(str)
    directory_requested = Signal(str)
    edit_profile_requested = Signal(str)
    error = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.group: GroupSummary | None = None
        self.channel: ChannelView | None = None   # None until the channel list arrives: General
        self._drafts: dict[str, str] = {}  # unsent text per channel, kept while the app runs
        self._composer_blocked = False   # read-only for a reason the role or channel gives
        self._standing_asked = 0         # the latest question to the moderation log
        self.model = ConversationModel(ctx.services, ctx.worker, parent=self)
        self.delegate = PostDelegate(ctx.theme.theme, self, self.model)
        ctx.theme.changed.connect(self._theme_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._build_header())
        self.banner = QLabel()
        self.banner.setObjectName("warningBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        banner_box = QHBoxLayout()
        banner_box.setContentsMargins(16, 8, 16, 0)
        banner_box.addWidget(self.banner)
        layout.addLayout(banner_box)
        self.pinned = PinnedDrawer(ctx)
        self.pinned.jump.connect(self.jump_to)
        layout.addWidget(self.pinned)
        self.view = ConversationView(self.model, self.delegate)
        main = QWidget()
        main_layout = QVBoxLayout(main)
        main_layout.setContentsMargins(0, 0, 0, 0)
        main_layout.setSpacing(0)
        main_layout.addWidget(self.view, 1)
        # a forum's new topic needs a title; the field shows in forum channels only
        self.topic_title = QLineEdit()
        self.topic_title.setObjectName("topicTitle")
        self.topic_title.setPlaceholderText(QCoreApplication.translate("ConversationPane", "Title of a new topic"))
        self.topic_title.setAccessibleName(QCoreApplication.translate("ConversationPane", "Topic title"))
        self.topic_title.setMaxLength(120)
        self.topic_title.hide()
        # the forum's own tags, comma-separated (the service refuses one not on the list)
        self.topic_tags = QLineEdit()
        self.topic_tags.setObjectName("topicTags")
        self.topic_tags.setAccessibleName(QCoreApplication.translate("ConversationPane", "Tags of the new topic"))
        self.topic_tags.hide()
        title_box = QHBoxLayout()
        title_box.setContentsMargins(12, 6, 12, 0)
        title_box.addWidget(self.topic_title, 3)
        title_box.addWidget(self.topic_tags, 2)
        main_layout.addLayout(title_box)
        self.composer = Composer(worker=ctx.worker)
        main_layout.addWidget(self.composer)
        self.thread_panel = ThreadPanel(ctx)
        self.thread_panel.error.connect(self.error)
        self.thread_panel.closed.connect(lambda: self.view.setFocus())
        self.split = QSplitter()
        self.split.addWidget(main)
        self.split.addWidget(self.thread_panel)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setChildrenCollapsible(False)
        layout.addWidget(self.split, 1)
        self.composer.send.connect(self._send)
        self.composer.send_files.connect(self._send_files)
        self.composer.refused.connect(self.error)
        self.composer.tray.cancel_requested.connect(self._cancel_upload)
        ctx.services.files.previewer = thumbnail   # previews travel in attachment posts
        self._upload = _UploadProgress(self)
        self._upload_seq = 0
        self._resuming = False
        ctx.events.connection.connect(self._connection_changed)
        self._upload.moved.connect(self.composer.tray.set_progress)
        self.setAcceptDrops(True)
        self.composer.edit_last_requested.connect(self._edit_last)
        self.view.reply_requested.connect(self.composer.start_reply)
        self.view.edit_requested.connect(self.composer.start_edit)
        self.view.delete_requested.connect(self._delete)
        self.view.library_requested.connect(self._save_to_library)
        self.view.react_requested.connect(self._react)
        self.view.thread_requested.connect(self.open_thread)
        self.view.pin_requested.connect(self._pin)
        self.view.report_requested.connect(self._report)
        self.thread_panel.view.report_requested.connect(self._report)
        self.thread_panel.view.react_requested.connect(self._react)
        self.thread_panel.view.delete_requested.connect(self._delete)
        self.delegate.thread_clicked.connect(self._thread_clicked)
        self.delegate.quote_clicked.connect(self.jump_to)
        self.delegate.link_clicked.connect(self._open_link)
        self.delegate.file_clicked.connect(self._file_menu)
        self.transfers = Transfers(self)
        self.delegate.transfers = self.transfers
        self.transfers.changed.connect(self._repaint_post)
        self.model.opened.connect(lambda _g, _r: self._show_outgoing())
        self._outgoing: PostView | None = None   # my attachment post while it uploads
        self.cards = CardActions(ctx, self, lambda: self.group.id if self.group else None,
                                 self.more_button.menu(), self.error.emit)
        self.delegate.card_clicked.connect(self.cards.open_card)
        ctx.events.posts.connect(self._posts_event)
        ctx.events.requests.connect(self._requests_event)
        ctx.events.members.connect(self.model.members_changed)
        self.setTabOrder(self.view, self.composer.edit)

    def _build_header(self) -> QFrame:
        header = QFrame()
        header.setObjectName("conversationHeader")
        row = QHBoxLayout(header)
        row.setContentsMargins(16, 8, 10, 8)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        # elided, so a narrow window shows "Book cl…" rather than cutting the name off
        self.title = ElidedLabel()
        self.title.setObjectName("conversationTitle")
        self.subtitle = ElidedLabel()
        self.subtitle.setObjectName("conversationSubtitle")
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        row.addLayout(titles, 1)
        self.requests_button = QPushButton()
        self.requests_button.setAccessibleName(QCoreApplication.translate("ConversationPane", "Join requests"))
        self.requests_button.clicked.connect(lambda: self._emit_group(self.requests_requested))
        self.requests_button.hide()
        self.invite_button = QPushButton(QCoreApplication.translate("ConversationPane", "Invite…"))
        self.invite_button.setAccessibleName(QCoreApplication.translate("ConversationPane", "Invite people"))
        self.invite_button.setToolTip(QCoreApplication.translate("ConversationPane", "Create an invite link or QR code"))
        self.invite_button.clicked.connect(lambda: self._emit_group(self.invite_requested))
        self.members_button = QPushButton(QCoreApplication.translate("ConversationPane", "Members"))
        self.members_button.setAccessibleName(QCoreApplication.translate("ConversationPane", "Members and safety numbers"))
        self.members_button.clicked.connect(lambda: self._emit_group(self.members_requested))
        self.files_button = QPushButton(QCoreApplication.translate("ConversationPane", "Files"))
        self.files_button.setAccessibleName(QCoreApplication.translate("ConversationPane", "Files, links and the library"))
        self.files_button.setToolTip(QCoreApplication.translate("ConversationPane", "Everything shared in this group"))
        self.files_button.clicked.connect(lambda: self._emit_group(self.files_requested))
        self.mute_button = QPushButton(QCoreApplication.translate("ConversationPane", "Mute"))
        self.mute_button.setCheckable(True)
        self.mute_button.setAccessibleName(QCoreApplication.translate("ConversationPane", "Mute notifications for this group"))
        self.mute_button.toggled.connect(self._mute_toggled)
        self.more_button = QToolButton()
        self.more_button.setText("⋯")
        self.more_button.setAccessibleName(QCoreApplication.translate("ConversationPane", "More group actions"))
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        more = QMenu(self.more_button)
        more.addAction(QCoreApplication.translate("ConversationPane", "Search in this group\tCtrl+F"),
                       lambda: self._emit_group(self.search_requested))
        more.addAction(QCoreApplication.translate("ConversationPane", "Compare safety numbers…"),
                       lambda: self._emit_group(self.members_requested))
        more.addAction(QCoreApplication.translate("ConversationPane", "Member directory…"),
                       lambda: self._emit_group(self.directory_requested))
        more.addAction(QCoreApplication.translate("ConversationPane",
                                                  "Edit my profile in this group…"),
                       lambda: self._emit_group(self.edit_profile_requested))
        self.rename_action = more.addAction(QCoreApplication.translate("ConversationPane", "Rename group…"), self.rename_group)
        more.addAction(QCoreApplication.translate("ConversationPane", "Export…"), lambda: self._emit_group(self.export_requested))
        more.addAction(QCoreApplication.translate("ConversationPane", "Moderation log…"),
                       lambda: self._emit_group(self.moderation_log_requested))
        self.channel_rules_action = more.addAction(
            QCoreApplication.translate("ConversationPane", "Slow mode and lock of this channel…"),
            self.channel_rules)
        more.addAction(QCoreApplication.translate("ConversationPane", "Reports and approvals…"),
                       lambda: self._emit_group(self.reports_requested))
        more.addAction(QCoreApplication.translate("ConversationPane", "Group rules…"),
                       lambda: self._emit_group(self.rules_requested))
        more.addSeparator()
        more.addAction(QCoreApplication.translate("ConversationPane", "Leave group…"), lambda: self._emit_group(self.leave_requested))
        self.more_button.setMenu(more)
        for w in (self.requests_button, self.invite_button, self.members_button,
                  self.files_button, self.mute_button, self.more_button):
            row.addWidget(w)
        return header

    def _emit_group(self, signal: Signal) -> None:
        if self.group is not None:
            signal.emit(self.group.id)

    # -- showing a group ---------------------------------------------------------------------
    def show_group(self, group: GroupSummary, around_post: str | None = None,
                   channel: str | None = None) -> None:
        """Open a group at a channel (General unless named) or around a post."""
        changed = self.group is None or self.group.id != group.id
        if changed:
            self._keep_draft()
            self.channel = None
            self.thread_panel.close_thread()
        self.update_group(group)
        if changed or around_post or channel:
            self.composer.clear_mode()
            cid = channel or (self.channel.id if self.channel else GENERAL_ID)
            if changed or (channel and self.channel is not None and channel != self.channel.id):
                self._put_draft(self._drafts.pop(f"{group.id}:{cid}", ""))
            self.model.open(group.id, around_post, channel=cid)
            self.pinned.load(group.id, cid)
            self._refresh_requests()
        if changed:
            self._check_rules(group.id)

    def _check_rules(self, gid: str) -> None:
        """Show the group's rules once after an admin changed them."""
        svc = self._ctx.services

        def changed(view: RulesView) -> None:
            if view.unseen_change and self.group is not None and self.group.id == gid:
                RulesDialog(self._ctx, self.group, self.window(), changed=True).open()

        self._ctx.worker.run(lambda: svc.reports.rules(gid), changed, lambda e: None,
                             owner=self)

    def _report(self, post: PostView) -> None:
        if self.group is None:
            return
        ReportDialog(self._ctx, self.group.id, post.id, post.sender_name,
                     plain_excerpt(post.text), self.window()).open()

    def _put_draft(self, text: str) -> None:
        """Show a kept draft in the composer. The same text already there (the channel list
        arriving after the first keystrokes) is left alone, with its caret."""
        edit = self.composer.edit
        if edit.toPlainText() != text:
            edit.setPlainText(text)
            edit.moveCursor(QTextCursor.MoveOperation.End)

    def show_channel(self, channel: ChannelView, around_post: str | None = None) -> None:
        """Switch the timeline to one of the open group's channels (or refresh its
        definition when it is the one shown)."""
        if self.group is None or channel.group_id != self.group.id:
            return
        same = self.channel is not None and self.channel.id == channel.id
        if not same:
            self._keep_draft()
        self.channel = channel
        self._channel_header()
        self._composer_for_channel()
        if same and around_post is None:
            return
        if not same:
            self.composer.clear_mode()
            self._put_draft(self._drafts.pop(f"{self.group.id}:{channel.id}", ""))
        if around_post is not None or self.model.channel_id != channel.id \
                or self.model.group_id != self.group.id:
            self.model.open(self.group.id, around_post, channel=channel.id)
        self.pinned.load(self.group.id, channel.id)
        self.mark_read()

    def go_to(self, channel_id: str, around_post: str | None) -> None:
        """Open a channel of the open group (around a post); the sidebar's selection of
        that channel then finds it open."""
        if self.group is None:
            return
        self._keep_draft()
        self.channel = None
        self.composer.clear_mode()
        self.model.open(self.group.id, around_post, channel=channel_id)
        self.pinned.load(self.group.id, channel_id)

    def mark_read(self) -> None:
        """The open channel is read (the group's other channels keep their counts)."""
        if self.group is None:
            return
        gid, cid = self.group.id, self.channel.id if self.channel else GENERAL_ID
        svc = self._ctx.services
        self._ctx.worker.run(lambda: svc.channels.mark_read(gid, cid), None, lambda e: None,
                             owner=self)

    def _channel_header(self) -> None:
        g, c = self.group, self.channel
        if g is None:
            return
        count = g.member_count
        members = (QCoreApplication.translate("ConversationPane", "1 member") if count == 1 else
                   self.tr("%Ln members", "", count))
        line = (QCoreApplication.translate("ConversationPane", "{members} · you are an admin").format(members=members)
                if g.my_role == "admin" else members)
        if c is not None and (c.id != GENERAL_ID or c.topic or c.name != "General"):
            where = "# " + c.name + (" — " + c.topic if c.topic else "")
            if c.archived:
                where += " · " + QCoreApplication.translate("ConversationPane", "archived")
            line = where + " · " + line
        self.subtitle.setText(line)

    def _composer_for_channel(self) -> None:
        g, c = self.group, self.channel
        if g is None:
            return
        forum = c is not None and c.kind == "forum"
        show_title = forum and g.status == "active" and not (c is not None and c.archived)
        self.topic_title.setVisible(show_title)
        self.topic_tags.setVisible(show_title and bool(c is not None and c.tags))
        if c is not None and c.tags:
            self.topic_tags.setPlaceholderText(QCoreApplication.translate("ConversationPane", "Tags: {tags}").format(
                tags=", ".join(c.tags)))
        self.view.can_pin = may(g, MANAGE_CHANNELS)
        self._composer_blocked = True
        self._standing_asked += 1        # an answer still on its way is stale now
        if g.status == "removed":
            self.composer.set_read_only(QCoreApplication.translate("ConversationPane", "You can no longer post in this group."))
        elif not can(g.my_role, POST):
            self.composer.set_read_only(QCoreApplication.translate(
                "ConversationPane", "You are an observer here: you read and react, but cannot "
                "post."))
        elif c is not None and c.archived:
            self.composer.set_read_only(QCoreApplication.translate("ConversationPane", "This channel is archived; it stays readable."))
        elif c is not None and c.kind == "announcements" and not may(g, ANNOUNCE):
            self.composer.set_read_only(QCoreApplication.translate(
                "ConversationPane", "Only admins and moderators post here; reply in a post's "
                "thread (T)."))
        else:
            self._composer_blocked = False
            self.composer.set_read_only(None)
            self._check_standing()

    def _check_standing(self) -> None:
        """Ask the moderation log whether I am timed out or the channel is locked; the
        composer says so instead of taking a post every client would refuse."""
        g = self.group
        if g is None or self._composer_blocked:
            return
        gid, cid = g.id, self.channel.id if self.channel else GENERAL_ID
        svc = self._ctx.services
        self._standing_asked += 1
        asked = self._standing_asked

        def show(standing: Standing) -> None:
            if asked != self._standing_asked or self._composer_blocked:
                return
            self.composer.set_read_only(composer_notice(standing))
            until = standing.timed_out_until
            if until is not None:   # look again when the timeout ends
                wait_ms = max(0, until - int(time.time())) * 1000 + 1000
                if wait_ms < 86_400_000:
                    QTimer.singleShot(wait_ms, self, self._check_standing)

        self._ctx.worker.run(lambda: svc.moderation.standing(gid, cid), show,
                             lambda e: None, owner=self)

    def channel_rules(self) -> ChannelRulesDialog | None:
        """Moderators set slow mode and the lock of the channel shown."""
        if not may(self.group, MODERATE):
            return None
        assert self.group is not None
        c = self.channel
        dialog = ChannelRulesDialog(self._ctx, self.group.id, c.id if c else GENERAL_ID,
                                    c.name if c else "General", self.window())
        dialog.open()
        return dialog

    def open_thread(self, post: PostView) -> None:
        if self.group is None or post.kind != "post" or post.rejected:
            return
        if post.thread_root is not None:
            root_id = post.thread_root
            gid, svc = self.group.id, self._ctx.services
            self._ctx.worker.run(lambda: svc.threads.root(gid, root_id),
                                 lambda root: self.thread_panel.open_thread(gid, root),
                                 lambda e: self.error.emit(str(e)), owner=self)
            return
        self.thread_panel.open_thread(self.group.id, post)

    def _thread_clicked(self, post_id: str) -> None:
        post = self.model.post_at(self.model.row_of(post_id))
        if post is not None:
            self.open_thread(post)

    def _pin(self, post: PostView, on: bool) -> None:
        if self.group is None:
            return
        gid, svc = self.group.id, self._ctx.services
        cid = post.channel_id
        self._ctx.worker.run(lambda: svc.channels.pin(gid, post.id) if on
                             else svc.channels.unpin(gid, post.id),
                             lambda _r: self.pinned.load(gid, cid), self._pin_failed, owner=self)

    def _pin_failed(self, error: BaseException) -> QMessageBox | None:
        """A full channel gets a dialog (the admin must unpin first); other errors a line."""
        if not isinstance(error, PinsFull):
            self.error.emit(str(error))
            return None
        box = QMessageBox(QMessageBox.Icon.Information,
                          QCoreApplication.translate("ConversationPane", "The channel's pins are full"),
                          QCoreApplication.translate(
                              "ConversationPane", "This channel already has {count} pinned posts. "
                              "Unpin one of them first, then pin this post.").format(count=error.limit),
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("pinsFullDialog")
        box.open()
        return box

    def _keep_draft(self) -> None:
        if self.group is None:
            return
        key = f"{self.group.id}:{self.channel.id if self.channel else GENERAL_ID}"
        text = "" if self.composer.editing is not None else self.composer.edit.toPlainText()
        if text.strip():
            self._drafts[key] = text
        else:
            self._drafts.pop(key, None)

    def update_group(self, group: GroupSummary) -> None:
        self.group = group
        self.title.setText(group.name)
        count = group.member_count
        members = (QCoreApplication.translate("ConversationPane", "1 member") if count == 1 else
                   self.tr("%Ln members", "", count))
        self.subtitle.setText(QCoreApplication.translate("ConversationPane", "{members} · you are an admin").format(
            members=members) if group.my_role == "admin" else members)
        manages = may(group, MANAGE_MEMBERS)
        self.invite_button.setVisible(manages)
        self.rename_action.setVisible(manages)
        if not manages:
            self.requests_button.hide()
        moderates = may(group, MODERATE)
        self.channel_rules_action.setVisible(moderates)
        self.view.can_delete_any = moderates
        self.thread_panel.view.can_delete_any = moderates
        self.mute_button.blockSignals(True)
        self.mute_button.setChecked(group.muted)
        self.mute_button.setText(QCoreApplication.translate("ConversationPane", "Muted") if group.muted else QCoreApplication.translate("ConversationPane", "Mute"))
        self.mute_button.blockSignals(False)
        if group.status == "removed":
            self.banner.setText(QCoreApplication.translate("ConversationPane", "You were removed from this group. You can still read what was "
                                "posted before, but you cannot post or see anything new."))
            self.banner.show()
        else:
            self.banner.hide()
        self._channel_header()
        self._composer_for_channel()

    def rename_group(self) -> RenameGroupDialog | None:
        """Admins rename the group for everyone; returns the (non-blocking) dialog."""
        if not may(self.group, MANAGE_MEMBERS):
            return None
        assert self.group is not None
        dialog = RenameGroupDialog(self._ctx, self.group, self)
        dialog.open()
        return dialog

    def jump_to(self, post_id: str) -> None:
        row = self.model.row_of(post_id)
        if row >= 0:
            index = self.model.index(row, 0)
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index, self.view.ScrollHint.PositionAtCenter)
        elif self.group is not None:
            self.model.open(self.group.id, post_id)

    # -- events ------------------------------------------------------------------------------
    def _posts_event(self, group_id: str | None, post_ids: tuple, incoming: bool) -> None:
        self.model.posts_changed(group_id, post_ids)
        if incoming and group_id:   # small images come down by themselves (a setting)
            svc = self._ctx.services
            self._ctx.worker.run(lambda: svc.files.auto_fetch(group_id), None,
                                 lambda e: None, slow=True)
        if self.group is not None and group_id == self.group.id and incoming:
            self._check_standing()   # a timeout or a lock may have arrived
        if self.group is not None and group_id == self.group.id and not incoming:
            self.pinned.load(self.group.id, self.model.channel_id)   # a pin may have changed
        elif self.group is not None and group_id == self.group.id and post_ids:
            self.pinned.load(self.group.id, self.model.channel_id)
        # someone else's post in the channel being read right now: it is read
        if incoming and self.group is not None and group_id == self.group.id \
                and self.isVisible() and self.window().isActiveWindow():
            self.mark_read()

    def _requests_event(self, group_id: str | None) -> None:
        if self.group is not None and group_id == self.group.id:
            self._refresh_requests()

    def _refresh_requests(self) -> None:
        g = self.group
        if g is None or not may(g, MANAGE_MEMBERS):
            self.requests_button.hide()
            return
        gid = g.id
        self._ctx.worker.run(lambda: self._ctx.services.invites.requests(gid),
                             lambda reqs: self._show_request_count(gid, len(reqs)),
                             lambda e: None, owner=self)

    def _show_request_count(self, gid: str, count: int) -> None:
        if self.group is None or self.group.id != gid:
            return
        self.requests_button.setText(QCoreApplication.translate("ConversationPane", 'Requests ({count})').format(count=count))
        self.requests_button.setAccessibleName(QCoreApplication.translate("ConversationPane", '{count} join requests waiting').format(count=count))
        self.requests_button.setProperty("primary", True)
        self.requests_button.style().unpolish(self.requests_button)
        self.requests_button.style().polish(self.requests_button)
        self.requests_button.setVisible(count > 0)

    def _theme_changed(self, theme: object) -> None:
        self.delegate.set_theme(theme)  # type: ignore[arg-type]
        self.view.doItemsLayout()
        self.view.viewport().update()

    # -- actions -----------------------------------------------------------------------------
    def _send(self, text: str, reply_to: str | None, edit_id: str | None) -> None:
        if self.group is None:
            return
        gid, svc = self.group.id, self._ctx.services
        cid = self.channel.id if self.channel else GENERAL_ID
        title = self.topic_title.text().strip() if self.topic_title.isVisible() else None
        tags = [t.strip() for t in self.topic_tags.text().split(",") if t.strip()] \
            if self.topic_tags.isVisible() else []
        if edit_id is not None:
            work = lambda: svc.posts.edit(gid, edit_id, text)  # noqa: E731
        elif reply_to is not None:
            work = lambda: svc.posts.reply(gid, reply_to, text)  # noqa: E731
        else:
            work = lambda: svc.posts.post(gid, text, channel=cid, title=title,  # noqa: E731
                                          tags=tags)
        self.composer.sent()

        def failed(exc: BaseException) -> None:
            if title:
                self.topic_title.setText(title)
                self.topic_tags.setText(", ".join(tags))
            self._send_failed(exc, text)

        if title:
            self.topic_title.clear()
            self.topic_tags.clear()
        self._ctx.worker.run(work, self._sent, failed, owner=self)

    def _send_files(self, caption: str, paths: list[Path]) -> None:
        """Attach on the slow lane: encrypt, upload with progress, then the post goes.

        Meanwhile the post stands in the conversation as "sending…" with a progress bar
        and Cancel on its file cards (as in the composer). Cancel abandons the upload: the
        post is never sent, its outbox entry and encrypted copies are dropped (the relay
        deletes what it got), and the files and caption stay in the composer to send again.
        """
        if self.group is None or self._upload.busy:
            return
        gid, svc = self.group.id, self._ctx.services
        reply_to = self.composer.reply_to.id if self.composer.reply_to else None
        channel = bytes.fromhex(self.channel.id) if self.channel is not None else None
        up = self._upload
        up.start()
        self.composer.tray.sending(True)
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
                channel_id=self.channel.id if self.channel is not None else GENERAL_ID,
                attachments=tuple(_attachment(i, p) for i, p in enumerate(paths)))
            self._show_outgoing()
            self.view.scrollToBottom()

        def work() -> object:
            return svc.files.attach(gid, paths, caption, channel=channel, reply_to=reply_to,
                                    progress=progress, cancel=up.cancel)

        def finished() -> None:
            up.busy = False
            self.transfers.finish(outgoing)
            if self._outgoing is not None:
                self.model.discard(self._outgoing.id)
                self._outgoing = None

        def done(result: object) -> None:
            finished()
            upload_id = getattr(result, "upload_id", None)
            if up.cancel.is_set() and getattr(result, "post_id", None) is None:
                # Cancel abandons the upload; the files stay in the composer to try again.
                self.composer.tray.sending(False)
                if upload_id is not None:
                    self._ctx.worker.run(lambda: svc.files.cancel(upload_id), None,
                                         lambda e: None, slow=True)
                return
            self.composer.tray.clear()
            self.composer.sent()
            waiting = getattr(result, "waiting", None)
            if waiting:
                self.error.emit(self.tr("{reason}: the files wait in the outbox and go when the "
                                        "relay can be reached.").format(
                    reason=waiting.rstrip(".")))

        def failed(exc: BaseException) -> None:
            finished()
            self.composer.tray.sending(False)   # the files stay in the composer
            if not up.cancel.is_set():          # cancelled while encrypting: nothing went
                self.error.emit(str(exc) or "The files could not be attached.")

        self._ctx.worker.run(svc.profile.me, show, lambda e: show(None), owner=self)
        self._ctx.worker.run(work, done, failed, slow=True, owner=self)

    def _show_outgoing(self) -> None:
        """Put the uploading post (back) into the window: a reload forgets local rows."""
        if self._outgoing is not None and self.group is not None \
                and self._outgoing.group_id == self.group.id:
            self.model.apply_posts(None, [self._outgoing])

    def _repaint_post(self, post_id: str) -> None:
        row = self.model.row_of(post_id)
        if row >= 0:
            self.view.update(self.model.index(row, 0))

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
            self.error.emit(self.tr("Download cancelled.") if cancel.is_set() else str(exc))

        self._ctx.worker.run(lambda: svc.files.fetch(gid, post_id, index, progress=report,
                                                     cancel=cancel, keep_partial=False),
                             done, failed, slow=True, owner=self)

    def _file_menu(self, post_id: str, index: int, where: QPoint) -> QMenu | None:
        """A file in the timeline was clicked: view an image, open or save a file."""
        if self.group is None:
            return None
        post = self.model.post_at(self.model.row_of(post_id))
        found = [f for f in (post.attachments if post else ()) if f.index == index]
        gid, svc = self.group.id, self._ctx.services
        menu = QMenu(self)
        menu.setAccessibleName(self.tr("File actions"))
        if found and found[0].is_image:
            menu.addAction(self.tr("View"), lambda: self._view_image(gid, post_id, index,
                                                                     found[0].name))
        if not found or not found[0].executable:
            menu.addAction(self.tr("Open"), lambda: self._fetch_then(
                gid, post_id, index, lambda: self._ctx.worker.run(
                    lambda: svc.files.open_copy(gid, post_id, index),
                    lambda path: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))),
                    lambda e: self.error.emit(str(e)), slow=True, owner=self)))
        menu.addAction(self.tr("Save as…"), lambda: self._save_file(gid, post_id, index))
        menu.popup(where)
        return menu

    def _save_file(self, gid: str, post_id: str, index: int) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Save into folder"))
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
            load, lambda image: ImageViewer(name, image, self).open(),
            lambda e: self.error.emit(str(e)), slow=True, owner=self))

    def _connection_changed(self) -> None:
        """Back online: attachments waiting in the outbox go on (once at a time)."""
        if self._resuming or self._upload.busy:
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

    def _save_to_library(self, post: PostView) -> SaveToLibraryDialog | None:
        if self.group is None:
            return None
        dialog = SaveToLibraryDialog(self._ctx, self.group, post, self)
        dialog.open()
        return dialog

    def _cancel_upload(self) -> None:
        self._upload.cancel.set()
        if self._outgoing is not None:
            self._repaint_post(self._outgoing.id)

    def dragEnterEvent(self, event) -> None:  # noqa: ANN001, N802
        self.composer.dragEnterEvent(event)

    def dropEvent(self, event) -> None:  # noqa: ANN001, N802
        self.composer.dropEvent(event)

    def _sent(self, result: object) -> None:
        if isinstance(result, PostView):
            self.model.apply_posts(None, [result])
            self.view.scrollToBottom()

    def _send_failed(self, exc: BaseException, text: str) -> None:
        self.composer.restore(text)  # nothing typed is lost
        self.error.emit(str(exc) or "The post could not be sent.")
        if isinstance(exc, NotAllowed) and self.group is not None:
            self._explain_slow_mode()

    def _explain_slow_mode(self) -> None:
        """Refused by slow mode: say when a post goes again (the text stays typed)."""
        assert self.group is not None
        gid, cid = self.group.id, self.channel.id if self.channel else GENERAL_ID
        svc = self._ctx.services

        def show(standing: Standing) -> None:
            if standing.next_post_at is None or self.group is None or self.group.id != gid:
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

    def _edit_last(self) -> None:
        post = self.model.last_own_post()
        if post is not None:
            self.composer.start_edit(post)

    def _delete(self, post: PostView) -> QDialog | None:
        """Ask (Cancel is the default), then delete for everyone; returns the question."""
        if self.group is None:
            return None
        if not post.mine and may(self.group, MODERATE):
            dialog = RemovePostDialog(self._ctx, self.group.id, post.id,
                                      isolate(post.sender_name), plain_excerpt(post.text),
                                      self.window())
            dialog.open()
            return dialog
        whose = (QCoreApplication.translate("ConversationPane", "your post") if post.mine else
                 QCoreApplication.translate("ConversationPane", "this post by {name}").format(name=isolate(post.sender_name)))
        gid, svc = self.group.id, self._ctx.services
        return confirm(self, QCoreApplication.translate("ConversationPane", "Delete post"),
                       QCoreApplication.translate("ConversationPane", 'Delete {whose} for everyone in the group? A note that it was deleted stays in its place.').format(whose=whose), QCoreApplication.translate("ConversationPane", "Delete"),
                       lambda: self._ctx.worker.run(lambda: svc.posts.delete(gid, post.id), None,
                                                    lambda e: self.error.emit(str(e)),
                                                    owner=self))

    def _react(self, post: PostView, emoji: str, on: bool) -> None:
        if self.group is None:
            return
        gid, svc = self.group.id, self._ctx.services
        self._ctx.worker.run(lambda: svc.posts.react(gid, post.id, emoji, on), None,
                             lambda e: self.error.emit(str(e)), owner=self)

    def _mute_toggled(self, muted: bool) -> None:
        if self.group is None:
            return
        gid, svc = self.group.id, self._ctx.services
        self.mute_button.setText(QCoreApplication.translate("ConversationPane", "Muted") if muted else QCoreApplication.translate("ConversationPane", "Mute"))
        self._ctx.worker.run(lambda: svc.groups.set_muted(gid, muted), None,
                             lambda e: self.error.emit(str(e)), owner=self)

    def _open_link(self, url: str) -> None:
        qurl = QUrl(url)
        if qurl.scheme().lower() not in SAFE_SCHEMES:
            self.error.emit("Only web and mail links open from posts.")
            return
        confirm(self, QCoreApplication.translate("ConversationPane", "Open link"), QCoreApplication.translate("ConversationPane", 'Open this link in your browser?\n\n{url}').format(url=url), QCoreApplication.translate("ConversationPane", "Open link"),
                lambda: QDesktopServices.openUrl(qurl))


def _attachment(index: int, path: Path) -> AttachmentView:
    """A file of my post being uploaded, as its card shows it until the post is sent."""
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    return AttachmentView(index, path.name, size, guess_media_type(path.name))


class _UploadProgress(QObject):
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
