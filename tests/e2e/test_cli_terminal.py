"""Other people's text reaches the terminal only as text, and every argument is input.

Mallory runs a modified client (in this process): her display name, group name, posts and
reactions carry escape sequences, C1 controls and bidi overrides that an honest client
would clean. Ana reads everything through the real CLI in its own process; nothing that
can steer a terminal may reach her stdout or stderr, names sit in FSI…PDI isolates, and
`--json` still carries exactly what was sent.
"""
from __future__ import annotations

import re
import subprocess
from collections.abc import Callable

import pytest

import app.groups
from tests.e2e.harness import PY, ROOT, Cli, RelayProcess, open_services

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

# What may never reach a terminal raw: C0 (except newline), DEL, C1, bidi embeddings,
# overrides and marks, line/paragraph separators.
STEERING = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029]")
FSI, PDI = "\u2068", "\u2069"

HOSTILE_NAME = "\x1b\x9b\x07Cle\u043e\u202e"   # raw controls; looks like "Cleo"
HOSTILE_GROUP = "\x1b]0;you are hacked\x07Chess \u202ebulc"
HOSTILE_POST = "move e4\x1b[31m red\r\x9b2Kgone\u202etxet\nsecond line\x1b]8;;http://evil\x07"
HOSTILE_EMOJI = "\x1b[5m👍"


def _inert(text: str) -> str:
    assert not STEERING.search(text), repr(text)
    assert text.count(FSI) == text.count(PDI), repr(text)
    return text


def test_hostile_names_posts_and_group_names_reach_the_terminal_as_text(
        relay: RelayProcess, make_cli: Callable[..., Cli],
        monkeypatch: pytest.MonkeyPatch) -> None:
    ana, cleo, mallory = make_cli("Ana"), make_cli("Cleo"), make_cli("Mallory")
    gid = ana.out("group", "create", "Club", "--relay", relay.url)
    cleo.run("join", ana.out("invite", "create", gid))
    ana.run("sync")
    cleo.run("sync")
    link = ana.json("invite", "create", gid, "--uses", "2")["link"]

    evil = open_services(mallory)
    svc = evil.services
    try:
        # A modified client: its name and its group's name skip the cleaning honest ones do.
        svc._access.runtime().display_name = HOSTILE_NAME
        monkeypatch.setattr(app.groups, "_group_name", lambda name: name)
        own = svc.groups.create(HOSTILE_GROUP, relay.url).id
        own_link = svc.invites.create(own).link
        svc.invites.join(link)
        svc.sync_once()

        # The request shows the cleaned name, isolated, tagged as a look-alike of Cleo.
        ana.run("sync")
        waiting = _inert(ana.out("requests", gid))
        assert f"{FSI}Cle\u043e (" in waiting
        request = ana.json("requests", gid)["requests"][0]
        ana.run("approve", gid, request["id"])
        svc.sync_once()
        pid = svc.posts.post(gid, HOSTILE_POST).id
        svc.posts.react(gid, pid, HOSTILE_EMOJI)
        svc.sync_once()
        joined = ana.run("join", own_link)
        _inert(joined.stdout + joined.stderr)
        svc.sync_once()
    finally:
        evil.close()

    ana.run("sync")
    timeline = _inert(ana.out("read", gid))
    assert "move e4\ufffd[31m red\ufffd\ufffd2Kgone\ufffdtxet" in timeline
    assert "    second line\ufffd]8;;http://evil\ufffd" in timeline
    assert "\ufffd[5m👍 1" in timeline
    members = _inert(ana.out("members", gid))
    assert members.count(" (") >= 2   # Cleo and her look-alike both carry a tag
    listed = _inert(ana.out("group", "list"))
    assert f"{FSI}]0;you are hacked" in listed
    found = _inert(ana.out("search", "e4"))
    assert f"{FSI}Cle\u043e" in found and f"{FSI}Club{PDI}" in found
    _inert(ana.out("sync"))

    # --json is unchanged: the exact text that was sent, escaped only as JSON text.
    raw = ana.run("read", gid, "--json").stdout
    assert not STEERING.search(raw)
    posts = [p for p in __import__("json").loads(raw)["posts"] if p["id"] == pid]
    assert posts[0]["text"] == HOSTILE_POST
    assert list(posts[0]["reactions"]) == [HOSTILE_EMOJI]


def test_create_a_group_with_the_default_relay(relay: RelayProcess,
                                               make_cli: Callable[..., Cli]) -> None:
    ana = make_cli("Ana")
    refused = ana.run("group", "create", "Choir", check=False)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "coterie settings --default-relay URL" in refused.stderr
    assert ana.json("settings")["default_relay"] == ""
    ana.run("settings", "--default-relay", relay.url + "/")
    assert ana.json("settings")["default_relay"] == relay.url
    assert relay.url in ana.out("settings")
    gid = ana.out("group", "create", "Choir")
    assert [g["relay"] for g in ana.json("group", "list")["groups"]] == [relay.url]
    assert ana.json("invite", "create", gid)["link"].startswith("coterie://join#")
    # The group's creation is a membership note: under "events", never among the posts.
    doc = ana.json("read", gid)
    assert doc["posts"] == [] and [e["code"] for e in doc["events"]] == ["genesis"]
    assert "You created the group" in _inert(ana.out("read", gid))


def _raw(cli: Cli, *args: bytes, env: dict | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([PY, "-m", "app.cli", "--profile", str(cli.profile), *args],
                          cwd=ROOT, env=env or cli.env, capture_output=True, timeout=90)


def test_bytes_that_are_not_utf8_are_refused_with_exit_2(make_cli: Callable[..., Cli]) -> None:
    ana = make_cli("Ana")
    # "Café" typed in a Latin-1 terminal: the group name would reach the store and fail there.
    for args in ((b"group", b"create", b"Caf\xe9", b"--relay", b"http://127.0.0.1:9"),
                 (b"post", b"Caf\xe9", b"hello"),
                 (b"invite", b"create", b"g", b"--expires", b"\xff\xfe")):
        result = _raw(ana, *args)
        assert result.returncode == 2, result.stderr
        assert result.stderr.count(b"\n") == 1 and b"not valid UTF-8" in result.stderr
    home = {**ana.env, "COTERIE_HOME": b"/tmp/caf\xe9".decode("utf-8", "surrogateescape")}
    result = subprocess.run([PY, "-m", "app.cli", "group", "list"], cwd=ROOT,
                            env={k.encode(): v.encode("utf-8", "surrogateescape")
                                 for k, v in home.items()},
                            capture_output=True, timeout=90)
    assert result.returncode == 2 and b"COTERIE_HOME is not valid UTF-8" in result.stderr
    assert ana.json("group", "list")["groups"] == []


def test_a_terminal_that_cannot_show_a_name_gets_question_marks_not_a_crash(
        make_cli: Callable[..., Cli]) -> None:
    zoe = make_cli("Zoë 山田")
    ascii_only = Cli(zoe.profile, {**zoe.env, "PYTHONIOENCODING": "ascii"})
    shown = ascii_only.run("settings")
    assert shown.returncode == 0 and "Zo? ??" in shown.stdout
    assert "Zoë 山田" == ascii_only.json("settings")["name"]


def test_a_reader_that_stops_early_ends_the_command_quietly(make_cli: Callable[..., Cli]) -> None:
    ana = make_cli("Ana")
    proc = subprocess.Popen([PY, "-m", "app.cli", "--profile", str(ana.profile), "group", "list"],
                            cwd=ROOT, env=ana.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()            # like `coterie ... | head -0`: nobody reads
    err = proc.stderr.read()
    assert proc.wait(60) == 141 and err == b"", err
