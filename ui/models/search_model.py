"""Search results in ranked order; the snippet keeps the app's highlight markers."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
            return f"Channel {plain_snippet(item.snippet)} in {isolate(item.group_name)}"
        if item.kind == "topic":
            return (f"Topic {plain_snippet(item.snippet)} by {isolate(item.sender_name)} in "
                    f"{isolate(item.group_name)}")
        if item.kind == "library":
            return (f"Library item {plain_snippet(item.snippet)} saved by "
                    f"{isolate(item.sender_name)} in {isolate(item.group_name)}")
        return (f"{isolate(item.sender_name)} in {isolate(item.group_name)}: "
                f"{plain_snippet(item.snippet)}")
