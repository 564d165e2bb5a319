"""Channels, threads and pins from the command line: three profiles, one relay, every
command a separate process (the contract in docs/cli.md)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from tests.e2e.harness import Cli, RelayProcess, open_services

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]  # ~60 CLI processes


def _refused(cli: Cli, *args: str) -> str:
    proc = cli.run(*args, check=False)
    assert proc.returncode != 0, args
    message = proc.stderr.strip()
    assert message and "\n" not in message and "Traceback" not in message, message
    return message


def test_channels_threads_and_pins_through_the_cli(
        relay: RelayProcess, make_cli: Callable[..., Cli]) -> None:
    ana, ben, cy = make_cli("Ana"), make_cli("Ben"), make_cli("Cy")
    gid = ana.out("group", "create", "Club", "--relay", relay.url)
    for joiner in (ben, cy):
        joiner.run("join", ana.out("invite", "create", gid))
        ana.run("sync")
        joiner.run("sync")
    for member in (ana, ben, cy, ana):
        member.run("sync")

    chat = ana.out("channel", "create", gid, "Lounge", "--topic", "small talk")
    forum = ana.json("channel", "create", gid, "Books", "--kind", "forum", "--tag", "fiction",
                     "--tag", "poetry")
    news = ana.out("channel", "create", gid, "News", "--kind", "announcements")
    assert len(chat) == 32 and forum["kind"] == "forum" and forum["tags"] == ["fiction", "poetry"]
    # every rule is refused with one sentence, nothing changes
    assert "Only admins" in _refused(ben, "channel", "create", gid, "Mine")
    _refused(ana, "channel", "create", gid, "lounge")               # the name is taken
    _refused(ana, "channel", "create", gid, "Voice", "--kind", "voice")
    _refused(ana, "channel", "archive", gid, "General")
    _refused(ana, "post", gid, "hi", "--channel", "Nowhere")
    for member in (ben, cy):
        member.run("sync")
    names = [c["name"] for c in ben.json("channel", "list", gid)["channels"]]
    assert names == ["General", "Lounge", "Books", "News"]

    assert "Only admins" in _refused(ben, "post", gid, "mine now", "--channel", "News")
    _refused(cy, "post", gid, "no title", "--channel", "Books")
    topic = cy.out("post", gid, "Read it next?", "--channel", "Books", "--title", "Dune",
                   "--tag", "fiction")
    notice = ana.out("post", gid, "Meeting Friday", "--channel", news)
    ben.out("post", gid, "hello all", "--channel", "Lounge")
    for member in (ana, ben, cy):
        member.run("sync")
    ben.out("post", gid, "Yes please", "--thread", topic)
    ana.out("post", gid, "Seconded", "--thread", topic)
    ben.out("post", gid, "I'll be there", "--thread", notice)
    assert "Only admins" in _refused(ben, "pin", gid, notice)
    ana.run("pin", gid, notice)
    for member in (ana, ben, cy):
        member.run("sync")

    # Cy follows her topic: the replies show as unread in it until she reads the thread
    [followed] = cy.json("thread", "list", gid)["threads"]
    assert followed["id"] == topic and followed["thread"]["unread"] == 2
    thread = cy.json("read", gid, "--thread", topic)
    assert thread["thread"]["title"] == "Dune" and thread["channel"]["name"] == "Books"
    assert [p["text"] for p in thread["posts"]] == ["Yes please", "Seconded"]
    assert cy.json("thread", "list", gid)["threads"][0]["thread"]["unread"] == 0
    cy.run("thread", "follow", gid, topic, "--off")
    assert cy.json("thread", "list", gid)["threads"] == []

    books = ben.json("read", gid, "--channel", "Books")
    [t] = books["posts"]
    assert (t["title"], t["tags"], t["thread"]["replies"], t["thread"]["last_replier"]) == (
        "Dune", ["fiction"], 2, "Ana")
    assert [p["text"] for p in ben.json("read", gid)["posts"]] == []      # General
    lounge_unread = {c["name"]: c["unread"] for c in cy.json("channel", "list", gid)["channels"]}
    assert lounge_unread["Lounge"] == 1 and lounge_unread["News"] == 1
    cy.run("read", gid, "--channel", "Lounge")
    assert {c["name"]: c["unread"] for c in cy.json("channel", "list", gid)["channels"]}[
        "Lounge"] == 0
    for member in (ana, ben, cy):
        pins = member.json("pins", gid, "--channel", "News")["pins"]
        assert [p["id"] for p in pins] == [notice]
    assert "pinned" in cy.out("read", gid, "--channel", "News")

    ana.run("channel", "rename", gid, "Lounge", "Parlour")
    ana.run("channel", "archive", gid, "Parlour")
    ana.run("unpin", gid, notice)
    for member in (ana, ben, cy):
        member.run("sync")
    listed = {c["name"]: c for c in ben.json("channel", "list", gid)["channels"]}
    assert listed["Parlour"]["archived"] and listed["Parlour"]["id"] == chat
    assert ben.json("pins", gid)["pins"] == []
    _refused(ben, "post", gid, "late", "--channel", "Parlour")
    assert [p["text"] for p in ben.json("read", gid, "--channel", chat)["posts"]] == ["hello all"]

    hits = ben.json("search", "parl", "--group", gid)["hits"]
    assert [(h["kind"], h["channel"]) for h in hits] == [("channel", chat)]
    hits = ben.json("search", "dune")["hits"]
    assert [(h["kind"], h["post"]) for h in hits] == [("topic", topic)]
    hits = ben.json("search", "seconded")["hits"]
    assert [(h["kind"], h["thread_root"]) for h in hits] == [("post", topic)]


def test_a_51st_pin_is_one_sentence_and_sends_nothing(
        relay: RelayProcess, make_cli: Callable[..., Cli]) -> None:
    ana = make_cli("Ana")
    gid = ana.out("group", "create", "Club", "--relay", relay.url)
    opened = open_services(ana)
    try:
        svc = opened.services
        posts = [svc.posts.post(gid, f"note {i}").id for i in range(51)]
        for post_id in posts[:50]:
            svc.channels.pin(gid, post_id)
        queued = len(svc._access.runtime().store.outbox.pending_outbox())
    finally:
        opened.close()
    proc = ana.run("pin", gid, posts[-1], check=False)
    assert proc.returncode == 5
    assert proc.stderr.strip() == "coterie: This channel has 50 pins already; unpin one first."
    german = replace(ana, env={**ana.env, "COTERIE_LANG": "de"}).run("pin", gid, posts[-1],
                                                                    check=False)
    assert german.stderr.strip() == ("coterie: Dieser Kanal hat schon 50 angeheftete Beiträge; löse "
                                     "zuerst einen davon.")
    opened = open_services(ana)
    try:
        svc = opened.services
        assert len(svc._access.runtime().store.outbox.pending_outbox()) == queued
        assert len(svc.channels.pins(gid)) == 50
    finally:
        opened.close()
