"""Search results in ranked order; the snippet keeps the app's highlight markers."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication

from app.names import isolate
from app.views import HIGHLIGHT_END, HIGHLIGHT_START, SearchHit
from ui.models.keyed_list import KeyedListModel


def plain_snippet(snippet: str) -> str:
    return snippet.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")


def hit_key(h: SearchHit) -> str:
    """Posts and topics by post id, channels by channel id."""
    return f"{h.group_id}:{h.kind}:{h.post_id or h.channel_id}"


class SearchResultModel(KeyedListModel[SearchHit]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(hit_key, parent)

    def set_hits(self, hits: Sequence[SearchHit]) -> None:
        seen: set[str] = set()
        unique = []
        for h in hits:
            key = hit_key(h)
            if key not in seen:
                seen.add(key)
                unique.append(h)
        self.set_items(unique)

    def display(self, item: SearchHit) -> str:
        return plain_snippet(item.snippet)

    def accessible(self, item: SearchHit) -> str:
        if item.kind == "channel":
            text = QCoreApplication.translate("SearchModel", "Channel {snippet} in {group}")
        elif item.kind == "topic":
            text = QCoreApplication.translate("SearchModel", "Topic {snippet} by {name} in {group}")
        elif item.kind == "library":
            text = QCoreApplication.translate("SearchModel",
                                              "Library item {snippet} saved by {name} in {group}")
        else:
            text = QCoreApplication.translate("SearchModel", "{name} in {group}: {snippet}")
        return text.format(snippet=plain_snippet(item.snippet), name=isolate(item.sender_name),
                           group=isolate(item.group_name))
