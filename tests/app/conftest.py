"""Fixtures for app/ tests: real stores in tmp_path, an in-memory keyring standing in for
the OS one (so unlocking does not pay Argon2id on every test), a real relay on loopback."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import RelayProcess
from tests.keyring_double import MemoryKeyring
from tests.profiles import profiles


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def make_profile(tmp_path: Path, memory_keyring: MemoryKeyring) -> Iterator:
    with profiles(tmp_path, memory_keyring) as make:
        yield make


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[RelayProcess]:
    proc = RelayProcess(tmp_path / "relay-data", tmp_path / "relay.log").start()
    yield proc
    proc.stop()
