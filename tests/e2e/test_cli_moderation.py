"""Moderation through the CLI: three profiles, one real relay, every command its own process.

A moderator removes a post with a reason and times a member out; an admin locks General,
bans the member, and the banned identity's fresh join request is refused; the log is the
same on every member, and the relay learns none of the reasons (byte scan)."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.harness import Cli, RelayProcess, scan_for
from tests.e2e.test_cli_governance import _join

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]  # ~35 CLI processes

REASONS = ("spam-reason-xyzzy", "cooldown-reason-plugh", "ban-reason-frobozz")


def _log(cli: Cli, gid: str) -> list[tuple]:
    return [(e["action"], e["reason"], e["time"], e["target_fingerprint"], e["post"])
            for e in cli.json("mod", "log", gid)["log"]]


def test_moderation_through_a_relay_is_the_same_on_every_member(
        relay: RelayProcess, make_cli: Callable[..., Cli]) -> None:
    ana, ben, cy = (make_cli(n) for n in ("Anouk", "Bertil", "Cyprian"))
    gid = ana.out("group", "create", "Moderated club", "--relay", relay.url)
    _join(ana, ben, gid)
    _join(ana, cy, gid)
    ana.run("role", gid, "Bertil", "moderator")
    spam = cy.out("post", gid, "Cheap watches, very cheap")
    ben.run("sync")
    no = cy.run("mod", "timeout", gid, "Bertil", "1h", check=False)
    assert no.returncode != 0 and "moderat" in no.stderr and "Traceback" not in no.stderr
    ben.run("mod", "remove-post", gid, spam, "--reason", REASONS[0])
    ben.run("mod", "timeout", gid, "Cyprian", "1h", "--reason", REASONS[1])
    cy.run("sync")
    timed = cy.run("post", gid, "let me out", check=False)
    assert timed.returncode != 0 and "timed out" in timed.stderr
    ben.run("mod", "lift", gid, "Cyprian")
    ana.run("mod", "lock", gid, "General")
    cy.run("sync")
    locked = cy.run("post", gid, "anyone?", check=False)
    assert locked.returncode != 0 and "locked" in locked.stderr
    ana.run("mod", "unlock", gid, "general")
    ana.run("mod", "ban", gid, "Cyprian", "--reason", REASONS[2])
    for member in (ben, cy):
        member.run("sync")
    doc = ben.json("read", gid)
    assert next(p for p in doc["posts"] if p["id"] == spam)["deleted"]
    lines = [e["text"] for e in doc["events"] if e["code"].startswith("mod:")]
    assert any(t.endswith(f"removed a post by \u2068Cyprian\u2069: {REASONS[0]}")
               for t in lines), lines

    # the banned identity asks again through a fresh invite: refused
    link = ana.out("invite", "create", gid)
    cy.run("join", link)
    report = ana.json("sync")
    assert report["admitted"] == 0 and any("banned" in w for w in report["warnings"])
    assert "Cyprian" not in {m["name"] for m in ana.json("members", gid)["members"]}

    ben.run("sync")
    assert _log(ana, gid) == _log(ben, gid)
    # one order on every member: signed time, then actor, then the actor's sequence (two
    # actions in the same second by different people sort by their keys)
    log = _log(ana, gid)
    assert sorted(a for a, *_ in log) == ["ban", "channel", "channel", "lift", "remove",
                                          "timeout"]
    assert [t for _a, _r, t, *_ in log] == sorted(t for _a, _r, t, *_ in log)

    relay.stop()
    needles = {text: text.encode() for text in (*REASONS, "Cheap watches, very cheap",
                                                 "moderator", "Moderated club")}
    assert scan_for([relay.data_dir, relay.log_path], needles) == []
