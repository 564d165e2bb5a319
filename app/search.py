"""Full-text search over every group's posts: `Services.search`."""
from __future__ import annotations

from app.access import Access
from app.posts import page_limit
from app.render import search_hit
from app.views import SearchHit


class SearchService:
    """Find posts by their words, in one group or all."""

    def __init__(self, access: Access) -> None:
        self._access = access

    def find(self, query: str, group: str | None = None, limit: int = 20) -> list[SearchHit]:
        """Best `limit` posts containing every word of `query` (as prefixes), best first."""
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id if group else None
        return [search_hit(r) for r in rt.store.search.find(query or "", gid, page_limit(limit))]
