"""Every content type a sync delivers, mapped to what opening it does: look openers up here.

Each capability's inbound module holds its handlers and exports OPENERS (content class ->
opener, app/inbound_work.Opener); an opener adds to the batch's GroupWork and queues its
changes with the function the store thread applies them with. A new capability is a module
like those plus one `register` line below. A module may also name UNSCREENED classes: those
are opened before the order, gap and moderation checks every member's message passes.

A module may also define `finish` (app/inbound_work.Finish), run for every group of a
batch once its posts and changes are stored, in the order of the lines below: that order is
the order of what they seal (tallies before profiles before moderation settings).

A content type nobody registered is queued and stores nothing (app/inbound_work.queue).
"""
from __future__ import annotations

from types import ModuleType

from app import (
    devices_inbound,
    files_inbound,
    moderation_inbound,
    polls_inbound,
    posts_inbound,
    profiles_inbound,
    reports_inbound,
    spaces_inbound,
)
from app.inbound_work import Finish, Opener, queue


class _Openers(dict[type, tuple[Opener, bool]]):
    """content class -> (opener, screened); a subclass resolves to its registered base
    once, then it is a plain dict lookup per received message."""

    def __missing__(self, cls: type) -> tuple[Opener, bool]:
        found = next((dict.__getitem__(self, base) for base in cls.__mro__[1:]
                      if dict.__contains__(self, base)), (queue, True))
        self[cls] = found
        return found


OPENERS = _Openers()
FINISHERS: list[Finish] = []


def register(capability: ModuleType) -> None:
    unscreened = getattr(capability, "UNSCREENED", ())
    for cls, opener in capability.OPENERS.items():
        OPENERS[cls] = (opener, cls not in unscreened)
    finish = getattr(capability, "finish", None)
    if finish is not None:
        FINISHERS.append(finish)


register(posts_inbound)        # posts, reactions, edits, deletes (kinds 1-5)
register(spaces_inbound)       # channel definitions and pins (6-7)
register(polls_inbound)        # polls and events (16-23)
register(files_inbound)        # files and library (24-31)
register(profiles_inbound)     # profiles and badges (43-44)
register(moderation_inbound)   # moderation actions (32-38)
register(reports_inbound)      # reports, rules and approvals (39-42)
register(devices_inbound)      # read positions and groups handed by my devices (48-51)
