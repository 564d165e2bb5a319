"""The main window: sidebar with the groups, the open conversation, shortcuts, the tray."""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.names import isolate
from app.views import GENERAL_ID, ChannelView, GroupSummary, SearchHit
from ui.context import AppContext
from ui.dialogs.backup import BackupDialog, ExportDialog
from ui.dialogs.create_channel import CreateChannelDialog
from ui.dialogs.create_group import CreateGroupDialog
from ui.dialogs.devices import DevicesDialog
from ui.dialogs.invite import InviteDialog
from ui.dialogs.join import JoinDialog
from ui.dialogs.library import LibraryDialog
from ui.dialogs.member_directory import MemberDirectoryDialog, open_edit_profile
from ui.dialogs.members import MembersDialog
from ui.dialogs.moderation_log import ModerationLogDialog
from ui.dialogs.reports import ReportQueueDialog, RulesDialog
from ui.dialogs.requests import JoinRequestsDialog
from ui.dialogs.search import SearchDialog
from ui.dialogs.settings import SettingsDialog
from ui.dialogs.shortcuts import ShortcutsDialog
from ui.i18n import write_times_as_the_window
from ui.notifications import Notifier
from ui.reminders import Reminders
from ui.roles import MANAGE_CHANNELS, may
from ui.theme import app_icon
from ui.widgets.confirm import confirm
from ui.widgets.conversation_pane import ConversationPane
from ui.widgets.sidebar import Sidebar


class EmptyState(QWidget):
    """What a new member sees before any group exists: two clear ways in."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        title = QLabel(QCoreApplication.translate("EmptyState", "Welcome to Coterie"))
        title.setObjectName("conversationTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = QLabel(QCoreApplication.translate("EmptyState", "A private place for your group. Start a group and invite people, "
                      "or paste an invite link someone sent you."))
        text.setObjectName("emptyState")
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setFixedWidth(440)
        text.setMinimumHeight(text.heightForWidth(440))
        self.create_button = QPushButton(QCoreApplication.translate("EmptyState", "Create a group"))
        self.create_button.setProperty("primary", True)
        self.create_button.setAccessibleName(QCoreApplication.translate("EmptyState", "Create a group"))
        self.join_button = QPushButton(QCoreApplication.translate("EmptyState", "Join with an invite link"))
        self.join_button.setAccessibleName(QCoreApplication.translate("EmptyState", "Join with an invite link"))
        layout.addWidget(title)
        layout.addWidget(text, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(12)
        for b in (self.create_button, self.join_button):
            b.setMinimumWidth(240)
            layout.addWidget(b, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)

class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None,
                 window_state: QSettings | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        write_times_as_the_window()   # before anything asks the services for a sentence
        # Size, position and the sidebar width, remembered between runs (no content in it).
        self._window_state = window_state
        self.setWindowTitle(QCoreApplication.translate("MainWindow", "Coterie"))
        self.setWindowIcon(app_icon())
        self.resize(1100, 720)
        self.groups: list[GroupSummary] = []
        self._loaded_once = False
        self._pending_select: str | None = None
        self._last_channel: dict[str, str] = {}   # group id → the channel last open there
        self.sidebar = Sidebar(ctx)
        self.pane = ConversationPane(ctx)
        self.empty = EmptyState()
        self.choose = QLabel(QCoreApplication.translate("MainWindow", "Choose a group on the left."))
        self.choose.setObjectName("emptyState")
        self.choose.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        for w in (self.choose, self.empty, self.pane):
            self.stack.addWidget(w)
        splitter = self.splitter = QSplitter()
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 800])
        splitter.setChildrenCollapsible(False)
        self.sidebar.setMinimumWidth(240)
        self.setCentralWidget(splitter)
        self.statusBar().setSizeGripEnabled(False)
        # the status bar only takes room while it has something to say
        self.statusBar().messageChanged.connect(lambda m: self.statusBar().setVisible(bool(m)))
        self.statusBar().hide()
        self.notifier = Notifier(ctx, self)
        self.notifier.open_group.connect(self.select_group)
        self.reminders = Reminders(ctx, self.notifier, self)
        if window_state is not None:
            geometry = window_state.value("geometry")
            if isinstance(geometry, QByteArray) and not geometry.isEmpty():
                self.restoreGeometry(geometry)
            split = window_state.value("splitter")
            if isinstance(split, QByteArray) and not split.isEmpty():
                splitter.restoreState(split)
        self._wire()
        self._shortcuts()

    def _wire(self) -> None:
        ctx = self._ctx
        sb = self.sidebar
        sb.group_selected.connect(self._group_row)
        sb.channel_selected.connect(self.open_channel)
        sb.group_activated.connect(lambda _g: self.pane.composer.edit.setFocus())
        sb.new_group_requested.connect(self.new_group)
        sb.join_requested.connect(self.join_group)
        sb.search_requested.connect(lambda: self.search(None))
        sb.settings_requested.connect(self.open_settings)
        sb.backup_requested.connect(self.open_backup)
        sb.devices_requested.connect(self.open_devices)
        sb.help_requested.connect(self.show_shortcuts)
        sb.channels_loaded.connect(self._channels_loaded)
        sb.new_channel_requested.connect(self.new_channel)
        sb.channel_actions.error.connect(self.show_error)
        self.empty.create_button.clicked.connect(self.new_group)
        self.empty.join_button.clicked.connect(self.join_group)
        header = self.pane.header   # its buttons and menu ask for a group's dialog
        header.invite_requested.connect(lambda gid: self._group_dialog(InviteDialog, gid))
        header.requests_requested.connect(lambda gid: self._group_dialog(JoinRequestsDialog, gid))
        header.members_requested.connect(lambda gid: self._group_dialog(MembersDialog, gid))
        header.search_requested.connect(lambda gid: self.search(gid))
        header.files_requested.connect(lambda gid: self._group_dialog(LibraryDialog, gid))
        header.leave_requested.connect(self.leave_group)
        header.export_requested.connect(lambda gid: self._group_dialog(ExportDialog, gid))
        header.moderation_log_requested.connect(
            lambda gid: self._group_dialog(ModerationLogDialog, gid))
        header.reports_requested.connect(
            lambda gid: self._group_dialog(ReportQueueDialog, gid))
        header.rules_requested.connect(lambda gid: self._group_dialog(RulesDialog, gid))
        header.directory_requested.connect(
            lambda gid: self._group_dialog(MemberDirectoryDialog, gid))
        header.edit_profile_requested.connect(self._edit_profile)
        self.pane.error.connect(self.show_error)
        ctx.worker.failed.connect(self.show_error)
        ctx.events.groups.connect(self.refresh_groups)
        ctx.events.members.connect(self._members_changed)
        ctx.events.profile.connect(self.refresh_profile)
        ctx.events.posts.connect(self._posts)

    def _shortcuts(self) -> None:
        pairs = [
            ("Ctrl+K", lambda: self.search(None)),
            ("Ctrl+F", lambda: self.search(self.pane.group.id if self.pane.group else None)),
            ("Ctrl+N", self.new_group),
            ("Ctrl+J", self.join_group),
            ("Ctrl+,", self.open_settings),
            ("Ctrl+L", lambda: self.pane.composer.edit.setFocus()),
            ("Alt+Down", lambda: self.sidebar.step_group(1)),
            ("Alt+Up", lambda: self.sidebar.step_group(-1)),
            ("Alt+Shift+Down", lambda: self.sidebar.step_channel(1)),
            ("Alt+Shift+Up", lambda: self.sidebar.step_channel(-1)),
            ("Ctrl+Q", self.close),
            ("F1", self.show_shortcuts),
            ("Ctrl+End", lambda: self.pane.view.jump_to_latest()),
        ]
        self._shortcut_objects = []
        for keys, fn in pairs:
            sc = QShortcut(QKeySequence(keys), self)
            sc.activated.connect(fn)
            self._shortcut_objects.append(sc)

    # -- start -------------------------------------------------------------------------------
    def start(self) -> None:
        """Load what the window shows; called once the profile is unlocked."""
        self.refresh_profile()
        self.refresh_groups()
        self.sidebar.connection.refresh()
        self.sidebar.refresh_joins()
        self.reminders.start()

    def refresh_profile(self) -> None:
        self._ctx.worker.run(self._ctx.services.profile.me, self._show_me, lambda e: None, owner=self)

    def _show_me(self, me: object) -> None:
        name = getattr(me, "name", "")
        self.sidebar.me_label.setText(name or "Coterie")
        self.sidebar.me_label.setToolTip(QCoreApplication.translate("MainWindow", 'You: {name}\nFingerprint {fingerprint}').format(name=name, fingerprint=getattr(me, 'fingerprint', '')))

    def refresh_groups(self) -> None:
        self._ctx.worker.run(self._ctx.services.groups.list, self.show_groups, owner=self)

    def show_groups(self, groups: list[GroupSummary]) -> None:
        self.groups = list(groups)
        self.sidebar.set_groups(self.groups)
        self._loaded_once = True
        current = self.pane.group
        if self._pending_select and self.sidebar.select(self._pending_select):
            self._pending_select = None
        elif current is not None:
            fresh = next((g for g in groups if g.id == current.id), None)
            if fresh is None:
                self.pane.group = None
                self.pane.model.clear()
            else:
                self.pane.update_group(fresh)
                self.sidebar.mark_current(fresh.id)
        if not groups:
            self.stack.setCurrentWidget(self.empty)
        elif self.pane.group is None:
            if not self.sidebar.select(groups[0].id):
                self.stack.setCurrentWidget(self.choose)

    def open_group(self, group: GroupSummary, around_post: str | None = None,
                   channel: str | None = None) -> None:
        """Open a group at a channel: the one named, else the one last read there, else
        General."""
        self.stack.setCurrentWidget(self.pane)
        cid = channel or self._last_channel.get(group.id)
        self.pane.show_group(group, around_post, cid)
        self._last_channel[group.id] = cid or GENERAL_ID
        listed = self._listed(group.id, cid or GENERAL_ID)
        if listed is not None:
            self.pane.show_channel(listed)
        self.sidebar.mark_current(group.id, cid or GENERAL_ID)
        self.setWindowTitle(QCoreApplication.translate("MainWindow", '{name} — Coterie').format(name=group.name))
        if group.unread:
            self.pane.mark_read()

    def _group_row(self, group: GroupSummary) -> None:
        """A group's row became current: open the group, unless it is the one open (moving
        from one of its channels to its row changes nothing)."""
        if self.pane.group is not None and self.pane.group.id == group.id \
                and self.stack.currentWidget() is self.pane:
            return
        self.open_group(group)

    def open_channel(self, group: GroupSummary, channel: ChannelView) -> None:
        """A channel row of the sidebar: open its group there, or switch the open group's
        timeline to it."""
        if self.pane.group is None or self.pane.group.id != group.id \
                or self.stack.currentWidget() is not self.pane:
            self.open_group(group, channel=channel.id)
            return
        self._last_channel[group.id] = channel.id
        self.pane.show_channel(channel)
        self.sidebar.mark_current(group.id, channel.id)

    def _listed(self, group_id: str, channel_id: str) -> ChannelView | None:
        return next((c for c in self.sidebar.channels_of(group_id) if c.id == channel_id), None)

    def _channels_loaded(self, group_id: str, channels: list[ChannelView]) -> None:
        """The open group's channels arrived (the pane learns the one it shows) or changed
        (a new definition, renamed or archived, reaches the pane)."""
        if self.pane.group is None or self.pane.group.id != group_id:
            return
        current = self.pane.channel
        shown = current.id if current is not None else self.pane.model.channel_id
        fresh = next((c for c in channels if c.id == shown), None)
        if fresh is not None and fresh != current:
            self.pane.show_channel(fresh)
            self.sidebar.mark_current(group_id, fresh.id)

    def new_channel(self, group: GroupSummary | None = None) -> CreateChannelDialog | None:
        group = group if isinstance(group, GroupSummary) else self.pane.group
        if group is None or not may(group, MANAGE_CHANNELS):
            return None
        gid = group.id
        dialog = CreateChannelDialog(self._ctx, group, self)
        dialog.created.connect(lambda c: self.sidebar.select_channel_when_listed(gid, c.id))
        dialog.open()
        return dialog

    def select_group(self, group_id: str) -> None:
        """Open a group as soon as it is in the list (it may arrive with the next refresh)."""
        if not self.sidebar.select(group_id):
            self._pending_select = group_id
            self.refresh_groups()

    def jump_to_post(self, group_id: str, post_id: str) -> None:
        group = next((g for g in self.groups if g.id == group_id), None)
        if group is None:
            return
        if self.pane.group is not None and self.pane.group.id == group_id \
                and self.pane.model.row_of(post_id) >= 0:
            self.pane.jump_to(post_id)
        else:
            self.open_group(group, around_post=post_id)
        self.pane.view.setFocus()

    # -- dialogs -----------------------------------------------------------------------------
    def _group(self, group_id: str) -> GroupSummary | None:
        return next((g for g in self.groups if g.id == group_id), None)

    def _edit_profile(self, group_id: str) -> None:
        group = self._group(group_id)
        if group is not None:
            open_edit_profile(self._ctx, group, self)

    def _group_dialog(self, cls: type, group_id: str) -> None:
        group = self._group(group_id)
        if group is not None:
            cls(self._ctx, group, self).open()

    def new_group(self) -> None:
        dialog = CreateGroupDialog(self._ctx, self)
        dialog.created.connect(lambda g: self.select_group(g.id))
        dialog.open()

    def join_group(self, link: str = "") -> None:
        dialog = JoinDialog(self._ctx, link if isinstance(link, str) else "", self)
        dialog.joined.connect(self.select_group)
        dialog.open()

    def search(self, group_id: str | None) -> None:
        group = self._group(group_id) if group_id else None
        dialog = SearchDialog(self._ctx, group, self)
        dialog.open_hit.connect(self.open_hit)
        dialog.open()

    def open_hit(self, hit: SearchHit) -> None:
        """Go where a search hit is: a channel, a forum topic (and its thread), a post in
        a thread (its thread opens beside its channel) or a post in a channel."""
        group = self._group(hit.group_id)
        if group is None:
            return
        shown = (self.pane.model.channel_id if self.pane.group is not None
                 and self.pane.group.id == group.id else GENERAL_ID)
        if hit.kind == "post" and hit.thread_root is None and hit.channel_id == shown:
            self.jump_to_post(hit.group_id, hit.post_id)   # in the channel already shown
            return
        around = None if hit.kind == "channel" else (hit.thread_root or hit.post_id)
        if self.pane.group is None or self.pane.group.id != group.id:
            self.open_group(group, around, hit.channel_id)
        else:
            self.pane.go_to(hit.channel_id, around)
            self._last_channel[group.id] = hit.channel_id
            listed = self._listed(group.id, hit.channel_id)
            if listed is not None:
                self.pane.show_channel(listed)
            self.sidebar.mark_current(group.id, hit.channel_id)
        self.pane.view.setFocus()
        if hit.kind == "topic" or hit.thread_root is not None:
            root, gid = around, group.id
            assert root is not None
            self._ctx.worker.run(lambda: self._ctx.services.threads.root(gid, root),
                                 lambda post: self.pane.thread_panel.open_thread(gid, post),
                                 lambda e: None, owner=self)

    def show_shortcuts(self) -> None:
        ShortcutsDialog(self).open()

    def open_settings(self) -> None:
        SettingsDialog(self._ctx, self).open()

    def open_devices(self) -> DevicesDialog:
        dialog = DevicesDialog(self._ctx, self)
        dialog.open()
        return dialog

    def open_backup(self) -> BackupDialog:
        dialog = BackupDialog(self._ctx, self)
        dialog.open()
        return dialog

    def leave_group(self, group_id: str) -> QMessageBox | None:
        """Ask (Cancel is the default), then leave; returns the question."""
        group = self._group(group_id)
        if group is None:
            return None
        svc = self._ctx.services

        def leave() -> None:
            if self.pane.group is not None and self.pane.group.id == group_id:
                self.pane.group = None
                self.pane.model.clear()
            self._ctx.worker.run(lambda: svc.groups.leave(group_id),
                                 lambda _r: self.refresh_groups(),
                                 lambda e: self.show_error(str(e)), slow=True, owner=self)

        return confirm(self, QCoreApplication.translate("MainWindow", "Leave group"),
                       QCoreApplication.translate("MainWindow", 'Leave “{isolate}”? Coterie stops syncing it and forgets its posts on this computer. To come back you need a new invite.').format(isolate=isolate(group.name)),
                       QCoreApplication.translate("MainWindow", "Leave"), leave)

    # -- events ------------------------------------------------------------------------------
    def _members_changed(self, _group_id: object) -> None:
        self.refresh_groups()

    def _posts(self, group_id: object, post_ids: tuple, incoming: bool) -> None:
        if incoming and isinstance(group_id, str) and post_ids:
            group = self._group(group_id)
            focused = self.isActiveWindow() and self.pane.group is not None \
                and self.pane.group.id == group_id
            if group is not None and not group.muted and not focused:
                self.notifier.notify_post(group, post_ids[-1])

    def show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 10_000)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            group = self.pane.group
            if group is not None and self.stack.currentWidget() is self.pane:
                QTimer.singleShot(0, self, self.pane.mark_read)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._window_state is not None:
            self._window_state.setValue("geometry", self.saveGeometry())
            self._window_state.setValue("splitter", self.splitter.saveState())
            self._window_state.sync()
        self.notifier.hide()
        # A question still open (e.g. the one-time launcher offer) is a window of its own:
        # left open, it would keep the app running after its main window closed.
        for box in self.findChildren(QMessageBox):
            if box.isVisible():
                box.reject()
        super().closeEvent(event)
