"""Coterie's client sync: a no-I/O core, one httpx transport, and the engine the app drives.

Public surface (see each module): SyncEngine, the values in sync.values, the errors in
sync.errors. Nothing here imports app/ or ui/; the app passes callables in.

The names below load on first use (PEP 562): importing sync.values or sync.errors, as a
CLI command that only reads the local store does, must not pull in httpx and asyncio.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

_HOME = {
    "Backoff": "sync.backoff", "SyncCore": "sync.core", "SyncEngine": "sync.engine",
    "RelayClient": "sync.transport",
    **dict.fromkeys(("Forbidden", "MailboxClosed", "MailboxConflict", "RateLimited",
                     "ReadCancelled", "RelayOverflow", "RelayProtocolError", "RelayRejected",
                     "RelayUnreachable", "SyncError", "TooLarge", "UnknownMailbox"),
                    "sync.errors"),
    **dict.fromkeys(("Ack", "ConnectionState", "FetchPage", "InboundBatch", "MailboxSpec",
                     "OutboxItem", "Received", "Subscription", "SyncResult"), "sync.values"),
}

__all__ = sorted(_HOME)


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'sync' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value
