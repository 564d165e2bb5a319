"""Nothing is lost: a long absence, a relay that is down, a relay killed mid-stream."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.harness import Cli, RelayProcess, open_services, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]


def _group_of_two(relay: RelayProcess, make_cli: Callable[..., Cli]) -> tuple[Cli, Cli, str]:
    ana, ben = make_cli("Ana"), make_cli("Ben")
    gid = ana.out("group", "create", "Choir", "--relay", relay.url)
    ben.run("join", ana.out("invite", "create", gid))
    ana.run("sync")
    ben.run("sync")
    return ana, ben, gid


def test_a_member_offline_for_500_posts_catches_up_once(
        relay: RelayProcess, make_cli: Callable[..., Cli]) -> None:
    ana, ben, gid = _group_of_two(relay, make_cli)
    opened = open_services(ana)
    texts = [f"rehearsal note {i}" for i in range(500)]
    for text in texts:
        opened.services.posts.post(gid, text)
    assert opened.services.sync_once(120).offline == ()
    assert opened.services.connection().waiting == 0
    opened.close()
    report = ben.json("sync")
    assert report["new_posts"] == 500
    posts = ben.json("read", gid, "--limit", "1000")["posts"]
    assert [p["text"] for p in posts] == texts
    assert len({p["id"] for p in posts}) == 500
    assert ben.json("sync")["new_posts"] == 0


def test_posts_made_while_the_relay_is_down_go_out_when_it_returns(
        relay: RelayProcess, make_cli: Callable[..., Cli]) -> None:
    ana, ben, gid = _group_of_two(relay, make_cli)
    relay.stop()
    result = ana.run("post", gid, "written offline")
    assert result.returncode == 0 and "next sync" in result.stderr
    offline = ana.json("sync")
    assert offline["offline"] == [relay.url] and offline["sent"] == 0
    relay.start()
    assert ana.json("sync")["sent"] == 1
    ben.run("sync")
    assert [p["text"] for p in ben.json("read", gid)["posts"]] == ["written offline"]


def test_a_relay_killed_mid_stream_loses_nothing_acknowledged(
        relay: RelayProcess, make_cli: Callable[..., Cli]) -> None:
    ana, ben, gid = _group_of_two(relay, make_cli)
    opened = open_services(ana)
    svc = opened.services
    svc.start()
    try:
        sent = [svc.posts.post(gid, f"verse {i}").id for i in range(60)]
        # Kill the relay as soon as the first acknowledgement shows the stream is flowing.
        assert wait_until(svc, lambda: svc.connection().waiting < 60, 30)
        relay.kill9()
        sent += [svc.posts.post(gid, f"verse {i}").id for i in range(60, 80)]
        relay.start()
        sent += [svc.posts.post(gid, f"verse {i}").id for i in range(80, 120)]
        assert wait_until(svc, lambda: svc.connection().waiting == 0, 60)
    finally:
        opened.close()
    ben.run("sync")
    posts = ben.json("read", gid, "--limit", "500")["posts"]
    assert [p["id"] for p in posts] == sent
