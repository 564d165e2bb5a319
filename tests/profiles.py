"""Real profiles for tests: real SQLCipher stores under one folder, one in-memory keyring
(so unlocking does not pay Argon2id on every test), all closed when the block ends."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from app.api import Services
from tests.keyring_double import MemoryKeyring


@contextmanager
def profiles(root: Path, keyring: MemoryKeyring) -> Iterator[Callable[[str], Services]]:
    made: list[Services] = []

    def make(name: str) -> Services:
        svc = Services(root / name, keyring_backend=keyring)
        svc.profile.create(name)
        made.append(svc)
        return svc

    try:
        yield make
    finally:
        for svc in made:
            svc.close()
