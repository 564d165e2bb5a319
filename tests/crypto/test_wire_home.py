"""The relay-facing wire format loads without the client's key handling.

The relay imports crypto.relay_wire; importing it must not load the rest of crypto/
(sessions, identities, chains, the libsodium layer). Checked in a fresh interpreter that
starts a real relay on loopback and serves requests, so imports made by other tests in
this process cannot hide or fake the result."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What the relay may load of crypto/: the package's lazy __init__, the wire format, the blob
# size arithmetic it checks uploads with, and the error root WireError derives from.
RELAY_SIDE = {"crypto", "crypto.errors", "crypto.relay_wire", "crypto.blob_sizes"}

_PROGRAM = """
import json, sys
import httpx
from relay.testing import RelayThread
with RelayThread() as relay:
    health = httpx.get(relay.url + "/healthz").status_code
    refused = httpx.post(relay.url + "/v1/mailboxes", json={"mailbox": "AAAA"}).status_code
print(json.dumps({"health": health, "refused": refused,
                  "crypto": sorted(m for m in sys.modules
                                   if m == "crypto" or m.startswith("crypto."))}))
"""


def _crypto_modules_in(program: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_running_relay_loads_only_the_wire_format_of_crypto() -> None:
    seen = _crypto_modules_in(_PROGRAM)
    assert seen["health"] == 200 and seen["refused"] == 400
    assert set(seen["crypto"]) == RELAY_SIDE  # type: ignore[arg-type]


def test_the_client_api_still_loads_on_first_use() -> None:
    seen = _crypto_modules_in(
        "import json, sys, crypto\n"
        "before = 'crypto.session' in sys.modules\n"
        "session_type = crypto.GroupSession\n"
        "from crypto import Identity, PendingJoin\n"
        "print(json.dumps({'before': before, 'crypto': sorted(sys.modules)}))\n")
    assert seen["before"] is False
    assert {"crypto.session", "crypto.identity", "crypto.pending"} <= set(seen["crypto"])  # type: ignore[arg-type]
