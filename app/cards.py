"""Poll and event cards on timeline rows: the results or answers a row of kind "poll" or
"calendar" shows, attached to its PostView by the post pages (app/posts.py)."""
from __future__ import annotations

import dataclasses

from app.runtime import Runtime
from app.views import PostView


def attach(rt: Runtime, gid: bytes, views: list[PostView]) -> list[PostView]:
    """The views with `card` set on poll and event rows (others unchanged)."""
    if not any(v.kind in ("poll", "calendar") for v in views):
        return views
    # Loaded with the first page that holds a card, not with every read of posts.
    from app.events_cal import event_view
    from app.polls import poll_view

    name = ""
    out = []
    for v in views:
        card = None
        if v.kind == "poll" and not v.deleted:
            poll = rt.store.polls.get_poll(gid, bytes.fromhex(v.id))
            card = poll_view(rt, gid, poll) if poll is not None else None
        elif v.kind == "calendar" and not v.deleted:
            event = rt.store.events.get_event(gid, bytes.fromhex(v.id))
            if event is not None:
                name = name or rt.resolve_group(gid.hex()).name
                card = event_view(rt, name, event)
        out.append(dataclasses.replace(v, card=card) if card is not None else v)
    return out
