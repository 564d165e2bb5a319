"""The unlocked state of one profile, shared by the services, the inbound path and sync.

`Runtime` holds the open store, my identity, the loaded group sessions and one lock that
serialises every change to protocol state: a GroupSession is not thread-safe, and the UI's
worker thread and the sync thread both touch sessions.

Outgoing envelopes follow one rule: the session blob and the outbox rows are committed in
ONE durable transaction before anything is handed to the sync engine, so a crash can never
leave a sent message whose chain step the store forgot (the next one would reuse its key).
"""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import crypto
from app.errors import Ambiguous, NotFound
from app.events import EventHub
from app.i18n import N_, _
from app.store import GroupRecord, Member, NewOutbox, Store
from crypto.relay_wire import MailboxCapability

if TYPE_CHECKING:
    from sync.values import OutboxItem

Rng = Callable[[int], bytes]
FORMER_MEMBER = N_("a former member")
# On a linked device that holds the member's identity key too (a restored profile,
# app/device_restore.py): that key's secret (hex). A link copy never carries it.
MEMBER_KEY_SETTING = "device.member_key"


def cap_to_bytes(cap: MailboxCapability) -> bytes:
    return cap.mailbox + cap.write_seed + cap.read_seed


def cap_from_bytes(raw: bytes) -> MailboxCapability:
    return MailboxCapability(raw[:32], raw[32:64], raw[64:96])


def outbox_item(row_id: int, relay: str, cap: MailboxCapability, body: bytes,
                echo: bool = False) -> OutboxItem:
    from sync.values import OutboxItem  # the sync engine's value, loaded once something is sent
    return OutboxItem(local_id=str(row_id), relay=relay, capability=cap, body=body, echo=echo)


def members_of(group_id: bytes, session: crypto.GroupSession) -> list[Member]:
    return [Member(group_id, m.ik, crypto.fingerprint(m.ik), m.name, m.role)
            for m in session.members()]


@dataclass
class Pending:
    """Work a change produced that must run after its transaction committed."""

    items: list[OutboxItem] = field(default_factory=list)
    relays: set[str] = field(default_factory=set)       # subscription sets to refresh
    events: list[Any] = field(default_factory=list)     # ChangeEvents to emit
    # local_id -> (group id, message id, join id) of each outbox row, for acks/refusals
    meta: dict[str, tuple[bytes | None, bytes | None, bytes | None]] = field(default_factory=dict)


class Runtime:
    def __init__(self, profile_dir: Path, store: Store, identity: crypto.Identity,
                 display_name: str, hub: EventHub, clock: Callable[[], float] = time.time,
                 rng: Rng = os.urandom) -> None:
        self.profile_dir = profile_dir
        self.store = store
        self.identity = identity
        # The member this profile speaks for: its own identity key, or on a linked device
        # (app/devices.py) the member's, while `identity` holds the device's own key.
        self.me: bytes = identity.ik
        # On a linked device that holds the member's identity key too (a restored profile,
        # app/device_restore.py): that key, which signs certificates and control entries.
        self.member_key: crypto.Identity | None = None
        self.display_name = display_name
        self.hub = hub
        self.clock = clock
        self.rng = rng
        self.lock = threading.RLock()
        self._sessions: dict[bytes, crypto.GroupSession] = {}
        self._cache_lock = threading.Lock()
        # Set by app.syncer once the engine exists; called after each commit.
        self.after_commit: Callable[[Pending], None] = lambda pending: None

    def now(self) -> int:
        return int(self.clock())

    @property
    def signer(self) -> crypto.Identity | None:
        """The member's identity key where this device holds it (None on a plain linked
        device)."""
        return self.identity if not self.linked_device else self.member_key

    @property
    def linked_device(self) -> bool:
        """True on a linked device: it holds a device key, not the member's identity key."""
        return self.me != self.identity.ik

    # -- sessions ----------------------------------------------------------------------------
    def session(self, group_id: bytes) -> crypto.GroupSession:
        """The cached session of a group, loaded from its committed blob when needed.

        Only the cache is locked (briefly): this runs on the store thread too, inside work
        whose caller already holds `self.lock`, so taking that lock here would deadlock.
        """
        with self._cache_lock:
            s = self._sessions.get(group_id)
        if s is not None:
            return s
        record = self.store.groups.get_group(group_id)
        if record is None:
            raise NotFound(_("That group is not on this device."))
        loaded = crypto.GroupSession.from_bytes(record.state, self.identity, self.member_key)
        with self._cache_lock:
            return self._sessions.setdefault(group_id, loaded)

    def adopt(self, group_id: bytes, session: crypto.GroupSession) -> None:
        with self._cache_lock:
            self._sessions[group_id] = session

    def forget(self, group_ids: Iterable[bytes]) -> None:
        """Drop cached sessions so they reload from the last committed blob."""
        with self._cache_lock:
            for gid in list(group_ids):
                self._sessions.pop(gid, None)

    # -- names -------------------------------------------------------------------------------
    def resolve_group(self, ref: str) -> GroupRecord:
        text = (ref or "").strip()
        if len(text) == 32:
            try:
                record = self.store.groups.get_group(bytes.fromhex(text))
            except ValueError:
                record = None
            if record is not None:
                return record
        found = self.store.groups.find_groups(text)
        if not found:
            raise NotFound(_("There is no group called '{text}' here.").format(text=text))
        if len(found) > 1:
            raise Ambiguous(_("Several groups are called '{text}'; use the group id instead.").format(text=text))
        return found[0]

    def resolve_member(self, group_id: bytes, ref: str) -> crypto.Member:
        session = self.session(group_id)
        members = session.members()
        plain = (ref or "").replace(" ", "").lower()
        by_fp = [m for m in members if plain and len(plain) >= 4 and
                 crypto.fingerprint(m.ik).replace(" ", "").startswith(plain)]
        by_name = [m for m in members if m.name == ref]
        chosen = by_fp or by_name
        if not chosen:
            raise NotFound(_("No member of this group matches '{ref}'.").format(ref=ref))
        if len(chosen) > 1:
            raise Ambiguous(_("More than one member matches '{ref}'; use their fingerprint.").format(ref=ref))
        return chosen[0]

    def sender_name(self, session: crypto.GroupSession, ik: bytes,
                    epoch: int | None = None) -> str:
        """The sender's name; with `epoch`, also of a member removed while their messages
        of that epoch are still being read."""
        member = session.member(ik) if epoch is None else session.sender(ik, epoch)
        return member.name if member is not None else _(FORMER_MEMBER)

    # -- committing outgoing envelopes ----------------------------------------------------------
    def outbox_rows(self, relay: str, outgoing: Sequence[crypto.Outgoing],
                    group_id: bytes | None) -> list[NewOutbox]:
        now = self.now()
        return [NewOutbox(relay_url=relay, mailbox=o.mailbox.id,
                          capability=cap_to_bytes(o.mailbox.capability), envelope=o.body,
                          created=now, group_id=group_id, msg_id=o.message_id)
                for o in outgoing]

    def enqueue_in_txn(self, store: Store, relay: str, outgoing: Sequence[crypto.Outgoing],
                       group_id: bytes | None, pending: Pending,
                       join_id: bytes | None = None) -> None:
        """Inside a store transaction: add outbox rows; remember the engine items."""
        if not outgoing:
            return
        rows = self.outbox_rows(relay, outgoing, group_id)
        ids = store.outbox.enqueue(rows)
        for row_id, o in zip(ids, outgoing, strict=True):
            pending.items.append(outbox_item(row_id, relay, o.mailbox.capability, o.body,
                                             o.echo))
            pending.meta[str(row_id)] = (group_id, o.message_id, join_id)
        pending.relays.add(relay)

    def commit(self, work: Callable[[Store, Pending], Any], *, durable: bool = True,
               touched: Iterable[bytes] = ()) -> Any:
        """Run `work` in one store transaction, then hand what it queued to sync.

        On failure the sessions in `touched` are reloaded from their committed blobs, so
        memory never runs ahead of the store.
        """
        pending = Pending()

        def txn(store: Store) -> Any:
            with store.transaction(durable=durable):
                return work(store, pending)

        try:
            result = self.store.run(txn)
        except BaseException:
            self.forget(touched)
            raise
        self.after_commit(pending)
        for event in pending.events:
            self.hub.emit(event)
        return result
