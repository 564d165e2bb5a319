"""The encrypted local store: one SQLCipher database per profile (the only sqlcipher3 user).

`Store.open(profile_dir, key)` opens `<profile_dir>/store.db` with a raw 32-byte key (from
app.keys) and migrates it forward. One thread owns the connection: call the methods
directly to wait for them (CLI, worker threads), or `store.submit(Store.method, ...)` for a
Future (UI). See /work/plan/store_api.md for the whole surface.
"""
from __future__ import annotations

from app.store.core import DB_NAME
from app.store.db import KEY_BYTES, latest_version
from app.store.errors import NotStored, StoreClosed, StoreError, StoreKeyError, StoreTooNew
from app.store.groups import GroupsMixin
from app.store.outbox import OutboxMixin
from app.store.posts import PostsMixin
from app.store.records import (
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
    Post,
    PostPage,
    Reaction,
    SearchResult,
    StoredWarning,
)
from app.store.search import HIGHLIGHT_END, HIGHLIGHT_START, SearchMixin, fts_query
from app.store.social import SocialMixin


class Store(GroupsMixin, PostsMixin, SearchMixin, OutboxMixin, SocialMixin):
    """One profile's encrypted database; see the module docstring for threading."""


__all__ = [
    "DB_NAME", "HIGHLIGHT_END", "HIGHLIGHT_START", "KEY_BYTES", "ControlEntry", "Epoch",
    "GroupRecord", "GroupSummaryRow", "Identity", "Invite", "JoinRequest", "Member", "MyJoin",
    "NewOutbox", "NewPost", "NotStored", "OutboxItem", "PageKey", "Post", "PostPage",
    "Reaction", "SearchResult", "Store", "StoreClosed", "StoreError", "StoreKeyError",
    "StoreTooNew", "StoredWarning", "fts_query", "latest_version",
]
