"""Group commit: concurrent appends share durable transactions; failures reach every caller.
On SQLite and on PostgreSQL (where the failed commit is a real one: the writer's server
connection is terminated under it)."""
from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from relay.errors import Forbidden, NotFound, Unavailable
from relay.pg_storage import PostgresStorage
from relay.sqlite_storage import SQLiteStorage
from relay.storage import AppendOp, AppendResult, CreateOp, Storage, WriteOp
from relay.writer import GroupCommitter
from tests.relay import pg
from tests.relay.conftest import new_storage
from tests.relay.wire import cap

A = cap("writer")


class CountingStorage:
    """A real storage, remembering how many operations each transaction held; with
    `fail_next` its next transaction fails for real."""

    def __init__(self, inner: Storage) -> None:
        self.inner = inner
        self.writers = getattr(inner, "writers", 1)
        self.batches: list[int] = []
        self.threads: set[str] = set()
        self.fail_next = False

    def write_batch(self, ops: list[WriteOp]):  # type: ignore[no-untyped-def]
        self.batches.append(len(ops))    # (list.append is atomic: writers may run at once)
        self.threads.add(threading.current_thread().name)
        if self.fail_next:
            self.fail_next = False
            if not isinstance(self.inner, PostgresStorage):
                raise sqlite3.OperationalError("disk I/O error")
            # The server ends the writer's connection, as a restart or a crash would.
            pid = self.inner._writer_conn().info.backend_pid
            with psycopg.connect(pg.url(), autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        return self.inner.write_batch(ops)

    def close(self) -> None:
        self.inner.close()


@pytest.fixture
def storage(backend: str, tmp_path: Path) -> Iterator[CountingStorage]:
    store = CountingStorage(SQLiteStorage(tmp_path / "r.db") if backend == "sqlite"
                            else new_storage())
    yield store
    store.close()


def append_op(body: bytes, box=A) -> AppendOp:
    return AppendOp(box.mailbox, ((body[:32].ljust(32, b"."), body),), 1, 10**6, 10**9)


def create_op() -> CreateOp:
    return CreateOp(A.mailbox, A.write_pk, A.read_pk, 0, 0, 1)


def test_the_database_is_wal_with_full_sync(tmp_path: Path) -> None:
    storage = SQLiteStorage(tmp_path / "r.db")
    assert storage._writer.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert storage._writer.execute("PRAGMA synchronous").fetchone() == (2,)   # FULL
    storage.close()


async def test_concurrent_appends_share_commits_and_keep_order(storage: CountingStorage) -> None:
    committed: list[object] = []
    committer = GroupCommitter(storage, asyncio.get_running_loop(), committed.append)
    await committer.submit(create_op())
    futures = [committer.submit(append_op(b"%04d" % i)) for i in range(300)]
    results = await asyncio.gather(*futures)
    assert [r.cursors for r in results] == [(i,) for i in range(1, 301)]  # type: ignore[union-attr]
    assert sum(storage.batches) == 301 and len(storage.batches) < 301
    assert [r for r in committed if isinstance(r, AppendResult)] == results
    await asyncio.to_thread(committer.stop)


async def test_an_operation_refused_in_a_batch_does_not_spoil_the_others(
        storage: CountingStorage) -> None:
    committer = GroupCommitter(storage, asyncio.get_running_loop(), lambda _: None)
    await committer.submit(create_op())
    outcomes = await asyncio.gather(committer.submit(append_op(b"ok1")),
                                    committer.submit(append_op(b"x", cap("unknown"))),
                                    committer.submit(append_op(b"ok2")))
    assert isinstance(outcomes[1], NotFound)
    assert [o.cursors for o in (outcomes[0], outcomes[2])] == [(1,), (2,)]  # type: ignore[union-attr]
    await asyncio.to_thread(committer.stop)


async def test_signatures_are_checked_apart_from_the_writer_and_a_refusal_spoils_nothing(
        storage: CountingStorage) -> None:
    """The checker thread checks while the writer commits; a refused op never reaches the
    storage and the others of its batch are stored."""
    checked_on: set[str] = set()

    def check(op: WriteOp) -> Forbidden | None:
        checked_on.add(threading.current_thread().name)
        forged = isinstance(op, AppendOp) and op.items[0][1] == b"forged"
        return Forbidden("A message signature does not match the write key.") if forged else None

    committer = GroupCommitter(storage, asyncio.get_running_loop(), lambda _: None,
                               check=check)
    await committer.submit(create_op())
    outcomes = await asyncio.gather(committer.submit(append_op(b"ok1")),
                                    committer.submit(append_op(b"forged")),
                                    committer.submit(append_op(b"ok2")))
    assert isinstance(outcomes[1], Forbidden)
    assert [o.cursors for o in (outcomes[0], outcomes[2])] == [(1,), (2,)]  # type: ignore[union-attr]
    assert checked_on == {"relay-checker"} and "relay-checker" not in storage.threads
    assert [body for _, body in storage.inner.fetch(A.mailbox, 0, 10, 10**6)] == [b"ok1", b"ok2"]
    await asyncio.to_thread(committer.stop)


async def test_a_failed_commit_fails_every_caller_and_stores_nothing(
        storage: CountingStorage) -> None:
    committer = GroupCommitter(storage, asyncio.get_running_loop(), lambda _: None)
    await committer.submit(create_op())
    storage.fail_next = True
    with pytest.raises(Unavailable):
        await committer.submit(append_op(b"lost"))
    ok = await committer.submit(append_op(b"kept"))   # the writer recovers by itself
    assert ok.cursors == (1,)  # type: ignore[union-attr]
    assert storage.inner.fetch(A.mailbox, 0, 10, 10**6) == [(1, b"kept")]
    await asyncio.to_thread(committer.stop)


async def test_stop_finishes_what_was_submitted_then_refuses(storage: CountingStorage) -> None:
    committer = GroupCommitter(storage, asyncio.get_running_loop(), lambda _: None)
    first = committer.submit(create_op())
    pending = [committer.submit(append_op(b"%d" % i)) for i in range(50)]
    await asyncio.to_thread(committer.stop)
    # Every outcome reaches its future once the writer hands it back to the loop.
    outcomes = await asyncio.wait_for(asyncio.gather(first, *pending), 10)
    assert outcomes[0].created  # type: ignore[union-attr]
    assert len({o.cursors for o in outcomes[1:]}) == 50  # type: ignore[union-attr]
    with pytest.raises(Unavailable):
        await committer.submit(append_op(b"late"))


async def test_writes_to_many_mailboxes_keep_each_mailboxs_order(
        storage: CountingStorage) -> None:
    """A storage that takes several transactions at once (PostgreSQL can, here with two
    writer threads) gets several writers, each owning some mailboxes; every mailbox still
    gets its cursors in submission order."""
    if isinstance(storage.inner, PostgresStorage):
        storage.writers = 2
    boxes = [cap(f"many-{n}") for n in range(16)]
    committer = GroupCommitter(storage, asyncio.get_running_loop(), lambda _: None)
    await asyncio.gather(*(committer.submit(CreateOp(b.mailbox, b.write_pk, b.read_pk, 0, 0, 1))
                           for b in boxes))
    futures = [[committer.submit(append_op(b"%s-%03d" % (b.mailbox[:4], i), b))
                for i in range(40)] for b in boxes]
    for pending in futures:
        results = await asyncio.gather(*pending)
        assert [r.cursors for r in results] == [(i,) for i in range(1, 41)]  # type: ignore[union-attr]
    # every writer that owns one of these mailboxes committed some
    assert len(storage.threads) == len({b.mailbox[-1] % storage.writers for b in boxes})
    await asyncio.to_thread(committer.stop)
