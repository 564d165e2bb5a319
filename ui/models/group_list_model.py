"""The group list: one row per GroupSummary, in the order the app gives (latest activity)."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from app.views import GroupSummary
from ui.models.keyed_list import KeyedListModel


class GroupListModel(KeyedListModel[GroupSummary]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(lambda g: g.id, parent)

    def display(self, item: GroupSummary) -> str:
        return item.name

    def accessible(self, item: GroupSummary) -> str:
        parts = [item.name]
        if item.unread:
            unread = item.unread
            parts.append(self.tr("%Ln unread", "", unread))
        if item.muted:
            parts.append(QCoreApplication.translate("GroupList", "muted"))
        if item.status == "removed":
            parts.append(QCoreApplication.translate("GroupList", "you were removed"))
        if item.last_preview:
            parts.append(QCoreApplication.translate("GroupList", "last post {name}: {text}").format(
                name=item.last_sender, text=item.last_preview) if item.last_sender else
                QCoreApplication.translate("GroupList", "last post {text}").format(text=item.last_preview))
        return ", ".join(parts)
