"""`make run`: the app against a relay on this machine.

When COTERIE_RELAY is unset, a `coterie-relay` on 127.0.0.1:8765 (with its own SQLite
default data directory) is reused if one already answers there, or started and stopped
again when the app exits. Its address becomes the profile's default relay when none is set.

The relay runs in its own session, so Ctrl-C or Ctrl-Z in the terminal reach the app, not
the relay. A relay an earlier `make run` started that still holds the port without
answering (stopped, hung) is ended and replaced by a fresh one.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ui.display_check import check_display_libraries

HOST = "127.0.0.1"
PORT = 8765
START_TIMEOUT_S = 15.0


@dataclass
class LocalRelay:
    url: str
    process: subprocess.Popen[bytes] | None  # None when an already running relay is reused

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        _pidfile(self.url.rsplit(":", 1)[1]).unlink(missing_ok=True)
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


class RelayStartError(RuntimeError):
    """The local relay could not be started; the message is one sentence."""


def probe(url: str, timeout: float = 0.5) -> str:
    """"relay" when a Coterie relay answers /healthz, "other" when something else listens,
    "none" when nothing does."""
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=timeout) as resp:  # noqa: S310 - loopback only
            body = json.loads(resp.read(200).decode("utf-8", "replace"))
            return "relay" if isinstance(body, dict) and body.get("status") == "ok" else "other"
    except urllib.error.HTTPError:
        return "other"
    except (urllib.error.URLError, OSError, ValueError):
        return "none"


def _pidfile(port: int | str) -> Path:
    return Path(tempfile.gettempdir()) / f"coterie-dev-relay-{port}.pid"


def end_stale_relay(port: int, timeout: float = 5.0) -> bool:
    """End the relay an earlier run started on `port` if it is still there; True if it was.

    Only a process whose command line is this module's relay command is touched (Linux
    /proc), so a recycled pid never kills something else.
    """
    path = _pidfile(port)
    try:
        pid = int(path.read_text().strip())
    except (OSError, ValueError):
        return False
    path.unlink(missing_ok=True)
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    if b"from relay.cli import main" not in b" ".join(cmdline) or str(port).encode() not in cmdline:
        return False
    os.kill(pid, signal.SIGKILL)  # a stopped process would not act on SIGTERM
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.waitpid(pid, os.WNOHANG)  # reap it when it is our own child
        except ChildProcessError:
            pass
        try:
            if not Path(f"/proc/{pid}/cmdline").read_bytes():
                break  # a zombie: it no longer holds the port
        except OSError:
            break
        time.sleep(0.05)
    return True


def relay_command(host: str, port: int) -> list[str]:
    # The interpreter of this environment runs the relay's entry point, so it works whether
    # or not the venv's bin directory is on PATH.
    return [sys.executable, "-c", "import sys; from relay.cli import main; sys.exit(main())",
            "--host", host, "--port", str(port)]


def ensure_local_relay(host: str = HOST, port: int = PORT,
                       timeout: float = START_TIMEOUT_S) -> LocalRelay:
    url = f"http://{host}:{port}"
    found = probe(url)
    if found == "relay":
        return LocalRelay(url, None)
    if found == "other":
        raise RelayStartError(f"Port {port} is taken by something that is not a Coterie relay; "
                              "free it or set COTERIE_RELAY to a relay address.")
    # The relay logs to stderr for as long as it runs; a file, unlike a pipe nobody reads,
    # can never fill up and stall it.
    end_stale_relay(port)
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(relay_command(host, port), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    _pidfile(port).write_text(str(proc.pid))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            err = log.read().decode("utf-8", "replace")
            last = err.strip().splitlines()[-1] if err.strip() else f"exit code {proc.returncode}"
            raise RelayStartError(f"The local relay stopped at once: {last}")
        if probe(url) == "relay":
            return LocalRelay(url, proc)
        time.sleep(0.1)
    LocalRelay(url, proc).stop()
    raise RelayStartError(f"The local relay did not answer on {url} within {timeout:.0f} s.")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    advice = check_display_libraries()
    if advice:
        sys.stderr.write(advice)
        return 2
    relay_url = os.environ.get("COTERIE_RELAY", "").strip()
    local: LocalRelay | None = None
    if not relay_url:
        try:
            local = ensure_local_relay()
        except RelayStartError as exc:
            sys.stderr.write(f"{exc}\n")
            return 1
        relay_url = local.url
        how = "reusing the relay" if local.process is None else "started a local relay"
        sys.stderr.write(f"Coterie: {how} at {relay_url} (stopped when the app closes).\n"
                         if local.process else f"Coterie: {how} at {relay_url}.\n")
    try:
        from ui.gui import run_gui
        from ui.launcher import quiet_network_logs, split_gui_args

        quiet_network_logs()
        _is_gui, profile, link = split_gui_args(args)
        return run_gui(profile_dir=profile, join_link=link, default_relay=relay_url)
    finally:
        if local is not None:
            local.stop()


if __name__ == "__main__":
    sys.exit(main())
