"""The encrypted local store: one SQLCipher database per profile (the only sqlcipher3 user).

`Store.open(profile_dir, key)` opens `<profile_dir>/store.db` with a raw 32-byte key (from
app.keys) and migrates it forward. One thread owns the connection: call the methods
directly to wait for them (CLI, worker threads), or `store.submit(fn, ...)` (fn receives the
store) for a Future (UI).

The tables are grouped by capability, each part its own module and attribute:
`store.identity`, `store.groups` (with members, control log, epochs, warnings),
`store.posts`, `store.search`, `store.invites` (with join requests and my joins),
`store.settings`, `store.outbox` (with read cursors), `store.channels` (channels,
threads and pins) `store.files` (files, uploads, blob cache, library) and
`store.moderation` (the moderation log), `store.profiles` (per-group profiles and
badges) and `store.reports` (reports, rules, posts held for approval).
"""
from __future__ import annotations

from pathlib import Path

import sqlcipher3

from app.store.calendar import EventChange, EventRecord, EventTables
from app.store.channels import ChannelTables, order_key
from app.store.core import DB_NAME, StoreCore
from app.store.db import KEY_BYTES, latest_version
from app.store.errors import NotStored, StoreClosed, StoreError, StoreKeyError, StoreTooNew
from app.store.files import FileTables
from app.store.groups import GroupTables
from app.store.identity import IdentityTable
from app.store.invites import InviteTables
from app.store.moderation import ModerationTables
from app.store.outbox import Outbox
from app.store.owner import OwnerThread
from app.store.polls import PollRecord, PollTables, StoredTally
from app.store.posts import PostTables
from app.store.profiles import BadgeEntry, ProfileRecord, ProfileTables
from app.store.records import (
    GENERAL,
    Channel,
    ControlEntry,
    Epoch,
    GroupRecord,
    GroupSummaryRow,
    Identity,
    Invite,
    JoinRequest,
    Member,
    MyJoin,
    NewOutbox,
    NewPost,
    OutboxItem,
    PageKey,
    PinRecord,
    Post,
    PostPage,
    Reaction,
    SearchResult,
    StoredWarning,
    ThreadSummary,
)
from app.store.reports import ReportTables
from app.store.search import HIGHLIGHT_END, HIGHLIGHT_START, SearchIndex, fts_query
from app.store.settings import SettingsTable
from app.store.snapshot import Snapshots


class Store(StoreCore):
    """One profile's encrypted database; see the module docstring for threading."""

    def __init__(self, owner: OwnerThread, conn: sqlcipher3.Connection, path: Path) -> None:
        super().__init__(owner, conn, path)
        # One part per capability; a new capability (channels, files, ...) adds its
        # module under app/store/ and one line here.
        self.identity = IdentityTable(self)
        self.groups = GroupTables(self)
        self.posts = PostTables(self)
        self.search = SearchIndex(self)
        self.invites = InviteTables(self)
        self.settings = SettingsTable(self)
        self.outbox = Outbox(self)
        self.channels = ChannelTables(self)
        self.snapshot = Snapshots(self)
        self.files = FileTables(self)
        self.polls = PollTables(self)
        self.events = EventTables(self)
        self.moderation = ModerationTables(self)
        self.profiles = ProfileTables(self)
        self.reports = ReportTables(self)


__all__ = [
    "GENERAL", "Channel", "PinRecord", "ThreadSummary", "order_key",
    "DB_NAME", "HIGHLIGHT_END", "HIGHLIGHT_START", "KEY_BYTES", "ControlEntry", "Epoch",
    "EventChange", "EventRecord", "GroupRecord", "GroupSummaryRow", "Identity", "Invite",
    "JoinRequest", "Member", "MyJoin", "NewOutbox", "NewPost", "NotStored", "OutboxItem",
    "PageKey", "PollRecord", "Post", "PostPage", "StoredTally", "Reaction", "SearchResult",
    "Store", "StoreClosed", "StoreError", "StoreKeyError",
    "StoreTooNew", "StoredWarning", "fts_query", "latest_version", "BadgeEntry",
    "ProfileRecord",
]
