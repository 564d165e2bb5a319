"""Storage on PostgreSQL, for relays that outgrow one process: many instances, one database.

Driver: psycopg 3 (synchronous) with psycopg_pool. The Storage interface is synchronous and
is called from threads (the group committer's writer thread, fetches on worker threads,
single-row lookups on the event loop), which is exactly what a thread-safe connection pool
serves; asyncpg would need every call on the event loop instead.

Writes: each group-commit batch is one transaction on its writer thread's own connection;
an append is acknowledged only after COMMIT returns (synchronous_commit as the server
says). WRITERS threads may commit at once, each owning the mailboxes whose id ends in its
share of byte values; one is best on a small machine: a batch costs the relay and the
server a fixed amount of CPU besides its appends, so fewer, larger batches leave more of
both for appends, and with the signatures checked while the writer waits for its commit
(relay/writer.py) and most batches a single round trip (relay/pg_planned.py), one commit
in flight kept up better than two (docs/relay.md, Durability).

Cursors: each mailbox row holds `last_cursor`. An append locks that row (SELECT ... FOR
UPDATE) inside the appending transaction and takes its cursors from it (a planned batch
writes only rows still holding the cursor it planned from), so a second instance appending
to the same mailbox waits until the first one COMMITS and then continues from its cursors.
Cursors of a mailbox are therefore assigned in commit order: a reader that sees cursor n
sees every cursor below n, and never skips one that commits later (the hazard of a shared
sequence). Rows of one batch are locked in mailbox order, so two
instances cannot deadlock on each other; a batch that still meets a deadlock or a
serialization failure is retried whole.

The database holds what the SQLite file holds (mailbox ids, public keys, ciphertext bodies,
coarse times) plus used read-proof nonces until their proof time leaves the window.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import TypeVar

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg_pool import ConnectionPool

from relay.core import NonceMemory
from relay.errors import Forbidden, RelayError, Unavailable
from relay.pg_batch import LookupNeeded, apply_batch, lookup_needed
from relay.pg_lane import LaneRows
from relay.pg_planned import plan
from relay.pg_schema import migrate
from relay.storage import Mailbox, PruneOp, Totals, WriteOp, WriteResult, take_page

log = logging.getLogger("relay.pg")

CONNECT_TIMEOUT = 3          # seconds; a down database is reported, not waited for
POOL_WAIT = 1.0              # seconds a request may wait for a pooled connection
AWAY_SECONDS = 0.5           # after a connection failure, answer 503 at once for this long
POOL_SIZE = 8
WRITERS = 1                  # write transactions at once (each on its own connection)
BATCH_ATTEMPTS = 3           # deadlock / serialization failure: the whole batch again
UNREACHABLE = "The relay's database is unreachable; try again shortly."
T = TypeVar("T")


def is_postgres_url(value: str) -> bool:
    return value.startswith(("postgresql://", "postgres://"))


def describe(url: str) -> str:
    """host/dbname of a connection string, for the start line (never the password)."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql"
    return f"postgresql://{parts.get('host', 'localhost')}/{parts.get('dbname', '')}"


def conninfo(url: str, schema: str | None = None) -> str:
    """`url` with a connect timeout (and a search_path when `schema` is given: tests)."""
    extra: dict[str, object] = {"connect_timeout": CONNECT_TIMEOUT}
    if "application_name" not in conninfo_to_dict(url):
        extra["application_name"] = "coterie-relay"
    if schema is not None:
        extra["options"] = f"-c search_path={schema}"
    return make_conninfo(url, **extra)


class PostgresStorage:
    """Storage on PostgreSQL; `url` is a postgresql:// connection string."""

    def __init__(self, url: str, *, schema: str | None = None,
                 pool_size: int = POOL_SIZE) -> None:
        self.conninfo = conninfo(url, schema)
        try:
            with psycopg.connect(self.conninfo) as conn:
                migrate(conn)
                self.channel = "coterie_relay_" + conn.execute(
                    "SELECT current_schema()").fetchone()[0]
        except psycopg.OperationalError as exc:
            raise RuntimeError(f"cannot reach the database {describe(url)}: "
                               f"{_first_line(exc)}") from None
        # Each writer thread of the group committer has a connection of its own.
        self.writers = WRITERS
        self._local = threading.local()
        self._writer_lock = threading.Lock()
        self._writer_conns: list[psycopg.Connection] = []
        self._away_until = 0.0
        self.pool = ConnectionPool(self.conninfo, min_size=1, max_size=pool_size,
                                   kwargs={"autocommit": True}, timeout=POOL_WAIT,
                                   check=ConnectionPool.check_connection,
                                   name="coterie-relay", open=True)

    # -- plumbing ------------------------------------------------------------------------

    @contextmanager
    def _conn(self) -> Iterator[psycopg.Connection]:
        """A pooled autocommit connection; database failures become 503s."""
        # Lookups run on the event loop: while the database is known to be away, answer
        # 503 at once instead of making every request wait for a connection that fails.
        if time.monotonic() < self._away_until:
            raise Unavailable(UNREACHABLE)
        try:
            with self.pool.connection() as conn:
                yield conn
        except psycopg.Error as exc:   # down, restarting, pool exhausted: never a 500
            if isinstance(exc, psycopg.OperationalError):
                self._away_until = time.monotonic() + AWAY_SECONDS
            log.warning("a database read failed: %s", type(exc).__name__)
            raise Unavailable(UNREACHABLE) from None

    def _read(self, fn: Callable[[psycopg.Connection], T]) -> T:
        with self._conn() as conn:
            return fn(conn)

    def ping(self) -> None:
        """Raise Unavailable when the database does not answer (for /healthz)."""
        self._read(lambda conn: conn.execute("SELECT 1").fetchone())

    def pool_stats(self) -> dict[str, int]:
        return dict(self.pool.get_stats())

    # -- writes --------------------------------------------------------------------------

    def _writer_conn(self) -> psycopg.Connection:
        """The calling writer thread's connection, (re)connected when needed."""
        conn: psycopg.Connection | None = getattr(self._local, "conn", None)
        if conn is None or conn.closed or conn.broken:
            if conn is not None:
                conn.close()
                with self._writer_lock:
                    if conn in self._writer_conns:
                        self._writer_conns.remove(conn)
            # Autocommit: a planned batch is one statement, its own transaction
            # (relay/pg_planned.py); the others open theirs.
            conn = self._local.conn = psycopg.connect(self.conninfo, autocommit=True)
            with self._writer_lock:
                self._writer_conns.append(conn)
        return conn

    def close_writers(self) -> None:
        """Close every writer connection (their threads reconnect at their next batch)."""
        with self._writer_lock:
            for conn in self._writer_conns:
                conn.close()

    def write_batch(self, ops: list[WriteOp]) -> list[WriteResult | RelayError]:
        """One transaction on the calling thread's connection (and one more for appends a
        planned batch left alone). Several writer threads may call this at once: the
        mailbox rows each batch locks keep cursors in commit order (as between instances)."""
        # A batch of appends to mailboxes this writer remembers is one statement, one round
        # trip (relay/pg_planned.py). Otherwise pipeline mode: BEGIN goes out with the
        # batch's first queries and COMMIT with its last statement, so a batch costs two
        # round trips (its rows, then its writes and the commit). Either way the answer
        # comes after COMMIT: nothing is acknowledged before it. A prune reads row counts
        # between its statements: no pipeline.
        # Such a batch first goes without looking for stored bodies (retries are rare, and
        # the lookup cost the database more than the rest of the batch); when one was
        # stored, its insert fails on the unique index, nothing was written, and the batch
        # goes again with the lookup.
        pipelined = not any(isinstance(op, PruneOp) for op in ops)
        lookup = not pipelined
        lane = self._lane()
        planned = plan(ops, lane) if pipelined else None
        if planned is not None:
            try:
                again = planned.write(self._writer_conn(), lane)
            except (pg_errors.DeadlockDetected, pg_errors.SerializationFailure):
                pass    # rolled back: the read-then-write path below, with its retries
            except pg_errors.UniqueViolation as exc:
                if not lookup_needed(exc):
                    raise
                lookup = True
            else:
                results = planned.results
                if again:   # another writer changed those mailboxes: read, then write
                    for i, result in zip(again, self.write_batch([ops[i] for i in again]),
                                         strict=True):
                        results[i] = result
                return results
        for attempt in range(BATCH_ATTEMPTS):
            conn = self._writer_conn()
            try:
                with conn.pipeline() if pipelined else nullcontext(), conn.transaction():
                    results = apply_batch(conn, ops, lookup, lane)
                lane.committed()
                return results
            except (pg_errors.DeadlockDetected, pg_errors.SerializationFailure):
                lane.discard()
                if attempt + 1 == BATCH_ATTEMPTS:
                    raise
                time.sleep(0.005 * (attempt + 1))
            except (pg_errors.UniqueViolation, LookupNeeded) as exc:
                lane.discard()
                if lookup or not lookup_needed(exc):
                    raise
                lookup = True
            except BaseException:
                lane.discard()
                raise
        raise AssertionError("unreachable")

    def _lane(self) -> LaneRows:
        """The mailbox rows the calling writer thread committed last (relay/pg_lane.py)."""
        lane: LaneRows | None = getattr(self._local, "lane", None)
        if lane is None:
            lane = self._local.lane = LaneRows()
        return lane

    def nonce_memory(self, window: int, per_client: int) -> NonceMemory:
        return SharedNonces(self, window, per_client)

    # -- reads ---------------------------------------------------------------------------

    def get_mailbox(self, mailbox: bytes) -> Mailbox | None:
        row = self._read(lambda conn: conn.execute(
            "SELECT write_pk, read_pk, kind, expires_at, closed_at FROM mailboxes"
            " WHERE mailbox = %s", (mailbox,)).fetchone())
        if row is None:
            return None
        return Mailbox(mailbox, bytes(row[0]), bytes(row[1]), row[2], row[3],
                       row[4] is not None)

    def fetch(self, mailbox: bytes, after: int, limit: int,
              max_bytes: int) -> list[tuple[int, bytes]]:
        return self._read(lambda conn: take_page(conn.execute(
            "SELECT m.cursor, m.body FROM messages m JOIN mailboxes b ON m.box = b.id"
            " WHERE b.mailbox = %s AND m.cursor > %s ORDER BY m.cursor LIMIT %s",
            (mailbox, after, limit)), max_bytes))

    def last_cursor(self, mailbox: bytes) -> int:
        row = self._read(lambda conn: conn.execute(
            "SELECT last_cursor FROM mailboxes WHERE mailbox = %s", (mailbox,)).fetchone())
        return 0 if row is None else row[0]

    def last_cursors(self, mailboxes: Sequence[bytes]) -> dict[bytes, int]:
        rows = self._read(lambda conn: conn.execute(
            "SELECT mailbox, last_cursor FROM mailboxes WHERE mailbox = ANY(%s)",
            (list(mailboxes),)).fetchall())
        return {bytes(m): c for m, c in rows}

    def totals(self) -> Totals:
        row = self._read(lambda conn: conn.execute(
            "SELECT count(*), coalesce(sum(msg_count), 0), coalesce(sum(byte_count), 0)"
            " FROM mailboxes").fetchone())
        return Totals(row[0], int(row[1]), int(row[2]))

    def close(self) -> None:
        self.pool.close()
        with self._writer_lock:
            for conn in self._writer_conns:
                conn.close()
            self._writer_conns.clear()


class SharedNonces(NonceMemory):
    """Used read-proof nonces in the database, so a proof spent on one instance cannot be
    replayed on another, nor after a restart. The per-client share stays per instance (a
    client's address is only meaningful to the instance it reached)."""

    def __init__(self, storage: PostgresStorage, window: int, per_client: int) -> None:
        super().__init__(window, per_client)
        self._storage = storage

    def remember_all(self, items: Sequence[tuple[bytes, int]], now: float,
                     client: bytes = b"") -> None:
        super().remember_all(items, now, client)
        keys = [key for key, _ in items]
        expires = [proof_time + self.window for _, proof_time in items]

        def insert(conn: psycopg.Connection) -> int:
            with conn.transaction():
                cur = conn.execute(
                    "INSERT INTO used_nonces (key, expires_at)"
                    " SELECT * FROM unnest(%s::bytea[], %s::bigint[])"
                    " ON CONFLICT DO NOTHING", (keys, expires))
                if cur.rowcount != len(keys):
                    raise _Replay()
                return cur.rowcount

        try:
            self._storage._read(insert)
        except _Replay:
            raise Forbidden("This proof was already used; sign a fresh nonce.") from None


class _Replay(Exception):
    """Rolls the nonce transaction back."""


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
