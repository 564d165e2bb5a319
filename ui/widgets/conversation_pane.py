"""The right-hand side of the main window: a group's header, its timeline and the composer.

The pane lays them out and follows the group and channel shown; what its parts do runs in
their own modules: sending and drafts (composer_actions), files (file_actions), post and
channel moderation (moderation_actions), polls and events (card_actions). Their service
calls run on the worker; the results come back as change events that update single rows
of the model.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.views import GENERAL_ID, ChannelView, GroupSummary, PostView
from ui.context import AppContext
from ui.delegates.post_delegate import PostDelegate
from ui.dialogs.rename import RenameGroupDialog
from ui.models.conversation_model import ConversationModel
from ui.roles import MANAGE_CHANNELS, MANAGE_MEMBERS, MODERATE, may
from ui.widgets.card_actions import CardActions
from ui.widgets.composer import Composer
from ui.widgets.composer_actions import ComposerActions
from ui.widgets.confirm import confirm
from ui.widgets.conversation_view import ConversationView
from ui.widgets.elided_label import ElidedLabel
from ui.widgets.file_actions import FileActions
from ui.widgets.moderation_actions import ModerationActions
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
        self.model = ConversationModel(ctx.services, ctx.worker, parent=self)
        self.delegate = PostDelegate(ctx.theme.theme, self, self.model)
        ctx.theme.changed.connect(self._theme_changed)
        self.moderation = ModerationActions(ctx, self, lambda: self.group, lambda: self.channel)
        self.moderation.error.connect(self.error)
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
        self.moderation.pins_changed.connect(self.pinned.load)
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
        self.sending = ComposerActions(ctx, self.composer, self.topic_title, self.topic_tags,
                                       self.model, self.view, lambda: self.group,
                                       lambda: self.channel, parent=self)
        self.sending.error.connect(self.error)
        self.composer.refused.connect(self.error)
        self.files = FileActions(ctx, self, self.composer, self.model, self.view,
                                 lambda: self.group, lambda: self.channel)
        self.files.error.connect(self.error)
        self.delegate.transfers = self.files.transfers
        self.setAcceptDrops(True)
        self.view.reply_requested.connect(self.composer.start_reply)
        self.view.edit_requested.connect(self.composer.start_edit)
        self.view.library_requested.connect(self.files.save_to_library)
        self.view.react_requested.connect(self._react)
        self.view.thread_requested.connect(self.open_thread)
        for view in (self.view, self.thread_panel.view):
            view.delete_requested.connect(self.moderation.delete)
            view.report_requested.connect(self.moderation.report)
        self.view.pin_requested.connect(self.moderation.pin)
        self.thread_panel.view.react_requested.connect(self._react)
        self.delegate.thread_clicked.connect(self._thread_clicked)
        self.delegate.quote_clicked.connect(self.jump_to)
        self.delegate.link_clicked.connect(self._open_link)
        self.delegate.file_clicked.connect(self.files.file_menu)
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
            self.moderation.channel_rules)
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
            self.sending.keep_draft()
            self.channel = None
            self.thread_panel.close_thread()
        self.update_group(group)
        if changed or around_post or channel:
            self.composer.clear_mode()
            cid = channel or (self.channel.id if self.channel else GENERAL_ID)
            if changed or (channel and self.channel is not None and channel != self.channel.id):
                self.sending.restore_draft(group.id, cid)
            self.model.open(group.id, around_post, channel=cid)
            self.pinned.load(group.id, cid)
            self._refresh_requests()
        if changed:
            self.moderation.check_rules(group.id)

    def show_channel(self, channel: ChannelView, around_post: str | None = None) -> None:
        """Switch the timeline to one of the open group's channels (or refresh its
        definition when it is the one shown)."""
        if self.group is None or channel.group_id != self.group.id:
            return
        same = self.channel is not None and self.channel.id == channel.id
        if not same:
            self.sending.keep_draft()
        self.channel = channel
        self._channel_header()
        self._fit_channel()
        if same and around_post is None:
            return
        if not same:
            self.composer.clear_mode()
            self.sending.restore_draft(self.group.id, channel.id)
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
        self.sending.keep_draft()
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

    def _fit_channel(self) -> None:
        """Pins for those who manage channels; the composer as the channel lets me post."""
        if self.group is None:
            return
        self.view.can_pin = may(self.group, MANAGE_CHANNELS)
        self.sending.fit_channel()

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

    def update_group(self, group: GroupSummary) -> None:
        self.group = group
        self.title.setText(group.name)
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
        self._channel_header()   # the subtitle: members, my role, the channel
        self._fit_channel()

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
            self.sending.check_standing()   # a timeout or a lock may have arrived
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
    def dragEnterEvent(self, event) -> None:  # noqa: ANN001, N802
        self.composer.dragEnterEvent(event)

    def dropEvent(self, event) -> None:  # noqa: ANN001, N802
        self.composer.dropEvent(event)

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
