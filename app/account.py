"""The profile and its keys: create, unlock, change the protection: `Services.profile`."""
from __future__ import annotations

from typing import TYPE_CHECKING

import crypto
from app.access import Access
from app.errors import InvalidInput, ProfileError
from app.i18n import _
from app.keys import BACKUP_KEY_SETTING, KeyStore
from app.names import check_name
from app.store import DB_NAME
from app.views import ChangeEvent, ChangeKind, ProfileState, ProfileView, UnlockInfo

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend


class ProfileService:
    """Who I am on this device and how my store key is protected."""

    def __init__(self, access: Access, keyring_backend: KeyringBackend | None) -> None:
        self._access = access
        self._keys = access.keys
        self._keyring_backend = keyring_backend

    def state(self) -> ProfileState:
        if self._access.unlocked:
            return ProfileState.UNLOCKED
        if self._keys.exists() and (self._access.profile_dir / DB_NAME).exists():
            return ProfileState.LOCKED
        return ProfileState.NEW

    def unlock_info(self) -> UnlockInfo:
        info = self._keys.info()
        return UnlockInfo(keyring=info.keyring, passphrase=info.passphrase,
                          recovery=info.recovery)

    def keyring_available(self) -> bool:
        return KeyStore.keyring_usable(self._keyring_backend)

    def create(self, name: str, passphrase: str | None = None) -> str:
        """Create the profile and return the recovery code (show it once).

        passphrase None keeps the store key in the OS keyring (ProfileError if no real one).
        """
        clean = check_name(name)
        with self._access.guard:
            if self.state() is not ProfileState.NEW or self._keys.exists():
                raise ProfileError(_("A profile already exists here; unlock it instead."))
            if passphrase is not None and not passphrase:
                raise InvalidInput(_("The passphrase cannot be empty."))
            setup = self._keys.setup(passphrase)
            self._access.open(setup.key, clean)
            return setup.recovery_code

    def unlock(self, passphrase: str | None = None) -> None:
        """Open the store with the keyring (passphrase None) or the passphrase."""
        with self._access.guard:
            if self._access.unlocked:
                return
            if not self._keys.exists():
                raise ProfileError(_("There is no profile here yet; create one first."))
            self._access.open(self._keys.unlock(passphrase))

    def unlock_with_recovery(self, code: str, new_passphrase: str | None = None) -> None:
        """Open with the recovery code; re-wrap the key with new_passphrase (or the keyring)."""
        with self._access.guard:
            if not self._keys.exists():
                raise ProfileError(_("There is no profile here yet; create one first."))
            key = self._keys.unlock_with_recovery(code, new_passphrase)
            if not self._access.unlocked:
                self._access.open(key)

    def change_passphrase(self, new_passphrase: str | None) -> None:
        """New passphrase, or None to move the key into the OS keyring."""
        with self._access.guard:
            key = self._access.key()
            if new_passphrase is not None and not new_passphrase:
                raise InvalidInput(_("The passphrase cannot be empty."))
            self._keys.change_passphrase(key, new_passphrase)
            self._access.hub.emit(ChangeEvent(ChangeKind.PROFILE))

    def new_recovery_code(self) -> str:
        """Replace the recovery code; returns the new one (show it once)."""
        with self._access.guard:
            code = self._keys.new_recovery_code(self._access.key())
            # Backups are made under the old code's key until the new one is entered.
            self._access.runtime().store.settings.set(BACKUP_KEY_SETTING, "")
            return code

    def me(self) -> ProfileView:
        rt = self._access.runtime()
        mode = "keyring" if self._keys.info().keyring else "passphrase"
        return ProfileView(name=rt.display_name, fingerprint=crypto.fingerprint(rt.me),
                           protection=mode)
