"""The profile folder is private (0700) from the first write, and an existing open one is
tightened when the profile is used."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from app.api import Services
from tests.keyring_double import MemoryKeyring

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_profile_folder_is_0700_even_with_an_open_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        svc = Services(tmp_path / "new" / "profile", keyring_backend=MemoryKeyring())
        svc.profile.create("Ana")
        svc.close()
    finally:
        os.umask(old)
    assert mode(tmp_path / "new" / "profile") == 0o700
    assert mode(tmp_path / "new" / "profile" / "store.db") == 0o600


def test_an_existing_open_profile_folder_is_tightened_on_create_and_on_unlock(
        tmp_path: Path) -> None:
    keyring = MemoryKeyring()
    folder = tmp_path / "profile"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    svc = Services(folder, keyring_backend=keyring)
    svc.profile.create("Ana")
    svc.close()
    assert mode(folder) == 0o700
    os.chmod(folder, 0o755)  # as an older version left it
    again = Services(folder, keyring_backend=keyring)
    again.profile.unlock()
    again.close()
    assert mode(folder) == 0o700
