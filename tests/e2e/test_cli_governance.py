"""Governance through the CLI: four profiles, one real relay, every command its own process.

Roles granted and seen identically by every member, an observer invite, an observer and a
moderator held to their roles, a moderator's removal, a hand-over of ownership, and a
relay that learns none of it (byte scan)."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.harness import Cli, RelayProcess, scan_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]  # ~40 CLI processes


def _roles(cli: Cli, gid: str) -> dict[str, str]:
    return {m["name"]: m["role"] for m in cli.json("members", gid)["members"]}


def _join(admin: Cli, joiner: Cli, gid: str, *extra: str) -> None:
    link = admin.out("invite", "create", gid, *extra)
    joiner.run("join", link)
    assert admin.json("sync")["admitted"] == 1
    assert joiner.json("sync")["joined"] == [gid]


def test_roles_through_a_relay_are_the_same_on_every_member(
        relay: RelayProcess, make_cli: Callable[..., Cli]) -> None:
    ana, ben, cy, dee = (make_cli(n) for n in ("Anouk", "Bertil", "Cyprian", "Delphine"))
    gid = ana.out("group", "create", "Governance club", "--relay", relay.url)
    _join(ana, ben, gid)
    _join(ana, cy, gid)
    invite = ana.json("invite", "create", gid, "--role", "observer")
    assert invite["role"] == "observer"
    dee.run("join", invite["link"])
    assert ana.json("sync")["admitted"] == 1
    assert dee.json("sync")["joined"] == [gid]

    ana.run("role", gid, "Bertil", "moderator")
    for member in (ben, cy, dee):
        member.run("sync")
    want = {"Anouk": "owner", "Bertil": "moderator", "Cyprian": "member",
            "Delphine": "observer"}
    assert _roles(dee, gid) == want

    # the observer cannot post; the moderator cannot change roles but removes a post
    no = dee.run("post", gid, "observers talking", check=False)
    assert no.returncode != 0 and "observer cannot post" in no.stderr
    mod = ben.run("role", gid, "Cyprian", "admin", check=False)
    assert mod.returncode != 0 and "admin" in mod.stderr and "Traceback" not in mod.stderr
    spam = cy.out("post", gid, "Cheap watches, very cheap")
    ben.run("sync")
    ben.run("delete", gid, spam)
    ana.run("sync")

    # ownership handed over; the timeline says so on every member
    ana.run("role", gid, "Bertil", "owner")
    for member in (ben, cy, dee):
        member.run("sync")
    want = {**want, "Anouk": "admin", "Bertil": "owner"}
    for member in (ana, ben, cy, dee):
        assert _roles(member, gid) == want
        doc = member.json("read", gid)
        post = next(p for p in doc["posts"] if p["id"] == spam)
        assert post["deleted"] and post["deleted_by"] == "Bertil"
        codes = [e["code"] for e in doc["events"]]
        assert "role:moderator" in codes and "role:owner" in codes
        assert doc["warnings"] == []
    no_remove = ana.run("remove", gid, "Bertil", check=False)
    assert no_remove.returncode != 0 and "owner" in no_remove.stderr

    # the relay learns no role, name or post
    relay.stop()
    needles = {text: text.encode() for text in (
        "moderator", "observer", "owner", "Governance club", "Cheap watches, very cheap",
        "Anouk", "Bertil", "Cyprian", "Delphine")}
    assert scan_for([relay.data_dir, relay.log_path], needles) == []
