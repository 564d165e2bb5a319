"""Invites, joining with a link, and the join requests an admin decides on: `Services.invites`."""
from __future__ import annotations

import threading
from dataclasses import dataclass

import crypto
from app.access import Access
from app.admin import admin_session, membership_op, sentence
from app.errors import InvalidInput, InviteError, NotAllowed, NotFound, RelayUnavailable
from app.groups import first_device_only
from app.i18n import N_, _
from app.inbound import MSG_WAITING
from app.moderation_log import banned_keys
from app.names import label, lookalike_keys, shown_name
from app.profile import normalise_relay_url, relay_address_kind, relay_host
from app.render import join_view
from app.reports_inbound import current_rules_text
from app.runtime import Pending, Runtime
from app.store import MyJoin, Store
from app.syncer import MSG_INVITE_GONE
from app.views import (
    ChangeEvent,
    ChangeKind,
    InviteRelay,
    InviteView,
    JoinRequestView,
    JoinView,
)
from crypto.errors import InviteExpired
from sync.errors import (
    MailboxClosed,
    ReadCancelled,
    RelayOverflow,
    RelayUnreachable,
    SyncError,
    UnknownMailbox,
)

MAX_USES = 1000
INVITE_SEND_WAIT = 5.0    # seconds create_invite waits for the bundle to reach the relay
NEW_INVITE_GRACE = 3.0    # seconds join waits for an invite mailbox the relay does not know yet
MSG_JOIN_CANCELLED = N_("The join was cancelled.")


@dataclass(frozen=True)
class InvitePreview:
    """What an invite offers, read before joining."""

    group_name: str
    inviter_name: str
    rules: str          # the group's rules (Markdown); "" when it has none


class RulesToAccept(InviteError):
    """The group has rules the joiner has not accepted yet (nothing was sent)."""

    def __init__(self, group_name: str, rules: str) -> None:
        super().__init__(_("{group} has rules; read them and accept them to join.").format(
            group=group_name))
        self.group_name = group_name
        self.rules = rules


def _parse(link: str) -> crypto.InviteLink:
    try:
        return crypto.parse_invite_link(link)
    except crypto.CryptoError as exc:
        raise InviteError(sentence(exc)) from exc


def _link_relay(parsed: crypto.InviteLink) -> str:
    """The link's relay address when it follows the rules for relay addresses, as written.

    A link is refused rather than rewritten: the relay address is part of what the inviter
    gave, and a link not in the form Coterie writes was not made by a Coterie client.
    """
    try:
        relay = normalise_relay_url(parsed.relay_url)
    except InvalidInput as exc:
        raise InviteError(_('This invite names a relay address Coterie does not use: {exc}').format(exc=exc)) from exc
    if relay != parsed.relay_url:
        raise InviteError(_("This invite names its relay in an unusual form; ask for a new one."))
    return relay


class InviteService:
    """Both sides of joining: the admin's invites and requests, and my own joins."""

    def __init__(self, access: Access) -> None:
        self._access = access

    # -- invites -----------------------------------------------------------------------------
    def create(self, group: str, uses: int = 1, expires_in: int = 72 * 3600,
               role: str = "member") -> InviteView:
        """A new invite; its joiners start as `role` (member, or observer for a group where
        only some post)."""
        rt = self._access.runtime()
        if role not in ("member", "observer"):
            raise InvalidInput(_("An invite starts its joiners as a member or an observer."))
        if not 1 <= uses <= MAX_USES:
            raise InvalidInput(_('An invite can have 1 to {MAX_USES} uses.').format(MAX_USES=MAX_USES))
        if expires_in <= 0:
            raise InvalidInput(_("The invite must last longer than zero seconds."))
        if expires_in > crypto.INVITE_MAILBOX_SECONDS:
            raise InvalidInput(_('An invite can last at most {value} days.').format(value=crypto.INVITE_MAILBOX_SECONDS // 86400))
        record, session = admin_session(rt, group)
        now = rt.now()
        rules = current_rules_text(rt.store, record.id)
        with rt.lock:
            info, bundle = session.create_invite(uses, now + expires_in, now, rt.rng, role,
                                                 rules)

            def work(store: Store, pending: Pending) -> list[str]:
                store.groups.save_group_state(record.id, session.to_bytes())
                rt.enqueue_in_txn(store, session.relay_url, [bundle], record.id, pending)
                pending.relays.add(session.relay_url)
                pending.events.append(ChangeEvent(ChangeKind.INVITES, record.id.hex()))
                return [item.local_id for item in pending.items]

            local_ids = rt.commit(work, touched=[record.id])
        syncer = self._access.syncer()
        if syncer.live:
            # The link is only useful once its bundle is on the relay; when offline the
            # bundle goes out with the outbox and the link works from then on.
            syncer.engine.wait_sent(local_ids, INVITE_SEND_WAIT)
        return self._invite_view(record.id, info, now)

    def _invite_view(self, gid: bytes, info: crypto.InviteInfo, now: int) -> InviteView:
        return InviteView(id=info.invite_id.hex(), group_id=gid.hex(), link=info.link,
                          uses_left=info.uses_left, uses_total=info.uses_total,
                          expires_at=info.expires_at, revoked=info.revoked,
                          created_at=info.created_at, status=info.status(now),  # type: ignore[arg-type]
                          role=info.role)

    def list(self, group: str) -> list[InviteView]:
        rt = self._access.runtime()
        record, session = admin_session(rt, group)
        now = rt.now()
        return [self._invite_view(record.id, i, now) for i in session.invites()]

    def revoke(self, group: str, invite_id: str) -> None:
        rt = self._access.runtime()
        record, session = admin_session(rt, group)
        wanted = (invite_id or "").strip().lower()
        match = [i for i in session.invites() if i.invite_id.hex().startswith(wanted) and wanted]
        if len(match) != 1:
            raise NotFound(_("There is no invite '{invite_id}' in this group.").format(invite_id=invite_id))
        with rt.lock:
            session.revoke_invite(match[0].invite_id)

            def work(store: Store, pending: Pending) -> None:
                store.groups.save_group_state(record.id, session.to_bytes())
                pending.relays.add(session.relay_url)
                pending.events.append(ChangeEvent(ChangeKind.INVITES, record.id.hex()))

            rt.commit(work, touched=[record.id])
        # Close it on the relay now if we can; housekeeping retries otherwise.
        self._access.syncer().close_dead_invites()

    # -- joining -----------------------------------------------------------------------------
    def check_link(self, link: str) -> InviteRelay:
        """Which relay a link would make this client contact; InviteError for a bad link.

        Nothing is contacted. `warn` is set when the relay is on this computer or a local
        network and is not this profile's default relay: a stranger's link could point the
        client at devices that are not on the internet.
        """
        rt = self._access.runtime()
        relay = _link_relay(_parse(link))
        configured = relay == (rt.store.settings.get("default_relay") or "")
        local = relay_address_kind(relay)
        return InviteRelay(relay, relay_host(relay), local, configured,
                           local is not None and not configured)

    def preview(self, link: str, cancel: threading.Event | None = None) -> InvitePreview:
        """Read the invite's bundle (group, inviter and the group's rules) without asking to
        join: the rules are shown, and must be accepted, before `join`."""
        rt = self._access.runtime()
        parsed = _parse(link)
        _link_relay(parsed)
        bundle = self._bundle(parsed, rt.now(), cancel)
        return InvitePreview(bundle.group_name, shown_name(bundle.inviter_name), bundle.rules)

    def join(self, link: str, cancel: threading.Event | None = None,
             accept_rules: bool = False) -> JoinView:
        """Ask to join with `link`. Reading the invite is bounded in pages and time;
        setting `cancel` (from another thread, e.g. the dialog's Cancel) ends it early
        with InviteError(MSG_JOIN_CANCELLED); nothing is stored then. When the group has
        rules, `accept_rules` must say the joiner accepted them (RulesToAccept otherwise;
        the request carries the hash of the rules accepted)."""
        rt = self._access.runtime()
        signer = rt.signer    # a restored device joins as the member's IK
        if signer is None:
            raise first_device_only()
        parsed = _parse(link)
        _link_relay(parsed)
        now = rt.now()
        bundle = self._bundle(parsed, now, cancel)
        if bundle.rules and not accept_rules:
            raise RulesToAccept(bundle.group_name, bundle.rules)
        join_id = parsed.invite_id
        with rt.lock:
            pj, request = crypto.PendingJoin.start(signer, parsed, bundle, rt.display_name,
                                                   now, rt.rng, accept_rules=accept_rules)
            record = MyJoin(join_id, parsed.relay_url, bundle.group_name, "waiting", _(MSG_WAITING),
                            None, pj.to_bytes(), now, now)

            def work(store: Store, pending: Pending) -> None:
                store.invites.save_my_join(record)
                rt.enqueue_in_txn(store, parsed.relay_url, [request], None, pending, join_id)
                pending.relays.add(parsed.relay_url)
                pending.events.append(ChangeEvent(ChangeKind.JOINS))

            self._access.syncer().track_join(join_id, pj)
            rt.commit(work)
        return join_view(record)

    def _bundle(self, parsed: crypto.InviteLink, now: int,
                cancel: threading.Event | None) -> crypto.InviteBundle:
        engine = self._access.syncer().engine
        bundle = None
        try:
            closed = False
            for page in engine.read_pages(parsed.relay_url, parsed.mailbox.capability,
                                          cancel=cancel, unknown_grace=NEW_INVITE_GRACE):
                closed = closed or page.closed
                for _cursor, body in page.messages:
                    try:
                        bundle = crypto.open_invite_bundle(parsed, body, now)
                        break
                    except InviteExpired as exc:
                        raise InviteError(_("This invite has expired; ask for a new one.")) from exc
                    except crypto.CryptoError:
                        continue
                if bundle is not None:
                    break
        except (UnknownMailbox, MailboxClosed) as exc:
            raise InviteError(_(MSG_INVITE_GONE)) from exc
        except ReadCancelled as exc:
            raise InviteError(_(MSG_JOIN_CANCELLED)) from exc
        except RelayOverflow as exc:
            raise InviteError(_('The relay in this invite misbehaved: {sentence}').format(sentence=sentence(exc))) from exc
        except RelayUnreachable as exc:
            raise RelayUnavailable(_("The relay in this invite cannot be reached; try again later.")) from exc
        except SyncError as exc:
            raise InviteError(_('The relay refused this invite: {sentence}').format(sentence=sentence(exc))) from exc
        if closed or bundle is None:
            raise InviteError(_(MSG_INVITE_GONE))
        return bundle

    def joins(self) -> list[JoinView]:
        rt = self._access.runtime()
        return [join_view(j) for j in rt.store.invites.list_my_joins()]

    # -- join requests -----------------------------------------------------------------------
    def requests(self, group: str) -> list[JoinRequestView]:
        rt = self._access.runtime()
        record, session = admin_session(rt, group)
        waiting = session.join_requests()
        # a joiner whose name looks like a member's (or another joiner's) is tagged
        alike = lookalike_keys([(m.fingerprint, shown_name(m.display_name))
                                for m in rt.store.groups.list_members(record.id)]
                               + [(r.fingerprint, shown_name(r.name)) for r in waiting])
        return [JoinRequestView(id=r.request_id.hex(), group_id=record.id.hex(),
                                name=label(shown_name(r.name), r.fingerprint,
                                           r.fingerprint in alike),
                                fingerprint=r.fingerprint, invite_id=r.invite_id.hex(),
                                received_at=r.received_at) for r in waiting]

    def _request(self, session: crypto.GroupSession, request_id: str) -> crypto.JoinRequest:
        wanted = (request_id or "").strip().lower()
        match = [r for r in session.join_requests()
                 if wanted and r.request_id.hex().startswith(wanted)]
        if len(match) != 1:
            raise NotFound(_("There is no waiting join request '{request_id}'.").format(request_id=request_id))
        return match[0]

    def approve(self, group: str, request_id: str) -> None:
        rt = self._access.runtime()
        _record, session = admin_session(rt, group)
        req = self._request(session, request_id)
        if req.joiner_ik in banned_keys(rt.store, _record.id):
            raise NotAllowed(_("That identity is banned from this group; unban it first."))
        membership_op(rt, group, lambda s: s.admit(req.request_id, rt.now(), rt.rng))
        self._emit_requests(rt, session)

    def decline(self, group: str, request_id: str) -> None:
        rt = self._access.runtime()
        _record, session = admin_session(rt, group)
        req = self._request(session, request_id)

        def decline(s: crypto.GroupSession) -> list[crypto.Outgoing]:
            s.decline(req.request_id)
            return []

        membership_op(rt, group, decline)
        self._emit_requests(rt, session)

    def _emit_requests(self, rt: Runtime, session: crypto.GroupSession) -> None:
        rt.hub.emit(ChangeEvent(ChangeKind.REQUESTS, session.group_id.hex()))

