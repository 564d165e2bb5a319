"""`coterie-relay`: run the relay.

    coterie-relay [--host 127.0.0.1] [--port 8765] [--data DIR] [--config FILE]
                  [--database postgresql://USER@HOST/DB]
                  [--ssl-certfile PEM --ssl-keyfile PEM] [--log-level info]

Each flag may also come from the environment (COTERIE_RELAY_HOST, COTERIE_RELAY_PORT,
COTERIE_RELAY_DATA, COTERIE_RELAY_DATABASE, COTERIE_RELAY_CONFIG, COTERIE_RELAY_SSL_CERTFILE,
COTERIE_RELAY_SSL_KEYFILE, COTERIE_RELAY_LOG_LEVEL); a flag beats the environment, which
beats the config file, which beats the default. One line on stdout says where the relay
listens and stores (with the real port when --port 0). SIGTERM or Ctrl-C shut it down
gracefully.

    coterie-relay migrate --from sqlite:PATH --to postgresql://… [--replace]

copies a SQLite relay database into PostgreSQL (relay/migrate.py).
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from platformdirs import user_data_dir

from relay import migrate
from relay.app import DB_NAME, Relay
from relay.config import RelayConfig, load_config_file, make_limits
from relay.errors import ConfigError
from relay.i18n import _, argparse_in_language
from relay.pg_storage import describe, is_postgres_url
from relay.server import RelayServer, uvicorn_config

ENV = "COTERIE_RELAY_"
LEVELS = ("critical", "error", "warning", "info", "debug")


def _parser() -> argparse.ArgumentParser:
    argparse_in_language()
    p = argparse.ArgumentParser(prog="coterie-relay",
                                description=_("Run a Coterie relay: a blind mailbox server."))
    p.add_argument("--host", help=_("address to listen on (default 127.0.0.1)"))
    p.add_argument("--port", help=_("port to listen on, 0 for any free one (default 8765)"))
    p.add_argument("--data", help=_("data directory (default: the user data dir)"))
    p.add_argument("--database", help=_("a postgresql:// URL to store in PostgreSQL instead of "
                   "the SQLite file in the data directory (several instances may share it)"))
    p.add_argument("--config", help=_("TOML file with [relay] and [limits] settings"))
    p.add_argument("--ssl-certfile", help=_("serve HTTPS with this certificate chain (PEM)"))
    p.add_argument("--ssl-keyfile", help=_("private key for --ssl-certfile (PEM)"))
    p.add_argument("--log-level", help=_("critical, error, warning, info (default) or debug"))
    return p


def _pick(flag: str | None, env: str, file_value: object = None) -> object:
    if flag is not None:
        return flag
    value = os.environ.get(ENV + env)
    if value:
        return value
    return file_value


def build_config(argv: list[str] | None = None) -> tuple[RelayConfig, dict[str, str]]:
    """The effective settings from flags, environment and config file; plus TLS options."""
    args = _parser().parse_args(argv)
    config_path = _pick(args.config, "CONFIG")
    file: dict[str, object] = {"limits": {}}
    if config_path:
        file = load_config_file(Path(str(config_path)).expanduser())
    host = str(_pick(args.host, "HOST", file.get("host")) or "127.0.0.1")
    port_value = _pick(args.port, "PORT", file.get("port"))
    try:
        port = 8765 if port_value is None else int(str(port_value))
    except ValueError:
        raise ConfigError(_("The port must be a number between 0 and 65535.")) from None
    if not 0 <= port <= 65535:
        raise ConfigError(_("The port must be a number between 0 and 65535."))
    data = _pick(args.data, "DATA", file.get("data"))
    data_dir = Path(str(data)).expanduser() if data else Path(user_data_dir("coterie-relay"))
    database = _pick(args.database, "DATABASE", file.get("database"))
    if database is not None and not is_postgres_url(str(database)):
        raise ConfigError(_("The database must be a postgresql:// URL."))
    level = str(_pick(args.log_level, "LOG_LEVEL", file.get("log_level")) or "info").lower()
    if level not in LEVELS:
        raise ConfigError(_("The log level must be one of {levels}.").format(
            levels=", ".join(LEVELS)))
    limits = make_limits(dict(file.get("limits") or {}))  # type: ignore[call-overload]
    tls = {}
    for name, env in (("ssl_certfile", "SSL_CERTFILE"), ("ssl_keyfile", "SSL_KEYFILE")):
        value = _pick(getattr(args, name), env)
        if value:
            tls[name] = str(value)
    if bool(tls.get("ssl_certfile")) != bool(tls.get("ssl_keyfile")):
        raise ConfigError(_("--ssl-certfile and --ssl-keyfile must be given together."))
    return RelayConfig(host=host, port=port, data_dir=data_dir,
                       database=None if database is None else str(database), limits=limits,
                       log_level=level), tls


def _uvicorn_level(level: str) -> str:
    # uvicorn's own start banner would be a second start line; keep its warnings and errors.
    return level if LEVELS.index(level) < LEVELS.index("info") or level == "debug" else "warning"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["migrate"]:
        return migrate.main(args[1:])
    try:
        config, tls = build_config(argv)
    except ConfigError as err:
        print(f"coterie-relay: {err}", file=sys.stderr)
        return 2
    logging.basicConfig(level=config.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        relay = Relay(config)
    except (OSError, RuntimeError) as err:
        where = (_("cannot open the database: {error}") if config.database
                 else _("cannot open the data directory {path}: {error}"))
        print("coterie-relay: " + where.format(path=config.data_dir, error=err),
              file=sys.stderr)
        return 1
    store = (describe(config.database) if config.database
             else Path(config.data_dir or '') / DB_NAME)
    scheme = "https" if tls else "http"

    def started(server: RelayServer) -> None:
        host = f"[{config.host}]" if ":" in config.host else config.host
        # not translated: scripts and the tests read the address from this line
        print(f"coterie-relay listening on {scheme}://{host}:{server.port}, "
              f"storing in {store}", flush=True)

    server = RelayServer(relay, uvicorn_config(relay, config.host, config.port,
                                               log_level=_uvicorn_level(config.log_level),
                                               **tls),
                         on_started=started)
    server.run()
    return 0 if server.started else 1


if __name__ == "__main__":
    sys.exit(main())
