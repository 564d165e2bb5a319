"""An operator moves a SQLite relay that two members use to PostgreSQL: stop it,
`coterie-relay migrate --from sqlite:PATH --to postgresql://…`, start it on PostgreSQL at
the same address. The members' apps notice nothing: what was waiting for Ben arrives once,
and the conversation goes on without a gap or a duplicate."""
from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.harness import PY, ROOT, Cli, RelayProcess, wait_healthy
from tests.relay import pg

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]


@dataclass
class PostgresRelayProcess(RelayProcess):
    """`coterie-relay --database URL` on a given port (the data dir holds only blob files)."""

    database: str = ""

    def start(self) -> PostgresRelayProcess:
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child process owns it
        self.proc = subprocess.Popen(
            [PY, "-m", "relay.cli", "--host", "127.0.0.1", "--port", str(self.port),
             "--data", str(self.data_dir), "--database", self.database],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        wait_healthy(self.url)
        return self


def posts(cli: Cli, gid: str) -> list[tuple[str, str]]:
    doc = cli.json("read", gid, "--limit", "500")
    assert doc["warnings"] == []
    return [(p["id"], p["text"]) for p in doc["posts"]]


def test_a_conversation_goes_on_after_the_relay_moves_to_postgresql(
        tmp_path: Path, make_cli: Callable[..., Cli]) -> None:
    sqlite_relay = RelayProcess(tmp_path / "relay-data", tmp_path / "relay.log").start()
    ana, ben = make_cli("Ana"), make_cli("Ben")
    try:
        gid = ana.out("group", "create", "Garden", "--relay", sqlite_relay.url)
        ben.run("join", ana.out("invite", "create", gid))
        ana.run("sync")
        assert ben.json("sync")["joined"] == [gid]
        ana.out("post", gid, "the tomatoes are in")
        assert ben.json("sync")["new_posts"] == 1
        ben.out("post", gid, "I water on Sundays")
        assert ana.json("sync")["new_posts"] == 1
        # Waiting on the relay for Ben when it stops: they must arrive exactly once.
        ana.out("post", gid, "slugs ate the lettuce")
        ana.out("post", gid, "beer traps tonight")
    finally:
        sqlite_relay.stop()

    with pg.schema() as schema:
        target = pg.relay_url(schema)
        moved = subprocess.run(
            [PY, "-m", "relay.cli", "migrate", "--from",
             f"sqlite:{tmp_path / 'relay-data' / 'relay.db'}", "--to", target],
            cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert moved.returncode == 0, moved.stderr
        assert "counts and hashes match" in moved.stdout

        relay = PostgresRelayProcess(tmp_path / "relay-data", tmp_path / "relay-pg.log",
                                     port=sqlite_relay.port, database=target).start()
        try:
            assert ben.json("sync")["new_posts"] == 2
            ben.out("post", gid, "I will bring the beer")
            ana.out("post", gid, "and I the saucers")    # takes in Ben's post too
            assert ben.json("sync")["new_posts"] == 1
            for member in (ana, ben):
                assert member.json("sync")["new_posts"] == 0
        finally:
            relay.stop()
        assert "Traceback" not in (tmp_path / "relay-pg.log").read_text()

    expected = ["the tomatoes are in", "I water on Sundays", "slugs ate the lettuce",
                "beer traps tonight", "I will bring the beer", "and I the saucers"]
    ana_posts, ben_posts = posts(ana, gid), posts(ben, gid)
    assert ana_posts == ben_posts
    assert [text for _, text in ana_posts] == expected
    assert len({post_id for post_id, _ in ana_posts}) == len(expected)
