"""Paints the sidebar's tree: group rows, channel rows and the two marker rows."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QTreeView, QWidget

from ui.delegates import channel_delegate, group_delegate
from ui.models.keyed_list import ITEM_ROLE
from ui.models.sidebar_model import NODE_ROLE, SidebarModel
from ui.theme import LIGHT, Theme

Index = QModelIndex | QPersistentModelIndex


class SidebarDelegate(QStyledItemDelegate):
    def __init__(self, theme: Theme = LIGHT, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._theme = theme
        self.shown: tuple[str, str] | None = None   # (group, channel) the timeline shows

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        node = index.data(NODE_ROLE)
        height = group_delegate.ROW_H if node == "group" else channel_delegate.ROW_H
        return QSize(option.rect.width(), height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        node, value = index.data(NODE_ROLE), index.data(ITEM_ROLE)
        if value is None:
            return
        view = option.widget
        expanded = isinstance(view, QTreeView) and view.isExpanded(index)
        t = self._theme
        if node == "group":
            group_delegate.paint_group(painter, option, t, value, expanded)
        elif node == "channel":
            indent = channel_delegate.INDENT + (channel_delegate.ARCHIVED_INDENT
                                                if value.archived else 0)
            model = index.model()
            group = model.group_of(index) if isinstance(model, SidebarModel) else None
            channel_delegate.paint_channel(painter, option, t, value, indent,
                                           bool(group is not None and group.muted),
                                           self.shown == (value.group_id, value.id))
        else:
            rtl = option.direction == Qt.LayoutDirection.RightToLeft
            mark = "+" if node == "new" else ("▾" if expanded else ("◂" if rtl else "▸"))
            channel_delegate.paint_marker(painter, option, t, str(index.data()), mark,
                                          channel_delegate.INDENT)
