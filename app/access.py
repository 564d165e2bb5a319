"""The one owner of a profile's unlocked state, shared by every capability of `Services`.

Capabilities (profile, settings, groups, invites, posts, search, ...) hold this object, not
each other: `runtime()` and `syncer()` answer while the profile is unlocked and raise
ProfileError otherwise. `open` and `close` are the only places that change that state, under
`guard`.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import crypto
from app.errors import ProfileError
from app.events import EventHub
from app.i18n import N_, _
from app.keys import KeyStore
from app.profile import private_dir
from app.runtime import MEMBER_KEY_SETTING, Rng, Runtime
from app.store import Store
from app.views import ChangeEvent, ChangeKind

if TYPE_CHECKING:
    from app.syncer import Syncer

MSG_LOCKED = N_("The profile is locked; unlock it first.")
# On a linked device: the member's identity key (hex); app/devices.py writes it.
MEMBER_SETTING = "device.member"
CERT_SETTING = "device.cert"          # on a linked device: its certificate (hex)
NAME_SETTING = "device.name"          # this device's own name
FIRST_NAME_SETTING = "device.first_name"   # on a linked device: the first device's name


class Access:
    """Opens and closes the store and sync for one profile directory."""

    def __init__(self, profile_dir: Path, keys: KeyStore, hub: EventHub,
                 clock: Callable[[], float], rng: Rng) -> None:
        self.profile_dir = profile_dir
        self.keys = keys
        self.hub = hub
        self.clock = clock
        self.rng = rng
        self.guard = threading.RLock()
        self._rt: Runtime | None = None
        self._sync: Syncer | None = None
        # Kept while unlocked (SQLCipher holds it anyway) so the protection can be changed.
        self._key: bytes | None = None

    @property
    def unlocked(self) -> bool:
        return self._rt is not None

    def runtime(self) -> Runtime:
        rt = self._rt
        if rt is None:
            raise ProfileError(_(MSG_LOCKED))
        return rt

    def syncer(self) -> Syncer:
        """The sync side of the unlocked profile, made on first use: a command that only
        reads the store never loads the sync engine. Made, it takes over the durable outbox
        (everything committed before it existed too) and from then on each commit's work."""
        sync = self._sync
        if sync is not None:
            return sync
        rt = self.runtime()
        from app.syncer import Syncer
        # Under the protocol lock (which a caller may already hold): no commit hands its
        # work over while the new engine takes the outbox.
        with rt.lock:
            sync = self._sync
            if sync is None:
                sync = self._sync = Syncer(rt)
            return sync

    def syncer_if_open(self) -> Syncer | None:
        """The sync side if it was made (None while locked or before its first use)."""
        return self._sync

    def key(self) -> bytes:
        key = self._key
        if key is None:
            raise ProfileError(_(MSG_LOCKED))
        return key

    def open(self, key: bytes, name: str | None = None) -> None:
        """Open the store with `key`; a new profile (name given) gets a fresh identity."""
        private_dir(self.profile_dir)  # also tightens a folder made 0755 by older versions
        store = Store.open(self.profile_dir, key)
        try:
            now = int(self.clock())
            record = store.identity.get()
            if record is None:
                if name is None:
                    raise ProfileError(_("This profile has no identity; create it again with init."))
                identity = crypto.Identity.generate(now, self.rng)
                store.identity.save(identity.to_bytes(), name, now)
                store.settings.set("display_name", name)
                display = name
            else:
                identity = crypto.Identity.from_bytes(record.blob)
                display = store.settings.get("display_name") or record.display_name
            rt = Runtime(self.profile_dir, store, identity, display, self.hub, self.clock,
                         self.rng)
            member = store.settings.get(MEMBER_SETTING)
            if member:
                rt.me = bytes.fromhex(member)   # a linked device (app/devices.py)
                member_key = store.settings.get(MEMBER_KEY_SETTING)
                if member_key:
                    held = crypto.Identity.from_bytes(bytes.fromhex(member_key))
                    rt.member_key = held if held.ik == rt.me else None
            self._rt = rt
            self._key = key
        except BaseException:
            self._rt = self._sync = None
            store.close()
            raise
        self.hub.emit(ChangeEvent(ChangeKind.PROFILE))

    def close(self) -> None:
        """Stop sync, close the store; locked afterwards."""
        with self.guard:
            sync, rt = self._sync, self._rt
            self._sync = self._rt = None
            self._key = None
            if sync is not None:
                sync.stop()
            if rt is not None:
                rt.store.close()
