"""The one keyring double of the test suite: an OS keyring kept in this process.

It behaves like the real backends (Secret Service, macOS Keychain, Windows Credential
Locker) at the points the app relies on: a missing entry reads as None, deleting a missing
entry raises keyring.errors.PasswordDeleteError, and a locked keyring (`locked = True`)
raises keyring.errors.KeyringLocked on every access, as Secret Service does when the user
dismisses the unlock prompt.
"""
from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    priority = 5  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}
        self.locked = False

    def _check(self) -> None:
        if self.locked:
            raise KeyringLocked("The keyring is locked.")

    def get_password(self, service: str, username: str) -> str | None:
        self._check()
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._check()
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._check()
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("Password not found.")
