"""The left column: who I am, search, the group list, the connection indicator."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.views import GENERAL_ID, ChannelView, GroupSummary, JoinView
from ui.context import AppContext
from ui.delegates.group_delegate import CHEVRON_W
from ui.delegates.sidebar_delegate import SidebarDelegate
from ui.models.keyed_list import ITEM_ROLE, KEY_ROLE
from ui.models.sidebar_model import NODE_ROLE, SidebarModel
from ui.roles import MANAGE_CHANNELS, may
from ui.widgets.channel_menu import ChannelActions
from ui.widgets.connection_indicator import ConnectionIndicator


class SidebarTree(QTreeView):
    """Groups with their channels beneath. Enter activates a row; a click on a group's
    fold mark (or on "Archived") folds or unfolds it; ←/→ fold and unfold as in any tree."""

    entered = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            index = self.currentIndex()
            if index.isValid():
                self.entered.emit(index)
                return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        node = index.data(NODE_ROLE) if index.isValid() else None
        rect, x = self.visualRect(index), event.position().x()
        on_mark = (x > rect.right() - 6 - CHEVRON_W - 2
                   if self.layoutDirection() == Qt.LayoutDirection.RightToLeft
                   else x < rect.left() + 6 + CHEVRON_W + 2)
        if event.button() == Qt.MouseButton.LeftButton and (
                (node == "group" and on_mark) or node == "archived"):
            self.setExpanded(index, not self.isExpanded(index))
            if node == "group":
                return   # folding is not opening
        super().mousePressEvent(event)


class Sidebar(QFrame):
    group_selected = Signal(object)      # GroupSummary: its row became current
    channel_selected = Signal(object, object)   # GroupSummary, ChannelView
    group_activated = Signal(object)     # Enter on a group or channel: focus its composer
    channels_loaded = Signal(str, object)   # group id, list[ChannelView]
    new_channel_requested = Signal(object)  # GroupSummary
    new_group_requested = Signal()
    join_requested = Signal()
    search_requested = Signal()
    settings_requested = Signal()
    backup_requested = Signal()
    devices_requested = Signal()
    help_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self._ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 10, 8, 8)
        layout.setSpacing(8)
        top = QHBoxLayout()
        self.me_label = QLabel(QCoreApplication.translate("Sidebar", "Coterie"))
        self.me_label.setObjectName("sidebarHeader")
        self.me_label.setAccessibleName(QCoreApplication.translate("Sidebar", "Your profile"))
        top.addWidget(self.me_label, 1)
        self.add_button = QToolButton()
        self.add_button.setText("+")
        self.add_button.setAccessibleName(QCoreApplication.translate("Sidebar", "New group or join a group"))
        self.add_button.setToolTip(QCoreApplication.translate("Sidebar", "New group (Ctrl+N) or join with a link (Ctrl+J)"))
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.add_button)
        menu.addAction(QCoreApplication.translate("Sidebar", "New group…\tCtrl+N"), self.new_group_requested.emit)
        menu.addAction(QCoreApplication.translate("Sidebar", "Join with an invite link…\tCtrl+J"), self.join_requested.emit)
        self.add_button.setMenu(menu)
        top.addWidget(self.add_button)
        layout.addLayout(top)
        self.search_button = QPushButton(QCoreApplication.translate("Sidebar", "Search all groups    Ctrl+K"))
        self.search_button.setAccessibleName(QCoreApplication.translate("Sidebar", "Search all groups"))
        self.search_button.setStyleSheet("text-align: left;")
        self.search_button.clicked.connect(self.search_requested.emit)
        layout.addWidget(self.search_button)
        # joins I asked for that an admin has not admitted yet: otherwise they would vanish
        # from view once the join dialog is closed
        self.joins_label = QLabel()
        self.joins_label.setObjectName("hint")
        self.joins_label.setWordWrap(True)
        self.joins_label.setAccessibleName(QCoreApplication.translate("Sidebar", "Pending joins"))
        self.joins_label.hide()
        layout.addWidget(self.joins_label)
        ctx.events.joins.connect(self.refresh_joins)
        ctx.events.groups.connect(self.refresh_joins)
        self.model = SidebarModel(self)
        self.delegate = SidebarDelegate(ctx.theme.theme, self)
        ctx.theme.changed.connect(self._theme_changed)
        self.tree = SidebarTree()
        self.tree.setObjectName("groupTree")
        self.tree.setAccessibleName(QCoreApplication.translate("Sidebar", "Groups and channels"))
        self.tree.setModel(self.model)
        self.tree.setItemDelegate(self.delegate)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)   # the group rows paint their own fold mark
        self.tree.setIndentation(0)           # and channel rows their own indent
        self.tree.setExpandsOnDoubleClick(False)
        self.tree.setMouseTracking(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self.channel_menu)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.tree.clicked.connect(self._clicked)
        self.tree.entered.connect(self._entered)
        self.tree.collapsed.connect(lambda _i: self.tree.viewport().update())
        self.tree.expanded.connect(lambda _i: self.tree.viewport().update())
        self.model.rowsInserted.connect(self._unfold_new_groups)
        layout.addWidget(self.tree, 1)
        self.channel_actions = ChannelActions(ctx, self)
        self._wanted: tuple[str, str] | None = None   # a channel to select once it is listed
        self._shown: tuple[str, str] | None = None    # the group and channel the pane shows
        ctx.events.channels.connect(self._channels_event)
        # The indicator has a line of its own: "Offline" with a count of waiting posts must
        # never be cut off by the buttons beside it in a narrow sidebar.
        self.connection = ConnectionIndicator(ctx)
        layout.addWidget(self.connection)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.backup_button = QToolButton()
        self.backup_button.setText(QCoreApplication.translate("Sidebar", "Back up"))
        self.backup_button.setAccessibleName(QCoreApplication.translate("Sidebar", "Back up"))
        self.backup_button.setToolTip(QCoreApplication.translate("Sidebar", "Back up all your groups into one encrypted file, "
                                      "now or automatically"))
        self.backup_button.clicked.connect(self.backup_requested.emit)
        bottom.addWidget(self.backup_button)
        self.devices_button = QToolButton()
        self.devices_button.setText(QCoreApplication.translate("Sidebar", "Desktops"))
        self.devices_button.setAccessibleName(QCoreApplication.translate("Sidebar", "Linked desktops"))
        self.devices_button.setToolTip(QCoreApplication.translate("Sidebar", "Use Coterie on your other desktops too, "
                                       "or revoke one"))
        self.devices_button.clicked.connect(self.devices_requested.emit)
        bottom.addWidget(self.devices_button)
        self.settings_button = QToolButton()
        self.settings_button.setText(QCoreApplication.translate("Sidebar", "Settings"))
        self.settings_button.setAccessibleName(QCoreApplication.translate("Sidebar", "Settings"))
        self.settings_button.setToolTip(QCoreApplication.translate("Sidebar", "Settings (Ctrl+,)"))
        self.settings_button.clicked.connect(self.settings_requested.emit)
        bottom.addWidget(self.settings_button)
        self.help_button = QToolButton()
        self.help_button.setText("?")
        self.help_button.setAccessibleName(QCoreApplication.translate("Sidebar", "Keyboard shortcuts"))
        self.help_button.setToolTip(QCoreApplication.translate("Sidebar", "Keyboard shortcuts (F1)"))
        self.help_button.clicked.connect(self.help_requested.emit)
        bottom.addWidget(self.help_button)
        layout.addLayout(bottom)

    def refresh_joins(self) -> None:
        self._ctx.worker.run(self._ctx.services.invites.joins, self.show_joins, lambda e: None,
                             owner=self)

    def show_joins(self, joins: list[JoinView]) -> None:
        lines = []
        for j in joins:
            name = (QCoreApplication.translate("Sidebar", "“{name}”").format(name=j.group_name) if j.group_name
                    else QCoreApplication.translate("Sidebar", "a group"))
            if j.status == "waiting":
                lines.append(QCoreApplication.translate("Sidebar", "Joining {name}: {message}").format(
                    name=name, message=j.message or QCoreApplication.translate("Sidebar", "waiting for an admin.")))
            elif j.status in ("declined", "failed"):
                lines.append(QCoreApplication.translate("Sidebar", "Joining {name} did not work: {message}").format(
                    name=name, message=j.message))
        self.joins_label.setText("\n".join(lines))
        self.joins_label.setVisible(bool(lines))

    # -- groups and their channels ---------------------------------------------------------
    def set_groups(self, groups: list[GroupSummary]) -> None:
        fresh = [g.id for g in groups if not self.model.loaded(g.id)]
        self._quietly(lambda: self.model.set_groups(
            groups, {g.id: may(g, MANAGE_CHANNELS) for g in groups}))
        self.tree.viewport().update()   # a group's mute greys its channels' badges too
        if fresh:
            self.load_channels(fresh)

    def load_channels(self, group_ids: list[str]) -> None:
        svc = self._ctx.services

        def work() -> dict[str, list[ChannelView]]:
            return {gid: svc.channels.list(gid) for gid in group_ids}

        self._ctx.worker.run(work, self._show_channels, lambda e: None, owner=self)

    def _show_channels(self, lists: dict[str, list[ChannelView]]) -> None:
        for gid, channels in lists.items():
            self._quietly(lambda gid=gid, channels=channels: self.model.set_channels(gid, channels))
        for gid, channels in lists.items():
            self.channels_loaded.emit(gid, channels)
        if self._wanted is not None and self.select_channel(*self._wanted):
            self._wanted = None

    def _quietly(self, update: Callable[[], None]) -> None:
        """Apply a refresh without opening anything: a row that goes away (a group left, a
        channel archived) would otherwise hand "current" to its neighbour, which opens it. A
        channel that moved (archived or restored) stays current where it went."""
        current = self.tree.currentIndex()
        group = self.model.group_of(current) if current.isValid() else None
        node, key = current.data(NODE_ROLE), current.data(KEY_ROLE)
        selection = self.tree.selectionModel()
        selection.blockSignals(True)
        try:
            update()
            if node == "channel" and group is not None:
                moved = self.model.channel_index(group.id, key)
                if moved.isValid() and moved != self.tree.currentIndex():
                    self._unfold_to(moved)
                    self.tree.setCurrentIndex(moved)
        finally:
            selection.blockSignals(False)

    def _channels_event(self, group_id: object) -> None:
        if isinstance(group_id, str) and self.model.row_of(group_id) >= 0:
            self.load_channels([group_id])

    def _unfold_new_groups(self, parent: QModelIndex, first: int, last: int) -> None:
        """A group shows its channels until folded; "Archived" starts folded."""
        if parent.isValid():
            return
        for row in range(first, last + 1):
            self.tree.expand(self.model.index(row, 0))

    def channels_of(self, group_id: str) -> list[ChannelView]:
        return self.model.channels(group_id)

    # -- current row -----------------------------------------------------------------------
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        node, group = current.data(NODE_ROLE), self.model.group_of(current)
        if group is None:
            return
        if node == "group":
            self.group_selected.emit(group)
        elif node == "channel":
            self.channel_selected.emit(group, current.data(ITEM_ROLE))

    def _clicked(self, index: QModelIndex) -> None:
        if index.data(NODE_ROLE) == "new":
            group = self.model.group_of(index)
            if group is not None:
                self.new_channel_requested.emit(group)

    def _entered(self, index: QModelIndex) -> None:
        node, group = index.data(NODE_ROLE), self.model.group_of(index)
        if group is None:
            return
        if node == "new":
            self.new_channel_requested.emit(group)
        elif node == "archived":
            self.tree.setExpanded(index, not self.tree.isExpanded(index))
        else:
            self.group_activated.emit(group)

    def _theme_changed(self, theme: object) -> None:
        self.delegate.set_theme(theme)  # type: ignore[arg-type]
        self.tree.viewport().update()

    def select(self, group_id: str) -> bool:
        """Make the group's row current (which opens it)."""
        index = self.model.group_index(group_id)
        if not index.isValid():
            return False
        if self.tree.currentIndex() == index:
            self._current_changed(index, index)   # current already (a refresh moved it here)
        else:
            self.tree.setCurrentIndex(index)
        return True

    def select_channel(self, group_id: str, channel_id: str) -> bool:
        """Make the channel's row current (which opens it), or reopen it when it is."""
        index = self.model.channel_index(group_id, channel_id)
        if not index.isValid():
            return False
        self._unfold_to(index)
        if self.tree.currentIndex() == index:
            self._current_changed(index, index)
        else:
            self.tree.setCurrentIndex(index)
        return True

    def select_channel_when_listed(self, group_id: str, channel_id: str) -> None:
        """Select a channel now, or as soon as its group's list holds it (a new one)."""
        if not self.select_channel(group_id, channel_id):
            self._wanted = (group_id, channel_id)

    def mark_current(self, group_id: str, channel_id: str | None = None) -> None:
        """Show which group and channel the pane has open, without opening anything: the
        channel's row when it is listed, else the group's."""
        if channel_id is not None and self._shown != (group_id, channel_id):
            before = self._shown
            self._shown = self.delegate.shown = (group_id, channel_id)
            if before is not None:   # the mark of the open channel moves
                self.tree.update(self.model.channel_index(*before))
            self.tree.update(self.model.channel_index(group_id, channel_id))
        current = self.tree.currentIndex()
        if current.data(NODE_ROLE) == "group" and current.data(KEY_ROLE) == group_id:
            return   # the group's own row stays current: ↑/↓ walk on from it
        index = self.model.channel_index(group_id, channel_id) if channel_id else QModelIndex()
        if not index.isValid():
            current = self.tree.currentIndex()
            group = self.model.group_of(current) if current.isValid() else None
            if group is not None and group.id == group_id:
                return   # a row of this group is current already
            index = self.model.group_index(group_id)
        if not index.isValid() or index == current:
            return
        self._unfold_to(index)
        selection = self.tree.selectionModel()
        selection.blockSignals(True)
        self.tree.setCurrentIndex(index)
        selection.blockSignals(False)
        self.tree.update(current)   # only the two rows whose highlight moved
        self.tree.update(index)

    def _unfold_to(self, index: QModelIndex) -> None:
        parent = index.parent()
        while parent.isValid():
            self.tree.expand(parent)
            parent = parent.parent()

    def current_group(self) -> GroupSummary | None:
        index = self.tree.currentIndex()
        return self.model.group_of(index) if index.isValid() else None

    # -- keyboard: Alt+↑/↓ the group above or below, Alt+Shift+↑/↓ the channel -------------
    def step_group(self, delta: int) -> None:
        n = self.model.rowCount()
        if not n:
            return
        group = self.current_group()
        row = self.model.row_of(group.id) if group is not None else -1
        target = max(0, min(n - 1, row + delta)) if row >= 0 else 0
        found = self.model.item_at(target)
        if found is not None:
            self.select(found.id)

    def step_channel(self, delta: int) -> None:
        group = self.current_group()
        if group is None:
            return
        folded_archive = not self.tree.isExpanded(self.model.archived_index(group.id))
        channels = [c for c in self.channels_of(group.id) if not (c.archived and folded_archive)]
        if not channels:
            return
        shown = self._shown[1] if self._shown and self._shown[0] == group.id else GENERAL_ID
        current = self.tree.currentIndex()
        if current.data(NODE_ROLE) == "channel":
            shown = current.data(ITEM_ROLE).id
        at = next((i for i, c in enumerate(channels) if c.id == shown), 0)
        to = max(0, min(len(channels) - 1, at + delta))
        self.select_channel(group.id, channels[to].id)

    # -- a channel's menu ------------------------------------------------------------------
    def channel_menu(self, pos: QPoint) -> QMenu | None:
        index = self.tree.indexAt(pos)
        group = self.model.group_of(index) if index.isValid() else None
        if group is None or index.data(NODE_ROLE) != "channel":
            return None
        menu = self.channel_actions.menu(self, group, index.data(ITEM_ROLE),
                                         self.channels_of(group.id))
        menu.popup(self.tree.viewport().mapToGlobal(pos))
        return menu
