"""Reports, rules and first-post approval through the CLI: three profiles, one real relay,
every command its own process.

An admin sets rules; a joiner sees them, is refused without accepting, and joins with
--accept-rules; first-post approval holds the joiner's first post until a moderator
approves it; a member reports a post, the moderator resolves it with a removal, the
reporter sees it handled (not by whom); and the relay learns none of the report texts, the
rules or the held post (byte scan)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.harness import Cli, RelayProcess, scan_for
from tests.e2e.test_cli_governance import _join

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

RULES = "# House rules\n\nBe kind-rules-xyzzy. No spam-rules-plugh."
REPORT_TEXT = "report-detail-frobozz"
HELD = "first-post-held-zorkmid"


def _texts(cli: Cli, gid: str) -> list[str]:
    return [p["text"] for p in cli.json("read", gid)["posts"] if not p["deleted"]]


def test_reports_rules_and_approval_through_a_relay(
        relay: RelayProcess, make_cli: Callable[..., Cli], tmp_path: Path) -> None:
    ana, ben, cy = (make_cli(n) for n in ("Anouk", "Bertil", "Cyprian"))
    gid = ana.out("group", "create", "Reporting club", "--relay", relay.url)
    _join(ana, ben, gid)
    ana.run("role", gid, "Bertil", "moderator")
    rules_file = tmp_path / "rules.md"
    rules_file.write_text(RULES, encoding="utf-8")
    assert ana.json("rules", gid, "--set-file", str(rules_file))["rules"] == RULES
    ana.run("mod", "settings", gid, "--approve-first", "on")
    ben.run("sync")
    assert ben.json("rules", gid)["changed"] is True
    assert ben.json("rules", gid)["changed"] is False      # shown once
    no = ben.run("rules", gid, "--set-file", str(rules_file), check=False)
    assert no.returncode != 0 and "admin" in no.stderr and "Traceback" not in no.stderr

    # the joiner sees the rules and must accept them
    link = ana.out("invite", "create", gid)
    refused = cy.run("join", link, check=False)
    assert refused.returncode != 0 and "--accept-rules" in refused.stderr
    assert "Be kind-rules-xyzzy" in refused.stdout
    cy.run("join", link, "--accept-rules")
    assert ana.json("sync")["admitted"] == 1
    assert cy.json("sync")["joined"] == [gid]
    assert cy.json("rules", gid) == {"rules": RULES, "set_by": cy.json("rules", gid)["set_by"],
                                     "set_at": None, "changed": False}

    # first-post approval: held until the moderator approves it
    first = cy.out("post", gid, HELD)
    ben.run("sync")
    ana.run("sync")
    assert HELD not in _texts(ana, gid)
    queue = ben.json("reports", gid)
    assert [h["id"] for h in queue["held"]] == [first]
    ben.run("reports", "approve", gid, first)
    ana.run("sync")
    assert HELD in _texts(ana, gid)

    # a report: only moderators and admins read it; resolved with a removal
    spam = ana.out("post", gid, "Totally legit offer")
    cy.run("sync")
    rid = cy.out("report", gid, spam, "spam", "--text", REPORT_TEXT)
    ben.run("sync")
    [seen] = ben.json("reports", gid)["reports"]
    assert seen["id"] == rid and seen["text"] == REPORT_TEXT and seen["status"] == "new"
    assert seen["post"]["verified"] and seen["post"]["text"] == "Totally legit offer"
    assert seen["post"]["author_fingerprint"] == ana.fingerprint
    ben.run("reports", "resolve", gid, rid, "--action", "remove")
    for member in (ana, cy):
        member.run("sync")
    [mine] = cy.json("reports", gid)["reports"]
    assert mine["status"] == "handled" and mine["handled_by"] is None
    assert mine["reporter"] is None
    assert "Totally legit offer" not in _texts(cy, gid)
    assert [r["status"] for r in ana.json("reports", gid)["reports"]] == ["handled"]

    relay.stop()
    needles = {name: name.encode() for name in (
        REPORT_TEXT, "Be kind-rules-xyzzy", "No spam-rules-plugh", HELD, "Totally legit offer",
        "Reporting club")}
    assert scan_for([relay.data_dir, relay.log_path], needles) == []
