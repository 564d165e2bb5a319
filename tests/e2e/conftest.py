"""Fixtures for end-to-end tests: a real relay process on loopback and CLI profiles that
run as separate processes (sharing a test keyring file instead of paying Argon2id on
every command)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import Cli, RelayProcess, cli_env


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[RelayProcess]:
    proc = RelayProcess(tmp_path / "relay-data", tmp_path / "relay.log").start()
    yield proc
    proc.stop()


@pytest.fixture
def make_cli(tmp_path: Path) -> Callable[..., Cli]:
    keyring_file = tmp_path / "keyring.json"

    def make(name: str, passphrase: str | None = None) -> Cli:
        env = cli_env(None if passphrase else keyring_file, passphrase)
        cli = Cli(tmp_path / "profiles" / name, env)
        created = cli.json("init", "--name", name)
        cli.fingerprint, cli.recovery_code = created["fingerprint"], created["recovery_code"]
        return cli

    return make
