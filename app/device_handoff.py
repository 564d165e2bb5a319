"""Groups the first device enters after a link reach the member's linked devices.

Housekeeping on the device holding the member's identity key (app/syncer.py): a group that
lacks one of the member's active linked devices gets that device's certificate first; once
the relay holds it (the group's outbox is empty), the group's state made for the device is
handed to it, boxed to it alone, through another group the device already reads (kind 51,
docs/protocol.md §16.3). The linked device adopts the group when it reads that
(app/devices_inbound.py) and sends its sender key there. Nothing here runs on a linked device or without one.
"""
from __future__ import annotations

import json
import logging

import crypto
from app.device_activity import has_other_devices
from app.runtime import Runtime
from app.sending import save_and_send
from crypto.devices import DeviceCert, HandedGroup

log = logging.getLogger(__name__)

DUE_SETTING = "device.handoff_due"     # JSON {group id hex: [device key hex]}


class _PublicDevice:
    def __init__(self, ik: bytes) -> None:
        self.ik = ik


def _due(rt: Runtime) -> dict[str, list[str]]:
    try:
        raw = json.loads(rt.store.settings.get(DUE_SETTING) or "{}")
        return {str(k): [str(x) for x in v] for k, v in raw.items()} if isinstance(raw, dict) else {}
    except (ValueError, TypeError, AttributeError):
        return {}


def hand_over(rt: Runtime, now: int) -> None:
    """One round (call with rt.lock held): certify missing devices, hand groups over."""
    if rt.linked_device or not has_other_devices(rt.store):
        return
    groups = [g for g in rt.store.groups.all_groups() if not g.removed]
    sessions = {g.id: rt.session(g.id) for g in groups}
    certs: dict[bytes, DeviceCert] = {}
    revoked: set[bytes] = set()
    for s in sessions.values():
        if s.status != "active":
            continue
        for rec in s.device_records(rt.me):
            if rec.revoked:
                revoked.add(rec.cert.device_pk)
            else:
                certs.setdefault(rec.cert.device_pk, rec.cert)
    for pk in revoked:
        certs.pop(pk, None)
    if not certs:
        return
    due = _due(rt)
    changed = False
    for gid, s in sessions.items():
        if s.status != "active":
            continue
        known = {r.cert.device_pk for r in s.device_records(rt.me)}
        for pk, cert in certs.items():
            if pk in known:
                continue
            try:
                sealed = s.certify_device(cert, now, rt.rng)
            except crypto.CryptoError:
                rt.forget([gid])
                continue
            save_and_send(rt, gid, s, [sealed.outgoing])
            due.setdefault(gid.hex(), []).append(pk.hex())
            changed = True
    for gid_hex, pks in list(due.items()):
        gid = bytes.fromhex(gid_hex)
        s = sessions.get(gid)
        if s is None or s.status != "active":
            del due[gid_hex]
            changed = True
            continue
        if rt.store.outbox.outbox_count(gid):
            continue       # the certificate is not at the relay yet: next round
        for pk_hex in list(pks):
            pk = bytes.fromhex(pk_hex)
            cert = certs.get(pk)
            carrier = next((c for cid, c in sessions.items() if cid != gid
                            and c.status == "active"
                            and any(r.cert.device_pk == pk and not r.revoked
                                    for r in c.device_records(rt.me))), None)
            if cert is None or carrier is None:
                pks.remove(pk_hex)
                changed = True
                continue
            cursors = {mb.id.hex(): rt.store.outbox.get_cursor(mb.id)
                       for mb in s.mailboxes(now)}
            handed = HandedGroup(gid, s.for_device(_PublicDevice(pk), rt.rng),  # type: ignore[arg-type]
                                 json.dumps(cursors).encode())
            try:
                sealed = carrier.hand_over(handed, (pk, cert.device_spk), now, rt.rng)
            except crypto.CryptoError:
                log.warning("a group could not be handed to a linked device")
                rt.forget([carrier.group_id])
                pks.remove(pk_hex)
                changed = True
                continue
            save_and_send(rt, carrier.group_id, carrier, [sealed.outgoing])
            pks.remove(pk_hex)
            changed = True
        if not pks:
            due.pop(gid_hex, None)
    if changed:
        rt.store.settings.set(DUE_SETTING, json.dumps(due, sort_keys=True))


