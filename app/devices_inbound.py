"""What this member's other devices send, as it arrives (kinds 48-51), for app/inbound.py:
read positions (crypto opened them only for this member's devices) and groups our first
device handed to this linked device (app/device_handoff.py), adopted with the batch."""
from __future__ import annotations

import json
from typing import Any

import crypto
from app.admin import stored_role
from app.device_activity import note_active
from app.inbound_work import GroupWork, Opener, queued
from app.runtime import Pending, Runtime
from app.store import GroupRecord, Store
from app.views import ChangeEvent, ChangeKind
from crypto.devices import HandedGroup, ReadPosition


def open_handed(rt: Runtime, gw: GroupWork, gid: bytes, ev: crypto.ContentReceived,
                name: str, now: int) -> None:
    gw.handed.append(ev.content)    # crypto opened it only from our first device


def apply_read_position(rt: Runtime, store: Store, gid: bytes, gw: GroupWork, sender: bytes,
                        ev: Any) -> None:
    c = ev.content
    if store.channels.mark_read_to(gid, c.channel, c.message_id):
        gw.channels_changed = True


def adopt_handed(rt: Runtime, work: dict[bytes, GroupWork], touched: set[bytes],
                 now: int) -> list[tuple[crypto.GroupSession, HandedGroup]]:
    """Groups our first device handed to this linked device (app/device_handoff.py):
    their sessions join this batch, with our sender key for each."""
    adopted: list[tuple[crypto.GroupSession, HandedGroup]] = []
    for gw in list(work.values()):
        for handed in gw.handed:
            gid = handed.group_id
            if gid in work or rt.store.groups.get_group(gid) is not None:
                continue
            try:
                session = crypto.GroupSession.from_bytes(handed.state, rt.identity)
            except crypto.CryptoError:
                continue
            if session.group_id != gid or session.member_ik != rt.me:
                continue
            rt.adopt(gid, session)
            touched.add(gid)
            new = work[gid] = GroupWork(session)
            new.members_changed = new.epoch_changed = True
            new.outgoing += session.start_device(now, rt.rng)
            adopted.append((session, handed))
    return adopted


def store_handed(store: Store, pending: Pending, session: crypto.GroupSession,
                 handed: HandedGroup, now: int) -> None:
    gid = session.group_id
    store.groups.add_group(GroupRecord(id=gid, name=session.name, relay_url=session.relay_url,
                                       my_role=stored_role(session),
                                       state=session.to_bytes(), created=now,
                                       last_activity=now))
    try:   # where the first device had read: this one starts there, not at the start
        cursors = json.loads(handed.extra.decode("utf-8") or "{}")
        for mailbox, cursor in cursors.items():
            store.outbox.set_cursor(bytes.fromhex(mailbox), int(cursor), now)
    except (ValueError, TypeError, AttributeError, UnicodeDecodeError):
        pass
    pending.relays.add(session.relay_url)
    pending.events.append(ChangeEvent(ChangeKind.GROUPS, gid.hex()))


OPENERS: dict[type, Opener] = {ReadPosition: queued(apply_read_position),
                               HandedGroup: open_handed}
# taken as they are: not counted as this member's activity, nor checked for order or gaps
UNSCREENED = (HandedGroup,)


def finish(rt: Runtime, store: Store, gid: bytes, gw: GroupWork) -> None:
    if gw.active:     # my devices' last signed times seen in this batch
        note_active(store, gw.active)
