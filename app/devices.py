"""Linked devices: `Services.devices` — link a new desktop, join as one, list and revoke.

Linking (docs/protocol.md §16.6). The device holding the member's identity key shows a code
(crypto/link.py) and waits; the new installation sends its device key; both show five words
derived from what they exchanged, and the person confirms they match on both screens. Only
then does the linking device certify the new device in every group (sent and acknowledged
by the relay first, so every member reads the certificate before anything the device sends),
and send it, encrypted under a key from the code and the exchange, a copy of its store made
for the new device (app/store/device_copy.py): the groups, their state seen from the new
device, the history and the files. The new device keeps nothing unless the whole transfer
authenticated; it sends its sender keys and is then one more device of the member.

A code is good for one new device and ten minutes; the link mailbox is closed when done.
The link channel (its messages, waiting on the relay) is app/device_link_channel.py; packing
and unpacking the store copy is app/device_copy_pack.py. `LinkFailed` and `Progress` are
imported from here by the windows and the CLI.

Never call `link` or `join` on the GUI thread: they wait on the relay and copy the store.
"""
from __future__ import annotations

import logging
import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from keyring.backend import KeyringBackend

import crypto
from app.access import FIRST_NAME_SETTING, NAME_SETTING, Access
from app.backup import has_profile
from app.device_activity import LINKED_SETTING, last_active
from app.device_copy_pack import pack, unpack
from app.device_link_channel import (
    WORDS_SECONDS,
    LinkChannel,
    LinkFailed,
    Progress,
    code_gone,
    refused,
    tampered,
)
from app.device_restore import start_device
from app.errors import InviteError, NotAllowed, NotFound, ProfileError, RelayUnavailable
from app.i18n import _
from app.keys import KeyStore, Setup
from app.sending import save_and_send
from app.store import DB_NAME, device_copy
from crypto import link as wire
from crypto.devices import DeviceCert, ReadPosition, certify, device_id

log = logging.getLogger(__name__)

Confirm = Callable[[str, str], bool]       # (words, the other side's name) -> they match


@dataclass(frozen=True)
class DeviceView:
    id: str                 # 16 hex digits (crypto.devices.device_id)
    name: str
    linked_at: int | None   # the first device: when it made the identity
    last_active: int | None
    revoked: bool
    this_device: bool
    first: bool             # holds the member's identity key


@dataclass(frozen=True)
class LinkInfo:
    device_id: str
    name: str
    words: str
    groups: int
    bytes: int
    history: bool = True        # the past posts and files went along


@dataclass(frozen=True)
class JoinInfo:
    member: str
    fingerprint: str
    device_id: str
    words: str
    groups: int
    recovery_code: str


class DeviceService:
    def __init__(self, access: Access, keyring_backend: KeyringBackend | None) -> None:
        self._access = access
        self._keyring_backend = keyring_backend

    # -- the list ---------------------------------------------------------------------------------
    def list(self) -> list[DeviceView]:
        """This member's devices: the first one (holding the identity key) and every linked
        one any group knows of, revoked ones included."""
        rt = self._access.runtime()
        last = last_active(rt.store)
        records: dict[bytes, crypto.devices.DeviceRecord] = {}
        for g in rt.store.groups.all_groups():
            if g.removed:
                continue
            for rec in rt.session(g.id).device_records(rt.me):
                known = records.get(rec.cert.device_pk)
                if known is None or (rec.revoked and not known.revoked):
                    records[rec.cert.device_pk] = rec
        first_name = rt.store.settings.get(NAME_SETTING if not rt.linked_device
                                           else FIRST_NAME_SETTING)
        first_revoked = any(rt.session(g.id).first_device_revoked()
                            for g in rt.store.groups.all_groups() if not g.removed)
        record = rt.store.identity.get()
        now = rt.now()      # this desktop is active now
        out = [DeviceView(device_id(rt.me), first_name or _("first device"),
                          record.created if record is not None else None,
                          now if not rt.linked_device else last.get(rt.me.hex()), first_revoked,
                          not rt.linked_device, True)]
        for rec in sorted(records.values(), key=lambda r: (r.cert.linked_at, r.cert.device_pk)):
            pk = rec.cert.device_pk
            mine = pk == rt.identity.ik
            out.append(DeviceView(rec.cert.device_id, rec.cert.name, rec.cert.linked_at,
                                  now if mine else last.get(pk.hex()), rec.revoked, mine, False))
        return out

    def can_link(self) -> bool:
        """True where this desktop can link another: it holds the member's identity key
        (the first desktop, or a restored one)."""
        return self._access.runtime().signer is not None

    # -- revoking ---------------------------------------------------------------------------------
    def revoke(self, device: str) -> int:
        """Revoke a device of this member by its id (or a unique start of it) in every group
        that knows it; returns how many groups. The rotating admin's client then starts a
        new key period in each (at once when that is this device)."""
        rt = self._access.runtime()
        ref = device.strip().lower()
        if len(ref) < 4:
            raise InvalidDeviceId()
        found: set[bytes] = set()
        for g in rt.store.groups.all_groups():
            if g.removed:
                continue
            for rec in rt.session(g.id).device_records(rt.me):
                if rec.cert.device_id.startswith(ref):
                    found.add(rec.cert.device_pk)
        if device_id(rt.me).startswith(ref) and not found:
            if not rt.linked_device:
                raise NotAllowed(_("Revoke this device from another of your devices (or, if "
                                   "it is lost, from a restored one)."))
            found.add(rt.me)    # the first device, revoked from this linked one
        if not found:
            raise NotFound(_("None of your devices has the id '{id}'.").format(id=device))
        if len(found) > 1:
            raise NotFound(_("More than one of your devices starts with '{id}'; type more of "
                             "its id.").format(id=device))
        target = found.pop()
        if target == rt.identity.ik:
            raise NotAllowed(_("Revoke this device from another of your devices."))
        done = 0
        with rt.lock:
            now = rt.now()
            for g in rt.store.groups.all_groups():
                if g.removed:
                    continue
                session = rt.session(g.id)
                if target == rt.me:
                    # done already, or a group this (restored) device entered itself and
                    # seals in as the identity key: no other device of the member is there
                    if session.first_device_revoked() or session.my_ik == rt.me:
                        continue
                elif not [r for r in session.device_records(rt.me)
                          if r.cert.device_pk == target and not r.revoked]:
                    continue
                try:
                    outgoing = session.revoke_device(target, now, rt.rng)
                except crypto.CryptoError as exc:
                    rt.forget([g.id])
                    raise NotAllowed(str(exc)) from None
                save_and_send(rt, g.id, session, outgoing)
                done += 1
        return done

    # -- read positions -----------------------------------------------------------------------------
    def share_read(self, gid: bytes, channel: bytes) -> None:
        """Tell this member's other devices that `channel` was read up to its newest post
        (nothing is sent when the member has no other device)."""
        rt = self._access.runtime()
        newest = rt.store.channels.newest_post(gid, channel)
        if newest is None:
            return
        with rt.lock:
            session = rt.session(gid)
            if session.status != "active":
                return
            pos = ReadPosition(channel, newest[0], newest[1], rt.now())
            try:
                sealed = session.read_sync(pos, rt.now(), rt.rng)
            except crypto.CryptoError:
                rt.forget([gid])
                return
            if sealed is None:
                return
            save_and_send(rt, gid, session, [sealed.outgoing])

    # -- linking (on the device holding the identity key) ------------------------------------------
    def link(self, on_code: Callable[[str], None], confirm: Confirm,
             progress: Progress | None = None, *, relay: str | None = None,
             timeout: float = wire.LINK_SECONDS, history: bool = True) -> LinkInfo:
        """Show a code (`on_code`), wait for the new device, have the person compare the
        words (`confirm`), certify it everywhere and send it the store copy: the groups and
        their state, with their past posts and files unless `history` is False."""
        rt = self._access.runtime()
        signer = rt.signer
        if signer is None:
            raise NotAllowed(_("Link new devices from your first device (the one that made "
                               "your identity) or a restored one."))
        groups = [g for g in rt.store.groups.all_groups() if not g.removed]
        url = relay or rt.store.settings.get("default_relay") or (
            groups[0].relay_url if groups else "")
        if not url:
            raise InvalidDeviceRelay()
        for g in groups:
            if len(rt.session(g.id).device_records(rt.me)) - sum(
                    1 for r in rt.session(g.id).device_records(rt.me) if r.revoked) \
                    >= crypto.devices.MAX_DEVICES - 1:
                raise NotAllowed(_("You have {count} devices already; revoke one "
                                   "first.").format(count=crypto.devices.MAX_DEVICES))
        code = wire.new_code(url, rt.rng)
        ch = LinkChannel(code, rt.clock, rt.rng)
        started = time.monotonic()
        try:
            ch.create(rt.now() + wire.LINK_SECONDS)
            on_code(code.text())
            hello_body = ch.wait_for(wire.TYPE_HELLO, started + timeout)
            hello = wire.Hello.decode(hello_body)
            eph_secret, eph_pk = wire.ephemeral(rt.rng)
            offer_body = wire.Offer(eph_pk, rt.me, rt.display_name).encode()
            ch.send([wire.seal(code, wire.TYPE_OFFER, offer_body, rt.rng)])
            t = wire.transcript(hello_body, offer_body)
            words = wire.words(t)
            if not confirm(words, hello.name):
                raise refused()
            tk = wire.transfer_key(code, eph_secret, hello.eph_pk, t)
            cert = certify(signer, hello.device_pk, hello.device_spk, hello.name,
                           rt.now())
            self._certify_everywhere(cert, groups)
            rt.store.settings.set(LINKED_SETTING, "1")
            payload = pack(self._access, cert, progress, history)
            ch.send(wire.seal_chunks(code, tk, payload, rt.rng))
            done = ch.wait_for(wire.TYPE_DONE, time.monotonic() + WORDS_SECONDS)
            if done != wire.done_digest(payload):
                raise tampered()
            return LinkInfo(cert.device_id, cert.name, words, len(groups), len(payload),
                            history)
        except crypto.CryptoError:
            raise tampered() from None
        finally:
            ch.close_mailbox()
            ch.shut()

    def _certify_everywhere(self, cert: DeviceCert, groups: list) -> None:  # type: ignore[type-arg]
        rt = self._access.runtime()
        with rt.lock:
            now = rt.now()
            for g in groups:
                session = rt.session(g.id)
                try:
                    sealed = session.certify_device(cert, now, rt.rng)
                except crypto.CryptoError as exc:
                    rt.forget([g.id])
                    raise NotAllowed(str(exc)) from None
                save_and_send(rt, g.id, session, [sealed.outgoing])
        # every certificate reaches the relay before the new device can send anything
        report = self._access.syncer().sync_once(60.0)
        if report.offline or rt.store.outbox.outbox_count():
            raise RelayUnavailable(_("The relay could not be reached to announce the new "
                                     "device; nothing was transferred. Try again."))

    # -- joining (on the new installation) ------------------------------------------------------------
    def join(self, code_text: str, name: str, passphrase: str | None, confirm: Confirm,
             progress: Progress | None = None, *, relay: str | None = None,
             timeout: float = WORDS_SECONDS) -> JoinInfo:
        """Become a new device of the member whose device shows `code_text` (the whole code,
        or its short form with `relay`). The profile folder must hold no profile; nothing
        is written unless everything checked out."""
        access = self._access
        target = access.profile_dir
        if access.unlocked or has_profile(target):   # the same rule as a restore
            raise ProfileError(_("There is already a profile in {path}; link into a new folder "
                                 "(--profile).").format(path=target))
        name = (name or "").strip()
        if not name or len(name.encode("utf-8")) > crypto.devices.MAX_DEVICE_NAME_BYTES:
            raise InvalidDeviceName()
        if passphrase is None and not KeyStore.keyring_usable(self._keyring_backend):
            raise ProfileError(_("No secure OS keyring is available; choose a passphrase for "
                                 "this device's profile."))
        try:
            if code_text.strip().startswith(wire.CODE_PREFIX):
                code = wire.parse_code(code_text)
            elif not relay:
                raise LinkFailed(_("A short link code needs the relay it goes through "
                                   "(--relay URL, shown beside the code)."))
            else:
                code = wire.parse_short(code_text, relay)
        except crypto.CryptoError:
            raise LinkFailed(_("That is not a link code; check it and type it again."),
                             "typed") from None
        now = int(access.clock())
        device = crypto.Identity.generate(now, access.rng)
        ch = LinkChannel(code, access.clock, access.rng)
        tmp: Path | None = None
        made: dict[str, object] = {}      # the new store key, made during the transfer
        try:
            bodies, closed = ch.read()
            if closed:
                raise code_gone()
            for body in bodies:
                typ, _inner = wire.open_message(code, body)
                if typ == wire.TYPE_HELLO:
                    raise code_gone()      # another device took this code first
            eph_secret, eph_pk = wire.ephemeral(access.rng)
            hello_body = wire.Hello(eph_pk, device.ik, device.spk, name).encode()
            ch.send([wire.seal(code, wire.TYPE_HELLO, hello_body, access.rng)])
            offer_body = ch.wait_for(wire.TYPE_OFFER, time.monotonic() + timeout)
            offer = wire.Offer.decode(offer_body)
            t = wire.transcript(hello_body, offer_body)
            words = wire.words(t)
            if not confirm(words, offer.member_name):
                raise refused()
            tk = wire.transfer_key(code, eph_secret, offer.eph_pk, t)
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.parent / f".linking-{target.name}-{secrets.token_hex(6)}"
            os.mkdir(tmp, 0o700)
            keys = KeyStore(tmp, self._keyring_backend)
            # the new store key (its recovery wrap is an Argon2id run) is made while the
            # transfer arrives: receiving mostly waits on the relay

            def make_key() -> None:
                try:
                    made["setup"] = keys.setup(passphrase)
                except BaseException as exc:  # noqa: BLE001 - raised below, on this thread
                    made["error"] = exc

            maker = threading.Thread(target=make_key, name="link-key", daemon=True)
            maker.start()
            try:
                payload = ch.receive(tk, progress, timeout)
            finally:
                maker.join()
            if "error" in made:
                raise made["error"]  # type: ignore[misc]
            setup = made["setup"]
            assert isinstance(setup, Setup)
            manifest = unpack(payload, tmp)
            device_copy.rekey(tmp / DB_NAME, bytes.fromhex(manifest["db_key"]), setup.key,
                              device.to_bytes(), {"device.self": device.ik.hex()})
            if target.exists():
                target.rmdir()
            os.replace(tmp, target)
            tmp = None
            ch.send([wire.seal(code, wire.TYPE_DONE, wire.done_digest(payload), access.rng)])
        except crypto.CryptoError:
            raise tampered() from None
        finally:
            ch.shut()
            if tmp is not None:
                if "setup" in made:
                    keys.discard()      # nothing is kept: neither is the keyring entry
                shutil.rmtree(tmp, ignore_errors=True)
        with access.guard:
            access.open(setup.key)
        groups = self._start()
        return JoinInfo(offer.member_name, crypto.fingerprint(offer.member_ik),
                        device_id(device.ik), words, groups, setup.recovery_code)

    def _start(self) -> int:
        """On the new device, once open: its sender key in every group, then sync."""
        return start_device(self._access, 30.0)


def short_code(code_text: str) -> tuple[str, str]:
    """(short code to type, its relay) of a whole link code, for showing beside it."""
    code = wire.parse_code(code_text)
    return code.short(), code.relay_url


def is_link_code(text: str) -> bool:
    """Whether `text` is a whole link code (what the QR shows): the window checks a code
    read from a picture with this before it fills the field; the join checks it again."""
    try:
        wire.parse_code(text)
    except crypto.CryptoError:
        return False
    return True


class InvalidDeviceId(NotFound):
    def __init__(self) -> None:
        super().__init__(_("Give at least the first four characters of the device id "
                           "(`coterie device list`)."))


class InvalidDeviceName(InviteError):
    def __init__(self) -> None:
        super().__init__(_("Give this device a name of 1 to 64 bytes (--name)."))


class InvalidDeviceRelay(InviteError):
    def __init__(self) -> None:
        super().__init__(_("Set a default relay first (coterie settings --default-relay URL); "
                           "the link travels through it."))
