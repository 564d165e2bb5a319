"""The application facade: one `Services` object per profile, used by the UI and the CLI.

Every method is synchronous and may block on the store, Argon2id or the network, so the UI
calls them from a worker thread, never the GUI thread. Methods are safe to call from several
threads at once (one lock guards the per-group protocol state).

Listeners registered with `add_listener` are called from a non-GUI thread (the sync
thread or the calling worker) with a `ChangeEvent`; they must return quickly and marshal
to the GUI thread themselves (Qt: emit a signal with a queued connection).

GROUP arguments accept a group id or its unique name; MEMBER arguments accept a
fingerprint (any unique prefix, spaces ignored) or a unique display name.
Every failure is an `app.errors.AppError` whose str() is one sentence for the user.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from keyring.backend import KeyringBackend

import crypto
from app.errors import AppError, InvalidInput, ProfileError
from app.events import EventHub
from app.groups import GroupsMixin
from app.keys import KeyStore
from app.posts import PostsMixin
from app.profile import normalise_relay_url
from app.runtime import Runtime
from app.store import DB_NAME, Store
from app.syncer import Syncer
from app.views import (
    ChangeEvent,
    ChangeKind,
    ConnectionStatus,
    ProfileState,
    ProfileView,
    Settings,
    SyncReport,
    Theme,
    UnlockInfo,
)

DEFAULT_INVITE_USES = 1
DEFAULT_INVITE_TTL = 72 * 3600
DEFAULT_PAGE = 50
THEMES = ("system", "light", "dark")

Listener = Callable[[ChangeEvent], None]
log = logging.getLogger(__name__)


class Services(GroupsMixin, PostsMixin):
    """Everything a member can do with one profile directory."""

    def __init__(self, profile_dir: Path, *, keyring_backend: KeyringBackend | None = None,
                 clock: Callable[[], float] = time.time,
                 rng: Callable[[int], bytes] = os.urandom) -> None:
        """Bind to a profile directory; nothing is opened until init_profile or unlock.

        keyring_backend None uses the OS keyring (keyring.get_keyring()); clock and rng are
        seams for tests.
        """
        self.profile_dir = Path(profile_dir)
        self._keys = KeyStore(self.profile_dir, keyring_backend)
        self._keyring_backend = keyring_backend
        self._clock = clock
        self._rng = rng
        self._hub = EventHub()
        self._guard = threading.RLock()
        self._rt: Runtime | None = None
        self._sync: Syncer | None = None
        # Kept while unlocked (SQLCipher holds it anyway) so the protection can be changed.
        self._key: bytes | None = None

    # -- internal access ---------------------------------------------------------------------
    def _runtime(self) -> Runtime:
        if self._rt is None:
            raise ProfileError("The profile is locked; unlock it first.")
        return self._rt

    def _syncer(self) -> Syncer:
        if self._sync is None:
            raise ProfileError("The profile is locked; unlock it first.")
        return self._sync

    def _open(self, key: bytes, name: str | None = None) -> None:
        store = Store.open(self.profile_dir, key)
        try:
            now = int(self._clock())
            record = store.get_identity()
            if record is None:
                if name is None:
                    raise ProfileError("This profile has no identity; create it again with init.")
                identity = crypto.Identity.generate(now, self._rng)
                store.save_identity(identity.to_bytes(), name, now)
                store.set_setting("display_name", name)
                display = name
            else:
                identity = crypto.Identity.from_bytes(record.blob)
                display = store.get_setting("display_name") or record.display_name
            rt = Runtime(self.profile_dir, store, identity, display, self._hub, self._clock,
                         self._rng)
            self._rt = rt
            self._sync = Syncer(rt)
            self._key = key
        except BaseException:
            self._rt = self._sync = None
            store.close()
            raise
        self._hub.emit(ChangeEvent(ChangeKind.PROFILE))

    # -- profile -------------------------------------------------------------------------------
    def profile_state(self) -> ProfileState:
        if self._rt is not None:
            return ProfileState.UNLOCKED
        if self._keys.exists() and (self.profile_dir / DB_NAME).exists():
            return ProfileState.LOCKED
        return ProfileState.NEW

    def unlock_info(self) -> UnlockInfo:
        info = self._keys.info()
        return UnlockInfo(keyring=info.keyring, passphrase=info.passphrase,
                          recovery=info.recovery)

    def keyring_available(self) -> bool:
        return KeyStore.keyring_usable(self._keyring_backend)

    def init_profile(self, name: str, passphrase: str | None = None) -> str:
        """Create the profile and return the recovery code (show it once).

        passphrase None keeps the store key in the OS keyring (ProfileError if no real one).
        """
        clean = " ".join((name or "").split())
        if not clean:
            raise InvalidInput("Your name cannot be empty.")
        if len(clean) > 100:
            raise InvalidInput("Your name can be at most 100 characters.")
        with self._guard:
            if self.profile_state() is not ProfileState.NEW or self._keys.exists():
                raise ProfileError("A profile already exists here; unlock it instead.")
            if passphrase is not None and not passphrase:
                raise InvalidInput("The passphrase cannot be empty.")
            setup = self._keys.setup(passphrase)
            self._open(setup.key, clean)
            return setup.recovery_code

    def unlock(self, passphrase: str | None = None) -> None:
        """Open the store with the keyring (passphrase None) or the passphrase."""
        with self._guard:
            if self._rt is not None:
                return
            if not self._keys.exists():
                raise ProfileError("There is no profile here yet; create one first.")
            self._open(self._keys.unlock(passphrase))

    def unlock_with_recovery(self, code: str, new_passphrase: str | None = None) -> None:
        """Open with the recovery code; re-wrap the key with new_passphrase (or the keyring)."""
        with self._guard:
            if not self._keys.exists():
                raise ProfileError("There is no profile here yet; create one first.")
            key = self._keys.unlock_with_recovery(code, new_passphrase)
            if self._rt is None:
                self._open(key)

    def change_passphrase(self, new_passphrase: str | None) -> None:
        """New passphrase, or None to move the key into the OS keyring."""
        with self._guard:
            self._runtime()
            if new_passphrase is not None and not new_passphrase:
                raise InvalidInput("The passphrase cannot be empty.")
            assert self._key is not None
            self._keys.change_passphrase(self._key, new_passphrase)
            self._hub.emit(ChangeEvent(ChangeKind.PROFILE))

    def new_recovery_code(self) -> str:
        """Replace the recovery code; returns the new one (show it once)."""
        with self._guard:
            self._runtime()
            assert self._key is not None
            return self._keys.new_recovery_code(self._key)

    def me(self) -> ProfileView:
        rt = self._runtime()
        mode = "keyring" if self._keys.info().keyring else "passphrase"
        return ProfileView(name=rt.display_name, fingerprint=rt.identity.fingerprint,
                           protection=mode)

    def close(self) -> None:
        """Stop sync, close the store; the object is locked afterwards."""
        with self._guard:
            sync, rt = self._sync, self._rt
            self._sync = self._rt = None
            self._key = None
            if sync is not None:
                sync.stop()
            if rt is not None:
                rt.store.close()

    # -- settings ------------------------------------------------------------------------------
    def settings(self) -> Settings:
        rt = self._runtime()
        values = rt.store.all_settings()
        theme = values.get("theme", "system")
        return Settings(display_name=rt.display_name,
                        default_relay=values.get("default_relay", ""),
                        theme=theme if theme in THEMES else "system")  # type: ignore[arg-type]

    def update_settings(self, *, display_name: str | None = None,
                        default_relay: str | None = None, theme: Theme | None = None) -> Settings:
        rt = self._runtime()
        if display_name is not None:
            clean = " ".join(display_name.split())
            if not clean or len(clean) > 100:
                raise InvalidInput("Your name must be 1 to 100 characters.")
            rt.store.set_setting("display_name", clean)
            rt.display_name = clean
        if default_relay is not None:
            value = normalise_relay_url(default_relay) if default_relay.strip() else ""
            rt.store.set_setting("default_relay", value)
        if theme is not None:
            if theme not in THEMES:
                raise InvalidInput("The theme is system, light or dark.")
            rt.store.set_setting("theme", theme)
        self._hub.emit(ChangeEvent(ChangeKind.PROFILE))
        return self.settings()

    # -- sync ------------------------------------------------------------------------------------
    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Register a change listener; returns a function that unregisters it."""
        return self._hub.add(listener)

    def start(self) -> None:
        """Start the live sync engine (push connection per relay) in its own thread."""
        self._syncer().start()

    def stop(self) -> None:
        if self._sync is not None:
            self._sync.stop()

    def connection(self) -> ConnectionStatus:
        return self._syncer().connection()

    def sync_once(self, timeout: float = 30.0) -> SyncReport:
        """Push the outbox, fetch and process everything pending, then return (CLI `sync`)."""
        try:
            return self._syncer().sync_once(timeout)
        except AppError:
            raise
        except crypto.CryptoError as exc:
            raise AppError(f"A message could not be processed: {exc}") from exc
