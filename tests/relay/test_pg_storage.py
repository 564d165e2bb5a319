"""The PostgreSQL backend itself: migrations, cursors under several instances, shared nonces,
and a database that goes away (503, never a 500)."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
from psycopg_pool import ConnectionPool

from crypto.relay_wire import KIND_GROUP
from relay import pg_storage
from relay.app import create_app
from relay.config import Limits, RelayConfig
from relay.core import RelayCore
from relay.errors import Forbidden, Unavailable
from relay.pg_schema import MIGRATIONS, SCHEMA_VERSION
from relay.pg_storage import PostgresStorage
from relay.storage import AppendOp, AppendResult, CreateOp
from tests.relay import pg
from tests.relay.conftest import FakeClock
from tests.relay.wire import (
    append_body,
    cap,
    create_body,
    create_sig,
    messages_path,
    proof_headers,
    read_proof,
)

A = cap("pg-a")
B = cap("pg-b")
OTHERS = [cap(f"pg-other-{i}") for i in range(3)]


@pytest.fixture
def schema() -> Iterator[str]:
    with pg.schema() as name:
        yield name


def instance(schema: str) -> PostgresStorage:
    return PostgresStorage(pg.url(), schema=schema, pool_size=4)


def test_migrations_apply_once_and_a_newer_database_is_refused(schema: str) -> None:
    first = instance(schema)
    first.close()
    second = instance(schema)        # already at the newest version: nothing to do
    second.close()
    with psycopg.connect(pg.url(), autocommit=True) as conn:
        conn.execute(f"UPDATE {schema}.relay_schema SET version = %s", (SCHEMA_VERSION + 1,))
    with pytest.raises(RuntimeError, match="newer relay"):
        instance(schema)


def test_blob_tables_come_from_migration_2_also_where_an_older_relay_made_them(
        schema: str) -> None:
    # A database written by a relay at schema 1, whose blob store created its two tables on
    # first use (with a row in them), is brought to the newest version keeping that row.
    with psycopg.connect(pg.url(), autocommit=True) as conn:
        conn.execute(f"SET search_path TO {schema}")
        conn.execute(MIGRATIONS[0])
        conn.execute("CREATE TABLE relay_schema (version INTEGER NOT NULL)")
        conn.execute("INSERT INTO relay_schema VALUES (1)")
        conn.execute(MIGRATIONS[1])
        conn.execute("INSERT INTO blobs VALUES (%s, %s, 1024, %s, %s, 1, 1, TRUE)",
                     (b"b" * 32, b"m" * 32, b"r" * 32, b"d" * 32))
    instance(schema).close()
    with psycopg.connect(pg.url(), autocommit=True) as conn:
        conn.execute(f"SET search_path TO {schema}")
        assert conn.execute("SELECT version FROM relay_schema").fetchone() == (SCHEMA_VERSION,)
        assert conn.execute("SELECT count(*) FROM blobs").fetchone() == (1,)
    fresh = f"{schema}_fresh"
    with psycopg.connect(pg.url(), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {fresh}")
    try:
        instance(fresh).close()        # a new database gets the blob tables at start
        with psycopg.connect(pg.url(), autocommit=True) as conn:
            found = conn.execute("SELECT count(*) FROM information_schema.tables WHERE "
                                 "table_schema = %s AND table_name IN ('blobs', 'blob_chunks')",
                                 (fresh,)).fetchone()
            assert found == (2,)
    finally:
        with psycopg.connect(pg.url(), autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {fresh} CASCADE")


def _append_op(box, bodies: list[bytes], now: int = 1) -> AppendOp:
    return AppendOp(box.mailbox, tuple((b[:32].ljust(32, b"."), b) for b in bodies), now,
                    10**6, 10**9)


def test_concurrent_appenders_on_two_instances_never_show_a_cursor_out_of_order(
        schema: str) -> None:
    """Two instances write batches to one mailbox (plus others, so transactions overlap
    and commit in any order) while readers on both instances page through it: every reader
    must see cursors 1..N, each exactly once, in order."""
    stores = [instance(schema), instance(schema)]
    stores[0].write_batch([CreateOp(b.mailbox, b.write_pk, b.read_pk, KIND_GROUP, 0, 1)
                           for b in (A, *OTHERS)])
    per_writer, batch = 40, 5
    done = threading.Event()
    errors: list[BaseException] = []

    def write(store: PostgresStorage, tag: str) -> None:
        try:
            for n in range(per_writer):
                ops = [_append_op(A, [f"{tag}-{n}-{i}".encode() for i in range(batch)])]
                ops += [_append_op(b, [f"{tag}-{n}".encode()]) for b in OTHERS[n % 3:]]
                store.write_batch(ops[::-1] if n % 2 else ops)
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread
            errors.append(exc)

    seen: list[list[int]] = [[] for _ in range(4)]

    def read(store: PostgresStorage, out: list[int]) -> None:
        after = 0
        try:
            while True:
                finished = done.is_set()
                rows = store.fetch(A.mailbox, after, 7, 1 << 20)
                out.extend(c for c, _ in rows)
                if rows:
                    after = rows[-1][0]
                elif finished:
                    return
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    writers = [threading.Thread(target=write, args=(stores[i % 2], f"w{i}")) for i in range(4)]
    readers = [threading.Thread(target=read, args=(stores[i % 2], seen[i])) for i in range(4)]
    for t in writers + readers:
        t.start()
    for t in writers:
        t.join(60)
    done.set()
    for t in readers:
        t.join(60)
    for store in stores:
        store.close()
    assert not errors, errors
    total = 4 * per_writer * batch
    for out in seen:
        assert out == list(range(1, total + 1))


def test_a_duplicate_on_another_instance_gets_the_first_cursor(schema: str) -> None:
    one, two = instance(schema), instance(schema)
    one.write_batch([CreateOp(A.mailbox, A.write_pk, A.read_pk, KIND_GROUP, 0, 1)])
    first = one.write_batch([_append_op(A, [b"x", b"y"])])[0]
    again = two.write_batch([_append_op(A, [b"y", b"z"])])[0]
    assert isinstance(first, AppendResult) and isinstance(again, AppendResult)
    assert (first.cursors, again.cursors, again.new) == ((1, 2), (2, 3), ((3, b"z"),))
    one.close()
    two.close()


def test_a_retry_in_a_batch_of_new_appends_gets_its_cursor_and_the_batch_still_lands(
        schema: str) -> None:
    """A batch is first written without looking for stored bodies; a retry among its
    appends makes that write fail whole, and the batch is written again with the lookup."""
    store = instance(schema)
    store.write_batch([CreateOp(c.mailbox, c.write_pk, c.read_pk, KIND_GROUP, 0, 1)
                       for c in (A, B)])
    store.write_batch([_append_op(A, [b"stored"])])
    results = store.write_batch([_append_op(B, [b"fresh on B"]), _append_op(A, [b"stored"]),
                                 _append_op(A, [b"fresh on A"])])
    assert [(r.cursors, r.new) for r in results] == [   # type: ignore[union-attr]
        ((1,), ((1, b"fresh on B"),)), ((1,), ()), ((2,), ((2, b"fresh on A"),))]
    assert store.fetch(A.mailbox, 0, 10, 1 << 20) == [(1, b"stored"), (2, b"fresh on A")]
    assert store.write_batch([_append_op(B, [b"next"])])[0].cursors == (2,)  # type: ignore[union-attr]
    store.close()


def test_a_read_proof_is_good_once_across_instances_and_restarts(schema: str) -> None:
    clock = FakeClock()
    one = RelayCore(instance(schema), Limits(), clock)
    two = RelayCore(instance(schema), Limits(), clock)
    one.create(A.mailbox, A.write_pk, A.read_pk, KIND_GROUP, 0, create_sig(A))
    proof = read_proof(A, int(clock()))
    one.fetch(A.mailbox, proof, 0)
    with pytest.raises(Forbidden):
        two.fetch(A.mailbox, proof, 0)
    one.storage.close()
    restarted = RelayCore(instance(schema), Limits(), clock)
    with pytest.raises(Forbidden):
        restarted.fetch(A.mailbox, proof, 0)
    # once the proof time has left the window, retention forgets the nonce
    clock.advance(Limits().proof_window_seconds + 1)
    restarted.prune()
    with psycopg.connect(pg.url()) as conn:
        assert conn.execute(f"SELECT count(*) FROM {schema}.used_nonces").fetchone() == (0,)
    for core in (two, restarted):
        core.storage.close()


def _cut_off(store: PostgresStorage) -> None:
    """Point the storage at a port where no database listens (the fault under test)."""
    dead = pg.conninfo_on_dead_port()
    store.pool.close()
    store.pool = ConnectionPool(dead, min_size=0, max_size=1, timeout=0.5, open=True)
    store.conninfo = dead
    store.close_writers()


async def test_an_unreachable_database_is_503_with_retry_after_never_500(
        schema: str, tmp_path: Path) -> None:
    store = instance(schema)
    app = create_app(RelayConfig(data_dir=tmp_path), storage=store)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://relay.test") as c:
        assert (await c.get("/healthz")).status_code == 200
        assert (await c.post("/v1/mailboxes", json=create_body(A))).status_code == 201
        _cut_off(store)
        answers = [await c.get("/healthz"),
                   await c.post(messages_path(A), json=append_body(A, [b"m"])),
                   await c.get(messages_path(A),
                         headers=proof_headers(read_proof(A, int(time.time())))),
                   await c.post("/v1/mailboxes", json=create_body(cap("pg-new")))]
        for r in answers:
            assert r.status_code == 503, r.text
            assert int(r.headers["retry-after"]) >= 1
            assert "database" in r.json()["error"] or "try again" in r.json()["error"]
    await app.state.relay.shutdown()


def test_while_the_database_is_away_lookups_fail_at_once_then_recover(
        schema: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lookups run on the event loop: after a failed connection they answer 503 without
    waiting on the pool again until the away time has passed, then work again."""
    monkeypatch.setattr(pg_storage, "AWAY_SECONDS", 3600.0)
    store = instance(schema)
    working = store.pool
    store.pool = ConnectionPool(pg.conninfo_on_dead_port(), min_size=0, max_size=1,
                                timeout=0.5, open=True)
    with pytest.raises(Unavailable):
        store.get_mailbox(A.mailbox)
    dead, store.pool = store.pool, working       # the database is back ...
    with pytest.raises(Unavailable):             # ... but is not asked during the away time
        store.get_mailbox(A.mailbox)
    store._away_until = 0.0                      # the away time has passed
    assert store.get_mailbox(A.mailbox) is None
    dead.close()
    store.close()
