"""A restored profile becomes a new device of the same member (docs/protocol.md §16.8).

A backup holds the member's identity key (IK) and the chains the backed-up device sealed
on. Were the restored profile to go on sealing with them, it would take the same places
in the member's history as the old machine whenever both post (the others report a fork and
drop one). So a restore, once it has read everything the relays hold since the backup
(app/backup.py), makes the profile a device of its own:

1. it draws a device key and prekey and certifies them with the IK;
2. it turns every group's state into the state of that device (crypto `restored_device`:
   the IK's chain becomes another device's chain it reads, its own chains are fresh), keeps
   the IK beside the device key (it signs certificates and control entries this device
   carries), and leaves invites and join requests to the device sealing as the IK;
3. it sends its first sender key in every group with the certificate attached: the device
   introduces itself, so the restored profile never seals as the IK again and cannot take
   a place in the member's history that the old machine takes too.

From then on the old machine, if it still runs, is another device of the member; the
restored one can revoke it (`coterie device revoke`, the first device in the list).

Never call these on the GUI thread: they wait on the relay.
"""
from __future__ import annotations

import socket

import crypto
from app.access import (
    CERT_SETTING,
    FIRST_NAME_SETTING,
    MEMBER_SETTING,
    NAME_SETTING,
    Access,
)
from app.errors import AppError, NotAllowed
from app.i18n import _
from app.runtime import MEMBER_KEY_SETTING, Pending
from app.sending import save_and_send
from app.store import Store
from crypto.devices import MAX_DEVICE_NAME_BYTES, DeviceCert, certify


def default_name() -> str:
    """This machine's name, as a device name (1..64 bytes)."""
    try:
        host = socket.gethostname().strip()
    except OSError:
        host = ""
    name = host.encode("utf-8")[:MAX_DEVICE_NAME_BYTES].decode("utf-8", "ignore").strip()
    return name or _("Restored desktop")


def warnings_mark(access: Access) -> int:
    """The newest stored warning's id, before a restore reads what was sent since the
    backup (see `become_device`)."""
    store = access.runtime().store
    return max((w.id for g in store.groups.all_groups()
                for w in store.groups.list_warnings(g.id, include_dismissed=True)), default=0)


def become_device(access: Access, name: str, mark: int | None = None) -> DeviceCert | None:
    """Make the open, caught-up profile a new device of its member (steps 1 and 2 of the
    module doc); None when it holds no identity key (a backup of a plain linked device
    stays that device). `mark` (warnings_mark before reading since the backup): the
    warnings read since about messages in the member's name are dismissed: they are the old
    machine's posts, from now on another device's."""
    rt = access.runtime()
    signer = rt.signer
    if signer is None:
        return None
    now = rt.now()
    device = crypto.Identity.generate(now, rt.rng)
    cert = certify(signer, device.ik, device.spk, name, now)
    first_name = (rt.store.settings.get(FIRST_NAME_SETTING) if rt.linked_device
                  else rt.store.settings.get(NAME_SETTING)) or ""
    with rt.lock:
        states: dict[bytes, bytes] = {}
        for g in rt.store.groups.all_groups():
            try:
                states[g.id] = rt.session(g.id).restored_device(device, cert, rt.rng)
            except crypto.CryptoError as exc:
                raise NotAllowed(_("The restored profile cannot become a device in {group}: "
                                   "{reason}").format(group=g.name, reason=exc)) from None
            finally:
                rt.forget([g.id])
        record = rt.store.identity.get()
        assert record is not None

        def work(store: Store, pending: Pending) -> None:
            for gid, blob in states.items():
                store.groups.save_group_state(gid, blob)
            store.identity.save(device.to_bytes(), record.display_name, record.created)
            store.invites.drop_all()
            if mark is not None:
                for g in store.groups.all_groups():
                    for w in store.groups.list_warnings(g.id):
                        if w.id > mark and w.sender_ik == rt.me and w.kind == "fork":
                            store.groups.dismiss_warning(w.id)
            for key, value in ((MEMBER_SETTING, rt.me.hex()),
                               (MEMBER_KEY_SETTING, signer.to_bytes().hex()),
                               (CERT_SETTING, cert.to_bytes().hex()),
                               (NAME_SETTING, cert.name),
                               (FIRST_NAME_SETTING, first_name)):
                store.settings.set(key, value)

        rt.commit(work, touched=list(states))
    return cert


def start_device(access: Access, timeout: float, cert: DeviceCert | None = None) -> int:
    """On a new device, once open: its sender key in every group (with `cert` when the
    device introduces itself), then one sync; returns how many groups."""
    rt = access.runtime()
    n = 0
    with rt.lock:
        now = rt.now()
        for g in rt.store.groups.all_groups():
            if g.removed:
                continue
            session = rt.session(g.id)
            outgoing = session.start_device(now, rt.rng, cert)
            save_and_send(rt, g.id, session, outgoing)
            n += 1
    try:
        access.syncer().sync_once(timeout)
    except AppError:
        pass   # the sender keys wait in the outbox
    return n
