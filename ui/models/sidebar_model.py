"""The sidebar as one tree: every group, and under it its channels.

Top level: one row per GroupSummary, in the app's order (latest activity). Under a group:
its live channels (General first, the app's order), a "New channel" row when I may create
channels there, and an "Archived" row holding the archived channels. Refreshes change only
what changed (removes, moves, inserts, dataChanged), so views keep their selection,
expanded state and scroll position.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from app.views import ChannelView, GroupSummary
from ui.models.keyed_list import ITEM_ROLE, KEY_ROLE

Index = QModelIndex | QPersistentModelIndex
NODE_ROLE = Qt.ItemDataRole.UserRole + 3    # "group", "channel", "new" or "archived"
KIND_MARK = {"chat": "#", "forum": "☰", "announcements": "»"}

Key = tuple[str, ...]   # ("g", gid), ("c", gid, cid), ("ac", gid, cid), ("new", gid), ("arch", gid)


@dataclass(frozen=True)
class Marker:
    """A row that is neither a group nor a channel: "New channel" or "Archived"."""

    node: str          # "new" or "archived"
    group_id: str
    count: int = 0     # archived: how many channels it holds


class SidebarModel(QAbstractItemModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: dict[Key | None, list[tuple[Key, Any]]] = {None: []}
        self._parent: dict[Key, Key | None] = {}
        self._ids: dict[Key, int] = {}
        self._keys: list[Key] = [("root",)]       # internal id → key (0 is unused)
        self._channels: dict[str, list[ChannelView]] = {}
        self._may_create: dict[str, bool] = {}

    # -- Qt interface ----------------------------------------------------------------------
    def _id(self, key: Key) -> int:
        found = self._ids.get(key)
        if found is None:
            found = self._ids[key] = len(self._keys)
            self._keys.append(key)
        return found

    def _key(self, index: Index) -> Key | None:
        return self._keys[index.internalId()] if index.isValid() else None

    def index(self, row: int, column: int = 0, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        rows = self._rows.get(self._key(parent))
        if column != 0 or rows is None or not 0 <= row < len(rows):
            return QModelIndex()
        return self.createIndex(row, 0, self._id(rows[row][0]))

    def _index_of(self, key: Key | None) -> QModelIndex:
        if key is None:
            return QModelIndex()
        parent = self._parent.get(key, None)
        rows = self._rows.get(parent, [])
        for row, (k, _v) in enumerate(rows):
            if k == key:
                return self.createIndex(row, 0, self._id(key))
        return QModelIndex()

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        key = self._key(index)
        if key is None:
            return QModelIndex()
        return self._index_of(self._parent.get(key))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self._rows.get(self._key(parent), ()))

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return bool(self._rows.get(self._key(parent)))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        key = self._key(index)
        if key is None:
            return None
        value = self._value(key)
        if role == ITEM_ROLE:
            return value
        if role == NODE_ROLE:
            return _node(key)
        if role == KEY_ROLE:
            return key[-1]
        if role == Qt.ItemDataRole.DisplayRole:
            if isinstance(value, (GroupSummary, ChannelView)):
                return value.name
            return _marker_text(value)
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            if isinstance(value, GroupSummary):
                return self._group_accessible(value)
            if isinstance(value, ChannelView):
                return self._channel_accessible(value)
            return _marker_text(value)
        return None

    def _group_accessible(self, g: GroupSummary) -> str:
        parts = [g.name]
        if g.unread:
            parts.append(self.tr("%Ln unread", "", g.unread))
        if g.muted:
            parts.append(QCoreApplication.translate("GroupList", "muted"))
        if g.status == "removed":
            parts.append(QCoreApplication.translate("GroupList", "you were removed"))
        if g.last_preview:
            parts.append(QCoreApplication.translate("GroupList", "last post {name}: {text}").format(
                name=g.last_sender, text=g.last_preview) if g.last_sender else
                QCoreApplication.translate("GroupList", "last post {text}").format(text=g.last_preview))
        return ", ".join(parts)

    def _channel_accessible(self, c: ChannelView) -> str:
        parts = [QCoreApplication.translate("Sidebar", "{name}, {kind} channel").format(
            name=c.name, kind=c.kind)]
        if c.unread:
            parts.append(self.tr("%Ln unread", "", c.unread))
        if c.mentions:
            parts.append(self.tr("%Ln mentioning you", "", c.mentions))
        if c.muted:
            parts.append(QCoreApplication.translate("GroupList", "muted"))
        if c.archived:
            parts.append(QCoreApplication.translate("Sidebar", "archived"))
        return ", ".join(parts)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if _node(self._keys[index.internalId()]) in ("channel", "new"):
            flags |= Qt.ItemFlag.ItemNeverHasChildren
        return flags

    def _value(self, key: Key) -> Any:
        for k, v in self._rows.get(self._parent.get(key), ()):
            if k == key:
                return v
        return None

    # -- groups ----------------------------------------------------------------------------
    def set_groups(self, groups: Sequence[GroupSummary], may_create: dict[str, bool]) -> None:
        """Show these groups (the app's order); `may_create`: group id → whether I may
        create channels there (the "New channel" row)."""
        self._may_create = dict(may_create)
        self._sync(None, [(("g", g.id), g) for g in groups])
        for g in groups:
            self._sync_group(g.id)
        for gone in set(self._channels) - {g.id for g in groups}:
            del self._channels[gone]

    def set_channels(self, group_id: str, channels: Sequence[ChannelView]) -> None:
        if ("g", group_id) not in self._parent:
            return
        self._channels[group_id] = list(channels)
        self._sync_group(group_id)

    def _sync_group(self, gid: str) -> None:
        channels = self._channels.get(gid, [])
        live = [c for c in channels if not c.archived]
        archived = [c for c in channels if c.archived]
        rows: list[tuple[Key, Any]] = [(("c", gid, c.id), c) for c in live]
        if self._may_create.get(gid) and channels:
            rows.append((("new", gid), Marker("new", gid)))
        if archived:
            rows.append((("arch", gid), Marker("archived", gid, len(archived))))
        self._sync(("g", gid), rows)
        if archived:
            self._sync(("arch", gid), [(("ac", gid, c.id), c) for c in archived])

    # -- access ----------------------------------------------------------------------------
    def items(self) -> list[GroupSummary]:
        """The groups, top to bottom."""
        return [v for _k, v in self._rows[None]]

    def item_at(self, row: int) -> GroupSummary | None:
        rows = self._rows[None]
        return rows[row][1] if 0 <= row < len(rows) else None

    def row_of(self, group_id: str) -> int:
        return next((r for r, (k, _v) in enumerate(self._rows[None]) if k[1] == group_id), -1)

    def group_index(self, group_id: str) -> QModelIndex:
        return self._index_of(("g", group_id))

    def channel_index(self, group_id: str, channel_id: str) -> QModelIndex:
        found = self._index_of(("c", group_id, channel_id))
        return found if found.isValid() else self._index_of(("ac", group_id, channel_id))

    def archived_index(self, group_id: str) -> QModelIndex:
        """The group's "Archived" row (invalid when none of its channels is archived)."""
        return self._index_of(("arch", group_id))

    def group_of(self, index: Index) -> GroupSummary | None:
        """The group a row belongs to (itself for a group row)."""
        key = self._key(index)
        if key is None:
            return None
        return self._value(("g", key[1]))

    def channels(self, group_id: str) -> list[ChannelView]:
        """The group's channels as last loaded (live and archived, the app's order)."""
        return list(self._channels.get(group_id, []))

    def loaded(self, group_id: str) -> bool:
        return group_id in self._channels

    # -- minimal change --------------------------------------------------------------------
    def _sync(self, parent: Key | None, wanted: list[tuple[Key, Any]]) -> None:
        rows = self._rows.setdefault(parent, [])
        pindex = self._index_of(parent)
        keep = {k for k, _v in wanted}
        for row in range(len(rows) - 1, -1, -1):
            key = rows[row][0]
            if key not in keep:
                self.beginRemoveRows(pindex, row, row)
                del rows[row]
                self._forget(key)
                self.endRemoveRows()
        for target, (key, value) in enumerate(wanted):
            current = next((r for r in range(target, len(rows)) if rows[r][0] == key), -1)
            if current < 0:
                self.beginInsertRows(pindex, target, target)
                rows.insert(target, (key, value))
                self._parent[key] = parent
                if _node(key) in ("group", "archived"):
                    self._rows.setdefault(key, [])
                self.endInsertRows()
                continue
            if current != target:
                self.beginMoveRows(pindex, current, current, pindex, target)
                rows.insert(target, rows.pop(current))
                self.endMoveRows()
            if rows[target][1] != value:
                rows[target] = (key, value)
                idx = self.createIndex(target, 0, self._id(key))
                self.dataChanged.emit(idx, idx)

    def _forget(self, key: Key) -> None:
        for child, _v in self._rows.pop(key, []):
            self._forget(child)
        self._parent.pop(key, None)


def _node(key: Key) -> str:
    return {"g": "group", "c": "channel", "ac": "channel", "new": "new",
            "arch": "archived"}.get(key[0], "")


def _marker_text(value: object) -> str:
    if isinstance(value, Marker) and value.node == "new":
        return QCoreApplication.translate("Sidebar", "New channel…")
    if isinstance(value, Marker):
        return QCoreApplication.translate("Sidebar", "Archived ({count})").format(count=value.count)
    return ""
