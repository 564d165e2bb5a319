"""CLI start-up: `coterie read GROUP` on a profile unlocked through the keyring.

cli_read_s  wall time of `coterie --profile P read GROUP` (a group of 50 posts, the key from
            the keyring, so no Argon2id), median of 7 runs after one discarded; the ceiling
            is the bare interpreter starting and exiting (`python -c pass`) in the same
            runs, alternating. Target: <= 0.25 s. Both run with PYTHONPATH pointing at
            this tree, its bytecode compiled first (as an installed coterie has it; a
            PYTHONDONTWRITEBYTECODE environment would otherwise compile every module on
            every run).
"""
from __future__ import annotations

import compileall
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from app.api import Services
from bench.common import Row, latency_row, median
from tests.e2e.filekeyring import ENV_FILE, FileKeyring

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[2:5])} failed: {proc.stderr.strip()}")
    return elapsed


def run() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="coterie-bench-cli-") as tmp:
        root = Path(tmp)
        keyring_file = root / "keyring.json"
        profile = root / "profile"
        svc = Services(profile, keyring_backend=FileKeyring(keyring_file))
        try:
            svc.profile.create("Ana")
            gid = svc.groups.create("Bench", "http://127.0.0.1:9").id
            for i in range(50):
                svc.posts.post(gid, f"post {i} of an ordinary length for a small group")
        finally:
            svc.close()
        for package in ("app", "crypto", "sync", "ui"):
            compileall.compile_dir(ROOT / package, quiet=1)
        compileall.compile_dir(ROOT / "tests" / "e2e", quiet=1, maxlevels=0)
        env = {k: v for k, v in os.environ.items()
               if k not in ("COTERIE_PASSPHRASE", "COTERIE_HOME")}
        env.update(PYTHONPATH=str(ROOT), PYTHON_KEYRING_BACKEND="tests.e2e.filekeyring.FileKeyring")
        env[ENV_FILE] = str(keyring_file)
        read = [sys.executable, "-m", "ui.launcher", "--profile", str(profile), "read", gid]
        bare = [sys.executable, "-c", "pass"]
        ours, floor = [], []
        for i in range(RUNS + 1):
            t_bare, t_read = _timed(bare, env), _timed(read, env)
            if i:
                floor.append(t_bare)
                ours.append(t_read)
    return [latency_row("cli_read_s", median(ours), median(floor), "s",
                        f"`coterie read` of 50 posts, keyring unlock, median of {RUNS}; "
                        "ceiling = bare interpreter start (python -c pass); target <= 0.25 s")]


if __name__ == "__main__":  # pragma: no cover
    from bench.common import format_table

    print(format_table(run()))
