"""Groups and their members: `Services.groups`."""
from __future__ import annotations

import crypto
from app import notes
from app.access import Access
from app.admin import membership_op
from app.errors import InvalidInput, NotAllowed, NotFound
from app.governance import ROLES
from app.i18n import _
from app.names import check_name, label, lookalike_keys, shown_name
from app.profile import normalise_relay_url
from app.render import group_summary, sender_names
from app.runtime import Pending, Runtime, members_of
from app.settings import SettingsService
from app.store import GroupRecord, GroupSummaryRow, Store
from app.verification import is_verified
from app.views import (
    ChangeEvent,
    ChangeKind,
    GroupSummary,
    MemberView,
)


def _group_name(name: str) -> str:
    return check_name(name, _("The group name"))


def first_device_only() -> NotAllowed:
    """Why a linked device cannot create or join a group."""
    return NotAllowed(_("Create and join groups from your first device (the one that made "
                        "your identity); link this device again afterwards to follow it."))


class GroupService:
    """Create, list, rename, mute, read and leave groups; see and manage their members."""

    def __init__(self, access: Access, settings: SettingsService) -> None:
        self._access = access
        self._settings = settings

    # -- groups ------------------------------------------------------------------------------
    def create(self, name: str, relay: str | None = None) -> GroupSummary:
        rt = self._access.runtime()
        signer = rt.signer    # a restored device founds the group as the member's IK
        if signer is None:
            raise first_device_only()
        name = _group_name(name)
        relay_url = relay or self._settings.default_relay()
        if not relay_url:
            raise InvalidInput(_("Give a relay address; no default relay is set."))
        relay_url = normalise_relay_url(relay_url)
        now = rt.now()
        with rt.lock:
            session = crypto.GroupSession.create(signer, name, relay_url, rt.display_name,
                                                 now, rt.rng)
            gid = session.group_id

            def work(store: Store, pending: Pending) -> None:
                store.groups.add_group(GroupRecord(id=gid, name=name, relay_url=relay_url,
                                                   my_role="admin", state=session.to_bytes(),
                                                   created=now, last_activity=now))
                store.groups.replace_members(gid, members_of(gid, session))
                seq, entry_hash = session.control_head
                note = notes.entry(gid, seq, "genesis", rt.me, None, name, now,
                                   entry_hash)
                if note is not None:
                    store.groups.append_control([note])
                pending.relays.add(relay_url)
                pending.events.append(ChangeEvent(ChangeKind.GROUPS, gid.hex()))

            rt.adopt(gid, session)
            rt.commit(work, touched=[gid])
        return self.get(gid.hex())

    def list(self) -> list[GroupSummary]:
        rt = self._access.runtime()
        return _summaries(rt, rt.store.groups.list_groups())

    def get(self, group: str) -> GroupSummary:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        for row in rt.store.groups.list_groups():
            if row.id == gid:
                return _summaries(rt, [row])[0]
        raise NotFound(_("That group is not on this device."))

    def rename(self, group: str, name: str) -> None:
        rt = self._access.runtime()
        name = _group_name(name)
        membership_op(rt, group, lambda s: s.rename(name, rt.now(), rt.rng),
                            lambda store, s: store.groups.update_group(s.group_id, name=name))

    def set_muted(self, group: str, muted: bool) -> None:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        rt.store.groups.update_group(gid, muted=bool(muted))
        rt.hub.emit(ChangeEvent(ChangeKind.GROUPS, gid.hex()))

    def mark_read(self, group: str) -> None:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        rt.store.groups.mark_read(gid)
        rt.hub.emit(ChangeEvent(ChangeKind.GROUPS, gid.hex()))

    def leave(self, group: str) -> None:
        rt = self._access.runtime()
        record = rt.resolve_group(group)
        with rt.lock:
            rt.store.groups.delete_group(record.id)
            rt.forget([record.id])
        self._access.syncer().refresh({record.relay_url})
        rt.hub.emit(ChangeEvent(ChangeKind.GROUPS, record.id.hex()))

    # -- members -----------------------------------------------------------------------------
    def members(self, group: str) -> list[MemberView]:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        me = rt.me
        out = []
        stored = rt.store.groups.list_members(gid)
        alike = lookalike_keys((m.fingerprint, shown_name(m.display_name)) for m in stored)
        for m in stored:
            mine = m.ik == me
            out.append(MemberView(
                fingerprint=m.fingerprint,
                name=label(shown_name(m.display_name), m.fingerprint, m.fingerprint in alike),
                role=m.role if m.role in ROLES else "member",  # type: ignore[arg-type]
                safety_number="" if mine else crypto.safety_number(me, m.ik),
                safety_qr="" if mine else crypto.safety_qr_payload(me, m.ik), is_me=mine,
                verified=is_verified(rt, m.ik)))
        return out

    def promote(self, group: str, member: str) -> None:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        target = rt.resolve_member(gid, member)
        if target.role in ("admin", "owner"):
            raise InvalidInput(_('{name} is already an admin.').format(name=target.name))
        membership_op(rt, group, lambda s: s.promote(target.ik, rt.now(), rt.rng))

    def remove_member(self, group: str, member: str) -> None:
        rt = self._access.runtime()
        gid = rt.resolve_group(group).id
        target = rt.resolve_member(gid, member)
        if target.ik == rt.me:
            raise InvalidInput(_("You cannot remove yourself; leave the group instead."))
        membership_op(rt, group, lambda s: s.remove(target.ik, rt.now(), rt.rng))


def _summaries(rt: Runtime, rows: list[GroupSummaryRow]) -> list[GroupSummary]:
    """The group list's rows, each latest post's sender named as its conversation names them."""
    latest = [r for r in rows if r.last_sender_ik is not None]
    name = sender_names(rt.store, rt.me, [r.id for r in latest], crypto.fingerprint)
    return [group_summary(r, sender=name(r.id, r.last_sender_ik, r.last_sender)
                          if r.last_sender_ik is not None else None) for r in rows]

