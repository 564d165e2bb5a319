"""The left column: who I am, search, the group list, the connection indicator."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.views import GroupSummary, JoinView
from ui.context import AppContext
from ui.delegates.group_delegate import GroupDelegate
from ui.models.group_list_model import GroupListModel
from ui.models.keyed_list import ITEM_ROLE
from ui.widgets.channel_list import ChannelList
from ui.widgets.connection_indicator import ConnectionIndicator


class GroupListView(QListView):
    activated_group = Signal(object)  # GroupSummary

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            index = self.currentIndex()
            if index.isValid():
                self.activated_group.emit(index.data(ITEM_ROLE))
                return
        super().keyPressEvent(event)


class Sidebar(QFrame):
    group_selected = Signal(object)      # GroupSummary
    group_activated = Signal(object)     # Enter on a group: focus its composer
    new_group_requested = Signal()
    join_requested = Signal()
    search_requested = Signal()
    settings_requested = Signal()
    backup_requested = Signal()
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
        self.model = GroupListModel(self)
        self.delegate = GroupDelegate(ctx.theme.theme, self)
        ctx.theme.changed.connect(self._theme_changed)
        self.list = GroupListView()
        self.list.setObjectName("groupList")
        self.list.setAccessibleName(QCoreApplication.translate("Sidebar", "Groups"))
        self.list.setModel(self.model)
        self.list.setItemDelegate(self.delegate)
        self.list.setUniformItemSizes(True)
        self.list.setMouseTracking(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        self.list.activated_group.connect(self.group_activated.emit)
        layout.addWidget(self.list, 1)
        # the open group's channels, under the groups
        self.channels = ChannelList(ctx)
        layout.addWidget(self.channels)
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

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self.group_selected.emit(current.data(ITEM_ROLE))

    def _theme_changed(self, theme: object) -> None:
        self.delegate.set_theme(theme)  # type: ignore[arg-type]
        self.list.viewport().update()

    def set_groups(self, groups: list[GroupSummary]) -> None:
        self.model.set_items(groups)

    def select(self, group_id: str) -> bool:
        row = self.model.row_of(group_id)
        if row < 0:
            return False
        self.list.setCurrentIndex(self.model.index(row, 0))
        return True

    def current_group(self) -> GroupSummary | None:
        index = self.list.currentIndex()
        return index.data(ITEM_ROLE) if index.isValid() else None
