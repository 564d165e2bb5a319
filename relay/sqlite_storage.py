"""The default storage: one SQLite file in the data dir, WAL with synchronous=FULL.

A batch of writes is one transaction, so one fsync makes a whole group of appends durable.
Reads use their own connection (WAL readers never wait for the writer) except for an
in-memory database, which has only one connection. The database holds mailbox ids, the
two public keys, ciphertext bodies with their hashes, and coarse times for retention: no
addresses, no identities.
"""
from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from relay.errors import Conflict, Gone, NotFound, RelayError
from relay.storage import (
    AppendOp,
    AppendResult,
    CloseOp,
    CloseResult,
    CreateOp,
    CreateResult,
    Mailbox,
    PruneOp,
    PruneResult,
    Totals,
    WriteOp,
    WriteResult,
    plan_append,
    take_page,
)

SCHEMA_VERSION = 1
FILE_MODE = 0o600
SIDE_FILES = ("-wal", "-shm", "-journal")
PRUNE_CHUNK = 5000

SCHEMA = """
CREATE TABLE IF NOT EXISTS mailboxes (
    id INTEGER PRIMARY KEY,
    mailbox BLOB NOT NULL UNIQUE,
    write_pk BLOB NOT NULL,
    read_pk BLOB NOT NULL,
    kind INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    closed_at INTEGER,
    touched_at INTEGER NOT NULL,
    last_cursor INTEGER NOT NULL DEFAULT 0,
    msg_count INTEGER NOT NULL DEFAULT 0,
    byte_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY,
    box INTEGER NOT NULL REFERENCES mailboxes(id),
    cursor INTEGER NOT NULL,
    hash BLOB NOT NULL,
    stored_at INTEGER NOT NULL,
    size INTEGER NOT NULL,
    body BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS messages_by_cursor ON messages(box, cursor);
CREATE UNIQUE INDEX IF NOT EXISTS messages_by_hash ON messages(box, hash);
CREATE INDEX IF NOT EXISTS messages_by_age ON messages(stored_at);
"""


def _private_files(path: str) -> None:
    """Create the database 0600 before SQLite opens it, and tighten files left by an older
    relay. SQLite gives its -wal and -shm files the database file's mode, so they follow;
    no umask change is needed (that would race with other threads)."""
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE))
    for name in ("", *SIDE_FILES):
        try:
            os.chmod(path + name, FILE_MODE)
        except FileNotFoundError:
            continue


class SQLiteStorage:
    """Storage on SQLite; `path` is a file or ":memory:" (tests)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._memory = self.path == ":memory:"
        if not self._memory:
            _private_files(self.path)
        self._write_lock = threading.Lock()
        self._writer = self._connect()
        version = self._writer.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            self._writer.close()
            raise RuntimeError(f"The relay database {self.path} is from a newer relay "
                               f"(schema {version}); upgrade coterie-relay.")
        with self._writer:
            self._writer.executescript(SCHEMA)
            self._writer.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        if self._memory:
            self._reader, self._read_lock = self._writer, self._write_lock
            self._lookup, self._lookup_lock = self._writer, self._write_lock
        else:
            self._reader, self._read_lock = self._connect(), threading.Lock()
            # Single-row lookups get a connection of their own: the event loop makes them,
            # and must not wait behind a worker thread reading a page of megabytes.
            self._lookup, self._lookup_lock = self._connect(), threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                               cached_statements=64)
        if not self._memory:
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=10000")
        return conn

    # -- writes --------------------------------------------------------------------------

    def write_batch(self, ops: list[WriteOp]) -> list[WriteResult | RelayError]:
        with self._write_lock:
            conn = self._writer
            conn.execute("BEGIN IMMEDIATE")
            try:
                results = [self._apply(conn, op) for op in ops]
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        return results

    def _apply(self, conn: sqlite3.Connection, op: WriteOp) -> WriteResult | RelayError:
        try:
            if isinstance(op, AppendOp):
                return _append(conn, op)
            if isinstance(op, CreateOp):
                return _create(conn, op)
            if isinstance(op, CloseOp):
                return _close(conn, op)
            return _prune(conn, op)
        except RelayError as err:
            return err

    # -- reads ---------------------------------------------------------------------------

    def get_mailbox(self, mailbox: bytes) -> Mailbox | None:
        with self._lookup_lock:
            row = self._lookup.execute(
                "SELECT write_pk, read_pk, kind, expires_at, closed_at FROM mailboxes"
                " WHERE mailbox = ?", (mailbox,)).fetchone()
        if row is None:
            return None
        return Mailbox(mailbox, row[0], row[1], row[2], row[3], row[4] is not None)

    def fetch(self, mailbox: bytes, after: int, limit: int,
              max_bytes: int) -> list[tuple[int, bytes]]:
        with self._read_lock:
            return take_page(self._reader.execute(
                "SELECT m.cursor, m.body FROM messages m JOIN mailboxes b ON m.box = b.id"
                " WHERE b.mailbox = ? AND m.cursor > ? ORDER BY m.cursor LIMIT ?",
                (mailbox, after, limit)), max_bytes)

    def last_cursor(self, mailbox: bytes) -> int:
        with self._lookup_lock:
            row = self._lookup.execute("SELECT last_cursor FROM mailboxes WHERE mailbox = ?",
                                       (mailbox,)).fetchone()
        return 0 if row is None else row[0]

    def totals(self) -> Totals:
        with self._read_lock:
            row = self._reader.execute(
                "SELECT count(*), coalesce(sum(msg_count), 0), coalesce(sum(byte_count), 0)"
                " FROM mailboxes").fetchone()
        return Totals(row[0], row[1], row[2])

    def close(self) -> None:
        with self._write_lock:
            if not self._memory:
                with self._read_lock:
                    self._reader.close()
                with self._lookup_lock:
                    self._lookup.close()
            self._writer.close()


def _create(conn: sqlite3.Connection, op: CreateOp) -> CreateResult:
    row = conn.execute("SELECT write_pk, read_pk, kind, expires_at FROM mailboxes"
                       " WHERE mailbox = ?", (op.mailbox,)).fetchone()
    if row is not None:
        if (row[0], row[1], row[2]) != (op.write_pk, op.read_pk, op.kind):
            raise Conflict("A mailbox with this id already exists with other keys.")
        return CreateResult(created=False)
    conn.execute("INSERT INTO mailboxes (mailbox, write_pk, read_pk, kind, expires_at,"
                 " touched_at) VALUES (?, ?, ?, ?, ?, ?)",
                 (op.mailbox, op.write_pk, op.read_pk, op.kind, op.expires_at, op.now))
    return CreateResult(created=True)


def _append(conn: sqlite3.Connection, op: AppendOp) -> AppendResult:
    row = conn.execute("SELECT id, closed_at, expires_at, last_cursor, msg_count, byte_count"
                       " FROM mailboxes WHERE mailbox = ?", (op.mailbox,)).fetchone()
    if row is None:
        raise NotFound("No such mailbox on this relay.")
    box, closed_at, expires_at, last, count, size = row
    if closed_at is not None:
        raise Gone("This mailbox is closed.")
    if expires_at and op.now >= expires_at:
        raise Gone("This mailbox has expired.")
    def stored(digest: bytes) -> int | None:
        found = conn.execute("SELECT cursor FROM messages WHERE box = ? AND hash = ?",
                             (box, digest)).fetchone()
        return None if found is None else found[0]

    cursors, fresh, added = plan_append(op, last, count, size, stored)
    if fresh:
        last = fresh[-1][0]
        conn.executemany("INSERT INTO messages (box, cursor, hash, stored_at, size, body)"
                         " VALUES (?, ?, ?, ?, ?, ?)",
                         [(box, c, d, op.now, len(b), b) for c, d, b in fresh])
        conn.execute("UPDATE mailboxes SET last_cursor = ?, msg_count = ?, byte_count = ?,"
                     " touched_at = ? WHERE id = ?",
                     (last, count + len(fresh), size + added, op.now, box))
    return AppendResult(op.mailbox, tuple(cursors), tuple((c, b) for c, _, b in fresh))


def _close(conn: sqlite3.Connection, op: CloseOp) -> CloseResult:
    row = conn.execute("SELECT closed_at FROM mailboxes WHERE mailbox = ?",
                       (op.mailbox,)).fetchone()
    if row is None:
        raise NotFound("No such mailbox on this relay.")
    if row[0] is not None:
        return CloseResult(op.mailbox, closed_now=False)
    conn.execute("UPDATE mailboxes SET closed_at = ?, touched_at = ? WHERE mailbox = ?",
                 (op.now, op.now, op.mailbox))
    return CloseResult(op.mailbox, closed_now=True)


def _prune(conn: sqlite3.Connection, op: PruneOp) -> PruneResult:
    """Drop messages past retention, then mailboxes that are expired, closed past retention,
    or empty and unused for `idle_seconds` (long: a re-created mailbox restarts its cursors).
    Bounded work per call; the next call continues."""
    cutoff = op.now - op.retention_seconds
    doomed = conn.execute("SELECT id, box, size FROM messages WHERE stored_at < ?"
                          " ORDER BY stored_at LIMIT ?", (cutoff, PRUNE_CHUNK)).fetchall()
    per_box: dict[int, list[int]] = {}
    for _, box, size in doomed:
        entry = per_box.setdefault(box, [0, 0])
        entry[0] += 1
        entry[1] += size
    conn.executemany("DELETE FROM messages WHERE id = ?", [(row[0],) for row in doomed])
    conn.executemany("UPDATE mailboxes SET msg_count = msg_count - ?,"
                     " byte_count = byte_count - ? WHERE id = ?",
                     [(n, b, box) for box, (n, b) in per_box.items()])
    boxes = [row[0] for row in conn.execute(
        "SELECT id FROM mailboxes WHERE (expires_at != 0 AND expires_at <= ?)"
        " OR (closed_at IS NOT NULL AND closed_at < ?)"
        " OR (msg_count = 0 AND touched_at < ?) LIMIT ?",
        (op.now, cutoff, op.now - op.idle_seconds, PRUNE_CHUNK))]
    removed = 0
    for box in boxes:
        removed += conn.execute("DELETE FROM messages WHERE box = ?", (box,)).rowcount
        conn.execute("DELETE FROM mailboxes WHERE id = ?", (box,))
    return PruneResult(messages=len(doomed) + removed, mailboxes=len(boxes))
