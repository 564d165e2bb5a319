"""A CLI command that only reads the local store starts without the network stack: httpx,
the sync engine's relay flows and the blob client load when a command first talks to
a relay (sync/__init__.py and sync/engine.py import them on first use). A command builds
and imports only its own capability's CLI module, and reads and helps exactly as it would
among all of them. `read` on a profile unlocked by the keyring builds only the services it
uses: no sync engine, no backup, no inbound path, no group session code."""
from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

from app.api import Services
from app.cli import CAPABILITIES, build_parser, command_named
from app.cli_base import Parser
from tests.e2e.filekeyring import ENV_FILE, FileKeyring

ROOT = Path(__file__).resolve().parents[2]

_PROGRAM = """
import json, sys
import ui.launcher, app.cli, app.api
loaded = sorted(m for m in ("httpx", "httpcore", "sync.transport", "sync.flows",
                            "sync.live", "sync.blob_transport", "PySide6") if m in sys.modules)
from sync.engine import SyncEngine
engine = SyncEngine(lambda batch: None, lambda acks: None)
client = engine._client_factory("http://127.0.0.1:9")
print(json.dumps({"loaded": loaded, "client": type(client).__module__,
                  "after": "httpx" in sys.modules}))
"""


def test_the_cli_loads_no_network_code_until_it_talks_to_a_relay() -> None:
    done = subprocess.run([sys.executable, "-c", _PROGRAM], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["loaded"] == []
    assert seen["client"] == "sync.transport" and seen["after"] is True


_READ_PROGRAM = """
import json, sys
from app.cli import main
main(["--profile", sys.argv[1], "read", "somegroup"])
print(json.dumps(sorted(m for m in sys.modules if m.startswith("app.cli_"))))
"""


def test_read_imports_only_the_cli_modules_of_posts(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", _READ_PROGRAM, str(tmp_path / "p")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=True)
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    # cli_posts prints a post's channel with cli_channels' JSON shape; nothing else comes in
    assert loaded == ["app.cli_args", "app.cli_base", "app.cli_channels", "app.cli_format",
                      "app.cli_posts"]


_READ_UNLOCKED = """
import json, sys
from app.cli import main
code = main(["--profile", sys.argv[1], "read", sys.argv[2]])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""
# What `read` must not load: the sync engine and its event loop, the inbound path, the
# group session code, backups and exports, and every capability it does not use.
_NOT_FOR_READ = ("asyncio", "httpx", "sync.engine", "sync.core", "sync.values", "app.syncer",
                 "app.inbound", "app.backup", "app.backup_format", "app.export", "app.files",
                 "app.library", "app.invites", "app.search", "app.moderation",
                 "crypto.session", "crypto.receive", "crypto.send", "crypto.events",
                 "app.polls", "app.events_cal", "crypto.polls", "crypto.moderation",
                 "crypto.file_payloads", "app.reports", "app.reports_inbound",
                 "crypto.reports")


def test_read_on_an_unlocked_profile_loads_no_sync_backup_or_session_code(
        tmp_path: Path) -> None:
    keyring_file = tmp_path / "keyring.json"
    svc = Services(tmp_path / "p", keyring_backend=FileKeyring(keyring_file))
    try:
        svc.profile.create("Ana")
        gid = svc.groups.create("Club", "http://127.0.0.1:9").id
        svc.posts.post(gid, "hello")
    finally:
        svc.close()
    env = {k: v for k, v in os.environ.items() if k not in ("COTERIE_PASSPHRASE", "COTERIE_HOME")}
    env.update(PYTHON_KEYRING_BACKEND="tests.e2e.filekeyring.FileKeyring",
               **{ENV_FILE: str(keyring_file)})
    done = subprocess.run([sys.executable, "-c", _READ_UNLOCKED, str(tmp_path / "p"), gid],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                          check=True)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["code"] == 0, done.stderr
    assert "hello" in done.stdout
    assert [m for m in _NOT_FOR_READ if m in seen["modules"]] == []


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_each_capability_registers_exactly_the_commands_listed_for_it() -> None:
    everything = _commands(build_parser())
    listed = [name for names in CAPABILITIES.values() for name in names]
    assert listed == list(everything)  # same commands, same --help order
    for module, names in CAPABILITIES.items():
        p = Parser(prog="coterie")
        sub = p.add_subparsers(dest="command", parser_class=Parser)
        importlib.import_module(module).register(sub)
        assert tuple(sub.choices) == names, module


def _helps(parser: argparse.ArgumentParser) -> list[str]:
    """The help of a parser and of every subcommand below it."""
    out = [parser.format_help()]
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for action in subs:
        for child in action.choices.values():
            out += _helps(child)
    return out


def test_a_command_parsed_alone_reads_and_helps_as_among_all() -> None:
    everything = _commands(build_parser())
    for name, full in everything.items():
        assert _helps(_commands(build_parser(name))[name]) == _helps(full), name


def test_the_command_is_found_only_behind_nothing_but_the_profile() -> None:
    assert command_named(["read", "g"]) == "read"
    assert command_named(["--profile", "d", "read", "g"]) == "read"
    assert command_named(["--profile=d", "group", "list"]) == "group"
    for unusual in (["-h"], ["--prof", "d", "read"], ["--profile", "-x", "read"], [],
                    ["--profile"], ["--", "read"]):
        assert command_named(unusual) is None, unusual
