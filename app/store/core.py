"""The store's skeleton: opening, the owner thread, transactions and the call decorators.

Every public store method is wrapped by `reads` or `writes`. Called from any thread, the
method is queued to the owner thread and the caller waits; called on the owner thread (from
inside `submit`/`run`, e.g. within `transaction()`), it runs inline and joins the open
transaction.

Durability: `PRAGMA synchronous` belongs to the connection and SQLite refuses to change it
inside a transaction, so the owner thread sets it just before BEGIN: FULL for durable
writes (the outbox, what the user typed, protocol state), NORMAL for re-fetchable inbound
data. In WAL mode a commit's frames follow every earlier commit's, so a later FULL commit
also makes earlier NORMAL ones durable, and a NORMAL commit lost in a power cut is lost
together with the cursor written in the same transaction, so the relay re-sends it.
"""
from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import sqlcipher3

from app.i18n import _
from app.store import db
from app.store.errors import StoreClosed, StoreError
from app.store.owner import OwnerThread

DB_NAME = "store.db"

log = logging.getLogger(__name__)

S = TypeVar("S", bound="StoreCore | StorePart")
P = ParamSpec("P")
T = TypeVar("T")


def reads(method: Callable[Concatenate[S, P], T]) -> Callable[Concatenate[S, P], T]:
    """Run the method on the owner thread."""

    @functools.wraps(method)
    def wrapper(self: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self._owner.call(lambda: self._guard(method, self, *args, **kwargs))

    return wrapper


def writes(durable: bool) -> Callable[[Callable[Concatenate[S, P], T]],
                                      Callable[Concatenate[S, P], T]]:
    """Run the method on the owner thread inside a transaction of the given durability."""

    def decorate(method: Callable[Concatenate[S, P], T]) -> Callable[Concatenate[S, P], T]:
        @functools.wraps(method)
        def wrapper(self: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
            def in_transaction() -> T:
                with self.transaction(durable=durable):
                    return method(self, *args, **kwargs)

            return self._owner.call(lambda: self._guard(in_transaction))

        return wrapper

    return decorate


class StoreCore:
    """Connection ownership, transactions and the non-blocking entry points."""

    def __init__(self, owner: OwnerThread, conn: sqlcipher3.Connection, path: Path) -> None:
        self._owner = owner
        self._conn: sqlcipher3.Connection | None = conn
        self._path = path
        self._depth = 0
        self._synchronous = "FULL"

    @classmethod
    def open(cls: type[S], profile_dir: Path, key: bytes) -> S:
        """Open or create `<profile_dir>/store.db` with the raw 32-byte key, migrated."""
        path = Path(profile_dir) / DB_NAME
        owner = OwnerThread(name="coterie-store")
        try:
            conn = owner.submit(lambda: db.connect(path, key)).result()
        except BaseException:
            owner.stop(lambda: None)
            raise
        return cls(owner, conn, path)

    @property
    def path(self) -> Path:
        return self._path

    def __enter__(self: S) -> S:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Finish queued work, checkpoint the WAL into the main file and close."""

        def last() -> None:
            conn, self._conn = self._conn, None
            if conn is None:
                return
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlcipher3.Error:
                log.warning("store: WAL checkpoint on close failed")
            finally:
                conn.close()

        self._owner.stop(last)

    # -- non-blocking API ------------------------------------------------------------------
    def submit(self: S, fn: Callable[..., T], *args: Any,
               callback: Callable[[Future[T]], None] | None = None, **kwargs: Any) -> Future[T]:
        """Queue `fn(store, *args, **kwargs)` to the owner thread; never blocks.

        The callback (if any) runs on the owner thread when the future is done: keep it
        short (emit a Qt signal, put on a queue).
        """
        return self._owner.submit(lambda: fn(self, *args, **kwargs), callback)

    def run(self: S, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`submit(...)` and wait: runs several store calls together on the owner thread."""
        return self._owner.call(lambda: fn(self, *args, **kwargs))

    @contextlib.contextmanager
    def transaction(self, durable: bool = True) -> Iterator[None]:
        """All store calls inside commit together or not at all (owner thread only).

        Nested transactions join the outermost one, whose durability applies.
        """
        if not self._owner.on_owner():
            raise StoreError("Store transactions run on the store thread; use Store.run.")
        conn = self._db()
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        level = "FULL" if durable else "NORMAL"
        if level != self._synchronous:
            conn.execute(f"PRAGMA synchronous = {level}")
            self._synchronous = level
        conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            conn.execute("ROLLBACK")
            raise
        self._depth = 0
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # e.g. busy: leave the connection usable, nothing half-done
                conn.execute("ROLLBACK")
            raise

    # -- helpers for the parts ---------------------------------------------------------------
    def _db(self) -> sqlcipher3.Connection:
        if self._conn is None:
            raise StoreClosed(_("The store is closed."))
        return self._conn

    @staticmethod
    def _guard(method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return method(*args, **kwargs)
        except sqlcipher3.IntegrityError as exc:
            raise StoreError(_("The store refused a change that breaks its rules.")) from exc
        except sqlcipher3.Error as exc:
            raise StoreError(_("The store could not complete that operation.")) from exc

    def check_integrity(self) -> list[str]:
        """`PRAGMA integrity_check` plus the FTS5 integrity check; [] when all is well."""

        def work() -> list[str]:
            conn = self._db()
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            problems = [] if rows == ["ok"] else rows
            for index in ("posts_fts", "library_fts"):
                try:
                    conn.execute(f"INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', 1)")
                except sqlcipher3.DatabaseError as exc:
                    problems.append(f"fts: {exc}")
            return problems

        return self._owner.call(work)

    def checkpoint(self) -> None:
        """Copy the WAL into the main file and truncate it."""
        self._owner.call(lambda: self._db().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall())


class StorePart:
    """One capability's tables (groups, posts, ...): shares the core's thread and transactions.

    Its public methods carry `reads`/`writes` like the core's, so each runs on the owner
    thread and joins a transaction already open there.
    """

    def __init__(self, core: StoreCore) -> None:
        self._core = core
        self._owner = core._owner

    def _db(self) -> sqlcipher3.Connection:
        return self._core._db()

    def transaction(self, durable: bool = True) -> contextlib.AbstractContextManager[None]:
        return self._core.transaction(durable)

    _guard = staticmethod(StoreCore._guard)
