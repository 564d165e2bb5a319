"""The open group's channels in the sidebar, under the group list: a collapsible section
with unread badges, a "+" for admins, mute and mark-read in each row's menu."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListView,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.views import GENERAL_ID, ChannelView, GroupSummary
from ui.context import AppContext
from ui.delegates.channel_delegate import ROW_H, ChannelDelegate
from ui.dialogs.edit_channel import EditChannelDialog
from ui.models.channel_list_model import ChannelListModel
from ui.models.keyed_list import ITEM_ROLE
from ui.roles import MANAGE_CHANNELS, may

MAX_VISIBLE_ROWS = 8


class ChannelList(QWidget):
    channel_selected = Signal(object)     # ChannelView
    loaded = Signal(object)               # list[ChannelView] of the group shown
    new_channel_requested = Signal()
    error = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.group: GroupSummary | None = None
        self._wanted: str | None = None   # channel to select once the list arrives
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        head = QHBoxLayout()
        self.toggle = QToolButton()
        self.toggle.setObjectName("channelsToggle")
        self.toggle.setCheckable(True)
        self.toggle.setChecked(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow)
        self.toggle.setText(QCoreApplication.translate("ChannelList", "Channels"))
        self.toggle.setAccessibleName(QCoreApplication.translate("ChannelList", "Show or hide the group's channels"))
        self.toggle.setAutoRaise(True)
        self.toggle.toggled.connect(self._collapse)
        head.addWidget(self.toggle)
        head.addStretch(1)
        self.add_button = QToolButton()
        self.add_button.setText("+")
        self.add_button.setAccessibleName(QCoreApplication.translate("ChannelList", "New channel"))
        self.add_button.setToolTip(QCoreApplication.translate("ChannelList", "New channel (admins)"))
        self.add_button.clicked.connect(self.new_channel_requested.emit)
        head.addWidget(self.add_button)
        layout.addLayout(head)
        self.model = ChannelListModel(self)
        self.delegate = ChannelDelegate(ctx.theme.theme, self)
        ctx.theme.changed.connect(self._theme_changed)
        self.list = QListView()
        self.list.setObjectName("channelList")
        self.list.setAccessibleName(QCoreApplication.translate("ChannelList", "Channels"))
        self.list.setModel(self.model)
        self.list.setItemDelegate(self.delegate)
        self.list.setUniformItemSizes(True)
        self.list.setMouseTracking(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._menu)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        layout.addWidget(self.list)
        ctx.events.channels.connect(self._channels_event)
        self.hide()

    # -- the group -----------------------------------------------------------------------------
    def set_group(self, group: GroupSummary | None, channel: str | None = None) -> None:
        changed = self.group is None or group is None or self.group.id != group.id
        self.group = group
        if group is None:
            self.model.set_items([])
            self.hide()
            return
        self.add_button.setVisible(may(group, MANAGE_CHANNELS))
        if changed:
            self._wanted = channel or GENERAL_ID
        elif channel is not None:
            self._wanted = channel
        self.refresh()

    def refresh(self) -> None:
        group = self.group
        if group is None:
            return
        gid = group.id
        self._ctx.worker.run(lambda: self._ctx.services.channels.list(gid),
                             lambda chans: self._show(gid, chans), lambda e: None, owner=self)

    def _show(self, gid: str, channels: list[ChannelView]) -> None:
        if self.group is None or self.group.id != gid:
            return
        self.list.selectionModel().blockSignals(True)
        self.model.set_items(channels)
        self.list.selectionModel().blockSignals(False)
        self.show()
        self._fit()
        self.loaded.emit(channels)
        wanted, self._wanted = self._wanted, None
        if wanted is not None:
            self.select(wanted)

    def _fit(self) -> None:
        rows = min(MAX_VISIBLE_ROWS, max(1, self.model.rowCount()))
        self.list.setFixedHeight(rows * ROW_H + 4)

    def _channels_event(self, group_id: object) -> None:
        if self.group is not None and group_id == self.group.id:
            self.refresh()

    def _collapse(self, shown: bool) -> None:
        self.list.setVisible(shown)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)

    def _theme_changed(self, theme: object) -> None:
        self.delegate.set_theme(theme)  # type: ignore[arg-type]
        self.list.viewport().update()

    # -- selection -----------------------------------------------------------------------------
    def select(self, channel_id: str) -> bool:
        row = self.model.row_of(channel_id)
        if row < 0:
            return False
        if self.list.currentIndex().row() == row:
            self.channel_selected.emit(self.model.item_at(row))
        else:
            self.list.setCurrentIndex(self.model.index(row, 0))
        return True

    def current(self) -> ChannelView | None:
        index = self.list.currentIndex()
        return index.data(ITEM_ROLE) if index.isValid() else None

    def step(self, delta: int) -> None:
        """The channel above or below the current one (Alt+Shift+↑/↓)."""
        n = self.model.rowCount()
        if not n:
            return
        row = max(0, min(n - 1, self.list.currentIndex().row() + delta))
        self.list.setCurrentIndex(self.model.index(row, 0))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.channel_selected.emit(current.data(ITEM_ROLE))

    def _menu(self, pos: QPoint) -> QMenu | None:
        index = self.list.indexAt(pos)
        if not index.isValid() or self.group is None:
            return None
        c: ChannelView = index.data(ITEM_ROLE)
        gid, svc = self.group.id, self._ctx.services
        menu = QMenu(self)
        menu.addAction(QCoreApplication.translate("ChannelList", "Mark as read"), lambda: self._ctx.worker.run(
            lambda: svc.channels.mark_read(gid, c.id), None, lambda e: None, owner=self))
        menu.addAction(QCoreApplication.translate("ChannelList", "Unmute") if c.muted else QCoreApplication.translate("ChannelList", "Mute"), lambda: self._ctx.worker.run(
            lambda: svc.channels.set_muted(gid, c.id, not c.muted), None, lambda e: None,
            owner=self))
        if may(self.group, MANAGE_CHANNELS):
            menu.addSeparator()
            menu.addAction(QCoreApplication.translate("ChannelList", "Rename…"), lambda: self._edit(c, "name"))
            menu.addAction(QCoreApplication.translate("ChannelList", "Edit topic…"), lambda: self._edit(c, "topic"))
            if c.kind == "forum":
                menu.addAction(QCoreApplication.translate("ChannelList", "Edit tags…"),
                               lambda: self._edit(c, "tags"))
            if c.id != GENERAL_ID:
                if not c.archived:
                    menu.addAction(QCoreApplication.translate("ChannelList", "Move up"), lambda: self.move(c, -1))
                    menu.addAction(QCoreApplication.translate("ChannelList", "Move down"), lambda: self.move(c, 1))
                menu.addAction(QCoreApplication.translate("ChannelList", "Restore") if c.archived
                               else QCoreApplication.translate("ChannelList", "Archive"),
                               lambda: self.archive(c, not c.archived))
        menu.popup(self.list.viewport().mapToGlobal(pos))
        return menu

    # -- admins ----------------------------------------------------------------------------
    def _edit(self, c: ChannelView, field: str) -> EditChannelDialog:
        dialog = EditChannelDialog(self._ctx, c, field, self)
        dialog.open()
        return dialog

    def archive(self, c: ChannelView, archived: bool) -> None:
        svc = self._ctx.services
        self._ctx.worker.run(lambda: svc.channels.archive(c.group_id, c.id, archived), None,
                             lambda e: self.error.emit(str(e)), owner=self)

    def move(self, c: ChannelView, delta: int) -> None:
        """Swap places with the neighbouring channel (General stays first, archived last)."""
        movable = [x for x in self.model.items() if x.id != GENERAL_ID and not x.archived]
        at = next((i for i, x in enumerate(movable) if x.id == c.id), -1)
        to = at + delta
        if at < 0 or not 0 <= to < len(movable):
            return
        order = list(movable)
        order[at], order[to] = order[to], order[at]
        changes = [(x, i + 1) for i, x in enumerate(order) if x.position != i + 1]
        svc = self._ctx.services

        def work() -> None:
            for x, position in changes:
                svc.channels.move(x.group_id, x.id, position)

        self._ctx.worker.run(work, None, lambda e: self.error.emit(str(e)), owner=self)
