"""`coterie-relay`: settings from flags, environment and file; the start line; SIGTERM."""
from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

import httpx
import pytest
from platformdirs import user_data_dir

from crypto.relay_wire import b64e
from relay.cli import build_config, main
from relay.errors import ConfigError
from tests.relay.process import start_relay
from tests.relay.wire import append_body, cap, create_body, messages_path, proof_headers, read_proof


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOST", "PORT", "DATA", "DATABASE", "CONFIG", "SSL_CERTFILE", "SSL_KEYFILE",
                 "LOG_LEVEL"):
        monkeypatch.delenv(f"COTERIE_RELAY_{name}", raising=False)


def test_defaults() -> None:
    config, tls = build_config([])
    assert (config.host, config.port) == ("127.0.0.1", 8765)
    assert config.data_dir == Path(user_data_dir("coterie-relay"))
    assert tls == {}


def test_flag_beats_environment_beats_file(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "relay.toml"
    file.write_text('[relay]\nhost = "0.0.0.0"\nport = 9000\ndata = "/srv/from-file"\n'
                    "[limits]\nrate_per_second = 7\n")
    monkeypatch.setenv("COTERIE_RELAY_CONFIG", str(file))
    monkeypatch.setenv("COTERIE_RELAY_PORT", "9100")
    config, _ = build_config(["--data", str(tmp_path)])
    assert config.host == "0.0.0.0"          # from the file
    assert config.port == 9100               # the environment beats the file
    assert config.data_dir == tmp_path       # the flag beats the file
    assert config.limits.rate_per_second == 7


@pytest.mark.parametrize("text, word", [
    ("[limits]\nrate_per_secnd = 5\n", "rate_per_secnd"),
    ("[limits]\nrate_burst = -1\n", "rate_burst"),
    ("[limits]\nrate_burst = 1.5\n", "rate_burst"),
    ('[relay]\nport = "high"\n', "relay.port"),
    ("[relays]\n", "relays"),
    ("not toml = = 1", "TOML"),
])
def test_bad_config_files_are_refused_with_one_sentence(tmp_path: Path, text: str, word: str,
                                                        capsys: pytest.CaptureFixture) -> None:
    file = tmp_path / "relay.toml"
    file.write_text(text)
    with pytest.raises(ConfigError, match=word):
        build_config(["--config", str(file)])
    assert main(["--config", str(file)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("coterie-relay: ") and err.count("\n") == 1


def test_bad_port_and_half_tls_are_refused() -> None:
    with pytest.raises(ConfigError):
        build_config(["--port", "70000"])
    with pytest.raises(ConfigError):
        build_config(["--ssl-certfile", "cert.pem"])


@pytest.mark.slow
def test_start_line_real_port_no_addresses_or_ids_and_clean_sigterm(tmp_path: Path) -> None:
    proc, url, line = start_relay(tmp_path, "--log-level", "info")
    try:
        assert str(tmp_path / "relay.db") in line and not url.endswith(":0")
        box = cap("cli")
        with httpx.Client(base_url=url) as client:
            assert client.get("/healthz").json() == {"status": "ok"}
            client.post("/v1/mailboxes", json=create_body(box))
            client.post(messages_path(box), json=append_body(box, [b"secret-ish body"]))
            client.get(messages_path(box),
                       headers=proof_headers(read_proof(box, int(time.time()) - 9999)))
            client.get("/v1/mailboxes/" + b64e(box.mailbox) + "/nothing")
        # While the relay runs, the write-ahead log holds the recent writes.
        wal = (tmp_path / "relay.db-wal").read_bytes()
        assert b"secret-ish body" in wal and b"127.0.0.1" not in wal
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(20)
    out, err = proc.communicate()
    assert code == 0
    assert out == ""                          # the start line was the only stdout line
    assert b64e(box.mailbox) not in err and "127.0.0.1" not in err
    assert b"127.0.0.1" not in (tmp_path / "relay.db").read_bytes()
    with sqlite3.connect(tmp_path / "relay.db") as db:
        columns = {row[1] for table in ("mailboxes", "messages")
                   for row in db.execute(f"PRAGMA table_info({table})")}
    assert not any(word in c for c in columns for word in ("ip", "addr", "client", "user"))
