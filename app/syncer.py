"""The app's side of the sync engine: which mailboxes to read, the outbox, housekeeping.

The engine (sync/) moves envelopes; this module tells it the full mailbox set per relay
(every active group's current and grace-window epochs, admins' invite mailboxes, my
pending joins), hands it the durable outbox, and reacts to acks, refusals and state.
Housekeeping runs the protocol's clocks: heartbeats, scheduled rotation, key expiry,
prekey rotation, and closing invite mailboxes that can no longer admit anyone.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

import crypto
from app import device_handoff
from app.errors import NotFound
from app.i18n import N_, _
from app.inbound import Inbound, Route
from app.reasons import sync_text
from app.runtime import MEMBER_KEY_SETTING, Pending, Runtime, cap_from_bytes, outbox_item
from app.store import MyJoin, Store
from app.views import ChangeEvent, ChangeKind, ConnectionState, ConnectionStatus, SyncReport
from sync.engine import SyncEngine
from sync.errors import SyncError
from sync.values import Ack, MailboxSpec, Subscription
from sync.values import ConnectionState as RelayState

log = logging.getLogger(__name__)

HOUSEKEEPING_SECONDS = 60.0
# How long a closed invite mailbox's join waits for pages already read to be stored before
# it is failed; they are normally stored within milliseconds.
SETTLE_SECONDS = 10.0
CLOSED_KEY = "closed-invite:"
MSG_INVITE_GONE = N_("This invite is no longer valid: it was revoked, used up or has expired.")


class Syncer:
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.inbound = Inbound(rt)
        self.engine = SyncEngine(self.inbound.deliver, self._acked, on_rejected=self._rejected,
                                 on_gone=self._gone, on_state=self._state,
                                 on_anomaly=self._anomaly, rng=rt.rng)
        # The engine keeps wall-clock time: relays check read proofs against their clock,
        # while the protocol's clock (rt.clock) is a seam tests move forward.
        self.states: dict[str, RelayState] = {}
        self._sent: dict[str, tuple[bytes | None, bytes | None]] = {}  # local_id -> gid, msg
        self._join_items: dict[str, bytes] = {}                        # local_id -> join id
        self._gone_joins: dict[bytes, str] = {}   # join id -> relay whose mailbox closed
        self._relays: set[str] = set()
        self._live = False
        self._wake = threading.Event()
        self._keeper: threading.Thread | None = None
        rt.after_commit = self._after_commit
        self.refresh()
        self._enqueue_stored_outbox()

    # -- mailbox sets -----------------------------------------------------------------------------
    def refresh(self, relays: set[str] | None = None) -> None:
        """Recompute every subscription and routing entry (cheap: a few groups)."""
        rt = self.rt
        now = rt.now()
        subs: dict[str, list[Subscription]] = {}
        routes: dict[bytes, Route] = {}
        with rt.lock:
            cursors = rt.store.outbox.cursors()
            for record in rt.store.groups.all_groups():
                if record.removed:
                    continue  # removed: the group stays readable but we stop asking
                session = rt.session(record.id)
                relay = session.relay_url
                for mb in session.mailboxes(now):
                    subs.setdefault(relay, []).append(Subscription(
                        mb.capability, cursors.get(mb.id, 0), MailboxSpec(mb.kind, mb.expires_at)))
                    routes[mb.id] = Route("group", record.id, relay)
            for join in rt.store.invites.list_my_joins():
                if join.state != "waiting":
                    continue
                pj = self.inbound.joins.get(join.id)
                if pj is None:
                    pj = crypto.PendingJoin.from_bytes(join.blob, rt.signer or rt.identity)
                    self.inbound.joins[join.id] = pj
                mb = pj.link.mailbox
                subs.setdefault(join.relay_url, []).append(
                    Subscription(mb.capability, cursors.get(mb.id, 0), None))
                routes[mb.id] = Route("join", join.id, join.relay_url)
            self.inbound.routes = routes
        for relay in (self._relays | set(subs)):
            if relays is None or relay in relays or relay not in self._relays:
                self.engine.set_mailboxes(relay, subs.get(relay, []))
        self._relays = set(subs) | self._relays

    def track_join(self, join_id: bytes, pending_join: crypto.PendingJoin) -> None:
        """Follow a join I just asked for: its Welcome is read from the invite mailbox."""
        self.inbound.joins[join_id] = pending_join

    def _after_commit(self, pending: Pending) -> None:
        if pending.relays:
            self.refresh(pending.relays)
        if pending.items:
            for local_id, (gid, mid, join_id) in pending.meta.items():
                self._sent[local_id] = (gid, mid)
                if join_id is not None:
                    self._join_items[local_id] = join_id
            self.engine.enqueue(pending.items)
            self.rt.hub.emit(ChangeEvent(ChangeKind.CONNECTION))

    def _wants_echo(self, group_id: bytes | None, msg_id: bytes | None) -> bool:
        """A queued remove entry not yet read back (Outgoing.echo, which rows do not keep)."""
        if group_id is None or msg_id is None:
            return False
        try:
            return self.rt.session(group_id).awaits_echo(msg_id)
        except NotFound:
            return False

    def _enqueue_stored_outbox(self) -> None:
        rows = self.rt.store.outbox.pending_outbox(limit=1_000_000)
        items = []
        for row in rows:
            items.append(outbox_item(row.id, row.relay_url, cap_from_bytes(row.capability),
                                     row.envelope, self._wants_echo(row.group_id, row.msg_id)))
            self._sent[str(row.id)] = (row.group_id, row.msg_id)
        if items:
            self.engine.enqueue(items)

    # -- engine callbacks (engine threads) -----------------------------------------------------
    def _acked(self, acks: list[Ack]) -> None:
        ids = [int(a.local_id) for a in acks]
        self.rt.store.outbox.ack(ids)
        groups: dict[bytes, list[str]] = {}
        for a in acks:
            gid, mid = self._sent.pop(a.local_id, (None, None))
            self._join_items.pop(a.local_id, None)
            if gid is not None and mid is not None:
                groups.setdefault(gid, []).append(mid.hex())
        for gid, mids in groups.items():
            self.rt.hub.emit(ChangeEvent(ChangeKind.POSTS, gid.hex(), tuple(mids)))
        self.rt.hub.emit(ChangeEvent(ChangeKind.CONNECTION))
        if self._live:
            self._wake.set()

    def _rejected(self, local_id: str, error: SyncError) -> None:
        rt = self.rt
        rt.store.outbox.ack([int(local_id)])
        gid, _mid = self._sent.pop(local_id, (None, None))
        join_id = self._join_items.pop(local_id, None)
        if join_id is not None:
            self._fail_join(join_id, _(MSG_INVITE_GONE))
        elif gid is not None:
            record = rt.store.groups.get_group(gid)
            if record is not None and not record.removed:
                rt.store.groups.add_warning(gid, "undelivered",
                                     _("A message could not be delivered: {error}").format(
                                         error=sync_text(str(error))), rt.now(), None)
                rt.hub.emit(ChangeEvent(ChangeKind.GROUPS, gid.hex()))
        rt.hub.emit(ChangeEvent(ChangeKind.CONNECTION))

    def _gone(self, relay: str, mailbox: bytes, error: SyncError) -> None:
        route = self.inbound.routes.get(mailbox)
        if route is not None and route.kind == "join":
            # The Welcome may be in the last page read before the close was seen, and that
            # page may still be on its way to `deliver`: decide once deliveries settled.
            self._gone_joins[route.key] = relay
            if self._live:
                self._wake.set()

    def _settle_joins(self) -> None:
        while self._gone_joins:
            join_id, _relay = self._gone_joins.popitem()
            if join_id in self.inbound.joins:
                self._fail_join(join_id, _(MSG_INVITE_GONE))

    def _fail_join(self, join_id: bytes, message: str) -> None:
        rt = self.rt
        with rt.lock:
            for j in rt.store.invites.list_my_joins():
                if j.id == join_id and j.state == "waiting":
                    rt.store.invites.save_my_join(MyJoin(j.id, j.relay_url, j.group_name, "failed",
                                                 message, None, j.blob, j.created, rt.now()))
            self.inbound.joins.pop(join_id, None)
        rt.hub.emit(ChangeEvent(ChangeKind.JOINS))

    def _state(self, state: RelayState) -> None:
        self.states[state.relay] = state
        self.rt.hub.emit(ChangeEvent(ChangeKind.CONNECTION))

    def _anomaly(self, relay: str, mailbox: bytes, message: str) -> None:
        route = self.inbound.routes.get(mailbox)
        if route is None or route.kind != "group":
            return
        rt = self.rt
        rt.store.groups.add_warning(route.key, "replay" if "twice" in message else "relay",
                             _("The relay misbehaved: {message}").format(message=message),
                             rt.now(), None)
        self.inbound.totals.warnings.append(message)
        rt.hub.emit(ChangeEvent(ChangeKind.GROUPS, route.key.hex()))
        rt.hub.emit(ChangeEvent(ChangeKind.POSTS, route.key.hex()))

    @property
    def live(self) -> bool:
        return self._live

    # -- state -------------------------------------------------------------------------------------
    def connection(self) -> ConnectionStatus:
        waiting = self.rt.store.outbox.outbox_count()
        states = [s for r, s in self.states.items() if r in self._relays]
        offline = [s for s in states if s.state == "offline"]
        unreachable = _("unreachable")
        if offline:
            return ConnectionStatus(ConnectionState.OFFLINE, waiting,
                                    "; ".join(f"{s.relay}: {sync_text(s.detail) or unreachable}"
                                              for s in offline))
        if not self._live or len(states) < len(self._relays):
            # Live sync has not started, or a relay in use has not reported yet: connecting
            # is not being online.
            return ConnectionStatus(ConnectionState.SYNCING, waiting, "Connecting…")
        if any(s.state == "syncing" for s in states) or (self._live and waiting):
            return ConnectionStatus(ConnectionState.SYNCING, waiting)
        return ConnectionStatus(ConnectionState.ONLINE, waiting)

    # -- one-shot and live -------------------------------------------------------------------------
    def sync_once(self, timeout: float) -> SyncReport:
        if self._live:
            # The live engine already sends and receives continuously; "sync now" only
            # waits for what is queued to reach the relay.
            ids = [str(row.id) for row in self.rt.store.outbox.pending_outbox(limit=10_000)]
            self.engine.wait_sent(ids, timeout)
            return SyncReport(sent=0, received=0, new_posts=0)
        self.inbound.totals = type(self.inbound.totals)()
        self.housekeeping()
        result = self.engine.sync_once(timeout)
        self._settle_joins()
        self.close_dead_invites()
        totals = self.inbound.totals
        waiting = 0
        for record in self.rt.store.groups.all_groups():
            if not record.removed and record.my_role == "admin":
                waiting += len(self.rt.session(record.id).join_requests())
        return SyncReport(sent=result.sent, received=result.received,
                          new_posts=totals.new_posts,
                          joined=tuple(g.hex() for g in totals.joined),
                          admitted=totals.admitted, waiting_requests=waiting,
                          warnings=tuple(totals.warnings), offline=result.unreachable)

    def catch_up(self, timeout: float) -> tuple[str, ...]:
        """Push the outbox and read everything pending, sealing nothing new first (no
        housekeeping): a restored profile runs this before it can send (app/backup.py).
        Returns the relays that could not be reached."""
        return self.engine.sync_once(timeout).unreachable

    def start(self) -> None:
        if self._live:
            return
        self._live = True
        # States from one-shot syncs describe connections that are closed: the live
        # engine reports its own, and until it does the relay reads as connecting.
        self.states.clear()
        self.engine.start()
        self._keeper = threading.Thread(target=self._keep, name="coterie-housekeeping",
                                        daemon=True)
        self._keeper.start()

    def stop(self) -> None:
        if not self._live:
            return
        self._live = False
        self._wake.set()
        self.engine.stop()
        if self._keeper is not None:
            self._keeper.join(5)
            self._keeper = None

    def _keep(self) -> None:
        while self._live:
            self._wake.wait(HOUSEKEEPING_SECONDS)
            self._wake.clear()
            if not self._live:
                return
            if self._gone_joins:
                for relay in set(self._gone_joins.copy().values()):
                    self.engine.wait_delivered(relay, SETTLE_SECONDS)
                self._settle_joins()
            try:
                self.housekeeping()
                self.close_dead_invites()
            except Exception:  # keep the thread alive; the next round retries
                log.exception("housekeeping failed")

    # -- housekeeping --------------------------------------------------------------------------------
    def housekeeping(self) -> None:
        """Heartbeats, scheduled rotation, key expiry and prekey rotation, all committed."""
        rt = self.rt
        now = rt.now()
        with rt.lock:
            # linked devices too: theirs is announced signed by the device key (§16.9)
            rotate_prekey = rt.identity.prekey_rotation_due(now)
            if rotate_prekey:
                rt.identity.rotate_prekey(now, rt.rng)
            # a restored device: the identity key it holds seals in the groups it entered
            # itself, and rotates its prekey there (protocol §16.8)
            held = rt.member_key
            rotate_held = held is not None and held.prekey_rotation_due(now)
            if rotate_held:
                assert held is not None
                held.rotate_prekey(now, rt.rng)
            for record in rt.store.groups.all_groups():
                if record.removed:
                    continue
                session = rt.session(record.id)
                outgoing: list[Any] = []
                if session.rotation_due(now):
                    outgoing += session.rotate(now, rt.rng)
                as_held = held is not None and session.my_ik == held.ik
                if rotate_held if as_held else rotate_prekey:
                    try:
                        outgoing.append(session.announce_prekey(now, rt.rng))
                    except crypto.CryptoError:
                        pass    # a revoked device: no one takes its prekey any more
                if session.heartbeat_due(now):
                    outgoing.append(session.heartbeat(now, rt.rng))
                dropped = session.expire(now)
                if outgoing or dropped:
                    gid = record.id

                    def work(store: Store, pending: Pending, gid: bytes = gid,
                             session: crypto.GroupSession = session,
                             outgoing: list[Any] = outgoing) -> None:
                        store.groups.save_group_state(gid, session.to_bytes())
                        rt.enqueue_in_txn(store, session.relay_url, outgoing, gid, pending)
                        pending.relays.add(session.relay_url)

                    rt.commit(work, touched=[gid])
            # groups entered after a link reach the member's linked devices
            device_handoff.hand_over(rt, now)
            if rotate_prekey:
                rt.identity.expire_prekeys(now)
                rt.store.identity.save(rt.identity.to_bytes(), rt.display_name, now)
            if rotate_held:
                assert held is not None
                held.expire_prekeys(now)
                rt.store.settings.set(MEMBER_KEY_SETTING, held.to_bytes().hex())

    def close_dead_invites(self) -> None:
        """Close invite mailboxes that can no longer admit anyone, once nothing waits for them."""
        rt = self.rt
        now = rt.now()
        with rt.lock:
            todo = []
            for record in rt.store.groups.all_groups():
                if record.removed or record.my_role != "admin":
                    continue
                for info in rt.session(record.id).invites():
                    key = CLOSED_KEY + info.mailbox.id.hex()
                    # An expired invite is left to the relay's lifetime cap (every invite
                    # mailbox gets the same one): closing it now would tell the relay when
                    # it expired. Used-up and revoked invites are closed.
                    if (info.status(now) in ("active", "expired")
                            or rt.store.settings.get(key)):
                        continue
                    if rt.store.outbox.pending_outbox(limit=1, mailbox=info.mailbox.id):
                        continue  # the Welcome has not reached the relay yet
                    todo.append((record.relay_url, info.mailbox.capability, key))
        for relay, cap, key in todo:
            try:
                self.engine.close_mailbox(relay, cap)
            except SyncError as exc:
                if getattr(exc, "status", None) not in (404, 410):
                    continue  # unreachable: try again next time
            rt.store.settings.set(key, "1")
