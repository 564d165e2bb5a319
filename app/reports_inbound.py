"""What arrives for reports, rules and first-post approval (kinds 39-42), applied inside
the inbound transaction. crypto already refused a resolution, approval or rules change from
anyone whose role does not allow it (crypto.governance)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import crypto
from app.moderation_log import log_seq
from app.store import NewPost, Store
from app.store.reports import ReportRecord
from crypto import reports as wire
from crypto.errors import CryptoError

if TYPE_CHECKING:
    from app.inbound_work import GroupWork, Opener
    from app.runtime import Runtime

KINDS = (wire.Report, wire.ReportResolved, wire.Rules, wire.Approval)


@dataclass(frozen=True)
class MaybeHeld:
    """A newcomer's post while first-post approval is on: stored, held or dropped once the
    approvals that arrived before it are known (on the store thread, in arrival order)."""

    post: NewPost

    @property
    def content(self) -> None:
        return None   # changes nothing stored (inbound's bookkeeping of altered rows)


def open_report_body(identity: crypto.Identity, gid: bytes, report: wire.Report,
                     reporter: bytes) -> tuple[wire.ReportBody, wire.Evidence, str] | None:
    """(body, checked evidence, the reported post's text), or None when the report is not
    for this member or does not check out."""
    try:
        body = wire.open_report(identity, gid, report, reporter)
        if body is None:
            return None
        evidence = wire.check_evidence(body.evidence, gid)
        post = crypto.decode_content(evidence.payload)
    except CryptoError:
        return None
    if not isinstance(post, crypto.Post):
        return None
    return body, evidence, post.text


def apply(store: Store, identity: crypto.Identity, gid: bytes, can_moderate: bool,
          sender: bytes, ev: Any, released: list[bytes]) -> None:
    """Apply one received report, resolution, rules change, approval or held-post candidate.
    `released` collects ids of posts stored here (shown as new)."""
    if isinstance(ev, MaybeHeld):
        _maybe_hold(store, gid, ev.post, released)
        return
    c = ev.content
    if isinstance(c, wire.Report):
        if not can_moderate:
            return   # boxed to moderators and admins only: a member never opens one
        opened = open_report_body(identity, gid, c, sender)
        if opened is None:
            return
        body, evidence, text = opened
        store.reports.add_report(ReportRecord(
            gid, c.report_id, ev.message_id, sender, evidence.message_id, evidence.author_ik,
            evidence.sent_at, text, body.reason, body.text, body.evidence, False, ev.sent_at))
    elif isinstance(c, wire.ReportResolved):
        store.reports.resolve(gid, c.report_id, sender, c.outcome, ev.sent_at, ev.message_id)
    elif isinstance(c, wire.Rules):
        store.reports.add_rules(gid, ev.message_id, sender, c.text, ev.sent_at,
                                log_seq(ev.epoch, ev.seq))
    elif isinstance(c, wire.Approval):
        apply_approval(store, gid, sender, c, ev.sent_at, released)


def open_report(rt: Runtime, gw: GroupWork, gid: bytes, ev: crypto.ContentReceived,
                name: str, now: int) -> None:
    gw.changes.append((ev.sender_ik, ev, apply_change))


def apply_change(rt: Runtime, store: Store, gid: bytes, gw: GroupWork, sender: bytes,
                 ev: Any) -> None:
    """On the store thread: a report, resolution, rules change, approval or a newcomer's
    post (MaybeHeld) queued by app/posts_inbound.py."""
    apply(store, rt.identity, gid, crypto.can(gw.session.my_role or "", "moderate"), sender,
          ev, gw.released)


def apply_approval(store: Store, gid: bytes, actor: bytes, c: wire.Approval, sent_at: int,
                   released: list[bytes]) -> None:
    held = {p.msg_id: p for p in store.reports.held(gid)}
    target = held.get(c.target)
    stored = store.posts.get_post(gid, c.target)
    author = target.sender_ik if target is not None else (
        stored.sender_ik if stored is not None else None)
    if not store.reports.add_approval(gid, c.target, actor, c.approve, author, sent_at):
        return
    if not c.approve:
        store.reports.release(gid, [c.target])
        if stored is not None:   # shown by a client that did not know the author was new
            store.posts.apply_delete(gid, c.target, actor, sent_at, admin=True)
        return
    if author is None:
        return
    ids = [p.msg_id for p in held.values() if p.sender_ik == author]
    posts = store.reports.release(gid, ids)
    if posts:
        released += store.posts.insert_posts(posts)


def _maybe_hold(store: Store, gid: bytes, post: NewPost, released: list[bytes]) -> None:
    decided = store.reports.approval(gid, post.msg_id)
    if decided is not None:
        store.reports.set_approval_author(gid, post.msg_id, post.sender_ik)
        if decided.approve:
            released += store.posts.insert_posts([post])
        return
    if post.sender_ik in store.reports.approved_members(gid):
        released += store.posts.insert_posts([post])
        return
    store.reports.hold(post)


def rules_accepted(store: Store, gid: bytes, req: crypto.JoinRequest) -> bool:
    """A join request is admitted only when the group has no rules, or the joiner accepted a
    version of them this admin's client knows (the hash in the request)."""
    history = store.reports.rules_history(gid)
    if not history or not history[-1].text:
        return True
    known = {wire.rules_hash(r.text) for r in history if r.text}
    return req.rules_hash is not None and req.rules_hash in known


def joined_with_rules(store: Store, gid: bytes, session: crypto.GroupSession,
                      text: str) -> None:
    """Keep the rules I accepted to join (the invite carried them; the group's earlier rules
    entries travel in key periods before mine), marked seen: no changed-rules notice."""
    marker = wire.rules_hash(text)
    inviter = next((m.ik for m in session.members() if m.is_admin), session.my_ik)
    store.reports.add_rules(gid, marker, inviter, text, 0, 0)
    store.reports.mark_rules_seen(gid, marker)


def current_rules_text(store: Store, gid: bytes) -> str:
    """The rules in force ("" when none): what a new invite carries."""
    history = store.reports.rules_history(gid)
    return history[-1].text if history else ""


OPENERS: dict[type, Opener] = dict.fromkeys(KINDS, open_report)
