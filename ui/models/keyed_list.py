"""A list model of frozen view values keyed by id, updated with minimal change signals.

Replacing the list emits removes, moves, inserts and dataChanged for what actually
changed, so views keep their selection and scroll position when a refresh arrives.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

T = TypeVar("T")
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1   # the view value itself (a frozen dataclass)
KEY_ROLE = Qt.ItemDataRole.UserRole + 2    # its id

Index = QModelIndex | QPersistentModelIndex


class KeyedListModel(QAbstractListModel, Generic[T]):
    """Subclasses give `key` (id of an item) and implement `display`/`accessible`."""

    def __init__(self, key: Callable[[T], str], parent: Any = None) -> None:
        super().__init__(parent)
        self._key = key
        self._items: list[T] = []

    # -- Qt interface ----------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == ITEM_ROLE:
            return item
        if role == KEY_ROLE:
            return self._key(item)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(item)
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            return self.accessible(item)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    # -- for subclasses ----------------------------------------------------------------------
    def display(self, item: T) -> str:
        return str(self._key(item))

    def accessible(self, item: T) -> str:
        return self.display(item)

    # -- access ------------------------------------------------------------------------------
    def items(self) -> list[T]:
        return list(self._items)

    def item_at(self, row: int) -> T | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def row_of(self, key: str) -> int:
        for row, item in enumerate(self._items):
            if self._key(item) == key:
                return row
        return -1

    def set_items(self, new_items: Sequence[T]) -> None:
        """Make the model show `new_items` (unique keys) with the fewest change signals."""
        new_keys = [self._key(i) for i in new_items]
        wanted = set(new_keys)
        # 1. removals, from the bottom so rows stay valid
        for row in range(len(self._items) - 1, -1, -1):
            if self._key(self._items[row]) not in wanted:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._items[row]
                self.endRemoveRows()
        # 2. walk the wanted order: move or insert into place, then update content
        for target, (key, item) in enumerate(zip(new_keys, new_items, strict=True)):
            current = self._find_from(key, target)
            if current < 0:
                self.beginInsertRows(QModelIndex(), target, target)
                self._items.insert(target, item)
                self.endInsertRows()
                continue
            if current != target:
                self.beginMoveRows(QModelIndex(), current, current, QModelIndex(), target)
                self._items.insert(target, self._items.pop(current))
                self.endMoveRows()
            if self._items[target] != item:
                self._items[target] = item
                idx = self.index(target, 0)
                self.dataChanged.emit(idx, idx)

    def _find_from(self, key: str, start: int) -> int:
        for row in range(start, len(self._items)):
            if self._key(self._items[row]) == key:
                return row
        return -1
