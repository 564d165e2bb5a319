"""Backup and restore through the CLI, two members and a real relay (docs/backup.md)."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from app.files import CACHE_DIR
from tests.e2e.harness import Cli, RelayProcess

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def _texts(cli: Cli, gid: str) -> list[str]:
    return [p["text"] for p in cli.json("read", gid, "--limit", "200")["posts"]
            if p["kind"] == "post"]


def _with_code(cli: Cli, code: str) -> Cli:
    return Cli(cli.profile, {**cli.env, "COTERIE_RECOVERY_CODE": code})


def _restore_fails(ana: Cli, target: Path, source: Path, code: str) -> str:
    restorer = Cli(target, {**ana.env, "COTERIE_RECOVERY_CODE": code})
    before = sorted(os.listdir(target.parent))
    proc = restorer.run("backup", "restore", str(source), check=False)
    assert proc.returncode != 0
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "nothing was restored" in lines[0], proc.stderr
    assert not target.exists()
    assert sorted(os.listdir(target.parent)) == before   # no half-restored folder left over
    return lines[0]


def test_backup_restore_reads_everything_and_continues_the_conversation(
        relay: RelayProcess, make_cli: Callable[..., Cli], tmp_path: Path) -> None:
    ana, ben = make_cli("Ana"), make_cli("Ben")
    gid = ana.out("group", "create", "Book club", "--relay", relay.url)
    ben.run("join", ana.out("invite", "create", gid))
    ana.run("sync")
    ben.run("sync")
    p1 = ana.out("post", gid, "Welcome, Ben")
    ben.run("sync")
    ben.out("reply", gid, p1, "Glad to be here")
    ben.run("react", gid, p1, "👍")
    ana.run("sync")
    notes = tmp_path / "notes.txt"
    notes.write_bytes(os.urandom(50_000))
    attached = ana.out("attach", gid, str(notes), "--text", "Chapter notes")

    backup = tmp_path / "ana.coterie-backup"
    made = _with_code(ana, ana.recovery_code).json("backup", "create", str(backup))
    assert made["path"] == str(backup) and made["size"] == backup.stat().st_size
    assert backup.read_bytes()[:8] == b"COTERIEB"
    # The second backup needs no code: its key is kept in the encrypted store.
    ana.run("backup", "create", str(tmp_path / "again.coterie-backup"))

    # The old machine keeps going a little after the backup, then dies.
    ana.out("post", gid, "Posted after the backup")
    ben.out("post", gid, "Ben after the backup")
    ana.run("sync")

    # Wrong code, truncated and damaged files: one sentence, nothing written.
    wrong = "0000-0000-0000-0000-0000-0000-0000-0000"
    target = tmp_path / "profiles" / "ana-restored"
    assert "recovery code" in _restore_fails(ana, target, backup, wrong)
    data = backup.read_bytes()
    cut = tmp_path / "cut.coterie-backup"
    cut.write_bytes(data[:len(data) // 2])
    assert "damaged or incomplete" in _restore_fails(ana, target, cut, ana.recovery_code)
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0x01
    bad = tmp_path / "bad.coterie-backup"
    bad.write_bytes(bytes(flipped))
    assert "damaged or incomplete" in _restore_fails(ana, target, bad, ana.recovery_code)

    # The real restore, into a new profile folder.
    restored = _with_code(Cli(target, dict(ana.env)), ana.recovery_code)
    done = restored.json("backup", "restore", str(backup))
    assert done["restored"] and done["fingerprint"] == ana.fingerprint
    assert done["groups"] == 1 and done["caught_up"]
    assert "old machine" in done["note"]
    assert (target / "key.json").exists() and (target / "store.db").exists()

    texts = _texts(restored, gid)
    for text in ("Welcome, Ben", "Glad to be here", "Posted after the backup",
                 "Ben after the backup"):
        assert text in texts
    first = next(p for p in restored.json("read", gid)["posts"] if p["text"] == "Welcome, Ben")
    assert first["reactions"] == {"👍": ["Ben"]}
    # the file came back in the profile's blob cache, and saves again from the restored profile
    assert (target / CACHE_DIR).is_dir() and any((target / CACHE_DIR).iterdir())
    saved = restored.out("download", gid, attached, "--out", str(tmp_path)).splitlines()
    assert Path(saved[-1]).read_bytes() == notes.read_bytes()

    # It continues the conversation: Ben reads it with no fork or gap warning.
    restored.out("post", gid, "Back on a new machine")
    ben.run("sync")
    doc = ben.json("read", gid, "--limit", "200")
    assert "Back on a new machine" in [p["text"] for p in doc["posts"]]
    assert not doc.get("warnings"), doc.get("warnings")
    assert not [p for p in doc["posts"] if p["kind"] == "warning"]
    ben.out("post", gid, "Welcome back")
    restored.run("sync")
    assert "Welcome back" in _texts(restored, gid)

    # The old machine comes back: the restored profile is a device of its own (protocol
    # §16.8), so both post without reading each other first and the others see one history.
    restored.out("post", gid, "The restored machine, again")
    ana.out("post", gid, "The old machine, once more")
    ben.run("sync")
    doc = ben.json("read", gid, "--limit", "200")
    got = [p["text"] for p in doc["posts"]]
    assert got.count("The old machine, once more") == got.count("The restored machine, again") == 1
    assert not doc.get("warnings"), doc.get("warnings")
    restored.run("sync")
    assert "The old machine, once more" in _texts(restored, gid)
    assert not restored.json("read", gid).get("warnings")

    # The old machine is gone for good: revoke it from the restored one.
    devices = restored.json("device", "list")["devices"]
    assert [(d["first"], d["this_device"]) for d in devices] == [(True, False), (False, True)]
    restored.run("device", "revoke", devices[0]["id"])
    ben.run("sync")
    ana.out("post", gid, "Someone on the old machine")
    ben.run("sync")
    restored.run("sync")
    for cli in (ben, restored):
        assert "Someone on the old machine" not in _texts(cli, gid)
    assert restored.json("device", "list")["devices"][0]["revoked"]
    restored.out("post", gid, "Only the new machine now")
    ben.run("sync")
    assert "Only the new machine now" in _texts(ben, gid)
