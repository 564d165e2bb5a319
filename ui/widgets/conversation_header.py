"""The top of the conversation: the open group's name, its members line (with my role and
the channel shown), the buttons for join requests, inviting, members, files and muting,
and the ⋯ menu of group actions.

The buttons and menu entries that open a group's dialog emit its id; the main window
opens the dialog. Muting and the count of waiting join requests are the header's own.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QToolButton,
    QWidget,
)

from app.views import GENERAL_ID, ChannelView, GroupSummary
from ui.context import AppContext
from ui.dialogs.rename import RenameGroupDialog
from ui.roles import MANAGE_MEMBERS, MODERATE, may
from ui.widgets.elided_label import title_lines


class ConversationHeader(QFrame):
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

    def __init__(self, ctx: AppContext, group: Callable[[], GroupSummary | None],
                 channel: Callable[[], ChannelView | None], channel_rules: Callable[[], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._group, self._channel = group, channel
        self.setObjectName("conversationHeader")
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 8, 10, 8)
        titles, self.title, self.subtitle = title_lines()
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
            channel_rules)
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
        ctx.events.requests.connect(self._requests_event)

    def _emit_group(self, signal: Signal) -> None:
        group = self._group()
        if group is not None:
            signal.emit(group.id)

    def show_group(self) -> None:
        """The open group's name, what my role lets me do here, and its mute state."""
        group = self._group()
        if group is None:
            return
        self.title.setText(group.name)
        manages = may(group, MANAGE_MEMBERS)
        self.invite_button.setVisible(manages)
        self.rename_action.setVisible(manages)
        if not manages:
            self.requests_button.hide()
        self.channel_rules_action.setVisible(may(group, MODERATE))
        self.mute_button.blockSignals(True)
        self.mute_button.setChecked(group.muted)
        self.mute_button.setText(QCoreApplication.translate("ConversationPane", "Muted") if group.muted else QCoreApplication.translate("ConversationPane", "Mute"))
        self.mute_button.blockSignals(False)

    def show_channel(self) -> None:
        """The members line: how many, whether I am an admin, and the channel shown."""
        g, c = self._group(), self._channel()
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

    def rename_group(self) -> RenameGroupDialog | None:
        """Admins rename the group for everyone; returns the (non-blocking) dialog."""
        group = self._group()
        if not may(group, MANAGE_MEMBERS):
            return None
        assert group is not None
        dialog = RenameGroupDialog(self._ctx, group, self)
        dialog.open()
        return dialog

    def _mute_toggled(self, muted: bool) -> None:
        group = self._group()
        if group is None:
            return
        gid, svc = group.id, self._ctx.services
        self.mute_button.setText(QCoreApplication.translate("ConversationPane", "Muted") if muted else QCoreApplication.translate("ConversationPane", "Mute"))
        self._ctx.worker.run(lambda: svc.groups.set_muted(gid, muted), None,
                             lambda e: self.error.emit(str(e)), owner=self)

    # -- join requests -----------------------------------------------------------------------
    def _requests_event(self, group_id: str | None) -> None:
        group = self._group()
        if group is not None and group_id == group.id:
            self.refresh_requests()

    def refresh_requests(self) -> None:
        """Show how many join requests wait (to those who manage members)."""
        g = self._group()
        if g is None or not may(g, MANAGE_MEMBERS):
            self.requests_button.hide()
            return
        gid = g.id
        self._ctx.worker.run(lambda: self._ctx.services.invites.requests(gid),
                             lambda reqs: self._show_request_count(gid, len(reqs)),
                             lambda e: None, owner=self)

    def _show_request_count(self, gid: str, count: int) -> None:
        group = self._group()
        if group is None or group.id != gid:
            return
        self.requests_button.setText(QCoreApplication.translate("ConversationPane", 'Requests ({count})').format(count=count))
        self.requests_button.setAccessibleName(QCoreApplication.translate("ConversationPane", '{count} join requests waiting').format(count=count))
        self.requests_button.setProperty("primary", True)
        self.requests_button.style().unpolish(self.requests_button)
        self.requests_button.style().polish(self.requests_button)
        self.requests_button.setVisible(count > 0)
