"""Deterministic mailbox capabilities and outbox items for sync tests."""
from __future__ import annotations

import hashlib

from crypto.relay_wire import MailboxCapability
from sync.values import OutboxItem


def cap(name: str) -> MailboxCapability:
    """A capability derived from `name`, so tests can name their mailboxes."""
    def part(label: str) -> bytes:
        return hashlib.blake2b(f"{label}/{name}".encode(), digest_size=32).digest()
    return MailboxCapability(part("mailbox"), part("write"), part("read"))


def item(local_id: str, mailbox: MailboxCapability, body: bytes,
         relay: str = "http://relay.test") -> OutboxItem:
    return OutboxItem(local_id, relay, mailbox, body)
