"""Blob metadata on PostgreSQL: the same two tables as relay/sqlite_blobs.py, created by the
relay's numbered migration 2 (relay/pg_schema.py) with everything else, used through the
storage's connection pool (so a blob created on one instance can be uploaded to and read
through any other sharing the database; the blob files must then live on storage every
instance mounts)."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import psycopg

from relay.errors import Conflict, RelayError, TooMany, Unavailable
from relay.pg_storage import UNREACHABLE, PostgresStorage
from relay.sqlite_blobs import (
    CHUNK_CONFLICT_MESSAGE,
    CONFLICT_MESSAGE,
    QUOTA_MESSAGE,
    same_fields,
)
from relay.storage import QUOTA_RETRY_AFTER, BlobRecord, BlobTotals, ChunkEntry

T = TypeVar("T")
_COLUMNS = "blob, mailbox, size, read_pk, delete_pk, created_at, touched_at, complete"


class PostgresBlobs:
    def __init__(self, storage: PostgresStorage) -> None:
        self.pool = storage.pool  # the storage applied the migrations, these tables too

    def _run(self, fn: Callable[[psycopg.Connection], T], txn: bool = False) -> T:
        try:
            with self.pool.connection() as conn:
                if not txn:
                    return fn(conn)
                with conn.transaction():
                    return fn(conn)
        except RelayError:
            raise
        except psycopg.Error:
            raise Unavailable(UNREACHABLE) from None

    @staticmethod
    def _row(conn: psycopg.Connection, blob: bytes, lock: bool = False) -> BlobRecord | None:
        row = conn.execute(f"SELECT {_COLUMNS} FROM blobs WHERE blob = %s"
                           + (" FOR UPDATE" if lock else ""), (blob,)).fetchone()
        if row is None:
            return None
        return BlobRecord(bytes(row[0]), bytes(row[1]), row[2], bytes(row[3]), bytes(row[4]),
                          row[5], row[6], bool(row[7]))

    def create(self, record: BlobRecord, quota_bytes: int) -> bool:
        def work(c: psycopg.Connection) -> bool:
            # One creator per mailbox at a time, so two instances cannot both pass the quota.
            c.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                      (record.mailbox.hex(),))
            existing = self._row(c, record.blob)
            if existing is not None:
                if not same_fields(existing, record):
                    raise Conflict(CONFLICT_MESSAGE)
                return False
            used = c.execute("SELECT coalesce(sum(size), 0) FROM blobs WHERE mailbox = %s",
                             (record.mailbox,)).fetchone()[0]
            if used + record.size > quota_bytes:
                raise TooMany(QUOTA_MESSAGE, QUOTA_RETRY_AFTER)
            c.execute(f"INSERT INTO blobs ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s,"
                      " FALSE)", (record.blob, record.mailbox, record.size, record.read_pk,
                                  record.delete_pk, record.created_at, record.touched_at))
            return True

        return self._run(work, txn=True)

    def get(self, blob: bytes) -> BlobRecord | None:
        return self._run(lambda c: self._row(c, blob))

    def add_chunk(self, blob: bytes, index: int, digest: bytes, chunks: int,
                  now: int) -> bool:
        [result] = self.add_chunks([(blob, index, digest, chunks, now)])
        if isinstance(result, RelayError):
            raise result
        return result

    def add_chunks(self, entries: list[ChunkEntry]) -> list[bool | RelayError]:
        def work(c: psycopg.Connection) -> list[bool | RelayError]:
            for blob in sorted({e[0] for e in entries}):   # one lock order: no deadlock
                self._row(c, blob, lock=True)
            results: list[bool | RelayError] = []
            for blob, index, digest, _chunks, _now in entries:
                row = c.execute("SELECT hash FROM blob_chunks WHERE blob = %s AND idx = %s",
                                (blob, index)).fetchone()
                if row is not None and bytes(row[0]) != digest:
                    results.append(Conflict(CHUNK_CONFLICT_MESSAGE))
                    continue
                if row is None:
                    c.execute("INSERT INTO blob_chunks (blob, idx, hash) VALUES (%s, %s, %s)",
                              (blob, index, digest))
                results.append(False)
            complete: dict[bytes, bool] = {}
            for blob, _index, _digest, chunks, now in entries:
                if blob not in complete:
                    count = c.execute("SELECT count(*) FROM blob_chunks WHERE blob = %s",
                                      (blob,)).fetchone()[0]
                    complete[blob] = count >= chunks
                    c.execute("UPDATE blobs SET touched_at = %s, complete = %s WHERE blob = %s",
                              (now, complete[blob], blob))
            return [r if isinstance(r, RelayError) else complete[e[0]]
                    for r, e in zip(results, entries, strict=True)]

        return self._run(work, txn=True)

    def stored(self, blob: bytes) -> list[int]:
        return self._run(lambda c: [r[0] for r in c.execute(
            "SELECT idx FROM blob_chunks WHERE blob = %s ORDER BY idx", (blob,))])

    def delete(self, blob: bytes) -> bool:
        def work(c: psycopg.Connection) -> bool:
            gone = c.execute("DELETE FROM blobs WHERE blob = %s", (blob,)).rowcount
            c.execute("DELETE FROM blob_chunks WHERE blob = %s", (blob,))
            return gone > 0

        return self._run(work, txn=True)

    def expired(self, stalled_before: int, created_before: int, limit: int) -> list[bytes]:
        return self._run(lambda c: [bytes(r[0]) for r in c.execute(
            "SELECT blob FROM blobs WHERE (NOT complete AND touched_at < %s)"
            " OR created_at < %s LIMIT %s", (stalled_before, created_before, limit))])

    def totals(self) -> BlobTotals:
        row = self._run(lambda c: c.execute(
            "SELECT count(*), coalesce(sum(size), 0),"
            " coalesce(sum(CASE WHEN complete THEN 0 ELSE 1 END), 0) FROM blobs").fetchone())
        return BlobTotals(int(row[0]), int(row[1]), int(row[2]))

    def close(self) -> None:
        return None
