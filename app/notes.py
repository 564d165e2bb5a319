"""Membership changes as one-line notes in the timeline (who, what, when).

In an encrypted group the members must see who can read what they write from now on, so
every applied control entry that changes who is in the group, who is an admin or what the
group is called is kept in the store's control log and shown between the posts:
"Ana added Bea", "Ana removed Cleo", "Ana made Bea an admin", "Ana made Bo a moderator",
"Ana handed ownership to Bea", "Ana renamed the group to “Books”". Key rotations change
nobody's access and are not shown. A role entry's row has the kind "role:<new role>".

A control-log row keeps what the note needs, not the signed entry: `kind` is the op,
`author_ik` who made the change, `blob` the member concerned (one length byte, the key,
then the name as it was then, UTF-8; for a rename only the new group name).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

import crypto
from app.i18n import _
from app.names import isolate, label, lookalike_keys, shown_name
from app.store.records import ControlEntry
from app.views import PostView

SHOWN_OPS = ("genesis", "add", "remove", "promote", "rename")
ROLE_KIND = "role:"
NOTE_PREFIX = "note-"


def shown(kind: str) -> bool:
    return kind in SHOWN_OPS or kind.startswith(ROLE_KIND)


def _role_sentence(role: str, mine: bool, to_me: bool) -> str:
    """A role note as a whole sentence per role and person (languages conjugate)."""
    if role == "owner":
        return (_("You handed ownership to {subject}") if mine else
                _("{actor} handed ownership to you") if to_me else
                _("{actor} handed ownership to {subject}"))
    if role == "admin":
        return (_("You made {subject} an admin") if mine else
                _("{actor} made you an admin") if to_me else _("{actor} made {subject} an admin"))
    if role == "moderator":
        return (_("You made {subject} a moderator") if mine else
                _("{actor} made you a moderator") if to_me else
                _("{actor} made {subject} a moderator"))
    if role == "observer":
        return (_("You made {subject} an observer") if mine else
                _("{actor} made you an observer") if to_me else
                _("{actor} made {subject} an observer"))
    return (_("You made {subject} a member") if mine else
            _("{actor} made you a member") if to_me else _("{actor} made {subject} a member"))


def _blob(target_ik: bytes | None, name: str | None) -> bytes:
    target = target_ik or b""
    return bytes([len(target)]) + target + (name or "").encode("utf-8")


def _unblob(blob: bytes) -> tuple[bytes | None, str]:
    if not blob:
        return None, ""
    n = blob[0]
    target = blob[1:1 + n] or None
    return target, blob[1 + n:].decode("utf-8", "replace")


def entry(group_id: bytes, seq: int, op: str, actor_ik: bytes, target_ik: bytes | None,
          name: str | None, at: int, entry_hash: bytes = b"",
          role: str | None = None) -> ControlEntry | None:
    """A control-log row for one change, or None for a change that is not shown."""
    if op == "role" and role:
        op = ROLE_KIND + role
    if not shown(op):
        return None
    return ControlEntry(group_id, seq, entry_hash, op, actor_ik, _blob(target_ik, name), at)


def from_event(group_id: bytes, ev: crypto.MembershipChanged) -> ControlEntry | None:
    """The row for a change someone else made (as the session applied it)."""
    return entry(group_id, ev.control_seq, ev.op, ev.actor_ik, ev.target_ik, ev.target_name,
                 ev.at, role=ev.role)


Snapshot = tuple[str, dict[bytes, tuple[str, str]]]  # group name, ik -> (name, role)


def snapshot(session: crypto.GroupSession) -> Snapshot:
    """What a note compares: the group's name and its members with their roles."""
    return session.name, {m.ik: (m.name, m.role) for m in session.members()}


def from_change(group_id: bytes, before: Snapshot, session: crypto.GroupSession,
                actor_ik: bytes, at: int) -> ControlEntry | None:
    """The row for a change I just made: what differs between `before` and now."""
    seq, entry_hash = session.control_head
    name, members = before
    after = snapshot(session)[1]
    for ik, (who, _role) in after.items():
        if ik not in members:
            return entry(group_id, seq, "add", actor_ik, ik, who, at, entry_hash)
    for ik, (who, _role) in members.items():
        if ik not in after:
            return entry(group_id, seq, "remove", actor_ik, ik, who, at, entry_hash)
    changed = [(ik, who, role) for ik, (who, role) in after.items() if members[ik][1] != role]
    changed.sort(key=lambda c: c[2] != "owner")   # a hand-over names the new owner
    for ik, who, role in changed[:1]:
        if role == "admin" and members[ik][1] in ("member", "moderator", "observer"):
            return entry(group_id, seq, "promote", actor_ik, ik, who, at, entry_hash)
        return entry(group_id, seq, "role", actor_ik, ik, who, at, entry_hash, role=role)
    if session.name != name:
        return entry(group_id, seq, "rename", actor_ik, None, session.name, at, entry_hash)
    return None


def note_text(row: ControlEntry, name_of: Callable[[bytes, str], str], me: bytes) -> str:
    """One sentence; names isolated so a right-to-left name cannot reorder it."""
    target, stored = _unblob(row.blob)

    # Whole sentences per case, "You ..." apart: other languages conjugate for the person.
    mine = row.author_ik == me
    actor = "" if mine else (isolate(name_of(row.author_ik, _("someone")))
                             if row.author_ik is not None else isolate(_("someone")))
    subject = isolate(name_of(target, shown_name(stored))) if target is not None else ""
    if row.kind == "genesis":
        text = _("You created the group") if mine else _("{actor} created the group")
    elif row.kind == "add" and target == row.author_ik:
        text = _("You joined") if mine else _("{actor} joined")
    elif row.kind == "add" and target == me:
        text = _("{actor} added you")
    elif row.kind == "add":
        text = _("You added {subject}") if mine else _("{actor} added {subject}")
    elif row.kind == "remove" and target == me:
        text = _("{actor} removed you")
    elif row.kind == "remove":
        text = _("You removed {subject}") if mine else _("{actor} removed {subject}")
    elif row.kind == "promote" and target == me:
        text = _("{actor} made you an admin")
    elif row.kind == "promote":
        text = _("You made {subject} an admin") if mine else _("{actor} made {subject} an admin")
    elif row.kind.startswith(ROLE_KIND):
        text = _role_sentence(row.kind[len(ROLE_KIND):], mine, target == me)
    else:
        text = (_("You renamed the group to “{name}”") if mine
                else _("{actor} renamed the group to “{name}”"))
    return text.format(actor=actor, subject=subject, name=isolate(shown_name(stored)))


def target_of(row: ControlEntry) -> bytes | None:
    """The member a control-log row names."""
    return _unblob(row.blob)[0]


def former_names(rows: list[ControlEntry]) -> dict[bytes, str]:
    """The (cleaned) names members had when the control log last named them: for people
    who have left, as notes and the moderation log show them."""
    out: dict[bytes, str] = {}
    for r in rows:
        target, stored = _unblob(r.blob)
        if target is not None and r.kind != "rename" and stored:
            out[target] = shown_name(stored)
    return out


def note_views(rows: list[ControlEntry], members: Mapping[bytes, str],
               fingerprint: Callable[[bytes], str], me: bytes) -> list[PostView]:
    """Timeline rows (kind "event") for the shown entries of one group's control log.

    `members` maps identity keys to current members' (cleaned) names. People named in the
    notes who are no longer members keep the name they had; any name that looks like
    another one, member or not, carries its fingerprint tag."""
    known = dict(members)
    for r in rows:
        target, stored = _unblob(r.blob)
        if target is not None and r.kind != "rename":
            known.setdefault(target, shown_name(stored))
    alike = {bytes.fromhex(k) for k in lookalike_keys((ik.hex(), n) for ik, n in known.items())}

    def name_of(ik: bytes | None, fallback: str) -> str:
        if ik is None:
            return shown_name(fallback)
        return label(known.get(ik, shown_name(fallback)), fingerprint(ik), ik in alike)

    return [PostView(id=f"{NOTE_PREFIX}{r.seq}", group_id=r.group_id.hex(),
                     sender_name=name_of(r.author_ik, "someone"),
                     sender_fingerprint=fingerprint(r.author_ik), sent_at=r.created,
                     text=note_text(r, name_of, me), kind="event", code=r.kind)
            for r in rows if shown(r.kind)]
