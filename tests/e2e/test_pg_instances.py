"""Two members of one group on two relay instances that share one PostgreSQL database, behind
one address (tests/relay/switchboard.py): every CLI command of Ana reaches the first
instance, every one of Ben the second. Invite, join, posts both ways by sync, and live push
across the instances."""
from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.harness import Cli, open_services
from tests.relay import pg
from tests.relay.process import start_relay, stop_relay
from tests.relay.switchboard import Switchboard

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]


class Instances:
    """Two `coterie-relay --database` processes on one schema, and the switchboard."""

    def __init__(self, tmp_path: Path, database: str, board: Switchboard) -> None:
        self.board = board
        self.procs, self.urls = [], []
        for name in ("one", "two"):
            proc, url, _ = start_relay(tmp_path / name, "--database", database)
            self.procs.append(proc)
            self.urls.append(url)

    def port(self, index: int) -> int:
        return int(self.urls[index].rsplit(":", 1)[1])

    def use(self, index: int) -> None:
        """New connections to the group's relay address go to instance `index` (0 or 1)."""
        self.board.route(self.port(index))

    def streams(self, index: int) -> int:
        page = httpx.get(f"{self.urls[index]}/metrics", timeout=5).text
        match = re.search(r"^coterie_relay_push_connections (\d+)$", page, re.M)
        assert match, "push_connections missing from /metrics"
        return int(match.group(1))

    def stop(self) -> None:
        for proc in self.procs:
            code, _, err = stop_relay(proc)
            assert code == 0, err
            assert "Traceback" not in err


@pytest.fixture
def instances(tmp_path: Path) -> Iterator[Instances]:
    with pg.schema() as schema, Switchboard() as board:
        both = Instances(tmp_path, pg.relay_url(schema), board)
        try:
            yield both
        finally:
            both.stop()


def texts(cli: Cli, gid: str) -> list[str]:
    return [p["text"] for p in cli.json("read", gid)["posts"]]


def wait_for_post(services: object, gid: str, text: str, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.text == text for p in services.posts.latest(gid).posts):  # type: ignore[attr-defined]
            return True
        time.sleep(0.1)
    return False


def wait_for_stream(instances: Instances, index: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while instances.streams(index) < 1:
        assert time.monotonic() < deadline, f"no push stream reached instance {index}"
        time.sleep(0.1)


def test_two_members_on_two_instances_talk_by_sync_and_live(
        instances: Instances, make_cli: Callable[..., Cli]) -> None:
    ana, ben = make_cli("Ana"), make_cli("Ben")
    on_one, on_two = (lambda: instances.use(0)), (lambda: instances.use(1))

    on_one()
    gid = ana.out("group", "create", "Orchestra", "--relay", instances.board.url)
    link = ana.out("invite", "create", gid)
    on_two()
    assert ben.json("join", link)["status"] == "waiting"      # the bundle was stored on one
    on_one()
    assert ana.json("sync")["admitted"] == 1                   # the request was stored on two
    on_two()
    assert ben.json("sync")["joined"] == [gid]

    on_one()
    ana.out("post", gid, "tuning at seven")
    on_two()
    assert ben.json("sync")["new_posts"] == 1
    ben.out("post", gid, "bringing the oboe")
    on_one()
    assert ana.json("sync")["new_posts"] == 1
    assert texts(ana, gid) == texts(ben, gid) == ["tuning at seven", "bringing the oboe"]

    # Live: Ben's app holds its push stream on instance two; Ana posts through instance one.
    on_two()
    opened = open_services(ben)
    try:
        opened.services.start()
        wait_for_stream(instances, 1)
        assert instances.streams(0) == 0
        on_one()
        ana.out("post", gid, "live through one")
        assert wait_for_post(opened.services, gid, "live through one")
    finally:
        opened.close()

    # And the other way: Ana's stream on instance one, Ben posting through instance two.
    on_one()
    opened = open_services(ana)
    try:
        opened.services.start()
        wait_for_stream(instances, 0)
        on_two()
        ben.out("post", gid, "live through two")
        assert wait_for_post(opened.services, gid, "live through two")
    finally:
        opened.close()

    # Both live posts can fall in one second; the timeline then orders them by sequence
    # number, the same on every member, so only their order across members is checked.
    shown = []
    for member, index in ((ana, 0), (ben, 1)):
        instances.use(index)
        member.run("sync")
        doc = member.json("read", gid)
        assert doc["warnings"] == []
        shown.append([p["text"] for p in doc["posts"]])
    assert shown[0] == shown[1]
    assert shown[0][:2] == ["tuning at seven", "bringing the oboe"]
    assert sorted(shown[0][2:]) == ["live through one", "live through two"]
    assert instances.board.opened[instances.port(0)] and instances.board.opened[instances.port(1)]
