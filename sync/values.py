"""Plain values passed between the app, the sync core and the transport."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from crypto.relay_wire import KIND_GROUP, MailboxCapability

State = Literal["online", "syncing", "offline"]


@dataclass(frozen=True)
class MailboxSpec:
    """How to create a mailbox on the relay if it is missing (kind 0 group, 1 invite)."""

    kind: int = KIND_GROUP
    expires_at: int = 0


@dataclass(frozen=True)
class Subscription:
    """One mailbox the profile reads: its capability and the last cursor the app stored.

    `create` set: the engine creates the mailbox when the relay does not know it. Leave it
    None when the mailbox must already exist (a joiner's invite mailbox).
    """

    capability: MailboxCapability
    after: int = 0
    create: MailboxSpec | None = None

    @property
    def mailbox(self) -> bytes:
        return self.capability.mailbox


@dataclass(frozen=True)
class OutboxItem:
    """One envelope to append: `local_id` names the app's durable outbox row. With `echo`
    the relay's copy is delivered back like anyone's (where it lands orders the others)."""

    local_id: str
    relay: str
    capability: MailboxCapability
    body: bytes
    echo: bool = False

    @property
    def mailbox(self) -> bytes:
        return self.capability.mailbox


@dataclass(frozen=True)
class Ack:
    """The relay stored an outbox item durably at `cursor`; the app may delete the row."""

    local_id: str
    relay: str
    mailbox: bytes
    cursor: int


@dataclass(frozen=True)
class Received:
    """One envelope read from a mailbox, at its relay cursor."""

    mailbox: bytes
    cursor: int
    body: bytes
    body_hash: bytes


@dataclass(frozen=True)
class InboundBatch:
    """Envelopes to open and store in one transaction together with `cursors`.

    `cursors` maps every mailbox the batch advanced to its new position (this includes
    positions passed by dropped duplicates, so `envelopes` may be empty).
    """

    relay: str
    envelopes: tuple[Received, ...]
    cursors: dict[bytes, int] = field(default_factory=dict)


@dataclass(frozen=True)
class FetchPage:
    """One page of a catch-up read: (cursor, body) pairs in cursor order."""

    messages: tuple[tuple[int, bytes], ...]
    next: int
    more: bool
    closed: bool


@dataclass(frozen=True)
class ConnectionState:
    """The link to one relay, as the UI shows it."""

    relay: str
    state: State
    detail: str = ""
    retry_in: float | None = None


@dataclass(frozen=True)
class SyncResult:
    """What one `sync_once` did."""

    sent: int = 0
    received: int = 0
    unreachable: tuple[str, ...] = ()
    rejected: tuple[str, ...] = ()
    timed_out: bool = False
    errors: tuple[tuple[str, str], ...] = ()   # (relay, one sentence) for each unreachable


@dataclass(frozen=True)
class PushMessage:
    """`event: message` on the push stream."""

    mailbox: bytes
    cursor: int
    body: bytes


@dataclass(frozen=True)
class PushSynced:
    """`event: synced`: the backlog of every subscribed mailbox has been sent."""


@dataclass(frozen=True)
class PushClosed:
    """`event: closed`: the relay closed this mailbox."""

    mailbox: bytes


PushEvent = PushMessage | PushSynced | PushClosed
