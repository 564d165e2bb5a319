"""Finding a channel by what a member typed, and showing one: shared by posts and channels.

CHANNEL arguments accept the channel's id (32 hex digits) or its unique name (any case);
"General" always names the General channel. None means General.
"""
from __future__ import annotations

from app.errors import Ambiguous, NotFound
from app.i18n import _
from app.names import clean_name, shown_name
from app.render import hexid
from app.store import GENERAL, Channel, Store
from app.views import ChannelView


def resolve_channel(store: Store, group_id: bytes, ref: str | None) -> Channel:
    """The group's defined channel named by `ref` (archived ones too); General for None."""
    if ref is None:
        found = store.channels.get_channel(group_id, GENERAL)
        assert found is not None, "every group has General"
        return found
    text = ref.strip()
    if len(text) == 32:
        try:
            by_id = store.channels.get_channel(group_id, bytes.fromhex(text))
        except ValueError:
            by_id = None
        if by_id is not None:
            return by_id
    named = [c for c in store.channels.list_channels(group_id)
             if shown_name(c.name, "").casefold() == text.casefold()]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise Ambiguous(_("Several channels are called '{ref}'; give the channel's id.").format(ref=ref))
    raise NotFound(_("There is no channel '{ref}' in this group.").format(ref=ref))


def channel_view(c: Channel) -> ChannelView:
    """A channel as shown: its name and tags cleaned of invisible and reordering
    characters (an admin's text is hostile input like any member's)."""
    return ChannelView(id=hexid(c.id), group_id=hexid(c.group_id),
                       name=shown_name(c.name, _("Unnamed channel")),
                       kind=c.kind,  # type: ignore[arg-type]
                       topic=clean_name(c.topic),
                       position=c.position, archived=c.archived,
                       tags=tuple(clean_name(t) or "?" for t in c.tags),
                       unread=c.unread, mentions=c.mentions, muted=c.muted,
                       last_read=c.last_read)
