"""Full-text search over every group's posts: `Services.search`."""
from __future__ import annotations

import crypto
from app.access import Access
from app.posts import page_limit
from app.render import hexid, search_hit, sender_names, shown_name
from app.store import HIGHLIGHT_END, HIGHLIGHT_START
from app.views import SearchHit


class SearchService:
    """Find posts by their words, in one group or all."""

    def __init__(self, access: Access) -> None:
        self._access = access

    def find(self, query: str, group: str | None = None, limit: int = 20) -> list[SearchHit]:
        """Best `limit` library items and posts containing every word of `query` (as
        prefixes): library items first (kind "library": title, description, tags or link
        matched; post_id is the saved post), then posts (file names and captions are an
        attachment post's text), each best first."""
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id if group else None
        limit = page_limit(limit)
        found = (rt.store.search.find_library(query or "", gid, limit)
                 + rt.store.search.find(query or "", gid, limit))
        found = found[:limit]
        name = sender_names(rt.store, rt.me, [r.group_id for r in found if r.sender_ik],
                            crypto.fingerprint)
        return [search_hit(r, name(r.group_id, r.sender_ik, r.sender_name)
                           if r.sender_ik else None) for r in found]

    def find_spaces(self, query: str, group: str | None = None,
                    limit: int = 20) -> list[SearchHit]:
        """Channels (name or topic, archived ones too) and forum topic titles containing
        `query` (any case): kind "channel" hits name a channel, "topic" hits a post."""
        rt = self._access.runtime()
        words = " ".join((query or "").split())
        if not words:
            return []
        gid = rt.resolve_group(group).id if group else None
        limit = page_limit(limit)
        names = {g.id: g.name for g in rt.store.groups.list_groups()}
        hits = [SearchHit(group_id=hexid(c.group_id), group_name=shown_name(names.get(c.group_id, "")),
                          post_id="", snippet=_mark(shown_name(c.name), words), sent_at=c.def_time,
                          sender_name="", kind="channel", channel_id=hexid(c.id))
                for c in rt.store.channels.find_channels(words, gid, limit)]
        for g, cid, mid, title, sender, sent in rt.store.channels.find_titles(words, gid, limit):
            hits.append(SearchHit(group_id=hexid(g), group_name=shown_name(names.get(g, "")),
                                  post_id=hexid(mid), snippet=_mark(shown_name(title), words), sent_at=sent,
                                  sender_name=shown_name(sender), kind="topic",
                                  channel_id=hexid(cid)))
        return hits[:limit]


def _mark(text: str, words: str) -> str:
    """The text with its first match of `words` highlighted like a post snippet."""
    at = text.casefold().find(words.casefold())
    if at < 0 or len(text.casefold()) != len(text):
        return text
    end = at + len(words)
    return f"{text[:at]}{HIGHLIGHT_START}{text[at:end]}{HIGHLIGHT_END}{text[end:]}"
