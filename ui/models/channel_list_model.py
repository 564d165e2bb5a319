"""The open group's channels: one row per ChannelView, General first (the app's order)."""
from __future__ import annotations

from typing import Any

from app.views import ChannelView
from ui.models.keyed_list import KeyedListModel

KIND_MARK = {"chat": "#", "forum": "☰", "announcements": "»"}


class ChannelListModel(KeyedListModel[ChannelView]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(lambda c: c.id, parent)

    def display(self, item: ChannelView) -> str:
        return item.name

    def accessible(self, item: ChannelView) -> str:
        parts = [f"{item.name}, {item.kind} channel"]
        if item.unread:
            parts.append(f"{item.unread} unread")
        if item.mentions:
            parts.append(f"{item.mentions} mentioning you")
        if item.muted:
            parts.append("muted")
        if item.archived:
            parts.append("archived")
        return ", ".join(parts)
