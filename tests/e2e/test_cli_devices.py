"""Linked devices through the CLI: Ana on two desktops, Ben, a real relay (docs/cli.md)."""
from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.harness import PY, ROOT, Cli, RelayProcess

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def _texts(cli: Cli, gid: str) -> list[tuple[str, str]]:
    return [(p["sender"], p["text"]) for p in
            cli.json("read", gid, "--limit", "200")["posts"] if p["kind"] == "post"]


def _link(first: Cli, new: Cli, name: str = "laptop",  # type: ignore[type-arg]
          *extra: str) -> tuple[str, str, dict]:
    """`device link --yes` in the background, `device join CODE --yes` here."""
    proc = subprocess.Popen([PY, "-m", "app.cli", "--profile", str(first.profile), "device",
                             "link", "--yes", "--json", *extra], cwd=ROOT, env=first.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    code = proc.stdout.readline().strip()
    assert code.startswith("coterie://link#1.")
    joined = new.run("device", "join", code, "--name", name, "--yes", "--json")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    linked = json.loads(out)
    assert linked["history"] is ("--no-history" not in extra)
    words_first = [ln for ln in err.splitlines() if ln.startswith("Words: ")]
    words_new = [ln for ln in joined.stderr.splitlines() if ln.startswith("Words: ")]
    assert words_first and words_new
    assert words_first[0].split("  ")[0] == words_new[0].split("  ")[0]
    return code, linked["device_id"], json.loads(joined.stdout)


def test_two_desktops_one_member_then_one_is_revoked(
        relay: RelayProcess, make_cli: Callable[..., Cli], tmp_path: Path) -> None:
    ana, ben = make_cli("Ana"), make_cli("Ben")
    ana.run("settings", "--default-relay", relay.url)
    gid = ana.out("group", "create", "Book club", "--relay", relay.url)
    ben.run("join", ana.out("invite", "create", gid))
    ana.run("sync")
    ben.run("sync")
    ana.out("post", gid, "Welcome, Ben")
    lap = Cli(tmp_path / "profiles" / "ana-laptop", ana.env)
    code, device, joined = _link(ana, lap)
    assert joined["linked"] and joined["fingerprint"] == ana.fingerprint
    assert joined["groups"] == 1 and joined["recovery_code"]
    assert ("Ana", "Welcome, Ben") in _texts(lap, gid)

    # the code worked once
    again = Cli(tmp_path / "profiles" / "again", ana.env)
    proc = again.run("device", "join", code, "--yes", check=False)
    assert proc.returncode == 6 and proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) <= 2 and "used already" in proc.stderr

    lap.out("post", gid, "From the laptop")
    ben.run("sync")
    ana.run("sync")
    assert _texts(ben, gid).count(("Ana", "From the laptop")) == 1
    mine = [p for p in ana.json("read", gid)["posts"] if p.get("text") == "From the laptop"]
    assert mine and mine[0]["mine"]

    listed = ana.json("device", "list")["devices"]
    assert [(d["first"], d["revoked"]) for d in listed] == [(True, False), (False, False)]
    assert listed[1]["id"] == device and listed[1]["name"] == "laptop"
    assert lap.json("device", "list")["devices"][1]["this_device"]

    revoked = ana.json("device", "revoke", device)
    assert revoked["groups"] == 1
    ben.run("sync")
    ben.out("post", gid, "After the revocation")
    lap.run("sync")
    ana.run("sync")
    assert ("Ben", "After the revocation") not in _texts(lap, gid)
    assert ("Ben", "After the revocation") in _texts(ana, gid)
    assert ana.json("device", "list")["devices"][1]["revoked"]
    lap.run("post", gid, "Stolen laptop", check=False)
    ben.run("sync")
    assert ("Ana", "Stolen laptop") not in _texts(ben, gid)


def test_a_code_typed_wrong_is_one_sentence(relay: RelayProcess, make_cli: Callable[..., Cli],
                                            tmp_path: Path) -> None:
    ana = make_cli("Ana")
    new = Cli(tmp_path / "profiles" / "new", ana.env)
    proc = new.run("device", "join", "coterie://link#1.nope", "--yes", check=False)
    assert proc.returncode == 6 and "not a link code" in proc.stderr
    assert not (tmp_path / "profiles" / "new").exists()


def test_device_link_no_history_sends_the_group_without_its_past(
        relay: RelayProcess, make_cli: Callable[..., Cli], tmp_path: Path) -> None:
    ana, ben = make_cli("Ana"), make_cli("Ben")
    ana.run("settings", "--default-relay", relay.url)
    gid = ana.out("group", "create", "Book club", "--relay", relay.url)
    ben.run("join", ana.out("invite", "create", gid))
    ana.run("sync")
    ben.run("sync")
    ana.out("post", gid, "Welcome, Ben")
    lap = Cli(tmp_path / "profiles" / "ana-laptop", ana.env)
    _code, _device, joined = _link(ana, lap, "laptop", "--no-history")
    assert joined["linked"] and joined["groups"] == 1
    assert [g["id"] for g in lap.json("group", "list")["groups"]] == [gid]
    assert _texts(lap, gid) == []                       # the past stayed behind
    ben.out("post", gid, "Hello, laptop")
    lap.run("sync")
    assert _texts(lap, gid) == [("Ben", "Hello, laptop")]
    assert ("Ana", "Welcome, Ben") in _texts(ana, gid)
