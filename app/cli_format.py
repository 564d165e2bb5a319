"""How the headless CLI prints views: stable JSON documents and short human text.

The JSON shapes here are a contract (docs/cli.md); add keys, never rename or remove them.

Plain text carries names, posts and group names other people chose, so none of it reaches
the terminal raw: control characters (C0, DEL, C1, hence every escape sequence), bidi
controls and line/paragraph separators become U+FFFD, names are cleaned (app.names) and
isolated in FSI…PDI (look-alike names arrive from the services with their fingerprint tag).
"""
from __future__ import annotations

import json
import re
import time
import unicodedata
from collections.abc import Iterable
from typing import Any

from app.i18n import N_, _
from app.names import isolate, shown_name
from app.views import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    GroupSummary,
    InviteView,
    JoinRequestView,
    JoinView,
    MemberView,
    PostView,
    SearchHit,
    SyncReport,
)

SHORT_ID = 12
REPLACEMENT = "\ufffd"
# What can steer a terminal or reorder what a reader sees: C0 controls, DEL, C1 controls
# (U+009B is a one-character CSI), bidi embeddings/overrides/isolates/marks, and the line
# and paragraph separators some terminals treat as line breaks. Newline is kept only by
# `terminal`, which sees our own layout; fields never keep one.
_UNSAFE_FIELD = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                           "\u2066-\u2069\u2028\u2029]")
_UNSAFE_LAYOUT = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                            "\u2028\u2029]")
# In JSON text, the same characters as \u escapes: the document is unchanged for a parser,
# and a person who prints it to a terminal is not steered by it either.
_JSON_ESCAPE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                          "\u2028\u2029]")


def dumps(document: dict[str, Any], ascii_only: bool = False) -> str:
    text = json.dumps(document, ensure_ascii=ascii_only, indent=2, sort_keys=False)
    return _JSON_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def when(ts: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts)) if ts else "-"


# -- text safety -------------------------------------------------------------------------

def safe(text: str) -> str:
    """One line of someone else's text, with nothing that can steer the terminal."""
    return _UNSAFE_FIELD.sub(REPLACEMENT, text)


def safe_lines(text: str) -> list[str]:
    """Someone else's multi-line text as safe lines (tabs become spaces)."""
    return [safe(line.expandtabs(4)) for line in text.replace("\r\n", "\n").split("\n")]


def terminal(text: str) -> str:
    """The last pass before printing: only our own newlines and FSI…PDI isolates stay."""
    return _UNSAFE_LAYOUT.sub(REPLACEMENT, text)


def person(name: str) -> str:
    """A name someone chose (a member's, a group's), cleaned and isolated so it cannot
    reorder the text beside it. The services already tag look-alike names."""
    return isolate(shown_name(name))


def width(text: str) -> int:
    """Terminal columns: wide East Asian characters take two, marks and isolates none."""
    return sum(0 if unicodedata.category(c) in ("Mn", "Me", "Cf")
               else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


# Roles and states as a table shows them, in the user's language (the JSON keeps the codes).
_WORDS = {"owner": N_("owner"), "admin": N_("admin"), "moderator": N_("moderator"),
          "member": N_("member"), "observer": N_("observer"), "active": N_("active"),
          "removed": N_("removed"), "left": N_("left"), "expired": N_("expired"),
          "used up": N_("used up"), "revoked": N_("revoked")}


def word(code: str) -> str:
    """A role or state code (admin, used up...) as a person reads it."""
    return _(_WORDS[code]) if code in _WORDS else code


def table(rows: Iterable[tuple[str, ...]]) -> str:
    rows = list(rows)
    if not rows:
        return ""
    widths = [max(width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c + " " * (widths[i] - width(c)) for i, c in enumerate(r)).rstrip()
                     for r in rows)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# -- JSON documents ------------------------------------------------------------------------

def group_json(g: GroupSummary) -> dict[str, Any]:
    return {"id": g.id, "name": g.name, "relay": g.relay, "role": g.my_role,
            "members": g.member_count, "unread": g.unread, "last_preview": g.last_preview,
            "last_sender": g.last_sender, "last_activity": g.last_activity, "muted": g.muted,
            "status": g.status, "warnings": g.warnings}


def post_json(p: PostView) -> dict[str, Any]:
    quote = None
    if p.reply_to is not None:
        quote = {"id": p.reply_to.post_id, "sender": p.reply_to.sender_name,
                 "excerpt": p.reply_to.excerpt, "deleted": p.reply_to.deleted,
                 "missing": p.reply_to.missing}
    return {"id": p.id, "kind": p.kind, "sender": p.sender_name,
            "fingerprint": p.sender_fingerprint, "time": p.sent_at, "text": p.text,
            "reply_to": quote,
            "reactions": {emoji: list(names) for emoji, names in p.reactions.items()},
            "my_reactions": sorted(p.my_reactions), "edited": p.edited, "deleted": p.deleted,
            "deleted_by": p.deleted_by, "mine": p.mine, "sending": p.sending,
            "warnings": list(p.warnings), "code": p.code,
            "channel": p.channel_id, "thread_root": p.thread_root, "title": p.title,
            "tags": list(p.tags), "rejected": p.rejected or None,
            "approval": p.approval or None, "pinned": p.pinned,
            "thread": None if p.thread is None else {
                "replies": p.thread.replies, "last_replier": p.thread.last_replier or None,
                "last_time": p.thread.last_at, "unread": p.thread.unread,
                "following": p.thread.following}}


def warning_json(p: PostView) -> dict[str, Any]:
    return {"code": p.code, "message": p.text, "time": p.sent_at,
            "sender": p.sender_name or None, "fingerprint": p.sender_fingerprint or None}


def event_json(p: PostView) -> dict[str, Any]:
    return {"id": p.id, "code": p.code, "text": p.text, "time": p.sent_at,
            "actor": p.sender_name, "fingerprint": p.sender_fingerprint}


def member_json(m: MemberView) -> dict[str, Any]:
    return {"name": m.name, "fingerprint": m.fingerprint, "role": m.role,
            "safety_number": m.safety_number, "is_me": m.is_me}


def invite_json(i: InviteView) -> dict[str, Any]:
    return {"id": i.id, "group": i.group_id, "link": i.link, "uses_left": i.uses_left,
            "uses_total": i.uses_total, "expires_at": i.expires_at, "revoked": i.revoked,
            "created_at": i.created_at, "status": i.status, "role": i.role}


def request_json(r: JoinRequestView) -> dict[str, Any]:
    return {"id": r.id, "group": r.group_id, "name": r.name, "fingerprint": r.fingerprint,
            "invite": r.invite_id, "received_at": r.received_at, "status": r.status}


def join_json(j: JoinView) -> dict[str, Any]:
    return {"id": j.id, "group_name": j.group_name, "relay": j.relay, "status": j.status,
            "message": j.message, "group": j.group_id}


def snippet(h: SearchHit) -> str:
    return h.snippet.replace(HIGHLIGHT_START, "[").replace(HIGHLIGHT_END, "]")


def hit_json(h: SearchHit) -> dict[str, Any]:
    return {"group": h.group_id, "group_name": h.group_name, "post": h.post_id or None,
            "snippet": snippet(h), "time": h.sent_at, "sender": h.sender_name, "kind": h.kind,
            "channel": h.channel_id, "thread_root": h.thread_root}


def sync_json(r: SyncReport) -> dict[str, Any]:
    return {"sent": r.sent, "received": r.received, "new_posts": r.new_posts,
            "joined": list(r.joined), "admitted": r.admitted,
            "waiting_requests": r.waiting_requests, "warnings": list(r.warnings),
            "offline": list(r.offline)}
