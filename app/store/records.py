"""The values the store takes and returns: frozen dataclasses, safe to pass between threads.

Ids, keys and protocol state are `bytes` (the store never interprets a blob); times are
int unix seconds.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PostKind = Literal["post", "unsupported", "poll", "calendar"]
GENERAL = bytes(16)    # the General channel's id (crypto.GENERAL; the store imports no crypto)
RequestState = Literal["pending", "approved", "declined"]


@dataclass(frozen=True)
class Identity:
    blob: bytes
    display_name: str
    created: int


@dataclass(frozen=True)
class GroupRecord:
    id: bytes
    name: str
    relay_url: str
    my_role: str
    state: bytes
    created: int
    last_activity: int
    muted: bool = False
    unread: int = 0
    removed: bool = False


@dataclass(frozen=True)
class GroupSummaryRow:
    """A group as the group list shows it (no protocol state)."""

    id: bytes
    name: str
    relay_url: str
    my_role: str
    created: int
    last_activity: int
    muted: bool
    unread: int
    removed: bool
    member_count: int
    open_warnings: int
    last_text: str          # current text of the latest post; "" when none or deleted
    last_sender: str        # "" when there is no post yet
    last_time: int | None
    last_deleted: bool = False  # the latest post was deleted (its text is gone)
    last_sender_ik: bytes | None = None  # who sent the latest post (None when no post yet)
    last_not_approved: bool = False  # the latest post is one a moderator did not approve


@dataclass(frozen=True)
class Member:
    group_id: bytes
    ik: bytes
    fingerprint: str
    display_name: str
    role: str


@dataclass(frozen=True)
class ControlEntry:
    group_id: bytes
    seq: int
    entry_hash: bytes
    kind: str
    author_ik: bytes
    blob: bytes
    created: int


@dataclass(frozen=True)
class Epoch:
    group_id: bytes
    epoch: int
    mailbox: bytes
    blob: bytes
    started: int
    ended: int | None = None


@dataclass(frozen=True)
class NewPost:
    """A post to store; `kind="unsupported"` rows keep the payload in `raw` instead of text."""

    group_id: bytes
    msg_id: bytes
    sender_ik: bytes
    sender_name: str
    sent_time: int
    received_time: int
    seq: int
    kind: PostKind = "post"
    text: str | None = None
    reply_to: bytes | None = None
    raw: bytes | None = None
    mine: bool = False
    channel_id: bytes = GENERAL
    thread_root: bytes | None = None   # the root's message id when this is a thread reply
    title: str | None = None           # a forum topic's title
    tags: tuple[str, ...] = ()
    by_admin: bool = False             # the sender's role could announce when received
    evidence: bytes | None = None      # the signed message (crypto.reports), for reports


@dataclass(frozen=True)
class Reaction:
    reactor_ik: bytes
    emoji: str
    time: int


@dataclass(frozen=True, order=True)
class PageKey:
    """A keyset anchor: posts are ordered by (sent_time, seq, id) within a group, so one
    sender's posts of the same second keep their written order."""

    sent_time: int
    seq: int
    id: int


@dataclass(frozen=True)
class Post:
    id: int
    group_id: bytes
    msg_id: bytes
    sender_ik: bytes
    sender_name: str
    sent_time: int
    received_time: int
    seq: int
    kind: PostKind
    text: str                  # current text: the edit if edited, "" when deleted
    original_text: str | None  # as first posted; None once deleted or for unsupported
    reply_to: bytes | None
    edited: bool
    edited_time: int | None
    deleted: bool
    deleted_by: bytes | None
    deleted_time: int | None
    raw: bytes | None
    mine: bool
    sending: bool              # an outbox row for this message still waits for the relay
    reactions: tuple[Reaction, ...] = ()
    channel_id: bytes = GENERAL
    thread_root: bytes | None = None
    title: str | None = None
    tags: tuple[str, ...] = ()
    by_admin: bool = False

    @property
    def key(self) -> PageKey:
        return PageKey(self.sent_time, self.seq, self.id)


@dataclass(frozen=True)
class PostPage:
    """A window of one group's timeline, oldest first."""

    posts: tuple[Post, ...]
    more_before: bool
    more_after: bool


@dataclass(frozen=True)
class SearchResult:
    post_id: int
    group_id: bytes
    group_name: str
    msg_id: bytes
    sender_name: str
    sent_time: int
    snippet: str               # matches between "\x02" and "\x03"; no other control chars
    rank: float                # bm25: lower is better
    channel_id: bytes = GENERAL
    thread_root: bytes | None = None
    kind: str = "post"         # post | library (msg_id is the saved post, sender the saver)
    sender_ik: bytes | None = None  # the sender (the saver for library items)


@dataclass(frozen=True)
class StoredWarning:
    id: int
    group_id: bytes
    kind: str                  # gap | fork | replay | unsupported | other
    text: str
    time: int
    sender_ik: bytes | None
    dismissed: bool


@dataclass(frozen=True)
class NewOutbox:
    relay_url: str
    mailbox: bytes
    capability: bytes
    envelope: bytes
    created: int
    group_id: bytes | None = None
    msg_id: bytes | None = None


@dataclass(frozen=True)
class OutboxItem:
    id: int
    group_id: bytes | None
    relay_url: str
    mailbox: bytes
    capability: bytes
    envelope: bytes
    msg_id: bytes | None
    attempts: int
    created: int
    last_attempt: int | None


@dataclass(frozen=True)
class Invite:
    id: bytes
    group_id: bytes
    link: str
    secret: bytes
    uses_total: int
    uses_remaining: int
    created: int
    expires: int
    revoked: bool = False


@dataclass(frozen=True)
class JoinRequest:
    id: bytes
    group_id: bytes
    invite_id: bytes
    joiner_name: str
    fingerprint: str
    joiner_ik: bytes
    raw: bytes
    state: RequestState
    received: int
    decided: int | None = None


@dataclass(frozen=True)
class MyJoin:
    """One of my own joins (joiner side), from using a link until the Welcome arrives."""

    id: bytes
    relay_url: str
    group_name: str
    state: str
    message: str
    group_id: bytes | None
    blob: bytes
    created: int
    updated: int


@dataclass(frozen=True)
class Channel:
    """One channel of a group: its admin-signed definition and this member's state of it."""

    group_id: bytes
    id: bytes
    kind: str                  # chat | forum | announcements
    name: str
    topic: str
    position: int
    archived: bool
    tags: tuple[str, ...]
    def_time: int
    def_msg: bytes
    muted: bool
    last_read: int             # posts.id of the newest post read
    unread: int
    mentions: int


@dataclass(frozen=True)
class ThreadSummary:
    """What a thread's root shows: replies, the last replier and when, my state of it."""

    root: bytes
    replies: int
    last_sender_ik: bytes | None
    last_sender_name: str
    last_time: int | None
    unread: int
    following: bool


@dataclass(frozen=True)
class PinRecord:
    group_id: bytes
    channel_id: bytes
    target: bytes
    by_ik: bytes
    time: int
