"""Search results in ranked order; the snippet keeps the app's highlight markers."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.names import isolate
from app.views import HIGHLIGHT_END, HIGHLIGHT_START, SearchHit
from ui.models.keyed_list import KeyedListModel


def plain_snippet(snippet: str) -> str:
    return snippet.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_END, "")


class SearchResultModel(KeyedListModel[SearchHit]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(lambda h: f"{h.group_id}:{h.post_id}", parent)

    def set_hits(self, hits: Sequence[SearchHit]) -> None:
        seen: set[str] = set()
        unique = []
        for h in hits:
            key = f"{h.group_id}:{h.post_id}"
            if key not in seen:
                seen.add(key)
                unique.append(h)
        self.set_items(unique)

    def display(self, item: SearchHit) -> str:
        return plain_snippet(item.snippet)

    def accessible(self, item: SearchHit) -> str:
        return (f"{isolate(item.sender_name)} in {isolate(item.group_name)}: "
                f"{plain_snippet(item.snippet)}")
