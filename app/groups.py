"""Groups, invites, joining, join requests and members: half of `app.api.Services`."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import crypto
from app.errors import InvalidInput, InviteError, NotAllowed, NotFound, RelayUnavailable
from app.inbound import MSG_WAITING
from app.profile import normalise_relay_url
from app.render import group_summary, join_view
from app.runtime import Pending, Runtime, members_of
from app.store import GroupRecord, MyJoin, Store
from app.syncer import MSG_INVITE_GONE, Syncer
from app.views import (
    ChangeEvent,
    ChangeKind,
    GroupSummary,
    InviteView,
    JoinRequestView,
    JoinView,
    MemberView,
)
from sync.errors import MailboxClosed, RelayUnreachable, SyncError, UnknownMailbox

MAX_NAME = 100
MAX_USES = 1000
INVITE_SEND_WAIT = 5.0    # seconds create_invite waits for the bundle to reach the relay
NEW_INVITE_GRACE = 3.0    # seconds join waits for an invite mailbox the relay does not know yet


def _name(name: str, what: str) -> str:
    clean = " ".join((name or "").split())
    if not clean:
        raise InvalidInput(f"The {what} cannot be empty.")
    if len(clean) > MAX_NAME:
        raise InvalidInput(f"The {what} can be at most {MAX_NAME} characters.")
    return clean


def _sentence(exc: Exception) -> str:
    text = str(exc).strip().rstrip(".")
    return (text[:1].upper() + text[1:] + ".") if text else "That did not work."


class GroupsMixin:
    """Needs `_runtime()`, `_syncer()` and `settings()` from the class it is mixed into."""

    def _runtime(self) -> Runtime:  # pragma: no cover - provided by Services
        raise NotImplementedError

    def _syncer(self) -> Syncer:  # pragma: no cover - provided by Services
        raise NotImplementedError

    # -- helpers -----------------------------------------------------------------------------
    def _admin(self, rt: Runtime, group: str) -> tuple[GroupRecord, crypto.GroupSession]:
        record = rt.resolve_group(group)
        if record.removed:
            raise NotAllowed("You were removed from this group; it is read-only now.")
        session = rt.session(record.id)
        if not session.is_admin:
            raise NotAllowed("Only an admin of this group can do that.")
        return record, session

    def _membership_op(self, rt: Runtime, group: str,
                       op: Callable[[crypto.GroupSession], list[crypto.Outgoing]],
                       extra: Callable[[Store, crypto.GroupSession], None] | None = None) -> None:
        record, session = self._admin(rt, group)
        gid = record.id
        with rt.lock:
            try:
                outgoing = op(session)
            except crypto.CryptoError as exc:
                rt.forget([gid])
                raise NotAllowed(_sentence(exc)) from exc

            def work(store: Store, pending: Pending) -> None:
                store.save_group_state(gid, session.to_bytes())
                store.replace_members(gid, members_of(gid, session))
                store.update_group(gid, my_role="admin" if session.is_admin else "member",
                                   last_activity=rt.now())
                if extra is not None:
                    extra(store, session)
                rt.enqueue_in_txn(store, session.relay_url, outgoing, gid, pending)
                pending.relays.add(session.relay_url)
                pending.events += [ChangeEvent(ChangeKind.MEMBERS, gid.hex()),
                                   ChangeEvent(ChangeKind.GROUPS, gid.hex())]

            rt.commit(work, touched=[gid])

    # -- groups ------------------------------------------------------------------------------
    def create_group(self, name: str, relay: str | None = None) -> GroupSummary:
        rt = self._runtime()
        name = _name(name, "group name")
        relay_url = relay or self.settings().default_relay  # type: ignore[attr-defined]
        if not relay_url:
            raise InvalidInput("Give a relay address; no default relay is set.")
        relay_url = normalise_relay_url(relay_url)
        now = rt.now()
        with rt.lock:
            session = crypto.GroupSession.create(rt.identity, name, relay_url, rt.display_name,
                                                 now, rt.rng)
            gid = session.group_id

            def work(store: Store, pending: Pending) -> None:
                store.add_group(GroupRecord(id=gid, name=name, relay_url=relay_url,
                                            my_role="admin", state=session.to_bytes(),
                                            created=now, last_activity=now))
                store.replace_members(gid, members_of(gid, session))
                pending.relays.add(relay_url)
                pending.events.append(ChangeEvent(ChangeKind.GROUPS, gid.hex()))

            rt.adopt(gid, session)
            rt.commit(work, touched=[gid])
        return self.group(gid.hex())

    def groups(self) -> list[GroupSummary]:
        rt = self._runtime()
        return [group_summary(r) for r in rt.store.list_groups()]

    def group(self, group: str) -> GroupSummary:
        rt = self._runtime()
        gid = rt.resolve_group(group).id
        for row in rt.store.list_groups():
            if row.id == gid:
                return group_summary(row)
        raise NotFound("That group is not on this device.")

    def rename_group(self, group: str, name: str) -> None:
        rt = self._runtime()
        name = _name(name, "group name")
        self._membership_op(rt, group, lambda s: s.rename(name, rt.now(), rt.rng),
                            lambda store, s: store.update_group(s.group_id, name=name))

    def set_muted(self, group: str, muted: bool) -> None:
        rt = self._runtime()
        gid = rt.resolve_group(group).id
        rt.store.update_group(gid, muted=bool(muted))
        rt.hub.emit(ChangeEvent(ChangeKind.GROUPS, gid.hex()))

    def mark_read(self, group: str) -> None:
        rt = self._runtime()
        gid = rt.resolve_group(group).id
        rt.store.mark_read(gid)
        rt.hub.emit(ChangeEvent(ChangeKind.GROUPS, gid.hex()))

    def leave_group(self, group: str) -> None:
        rt = self._runtime()
        record = rt.resolve_group(group)
        with rt.lock:
            rt.store.delete_group(record.id)
            rt.forget([record.id])
        self._syncer().refresh({record.relay_url})
        rt.hub.emit(ChangeEvent(ChangeKind.GROUPS, record.id.hex()))

    # -- invites -----------------------------------------------------------------------------
    def create_invite(self, group: str, uses: int = 1, expires_in: int = 72 * 3600) -> InviteView:
        rt = self._runtime()
        if not 1 <= uses <= MAX_USES:
            raise InvalidInput(f"An invite can have 1 to {MAX_USES} uses.")
        if expires_in <= 0:
            raise InvalidInput("The invite must last longer than zero seconds.")
        record, session = self._admin(rt, group)
        now = rt.now()
        with rt.lock:
            info, bundle = session.create_invite(uses, now + expires_in, now, rt.rng)

            def work(store: Store, pending: Pending) -> list[str]:
                store.save_group_state(record.id, session.to_bytes())
                rt.enqueue_in_txn(store, session.relay_url, [bundle], record.id, pending)
                pending.relays.add(session.relay_url)
                pending.events.append(ChangeEvent(ChangeKind.INVITES, record.id.hex()))
                return [item.local_id for item in pending.items]

            local_ids = rt.commit(work, touched=[record.id])
        syncer = self._syncer()
        if syncer.live:
            # The link is only useful once its bundle is on the relay; when offline the
            # bundle goes out with the outbox and the link works from then on.
            syncer.engine.wait_sent(local_ids, INVITE_SEND_WAIT)
        return self._invite_view(record.id, info, now)

    def _invite_view(self, gid: bytes, info: crypto.InviteInfo, now: int) -> InviteView:
        return InviteView(id=info.invite_id.hex(), group_id=gid.hex(), link=info.link,
                          uses_left=info.uses_left, uses_total=info.uses_total,
                          expires_at=info.expires_at, revoked=info.revoked,
                          created_at=info.created_at, status=info.status(now))  # type: ignore[arg-type]

    def invites(self, group: str) -> list[InviteView]:
        rt = self._runtime()
        record, session = self._admin(rt, group)
        now = rt.now()
        return [self._invite_view(record.id, i, now) for i in session.invites()]

    def revoke_invite(self, group: str, invite_id: str) -> None:
        rt = self._runtime()
        record, session = self._admin(rt, group)
        wanted = (invite_id or "").strip().lower()
        match = [i for i in session.invites() if i.invite_id.hex().startswith(wanted) and wanted]
        if len(match) != 1:
            raise NotFound(f"There is no invite '{invite_id}' in this group.")
        with rt.lock:
            session.revoke_invite(match[0].invite_id)

            def work(store: Store, pending: Pending) -> None:
                store.save_group_state(record.id, session.to_bytes())
                pending.relays.add(session.relay_url)
                pending.events.append(ChangeEvent(ChangeKind.INVITES, record.id.hex()))

            rt.commit(work, touched=[record.id])
        # Close it on the relay now if we can; housekeeping retries otherwise.
        self._syncer().close_dead_invites()

    # -- joining -----------------------------------------------------------------------------
    def join(self, link: str) -> JoinView:
        rt = self._runtime()
        try:
            parsed = crypto.parse_invite_link(link)
        except crypto.CryptoError as exc:
            raise InviteError(_sentence(exc)) from exc
        engine = self._syncer().engine
        now = rt.now()
        bundle = None
        try:
            after, closed = 0, False
            while bundle is None:
                page = self._fetch_invite(engine, parsed, after)
                closed = closed or page.closed
                for _cursor, body in page.messages:
                    try:
                        bundle = crypto.open_invite_bundle(parsed, body, now)
                        break
                    except crypto.InviteError as exc:
                        if "expired" in str(exc):
                            raise InviteError("This invite has expired; ask for a new one.") from exc
                    except crypto.CryptoError:
                        continue
                if not page.more:
                    break
                after = page.next
        except (UnknownMailbox, MailboxClosed) as exc:
            raise InviteError(MSG_INVITE_GONE) from exc
        except RelayUnreachable as exc:
            raise RelayUnavailable("The relay in this invite cannot be reached; try again later.") from exc
        except SyncError as exc:
            raise InviteError(f"The relay refused this invite: {_sentence(exc)}") from exc
        if closed or bundle is None:
            raise InviteError(MSG_INVITE_GONE)
        join_id = parsed.invite_id
        with rt.lock:
            pj, request = crypto.PendingJoin.start(rt.identity, parsed, bundle, rt.display_name,
                                                   now, rt.rng)
            record = MyJoin(join_id, parsed.relay_url, bundle.group_name, "waiting", MSG_WAITING,
                            None, pj.to_bytes(), now, now)

            def work(store: Store, pending: Pending) -> None:
                store.save_my_join(record)
                rt.enqueue_in_txn(store, parsed.relay_url, [request], None, pending, join_id)
                pending.relays.add(parsed.relay_url)
                pending.events.append(ChangeEvent(ChangeKind.JOINS))

            self._syncer().inbound.joins[join_id] = pj
            rt.commit(work)
        return join_view(record)

    def _fetch_invite(self, engine: Any, parsed: crypto.InviteLink, after: int) -> Any:
        """Read the invite mailbox; a brand-new invite may need a moment to reach the relay."""
        deadline = time.monotonic() + NEW_INVITE_GRACE
        while True:
            try:
                return engine.fetch(parsed.relay_url, parsed.mailbox.capability, after=after)
            except UnknownMailbox:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.5)

    def joins(self) -> list[JoinView]:
        rt = self._runtime()
        return [join_view(j) for j in rt.store.list_my_joins()]

    # -- join requests -----------------------------------------------------------------------
    def requests(self, group: str) -> list[JoinRequestView]:
        rt = self._runtime()
        record, session = self._admin(rt, group)
        return [JoinRequestView(id=r.request_id.hex(), group_id=record.id.hex(), name=r.name,
                                fingerprint=r.fingerprint, invite_id=r.invite_id.hex(),
                                received_at=r.received_at) for r in session.join_requests()]

    def _request(self, session: crypto.GroupSession, request_id: str) -> crypto.JoinRequest:
        wanted = (request_id or "").strip().lower()
        match = [r for r in session.join_requests()
                 if wanted and r.request_id.hex().startswith(wanted)]
        if len(match) != 1:
            raise NotFound(f"There is no waiting join request '{request_id}'.")
        return match[0]

    def approve_request(self, group: str, request_id: str) -> None:
        rt = self._runtime()
        _record, session = self._admin(rt, group)
        req = self._request(session, request_id)
        self._membership_op(rt, group, lambda s: s.admit(req.request_id, rt.now(), rt.rng))
        self._emit_requests(rt, session)

    def decline_request(self, group: str, request_id: str) -> None:
        rt = self._runtime()
        _record, session = self._admin(rt, group)
        req = self._request(session, request_id)

        def decline(s: crypto.GroupSession) -> list[crypto.Outgoing]:
            s.decline(req.request_id)
            return []

        self._membership_op(rt, group, decline)
        self._emit_requests(rt, session)

    def _emit_requests(self, rt: Runtime, session: crypto.GroupSession) -> None:
        rt.hub.emit(ChangeEvent(ChangeKind.REQUESTS, session.group_id.hex()))

    # -- members -----------------------------------------------------------------------------
    def members(self, group: str) -> list[MemberView]:
        rt = self._runtime()
        gid = rt.resolve_group(group).id
        me = rt.identity.ik
        out = []
        for m in rt.store.list_members(gid):
            mine = m.ik == me
            out.append(MemberView(
                fingerprint=m.fingerprint, name=m.display_name,
                role="admin" if m.role == "admin" else "member",
                safety_number="" if mine else crypto.safety_number(me, m.ik),
                safety_qr="" if mine else crypto.safety_qr_payload(me, m.ik), is_me=mine))
        return out

    def promote(self, group: str, member: str) -> None:
        rt = self._runtime()
        gid = rt.resolve_group(group).id
        target = rt.resolve_member(gid, member)
        if target.role == "admin":
            raise InvalidInput(f"{target.name} is already an admin.")
        self._membership_op(rt, group, lambda s: s.promote(target.ik, rt.now(), rt.rng))

    def remove_member(self, group: str, member: str) -> None:
        rt = self._runtime()
        gid = rt.resolve_group(group).id
        target = rt.resolve_member(gid, member)
        if target.ik == rt.identity.ik:
            raise InvalidInput("You cannot remove yourself; leave the group instead.")
        self._membership_op(rt, group, lambda s: s.remove(target.ik, rt.now(), rt.rng))
