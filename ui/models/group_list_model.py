"""The group list: one row per GroupSummary, in the order the app gives (latest activity)."""
from __future__ import annotations

from typing import Any

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
            parts.append(f"{item.unread} unread")
        if item.muted:
            parts.append("muted")
        if item.status == "removed":
            parts.append("you were removed")
        if item.last_preview:
            who = f"{item.last_sender}: " if item.last_sender else ""
            parts.append(f"last post {who}{item.last_preview}")
        return ", ".join(parts)
