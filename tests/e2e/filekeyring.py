"""A keyring backend for tests that several processes share through one JSON file.

It stands in for an OS keyring (Secret Service, Keychain) so end-to-end tests that run
the CLI in many subprocesses unlock with the raw store key instead of paying Argon2id on
every command. It is loaded only through PYTHON_KEYRING_BACKEND in tests; the product
never imports it.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

ENV_FILE = "COTERIE_TEST_KEYRING_FILE"


class FileKeyring(KeyringBackend):
    priority = 5  # type: ignore[assignment]

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self._file = path

    def _path(self) -> Path:
        return self._file or Path(os.environ[ENV_FILE])

    def _load(self) -> dict[str, str]:
        path = self._path()
        return json.loads(path.read_text()) if path.exists() else {}

    def _save(self, data: dict[str, str]) -> None:
        path = self._path()
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, path)

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\x00{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\x00{username}"] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}\x00{username}", None) is None:
            raise PasswordDeleteError("no such entry")
        self._save(data)
