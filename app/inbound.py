"""Turning envelopes read from a relay into stored posts, members, warnings and replies.

One InboundBatch is processed under the runtime lock and committed in ONE transaction with
the cursors it covers and every session blob it changed: a crash leaves
either all of it or none, and the engine re-reads what was not committed.

What the relay can do wrong shows up here as warnings the member sees: envelopes that do
not verify (injected or forged), gaps, forks, replays and stale epochs (from crypto), and
the relay serving one message twice (from the sync engine's anomaly report).

What each content type does is its capability's: app/inbound_kinds.py maps content classes
to the openers in the app/*_inbound.py modules (one dict lookup per message), which fill the
batch's GroupWork (app/inbound_work.py). This module keeps what every message goes through:
opening, chunked writes, ordering and gap checks, joins, warnings, the final transaction
and the totals.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Future
from typing import Any

import crypto
from app import (
    admission_inbound,
    devices_inbound,
    moderation_inbound,
    notes,
    reports_inbound,
)
from app.admin import stored_role
from app.i18n import N_, _, ngettext
from app.inbound_kinds import FINISHERS, OPENERS
from app.inbound_work import BatchOutcome, Gap, GroupWork, Route
from app.names import isolate, shown_name
from app.reasons import integrity_text, reason_text
from app.runtime import Pending, Runtime, members_of
from app.store import GroupRecord, MyJoin, Store
from app.views import ChangeEvent, ChangeKind
from crypto import spaces
from crypto.events import DeviceChanged
from sync.values import InboundBatch, Received

log = logging.getLogger(__name__)

# Opened posts go to the store thread whenever it is idle (at least MIN_CHUNK of them, at
# most MAX_CHUNK per write), so it writes while crypto opens the next ones and the
# batch ends with a short tail; the tail goes into the final transaction.
MIN_CHUNK = 64
MAX_CHUNK = 512
# Envelopes whose signatures are checked together, on two threads, before they are opened.
PREPARE_AHEAD = 256
# A gap warning is withdrawn when its messages arrive late; bigger gaps (the relay withheld
# a lot, or the sender's numbering jumped) and older ones are not followed.
MAX_GAP_TRACKED = 1024
MAX_GAPS_PER_SENDER = 64
MSG_WAITING = N_("Waiting for an admin to come online.")
MSG_REMOVED = N_("You were removed from {group}; what you have stays readable here, but "
                 "nothing new will arrive.")


def _refused(n: int, name: str, reason: str) -> str:
    """Messages every member's client refuses by the group's rules (docs/protocol.md §8.1)."""
    return ngettext("{n} message from {name} was refused by the group's rules: {reason}.",
                    "{n} messages from {name} were refused by the group's rules: {reason}.",
                    n).format(n=n, name=isolate(shown_name(name)), reason=reason_text(reason))


def _rejected(n: int) -> str:
    return ngettext("{n} message that did not verify was dropped; the relay may have altered "
                    "or injected it.",
                    "{n} messages that did not verify were dropped; the relay may have altered "
                    "or injected them.", n).format(n=n)


class Inbound:
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.routes: dict[bytes, Route] = {}
        self.joins: dict[bytes, crypto.PendingJoin] = {}
        self.totals = BatchOutcome()
        # Highest sequence number seen per (group, sender, epoch) in this process: a sender's
        # messages reach the relay in order, so a lower one arriving later was reordered.
        self.max_seq: dict[tuple[bytes, bytes, int], int] = {}
        # Gaps warned of in this process per (group, sender, epoch), until they fill.
        self.gaps: dict[tuple[bytes, bytes, int], list[Gap]] = {}

    # -- the engine's deliver callback ------------------------------------------------------
    def deliver(self, batch: InboundBatch) -> None:
        """Open a batch here (crypto) while the store thread writes the previous chunk.

        Posts, edits and reactions are written chunk by chunk (each insert is idempotent by
        message id); the session blobs, warnings and cursors go in one last transaction,
        so after a crash the batch is read again from the old cursors with the old blobs
        and nothing is lost, doubled or wrongly reported as a replay.
        """
        rt = self.rt
        touched: set[bytes] = set()
        with rt.lock:
            try:
                outcome = self._deliver(batch, touched)
            except BaseException:
                rt.forget(touched)
                raise
        self.totals.new_posts += outcome.new_posts
        self.totals.joined += outcome.joined
        self.totals.admitted += outcome.admitted
        self.totals.warnings += outcome.warnings

    def _deliver(self, batch: InboundBatch, touched: set[bytes]) -> BatchOutcome:
        rt = self.rt
        now = rt.now()
        work: dict[bytes, GroupWork] = {}
        joins: list[tuple[Route, crypto.GroupSession]] = []
        outcome = BatchOutcome()
        chunks: list[Future[dict[bytes, tuple[bytes, ...]]]] = []
        opened = 0
        envelopes = batch.envelopes
        for i, env in enumerate(envelopes):
            if i % PREPARE_AHEAD == 0:
                self._prepare(envelopes[i:i + PREPARE_AHEAD])
            route = self.routes.get(env.mailbox)
            if route is None:
                continue  # a mailbox we no longer read (left, removed, join finished)
            if route.kind == "join":
                self._join_envelope(route, env.body, now, work, joins, touched, outcome)
                continue
            gw = work.get(route.key)
            if gw is None:
                gw = work[route.key] = GroupWork(rt.session(route.key))
                touched.add(route.key)
            self._group_envelope(gw, route.key, env.mailbox, env.body, now, outcome)
            opened += 1
            idle = not chunks or chunks[-1].done()
            if opened >= MAX_CHUNK or (opened >= MIN_CHUNK and idle):
                chunks.append(self._flush_content(work, joins))
                opened = 0
        fresh: dict[bytes, list[bytes]] = {}
        for future in chunks:
            for gid, ids in future.result().items():
                fresh.setdefault(gid, []).extend(ids)
        for gid, ids in fresh.items():
            work[gid].fresh += ids
            outcome.new_posts += len(ids)

        adopted = devices_inbound.adopt_handed(rt, work, touched, now)

        def final(store: Store, pending: Pending) -> None:
            for route, session in joins:
                self._store_join(store, pending, route, session, now)
            for session, handed in adopted:
                devices_inbound.store_handed(store, pending, session, handed, now)
            for gid, gw in work.items():
                self._store_group(store, pending, gid, gw, now, outcome)
            for mailbox, cursor in batch.cursors.items():
                store.outbox.set_cursor(mailbox, cursor, now)

        rt.commit(final, durable=False, touched=touched)
        return outcome

    def _prepare(self, envelopes: Sequence[Received]) -> None:
        """Check the next envelopes' signatures per group on two threads (crypto prepare)."""
        by_group: dict[bytes, list[tuple[bytes, bytes]]] = {}
        for env in envelopes:
            route = self.routes.get(env.mailbox)
            if route is not None and route.kind == "group":
                by_group.setdefault(route.key, []).append((env.mailbox, env.body))
        for gid, items in by_group.items():
            self.rt.session(gid).prepare(items)

    def _flush_content(self, work: dict[bytes, GroupWork],
                       joins: list[tuple[Route, crypto.GroupSession]],
                       ) -> Future[dict[bytes, tuple[bytes, ...]]]:
        """Queue the posts and changes opened so far to the store thread (not waited for).

        Groups joined in this batch have no row yet: theirs wait for the final transaction.
        """
        rt = self.rt
        new_groups = {session.group_id for _route, session in joins}
        items = []
        for gid, gw in work.items():
            if (gw.posts or gw.changes) and gid not in new_groups:
                # Rows are numbered in insertion order, which breaks ties between posts of
                # one second: insert them in the order written, not the order the relay chose.
                posts = sorted(gw.posts, key=lambda p: (p.sent_time, p.sender_ik, p.seq))
                items.append((gid, gw, posts, gw.changes))
                gw.note_changes()
                gw.posts, gw.changes = [], []

        def write(store: Store) -> dict[bytes, tuple[bytes, ...]]:
            out = {}
            with store.transaction(durable=False):
                for gid, gw, posts, changes in items:
                    out[gid] = store.posts.insert_posts(posts) if posts else ()
                    for sender, ev, apply in changes:
                        apply(rt, store, gid, gw, sender, ev)
            return out

        return rt.store.submit(write)

    # -- group mailboxes ----------------------------------------------------------------------
    def _group_envelope(self, gw: GroupWork, gid: bytes, mailbox: bytes, body: bytes,
                        now: int, outcome: BatchOutcome) -> None:
        try:
            opened = gw.session.open(mailbox, body, now, self.rt.rng)
        except crypto.CryptoError:
            gw.rejected += 1
            return
        gw.outgoing += opened.outgoing
        gw.gap = None
        for event in opened.events:
            self._event(gw, gid, event, now, outcome)
        if gw.rekey and gw.session.rotation_due(now):
            # a revoked device reads nothing of the next key period (protocol §16.3)
            gw.rekey = False
            gw.outgoing += gw.session.rotate(now, self.rt.rng)
            gw.epoch_changed = gw.members_changed = True

    def _event(self, gw: GroupWork, gid: bytes, ev: Any, now: int,
               outcome: BatchOutcome) -> None:
        rt = self.rt
        if isinstance(ev, crypto.ContentReceived):
            # what this content type does is its capability's (app/inbound_kinds.py)
            opener, screened = OPENERS[type(ev.content)]
            if not screened:
                opener(rt, gw, gid, ev, "", now)
                return
            if ev.sender_ik == rt.me:
                key = ev.device_pk or ev.sender_ik
                gw.active[key] = max(gw.active.get(key, 0), ev.sent_at)
            name = rt.sender_name(gw.session, ev.sender_ik, ev.epoch)
            self._check_order(gw, gid, ev, name)
            self._check_gaps(gw, gid, ev)
            if moderation_inbound.refused(rt, gw, gid, ev):
                return
            opener(rt, gw, gid, ev, name, now)
        elif isinstance(ev, DeviceChanged):
            gw.members_changed = True
            gw.rekey = gw.rekey or ev.revoked
        elif isinstance(ev, crypto.ContentRefused):
            key = (ev.sender_ik, ev.reason)
            gw.refused[key] = gw.refused.get(key, 0) + 1
        elif isinstance(ev, crypto.MembershipChanged):
            gw.members_changed = True
            if ev.op == "add" and ev.target_ik != self.rt.me:
                gw.added = gw.added or "other"
            note = notes.from_event(gid, ev)
            if note is not None:
                gw.notes.append(note)
            if ev.op == "rename" and ev.target_name:
                gw.renamed = ev.target_name
        elif isinstance(ev, crypto.EpochChanged):
            gw.epoch_changed = True
        elif isinstance(ev, crypto.RemovedFromGroup):
            gw.removed = True
            gw.members_changed = True
        elif isinstance(ev, crypto.JoinRequested):
            if admission_inbound.join_requested(rt, gw, ev.request, now):
                outcome.admitted += 1
        elif isinstance(ev, crypto.IntegrityWarning):
            entry = (ev.kind, integrity_text(ev), ev.sender_ik)
            gw.warnings.append(entry)
            if ev.kind == crypto.WARNING_GAP and not ev.tail and 0 < ev.count <= MAX_GAP_TRACKED:
                gw.gap = (ev, entry)

    def _check_gaps(self, gw: GroupWork, gid: bytes, ev: crypto.ContentReceived) -> None:
        """Withdraw a gap warning once every message it called missing has arrived.

        A gap is reported just before the content that revealed it, so the missing messages
        are the `count` sequence numbers before that content's. A relay that only reordered
        delivers them later; the warning then goes (the reorder warning stays).
        """
        chain = ev.device_pk or ev.sender_ik     # a linked device has its own chain
        key = (gid, chain, ev.epoch)
        gaps = self.gaps.setdefault(key, [])
        seen, gw.gap = gw.gap, None
        if seen is not None and seen[0].sender_ik == chain and seen[0].epoch == ev.epoch:
            gap = Gap(set(range(ev.seq - seen[0].count, ev.seq)), seen[1])
            gaps.append(gap)
            gw.announced.append(gap)
            del gaps[:-MAX_GAPS_PER_SENDER]
        for gap in [g for g in gaps if ev.seq in g.seqs]:
            gap.seqs.discard(ev.seq)
            if gap.seqs:
                continue
            gaps.remove(gap)
            queued = [i for i, entry in enumerate(gw.warnings) if entry is gap.entry]
            if queued:
                del gw.warnings[queued[0]]       # never stored
            else:
                gw.filled.append(gap)            # stored with an earlier batch
        if not gaps:
            del self.gaps[key]

    def _check_order(self, gw: GroupWork, gid: bytes, ev: crypto.ContentReceived,
                     name: str) -> None:
        key = (gid, ev.device_pk or ev.sender_ik, ev.epoch)
        highest = self.max_seq.get(key)
        if highest is not None and ev.seq < highest and ev.sender_ik not in gw.reordered:
            gw.reordered.add(ev.sender_ik)
            gw.warnings.append(("reorder", _(
                "Messages from {name} arrived out of order; they are shown in the order they "
                "were written.").format(name=name), ev.sender_ik))
        if highest is None or ev.seq > highest:
            self.max_seq[key] = ev.seq

    def _store_group(self, store: Store, pending: Pending, gid: bytes, gw: GroupWork,
                     now: int, outcome: BatchOutcome) -> None:
        """Commit what one batch changed in one group, one kind of change per step."""
        if gw.join_rules:
            reports_inbound.joined_with_rules(store, gid, gw.session, gw.join_rules)
        self._store_posts(store, gid, gw, outcome)
        if gw.released:
            gw.fresh += gw.released
            outcome.new_posts += len(gw.released)
            gw.released = []
        for finish in FINISHERS:    # each capability's step (app/inbound_kinds.py)
            finish(self.rt, store, gid, gw)
        self._store_warnings(store, gid, gw, now, outcome)
        self._store_group_row(store, gid, gw)
        self._store_outgoing(store, pending, gid, gw)
        if gw.notes:
            store.groups.append_control(gw.notes)
        self._announce(pending, gid, gw)

    def _store_posts(self, store: Store, gid: bytes, gw: GroupWork,
                     outcome: BatchOutcome) -> None:
        """The batch's tail of posts (or a joined group's first ones) and their changes."""
        if not (gw.posts or gw.changes):
            return
        gw.posts.sort(key=lambda p: (p.sent_time, p.sender_ik, p.seq))
        tail = store.posts.insert_posts(gw.posts) if gw.posts else ()
        gw.fresh += tail
        outcome.new_posts += len(tail)
        for sender, ev, apply in gw.changes:
            apply(self.rt, store, gid, gw, sender, ev)
        gw.note_changes()

    def _store_warnings(self, store: Store, gid: bytes, gw: GroupWork, now: int,
                        outcome: BatchOutcome) -> None:
        """New warnings (a gap keeps its row id, to withdraw it when the gap fills)."""
        if gw.rejected:
            gw.warnings.append(("rejected", _rejected(gw.rejected), None))
        for msg_id, sender, why, sent_at in gw.mod_refused:
            store.moderation.refuse(gid, msg_id, sender, why, sent_at)
        for sender in gw.pins_full:
            key = (sender, spaces.RULE_PINS_FULL)
            gw.refused[key] = gw.refused.get(key, 0) + 1
        gw.pins_full = []
        for (sender, reason), n in gw.refused.items():
            name = self.rt.sender_name(gw.session, sender)
            gw.warnings.append(("refused", _refused(n, name, reason), sender))
        if gw.removed:
            gw.warnings.append(("removed", _(MSG_REMOVED).format(group=gw.session.name), None))
        for entry in gw.warnings:
            kind, detail, sender = entry
            warning_id = store.groups.add_warning(gid, kind, detail, now, sender)
            for gap in gw.announced:
                if gap.entry is entry:
                    gap.warning_id = warning_id
            outcome.warnings.append(detail)
        for gap in gw.filled:   # earlier batches are stored first: their ids are known
            if gap.warning_id is not None:
                store.groups.dismiss_warning(gap.warning_id)

    def _store_group_row(self, store: Store, gid: bytes, gw: GroupWork) -> None:
        """The session blob, and the members, my role, name and removal it implies."""
        session = gw.session
        store.groups.save_group_state(gid, session.to_bytes())
        changes: dict[str, Any] = {}
        if gw.members_changed:
            store.groups.replace_members(gid, members_of(gid, session))
            changes["my_role"] = stored_role(session)
        if gw.renamed:
            changes["name"] = gw.renamed
        if gw.removed:
            changes["removed"] = True
        if changes:
            store.groups.update_group(gid, **changes)

    def _store_outgoing(self, store: Store, pending: Pending, gid: bytes,
                        gw: GroupWork) -> None:
        """Replies the batch produced (Welcomes, keys, heartbeats), and which mailbox sets
        must be recomputed."""
        relay = gw.session.relay_url
        self.rt.enqueue_in_txn(store, relay, gw.outgoing, gid, pending)
        if gw.epoch_changed or gw.removed or gw.requests:
            pending.relays.add(relay)

    @staticmethod
    def _announce(pending: Pending, gid: bytes, gw: GroupWork) -> None:
        """The change events the UI hears once the transaction committed."""
        row_changed = gw.members_changed or bool(gw.renamed) or gw.removed
        ids = tuple(dict.fromkeys(i.hex() for i in [*gw.fresh, *gw.targets]))
        if ids:
            pending.events.append(ChangeEvent(ChangeKind.POSTS, gid.hex(), ids, incoming=True))
        if gw.notes or gw.mod_lines or gw.mod_refused or (gw.changed and not ids):
            # membership notes and moderation lines (and their counts of refused messages)
            # are not rows a window can re-read by id: an event that names no posts makes a
            # window showing the latest page reload it
            pending.events.append(ChangeEvent(ChangeKind.POSTS, gid.hex(), (), incoming=True))
        if gw.fresh or gw.changed or row_changed or gw.warnings:
            pending.events.append(ChangeEvent(ChangeKind.GROUPS, gid.hex()))
        if gw.members_changed:
            pending.events.append(ChangeEvent(ChangeKind.MEMBERS, gid.hex()))
        if gw.channels_changed or gw.fresh:
            pending.events.append(ChangeEvent(ChangeKind.CHANNELS, gid.hex()))
        if gw.requests:
            pending.events.append(ChangeEvent(ChangeKind.REQUESTS, gid.hex()))
        if gw.removed:
            pending.events.append(ChangeEvent(ChangeKind.REMOVED, gid.hex()))

    # -- my pending joins -------------------------------------------------------------------------
    def _join_envelope(self, route: Route, body: bytes, now: int,
                       work: dict[bytes, GroupWork],
                       joins: list[tuple[Route, crypto.GroupSession]], touched: set[bytes],
                       outcome: BatchOutcome) -> None:
        pj = self.joins.get(route.key)
        if pj is None:
            return
        try:
            joined = pj.open(body, now, self.rt.rng)
        except crypto.CryptoError:
            return  # not a Welcome for us, or a forged one: keep waiting
        if joined is None:
            return
        session: crypto.GroupSession = joined.session
        gid = session.group_id
        self.rt.adopt(gid, session)
        touched.add(gid)
        joins.append((route, session))
        self.joins.pop(route.key, None)
        gw = work[gid] = GroupWork(session)
        gw.join_rules = pj.bundle.rules
        gw.outgoing += joined.outgoing
        gw.members_changed = gw.epoch_changed = True
        for ev in joined.events:
            self._event(gw, gid, ev, now, outcome)
        outcome.joined.append(gid)

    def _store_join(self, store: Store, pending: Pending, route: Route,
                    session: crypto.GroupSession, now: int) -> None:
        gid = session.group_id
        store.groups.add_group(GroupRecord(id=gid, name=session.name, relay_url=session.relay_url,
                                    my_role=stored_role(session),
                                    state=session.to_bytes(), created=now, last_activity=now))
        record = next(j for j in store.invites.list_my_joins() if j.id == route.key)
        store.invites.save_my_join(MyJoin(record.id, record.relay_url, session.name, "joined",
                                  _("You joined {group}.").format(group=session.name), gid, b"",
                                  record.created, now))
        pending.relays.add(route.relay)
        pending.events.append(ChangeEvent(ChangeKind.JOINS, gid.hex()))
        pending.events.append(ChangeEvent(ChangeKind.GROUPS, gid.hex()))
