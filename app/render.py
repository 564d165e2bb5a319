"""Store records → the view values of app/views.py (no I/O beyond the lookups handed in)."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from app.i18n import N_, _
from app.names import clean_name, label, lookalike_keys, shown_name
from app.store.records import (
    GroupSummaryRow,
    Invite,
    JoinRequest,
    Member,
    MyJoin,
    Post,
    SearchResult,
    StoredWarning,
)
from app.views import (
    GroupSummary,
    InviteView,
    JoinRequestView,
    JoinView,
    PostView,
    Quote,
    SearchHit,
)

if TYPE_CHECKING:
    from app.store import Store

EXCERPT_CHARS = 120
FORMER_MEMBER = N_("a former member")   # translated where shown: _(FORMER_MEMBER)
DELETED_PREVIEW = N_("This post was deleted")
NOT_APPROVED_PREVIEW = N_("Not approved by a moderator")


def hexid(raw: bytes) -> str:
    return raw.hex()


def first_line(text: str, limit: int = EXCERPT_CHARS) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def group_summary(row: GroupSummaryRow, status_left: bool = False,
                  sender: str | None = None) -> GroupSummary:
    """`sender`: the latest post's sender as the conversation names them (their chosen name
    in this group, tagged when it looks like another member's); the stored name otherwise."""
    if row.last_not_approved:
        preview = _(NOT_APPROVED_PREVIEW)
    elif row.last_deleted:
        preview = _(DELETED_PREVIEW)
    else:
        preview = first_line(row.last_text)
    if sender is None:
        sender = shown_name(row.last_sender) if row.last_sender else ""
    return GroupSummary(
        id=hexid(row.id), name=shown_name(row.name), relay=row.relay_url,
        my_role=row.my_role if row.my_role in ("admin", "moderator", "observer") else "member",  # type: ignore[arg-type]
        member_count=row.member_count, unread=row.unread,
        last_preview=preview, last_sender=sender,
        last_activity=row.last_activity, muted=row.muted,
        status="left" if status_left else ("removed" if row.removed else "active"),
        warnings=row.open_warnings)


class PostRenderer:
    """Turns a group's stored posts into PostViews, resolving names and quotes."""

    def __init__(self, group_id: bytes, my_ik: bytes, members: Iterable[Member],
                 fingerprint: Callable[[bytes], str],
                 lookup: Callable[[list[bytes]], Mapping[bytes, Post]],
                 profile_names: Mapping[bytes, str] | None = None) -> None:
        self.group_id = group_id
        self.my_ik = my_ik
        members = list(members)
        listed = {m.ik: shown_name(m.display_name) for m in members}
        # A member's name in this group's profile (kind 43), where they chose one, is the
        # name they go by here, in the posts they sent before it too.
        self.chosen = {ik: clean_name(n)[:100] for ik, n in (profile_names or {}).items()
                       if ik in listed and clean_name(n)}
        shown = self.shown = {ik: self.chosen.get(ik, n) for ik, n in listed.items()}
        # Members whose names look alike carry a short fingerprint tag wherever they show
        # (a chosen name is compared with the member-list names too).
        self.alike = {bytes.fromhex(k) for k in lookalike_keys(
            [(ik.hex(), n) for ik, n in shown.items()]
            + [(ik.hex(), n) for ik, n in listed.items() if ik in self.chosen])}
        self.names = {ik: label(n, fingerprint(ik), ik in self.alike) for ik, n in shown.items()}
        self.fingerprint = fingerprint
        self.lookup = lookup

    def name(self, ik: bytes | None, fallback: str = FORMER_MEMBER) -> str:
        if ik is None:
            return _(fallback)
        return self.names[ik] if ik in self.names else _(fallback)

    def sender(self, ik: bytes, stored: str) -> str:
        """The name a post was sent under (or the sender's chosen name in this group),
        tagged when it looks like another member's."""
        name = self.chosen.get(ik) or shown_name(stored)
        return label(name, self.fingerprint(ik), ik in self.alike)

    def posts(self, posts: Iterable[Post]) -> list[PostView]:
        posts = list(posts)
        former = {p.sender_ik: shown_name(p.sender_name) for p in posts
                  if p.sender_ik not in self.shown}
        if former:  # a removed member's posts are compared with the members' names too
            known = {**former, **self.shown}
            self.alike = {bytes.fromhex(k) for k in lookalike_keys((ik.hex(), n)
                                                                   for ik, n in known.items())}
            self.names = {ik: label(n, self.fingerprint(ik), ik in self.alike)
                          for ik, n in self.shown.items()}
        wanted = [p.reply_to for p in posts if p.reply_to is not None]
        quoted = dict(self.lookup(wanted)) if wanted else {}
        return [self.post(p, quoted) for p in posts]

    def post(self, p: Post, quoted: Mapping[bytes, Post] | None = None) -> PostView:
        quote = None
        if p.reply_to is not None:
            target = (quoted or {}).get(p.reply_to)
            if target is None:
                quote = Quote(post_id=hexid(p.reply_to), sender_name="", excerpt="",
                              missing=True)
            else:
                quote = Quote(post_id=hexid(target.msg_id), sender_name=self.sender(target.sender_ik,
                                                                     target.sender_name),
                              excerpt="" if target.deleted else first_line(target.text),
                              deleted=target.deleted)
        reactions: dict[str, list[str]] = {}
        mine: set[str] = set()
        for r in sorted(p.reactions, key=lambda r: r.time):
            reactions.setdefault(r.emoji, []).append(self.name(r.reactor_ik))
            if r.reactor_ik == self.my_ik:
                mine.add(r.emoji)
        return PostView(
            id=hexid(p.msg_id), group_id=hexid(p.group_id),
            sender_name=self.sender(p.sender_ik, p.sender_name),
            sender_fingerprint=self.fingerprint(p.sender_ik), sent_at=p.sent_time,
            text=p.text, kind=p.kind,
            reply_to=quote,
            reactions=MappingProxyType({e: tuple(n) for e, n in reactions.items()}),
            my_reactions=frozenset(mine), edited=p.edited, deleted=p.deleted,
            deleted_by=self.name(p.deleted_by, "") if p.deleted else None,
            mine=p.mine, sending=p.sending, channel_id=hexid(p.channel_id),
            thread_root=hexid(p.thread_root) if p.thread_root is not None else None,
            title="" if p.deleted else (p.title or ""), tags=p.tags)

    def warning(self, w: StoredWarning) -> PostView:
        return PostView(
            id=f"warning-{w.id}", group_id=hexid(w.group_id),
            sender_name=self.name(w.sender_ik, "") if w.sender_ik else "",
            sender_fingerprint=self.fingerprint(w.sender_ik) if w.sender_ik else "",
            sent_at=w.time, text=w.text, kind="warning", code=w.kind)


def merge_warnings(posts: list[PostView], warnings: list[PostView], *, first: bool,
                   last: bool) -> list[PostView]:
    """Interleave warning rows by time within the span the page covers.

    A warning older than the page belongs to the page only when the page is the oldest one
    (`first`); a newer one only when the page is the newest (`last`).
    """
    if not posts:
        return sorted(warnings, key=lambda w: w.sent_at) if (first and last) else []
    lo, hi = posts[0].sent_at, posts[-1].sent_at
    chosen = [w for w in warnings
              if (lo <= w.sent_at <= hi) or (first and w.sent_at < lo) or (last and w.sent_at > hi)]
    merged = posts + chosen
    merged.sort(key=lambda v: (v.sent_at, 0 if v.kind in ("post", "poll", "calendar") else 1))
    return merged


def invite_view(i: Invite, now: int | None = None) -> InviteView:
    now = int(time.time()) if now is None else now
    status = ("revoked" if i.revoked else "used up" if i.uses_remaining <= 0
              else "expired" if i.expires <= now else "active")
    return InviteView(id=hexid(i.id), group_id=hexid(i.group_id), link=i.link,
                      uses_left=i.uses_remaining, uses_total=i.uses_total, expires_at=i.expires,
                      revoked=i.revoked, created_at=i.created, status=status)


def request_view(r: JoinRequest) -> JoinRequestView:
    return JoinRequestView(id=hexid(r.id), group_id=hexid(r.group_id), name=shown_name(r.joiner_name),
                           fingerprint=r.fingerprint, invite_id=hexid(r.invite_id),
                           received_at=r.received, status=r.state)


def join_view(j: MyJoin) -> JoinView:
    status = j.state if j.state in ("waiting", "joined", "declined", "failed") else "waiting"
    return JoinView(id=hexid(j.id), group_name=clean_name(j.group_name), relay=j.relay_url,
                    status=status, message=j.message,  # type: ignore[arg-type]
                    group_id=hexid(j.group_id) if j.group_id else None)


def search_hit(s: SearchResult, sender: str | None = None) -> SearchHit:
    """`sender`: the sender as the conversation names them (see group_summary)."""
    return SearchHit(group_id=hexid(s.group_id), group_name=shown_name(s.group_name),
                     post_id=hexid(s.msg_id), snippet=s.snippet, sent_at=s.sent_time,
                     sender_name=shown_name(s.sender_name) if sender is None else sender, channel_id=hexid(s.channel_id),
                     thread_root=hexid(s.thread_root) if s.thread_root is not None else None,
                     kind=s.kind)


def sender_names(store: Store, me: bytes, group_ids: Iterable[bytes],
                 fingerprint: Callable[[bytes], str]) -> Callable[[bytes, bytes, str], str]:
    """name(group_id, sender_ik, stored_name): a sender as the group's conversation names
    them (their chosen name there, tagged when it looks like another member's), for rows
    outside the conversation (the group list's preview, search hits). One renderer per
    group, built once."""
    renderers: dict[bytes, PostRenderer] = {}
    for gid in set(group_ids):
        renderers[gid] = PostRenderer(gid, me, store.groups.list_members(gid), fingerprint,
                                      lambda ids: {}, store.profiles.names(gid))

    def name(gid: bytes, ik: bytes, stored: str) -> str:
        r = renderers.get(gid)
        return r.sender(ik, stored) if r is not None else shown_name(stored)
    return name

