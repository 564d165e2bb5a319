"""A CLI command that only reads the local store starts without the network stack: httpx,
the sync engine's relay flows and the blob client load when a command first talks to
a relay (sync/__init__.py and sync/engine.py import them on first use)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_PROGRAM = """
import json, sys
import ui.launcher, app.cli, app.api
loaded = sorted(m for m in ("httpx", "httpcore", "sync.transport", "sync.flows",
                            "sync.live", "sync.blob_transport", "PySide6") if m in sys.modules)
from sync.engine import SyncEngine
engine = SyncEngine(lambda batch: None, lambda acks: None)
client = engine._client_factory("http://127.0.0.1:9")
print(json.dumps({"loaded": loaded, "client": type(client).__module__,
                  "after": "httpx" in sys.modules}))
"""


def test_the_cli_loads_no_network_code_until_it_talks_to_a_relay() -> None:
    done = subprocess.run([sys.executable, "-c", _PROGRAM], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["loaded"] == []
    assert seen["client"] == "sync.transport" and seen["after"] is True
