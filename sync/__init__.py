"""Coterie's client sync: a no-I/O core, one httpx transport, and the engine the app drives.

Public surface (see each module): SyncEngine, the values in sync.values, the errors in
sync.errors. Nothing here imports app/ or ui/; the app passes callables in.
"""
from __future__ import annotations

from sync.backoff import Backoff
from sync.core import SyncCore
from sync.engine import SyncEngine
from sync.errors import (
    Forbidden,
    MailboxClosed,
    MailboxConflict,
    RateLimited,
    ReadCancelled,
    RelayOverflow,
    RelayProtocolError,
    RelayRejected,
    RelayUnreachable,
    SyncError,
    TooLarge,
    UnknownMailbox,
)
from sync.transport import RelayClient
from sync.values import (
    Ack,
    ConnectionState,
    FetchPage,
    InboundBatch,
    MailboxSpec,
    OutboxItem,
    Received,
    Subscription,
    SyncResult,
)

__all__ = [
    "Ack", "Backoff", "ConnectionState", "FetchPage", "Forbidden", "InboundBatch",
    "MailboxClosed", "MailboxConflict", "MailboxSpec", "OutboxItem", "RateLimited",
    "ReadCancelled", "Received", "RelayClient", "RelayOverflow", "RelayProtocolError", "RelayRejected", "RelayUnreachable", "Subscription",
    "SyncCore", "SyncEngine", "SyncError", "SyncResult", "TooLarge", "UnknownMailbox",
]
