"""The right-hand side of the main window: a group's header, its timeline and the composer.

The pane lays them out and follows the group and channel shown; what its parts do runs in
their own modules: the header's buttons and menu (conversation_header), sending and drafts
(composer_actions), files (file_actions), post and channel moderation (moderation_actions),
polls and events (card_actions). Their service calls run on the worker; the results come
back as change events that update single rows of the model.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.views import GENERAL_ID, ChannelView, GroupSummary, PostView
from ui.context import AppContext
from ui.delegates.post_delegate import PostDelegate
from ui.models.conversation_model import ConversationModel
from ui.roles import MANAGE_CHANNELS, MODERATE, may
from ui.widgets.card_actions import CardActions
from ui.widgets.composer import Composer
from ui.widgets.composer_actions import ComposerActions
from ui.widgets.confirm import confirm
from ui.widgets.conversation_header import ConversationHeader
from ui.widgets.conversation_view import ConversationView
from ui.widgets.file_actions import FileActions
from ui.widgets.moderation_actions import ModerationActions
from ui.widgets.pinned_drawer import PinnedDrawer
from ui.widgets.thread_panel import ThreadPanel

SAFE_SCHEMES = ("http", "https", "mailto")


class ConversationPane(QWidget):
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
        self.header = ConversationHeader(ctx, lambda: self.group, lambda: self.channel,
                                         self.moderation.channel_rules)
        self.header.error.connect(self.error)
        layout.addWidget(self.header)
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
                                 self.header.more_button.menu(), self.error.emit)
        self.delegate.card_clicked.connect(self.cards.open_card)
        ctx.events.posts.connect(self._posts_event)
        ctx.events.members.connect(self.model.members_changed)
        self.setTabOrder(self.view, self.composer.edit)

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
            self.header.refresh_requests()
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
        self.header.show_channel()
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
        self.header.show_group()
        moderates = may(group, MODERATE)
        self.view.can_delete_any = moderates
        self.thread_panel.view.can_delete_any = moderates
        if group.status == "removed":
            self.banner.setText(QCoreApplication.translate("ConversationPane", "You were removed from this group. You can still read what was "
                                "posted before, but you cannot post or see anything new."))
            self.banner.show()
        else:
            self.banner.hide()
        self.header.show_channel()
        self._fit_channel()

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

    def _open_link(self, url: str) -> None:
        qurl = QUrl(url)
        if qurl.scheme().lower() not in SAFE_SCHEMES:
            self.error.emit("Only web and mail links open from posts.")
            return
        confirm(self, QCoreApplication.translate("ConversationPane", "Open link"), QCoreApplication.translate("ConversationPane", 'Open this link in your browser?\n\n{url}').format(url=url), QCoreApplication.translate("ConversationPane", "Open link"),
                lambda: QDesktopServices.openUrl(qurl))
