"""The values the app shows: plain frozen dataclasses the UI and the CLI render.

Nothing here holds a key, a session or a database handle; every value is a snapshot that
is safe to hand to another thread. Ids are strings (lower-case hex) so they can be shown,
copied and passed back to `app.api.Services` unchanged. Times are unix seconds (int).
"""
from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

# Search snippets mark the matched words with these two characters; user text never
# contains them because the store strips control characters from snippets.
HIGHLIGHT_START = "\x02"
HIGHLIGHT_END = "\x03"

Role = Literal["owner", "admin", "moderator", "member", "observer"]
PostKind = Literal["post", "unsupported", "warning", "event", "poll", "calendar"]
# event: a membership note; poll and calendar: a poll or a calendar event (their own services)
Theme = Literal["system", "light", "dark"]
GroupStatus = Literal["active", "removed", "left"]
JoinStatus = Literal["waiting", "joined", "declined", "failed"]
RequestStatus = Literal["pending", "approved", "declined"]
InviteStatus = Literal["active", "expired", "used up", "revoked"]


class ProfileState(enum.Enum):
    """Where a profile directory stands before any group can be shown."""

    NEW = "new"            # nothing there yet: call Services.init_profile
    LOCKED = "locked"      # a store exists; call unlock / unlock_with_recovery
    UNLOCKED = "unlocked"  # ready


class ConnectionState(enum.Enum):
    ONLINE = "online"      # the push connection to every relay in use is up and caught up
    SYNCING = "syncing"    # connected, backlog still being fetched or the outbox draining
    OFFLINE = "offline"    # at least one relay is unreachable; posts wait in the outbox


class ChangeKind(enum.Enum):
    """What a change event says has changed; listeners re-read what they show."""

    POSTS = "posts"              # posts stored, edited, deleted, reacted to (group_id, post_ids)
    GROUPS = "groups"            # group list: created, renamed, muted, unread counts, joined
    MEMBERS = "members"          # membership or roles of group_id changed
    INVITES = "invites"          # invites of group_id created, used or revoked
    REQUESTS = "requests"        # join requests waiting for approval in group_id changed
    JOINS = "joins"              # one of my own pending joins changed state
    REMOVED = "removed"          # I was removed from group_id; it stays readable, read-only
    CONNECTION = "connection"    # connection state or waiting count changed
    PROFILE = "profile"          # settings or my own name changed
    CHANNELS = "channels"        # channels of group_id defined, renamed, archived, muted, read


@dataclass(frozen=True)
class ChangeEvent:
    kind: ChangeKind
    group_id: str | None = None
    post_ids: tuple[str, ...] = ()
    incoming: bool = False       # True when the posts came from someone else (notify)


@dataclass(frozen=True)
class UnlockInfo:
    """How a locked profile can be opened."""

    keyring: bool                # the key sits in a real OS keyring: unlock() needs nothing
    passphrase: bool             # a passphrase wrap exists
    recovery: bool               # a recovery-code wrap exists


@dataclass(frozen=True)
class ProfileView:
    name: str
    fingerprint: str             # my identity fingerprint, grouped hex
    protection: Literal["keyring", "passphrase"]


@dataclass(frozen=True)
class Settings:
    display_name: str
    default_relay: str           # "" when none configured
    theme: Theme = "system"


@dataclass(frozen=True)
class GroupSummary:
    id: str
    name: str
    relay: str
    my_role: Role
    member_count: int
    unread: int
    last_preview: str            # first line of the latest post, "" when none;
                                 # "This post was deleted" when it was
    last_sender: str             # display name of its sender, "" when none
    last_activity: int           # unix seconds of the latest post or membership change
    muted: bool
    status: GroupStatus = "active"
    warnings: int = 0            # open integrity warnings (gaps, forks) in this group


@dataclass(frozen=True)
class Quote:
    """What a reply shows of the post it answers."""

    post_id: str
    sender_name: str
    excerpt: str                 # "" when the quoted post is deleted or not stored
    deleted: bool = False
    missing: bool = False        # the quoted post is not (yet) in this store


def _empty_reactions() -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({})


GENERAL_ID = "0" * 32   # the General channel's id in hex (16 zero bytes)
ChannelKind = Literal["chat", "forum", "announcements"]


@dataclass(frozen=True)
class ThreadInfo:
    """What a thread's root shows of its thread."""

    replies: int
    last_replier: str            # display name, "" when there is no reply yet
    last_at: int | None
    unread: int                  # replies from others I have not read
    following: bool              # replies notify me


@dataclass(frozen=True)
class AttachmentView:
    """One file of an attachment post, as the timeline shows it (name already made safe;
    `thumbnail` is the small preview the post carries, b"" when none)."""

    index: int
    name: str
    size: int
    media_type: str
    width: int = 0
    height: int = 0
    thumbnail: bytes = b""
    executable: bool = False

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")


@dataclass(frozen=True)
class PostView:
    id: str
    group_id: str
    sender_name: str
    sender_fingerprint: str
    sent_at: int
    text: str                    # current text (after edits); "" when deleted
    kind: PostKind = "post"
    reply_to: Quote | None = None
    reactions: Mapping[str, tuple[str, ...]] = field(default_factory=_empty_reactions)
    my_reactions: frozenset[str] = frozenset()
    edited: bool = False
    deleted: bool = False
    deleted_by: str | None = None  # display name of who deleted it (the sender or an admin)
    mine: bool = False
    sending: bool = False        # still in the outbox, not yet acknowledged by the relay
    warnings: tuple[str, ...] = ()  # one sentence each, e.g. "2 posts from Ana are missing"
    code: str = ""               # event rows: genesis, add, remove, promote, rename;
                                 # warning rows: gap, fork, replay, reorder, rejected,
                                 # unsupported, removed, tail_drop, stale_epoch, not_allowed
    channel_id: str = GENERAL_ID
    thread_root: str | None = None   # a reply in a thread: jump into that thread
    thread_root: str | None = None   # the thread's root when this is a reply in a thread
    title: str = ""              # a forum topic's title
    tags: tuple[str, ...] = ()
    thread: ThreadInfo | None = None  # on a root: its thread, when it has replies or is followed
    rejected: str = ""           # the rule it breaks (shown instead of the text), "" if none
    pinned: bool = False
    attachments: tuple[AttachmentView, ...] = ()   # files of an attachment post
    card: Any = None             # poll rows: app.polls_views.PollView; calendar: EventView
    uploading: bool = False      # my attachment post still uploading from this window: not
                                 # sent yet, so nothing can be done to it but cancel
    approval: str = ""           # my own post under first-post approval: "waiting" (the
                                 # others do not see it yet) or "rejected" (a moderator did
                                 # not approve it; the others never saw it)


@dataclass(frozen=True)
class Page:
    """A window of one group's timeline, oldest first."""

    posts: tuple[PostView, ...]
    more_before: bool
    more_after: bool


@dataclass(frozen=True)
class ChannelView:
    id: str                      # 32 hex digits; General is GENERAL_ID
    group_id: str
    name: str
    kind: ChannelKind
    topic: str
    position: int
    archived: bool
    tags: tuple[str, ...]        # the labels forum topics may carry
    unread: int
    mentions: int                # unread posts that mention me (@my name)
    muted: bool
    last_read: int               # position of the newest post read (a store row number)


@dataclass(frozen=True)
class MemberView:
    fingerprint: str
    name: str
    role: Role
    safety_number: str           # digits in groups of five, shared by me and this member
    safety_qr: str               # payload to render as a QR code for in-person comparison
    is_me: bool
    verified: bool = False       # their safety code was compared and matched on this device


@dataclass(frozen=True)
class InviteView:
    id: str
    group_id: str
    link: str                    # coterie://join#... ; the secret stays on this machine
    uses_left: int
    uses_total: int
    expires_at: int
    revoked: bool
    created_at: int
    status: InviteStatus = "active"
    role: str = "member"          # the role its joiners start with: member or observer


@dataclass(frozen=True)
class JoinRequestView:
    id: str
    group_id: str
    name: str
    fingerprint: str
    invite_id: str
    received_at: int
    status: RequestStatus = "pending"


@dataclass(frozen=True)
class JoinView:
    """One of my own joins, from the moment the link is used until the Welcome arrives."""

    id: str
    group_name: str              # as the invite bundle names it; "" until the bundle is read
    relay: str
    status: JoinStatus
    message: str                 # e.g. "Waiting for an admin to come online."
    group_id: str | None = None  # set once joined


@dataclass(frozen=True)
class SearchHit:
    group_id: str
    group_name: str
    post_id: str
    snippet: str                 # matches wrapped in HIGHLIGHT_START / HIGHLIGHT_END
    sent_at: int
    sender_name: str
    kind: str = "post"           # post | channel (post_id "", channel_id set) | topic (a title)
                                 # | library (an item saved from post_id: title, tags, …)
    channel_id: str = GENERAL_ID
    thread_root: str | None = None   # a reply in a thread: jump into that thread


@dataclass(frozen=True)
class ConnectionStatus:
    state: ConnectionState
    waiting: int                 # posts typed but not yet acknowledged by a relay
    detail: str = ""             # one sentence for a tooltip, e.g. "relay.example: unreachable"


@dataclass(frozen=True)
class SyncReport:
    """What one `Services.sync_once` did (the CLI's `sync` prints it)."""

    sent: int
    received: int
    new_posts: int
    joined: tuple[str, ...] = ()     # group ids whose Welcome arrived
    admitted: int = 0                # join requests I admitted automatically
    waiting_requests: int = 0        # requests waiting for my approval
    warnings: tuple[str, ...] = ()
    offline: tuple[str, ...] = ()    # relays that could not be reached


@dataclass(frozen=True)
class InviteRelay:
    """The relay an invite link names, judged before anything is contacted."""

    relay_url: str
    host: str                    # host and port to show the person
    local: str | None            # "this computer", "your local network", ... or None
    configured: bool             # it is this profile's default relay
    warn: bool                   # local and not the configured relay: ask before contacting
