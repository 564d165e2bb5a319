"""What every admin operation shares: checking I am an admin, committing a membership change."""
from __future__ import annotations

from collections.abc import Callable

import crypto
from app import moderation_log, notes, profiles_inbound
from app.errors import NotAllowed
from app.i18n import _
from app.reasons import explain, sync_text
from app.runtime import Pending, Runtime, members_of
from app.store import GroupRecord, Store
from app.views import ChangeEvent, ChangeKind
from sync.errors import SyncError


def sentence(exc: Exception) -> str:
    """An exception's text as one sentence for the user (crypto/'s refusals translated)."""
    text = (explain(exc) if isinstance(exc, crypto.CryptoError)
            else sync_text(str(exc)) if isinstance(exc, SyncError) else str(exc))
    text = text.strip().rstrip(".")
    return (text[:1].upper() + text[1:] + ".") if text else _("That did not work.")


def stored_role(session: crypto.GroupSession) -> str:
    """What the store keeps as my role in a group: "admin" for the owner and admins (who
    may manage it), else moderator, member or observer."""
    return "admin" if session.is_admin else (session.my_role or "member")


def admin_session(rt: Runtime, group: str) -> tuple[GroupRecord, crypto.GroupSession]:
    """The group and its session when I am an admin of it; NotAllowed otherwise."""
    record = rt.resolve_group(group)
    if record.removed:
        raise NotAllowed(_("You were removed from this group; it is read-only now."))
    session = rt.session(record.id)
    if not session.is_admin:
        raise NotAllowed(_("Only an admin of this group can do that."))
    return record, session

def membership_op(rt: Runtime, group: str,
                  op: Callable[[crypto.GroupSession], list[crypto.Outgoing]],
                  extra: Callable[[Store, crypto.GroupSession], None] | None = None) -> None:
    """Run an admin change on the session and commit state, members and envelopes at once."""
    record, session = admin_session(rt, group)
    gid = record.id
    with rt.lock:
        before = notes.snapshot(session)
        before_iks = [m.ik for m in session.members()]
        try:
            outgoing = op(session)
        except crypto.CryptoError as exc:
            rt.forget([gid])
            raise NotAllowed(sentence(exc)) from exc

        added = {m.ik for m in session.members()} - set(before_iks)

        def work(store: Store, pending: Pending) -> None:
            if added:   # the newcomers cannot read profiles and titles sent before
                outgoing.extend(profiles_inbound.reannounce(rt, store, gid, session, True))
                outgoing.extend(moderation_log.reannounce_settings(rt, store, gid, session))
            store.groups.save_group_state(gid, session.to_bytes())
            store.groups.replace_members(gid, members_of(gid, session))
            store.groups.update_group(gid, my_role=stored_role(session),
                               last_activity=rt.now())
            if extra is not None:
                extra(store, session)
            note = notes.from_change(gid, before, session, rt.me, rt.now())
            if note is not None:
                store.groups.append_control([note])
                pending.events.append(ChangeEvent(ChangeKind.POSTS, gid.hex()))
            rt.enqueue_in_txn(store, session.relay_url, outgoing, gid, pending)
            pending.relays.add(session.relay_url)
            pending.events += [ChangeEvent(ChangeKind.MEMBERS, gid.hex()),
                               ChangeEvent(ChangeKind.GROUPS, gid.hex())]

        rt.commit(work, touched=[gid])
