"""`coterie-relay migrate`: a SQLite relay's mailboxes and messages move to PostgreSQL with
their cursors, verified; a non-empty target is refused unless told."""
from __future__ import annotations

from pathlib import Path

import pytest

from crypto.relay_wire import KIND_GROUP
from relay.cli import main
from relay.config import Limits
from relay.core import RelayCore
from relay.migrate import MigrateError, copy
from relay.pg_blobs import PostgresBlobs
from relay.pg_storage import PostgresStorage
from relay.sqlite_blobs import SQLiteBlobs
from relay.sqlite_storage import SQLiteStorage
from relay.storage import BlobRecord
from tests.relay import pg
from tests.relay.conftest import START, FakeClock
from tests.relay.wire import append_sig, cap, close_proof, create_sig, read_proof

A, B = cap("mig-a"), cap("mig-b")
FILE = BlobRecord(b"\x07" * 32, A.mailbox, 3 << 20, b"\x08" * 32, b"\x09" * 32, START, START,
                  False)


def _core(storage, clock: FakeClock) -> RelayCore:
    return RelayCore(storage, Limits(), clock)


def _append(core: RelayCore, box, bodies: list[bytes]) -> list[int]:
    return core.append(box.mailbox, bodies, [append_sig(box, b) for b in bodies])


def _sqlite_relay(path: Path, clock: FakeClock) -> None:
    core = _core(SQLiteStorage(path), clock)
    for box in (A, B):
        core.create(box.mailbox, box.write_pk, box.read_pk, KIND_GROUP, 0, create_sig(box))
    _append(core, A, [b"a1", b"a2", b"a3"])
    _append(core, B, [b"b1"])
    core.close(B.mailbox, close_proof(B, int(clock())))
    core.storage.close()
    blobs = SQLiteBlobs(path)       # a file blob of A's epoch, two of its chunks stored
    blobs.create(FILE, 1 << 30)
    for index in (0, 1):
        blobs.add_chunk(FILE.blob, index, bytes([index]) * 32, 3, int(clock()))
    blobs.close()


def test_migrate_keeps_every_cursor_and_the_conversation_goes_on(tmp_path: Path) -> None:
    clock = FakeClock()
    _sqlite_relay(tmp_path / "relay.db", clock)
    with pg.schema() as schema:
        assert copy(tmp_path / "relay.db", pg.url(), schema=schema) == (2, 4, 1)
        core = _core(PostgresStorage(pg.url(), schema=schema), clock)
        page = core.fetch(A.mailbox, read_proof(A, int(clock())), 0)
        assert page.messages == [(1, b"a1"), (2, b"a2"), (3, b"a3")]
        assert core.is_closed(B.mailbox)
        blobs = PostgresBlobs(core.storage)       # the file's metadata came along
        assert blobs.get(FILE.blob) == FILE and blobs.stored(FILE.blob) == [0, 1]
        assert _append(core, A, [b"a3", b"a4"]) == [3, 4]     # a retry, then the next one
        core.create(cap("mig-c").mailbox, cap("mig-c").write_pk, cap("mig-c").read_pk,
                    KIND_GROUP, 0, create_sig(cap("mig-c")))   # ids continue after the copy
        core.storage.close()
        with pytest.raises(MigrateError, match="--replace"):
            copy(tmp_path / "relay.db", pg.url(), schema=schema)
        assert copy(tmp_path / "relay.db", pg.url(), schema=schema, replace=True) == (2, 4, 1)


def test_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _sqlite_relay(tmp_path / "relay.db", FakeClock())
    with pg.schema() as schema:
        target = pg.relay_url(schema)
        assert main(["migrate", "--from", f"sqlite:{tmp_path / 'relay.db'}",
                     "--to", target]) == 0
        assert "2 mailboxes, 4 messages and 1 file blobs" in capsys.readouterr().out
        assert main(["migrate", "--from", f"sqlite:{tmp_path / 'relay.db'}",
                     "--to", target]) == 1
        assert "--replace" in capsys.readouterr().err
    assert main(["migrate", "--from", str(tmp_path / "relay.db"), "--to", "x"]) == 2
    assert main(["migrate", "--from", f"sqlite:{tmp_path / 'none.db'}",
                 "--to", pg.url()]) == 1
