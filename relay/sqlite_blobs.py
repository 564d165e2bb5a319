"""Blob metadata on SQLite: two tables in the relay's database file, on a connection of
their own (WAL lets it write beside the message writer; busy_timeout makes it wait its
turn). synchronous=FULL: a chunk is acknowledged only after its row is durable (the rows
of the chunks in flight are committed together, `add_chunks`)."""
from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from relay.errors import Conflict, RelayError, TooMany
from relay.storage import QUOTA_RETRY_AFTER, BlobRecord, BlobTotals, ChunkEntry

SCHEMA = """
CREATE TABLE IF NOT EXISTS blobs (
    blob BLOB PRIMARY KEY,
    mailbox BLOB NOT NULL,
    size INTEGER NOT NULL,
    read_pk BLOB NOT NULL,
    delete_pk BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    touched_at INTEGER NOT NULL,
    complete INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS blobs_by_mailbox ON blobs(mailbox);
CREATE INDEX IF NOT EXISTS blobs_by_age ON blobs(created_at);
CREATE TABLE IF NOT EXISTS blob_chunks (
    blob BLOB NOT NULL,
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (blob, idx)
);
"""
_COLUMNS = "blob, mailbox, size, read_pk, delete_pk, created_at, touched_at, complete"


def same_fields(row: BlobRecord, record: BlobRecord) -> bool:
    return ((row.mailbox, row.size, row.read_pk, row.delete_pk)
            == (record.mailbox, record.size, record.read_pk, record.delete_pk))


QUOTA_MESSAGE = "This group's files use up the relay's quota; older files expire over time."
CONFLICT_MESSAGE = "A blob with this id already exists with other fields."
CHUNK_CONFLICT_MESSAGE = "This chunk is already stored with other bytes."


class SQLiteBlobs:
    def __init__(self, path: str | Path) -> None:
        self._conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        if str(path) != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("PRAGMA busy_timeout=10000")
        self._lock = threading.Lock()
        with self._lock:
            self._conn.executescript(SCHEMA)

    def _row(self, blob: bytes) -> BlobRecord | None:
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM blobs WHERE blob = ?",
                                 (blob,)).fetchone()
        return None if row is None else BlobRecord(*row[:7], bool(row[7]))

    def create(self, record: BlobRecord, quota_bytes: int) -> bool:
        with self._lock:
            c = self._conn
            c.execute("BEGIN IMMEDIATE")
            try:
                existing = self._row(record.blob)
                if existing is not None:
                    if not same_fields(existing, record):
                        raise Conflict(CONFLICT_MESSAGE)
                    c.execute("COMMIT")
                    return False
                used = c.execute("SELECT coalesce(sum(size), 0) FROM blobs WHERE mailbox = ?",
                                 (record.mailbox,)).fetchone()[0]
                if used + record.size > quota_bytes:
                    raise TooMany(QUOTA_MESSAGE, QUOTA_RETRY_AFTER)
                c.execute(f"INSERT INTO blobs ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
                          (record.blob, record.mailbox, record.size, record.read_pk,
                           record.delete_pk, record.created_at, record.touched_at))
                c.execute("COMMIT")
                return True
            except BaseException:
                if c.in_transaction:
                    c.execute("ROLLBACK")
                raise

    def get(self, blob: bytes) -> BlobRecord | None:
        with self._lock:
            return self._row(blob)

    def add_chunk(self, blob: bytes, index: int, digest: bytes, chunks: int,
                  now: int) -> bool:
        [result] = self.add_chunks([(blob, index, digest, chunks, now)])
        if isinstance(result, RelayError):
            raise result
        return result

    def add_chunks(self, entries: list[ChunkEntry]) -> list[bool | RelayError]:
        with self._lock:
            c = self._conn
            c.execute("BEGIN IMMEDIATE")
            try:
                results: list[bool | RelayError] = []
                for blob, index, digest, _chunks, _now in entries:
                    row = c.execute("SELECT hash FROM blob_chunks WHERE blob = ? AND idx = ?",
                                    (blob, index)).fetchone()
                    if row is not None and bytes(row[0]) != digest:
                        results.append(Conflict(CHUNK_CONFLICT_MESSAGE))
                        continue
                    if row is None:
                        c.execute("INSERT INTO blob_chunks (blob, idx, hash) VALUES (?, ?, ?)",
                                  (blob, index, digest))
                    results.append(False)
                complete: dict[bytes, bool] = {}
                for blob, _index, _digest, chunks, now in entries:
                    if blob not in complete:
                        count = c.execute("SELECT count(*) FROM blob_chunks WHERE blob = ?",
                                          (blob,)).fetchone()[0]
                        complete[blob] = count >= chunks
                        c.execute("UPDATE blobs SET touched_at = ?, complete = ? WHERE blob = ?",
                                  (now, int(complete[blob]), blob))
                c.execute("COMMIT")
            except BaseException:
                if c.in_transaction:
                    c.execute("ROLLBACK")
                raise
        return [r if isinstance(r, RelayError) else complete[e[0]]
                for r, e in zip(results, entries, strict=True)]

    def stored(self, blob: bytes) -> list[int]:
        with self._lock:
            return [r[0] for r in self._conn.execute(
                "SELECT idx FROM blob_chunks WHERE blob = ? ORDER BY idx", (blob,))]

    def delete(self, blob: bytes) -> bool:
        with self._lock:
            c = self._conn
            c.execute("BEGIN IMMEDIATE")
            try:
                gone = c.execute("DELETE FROM blobs WHERE blob = ?", (blob,)).rowcount
                c.execute("DELETE FROM blob_chunks WHERE blob = ?", (blob,))
                c.execute("COMMIT")
            except BaseException:
                if c.in_transaction:
                    c.execute("ROLLBACK")
                raise
        return gone > 0

    def expired(self, stalled_before: int, created_before: int, limit: int) -> list[bytes]:
        with self._lock:
            return [bytes(r[0]) for r in self._conn.execute(
                "SELECT blob FROM blobs WHERE (complete = 0 AND touched_at < ?)"
                " OR created_at < ? LIMIT ?", (stalled_before, created_before, limit))]

    def totals(self) -> BlobTotals:
        with self._lock:
            row = self._conn.execute(
                "SELECT count(*), coalesce(sum(size), 0), coalesce(sum(1 - complete), 0)"
                " FROM blobs").fetchone()
        return BlobTotals(row[0], row[1], row[2])

    def close(self) -> None:
        with self._lock:
            self._conn.close()
