"""schemathesis against a real `coterie-relay` on loopback: every request it generates from
/openapi.json, valid and invalid, gets the answer the document promises.

All of schemathesis's checks run, positive-data acceptance included: a request the schema
admits is never refused as malformed (the relay answers 403 or 404 because random keys do
not sign, which the check allows), and one it refuses is never accepted. The relay runs with
its real code and small limits (so the generated lists and envelopes stay small and the
413 bounds are reached) and rate limits out of the way; the seed and the number of cases
per operation are fixed, so the run is bounded (about half a minute) and repeatable.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.relay.process import start_relay, stop_relay

pytestmark = pytest.mark.slow

RELAY_LIMITS = """
[limits]
rate_per_second = 100000.0
rate_burst = 100000
verify_rate_per_second = 100000.0
verify_burst = 100000
info_rate_per_second = 100000.0
info_burst = 100000
create_per_minute = 1000000.0
create_burst = 100000
max_nonces_per_client = 1000000
max_envelope_bytes = 96
max_batch_items = 4
max_subscribe_mailboxes = 4
fetch_max_limit = 50
fetch_default_limit = 20
"""
# A list or an envelope over the relay's documented limit is refused with 413 (docs/relay.md,
# and the client halves its batch on it), which the document names for every such field.
SCHEMATHESIS_CONFIG = """
[checks.negative_data_rejection]
expected-statuses = ["400", "403", "404", "405", "413"]
"""
CASES_PER_OPERATION = 25
SEED = 17


def test_the_relay_answers_as_its_openapi_document_says(tmp_path: Path) -> None:
    (tmp_path / "relay.toml").write_text(RELAY_LIMITS)
    (tmp_path / "schemathesis.toml").write_text(SCHEMATHESIS_CONFIG)
    proc, url, _line = start_relay(tmp_path / "data", "--config", str(tmp_path / "relay.toml"))
    try:
        doc = httpx.get(f"{url}/openapi.json").json()
        operations = sum(1 for item in doc["paths"].values() for method in item
                         if method != "parameters")
        run = subprocess.run(
            [sys.executable, "-m", "schemathesis.cli", "--no-color",
             "--config-file", str(tmp_path / "schemathesis.toml"), "run",
             f"{url}/openapi.json", "--checks", "all", "--max-examples",
             str(CASES_PER_OPERATION), "--seed", str(SEED), "--workers", "1",
             "--request-timeout", "10", "--report-dir", str(tmp_path / "report")],
            cwd=tmp_path, capture_output=True, text=True, timeout=600)
    finally:
        code, _out, err = stop_relay(proc)
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
    tested = re.search(r"Tested: (\d+)", run.stdout)
    generated = re.search(r"(\d+) generated, (\d+) passed", run.stdout)
    # every operation but /openapi.json itself, which schemathesis leaves out
    assert tested and int(tested.group(1)) >= operations - 1 >= 12, run.stdout[-3000:]
    assert generated and generated.group(1) == generated.group(2), run.stdout[-3000:]
    assert int(generated.group(1)) >= operations * CASES_PER_OPERATION
    assert code == 0, err[-2000:]
