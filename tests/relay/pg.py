"""A private schema on the test PostgreSQL server for each test that stores there.

The server is COTERIE_TEST_DATABASE when set, else the development and CI server
(postgresql://postgres@127.0.0.1:5432/test). Where none answers, the PostgreSQL tests are
skipped and the run's summary says so in one line (in CI they fail instead).
"""
from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from urllib.parse import quote

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from relay.pg_storage import PostgresStorage

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
SKIPPED: list[str] = []


def url() -> str:
    return os.environ.get("COTERIE_TEST_DATABASE") or DEFAULT_URL


@cache
def unreachable() -> str | None:
    """Why the test server cannot be used, or None when it can."""
    try:
        with psycopg.connect(url(), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return None


def require() -> None:
    """Skip without a server; in CI (CI or COTERIE_REQUIRE_POSTGRES set) fail instead, so
    the PostgreSQL tests cannot silently stop running there."""
    reason = unreachable()
    if reason is not None:
        if os.environ.get("CI") or os.environ.get("COTERIE_REQUIRE_POSTGRES"):
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
