"""The relay's settings: where it listens and stores, and every limit, with sane defaults.

A TOML file (`--config FILE`) may set any of them:

    [relay]
    host = "127.0.0.1"
    port = 8765
    data = "/var/lib/coterie-relay"
    database = "postgresql://relay@db.example/relay"   # optional; default: SQLite in data

    [limits]
    max_envelope_bytes = 65536
    rate_per_second = 50
    ...

Unknown keys are refused so a typo does not silently leave a limit at its default.
"""
from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relay.errors import ConfigError

DAY = 86_400


@dataclass(frozen=True)
class Limits:
    """Every limit the relay enforces; docs/relay.md says what each one protects."""

    max_envelope_bytes: int = 65_536          # one message body (413)
    max_batch_items: int = 256                # messages per append request (413)
    max_request_bytes: int = 2 << 20          # any request body (413)
    max_subscribe_mailboxes: int = 1000       # mailboxes per push connection (413)
    fetch_default_limit: int = 500
    fetch_max_limit: int = 1000
    fetch_max_bytes: int = 8 << 20            # bodies per fetch page (the rest: more=true)
    rate_per_second: float = 50.0             # requests per client, sustained (429)
    rate_burst: int = 200                     # requests per client, burst
    body_bytes_per_token: int = 32_768        # a request body costs 1 more token per this (429)
    verify_rate_per_second: float = 500.0     # signatures checked per client (429)
    verify_burst: int = 10_000                # ... burst; a request spends one per signature
    max_nonces_per_client: int = 50_000       # remembered proof nonces per client (429)
    info_rate_per_second: float = 5.0         # /healthz, /openapi.json, /metrics per client (429)
    info_burst: int = 20
    create_per_minute: float = 20.0           # new mailboxes per client, sustained (429)
    create_burst: int = 40
    max_streams_per_client: int = 32          # open push connections per client (429)
    mailbox_max_messages: int = 100_000       # stored messages per mailbox (429)
    mailbox_max_bytes: int = 256 << 20        # stored body bytes per mailbox (429)
    retention_seconds: int = 30 * DAY         # messages older than this are pruned
    idle_mailbox_seconds: int = 365 * DAY     # empty, unused mailboxes are removed after
    invite_max_lifetime: int = 30 * DAY       # invite mailboxes expire at most this late
    proof_window_seconds: int = 120           # read/close proofs: allowed clock skew
    ping_seconds: float = 15.0                # comment line on idle push connections
    subscriber_queue_frames: int = 4096       # pending frames before a slow reader is dropped
    prune_interval_seconds: float = 300.0
    header_timeout_seconds: float = 10.0      # request line and headers must arrive within
    body_timeout_seconds: float = 60.0        # a request body must arrive within (408)
    keep_alive_seconds: int = 30              # an idle keep-alive connection is closed after
    max_connections_per_client: int = 64      # open connections per client address
    max_connections: int = 4096               # open connections in all (and below the fd limit)
    max_blob_bytes: int = 107_970_560         # one padded blob: the bucket of a 100 MiB file (413)
    mailbox_max_blob_bytes: int = 1 << 30     # blob bytes per epoch mailbox (429)
    blob_retention_seconds: int = 30 * DAY    # blobs older than this are removed
    blob_stall_seconds: int = 6 * 3600        # an upload with no chunk for this long is removed

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ConfigError(f"The limit '{f.name}' must be a positive number.")


@dataclass(frozen=True)
class RelayConfig:
    host: str = "127.0.0.1"
    port: int = 8765
    data_dir: Path | None = None              # None: platformdirs user_data_dir('coterie-relay')
    database: str | None = None               # postgresql://...; None: SQLite in data_dir
    limits: Limits = field(default_factory=Limits)
    log_level: str = "info"


_TOP_KEYS = {"host": str, "port": int, "data": str, "database": str, "log_level": str}


def load_config_file(path: Path) -> dict[str, Any]:
    """Read a TOML config into {"host", "port", "data", "database", "log_level",
    "limits": {...}}."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"Cannot read the config file {path}: {exc.strerror}.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"The config file {path} is not valid TOML: {exc}.") from None
    out: dict[str, Any] = {}
    unknown = set(raw) - {"relay", "limits"}
    if unknown:
        raise ConfigError(f"Unknown section '{sorted(unknown)[0]}' in {path}.")
    for key, value in raw.get("relay", {}).items():
        kind = _TOP_KEYS.get(key)
        if kind is None:
            raise ConfigError(f"Unknown setting 'relay.{key}' in {path}.")
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ConfigError(f"The setting 'relay.{key}' must be a {kind.__name__}.")
        out[key] = value
    out["limits"] = raw.get("limits", {})
    return out


def make_limits(values: dict[str, Any]) -> Limits:
    """Limits with `values` overriding the defaults; unknown names and bad values refused."""
    known = {f.name: f.type for f in dataclasses.fields(Limits)}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"Unknown limit '{key}'.")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"The limit '{key}' must be a number.")
        if known[key] in ("int", int) and not isinstance(value, int):
            raise ConfigError(f"The limit '{key}' must be a whole number.")
    return Limits(**values)
