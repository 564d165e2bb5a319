"""Running `coterie-relay` as a subprocess for tests: start, read the start line, stop."""
from __future__ import annotations

import re
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

START_LINE = re.compile(r"^coterie-relay listening on (http://\S+):(\d+), storing in (.+)$")


def start_relay(data: Path, *extra: str, env: dict[str, str] | None = None,
                timeout: float = 20.0, max_files: int | None = None,
                ) -> tuple[subprocess.Popen[str], str, str]:
    """(process, base URL, start line) of a relay on a free loopback port; `max_files`
    lowers its file-descriptor limit."""
    def limit_files() -> None:
        if max_files is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (max_files, max_files))

    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; from relay.cli import main; sys.exit(main())",
         "--port", "0", "--data", str(data), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=limit_files)
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    match = START_LINE.match(line)
    if not match or time.monotonic() > deadline:
        proc.kill()
        raise AssertionError(f"no start line from the relay: {line!r} {proc.stderr.read()!r}")
    return proc, f"{match.group(1)}:{match.group(2)}", line


def stop_relay(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    """SIGTERM, then (exit code, stdout, stderr); a relay that does not stop is killed."""
    proc.send_signal(signal.SIGTERM)
    try:
        out, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return proc.returncode, out, err
