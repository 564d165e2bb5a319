"""Reports, the group's rules and first-post approval: `Services.reports`.

- A report goes to the moderators and admins only (crypto.reports: its body sealed under a
  fresh key boxed to each of them) and carries the reported post's signed form, so they
  check who wrote it. Moderators resolve it by taking a moderation action or dismissing
  it; the reporter's client learns it was handled, and does not show by whom.
- Rules (Markdown) are set by admins; every client refuses a rules change from anyone
  else. Invites carry them, and a joiner accepts them before the request is sent.
- First-post approval: a newcomer's posts wait until a moderator approves one.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import crypto
from app.access import Access
from app.errors import InvalidInput, NotAllowed, NotFound
from app.i18n import _
from app.moderation import ModerationService
from app.moderation_log import ModState, join_times, log_seq
from app.names import isolate, shown_name
from app.reports_inbound import apply_approval
from app.runtime import Runtime
from app.sending import msg_removed, seal_and_store
from app.store import Store
from app.store.reports import ReportRecord, RulesRecord
from app.views import ChangeEvent, ChangeKind
from crypto import reports as wire

REASONS = wire.REASONS
OUTCOMES = wire.OUTCOMES
MAX_REPORT_TEXT = wire.MAX_REPORT_TEXT
MAX_RULES_BYTES = wire.MAX_RULES_BYTES
DEFAULT_TIMEOUT = 24 * 3600


def reason_title(reason: str) -> str:
    """A report reason in words (for the dialog, the queue and the CLI)."""
    return {"spam": _("Spam"), "harassment": _("Harassment or hate"),
            "off-topic": _("Off topic"), "illegal": _("Illegal content"),
            "other": _("Something else")}.get(reason, reason)


@dataclass(frozen=True)
class ContextPost:
    id: str
    author: str
    text: str
    sent_at: int
    reported: bool


@dataclass(frozen=True)
class ReportView:
    """One report: to a moderator everything; to its reporter whether it was handled."""

    id: str
    group_id: str
    status: str                   # new | handled
    outcome: str | None           # dismiss | remove | timeout | ban (moderators only)
    reason: str
    text: str
    mine: bool
    reporter: str | None          # None in the reporter's own view
    reporter_fingerprint: str | None
    post_id: str
    post_author: str
    post_author_fingerprint: str
    post_text: str
    post_sent_at: int
    verified: bool                # the author's signature on the post checks out
    handled_by: str | None        # moderators only; never shown to the reporter
    handled_at: int | None
    sent_at: int
    context: tuple[ContextPost, ...] = ()


@dataclass(frozen=True)
class RulesView:
    text: str                     # "" when the group has no rules
    set_by: str | None
    set_at: int | None
    unseen_change: bool           # changed since this member last saw them


@dataclass(frozen=True)
class HeldPostView:
    """A newcomer's post waiting for a moderator's approval."""

    id: str
    author: str
    author_fingerprint: str
    text: str
    sent_at: int
    mine: bool


class ReportService:
    """Reports (any member files; moderators and admins read and resolve), rules (admins
    set; everyone reads) and the first-post approval queue (moderators)."""

    def __init__(self, access: Access, moderation: ModerationService) -> None:
        self._access = access
        self._moderation = moderation

    # -- helpers ------------------------------------------------------------------------------
    def _active(self, rt: Runtime, group: str) -> tuple[bytes, crypto.GroupSession]:
        record = rt.resolve_group(group)
        if record.removed:
            raise NotAllowed(msg_removed())
        return record.id, rt.session(record.id)

    def _send(self, rt: Runtime, gid: bytes, session: crypto.GroupSession, content: Any,
              local: Callable[[Store, crypto.Sealed], None] | None = None) -> crypto.Sealed:
        return seal_and_store(rt, gid, session, content, local)

    @staticmethod
    def _can_moderate(session: crypto.GroupSession) -> bool:
        return crypto.can(session.my_role or "", "moderate")

    # -- reports ------------------------------------------------------------------------------
    def report(self, group: str, post_id: str, reason: str, text: str = "") -> str:
        """Report a post to the group's moderators and admins; returns the report's id."""
        if reason not in REASONS:
            raise InvalidInput(_("A report's reason is one of {reasons}.").format(
                reasons=", ".join(REASONS)))
        text = (text or "").strip()
        if len(text.encode("utf-8")) > MAX_REPORT_TEXT:
            raise InvalidInput(_("A report's text is at most 1,000 bytes."))
        rt = self._access.runtime()
        gid, session = self._active(rt, group)
        post = rt.store.posts.get_post(gid, _msg_id(post_id))
        if post is None:
            raise NotFound(_("There is no post '{post}' in this group.").format(post=post_id))
        if post.mine or post.sender_ik == rt.me:
            raise InvalidInput(_("You cannot report your own post."))
        evidence = rt.store.reports.evidence(gid, post.msg_id)
        if post.deleted or evidence is None:
            raise NotAllowed(_("That post can no longer be reported (it was deleted, or it "
                               "arrived before reports existed)."))
        readers = [(m.ik, m.spk) for m in session.members()
                   if m.ik != rt.me and crypto.can(m.role, "moderate")]
        if not readers:
            raise NotAllowed(_("This group has no other moderator or admin to read a report."))
        checked = wire.check_evidence(evidence, gid)
        with rt.lock:
            content = wire.make_report(rt.identity, gid, readers, reason, text, evidence, rt.rng)

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.reports.add_report(ReportRecord(
                gid, content.report_id, sealed.message_id, rt.me, checked.message_id,
                checked.author_ik, checked.sent_at, post.original_text or post.text, reason,
                text, evidence, True, sealed.sent_at))

        self._send(rt, gid, session, content, local)
        return content.report_id.hex()

    def reports(self, group: str) -> list[ReportView]:
        """Moderators and admins: every report they could open, and their own; members: the
        reports they filed."""
        rt = self._access.runtime()
        record = rt.resolve_group(group)
        gid = record.id
        session = rt.session(gid)
        moderator = self._can_moderate(session)
        names = {m.ik: shown_name(m.name) for m in session.members()}

        def name_of(ik: bytes) -> str:
            return isolate(names.get(ik, _("a former member")))

        def author_of(ik: bytes) -> bytes:   # a post signed by a member's linked device
            return session.state.devices.member_of(ik) or ik

        out = []
        for r, res in rt.store.reports.reports(gid):
            if not (moderator or r.mine):
                continue
            full = moderator
            try:
                wire.check_evidence(r.evidence, gid)
                verified = True
            except crypto.CryptoError:
                verified = False
            stored = rt.store.posts.get_post(gid, r.target_msg)
            context: tuple[ContextPost, ...] = ()
            if full and stored is not None:
                page = rt.store.posts.posts_around(gid, r.target_msg, 5)
                if page is not None:
                    context = tuple(ContextPost(p.msg_id.hex(), name_of(p.sender_ik),
                                                p.text, p.sent_time, p.msg_id == r.target_msg)
                                    for p in page.posts)
            out.append(ReportView(
                id=r.report_id.hex(), group_id=gid.hex(),
                status="handled" if res is not None else "new",
                outcome=res.outcome if res is not None and full else None,
                reason=r.reason, text=r.text, mine=r.mine,
                reporter=name_of(r.reporter_ik) if full else None,
                reporter_fingerprint=crypto.fingerprint(r.reporter_ik) if full else None,
                post_id=r.target_msg.hex(), post_author=name_of(author_of(r.author_ik)),
                post_author_fingerprint=crypto.fingerprint(author_of(r.author_ik)),
                post_text=r.post_text, post_sent_at=r.post_sent, verified=verified,
                handled_by=name_of(res.actor_ik) if res is not None and full else None,
                handled_at=res.sent_time if res is not None else None, sent_at=r.sent_time,
                context=context))
        return out

    def resolve(self, group: str, report_id: str, action: str = "dismiss",
                duration: int | None = None) -> None:
        """Resolve a report (moderators and admins): remove the post, time its author out
        (`duration` seconds, a day by default), ban its author (admins), or dismiss it."""
        if action not in OUTCOMES:
            raise InvalidInput(_("A report is resolved with one of {actions}.").format(
                actions=", ".join(OUTCOMES)))
        rt = self._access.runtime()
        gid, session = self._active(rt, group)
        if not self._can_moderate(session):
            raise NotAllowed(_("Only a moderator or an admin can resolve a report."))
        wanted = (report_id or "").strip().lower()
        found = [r for r, _res in rt.store.reports.reports(gid)
                 if wanted and r.report_id.hex().startswith(wanted)]
        if len(found) != 1:
            raise NotFound(_("There is no report '{report}' in this group.").format(
                report=report_id))
        r = found[0]
        why = _("reported: {reason}").format(reason=reason_title(r.reason))
        author = session.state.devices.member_of(r.author_ik) or r.author_ik
        fingerprint = crypto.fingerprint(author).replace(" ", "")
        if action == "remove":
            post = rt.store.posts.get_post(gid, r.target_msg)
            if post is not None and not post.deleted:
                self._moderation.remove_post(group, r.target_msg.hex(), why)
        elif action == "timeout":
            self._moderation.timeout(group, fingerprint, duration or DEFAULT_TIMEOUT, why)
        elif action == "ban":
            self._moderation.ban(group, fingerprint, why)
        session = rt.session(gid)

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.reports.resolve(gid, r.report_id, rt.me, action, sealed.sent_at,
                                  sealed.message_id)

        self._send(rt, gid, session, wire.ReportResolved(r.report_id, action), local)

    # -- rules ----------------------------------------------------------------------------------
    def rules(self, group: str) -> RulesView:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        current = _current(rt.store.reports.rules_history(gid))
        if current is None:
            return RulesView("", None, None, False)
        session = rt.session(gid)
        member = session.member(current.actor_ik)
        seen = rt.store.reports.rules_seen(gid)
        return RulesView(current.text,
                         isolate(shown_name(member.name)) if member else None,
                         current.sent_time or None,
                         seen != current.msg_id)

    def current_rules(self, gid: bytes) -> str:
        """The rules text in force (empty when none), for invites."""
        rt = self._access.runtime()
        current = _current(rt.store.reports.rules_history(gid))
        return current.text if current is not None else ""

    def set_rules(self, group: str, text: str) -> None:
        """Admins: set (or, with an empty text, clear) the group's rules."""
        text = (text or "").strip()
        if len(text.encode("utf-8")) > MAX_RULES_BYTES:
            raise InvalidInput(_("The rules are at most 16,000 bytes."))
        rt = self._access.runtime()
        gid, session = self._active(rt, group)
        if not crypto.can(session.my_role or "", "manage_members"):
            raise NotAllowed(_("Only an admin can change the group's rules."))

        def local(store: Store, sealed: crypto.Sealed) -> None:
            store.reports.add_rules(gid, sealed.message_id, rt.me, text,
                                    sealed.sent_at, log_seq(sealed.epoch, sealed.seq))
            store.reports.mark_rules_seen(gid, sealed.message_id)

        self._send(rt, gid, session, wire.Rules(text), local)

    def mark_rules_seen(self, group: str) -> None:
        """The member saw the current rules: the changed-rules notice is not shown again."""
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        current = _current(rt.store.reports.rules_history(gid))
        if current is not None:
            rt.store.reports.mark_rules_seen(gid, current.msg_id)

    # -- first-post approval ----------------------------------------------------------------------
    def held(self, group: str) -> list[HeldPostView]:
        """Moderators: the newcomers' posts waiting for approval."""
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        session = rt.session(gid)
        if not self._can_moderate(session):
            return []
        return [HeldPostView(p.msg_id.hex(), isolate(shown_name(p.sender_name)),
                             crypto.fingerprint(p.sender_ik), p.text or "", p.sent_time, p.mine)
                for p in rt.store.reports.held(gid)]

    def approve(self, group: str, post_id: str, approve: bool = True) -> None:
        """Moderators: approve (shown to everyone; the author's later posts are not held) or
        reject (never shown) a newcomer's held post."""
        rt = self._access.runtime()
        gid, session = self._active(rt, group)
        if not self._can_moderate(session):
            raise NotAllowed(_("Only a moderator or an admin can approve a newcomer's post."))
        wanted = (post_id or "").strip().lower()
        found = [p for p in rt.store.reports.held(gid)
                 if wanted and p.msg_id.hex().startswith(wanted)]
        if len(found) != 1:
            raise NotFound(_("No post waiting for approval matches '{post}'.").format(
                post=post_id))
        target = found[0].msg_id
        released: list[bytes] = []

        def local(store: Store, sealed: crypto.Sealed) -> None:
            apply_approval(store, gid, rt.me, wire.Approval(target, approve),
                           sealed.sent_at, released)

        self._send(rt, gid, session, wire.Approval(target, approve), local)
        if released:   # the approved posts join the timeline here too
            rt.hub.emit(ChangeEvent(ChangeKind.POSTS, gid.hex(),
                                    tuple(i.hex() for i in released), incoming=True))
            rt.hub.emit(ChangeEvent(ChangeKind.CHANNELS, gid.hex()))

    def waiting_for_approval(self, group: str) -> bool:
        """Whether my own posts wait for a moderator's approval now (I am a newcomer while
        first-post approval is on)."""
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        session = rt.session(gid)
        state = ModState(rt.store.moderation.entries(gid))
        me = rt.me
        return state.held(session.my_role or "member", rt.now(),
                          join_times(rt.store, gid).get(me),
                          me in rt.store.reports.approved_members(gid))


def _current(history: list[RulesRecord]) -> RulesRecord | None:
    return history[-1] if history else None


def _msg_id(ref: str) -> bytes:
    try:
        raw = bytes.fromhex((ref or "").strip())
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise InvalidInput(_("A post id is 64 hex digits."))
    return raw


__all__ = ["HeldPostView", "ReportService", "ReportView", "RulesView"]
