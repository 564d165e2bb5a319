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
from relay.pg_storage import PostgresStorage
from relay.sqlite_storage import SQLiteStorage
from tests.relay import pg
from tests.relay.conftest import FakeClock
from tests.relay.wire import append_sig, cap, close_proof, create_sig, read_proof

A, B = cap("mig-a"), cap("mig-b")


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


def test_migrate_keeps_every_cursor_and_the_conversation_goes_on(tmp_path: Path) -> None:
    clock = FakeClock()
    _sqlite_relay(tmp_path / "relay.db", clock)
    with pg.schema() as schema:
        assert copy(tmp_path / "relay.db", pg.url(), schema=schema) == (2, 4)
        core = _core(PostgresStorage(pg.url(), schema=schema), clock)
        page = core.fetch(A.mailbox, read_proof(A, int(clock())), 0)
        assert page.messages == [(1, b"a1"), (2, b"a2"), (3, b"a3")]
        assert core.is_closed(B.mailbox)
        assert _append(core, A, [b"a3", b"a4"]) == [3, 4]     # a retry, then the next one
        core.create(cap("mig-c").mailbox, cap("mig-c").write_pk, cap("mig-c").read_pk,
                    KIND_GROUP, 0, create_sig(cap("mig-c")))   # ids continue after the copy
        core.storage.close()
        with pytest.raises(MigrateError, match="--replace"):
            copy(tmp_path / "relay.db", pg.url(), schema=schema)
        assert copy(tmp_path / "relay.db", pg.url(), schema=schema, replace=True) == (2, 4)


def test_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _sqlite_relay(tmp_path / "relay.db", FakeClock())
    with pg.schema() as schema:
        target = pg.relay_url(schema)
        assert main(["migrate", "--from", f"sqlite:{tmp_path / 'relay.db'}",
                     "--to", target]) == 0
        assert "2 mailboxes and 4 messages" in capsys.readouterr().out
        assert main(["migrate", "--from", f"sqlite:{tmp_path / 'relay.db'}",
                     "--to", target]) == 1
        assert "--replace" in capsys.readouterr().err
    assert main(["migrate", "--from", str(tmp_path / "relay.db"), "--to", "x"]) == 2
    assert main(["migrate", "--from", f"sqlite:{tmp_path / 'none.db'}",
                 "--to", pg.url()]) == 1
