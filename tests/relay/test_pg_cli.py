"""`coterie-relay --database postgresql://…`: where the setting comes from, and a relay
process serving from PostgreSQL."""
from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from relay.cli import build_config
from relay.errors import ConfigError
from tests.relay import pg
from tests.relay.process import start_relay, stop_relay
from tests.relay.wire import append_body, cap, create_body, messages_path, proof_headers, read_proof


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE", "CONFIG"):
        monkeypatch.delenv(f"COTERIE_RELAY_{name}", raising=False)


def test_database_from_flag_environment_or_file(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert build_config([])[0].database is None          # the SQLite default stays
    file = tmp_path / "relay.toml"
    file.write_text('[relay]\ndatabase = "postgresql://file@db/relay"\n')
    assert build_config(["--config", str(file)])[0].database == "postgresql://file@db/relay"
    monkeypatch.setenv("COTERIE_RELAY_DATABASE", "postgresql://env@db/relay")
    assert build_config(["--config", str(file)])[0].database == "postgresql://env@db/relay"
    assert build_config(["--database", "postgres://flag@db/relay"])[0].database == \
        "postgres://flag@db/relay"
    with pytest.raises(ConfigError, match="postgresql://"):
        build_config(["--database", "mysql://db/relay"])


@pytest.mark.slow
def test_a_relay_process_serves_from_postgresql(tmp_path: Path) -> None:
    with pg.schema() as schema:
        proc, url, line = start_relay(tmp_path, "--database", pg.relay_url(schema))
        try:
            assert "storing in postgresql://" in line and "search_path" not in line
            box = cap("pg-cli")
            with httpx.Client(base_url=url) as client:
                assert client.get("/healthz").json() == {"status": "ok"}
                assert client.post("/v1/mailboxes", json=create_body(box)).status_code == 201
                r = client.post(messages_path(box), json=append_body(box, [b"one", b"two"]))
                assert r.json() == {"cursors": [1, 2]}
                page = client.get(messages_path(box),
                                  headers=proof_headers(read_proof(box, int(time.time()))))
                assert [m["cursor"] for m in page.json()["messages"]] == [1, 2]
        finally:
            code, out, err = stop_relay(proc)
        assert code == 0, err
        # nothing was stored in the data directory (which holds only the blob files' folder)
        assert [p.name for p in tmp_path.iterdir()] == ["blobs"]
        assert not list((tmp_path / "blobs").iterdir())
