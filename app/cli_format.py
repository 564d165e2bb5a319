"""How the headless CLI prints views: stable JSON documents and short human text.

The JSON shapes here are a contract (docs/cli.md); add keys, never rename or remove them.
"""
from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any

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


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False)


def when(ts: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(ts)) if ts else "-"


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
            "warnings": list(p.warnings), "code": p.code}


def warning_json(p: PostView) -> dict[str, Any]:
    return {"code": p.code, "message": p.text, "time": p.sent_at,
            "sender": p.sender_name or None, "fingerprint": p.sender_fingerprint or None}


def member_json(m: MemberView) -> dict[str, Any]:
    return {"name": m.name, "fingerprint": m.fingerprint, "role": m.role,
            "safety_number": m.safety_number, "is_me": m.is_me}


def invite_json(i: InviteView) -> dict[str, Any]:
    return {"id": i.id, "group": i.group_id, "link": i.link, "uses_left": i.uses_left,
            "uses_total": i.uses_total, "expires_at": i.expires_at, "revoked": i.revoked,
            "created_at": i.created_at, "status": i.status}


def request_json(r: JoinRequestView) -> dict[str, Any]:
    return {"id": r.id, "group": r.group_id, "name": r.name, "fingerprint": r.fingerprint,
            "invite": r.invite_id, "received_at": r.received_at, "status": r.status}


def join_json(j: JoinView) -> dict[str, Any]:
    return {"id": j.id, "group_name": j.group_name, "relay": j.relay, "status": j.status,
            "message": j.message, "group": j.group_id}


def hit_json(h: SearchHit) -> dict[str, Any]:
    return {"group": h.group_id, "group_name": h.group_name, "post": h.post_id,
            "snippet": h.snippet.replace(HIGHLIGHT_START, "[").replace(HIGHLIGHT_END, "]"),
            "time": h.sent_at, "sender": h.sender_name}


def sync_json(r: SyncReport) -> dict[str, Any]:
    return {"sent": r.sent, "received": r.received, "new_posts": r.new_posts,
            "joined": list(r.joined), "admitted": r.admitted,
            "waiting_requests": r.waiting_requests, "warnings": list(r.warnings),
            "offline": list(r.offline)}


# -- text ------------------------------------------------------------------------------

def table(rows: Iterable[tuple[str, ...]]) -> str:
    rows = list(rows)
    if not rows:
        return ""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip()
                     for r in rows)


def post_text(p: PostView) -> str:
    if p.kind == "warning":
        return f"  ! {p.text}"
    head = f"{p.id[:SHORT_ID]}  {when(p.sent_at)}  {p.sender_name}"
    lines = []
    if p.reply_to is not None:
        excerpt = ("(deleted)" if p.reply_to.deleted else
                   "(not here)" if p.reply_to.missing else p.reply_to.excerpt)
        lines.append(f"    > {p.reply_to.sender_name}: {excerpt}")
    if p.deleted:
        body = f"(deleted by {p.deleted_by})" if p.deleted_by else "(deleted)"
    elif p.kind == "unsupported":
        body = "(a newer version of Coterie is needed to show this post)"
    else:
        body = p.text
    for line in body.splitlines() or [""]:
        lines.append(f"    {line}")
    extras = []
    if p.edited and not p.deleted:
        extras.append("edited")
    if p.sending:
        extras.append("sending")
    if p.reactions:
        extras.append(" ".join(f"{e} {len(n)}" for e, n in p.reactions.items()))
    if extras:
        lines.append("    [" + "; ".join(extras) + "]")
    lines.extend(f"    ! {w}" for w in p.warnings)
    return head + "\n" + "\n".join(lines)


def hit_text(h: SearchHit) -> str:
    snippet = h.snippet.replace(HIGHLIGHT_START, "[").replace(HIGHLIGHT_END, "]")
    return f"{h.group_name}  {h.post_id[:SHORT_ID]}  {when(h.sent_at)}  {h.sender_name}: {snippet}"
