"""The keyring double behaves like a real keyring backend where the app relies on it, and
the app copes with what real backends raise."""
from __future__ import annotations

from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, KeyringLocked, PasswordDeleteError
from keyrings.alt.file import PlaintextKeyring

from app.api import Services
from app.errors import ProfileError
from tests.keyring_double import MemoryKeyring


def real_file_backend(tmp_path: Path) -> KeyringBackend:
    """keyrings.alt's file backend: a real backend, kept in tmp_path."""
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring.cfg")  # type: ignore[misc]
    return backend


@pytest.mark.parametrize("make", [lambda _p: MemoryKeyring(), real_file_backend],
                         ids=["double", "keyrings.alt"])
def test_the_double_answers_like_a_real_backend(make, tmp_path: Path) -> None:  # noqa: ANN001
    backend = make(tmp_path)
    assert backend.get_password("coterie", "missing") is None
    with pytest.raises(PasswordDeleteError):
        backend.delete_password("coterie", "missing")
    backend.set_password("coterie", "entry", "value")
    assert backend.get_password("coterie", "entry") == "value"
    backend.delete_password("coterie", "entry")
    assert backend.get_password("coterie", "entry") is None


def test_a_locked_keyring_is_one_sentence_and_the_key_can_still_move(tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    svc = Services(tmp_path / "ana", keyring_backend=keyring)
    svc.profile.create("Ana")
    svc.close()
    keyring.locked = True
    with pytest.raises(KeyringError):
        keyring.get_password("coterie", "any")
    again = Services(tmp_path / "ana", keyring_backend=keyring)
    with pytest.raises(ProfileError, match="keyring"):
        again.profile.unlock()
    keyring.locked = False
    again.profile.unlock()
    keyring.entries.clear()  # someone removed the entry meanwhile: deleting it must not fail
    again.profile.change_passphrase("a long and new passphrase")
    assert again.profile.unlock_info().passphrase
    again.close()
    assert isinstance(KeyringLocked("x"), KeyringError)
