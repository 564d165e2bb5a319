"""End-to-end pieces: a real relay process on loopback and the CLI run as separate processes."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx

from app.views import ChangeKind

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"relay at {url} did not become healthy")


@dataclass
class RelayProcess:
    """`coterie-relay` in its own process with its data dir and a captured log."""

    data_dir: Path
    log_path: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> RelayProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child process owns it
        self.proc = subprocess.Popen(
            [PY, "-m", "relay.cli", "--host", "127.0.0.1", "--port", str(self.port),
             "--data", str(self.data_dir)],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        wait_healthy(self.url)
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def kill9(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


@dataclass
class Cli:
    """Runs `python -m app.cli --profile DIR ...` with the environment a test chose."""

    profile: Path
    env: dict[str, str]
    fingerprint: str = ""
    recovery_code: str = ""
    clock_offset: float = 0.0

    def later(self, seconds: float) -> Cli:
        """The same profile run with its protocol clock `seconds` ahead (tests/e2e/clocked_cli.py)."""
        return replace(self, env={**self.env, "COTERIE_TEST_CLOCK_OFFSET": str(seconds)},
                       clock_offset=seconds)

    def run(self, *args: str, check: bool = True, timeout: float = 90.0) -> subprocess.CompletedProcess[str]:
        entry = "tests.e2e.clocked_cli" if self.clock_offset else "app.cli"
        proc = subprocess.run([PY, "-m", entry, "--profile", str(self.profile), *args],
                              cwd=ROOT, env=self.env, capture_output=True, text=True,
                              timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"coterie {' '.join(args[:2])} failed ({proc.returncode}): "
                                 f"{proc.stderr.strip()}")
        return proc

    def out(self, *args: str) -> str:
        return self.run(*args).stdout.strip()

    def json(self, *args: str) -> Any:
        return json.loads(self.run(*args, "--json").stdout)


def cli_env(keyring_file: Path | None, passphrase: str | None = None) -> dict[str, str]:
    """The environment for a CLI subprocess: the shared test keyring, or a passphrase."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("COTERIE_PASSPHRASE", "COTERIE_HOME", "PYTHON_KEYRING_BACKEND")}
    env["PYTHONPATH"] = str(ROOT)
    if keyring_file is not None:
        env["PYTHON_KEYRING_BACKEND"] = "tests.e2e.filekeyring.FileKeyring"
        env["COTERIE_TEST_KEYRING_FILE"] = str(keyring_file)
    else:
        env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    if passphrase is not None:
        env["COTERIE_PASSPHRASE"] = passphrase
    return env


class OpenProfile:
    """A CLI profile opened in this process (to look at protocol state the CLI hides)."""

    def __init__(self, cli: Cli) -> None:
        from app.api import Services
        from tests.e2e.filekeyring import ENV_FILE, FileKeyring

        backend = FileKeyring(Path(cli.env[ENV_FILE])) if ENV_FILE in cli.env else None
        self.services = Services(cli.profile, keyring_backend=backend)
        self.services.profile.unlock(cli.env.get("COTERIE_PASSPHRASE"))

    def session(self, group_id: bytes) -> Any:
        return self.services._access.runtime().session(group_id)

    def close(self) -> None:
        self.services.close()


def open_services(cli: Cli) -> OpenProfile:
    return OpenProfile(cli)




def wait_until(services: Any, ready: Callable[[], bool], timeout: float) -> bool:
    """Wait until `ready()` holds, re-checking on each connection change the services report
    (acks, relay state, outbox count); False when `timeout` seconds pass first."""
    changed = threading.Event()
    remove = services.add_listener(
        lambda event: changed.set() if event.kind is ChangeKind.CONNECTION else None)
    deadline = time.monotonic() + timeout
    try:
        while not ready():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            changed.wait(left)
            changed.clear()
        return True
    finally:
        remove()


def scan_for(root_paths: list[Path], needles: dict[str, bytes]) -> list[str]:
    """Names of the needles found in any file under the given paths (bytes, recursively)."""
    found = []
    files = [p for root in root_paths for p in ([root] if root.is_file() else root.rglob("*"))
             if p.is_file()]
    blobs = [f.read_bytes() for f in files]
    for name, needle in needles.items():
        if any(needle in blob for blob in blobs):
            found.append(name)
    return found
