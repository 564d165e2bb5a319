"""What one inbound batch collects per group while it is opened, and the handler shapes.

app/inbound.py opens envelopes and fills one GroupWork per group; each capability's
handlers (registered in app/inbound_kinds.py) add to it: posts to insert, changes to apply
on the store thread, warnings, replies. This module imports none of them, so every handler
module can import it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import crypto
from app import moderation_log as moderation
from app.runtime import Runtime
from app.store import ControlEntry, NewPost, Store
from crypto.devices import HandedGroup

# What the store thread does with one queued change: (rt, store, gid, work, sender, event).
Apply = Callable[[Runtime, Store, bytes, "GroupWork", bytes, Any], None]
# What a capability does once a group's posts and changes of the batch are stored (in the
# final transaction, under rt.lock): (rt, store, gid, work).
Finish = Callable[[Runtime, Store, bytes, "GroupWork"], None]
# What opening one content type does: (rt, work, gid, event, sender name, now). The name is
# "" for a handler that runs before the checks every member's message passes.
Opener = Callable[[Runtime, "GroupWork", bytes, crypto.ContentReceived, str, int], None]


@dataclass(frozen=True)
class Route:
    kind: str                 # "group" or "join"
    key: bytes                # group id or join id
    relay: str


@dataclass
class BatchOutcome:
    new_posts: int = 0
    joined: list[bytes] = field(default_factory=list)
    admitted: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class Gap:
    """Messages a gap warning said were missing, and that warning (queued, then stored)."""

    seqs: set[int]
    entry: tuple[str, str, bytes | None]
    warning_id: int | None = None


@dataclass
class GroupWork:
    session: crypto.GroupSession
    posts: list[NewPost] = field(default_factory=list)
    # (sender, event, how the store applies it), in arrival order
    changes: list[tuple[bytes, Any, Apply]] = field(default_factory=list)
    warnings: list[tuple[str, str, bytes | None]] = field(default_factory=list)
    outgoing: list[crypto.Outgoing] = field(default_factory=list)
    members_changed: bool = False
    renamed: str | None = None
    removed: bool = False
    requests: bool = False
    epoch_changed: bool = False
    rejected: int = 0
    # (sender, reason) -> how many of their messages every client refuses by the rules
    refused: dict[tuple[bytes, str], int] = field(default_factory=dict)
    # admins whose pin found its channel full (appended on the store thread, read after)
    pins_full: list[bytes] = field(default_factory=list)
    mod: moderation.ModState | None = None   # the group's moderation log, loaded when needed
    mod_refused: list[tuple[bytes, bytes, str, int]] = field(default_factory=list)
    joined: dict[bytes, int] | None = None   # members' join times, for newcomer safeguards
    added: str = ""      # members were added: "me" (I admitted them) or "other"
    reordered: set[bytes] = field(default_factory=set)
    fresh: list[bytes] = field(default_factory=list)   # ids of posts stored for the first time
    released: list[bytes] = field(default_factory=list)  # held posts stored (store thread)
    join_rules: str = ""      # the rules I accepted to join this group (joined in this batch)
    changed: bool = False                              # edits, deletes or reactions applied
    targets: list[bytes] = field(default_factory=list)  # the posts those changes altered
    notes: list[ControlEntry] = field(default_factory=list)  # membership changes to show
    mod_lines: bool = False   # moderation actions applied: new lines between the posts
    # posts to check against the channel rules once stored: (msg id, post, sender name)
    checks: list[tuple[bytes, crypto.Post, str, bool]] = field(default_factory=list)
    channels_changed: bool = False
    gap: Any = None      # (warning, entry): a gap seen in the envelope being opened
    announced: list[Gap] = field(default_factory=list)  # gaps first warned of in this batch
    filled: list[Gap] = field(default_factory=list)     # gaps whose last message arrived
    rekey: bool = False    # a device was revoked: the rotating admin starts a new key period
    handed: list[HandedGroup] = field(default_factory=list)   # groups handed to this device
    active: dict[bytes, int] = field(default_factory=dict)  # my devices' last signed times

    def note_changes(self) -> None:
        """Remember which posts the queued changes alter: their rows are what changed.

        A wrapper that names its target itself says so (polls_inbound.Received); otherwise
        it is the content's."""
        self.changed = self.changed or bool(self.changes)
        for _sender, ev, _apply in self.changes:
            target = getattr(ev, "target", _CONTENT)
            if target is _CONTENT:
                target = getattr(ev.content, "target", None)
            if isinstance(target, bytes):
                self.targets.append(target)


_CONTENT = object()


def apply_nothing(rt: Runtime, store: Store, gid: bytes, gw: GroupWork, sender: bytes,
                  ev: Any) -> None:
    """A change the store keeps nothing of (its row still counts as changed)."""


def queued(apply: Apply) -> Opener:
    """The opener of a content type that only changes the store: queue it for `apply`."""
    def opener(rt: Runtime, gw: GroupWork, gid: bytes, ev: crypto.ContentReceived, name: str,
               now: int) -> None:
        gw.changes.append((ev.sender_ik, ev, apply))
    return opener


# the opener of a content type no capability registered: queued, stores nothing
queue = queued(apply_nothing)
