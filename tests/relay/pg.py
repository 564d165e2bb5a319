"""A private schema on the test PostgreSQL server for each test that stores there.

The server is COTERIE_TEST_DATABASE when set, else the development and CI server
(postgresql://postgres@127.0.0.1:5432/test). Where that does not answer and the PostgreSQL
binaries are installed (initdb and pg_ctl on PATH, in COTERIE_TEST_PG_BIN, or in
/usr/lib/postgresql/*/bin), a throwaway server is started in a temporary directory for the
test session and removed at its end; COTERIE_TEST_DATABASE then names it, so relay and CLI
processes the tests start use it too. Without either, the PostgreSQL tests are skipped and
the run's summary says so in one line; with CI or COTERIE_REQUIRE_POSTGRES set they fail
instead, so CI cannot silently stop running them.
"""
from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from relay.pg_storage import PostgresStorage

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
SKIPPED: list[str] = []      # why the PostgreSQL tests were skipped (one entry per test)
STARTED: list[str] = []      # the throwaway server, when one was started


def _probe(target: str) -> str | None:
    """Why `target` cannot be used, or None when it answers."""
    try:
        with psycopg.connect(target, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return None


def binaries() -> Path | None:
    """The directory holding initdb and pg_ctl, or None when they are not installed."""
    configured = os.environ.get("COTERIE_TEST_PG_BIN")
    if configured is not None:
        candidates = [configured]
    else:
        found = shutil.which("pg_ctl")
        candidates = ([str(Path(found).resolve().parent)] if found else []) + sorted(
            glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for directory in candidates:
        if all(os.access(Path(directory, tool), os.X_OK) for tool in ("initdb", "pg_ctl")):
            return Path(directory)
    return None


class Throwaway:
    """A PostgreSQL server of its own in a temporary directory, on a free loopback port,
    with trust authentication and a database `test` (initdb + pg_ctl). PostgreSQL refuses
    to run as root, so under root it runs as the `postgres` (else `nobody`) user."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="coterie-test-pg-"))
        self.data = self.root / "data"
        self.user: str | None = None
        if os.geteuid() == 0:
            self.user = next(name for name in ("postgres", "nobody") if _user_exists(name))
            entry = pwd.getpwnam(self.user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/test"

    def _run(self, *args: str) -> None:
        proc = subprocess.run([str(self.bindir / args[0]), *args[1:]], user=self.user,
                              cwd=self.root, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            lines = (proc.stderr or proc.stdout).strip().splitlines() or ["no output"]
            raise RuntimeError(f"{args[0]} failed: {lines[-1]}")

    def start(self) -> str:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "--no-sync", "-E", "UTF8")
        # fsync off: the server lives for one test run; the relay's own durability is what
        # the tests check, and a crash of this server is not one of their cases.
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
                  "-w", "-t", "60", "-o",
                  f"-p {self.port} -c listen_addresses=127.0.0.1 "
                  f"-c unix_socket_directories={self.root} -c fsync=off "
                  f"-c max_connections=200", "start")
        atexit.register(self.stop)
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres",
                             autocommit=True, connect_timeout=10) as conn:
            conn.execute("CREATE DATABASE test")
        return self.url

    def stop(self) -> None:
        if self.data.exists():
            try:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            except (RuntimeError, OSError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(self.root, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@cache
def _server() -> tuple[str, str | None]:
    """(the server's URL, why it cannot be used or None). Starts a throwaway server when the
    configured one does not answer and the binaries are there."""
    configured = os.environ.get("COTERIE_TEST_DATABASE") or DEFAULT_URL
    reason = _probe(configured)
    if reason is None:
        return configured, None
    bindir = binaries()
    if bindir is None:
        return configured, f"{reason}; no initdb/pg_ctl to start a throwaway server"
    server = Throwaway(bindir)
    try:
        started = server.start()
    except (RuntimeError, OSError, subprocess.TimeoutExpired, psycopg.Error) as exc:
        server.stop()
        return configured, f"{reason}; a throwaway server did not start ({exc})"
    os.environ["COTERIE_TEST_DATABASE"] = started      # relay and CLI processes use it too
    STARTED.append(f"{configured} did not answer ({reason}); the PostgreSQL tests ran on "
                   f"a throwaway server {started} ({bindir})")
    return started, None


def url() -> str:
    return _server()[0]


def unreachable() -> str | None:
    """Why no test server can be used, or None when one can."""
    return _server()[1]


def required() -> bool:
    """CI (CI or COTERIE_REQUIRE_POSTGRES set, and not to 0/false): no skipping."""
    return any(os.environ.get(name, "").lower() not in ("", "0", "false", "no")
               for name in ("CI", "COTERIE_REQUIRE_POSTGRES"))


def require() -> None:
    """Skip without a server; in CI (CI or COTERIE_REQUIRE_POSTGRES set) fail instead, so
    the PostgreSQL tests cannot silently stop running there."""
    reason = unreachable()
    if reason is not None:
        if required():
            pytest.fail(f"no PostgreSQL at {url()} ({reason}); CI must run these tests")
        SKIPPED.append(reason)
        pytest.skip(f"no PostgreSQL at {url()} ({reason})")


def _admin(sql: str) -> None:
    with psycopg.connect(url(), autocommit=True, connect_timeout=3) as conn:
        conn.execute(sql)


@contextmanager
def schema() -> Iterator[str]:
    """A fresh empty schema, dropped with everything in it afterwards."""
    require()
    name = "t_" + uuid.uuid4().hex[:16]
    _admin(f"CREATE SCHEMA {name}")
    try:
        yield name
    finally:
        _admin(f"DROP SCHEMA {name} CASCADE")


@contextmanager
def storage() -> Iterator[PostgresStorage]:
    with schema() as name:
        store = PostgresStorage(url(), schema=name, pool_size=4)
        try:
            yield store
        finally:
            store.close()


def conninfo_on_dead_port() -> str:
    """The test server's connection string with a port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return make_conninfo(url(), host="127.0.0.1", port=port, connect_timeout=1)


def relay_url(schema: str) -> str:
    """The test server's URL for a relay storing in `schema` (its connections are named
    after the schema, so a test can find them)."""
    sep = "&" if "?" in url() else "?"
    return (url() + sep + "options=" + quote(f"-c search_path={schema}")
            + f"&application_name=coterie-relay-{schema}")


def terminate_relay_connections(database: str) -> int:
    """End every server connection of the relays using `database` (as a restart would)."""
    name = conninfo_to_dict(database)["application_name"]
    with psycopg.connect(url(), autocommit=True) as conn:
        return conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                            " WHERE application_name = %s", (name,)).fetchone()[0]
