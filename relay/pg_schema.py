"""The relay's PostgreSQL schema as numbered migrations, applied on start.

`relay_schema` holds the version the database is at. Starting instances take a transaction
advisory lock first, so several instances starting together apply each migration once. A
database at a version above the newest one here belongs to a newer relay and is refused.
"""
from __future__ import annotations

import psycopg

MIGRATION_LOCK = 0x636F746572696501   # pg_advisory_xact_lock key: "coterie" + 1

MIGRATIONS: tuple[str, ...] = (
    # 1: mailboxes, messages by (mailbox, cursor), used read-proof nonces
    """
    CREATE TABLE mailboxes (
        id BIGSERIAL PRIMARY KEY,
        mailbox BYTEA NOT NULL UNIQUE,
        write_pk BYTEA NOT NULL,
        read_pk BYTEA NOT NULL,
        kind SMALLINT NOT NULL,
        expires_at BIGINT NOT NULL,
        closed_at BIGINT,
        touched_at BIGINT NOT NULL,
        last_cursor BIGINT NOT NULL DEFAULT 0,
        msg_count BIGINT NOT NULL DEFAULT 0,
        byte_count BIGINT NOT NULL DEFAULT 0
    );
    CREATE TABLE messages (
        box BIGINT NOT NULL REFERENCES mailboxes(id),
        cursor BIGINT NOT NULL,
        hash BYTEA NOT NULL,
        stored_at BIGINT NOT NULL,
        size INTEGER NOT NULL,
        body BYTEA NOT NULL,
        PRIMARY KEY (box, cursor)
    );
    CREATE UNIQUE INDEX messages_by_hash ON messages (box, hash);
    CREATE INDEX messages_by_age ON messages (stored_at);
    CREATE TABLE used_nonces (
        key BYTEA PRIMARY KEY,
        expires_at BIGINT NOT NULL
    );
    CREATE INDEX used_nonces_by_expiry ON used_nonces (expires_at);
    """,
    # 2: blob metadata (relay/pg_blobs.py), the same two tables as relay/sqlite_blobs.py.
    # IF NOT EXISTS: relays at schema 1 created these tables on first use, so a database
    # they wrote may already hold them (with the same columns).
    """
    CREATE TABLE IF NOT EXISTS blobs (
        blob BYTEA PRIMARY KEY,
        mailbox BYTEA NOT NULL,
        size BIGINT NOT NULL,
        read_pk BYTEA NOT NULL,
        delete_pk BYTEA NOT NULL,
        created_at BIGINT NOT NULL,
        touched_at BIGINT NOT NULL,
        complete BOOLEAN NOT NULL DEFAULT FALSE
    );
    CREATE INDEX IF NOT EXISTS blobs_by_mailbox ON blobs (mailbox);
    CREATE INDEX IF NOT EXISTS blobs_by_age ON blobs (created_at);
    CREATE TABLE IF NOT EXISTS blob_chunks (
        blob BYTEA NOT NULL,
        idx INTEGER NOT NULL,
        hash BYTEA NOT NULL,
        PRIMARY KEY (blob, idx)
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class NewerSchema(RuntimeError):
    """The database was written by a newer relay."""


def schema_version(conn: psycopg.Connection) -> int:
    row = conn.execute("SELECT to_regclass('relay_schema')").fetchone()
    if row is None or row[0] is None:
        return 0
    found = conn.execute("SELECT version FROM relay_schema").fetchone()
    return 0 if found is None else found[0]


def migrate(conn: psycopg.Connection) -> int:
    """Bring the database up to SCHEMA_VERSION; returns the version it was at."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        version = schema_version(conn)
        if version > SCHEMA_VERSION:
            raise NewerSchema(f"The relay database is from a newer relay (schema {version}); "
                              "upgrade coterie-relay.")
        if version == 0:
            conn.execute("CREATE TABLE relay_schema (version INTEGER NOT NULL)")
            conn.execute("INSERT INTO relay_schema VALUES (0)")
        for number in range(version + 1, SCHEMA_VERSION + 1):
            conn.execute(MIGRATIONS[number - 1])
            conn.execute("UPDATE relay_schema SET version = %s", (number,))
    return version
